//! The one run loop every front end drives: `grokflow run`, the explorer's worker (a thread
//! on the desktop, slices between frames in a browser), the phase diagram's cells, Python's
//! `grokflow.run`, the precision study and the tests.
//!
//! A front end decides only when to stop (a deadline, a record, a budget, the user) and
//! what to do with records and snapshots; stepping, timing, the worker thread and the
//! snapshot rule live here, so every front end produces the same records from the same
//! configuration.

// A browser has no `std::time::Instant` (it panics there): web-time's is the standard
// library's on a desktop and `performance.now()` in a page.
use std::vec::Vec;
use web_time::Instant;

use crate::host::summary::Summary;
use crate::numbers::scalar::Scalar;
use crate::run::metrics::Metrics;
use crate::run::simulation::{Observer, Simulation, Status};
use crate::run::transition_shape::TransitionShape;

/// When to keep a copy of the parameters: only right after a record (the parameters are
/// then at the record's grid time); the first record (θ(0)) always, after it a record at
/// least `1 / per_decade` decades of t after the last one kept.
///
/// The first record is kept because it is the one every run has (a run stopped or diverged
/// after its first step still shows where it started) and the one the others are measured
/// from.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct SnapshotSchedule {
    per_decade: f64,
    last_log10_t: Option<f64>,
}

impl SnapshotSchedule {
    /// Never a snapshot.
    pub const NEVER: SnapshotSchedule = SnapshotSchedule {
        per_decade: 0.0,
        last_log10_t: None,
    };

    /// At most `per_decade` snapshots per decade of t (none for 0 or less).
    pub const fn per_decade(per_decade: f64) -> Self {
        Self {
            per_decade,
            last_log10_t: None,
        }
    }

    /// Whether a record at `log10_t` (`−∞` for t = 0) is due for a snapshot.
    pub fn is_due(&self, log10_t: f64) -> bool {
        self.per_decade > 0.0
            && self
                .last_log10_t
                .is_none_or(|last| log10_t >= last + 1.0 / self.per_decade)
    }

    /// Counts a snapshot at `log10_t` as taken (also one a front end takes off the schedule,
    /// e.g. after a single step).
    pub fn taken(&mut self, log10_t: f64) {
        self.last_log10_t = Some(log10_t);
    }
}

/// What one step did.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Stepped {
    /// The step made a record, so the parameters are at the record's grid time.
    pub recorded: bool,
    /// The schedule wants the parameters now (a record, due, the run not diverged); the
    /// driver has counted it as taken.
    pub snapshot_due: bool,
    /// Where the run stands after the step.
    pub status: Status,
}

/// A simulation with its snapshot schedule and the wall time spent stepping it.
#[derive(Debug)]
pub struct Driver<'e, S: Scalar> {
    sim: Simulation<'e, S>,
    snapshots: SnapshotSchedule,
    stepping_s: f64,
    /// The test curve, `(log10 t, value)` at every record with `t > 0` (see
    /// [`TransitionShape::curve_point`]), for the summary's transition shape.
    curve: Vec<(f64, f64)>,
}

impl<'e, S: Scalar> Driver<'e, S> {
    /// Drives `sim`, keeping snapshots on `snapshots`.
    pub fn new(sim: Simulation<'e, S>, snapshots: SnapshotSchedule) -> Self {
        Self {
            sim,
            snapshots,
            stepping_s: 0.0,
            curve: Vec::new(),
        }
    }

    /// The simulation (its parameters, time, status).
    pub fn simulation(&self) -> &Simulation<'e, S> {
        &self.sim
    }

    /// The snapshot schedule, for a front end that takes a snapshot off it.
    pub fn snapshots_mut(&mut self) -> &mut SnapshotSchedule {
        &mut self.snapshots
    }

    /// Steps on the core's worker thread (see [`on_worker_thread`]) until the run ends or
    /// `after` breaks, calling `after` once after every step; `observer` sees the records.
    pub fn run_while<O: Observer + Send>(
        &mut self,
        observer: &mut O,
        mut after: impl FnMut(&Simulation<'e, S>, Stepped) -> core::ops::ControlFlow<()> + Send,
    ) -> Status {
        let start = Instant::now();
        let Self {
            sim,
            snapshots,
            curve,
            ..
        } = self;
        let classification = sim.config().is_classification();
        on_worker_thread(|| {
            while !sim.status().is_terminal() {
                let stepped = step(sim, snapshots, &mut |m: &Metrics| {
                    if let Some(point) = TransitionShape::curve_point(m, classification) {
                        curve.push(point);
                    }
                    observer.record(m)
                });
                if after(sim, stepped).is_break() {
                    break;
                }
            }
        });
        self.stepping_s += start.elapsed().as_secs_f64();
        self.sim.status()
    }

    /// Steps to the end of the run (`t_max`, a divergence, or `observer` stopping it).
    pub fn run<O: Observer + Send>(&mut self, observer: &mut O) -> Status {
        self.run_while(observer, |_, _| core::ops::ControlFlow::Continue(()))
    }

    /// Where the run stands, with the wall time spent stepping so far.
    pub fn summary(&self) -> Summary {
        Summary::of(&self.sim, self.stepping_s, &self.curve)
    }
}

/// One step of `sim` and what it did.
fn step<S: Scalar, O: Observer>(
    sim: &mut Simulation<'_, S>,
    snapshots: &mut SnapshotSchedule,
    observer: &mut O,
) -> Stepped {
    let mut recorded = false;
    let status = sim.step(&mut |m: &Metrics| {
        recorded = true;
        observer.record(m)
    });
    let log10_t = sim.log10_t();
    let diverged = matches!(status, Status::Diverged { .. });
    let snapshot_due = recorded && !diverged && snapshots.is_due(log10_t);
    if snapshot_due {
        snapshots.taken(log10_t);
    }
    Stepped {
        recorded,
        snapshot_due,
        status,
    }
}

/// Runs `op` on one of rayon's worker threads (feature `parallel`; without it, here), and
/// waits for it. A product that the core shares among threads (the MLP's, the large sign
/// passes) then starts at once on the worker that meets it, with the others joining,
/// instead of being handed from an outside thread to the pool and waited for at every
/// product: a fifth of a paper-size MLP step (`mlp_paper_gd_step`, 2 cores).
///
/// The thread's stochastic-rounding stream goes along and comes back, so a run in an
/// emulated format draws the same numbers wherever it steps.
pub fn on_worker_thread<R: Send>(op: impl FnOnce() -> R + Send) -> R {
    #[cfg(feature = "parallel")]
    {
        use crate::numbers::scalar::{set_stream, stream};
        let state = stream();
        let (result, state) = rayon::scope(|_| {
            set_stream(state);
            (op(), stream())
        });
        set_stream(state);
        result
    }
    #[cfg(not(feature = "parallel"))]
    {
        op()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_record_is_kept_then_at_most_k_per_decade() {
        let mut schedule = SnapshotSchedule::per_decade(2.0);
        let mut kept = std::vec::Vec::new();
        for log10_t in [f64::NEG_INFINITY, -2.0, -1.8, -1.5, -1.4, -1.0, 0.0] {
            if schedule.is_due(log10_t) {
                schedule.taken(log10_t);
                kept.push(log10_t);
            }
        }
        assert_eq!(kept, [f64::NEG_INFINITY, -2.0, -1.5, -1.0, 0.0]);
        assert!(!SnapshotSchedule::NEVER.is_due(f64::NEG_INFINITY));
        assert!(!SnapshotSchedule::per_decade(0.0).is_due(3.0));
    }
}
