//! grokflow's front ends: the desktop explorer and the headless command line.
//!
//! Everything scientific lives in `grokflow-core`; this crate only chooses the number
//! format, owns the buffers and presents the results.

// serde_json::json! recurses once per key; the summary has about fifty.
#![recursion_limit = "256"]

pub mod app;
pub mod cli;
pub mod display;
pub mod files;
pub mod form;
pub mod headless;
pub mod phase_view;
pub mod plots;
pub mod progress;
pub mod run_data;
pub mod summary;
pub mod sweep_cli;
pub mod trajectory_csv;
pub mod weights_view;
pub mod worker;
