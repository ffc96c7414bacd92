//! The same configuration and seed give the same trajectory, bit for bit: run after run, on
//! any thread, in every number format (stochastic rounding included), and in a sweep on any
//! number of threads. (Host against the emulated boards: `firmware-sim qemu`, run by CI;
//! split passes on 1, 2 and 3 threads: the unit test in `core/src/sign_tables.rs`.)

use std::sync::atomic::AtomicBool;
use std::sync::mpsc;

use grokflow_core::experiment::trajectory;
use grokflow_core::sweep::Grid;
use grokflow_core::{Config, FIG1A_SMALL, Integrator, Precision, Scalar, WithScalar};

/// A small fig1a run through the fit and into the plateau: 1000 steps of `gd` (η = 0.1),
/// which every format takes without diverging.
fn config(integrator: Integrator) -> Config {
    Config {
        d: 200,
        n: 48,
        n_test: 200,
        alpha: 16.0,
        lambda: 1e-2,
        lr: 0.1,
        t_max: 100.0,
        integrator,
        ..FIG1A_SMALL.config
    }
}

/// Every record of a run, printed exactly (`{:?}` of an f64 round-trips and tells −0 from 0).
struct Trace(Config);

impl WithScalar for Trace {
    type Output = Vec<String>;
    fn run<S: Scalar>(self) -> Vec<String> {
        let (summary, records) = trajectory::<S>(&self.0, false).expect("valid");
        let mut lines: Vec<String> = records.iter().map(|m| format!("{m:?}")).collect();
        lines.push(format!(
            "{:?} {} {:?}",
            summary.status, summary.steps, summary.transitions
        ));
        lines
    }
}

fn trace(config: Config, precision: Precision) -> Vec<String> {
    precision.with(Trace(config))
}

/// Names the first record where two traces differ.
fn assert_same(a: &[String], b: &[String], what: &str) {
    if let Some(i) = (0..a.len().max(b.len())).find(|&i| a.get(i) != b.get(i)) {
        panic!(
            "{what}: record {i} differs:\n{:?}\n{:?}",
            a.get(i),
            b.get(i)
        );
    }
}

#[test]
fn repeated_runs_are_bit_identical_in_every_format() {
    for precision in Precision::ALL {
        let config = config(Integrator::Gd);
        let first = trace(config, precision);
        assert!(first.len() > 40, "{}", precision.name());
        let end = first.last().expect("summary line");
        assert!(end.starts_with("Finished"), "{}: {end}", precision.name());
        assert_same(&first, &trace(config, precision), precision.name());
    }
    let flow = config(Integrator::Flow);
    assert_same(
        &trace(flow, Precision::F32),
        &trace(flow, Precision::F32),
        "flow",
    );
}

/// Stochastic rounding draws from a counter per thread, reseeded at every run start: runs on
/// other threads, at the same time as other runs, draw the same bits.
#[test]
fn stochastic_rounding_does_not_depend_on_the_thread() {
    for precision in [Precision::Bf16Sr, Precision::F16Sr, Precision::Q16_16Sr] {
        let config = config(Integrator::Gd);
        let alone = trace(config, precision);
        let other = Config { seed: 99, ..config };
        let concurrent = std::thread::scope(|scope| {
            let a = scope.spawn(|| trace(config, precision));
            let b = scope.spawn(|| trace(other, precision));
            let c = scope.spawn(|| trace(config, precision));
            let _ = b.join().expect("thread");
            [a.join().expect("thread"), c.join().expect("thread")]
        });
        for run in concurrent {
            assert_same(&run, &alone, precision.name());
        }
    }
}

#[test]
fn sweep_cells_do_not_depend_on_the_thread_count() {
    let grid = Grid {
        base: Config {
            t_max: 1e3,
            ..config(Integrator::Flow)
        },
        alphas: vec![4.0, 16.0, 64.0],
        lambdas: vec![1e-2, 3e-2],
        seeds: 2,
    };
    let cells = |threads| {
        let (sender, receiver) = mpsc::channel();
        let failed = grid.run(threads, &AtomicBool::new(false), sender);
        assert_eq!(failed, 0);
        let mut cells: Vec<String> = receiver
            .iter()
            .map(|mut cell| {
                cell.summary.wall_s = 0.0;
                format!("{cell:?}")
            })
            .collect();
        cells.sort();
        cells
    };
    let one = cells(1);
    assert_eq!(one.len(), grid.len());
    assert_eq!(one, cells(2));
    assert_eq!(one, cells(3));
}
