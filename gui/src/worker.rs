//! One run as a background task (its own thread on the desktop, slices between frames in a
//! browser), so the window never waits for the simulation.
//!
//! The task owns the experiment (the simulation borrows its buffers), steps it in slices of
//! a few milliseconds, and sends what happened back; the UI only reads the channel.

use std::ops::ControlFlow;
use std::pin::Pin;
use std::sync::mpsc::{self, Receiver, Sender, TryRecvError};

use grokflow_cli::number;
use grokflow_core::driver::SnapshotSchedule;
use grokflow_core::experiment::{Experiment, ExperimentError};
use grokflow_core::summary::Summary;
use grokflow_core::{Config, Metrics, Precision, Scalar, Status, WithScalar};
use rustfft::FftPlanner;

use web_time::{Duration, Instant};

use crate::background::{self, BackgroundTask, Slices};
use crate::snapshots::{SNAPSHOTS_PER_DECADE, Snapshot};
use crate::weights::{Reference, snapshot};

/// How often a paused run in a browser looks for a control message (the desktop's thread
/// blocks on the channel instead).
#[cfg(target_arch = "wasm32")]
const PAUSED_POLL: Duration = Duration::from_millis(30);

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

/// What happened since the last update.
#[derive(Clone, Debug, PartialEq)]
pub struct Update {
    /// New metric records, in time order.
    pub records: Vec<Metrics>,
    /// Where the run stands (status, transition times, steps, evaluations, wall time);
    /// None in an update that only carries a note or an error.
    pub progress: Option<Summary>,
    /// Parameter snapshots taken at this update's records (on the log-time grid, at most
    /// [`SNAPSHOTS_PER_DECADE`] per decade), at the end of the run and after a single step.
    pub snapshots: Vec<Snapshot>,
    /// What the snapshots are compared with, in the first update of a run.
    pub reference: Option<Reference>,
    /// What the worker is busy with when not stepping (e.g. solving the references).
    pub note: Option<String>,
    /// Set when the run could not start.
    pub error: Option<String>,
}

/// Handle to a run in the background; dropping it stops the run.
pub struct Worker {
    control: Sender<Control>,
    updates: Receiver<Update>,
    /// Declared last: dropped (on the desktop, joined) after `Drop` has sent the stop.
    _task: BackgroundTask<()>,
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
        let task = background::spawn("grokflow-run", move || async move {
            let channel = Channel {
                control: control_rx,
                updates: updates_tx,
                wake: &wake,
            };
            precision
                .with(Work {
                    config: &config,
                    paused,
                    pace,
                    channel: &channel,
                })
                .await;
        });
        Self {
            control,
            updates,
            _task: task,
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

    /// The next control message of a paused run; None once the UI has gone away.
    async fn wait_for_control(&self) -> Option<Control> {
        #[cfg(not(target_arch = "wasm32"))]
        return self.control.recv().ok();
        #[cfg(target_arch = "wasm32")]
        loop {
            match self.control.try_recv() {
                Ok(message) => return Some(message),
                Err(TryRecvError::Empty) => background::sleep(PAUSED_POLL).await,
                Err(TryRecvError::Disconnected) => return None,
            }
        }
    }
}

fn note(text: &str) -> Update {
    Update {
        records: Vec::new(),
        progress: None,
        snapshots: Vec::new(),
        reference: None,
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

impl<'a> WithScalar for Work<'a> {
    type Output = Pin<Box<dyn Future<Output = ()> + 'a>>;
    fn run<S: Scalar>(self) -> Self::Output {
        Box::pin(work::<S>(self.config, self.paused, self.pace, self.channel))
    }
}

async fn work<S: Scalar>(
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
            ..note("")
        });
    };
    if let Ok(bytes) = Experiment::<S>::bytes_for(config) {
        let text = format!("preparing {} of data and buffers…", number::bytes(bytes));
        channel.send(note(&text));
    }
    let mut experiment = match Experiment::<S>::new(config) {
        Ok(e) => e,
        Err(ExperimentError::Config(c)) => return refuse(c.to_string()),
        Err(other) => return refuse(other.to_string()),
    };
    // Models without references, too large or infeasible problems just run without the
    // cosines.
    let _ = experiment.prepare_references(|| {
        channel.send(note("solving the reference predictors…"));
    });
    let mut reference = Some(Reference::of(&experiment));
    let mut planner = FftPlanner::new();
    let schedule = SnapshotSchedule::per_decade(SNAPSHOTS_PER_DECADE);
    let mut driver = match experiment.driver(schedule) {
        Ok(driver) => driver,
        Err(e) => return refuse(e.to_string()),
    };
    let mut slices = Slices::default();
    let mut records_sent = 0u64;
    let started = Instant::now();
    loop {
        // Controls: block while paused, poll otherwise.
        let mut single_step = false;
        loop {
            let message = if paused {
                channel.wait_for_control().await
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
        // One slice of steps on a worker thread of the pool the core's products share.
        let mut records = Vec::new();
        let mut snapshots = Vec::new();
        let mut recorded = false;
        // A snapshot off the schedule: after a single step, and of the run's last state.
        let mut unscheduled = None;
        driver.run_while(
            &mut |m: &Metrics| {
                records.push(*m);
                ControlFlow::Continue(())
            },
            |sim, stepped| {
                recorded |= stepped.recorded;
                let terminal = stepped.status.is_terminal();
                // A diverged run's parameters are not finite: its last good snapshot stays.
                let diverged = matches!(stepped.status, Status::Diverged { .. });
                let extra = !diverged && (single_step || terminal) && !stepped.snapshot_due;
                if stepped.snapshot_due || extra {
                    let log10_t = sim.log10_t();
                    if extra {
                        unscheduled = Some(log10_t);
                    }
                    snapshots.push(Snapshot {
                        log10_t,
                        weights: snapshot(sim, &mut planner),
                    });
                }
                let paced_out = pace.is_some() && recorded;
                if single_step || paced_out || terminal || slices.is_over() {
                    ControlFlow::Break(())
                } else {
                    ControlFlow::Continue(())
                }
            },
        );
        if let Some(log10_t) = unscheduled {
            driver.snapshots_mut().taken(log10_t);
        }
        records_sent += records.len() as u64;
        let progress = driver.summary();
        let terminal = progress.status.is_terminal();
        let update = Update {
            records,
            progress: Some(progress),
            snapshots,
            reference: reference.take(),
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
                background::sleep(wait.min(Duration::from_millis(500))).await;
            }
        }
        slices.next().await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
            if updates
                .iter()
                .any(|u| u.progress.is_some_and(|p| p.status == Status::Finished))
            {
                break;
            }
            assert!(Instant::now() < deadline, "run did not finish");
            std::thread::sleep(Duration::from_millis(5));
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
            std::thread::sleep(Duration::from_millis(5));
        }
    }
}
