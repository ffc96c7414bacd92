//! `grokflow.run`: one experiment exactly as `grokflow run` runs it (the same parser, the
//! same preparation, the same steps), keeping every record and the parameters.

use std::ops::ControlFlow;
use std::sync::atomic::{AtomicBool, Ordering};

use grokflow_cli::flags::flag_error;
use grokflow_cli::progress::Progress;
use grokflow_cli::{Command, RunArgs};
use grokflow_core::driver::SnapshotSchedule;
use grokflow_core::summary::Summary;
use grokflow_core::{Metrics, Scalar, WithScalar};
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::PyBytes;

use crate::interrupt::run_interruptible;

/// A finished run as the Python side receives it: the summary as `grokflow run --json`
/// prints it; the trajectory as `(column, float64 bytes)` in the CSV's column order (NaN
/// where the CSV cell is empty); the final parameters; the snapshot times and the snapshots
/// (one row of parameters per time), all float64 bytes.
type PyRun<'py> = (
    String,
    Vec<(&'static str, Bound<'py, PyBytes>)>,
    Bound<'py, PyBytes>,
    Bound<'py, PyBytes>,
    Bound<'py, PyBytes>,
);

/// Checks `grokflow run <argv…>` without running it: what the command line refuses before
/// a run starts (flags, values, ranges), with the command line's message.
#[pyfunction]
pub fn check(argv: Vec<String>) -> PyResult<()> {
    let args = match crate::parse(std::iter::once("run".to_owned()).chain(argv).collect())? {
        Command::Run(args) => args,
        _ => return Err(PyValueError::new_err("not a run")),
    };
    // A data file supplies the sizes only when it is read.
    match args.one_per_value().map_err(PyValueError::new_err)? {
        Some(_) => Ok(()),
        None if args.data.is_some() => Ok(()),
        None => args.config().map(|_| ()).map_err(PyValueError::new_err),
    }
}

/// Runs `grokflow run <argv…>` without the GIL, keeping the parameters up to
/// `snapshots_per_decade` times per decade of t (and at the end).
#[pyfunction]
pub fn run<'py>(
    py: Python<'py>,
    argv: Vec<String>,
    snapshots_per_decade: f64,
) -> PyResult<PyRun<'py>> {
    let args = match crate::parse(std::iter::once("run".to_owned()).chain(argv).collect())? {
        Command::Run(args) => args,
        _ => return Err(PyValueError::new_err("not a run")),
    };
    if snapshots_per_decade.is_nan() || snapshots_per_decade < 0.0 {
        return Err(PyValueError::new_err(format!(
            "snapshots_per_decade = {snapshots_per_decade} is out of range: allowed snapshots_per_decade ≥ 0"
        )));
    }
    let stop = AtomicBool::new(false);
    let recording = Recording {
        args: &args,
        stop: &stop,
        snapshots_per_decade,
    };
    let recorded = run_interruptible(py, &stop, || args.precision().with(recording))?
        .map_err(PyValueError::new_err)?;
    let bytes = |values: &[f64]| {
        let raw: Vec<u8> = values.iter().flat_map(|v| v.to_ne_bytes()).collect();
        PyBytes::new(py, &raw)
    };
    let columns = grokflow_cli::trajectory_csv::HEADER
        .iter()
        .enumerate()
        .map(|(i, &name)| {
            let column: Vec<f64> = recorded
                .records
                .iter()
                .map(|m| grokflow_cli::trajectory_csv::values(m)[i].unwrap_or(f64::NAN))
                .collect();
            (name, bytes(&column))
        })
        .collect();
    let summary = grokflow_cli::summary::to_json(&recorded.summary, args.preset_name());
    Ok((
        summary.to_string(),
        columns,
        bytes(&recorded.params),
        bytes(&recorded.snapshot_t),
        bytes(&recorded.snapshots),
    ))
}

/// What a run kept.
struct Recorded {
    summary: Summary,
    records: Vec<Metrics>,
    params: Vec<f64>,
    snapshot_t: Vec<f64>,
    snapshots: Vec<f64>,
}

/// The run `args` describe, in the number format they name.
struct Recording<'a> {
    args: &'a RunArgs,
    stop: &'a AtomicBool,
    snapshots_per_decade: f64,
}

impl WithScalar for Recording<'_> {
    type Output = Result<Recorded, String>;

    fn run<S: Scalar>(self) -> Self::Output {
        let mut experiment = grokflow_cli::run::experiment::<S>(self.args)?;
        grokflow_cli::run::prepare(self.args, &mut experiment);
        let config = *experiment.config();
        let schedule = SnapshotSchedule::per_decade(self.snapshots_per_decade);
        let mut driver = experiment.driver(schedule).map_err(|e| flag_error(&e))?;
        let mut progress = Progress::new(&config);
        let (mut records, mut snapshot_t, mut snapshots) = (Vec::new(), Vec::new(), Vec::new());
        let as_f64 = |params: &[S]| params.iter().map(|p| p.to_f64()).collect::<Vec<_>>();
        driver.run_while(
            &mut |m: &Metrics| {
                progress.record(m);
                records.push(*m);
                if self.stop.load(Ordering::Relaxed) {
                    ControlFlow::Break(())
                } else {
                    ControlFlow::Continue(())
                }
            },
            |sim, stepped| {
                if stepped.snapshot_due {
                    snapshot_t.push(sim.t());
                    snapshots.extend(as_f64(sim.params()));
                }
                ControlFlow::Continue(())
            },
        );
        progress.finish();
        let summary = driver.summary();
        let params = as_f64(driver.simulation().params());
        Ok(Recorded {
            summary,
            records,
            params,
            snapshot_t,
            snapshots,
        })
    }
}
