//! What the explorer keeps between launches (eframe's storage): the form, the view, the pace,
//! the file names and the phase-diagram grid.

use grokflow_cli::View;
use serde::{Deserialize, Serialize};

use crate::form::Form;
use crate::phase_view::SweepSettings;

/// Everything kept between launches.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(default)]
pub struct Settings {
    /// The experiment form.
    pub form: Form,
    /// The middle view.
    pub view: View,
    /// Records per second, or None for as fast as possible.
    pub pace: Option<f64>,
    /// Where experiments are saved and loaded.
    pub experiment_path: String,
    /// Where the trajectory CSV and the plot PNG go (extension replaced).
    pub export_path: String,
    /// The phase-diagram grid.
    pub sweep: SweepSettings,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            form: Form::default(),
            view: View::Curves,
            pace: None,
            experiment_path: "grokflow-experiment.json".to_owned(),
            export_path: "grokflow-run".to_owned(),
            sweep: SweepSettings::default(),
        }
    }
}
