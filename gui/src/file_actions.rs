//! The explorer's files: the experiment file (save and load the form) and the trajectory's
//! CSV export. Each returns the status line's message: what was written, or why not.

use std::path::Path;
use std::sync::mpsc::{Receiver, TryRecvError};

use grokflow_core::experiment_file::ExperimentSpec;

use crate::form::Form;
use crate::run_data::RunData;
use crate::user_files::{self, Opened};

/// Writes the form's experiment to `path` (only a valid one).
pub fn save_experiment(form: &Form, path: &str) -> Result<String, String> {
    let (config, precision) = form
        .parse()
        .map_err(|_| "Fix the form first: only valid experiments are saved".to_owned())?;
    let text = ExperimentSpec { config, precision }.to_json();
    let done = user_files::save(path, "application/json", text.as_bytes())?;
    Ok(format!(
        "{done} (reproduce with `grokflow run --config {path}`)"
    ))
}

/// An experiment file on its way in (in a browser, once the user has picked it).
pub struct Opening(Receiver<Opened>);

/// What has become of an [`Opening`].
pub enum Arrival {
    /// Not yet.
    Waiting,
    /// It will not come (the user closed the file chooser).
    Cancelled,
    /// The experiment, with the file's name, or why it cannot be read.
    Read(Result<(String, ExperimentSpec), String>),
}

impl Opening {
    /// Starts reading the experiment file at `path` (in a browser, the file the user picks);
    /// `wake` is called when it has arrived.
    pub fn start(path: &str, wake: impl Fn() + 'static) -> Self {
        Self(user_files::open_text(path, ".json", wake))
    }

    /// What has arrived.
    pub fn poll(&self) -> Arrival {
        match self.0.try_recv() {
            Ok(opened) => Arrival::Read(opened.and_then(|(name, text)| {
                let spec = ExperimentSpec::from_json(&text).map_err(|e| format!("{name}: {e}"))?;
                Ok((name, spec))
            })),
            Err(TryRecvError::Empty) => Arrival::Waiting,
            Err(TryRecvError::Disconnected) => Arrival::Cancelled,
        }
    }
}

/// Fills `form` from an experiment that has been read; a file that could not be read leaves
/// the form as it was (nothing is lost).
pub fn load_into(
    form: &mut Form,
    read: Result<(String, ExperimentSpec), String>,
) -> Result<String, String> {
    let (name, spec) = read?;
    *form = Form::from_config(&spec.config, spec.precision, "custom");
    Ok(format!("Loaded {name}"))
}

/// Writes `run`'s trajectory as `grokflow run --csv` writes it, next to `export_path`.
pub fn export_csv(run: Option<&RunData>, export_path: &str) -> Result<String, String> {
    let run = run.ok_or_else(|| "No run to export".to_owned())?;
    let name = Path::new(export_path)
        .with_extension("csv")
        .display()
        .to_string();
    let count = run.records.len();
    let done = user_files::save(&name, "text/csv", run.trajectory_csv().as_bytes())?;
    Ok(format!("{done}: {count} rows"))
}
