//! The live run (its data and its background worker) and the runs pinned for comparison.

use grokflow_core::{Config, Precision};

use crate::run_data::RunData;
use crate::worker::{Control, Worker};

/// Pinned runs kept for comparison; pinning another drops the oldest.
pub const MAX_PINNED: usize = 8;

/// The live run and the pinned ones.
#[derive(Default)]
pub struct Runs {
    live: Option<(RunData, Worker)>,
    pinned: Vec<RunData>,
    /// Pins so far (each pin's line pattern follows from it).
    pins_made: usize,
}

impl Runs {
    /// Starts `config` in `precision` as the live run (dropping the one before), at `pace`
    /// records per second (None: full speed); `ctx` is woken by every update.
    pub fn start(
        &mut self,
        config: Config,
        precision: Precision,
        pace: Option<f64>,
        ctx: &egui::Context,
    ) {
        let ctx = ctx.clone();
        let worker = Worker::start(config, precision, false, pace, move || {
            ctx.request_repaint()
        });
        self.live = Some((RunData::new(config, precision), worker));
    }

    /// The live run, if any.
    pub fn live(&self) -> Option<&RunData> {
        self.live.as_ref().map(|(run, _)| run)
    }

    /// The pinned runs, oldest first (at most [`MAX_PINNED`]).
    pub fn pinned(&self) -> &[RunData] {
        &self.pinned
    }

    /// Takes in what the live run's worker has sent.
    pub fn poll(&mut self) {
        if let Some((run, worker)) = &mut self.live {
            for update in worker.drain() {
                run.apply(update);
            }
        }
    }

    /// Pauses (true) or resumes (false) the live run.
    pub fn pause(&mut self, paused: bool) {
        if let Some((run, worker)) = &mut self.live {
            worker.send(Control::Pause(paused));
            run.paused = paused;
        }
    }

    /// One step of the paused live run.
    pub fn step(&self) {
        if let Some((_, worker)) = &self.live {
            worker.send(Control::Step);
        }
    }

    /// Changes the live run's pace.
    pub fn set_pace(&self, pace: Option<f64>) {
        if let Some((_, worker)) = &self.live {
            worker.send(Control::Pace(pace));
        }
    }

    /// Drops the live run (its worker stops).
    pub fn reset(&mut self) {
        self.live = None;
    }

    /// Keeps the live run's curves for comparison; the oldest pin makes room beyond
    /// [`MAX_PINNED`] (bounded memory and a readable legend).
    pub fn pin(&mut self) {
        if let Some((run, _)) = &self.live {
            let mut pinned = run.curves_only();
            self.pins_made += 1;
            pinned.style = self.pins_made;
            if self.pinned.len() == MAX_PINNED {
                self.pinned.remove(0);
            }
            self.pinned.push(pinned);
        }
    }

    /// Drops the pinned runs.
    pub fn clear_pinned(&mut self) {
        self.pinned.clear();
    }
}
