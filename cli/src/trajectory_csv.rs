//! The trajectory as CSV, one row per grid time, written as the run goes so that an
//! interrupted run still leaves every row it reached.
//!
//! Rows go to a hidden `.<name>.partial` next to the target, flushed one by one; finishing
//! (at the end of the run, or after Ctrl-C) renames it over the target. So the target is
//! never half-written: a killed process leaves the old file (or none) and the partial one.

use std::fs::File;
use std::io::{self, BufWriter};
use std::path::{Path, PathBuf};

use grokflow_core::Metrics;

/// Column names, in order. Empty cells mean "not defined for this run" (accuracy in
/// regression, cosines without references, the spectrum without a matrix, `log10_t` at 0).
pub const HEADER: [&str; 19] = [
    "t",
    "step",
    "train_loss",
    "train_acc",
    "test_loss",
    "test_acc",
    "param_norm",
    "cos_kernel",
    "cos_rich",
    "log10_t",
    "margin",
    "w_l1",
    "w_l2",
    "nuclear_norm",
    "sv1",
    "sv2",
    "sv3",
    "truth_distance",
    "swamped",
];

/// A CSV file receiving metrics rows.
pub struct TrajectoryCsv {
    writer: csv::Writer<BufWriter<File>>,
    rows: usize,
    partial: PathBuf,
    target: PathBuf,
}

impl TrajectoryCsv {
    /// Starts the partial file for `path` and writes the header.
    pub fn create(path: &Path) -> io::Result<Self> {
        let partial = crate::files::sibling(path, "partial")?;
        let mut writer = csv::Writer::from_writer(BufWriter::new(File::create(&partial)?));
        writer.write_record(HEADER)?;
        writer.flush()?;
        Ok(Self {
            writer,
            rows: 0,
            partial,
            target: path.to_owned(),
        })
    }

    /// Syncs the rows to disk and renames the partial file over the target.
    pub fn finish(self) -> io::Result<()> {
        let file = self.writer.into_inner().map_err(|e| e.into_error())?;
        file.into_inner().map_err(|e| e.into_error())?.sync_all()?;
        std::fs::rename(&self.partial, &self.target)
    }

    /// Appends one row and flushes it to disk.
    pub fn write(&mut self, m: &Metrics) -> io::Result<()> {
        self.writer.write_record(row(m))?;
        self.rows += 1;
        self.writer.flush()
    }

    /// Rows written so far.
    pub fn rows(&self) -> usize {
        self.rows
    }
}

/// One row in [`HEADER`] order; floats in their shortest exact form.
pub fn row(m: &Metrics) -> [String; 19] {
    values(m).map(|v| v.map_or_else(String::new, |x| x.to_string()))
}

/// One row's values in [`HEADER`] order, `None` where the cell is empty. The step count is
/// exact as an f64 (below 2⁵³) and prints as the integer it is.
pub fn values(m: &Metrics) -> [Option<f64>; 19] {
    let sv = |i: usize| m.singular_values.map(|s| s[i]);
    [
        Some(m.t),
        Some(m.step as f64),
        Some(m.train_loss),
        m.train_acc,
        Some(m.test_loss),
        m.test_acc,
        Some(m.param_norm),
        m.cos_kernel,
        m.cos_rich,
        m.log10_t,
        m.margin,
        m.w_l1,
        m.w_l2,
        m.nuclear_norm,
        sv(0),
        sv(1),
        sv(2),
        m.truth_distance,
        m.swamped,
    ]
}
