//! One run on a background thread, so the window never waits for the simulation.
//!
//! The thread owns the experiment (the simulation borrows its buffers), steps it in slices of
//! a few milliseconds, and sends what happened back; the UI thread only reads the channel.

use std::ops::ControlFlow;
use std::sync::mpsc::{self, Receiver, Sender, TryRecvError};
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

use grokflow_core::experiment::{Experiment, ExperimentError};
use grokflow_core::{
    Config, Metrics, Network, Precision, Scalar, Simulation, Status, Transitions, WithScalar,
    reference,
};

/// Longest stretch of stepping between two updates (keeps pause and stop prompt).
const SLICE: Duration = Duration::from_millis(25);
/// How often the parameter snapshot is refreshed.
const WEIGHTS_EVERY: Duration = Duration::from_millis(150);
/// Most stems in the weight view of a large diagonal net.
pub const MAX_STEMS: usize = 2000;

/// What the UI asks of the running simulation.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Control {
    /// Pause (true) or resume (false).
    Pause(bool),
    /// Advance by one integrator step while paused.
    Step,
    /// Limit the pace to this many metric records per second (None: as fast as possible).
    Pace(Option<f64>),
    /// End the run.
    Stop,
}

/// A snapshot of the parameters, in the form each model is best looked at.
#[derive(Clone, Debug, PartialEq)]
pub enum Weights {
    /// Effective weights `w` of a diagonal net as (index, value) stems, with `w*`.
    Stems {
        /// `(j, w_j)`, all of them or the largest and an even sample when `d` is large.
        points: Vec<[f64; 2]>,
        /// `(j, w*_j)` for the same indices.
        truth: Vec<[f64; 2]>,
    },
    /// The predicted matrix `W` and the ground truth `X*` (row-major `d × d`).
    Matrix {
        /// Matrix size.
        d: usize,
        /// `W = UUᵀ − VVᵀ`.
        w: Vec<f64>,
        /// `X*`.
        truth: Vec<f64>,
    },
    /// The MLP's first layer: one row per input unit (`2p`), one column per hidden unit.
    Layer {
        /// Rows (inputs).
        rows: usize,
        /// Columns (hidden units).
        cols: usize,
        /// Row-major values.
        values: Vec<f64>,
    },
}

/// What happened since the last update.
#[derive(Clone, Debug, PartialEq)]
pub struct Update {
    /// New metric records, in time order.
    pub records: Vec<Metrics>,
    /// Where the run stands.
    pub status: Status,
    /// Transition times so far.
    pub transitions: Transitions,
    /// Integrator steps so far.
    pub steps: u64,
    /// A fresh parameter snapshot, if one was taken.
    pub weights: Option<Weights>,
    /// What the worker is busy with when not stepping (e.g. solving the references).
    pub note: Option<String>,
    /// Set when the run could not start.
    pub error: Option<String>,
}

/// Handle to a run on its own thread; dropping it stops the run.
pub struct Worker {
    control: Sender<Control>,
    updates: Receiver<Update>,
    thread: Option<JoinHandle<()>>,
}

impl Worker {
    /// Starts `config` in `precision`; `wake` is called after every update (the UI passes
    /// `request_repaint`).
    pub fn start(
        config: Config,
        precision: Precision,
        paused: bool,
        pace: Option<f64>,
        wake: impl Fn() + Send + 'static,
    ) -> Self {
        let (control, control_rx) = mpsc::channel();
        let (updates_tx, updates) = mpsc::channel();
        let thread = thread::Builder::new()
            .name("grokflow-run".into())
            .spawn(move || {
                let channel = Channel {
                    control: control_rx,
                    updates: updates_tx,
                    wake: &wake,
                };
                precision.with(Work {
                    config: &config,
                    paused,
                    pace,
                    channel: &channel,
                });
            })
            .ok();
        Self {
            control,
            updates,
            thread,
        }
    }

    /// Sends a control message (ignored once the run has ended).
    pub fn send(&self, message: Control) {
        let _ = self.control.send(message);
    }

    /// Every update received since the last call.
    pub fn drain(&self) -> Vec<Update> {
        self.updates.try_iter().collect()
    }
}

impl Drop for Worker {
    fn drop(&mut self) {
        let _ = self.control.send(Control::Stop);
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

struct Channel<'a> {
    control: Receiver<Control>,
    updates: Sender<Update>,
    wake: &'a (dyn Fn() + Send),
}

impl Channel<'_> {
    /// Sends and wakes the UI; false once the UI has gone away.
    fn send(&self, update: Update) -> bool {
        let ok = self.updates.send(update).is_ok();
        (self.wake)();
        ok
    }
}

fn note(text: &str, status: Status) -> Update {
    Update {
        records: Vec::new(),
        status,
        transitions: Transitions::default(),
        steps: 0,
        weights: None,
        note: Some(text.to_owned()),
        error: None,
    }
}

/// The run, in whatever format was asked for.
struct Work<'a> {
    config: &'a Config,
    paused: bool,
    pace: Option<f64>,
    channel: &'a Channel<'a>,
}

impl WithScalar for Work<'_> {
    type Output = ();
    fn run<S: Scalar>(self) {
        work::<S>(self.config, self.paused, self.pace, self.channel);
    }
}

fn work<S: Scalar>(
    config: &Config,
    mut paused: bool,
    mut pace: Option<f64>,
    channel: &Channel<'_>,
) {
    // A refused run ends at once with the reason, so the window never shows a run that
    // will not start as "running".
    let refuse = |message: String| {
        channel.send(Update {
            error: Some(message),
            ..note("", Status::Finished)
        });
    };
    let mut experiment = match Experiment::<S>::new(config) {
        Ok(e) => e,
        Err(ExperimentError::Config(c)) => return refuse(c.to_string()),
        Err(other) => return refuse(other.to_string()),
    };
    if reference::applicable(config).is_ok() {
        channel.send(note("solving the reference predictors…", Status::Running));
        // Infeasible problems just run without the cosines.
        let _ = experiment.compute_references();
    }
    let truth: Vec<f64> = experiment
        .data()
        .teacher
        .iter()
        .map(|&v| f64::from(v))
        .collect();
    let mut sim = match experiment.simulation() {
        Ok(sim) => sim,
        Err(e) => return refuse(e.to_string()),
    };
    let mut last_weights: Option<Instant> = None;
    let mut records_sent = 0u64;
    let started = Instant::now();
    loop {
        // Controls: block while paused, poll otherwise.
        let mut single_step = false;
        loop {
            let message = if paused {
                channel.control.recv().ok()
            } else {
                match channel.control.try_recv() {
                    Ok(m) => Some(m),
                    Err(TryRecvError::Empty) => break,
                    Err(TryRecvError::Disconnected) => None,
                }
            };
            match message {
                None | Some(Control::Stop) => return,
                Some(Control::Pause(p)) => paused = p,
                Some(Control::Pace(p)) => pace = p,
                Some(Control::Step) => {
                    single_step = true;
                    break;
                }
            }
            if !paused {
                break;
            }
        }
        let mut records = Vec::new();
        let slice_end = Instant::now() + SLICE;
        loop {
            sim.step(&mut |m: &Metrics| {
                records.push(*m);
                ControlFlow::Continue(())
            });
            let paced_out = pace.is_some() && !records.is_empty();
            if single_step || paced_out || sim.status().is_terminal() || Instant::now() >= slice_end
            {
                break;
            }
        }
        records_sent += records.len() as u64;
        let terminal = sim.status().is_terminal();
        let weights =
            (single_step || terminal || last_weights.is_none_or(|t| t.elapsed() >= WEIGHTS_EVERY))
                .then(|| {
                    last_weights = Some(Instant::now());
                    snapshot(&sim, &truth)
                })
                .flatten();
        let update = Update {
            records,
            status: sim.status(),
            transitions: sim.transitions(),
            steps: sim.steps(),
            weights,
            note: None,
            error: None,
        };
        if !channel.send(update) || terminal {
            return;
        }
        if let Some(rate) = pace {
            // Keep to `rate` records per second on average.
            let due = Duration::from_secs_f64(records_sent as f64 / rate.max(0.1));
            if let Some(wait) = due.checked_sub(started.elapsed()) {
                thread::sleep(wait.min(Duration::from_millis(500)));
            }
        }
    }
}

/// The parameters as the weight view shows them.
fn snapshot<S: Scalar>(sim: &Simulation<'_, S>, truth: &[f64]) -> Option<Weights> {
    let config = sim.config();
    match sim.network() {
        Network::Diagonal(_) => {
            let mut w = vec![S::ZERO; config.d];
            sim.effective_weights(&mut w);
            let w: Vec<f64> = w.iter().map(|v| v.to_f64()).collect();
            let indices = stem_indices(&w, MAX_STEMS);
            Some(Weights::Stems {
                points: indices.iter().map(|&j| [j as f64, w[j]]).collect(),
                truth: indices
                    .iter()
                    .map(|&j| [j as f64, truth.get(j).copied().unwrap_or(0.0)])
                    .collect(),
            })
        }
        Network::Factorization(mf) => {
            let mut w = vec![S::ZERO; config.d * config.d];
            mf.matrix(sim.params(), &mut w);
            Some(Weights::Matrix {
                d: config.d,
                w: w.iter().map(|v| v.to_f64()).collect(),
                truth: truth.to_vec(),
            })
        }
        Network::Mlp(_) => {
            let rows = 2 * config.d;
            let cols = config.width;
            let values = sim
                .params()
                .iter()
                .take(rows * cols)
                .map(|v| v.to_f64())
                .collect();
            Some(Weights::Layer { rows, cols, values })
        }
    }
}

/// All indices when `w` is short, else the `max/2` largest |w_j| and an even sample of the
/// rest (so both the sparse support and the bulk are visible), sorted.
pub fn stem_indices(w: &[f64], max: usize) -> Vec<usize> {
    if w.len() <= max {
        return (0..w.len()).collect();
    }
    let mut by_size: Vec<usize> = (0..w.len()).collect();
    by_size.sort_unstable_by(|&a, &b| w[b].abs().total_cmp(&w[a].abs()));
    let mut chosen: Vec<usize> = by_size[..max / 2].to_vec();
    let stride = w.len().div_ceil(max / 2);
    chosen.extend((0..w.len()).step_by(stride.max(1)));
    chosen.sort_unstable();
    chosen.dedup();
    chosen
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stems_keep_the_largest_weights() {
        let mut w = vec![0.001; 10_000];
        w[1234] = 5.0;
        w[9876] = -3.0;
        let idx = stem_indices(&w, 100);
        assert!(idx.len() <= 100);
        assert!(idx.contains(&1234) && idx.contains(&9876));
        assert!(idx.windows(2).all(|p| p[0] < p[1]));
        assert_eq!(stem_indices(&w[..50], 100).len(), 50);
    }

    #[test]
    fn a_run_reports_records_and_finishes() {
        let config = Config {
            d: 64,
            n: 16,
            n_test: 32,
            t_max: 10.0,
            ..Config::default()
        };
        let worker = Worker::start(config, Precision::F32, false, None, || {});
        let mut records = 0;
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            let updates = worker.drain();
            records += updates.iter().map(|u| u.records.len()).sum::<usize>();
            if updates.iter().any(|u| u.status == Status::Finished) {
                break;
            }
            assert!(Instant::now() < deadline, "run did not finish");
            thread::sleep(Duration::from_millis(5));
        }
        // t = 0 and 20 points per decade from 0.01 to 10: 62 records.
        assert_eq!(records, 62);
    }

    #[test]
    fn an_invalid_configuration_is_reported_not_run() {
        let config = Config {
            alpha: -1.0,
            ..Config::default()
        };
        let worker = Worker::start(config, Precision::F32, false, None, || {});
        let deadline = Instant::now() + Duration::from_secs(5);
        loop {
            if let Some(error) = worker.drain().into_iter().find_map(|u| u.error) {
                assert!(error.contains("alpha"), "{error}");
                return;
            }
            assert!(Instant::now() < deadline);
            thread::sleep(Duration::from_millis(5));
        }
    }
}
