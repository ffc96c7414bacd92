//! How much caller-owned memory an experiment needs, and fixed-size storage for targets
//! where the sizes are known at compile time.

use crate::config::{Config, ConfigError};
use crate::data::layout::{DataLayout, too_large};
use crate::integrators::stepper::param_buffers;
use crate::models::Network;
use crate::numbers::scalar::Scalar;

/// Lengths of the three buffers an experiment borrows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Layout {
    /// `u64` words: sign features or index pairs (train, then test).
    pub words: usize,
    /// `f32` values: ground truth, train labels, test labels, then real features.
    pub reals: usize,
    /// Scalars of working memory: parameters, integrator buffers, model scratch, outputs.
    pub work: usize,
}

impl Layout {
    /// The layout of `config`; usable in `const` items to size static arrays. Saturates
    /// instead of overflowing (a saturated size can never be provided). Pair tasks need
    /// [`Config::with_derived_sizes`] first.
    pub const fn new(config: &Config) -> Self {
        let data = DataLayout::new(config);
        let model = Network::sizes(config);
        let buffers = param_buffers(config.integrator);
        let train_block = Network::examples_per_block(config, config.n);
        let test_block = Network::examples_per_block(config, config.n_test);
        let work = model
            .params
            .saturating_mul(1 + buffers)
            .saturating_add(model.scratch)
            // train outputs and slopes, test outputs, one block each
            .saturating_add(
                config
                    .outputs()
                    .saturating_mul(train_block.saturating_mul(2).saturating_add(test_block)),
            );
        Self {
            words: data.words,
            reals: data.reals,
            work,
        }
    }

    /// Bytes of the three buffers when the working memory holds `S` (saturating).
    pub const fn bytes<S: Scalar>(&self) -> usize {
        self.words
            .saturating_mul(8)
            .saturating_add(self.reals.saturating_mul(4))
            .saturating_add(self.work.saturating_mul(core::mem::size_of::<S>()))
    }

    /// The layout a validated configuration needs.
    pub fn of(config: &Config) -> Result<Self, ConfigError> {
        config.validate()?;
        let layout = Self::new(config);
        if layout.words == usize::MAX || layout.reals == usize::MAX || layout.work == usize::MAX {
            return Err(too_large());
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
