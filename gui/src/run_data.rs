//! What the explorer knows about one run: its settings and everything the worker reported.

use egui::Color32;
use grokflow_core::{Config, Metrics, Precision, Status, Transitions};

use crate::worker::{Update, Weights};

/// A run's trajectory and state, live or pinned.
#[derive(Clone, Debug)]
pub struct RunData {
    /// Legend entry.
    pub label: String,
    /// Colour of its curves.
    pub color: Color32,
    /// What was run.
    pub config: Config,
    /// In which format.
    pub precision: Precision,
    /// Every metrics record so far (one per grid time: bounded by the log grid).
    pub records: Vec<Metrics>,
    /// Transition times so far.
    pub transitions: Transitions,
    /// Where the run stands.
    pub status: Status,
    /// Integrator steps so far.
    pub steps: u64,
    /// The latest parameter snapshot.
    pub weights: Option<Weights>,
    /// What the worker is doing when it is not stepping.
    pub note: Option<String>,
    /// Paused by the user.
    pub paused: bool,
    /// Why the run could not start.
    pub error: Option<String>,
}

impl RunData {
    /// A run about to start.
    pub fn new(config: Config, precision: Precision, color: Color32) -> Self {
        Self {
            label: label(&config, precision),
            color,
            config,
            precision,
            records: Vec::new(),
            transitions: Transitions::default(),
            status: Status::Running,
            steps: 0,
            weights: None,
            note: None,
            paused: false,
            error: None,
        }
    }

    /// Folds in an update from the worker.
    pub fn apply(&mut self, update: Update) {
        self.records.extend(update.records);
        if update.error.is_some() {
            self.error = update.error;
            self.status = Status::Finished;
            return;
        }
        self.note = update.note;
        if self.note.is_none() {
            self.status = update.status;
            self.transitions = update.transitions;
            self.steps = update.steps;
        }
        if update.weights.is_some() {
            self.weights = update.weights;
        }
    }

    /// `log10` of the current time (None before the first step).
    pub fn log10_t(&self) -> Option<f64> {
        self.records.last().and_then(|m| m.log10_t)
    }
}

/// "α=128 λ=0.001 sparse-cls f32".
fn label(config: &Config, precision: Precision) -> String {
    format!(
        "α={} λ={} {} {}",
        config.alpha,
        config.lambda,
        config.task.name(),
        precision.name()
    )
}
