//! Puts the selected board's memory map where cortex-m-rt's `link.x` looks for `memory.x`.

use std::path::PathBuf;

fn main() {
    let board = ["microbit", "lm3s6965", "an386"]
        .into_iter()
        .find(|b| std::env::var_os(format!("CARGO_FEATURE_{}", b.to_uppercase())).is_some())
        .expect("select a board feature: microbit, lm3s6965 or an386");
    let out = PathBuf::from(std::env::var_os("OUT_DIR").expect("OUT_DIR"));
    let source = PathBuf::from("memory").join(format!("{board}.x"));
    std::fs::copy(&source, out.join("memory.x")).expect("memory map");
    println!("cargo:rustc-link-search={}", out.display());
    println!("cargo:rustc-link-arg=-Tlink.x");
    println!("cargo:rerun-if-changed={}", source.display());
}
