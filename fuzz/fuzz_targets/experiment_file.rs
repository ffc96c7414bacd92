//! `cargo +nightly fuzz run experiment_file`: see `grokflow_fuzz::experiment_file` for what is checked.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| grokflow_fuzz::experiment_file(data));
