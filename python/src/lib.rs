//! # grokflow from Python
//!
//! The extension module `grokflow._grokflow`: the command line's own parser and runs behind
//! three functions that take the argument list `grokflow run …` or `grokflow sweep …` would
//! take. The Python package around it (`grokflow/__init__.py`) turns keyword arguments into
//! that list and the results into numpy arrays; so every value means what the flag means and
//! a bad one gets the flag's message, as a `ValueError`.

use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;

mod interrupt;
mod run;
mod sweep;

/// The Rust side of the `grokflow` package.
#[pymodule]
mod _grokflow {
    #[pymodule_export]
    use super::flags;
    #[pymodule_export]
    use super::presets;
    #[pymodule_export]
    use super::run::check;
    #[pymodule_export]
    use super::run::run;
    #[pymodule_export]
    use super::sweep::sweep;
}

/// The presets as JSON: `[{"name", "description", "config": {field: value}}]`, in the order
/// `grokflow presets` lists them.
#[pyfunction]
fn presets() -> String {
    let list: Vec<serde_json::Value> = grokflow_core::PRESETS
        .iter()
        .map(|p| {
            serde_json::json!({
                "name": p.name,
                "description": p.description,
                "config": p.config,
            })
        })
        .collect();
    serde_json::Value::Array(list).to_string()
}

/// The long flags of `grokflow <subcommand>` (without the dashes) and whether each takes a
/// value (else it is a switch), so that Python can refuse an unknown keyword as a
/// `TypeError` before anything runs.
#[pyfunction]
fn flags(subcommand: &str) -> PyResult<Vec<(String, bool)>> {
    use clap::CommandFactory;
    let cli = grokflow_cli::Cli::command();
    let sub = cli
        .find_subcommand(subcommand)
        .ok_or_else(|| PyValueError::new_err(format!("no subcommand {subcommand:?}")))?;
    Ok(sub
        .get_arguments()
        .filter_map(|a| Some((a.get_long()?, a.get_action().takes_values())))
        .filter(|&(long, _)| long != "help")
        .map(|(long, takes_value)| (long.to_owned(), takes_value))
        .collect())
}

/// Parses `grokflow <argv…>` with the command line's parser; its message as a `ValueError`.
fn parse(argv: Vec<String>) -> PyResult<grokflow_cli::Command> {
    match grokflow_cli::argv::parse(argv) {
        Ok(grokflow_cli::Cli {
            command: Some(command),
            ..
        }) => Ok(command),
        Ok(_) => Err(PyValueError::new_err("no subcommand")),
        Err(message) => Err(PyValueError::new_err(message)),
    }
}
