//! Benchmarks of grokflow (see `benches/`); run them with `cargo bench -p grokflow-benches`.
