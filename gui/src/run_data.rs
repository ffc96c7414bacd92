//! What the explorer knows about one run: its settings and everything the worker reported.

use grokflow_cli::trajectory_csv;
use grokflow_core::summary::Summary;
use grokflow_core::{Config, Metrics, Precision, Status, Transitions};

use crate::snapshots::Snapshots;
use crate::thinning::keep_every_other;
use crate::weights::Reference;
use crate::worker::Update;

/// Records kept per run. The grid allows up to 1000 points per decade over 300 decades;
/// past this many the explorer keeps every other record (the curves on a log-time axis look
/// the same), so that a run left for hours holds at most ~1 MB of records.
pub const MAX_RECORDS: usize = 4096;

/// A run's trajectory and state, live or pinned.
#[derive(Clone, Debug)]
pub struct RunData {
    /// Legend entry.
    pub label: String,
    /// How its curves are drawn: 0 for the live run (solid), `k ≥ 1` for a pinned run
    /// (the k-th dash pattern); every run draws a quantity in the quantity's colour.
    pub style: usize,
    /// In which format.
    pub precision: Precision,
    /// What was run and where it stands, as the worker last reported (the configuration,
    /// status, transition times, steps, gradient evaluations, the last record, the wall time
    /// spent stepping), in the form the command line summarises a run in.
    pub progress: Summary,
    /// The metrics records so far, in time order: every grid time until there are
    /// [`MAX_RECORDS`], then thinned to every other one (see [`RunData::apply`]).
    pub records: Vec<Metrics>,
    /// Parameter snapshots on the log-time grid (bounded, see [`Snapshots`]).
    pub snapshots: Snapshots,
    /// What the snapshots are compared with.
    pub reference: Option<Reference>,
    /// What the worker is doing when it is not stepping.
    pub note: Option<String>,
    /// Paused by the user.
    pub paused: bool,
    /// Why the run could not start.
    pub error: Option<String>,
}

impl RunData {
    /// The records as the CSV that `grokflow run --csv` writes.
    pub fn trajectory_csv(&self) -> String {
        let mut text = trajectory_csv::HEADER.join(",");
        text.push('\n');
        for m in &self.records {
            text.push_str(&trajectory_csv::row(m).join(","));
            text.push('\n');
        }
        text
    }

    /// A run about to start.
    pub fn new(config: Config, precision: Precision) -> Self {
        Self {
            label: label(&config, precision),
            style: 0,
            precision,
            progress: Summary {
                config,
                precision: precision.name(),
                status: Status::Running,
                steps: 0,
                gradient_evals: 0,
                transitions: Transitions::default(),
                t_predicted: config.t_predicted(),
                last: None,
                wall_s: 0.0,
                shape: None,
            },
            records: Vec::new(),
            snapshots: Snapshots::default(),
            reference: None,
            note: None,
            paused: false,
            error: None,
        }
    }

    /// A copy for pinning: the curves and state, without the parameter snapshots (the
    /// weights view shows the live run only, and snapshots take up to 64 MB).
    pub fn curves_only(&self) -> Self {
        Self {
            label: self.label.clone(),
            style: self.style,
            precision: self.precision,
            progress: self.progress,
            records: self.records.clone(),
            snapshots: Snapshots::default(),
            reference: None,
            note: self.note.clone(),
            paused: self.paused,
            error: self.error.clone(),
        }
    }

    /// Folds in an update from the worker.
    pub fn apply(&mut self, update: Update) {
        self.records.extend(update.records);
        if self.records.len() > MAX_RECORDS {
            keep_every_other(&mut self.records);
        }
        if update.error.is_some() {
            self.error = update.error;
            self.progress.status = Status::Finished;
            return;
        }
        self.note = update.note;
        if let Some(progress) = update.progress {
            self.progress = progress;
        }
        for snapshot in update.snapshots {
            self.snapshots.push(snapshot);
        }
        if update.reference.is_some() {
            self.reference = update.reference;
        }
    }

    /// The first and the last `log10 t` on record (None before the first step).
    pub fn span(&self) -> Option<(f64, f64)> {
        let first = self.records.iter().find_map(|m| m.log10_t)?;
        Some((first, self.log10_t()?))
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

#[cfg(test)]
mod tests {
    use super::*;

    fn record(t: f64) -> Metrics {
        Metrics {
            t,
            ..Metrics::default()
        }
    }

    #[test]
    fn records_stay_bounded_keep_both_ends_and_stay_in_time_order() {
        let mut run = RunData::new(Config::default(), Precision::F32);
        let total = 100 * MAX_RECORDS;
        for chunk in 0..total / 100 {
            run.apply(Update {
                records: (0..100).map(|i| record((chunk * 100 + i) as f64)).collect(),
                progress: None,
                snapshots: Vec::new(),
                reference: None,
                note: None,
                error: None,
            });
            assert!(run.records.len() <= MAX_RECORDS);
        }
        assert_eq!(run.records.first().map(|m| m.t), Some(0.0));
        assert_eq!(run.records.last().map(|m| m.t), Some((total - 1) as f64));
        assert!(run.records.windows(2).all(|w| w[0].t < w[1].t));
        assert!(run.records.len() > MAX_RECORDS / 4);
    }
}
