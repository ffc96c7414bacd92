//! `cargo +nightly fuzz run config_run`: see `grokflow_fuzz::config_run` for what is checked.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| grokflow_fuzz::config_run(data));
