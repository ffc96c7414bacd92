//! What the user asked for in a frame: the panels return commands, the app applies them
//! after drawing.

use grokflow_core::Preset;

use crate::phase_view::SweepAction;

/// What the user asked for this frame, applied after drawing.
#[must_use]
#[derive(Clone, Debug, PartialEq)]
pub enum Command {
    /// Start the form's experiment.
    Run,
    /// Pause or resume the live run.
    Pause(bool),
    /// One step of the paused run.
    Step,
    /// Drop the live run.
    Reset,
    /// Keep the live run's curves for comparison.
    Pin,
    /// Drop the pinned runs.
    ClearPinned,
    /// Fill the form from a preset.
    LoadPreset(&'static Preset),
    /// Write the form to the experiment file.
    Save,
    /// Read the form from the experiment file.
    Load,
    /// Write the live run's trajectory as CSV.
    ExportCsv,
    /// Write a PNG of the window.
    ExportPng,
    /// Change the pace of the live run.
    Pace(Option<f64>),
    /// Start or cancel the phase diagram.
    Sweep(SweepAction),
}
