//! Steps per second of both integrators at three problem sizes of the diagonal net, one
//! gradient step of matrix completion and of the MLP at their preset sizes, and the wall time
//! of a whole `fig1a-small` run.
//!
//! `cargo bench -p grokflow-benches`

use core::ops::ControlFlow;
use std::fmt;

use divan::Bencher;
use grokflow_core::driver::on_worker_thread;
use grokflow_core::experiment::{Experiment, trajectory};
use grokflow_core::{Config, FIG1A_SMALL, Integrator, Metrics};

fn main() {
    divan::main();
}

/// A (d, n) problem size of sparse classification.
#[derive(Clone, Copy)]
struct Size {
    d: usize,
    n: usize,
}

impl fmt::Debug for Size {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "d={} n={}", self.d, self.n)
    }
}

const SIZES: [Size; 3] = [
    Size { d: 64, n: 32 },
    Size { d: 1000, n: 256 },
    Size { d: 100_000, n: 256 },
];

/// The fig1a setting at `size`, with a horizon the benchmark never reaches and one metrics
/// record per decade, so that what is timed is the step itself.
fn config(size: Size, integrator: Integrator) -> Config {
    Config {
        d: size.d,
        n: size.n,
        n_test: 64,
        integrator,
        t_max: 1e12,
        points_per_decade: 1,
        ..FIG1A_SMALL.config
    }
}

fn bench_steps(bencher: Bencher, size: Size, integrator: Integrator) {
    let mut experiment = Experiment::<f32>::new(&config(size, integrator)).expect("valid");
    let mut sim = experiment.simulation().expect("valid");
    let mut ignore = |_: &Metrics| ControlFlow::Continue(());
    // The record at t = 0 and the first step (which also evaluates the starting gradient).
    sim.step(&mut ignore);
    sim.step(&mut ignore);
    bencher
        .counter(divan::counter::ItemsCount::new(size.n * size.d))
        .bench_local(|| sim.step(&mut ignore));
}

/// One `gd` step: one gradient evaluation (two passes over X).
#[divan::bench(args = SIZES)]
fn gd_step(bencher: Bencher, size: Size) {
    bench_steps(bencher, size, Integrator::Gd);
}

/// One accepted `flow` step: three gradient evaluations, plus any rejected attempts.
#[divan::bench(args = SIZES)]
fn flow_step(bencher: Bencher, size: Size) {
    bench_steps(bencher, size, Integrator::Flow);
}

/// A whole `fig1a-small` run to t = 10⁴ in f32, data generation included, references not.
#[divan::bench(sample_count = 5)]
fn fig1a_small_run() {
    let (summary, _) = trajectory::<f32>(&FIG1A_SMALL.config, false).expect("valid");
    divan::black_box(summary);
}

/// The other models at their small and full preset sizes.
const MODEL_PRESETS: [&str; 4] = [
    "fig3-small",
    "fig3",
    "fig2-quadratic-small",
    "fig2-quadratic",
];

/// One `gd` step (one gradient) of matrix completion (`fig3*`) and the MLP (`fig2*`).
#[divan::bench(args = MODEL_PRESETS)]
fn model_gd_step(bencher: Bencher, name: &str) {
    let preset = grokflow_core::preset(name).expect("preset");
    let config = Config {
        integrator: Integrator::Gd,
        t_max: 1e12,
        points_per_decade: 1,
        ..preset.config
    };
    let mut experiment = Experiment::<f32>::new(&config).expect("valid");
    let mut sim = experiment.simulation().expect("valid");
    let mut ignore = |_: &Metrics| ControlFlow::Continue(());
    sim.step(&mut ignore);
    sim.step(&mut ignore);
    // On a pool thread, as `Experiment::run` and the explorer step.
    bencher.bench_local(|| on_worker_thread(|| sim.step(&mut ignore)));
}

/// The MLP of the paper's modular-addition runs: p = 97, ReLU, 40% of the pairs (3763
/// training examples), cross-entropy; the paper's width is 1024.
fn mlp_paper_config(width: usize) -> Config {
    Config {
        d: 97,
        width,
        activation: grokflow_core::Activation::Relu,
        train_fraction: 0.4,
        integrator: Integrator::Gd,
        t_max: 1e12,
        points_per_decade: 1,
        ..grokflow_core::FIG2_QUADRATIC_SMALL.config
    }
    .with_derived_sizes()
}

/// One `gd` step (forward, cross-entropy slopes, backward, update) of the paper's MLP.
#[divan::bench(sample_count = 20)]
fn mlp_paper_gd_step(bencher: Bencher) {
    mlp_step(bencher, 1024);
}

/// The same step at smaller widths: how the cost grows with the width.
#[divan::bench(args = [128, 256, 512], sample_count = 20)]
fn mlp_width_gd_step(bencher: Bencher, width: usize) {
    mlp_step(bencher, width);
}

fn mlp_step(bencher: Bencher, width: usize) {
    let mut experiment = Experiment::<f32>::new(&mlp_paper_config(width)).expect("valid");
    let mut sim = experiment.simulation().expect("valid");
    let mut ignore = |_: &Metrics| ControlFlow::Continue(());
    sim.step(&mut ignore);
    sim.step(&mut ignore);
    // On a pool thread, as `Experiment::run` and the explorer step.
    bencher.bench_local(|| on_worker_thread(|| sim.step(&mut ignore)));
}
