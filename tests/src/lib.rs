//! The paper's claims as tests (see `tests/`), at a scale that fits CI.
//!
//! Each claim runs the real experiment through `grokflow-core`, in f32 and in f64, and checks
//! what the mathematics or the paper predicts, never values copied from an earlier run.
