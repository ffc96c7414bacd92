//! `cargo +nightly fuzz run data_file`: see `grokflow_fuzz::data_file` for what is checked.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| grokflow_fuzz::data_file(data));
