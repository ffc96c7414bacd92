//! Phase diagrams (std only): a grid of (α, λ) runs on every core (or one [`Shard`] of it),
//! each classified by what its trajectory did ([`Outcome`]).

use std::prelude::rust_2024::*;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::mpsc;
use std::thread;
use std::vec;

use crate::config::Config;
use crate::host::experiment::{Experiment, ExperimentError};
use crate::host::summary::Summary;
use crate::run::metrics::Metrics;
use crate::run::simulation::Status;

pub use crate::host::outcome::{Outcome, PLATEAU_DECADES};
pub use crate::host::shard::Shard;

/// A grid of runs: every (α, λ) pair for every seed offset.
#[derive(Clone, Debug, PartialEq)]
pub struct Grid {
    /// The configuration every cell starts from.
    pub base: Config,
    /// Initialisation scales (columns).
    pub alphas: Vec<f64>,
    /// Weight decays (rows).
    pub lambdas: Vec<f64>,
    /// Number of seeds per cell (seed, seed + 1, …).
    pub seeds: u64,
}

/// `count` values from `lo` to `hi`, evenly spaced in log scale.
pub fn log_spaced(lo: f64, hi: f64, count: usize) -> Vec<f64> {
    match count {
        0 => Vec::new(),
        1 => vec![lo],
        _ => {
            let (a, b) = (crate::numbers::math::ln(lo), crate::numbers::math::ln(hi));
            (0..count)
                .map(|i| crate::numbers::math::exp(a + (b - a) * i as f64 / (count - 1) as f64))
                .collect()
        }
    }
}

/// A cell's place in the grid: (α index, λ index, seed offset).
pub type CellAt = (usize, usize, u64);

/// A cell ready to run: its place, configuration and experiment (f32).
#[derive(Debug)]
pub struct PreparedCell {
    /// Where it is in the grid.
    pub at: CellAt,
    /// Its configuration.
    pub config: Config,
    /// Its data and buffers.
    pub experiment: Experiment<f32>,
}

/// How running one cell ended.
#[derive(Clone, Debug, PartialEq)]
pub enum CellRun {
    /// It ran to the end (or diverged).
    Done(Box<Cell>),
    /// Its configuration could not be built.
    Failed,
    /// `cancel` was set before it ended.
    Cancelled,
    /// The index is outside the grid.
    Outside,
}

/// One finished cell.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Cell {
    /// Column (index into `alphas`).
    pub alpha_index: usize,
    /// Row (index into `lambdas`).
    pub lambda_index: usize,
    /// Seed offset.
    pub seed_offset: u64,
    /// The run's configuration.
    pub config: Config,
    /// What the run did.
    pub outcome: Outcome,
    /// Its summary.
    pub summary: Summary,
}

impl Cell {
    /// The cell at `(α index, λ index, seed offset)` whose run of `config` ended as `summary`.
    pub fn new(at: CellAt, config: Config, summary: Summary) -> Self {
        let (alpha_index, lambda_index, seed_offset) = at;
        Self {
            alpha_index,
            lambda_index,
            seed_offset,
            config,
            outcome: Outcome::of(&summary),
            summary,
        }
    }
}

impl Grid {
    /// Number of runs.
    pub fn len(&self) -> usize {
        self.alphas.len() * self.lambdas.len() * self.seeds as usize
    }

    /// True when there is nothing to run.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Cell `index` (in `0..len()`, α fastest, then λ, then the seed): its α index, λ index,
    /// seed offset and configuration.
    pub fn cell_config(&self, index: usize) -> Option<(usize, usize, u64, Config)> {
        let per_seed = self.alphas.len() * self.lambdas.len();
        let seed_offset = (index / per_seed.max(1)) as u64;
        let within = index % per_seed.max(1);
        let (li, ai) = (
            within / self.alphas.len().max(1),
            within % self.alphas.len().max(1),
        );
        let config = Config {
            alpha: *self.alphas.get(ai)?,
            lambda: *self.lambdas.get(li)?,
            seed: self.base.seed.wrapping_add(seed_offset),
            ..self.base
        };
        Some((ai, li, seed_offset, config))
    }

    /// Cell index of `(α index, λ index, seed offset)`: the inverse of
    /// [`Grid::cell_config`].
    pub fn cell_index(&self, alpha_index: usize, lambda_index: usize, seed_offset: u64) -> usize {
        (seed_offset as usize * self.lambdas.len() + lambda_index) * self.alphas.len() + alpha_index
    }

    /// Cell `index` ready to drive; `None`
    /// outside the grid. [`Grid::run_cell`] runs it on this thread; a front end that must
    /// step it in slices (a browser page) drives it itself and makes the cell with
    /// [`Cell::new`].
    pub fn cell_experiment(&self, index: usize) -> Option<Result<PreparedCell, ExperimentError>> {
        let (alpha_index, lambda_index, seed_offset, config) = self.cell_config(index)?;
        let at = (alpha_index, lambda_index, seed_offset);
        Some(Experiment::new(&config).map(|experiment| PreparedCell {
            at,
            config,
            experiment,
        }))
    }

    /// Runs cell `index` in f32 to the end on this thread (stopping between steps once
    /// `cancel` is set).
    pub fn run_cell(&self, index: usize, cancel: &AtomicBool) -> CellRun {
        let Some(prepared) = self.cell_experiment(index) else {
            return CellRun::Outside;
        };
        let Ok(mut cell) = prepared else {
            return CellRun::Failed;
        };
        let Ok(summary) = cell.experiment.run(&mut |_: &Metrics| {
            if cancel.load(Ordering::Relaxed) {
                core::ops::ControlFlow::Break(())
            } else {
                core::ops::ControlFlow::Continue(())
            }
        }) else {
            return CellRun::Failed;
        };
        if summary.status == Status::Stopped {
            return CellRun::Cancelled;
        }
        CellRun::Done(Box::new(Cell::new(cell.at, cell.config, summary)))
    }

    /// Runs every cell in f32 on `threads` threads, sending each finished cell to `done` as
    /// it completes (in completion order). Stops early, between steps, once `cancel` is set.
    /// Cells whose configuration cannot be built are skipped; the return value counts them.
    pub fn run(&self, threads: usize, cancel: &AtomicBool, done: mpsc::Sender<Cell>) -> usize {
        self.run_shard(Shard::WHOLE, threads, cancel, done)
    }

    /// [`Grid::run`] for the cells of one slice.
    pub fn run_shard(
        &self,
        shard: Shard,
        threads: usize,
        cancel: &AtomicBool,
        done: mpsc::Sender<Cell>,
    ) -> usize {
        let cells = shard.len(self.len());
        let next = AtomicUsize::new(0);
        let failed = AtomicUsize::new(0);
        thread::scope(|scope| {
            for _ in 0..threads.max(1) {
                let done = done.clone();
                let (next, failed) = (&next, &failed);
                scope.spawn(move || {
                    loop {
                        let i = next.fetch_add(1, Ordering::Relaxed);
                        if i >= cells || cancel.load(Ordering::Relaxed) {
                            return;
                        }
                        let cell = match self.run_cell(shard.cell(i), cancel) {
                            CellRun::Done(cell) => *cell,
                            CellRun::Failed => {
                                failed.fetch_add(1, Ordering::Relaxed);
                                continue;
                            }
                            CellRun::Cancelled | CellRun::Outside => return,
                        };
                        if done.send(cell).is_err() {
                            return;
                        }
                    }
                });
            }
        });
        failed.into_inner()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn log_spacing_hits_both_ends() {
        let v = log_spaced(1.0, 1000.0, 4);
        assert_eq!(v.len(), 4);
        for (got, want) in v.iter().zip([1.0, 10.0, 100.0, 1000.0]) {
            assert!((got / want - 1.0).abs() < 1e-12);
        }
    }

    #[test]
    fn grid_covers_every_cell_once_and_classifies() {
        let grid = Grid {
            base: Config {
                d: 100,
                n: 40,
                n_test: 100,
                t_max: 300.0,
                lambda: 1e-2,
                ..Config::default()
            },
            alphas: vec![2.0, 32.0],
            lambdas: vec![1e-2, 3e-2],
            seeds: 2,
        };
        let (tx, rx) = mpsc::channel();
        let cancel = AtomicBool::new(false);
        assert_eq!(grid.run(2, &cancel, tx), 0);
        let cells: Vec<Cell> = rx.into_iter().collect();
        assert_eq!(cells.len(), 8);
        let mut seen: Vec<_> = cells
            .iter()
            .map(|c| (c.alpha_index, c.lambda_index, c.seed_offset))
            .collect();
        seen.sort_unstable();
        seen.dedup();
        assert_eq!(seen.len(), 8);
    }

    #[test]
    fn shards_partition_the_grid_and_reproduce_its_cells() {
        let grid = Grid {
            base: Config {
                d: 40,
                n: 16,
                n_test: 40,
                t_max: 100.0,
                ..Config::default()
            },
            alphas: vec![2.0, 8.0, 32.0],
            lambdas: vec![1e-2, 3e-2],
            seeds: 2,
        };
        let run = |shard| {
            let (tx, rx) = mpsc::channel();
            assert_eq!(grid.run_shard(shard, 2, &AtomicBool::new(false), tx), 0);
            let mut cells: Vec<Cell> = rx.into_iter().collect();
            cells.sort_by_key(|c| grid.cell_index(c.alpha_index, c.lambda_index, c.seed_offset));
            cells
        };
        let whole = run(Shard::WHOLE);
        assert_eq!(whole.len(), 12);
        for count in [1, 5, 12, 13] {
            let mut joined = Vec::new();
            for index in 0..count {
                let shard = Shard { index, count };
                let cells = run(shard);
                assert_eq!(cells.len(), shard.len(grid.len()), "{shard:?}");
                for c in &cells {
                    let at = grid.cell_index(c.alpha_index, c.lambda_index, c.seed_offset);
                    assert!(shard.holds(at), "{shard:?} ran cell {at}");
                }
                joined.extend(cells);
            }
            joined.sort_by_key(|c| grid.cell_index(c.alpha_index, c.lambda_index, c.seed_offset));
            // The same runs, bit for bit, whoever ran them (wall time aside).
            let strip = |c: &Cell| (c.config, c.outcome, c.summary.transitions, c.summary.last);
            assert_eq!(
                joined.iter().map(strip).collect::<Vec<_>>(),
                whole.iter().map(strip).collect::<Vec<_>>(),
                "{count} shards"
            );
        }
        for index in 0..grid.len() {
            let (a, l, s, _) = grid.cell_config(index).expect("in the grid");
            assert_eq!(grid.cell_index(a, l, s), index);
        }
    }

    #[test]
    fn cancel_stops_the_sweep() {
        let grid = Grid {
            base: Config::default(),
            alphas: log_spaced(10.0, 1000.0, 5),
            lambdas: vec![1e-3],
            seeds: 1,
        };
        let (tx, rx) = mpsc::channel();
        let cancel = AtomicBool::new(true);
        grid.run(2, &cancel, tx);
        assert_eq!(rx.into_iter().count(), 0);
    }
}
