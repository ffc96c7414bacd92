//! Puts the selected board's memory map where cortex-m-rt's `link.x` looks for `memory.x`.

use std::path::PathBuf;

fn main() {
    // Board feature → memory map (the bf16 build runs on the LM3S6965 too).
    let (_, board) = [
        ("microbit", "microbit"),
        ("lm3s6965", "lm3s6965"),
        ("lm3s6965-bf16-sr", "lm3s6965"),
        ("an386", "an386"),
    ]
    .into_iter()
    .find(|(feature, _)| {
        let variable = feature.to_uppercase().replace('-', "_");
        std::env::var_os(format!("CARGO_FEATURE_{variable}")).is_some()
    })
    .expect("select a board feature: microbit, lm3s6965, lm3s6965-bf16-sr or an386");
    let out = PathBuf::from(std::env::var_os("OUT_DIR").expect("OUT_DIR"));
    let source = PathBuf::from("memory").join(format!("{board}.x"));
    std::fs::copy(&source, out.join("memory.x")).expect("memory map");
    println!("cargo:rustc-link-search={}", out.display());
    println!("cargo:rustc-link-arg=-Tlink.x");
    println!("cargo:rerun-if-changed={}", source.display());
}
