//! `grokflow.sweep`: an (α, λ) grid (or one shard of it) exactly as `grokflow sweep` runs
//! it, returned as the CSV that command writes.

use std::sync::atomic::AtomicBool;

use grokflow_cli::Command;
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;

use crate::interrupt::run_interruptible;

/// Runs `grokflow sweep <argv…>` without the GIL and returns the text of the CSV it writes
/// (for a shard, with the line that names it), and the grid's α and λ values.
#[pyfunction]
pub fn sweep(py: Python<'_>, argv: Vec<String>) -> PyResult<(String, Vec<f64>, Vec<f64>)> {
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
    Ok((text, grid.alphas, grid.lambdas))
}
