//! How much caller-owned memory an experiment needs, and fixed-size storage for targets
//! where the sizes are known at compile time.

use crate::config::{Config, Integrator, ModelKind, Task};
use crate::data::words_per_row;
use crate::error::ConfigError;
use crate::scalar::Scalar;

/// Lengths of the three buffers an experiment borrows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Layout {
    /// `u64` words: sign features or index pairs (train, then test).
    pub words: usize,
    /// `f32` values: ground truth, train labels, test labels, then real features.
    pub reals: usize,
    /// Scalars of working memory: parameters, integrator stages, model scratch, outputs.
    pub work: usize,
}

/// Sizes of the pieces of the working memory, in the order they are laid out.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct WorkSizes {
    pub params: usize,
    /// Parameter-sized buffers besides the parameters (gradients, stages).
    pub param_buffers: usize,
    pub scratch: usize,
    /// Outputs per example.
    pub outputs: usize,
}

impl WorkSizes {
    pub(crate) const fn of(config: &Config) -> Self {
        let (d, width) = (config.d, config.width);
        let (params, scratch) = match config.task.model() {
            ModelKind::DiagonalNet => (d.saturating_mul(2), d.saturating_mul(2)),
            // U and V; scratch for W (and its eigenvalues) when measuring.
            ModelKind::Factorization => {
                (d.saturating_mul(d).saturating_mul(2), d.saturating_mul(d))
            }
            // W₁ (2p × width), b₁, W₂ (p × width); scratch for one example's hidden layer.
            ModelKind::Mlp => (
                d.saturating_mul(3).saturating_add(1).saturating_mul(width),
                width.saturating_mul(3),
            ),
        };
        let param_buffers = match config.integrator {
            Integrator::Gd | Integrator::NormalizedGd => 1,
            // gradient and the compensation (Kahan) or the integrated gradient s (log space)
            Integrator::GdKahan | Integrator::GdLogSpace => 2,
            // one stage point and four stage slopes
            Integrator::Flow => 5,
        };
        Self {
            params,
            param_buffers,
            scratch,
            outputs: config.outputs(),
        }
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

impl Layout {
    /// The layout of `config`; usable in `const` items to size static arrays. Saturates
    /// instead of overflowing (a saturated size can never be provided). Pair tasks need
    /// [`Config::with_derived_sizes`] first.
    pub const fn new(config: &Config) -> Self {
        let (d, n, n_test) = (config.d, config.n, config.n_test);
        let rows = n.saturating_add(n_test);
        let (words, x_reals) = if config.task.has_sign_features() {
            (rows.saturating_mul(words_per_row(d)), 0)
        } else if config.task.has_pair_inputs() {
            (rows, 0)
        } else {
            (0, rows.saturating_mul(d))
        };
        let w = WorkSizes::of(config);
        let work = w
            .params
            .saturating_mul(1 + w.param_buffers)
            .saturating_add(w.scratch)
            // train outputs and slopes, test outputs
            .saturating_add(
                w.outputs
                    .saturating_mul(n.saturating_mul(2).saturating_add(n_test)),
            );
        Self {
            words,
            reals: teacher_len(config)
                .saturating_add(rows)
                .saturating_add(x_reals),
            work,
        }
    }

    /// The layout a validated configuration needs.
    pub fn of(config: &Config) -> Result<Self, ConfigError> {
        config.validate()?;
        let layout = Self::new(config);
        if layout.words == usize::MAX || layout.reals == usize::MAX || layout.work == usize::MAX {
            return Err(ConfigError::Incompatible {
                field: "d",
                reason: "the buffers for these sizes do not fit in this target's address space",
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
/// use grokflow_core::{Config, Layout, StaticStorage};
/// const CONFIG: Config = Config { d: 64, n: 16, n_test: 32, ..grokflow_core::FIG1A_SMALL.config };
/// const L: Layout = Layout::new(&CONFIG);
/// let storage = StaticStorage::<f32, { L.words }, { L.reals }, { L.work }>::new();
/// assert_eq!(storage.work.len(), L.work);
/// ```
#[derive(Clone, Debug)]
pub struct StaticStorage<S: Scalar, const WORDS: usize, const REALS: usize, const WORK: usize> {
    /// Sign features or index pairs.
    pub words: [u64; WORDS],
    /// Labels, ground truth and real features.
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
