//! grokflow's front ends: the headless command line (and, later, the desktop explorer).
//!
//! Everything scientific lives in `grokflow-core`; this crate only chooses the number
//! format, owns the buffers and presents the results.

// serde_json::json! recurses once per key; the summary has about fifty.
#![recursion_limit = "256"]

pub mod cli;
pub mod headless;
pub mod progress;
pub mod summary;
pub mod trajectory_csv;
