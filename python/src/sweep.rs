//! `grokflow.sweep`: an (α, λ) grid (or one shard of it) exactly as `grokflow sweep` runs
//! it, returned as the CSV that command writes.

use std::sync::atomic::AtomicBool;

use grokflow_cli::Command;
use grokflow_core::law_fit::LawFit;
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;

use crate::interrupt::run_interruptible;

/// A finished sweep as the Python side receives it: the CSV's text, the grid's α and λ
/// values, the `.law.json` text (None for a shard).
type PySweep = (String, Vec<f64>, Vec<f64>, Option<String>);

/// Runs `grokflow sweep <argv…>` without the GIL and returns the text of the CSV it writes
/// (for a shard, with the line that names it), the grid's α and λ values, and the text of
/// the `.law.json` it writes beside the CSV (None for a shard: the merge fits the law).
#[pyfunction]
pub fn sweep(py: Python<'_>, argv: Vec<String>) -> PyResult<PySweep> {
    let args = match crate::parse(std::iter::once("sweep".to_owned()).chain(argv).collect())? {
        Command::Sweep(args) if args.then.is_none() => args,
        _ => return Err(PyValueError::new_err("not a sweep")),
    };
    let grid = args.grid().map_err(PyValueError::new_err)?;
    let stop = AtomicBool::new(false);
    let report = run_interruptible(py, &stop, || {
        grokflow_cli::sweep::compute(&args, &grid, &stop)
    })?;
    let text = grokflow_cli::sweep::file_text(&args, &grid, &report.cells);
    let law = args
        .shard
        .is_none()
        .then(|| grokflow_cli::sweep::law_json(LawFit::of_cells(&report.cells).as_ref()));
    Ok((text, grid.alphas, grid.lambdas, law))
}
