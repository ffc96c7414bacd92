//! How much caller-owned memory a task's data needs: `u64` words for signs or index pairs,
//! `f32` values for the ground truth, the labels and real features.

use crate::config::{Config, ConfigError, Task};
use crate::data::bits::words_per_row;

/// Lengths of the two data buffers of a task.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct DataLayout {
    /// Sign features or index pairs (train, then test).
    pub words: usize,
    /// Ground truth, train labels, test labels, then real features.
    pub reals: usize,
}

impl DataLayout {
    /// The sizes for `config`; saturates instead of overflowing (a saturated size can never
    /// be provided).
    pub(crate) const fn new(config: &Config) -> Self {
        let (d, rows) = (config.d, config.n.saturating_add(config.n_test));
        let (words, x_reals) = if config.task.has_sign_features() {
            (rows.saturating_mul(words_per_row(d)), 0)
        } else if config.task.has_pair_inputs() {
            (rows, 0)
        } else {
            (0, rows.saturating_mul(d))
        };
        Self {
            words,
            reals: teacher_len(config)
                .saturating_add(rows)
                .saturating_add(x_reals),
        }
    }

    /// The sizes a validated configuration needs.
    pub(crate) fn of(config: &Config) -> Result<Self, ConfigError> {
        config.validate()?;
        let layout = Self::new(config);
        if layout.words == usize::MAX || layout.reals == usize::MAX {
            return Err(too_large());
        }
        Ok(layout)
    }
}

/// The error for sizes whose buffers cannot be addressed.
pub(crate) const fn too_large() -> ConfigError {
    ConfigError::Incompatible {
        field: "d",
        reason: "the buffers for these sizes do not fit in this target's address space",
    }
}

/// Length of the ground-truth slice in `reals`: `w*` (d), `X*` (d²) or nothing.
pub(crate) const fn teacher_len(config: &Config) -> usize {
    match config.task {
        Task::MatrixCompletion => config.d.saturating_mul(config.d),
        Task::ModAdd => 0,
        _ => config.d,
    }
}
