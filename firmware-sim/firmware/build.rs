//! Selects the board from the one Cargo feature that names it: puts its memory map where the
//! runtime's `link.x` looks for `memory.x`, and writes `board.rs` (the `Board` and the
//! scalar type of its number format) for `main.rs` to include, so that everything about a
//! build comes from `firmware_sim::BOARDS`.

use std::path::PathBuf;

use firmware_sim::BOARDS;
use grokflow_core::Precision;

/// The core's type for a number format.
fn scalar_type(precision: Precision) -> &'static str {
    match precision {
        Precision::F32 => "f32",
        Precision::F64 => "f64",
        Precision::Bf16 => "grokflow_core::Bf16",
        Precision::Bf16Sr => "grokflow_core::Bf16Sr",
        Precision::F16 => "grokflow_core::F16",
        Precision::F16Sr => "grokflow_core::F16Sr",
        Precision::Q16_16 => "grokflow_core::Fixed16",
        Precision::Q16_16Sr => "grokflow_core::Fixed16Sr",
        Precision::Q8_24 => "grokflow_core::Fixed24",
        Precision::Q8_24Sr => "grokflow_core::Fixed24Sr",
        Precision::F32Approx => "grokflow_core::F32Approx",
    }
}

fn main() {
    let enabled = |feature: &str| {
        let variable = feature.to_uppercase().replace('-', "_");
        std::env::var_os(format!("CARGO_FEATURE_{variable}")).is_some()
    };
    let selected: Vec<_> = BOARDS
        .iter()
        .enumerate()
        .filter(|(_, b)| enabled(b.feature))
        .collect();
    let [(index, board)] = selected[..] else {
        let names: Vec<_> = BOARDS.iter().map(|b| b.feature).collect();
        panic!("select exactly one board feature: {}", names.join(", "));
    };
    let out = PathBuf::from(std::env::var_os("OUT_DIR").expect("OUT_DIR"));
    let source = PathBuf::from("memory").join(format!("{}.x", board.memory));
    std::fs::copy(&source, out.join("memory.x")).expect("memory map");
    std::fs::write(
        out.join("board.rs"),
        format!(
            "/// The `{feature}` build.\n\
             const BOARD: firmware_sim::Board = firmware_sim::BOARDS[{index}];\n\
             /// The number format of `BOARD.precision`.\n\
             type S = {scalar};\n",
            feature = board.feature,
            scalar = scalar_type(board.precision),
        ),
    )
    .expect("board.rs");
    println!("cargo:rustc-link-search={}", out.display());
    if std::env::var("CARGO_CFG_TARGET_ARCH").as_deref() == Ok("riscv32") {
        // riscv-rt's link.x does not include memory.x itself.
        println!("cargo:rustc-link-arg=-Tmemory.x");
    }
    println!("cargo:rustc-link-arg=-Tlink.x");
    println!("cargo:rerun-if-changed={}", source.display());
}
