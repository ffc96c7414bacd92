//! grokflow's explorer: an eframe window to change α, λ and the task and watch the run on a
//! log-time axis, and the `grokflow` binary that opens it or runs a subcommand of
//! `grokflow-cli`.
//!
//! Everything scientific lives in `grokflow-core`; this crate only chooses the number
//! format, owns the buffers and presents the results.

pub mod app;
pub mod background;
pub mod central_view;
pub mod command;
pub mod controls_panel;
pub mod file_actions;
pub mod form;
pub mod form_rows;
pub mod glyphs;
pub mod link;
pub mod menu_bar;
#[cfg(target_arch = "wasm32")]
pub mod page_state;
pub mod phase_view;
pub mod plots;
pub mod run_data;
pub mod runs;
pub mod settings;
pub mod snapshots;
pub mod thinning;
pub mod time_cursor;
pub mod user_files;
#[cfg(target_arch = "wasm32")]
pub mod web;
pub mod weights;
pub mod weights_view;
pub mod window_capture;
pub mod worker;
