//! How much caller-owned memory an experiment needs, and fixed-size storage for targets
//! where the sizes are known at compile time.

use crate::config::{Config, Integrator, Task};
use crate::data::words_per_row;
use crate::error::ConfigError;
use crate::scalar::Scalar;

/// Lengths of the three buffers an experiment borrows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Layout {
    /// `u64` words of sign features (train rows, then test rows).
    pub words: usize,
    /// `f32` values: `w*`, train labels, test labels, then real features.
    pub reals: usize,
    /// Scalars of working memory: parameters, integrator stages, model scratch, outputs.
    pub work: usize,
}

impl Layout {
    /// The layout for the given sizes; usable in `const` items to size static arrays.
    /// Saturates instead of overflowing (a saturated size can never be provided).
    pub const fn new(
        task: Task,
        integrator: Integrator,
        d: usize,
        n: usize,
        n_test: usize,
    ) -> Self {
        let rows = n.saturating_add(n_test);
        let (words, x_reals) = if task.has_sign_features() {
            (rows.saturating_mul(words_per_row(d)), 0)
        } else {
            (0, rows.saturating_mul(d))
        };
        let params = d.saturating_mul(2);
        let param_buffers = match integrator {
            // parameters and gradient
            Integrator::Gd => 2,
            // parameters, one stage point and four stage slopes
            Integrator::Flow => 6,
        };
        let work = params
            .saturating_mul(param_buffers)
            .saturating_add(d.saturating_mul(2)) // model scratch: w and Xᵀg
            .saturating_add(n.saturating_mul(2)) // train outputs and slopes
            .saturating_add(n_test); // test outputs
        Self {
            words,
            reals: d.saturating_add(rows).saturating_add(x_reals),
            work,
        }
    }

    /// The layout a validated configuration needs.
    pub fn of(config: &Config) -> Result<Self, ConfigError> {
        config.validate()?;
        let layout = Self::new(
            config.task,
            config.integrator,
            config.d,
            config.n,
            config.n_test,
        );
        if layout.words == usize::MAX || layout.reals == usize::MAX || layout.work == usize::MAX {
            return Err(ConfigError::Incompatible {
                field: "d",
                reason: "d × (n + n_test) does not fit in this target's address space",
            });
        }
        Ok(layout)
    }
}

/// Fixed-size storage for a run whose sizes are known at compile time (no heap).
///
/// Size it with [`Layout::new`] in `const` items:
///
/// ```
/// use grokflow_core::{Integrator, Layout, StaticStorage, Task};
/// const L: Layout = Layout::new(Task::SparseCls, Integrator::Flow, 64, 16, 32);
/// let storage = StaticStorage::<f32, { L.words }, { L.reals }, { L.work }>::new();
/// assert_eq!(storage.work.len(), L.work);
/// ```
#[derive(Clone, Debug)]
pub struct StaticStorage<S: Scalar, const WORDS: usize, const REALS: usize, const WORK: usize> {
    /// Sign features.
    pub words: [u64; WORDS],
    /// Labels, `w*` and real features.
    pub reals: [f32; REALS],
    /// Working memory of the simulation.
    pub work: [S; WORK],
}

impl<S: Scalar, const WORDS: usize, const REALS: usize, const WORK: usize>
    StaticStorage<S, WORDS, REALS, WORK>
{
    /// Zeroed storage.
    pub const fn new() -> Self {
        Self {
            words: [0; WORDS],
            reals: [0.0; REALS],
            work: [S::ZERO; WORK],
        }
    }
}

impl<S: Scalar, const WORDS: usize, const REALS: usize, const WORK: usize> Default
    for StaticStorage<S, WORDS, REALS, WORK>
{
    fn default() -> Self {
        Self::new()
    }
}
