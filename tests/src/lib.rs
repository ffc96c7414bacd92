//! The paper's claims as tests (see `tests/`), at a scale that fits CI.
//!
//! Each claim runs the real experiment through `grokflow-core` and checks what the
//! mathematics or the theory (docs/theory.md) predicts, never values copied from an earlier
//! run. A claim is written once, generic over the number format, and [`in_f32_and_f64!`]
//! makes it a test in f32 and one in f64 (the f64 run is the reference).
use std::ops::ControlFlow;
use std::path::PathBuf;

use grokflow_core::driver::SnapshotSchedule;
use grokflow_core::experiment::{Experiment, trajectory};
use grokflow_core::summary::Summary;
use grokflow_core::{Config, Metrics, Scalar};

/// A file of `tests/data/`.
pub fn data(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("data")
        .join(name)
}

/// The rows of a numeric CSV of `tests/data/` (an independent reference), header skipped.
pub fn reference_rows(name: &str) -> Vec<Vec<f64>> {
    let text = std::fs::read_to_string(data(name)).expect("reference file");
    text.lines()
        .skip(1)
        .map(|line| {
            line.split(',')
                .map(|x| x.parse().expect("number"))
                .collect()
        })
        .collect()
}

/// `check` on `0..end` split into one range per core, run side by side; the messages of all
/// ranges, in order (for exhaustive checks over bit patterns).
pub fn on_all_cores(
    end: u32,
    check: impl Fn(std::ops::Range<u32>) -> Vec<String> + Sync,
) -> Vec<String> {
    let threads = std::thread::available_parallelism().map_or(2, |n| n.get()) as u32;
    let chunk = end / threads + 1;
    std::thread::scope(|scope| {
        let handles: Vec<_> = (0..threads)
            .map(|k| {
                let range = (k * chunk).min(end)..((k + 1) * chunk).min(end);
                let check = &check;
                scope.spawn(move || check(range))
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().expect("thread"))
            .collect()
    })
}

/// Runs `config` in format `S` and returns the summary and every record.
pub fn run<S: Scalar>(config: &Config, references: bool) -> (Summary, Vec<Metrics>) {
    trajectory::<S>(config, references).expect("valid configuration")
}

/// t_grok of `config` in format `S`, from a run that stops as soon as it is known (a claim
/// about when a run groks needs nothing after it); `None` when the run ends first.
pub fn t_grok<S: Scalar>(config: &Config) -> Option<f64> {
    let mut experiment = Experiment::<S>::new(config).expect("valid configuration");
    let mut driver = experiment
        .driver(SnapshotSchedule::NEVER)
        .expect("valid configuration");
    driver.run_while(
        &mut |_: &Metrics| ControlFlow::Continue(()),
        |sim, _| match sim.transitions().log10_t_grok {
            Some(_) => ControlFlow::Break(()),
            None => ControlFlow::Continue(()),
        },
    );
    driver.simulation().transitions().t_grok()
}

/// Asserts that `got`, grokflow's value of `what` at `step`, is within `max_relative_error`
/// of `want`, an independent reference's.
pub fn assert_matches_reference(
    what: &str,
    step: u64,
    got: f64,
    want: f64,
    max_relative_error: f64,
) {
    let rel = (got / want - 1.0).abs();
    assert!(
        rel < max_relative_error,
        "step {step} {what}: {got} vs reference {want}"
    );
}

/// The first record at or after time `t`.
pub fn at(records: &[Metrics], t: f64) -> &Metrics {
    records
        .iter()
        .find(|m| m.t >= t)
        .unwrap_or_else(|| records.last().expect("at least one record"))
}

/// Records with `t` in `[from, to]`.
pub fn between(records: &[Metrics], from: f64, to: f64) -> impl Iterator<Item = &Metrics> {
    records.iter().filter(move |m| m.t >= from && m.t <= to)
}

/// Makes each generic claim `fn claim<S: Scalar>()` into two tests, `claim::f32` and
/// `claim::f64`.
#[macro_export]
macro_rules! in_f32_and_f64 {
    ($($claim:ident),* $(,)?) => {$(
        mod $claim {
            #[test]
            fn f32() {
                super::$claim::<f32>();
            }

            #[test]
            fn f64() {
                super::$claim::<f64>();
            }
        }
    )*};
}
