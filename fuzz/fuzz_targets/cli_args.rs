//! `cargo +nightly fuzz run cli_args`: see `grokflow_fuzz::cli_args` for what is checked.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| grokflow_fuzz::cli_args(data));
