//! The model a configuration trains, as one type the loop can hold.

use crate::config::{Config, ModelKind};
use crate::data::Dataset;
use crate::models::diag_net::DiagNet;
use crate::models::factorization::MatrixFactorization;
use crate::models::mlp::{self, Mlp};
use crate::models::model::{Model, ModelSizes, PAIR_BLOCK, Structure};
use crate::numbers::scalar::Scalar;

/// One of the paper's homogeneous models, chosen by the task.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Network {
    /// Diagonal linear net (sparse tasks, files).
    Diagonal(DiagNet),
    /// `UUᵀ − VVᵀ` (matrix completion).
    Factorization(MatrixFactorization),
    /// Two-layer MLP (modular addition).
    Mlp(Mlp),
}

impl Network {
    /// Parameter and scratch sizes of the model of `config`, without building it (usable in
    /// `const` items through [`Layout::new`](crate::Layout::new)).
    pub(crate) const fn sizes(config: &Config) -> ModelSizes {
        match config.task.model() {
            ModelKind::DiagonalNet => DiagNet::sizes(config.d),
            ModelKind::Factorization => MatrixFactorization::sizes(config.d),
            ModelKind::Mlp => Mlp::sizes(config.d, config.width),
        }
    }

    /// How many of `rows` examples one pass evaluates at once (the length of the output
    /// buffers, in examples). The models on index pairs add each example's gradient in turn,
    /// so they stream through blocks of [`PAIR_BLOCK`] (more for wide MLPs, whose blocks are
    /// shared among threads) and their memory does not grow with the data; the diagonal net's
    /// sign passes take the whole set at once.
    pub(crate) const fn examples_per_block(config: &Config, rows: usize) -> usize {
        let block = match config.task.model() {
            ModelKind::Mlp => mlp::examples_per_pass(config.width),
            _ => PAIR_BLOCK,
        };
        if config.task.has_pair_inputs() && rows > block {
            block
        } else {
            rows
        }
    }

    /// The model of `config`, initialised as the paper does.
    pub fn for_config(config: &Config) -> Self {
        match config.task.model() {
            ModelKind::DiagonalNet => {
                Self::Diagonal(DiagNet::new(config.d, config.depth, config.init_scale()))
            }
            ModelKind::Factorization => {
                Self::Factorization(MatrixFactorization::new(config.d, config.alpha))
            }
            ModelKind::Mlp => Self::Mlp(Mlp::new(
                config.d,
                config.width,
                config.alpha,
                config.activation,
                config.zero_output_init,
                config.seed,
            )),
        }
    }
}

macro_rules! dispatch {
    ($self:expr, $m:ident => $body:expr) => {
        match $self {
            Network::Diagonal($m) => $body,
            Network::Factorization($m) => $body,
            Network::Mlp($m) => $body,
        }
    };
}

impl<S: Scalar> Model<S> for Network {
    fn param_count(&self) -> usize {
        dispatch!(self, m => Model::<S>::param_count(m))
    }
    fn scratch_len(&self) -> usize {
        dispatch!(self, m => Model::<S>::scratch_len(m))
    }
    fn outputs(&self) -> usize {
        dispatch!(self, m => Model::<S>::outputs(m))
    }
    fn degree(&self) -> u32 {
        dispatch!(self, m => Model::<S>::degree(m))
    }
    fn init(&self, params: &mut [S]) {
        dispatch!(self, m => m.init(params))
    }
    fn predict(&self, params: &[S], data: &Dataset<'_>, scratch: &mut [S], out: &mut [S]) {
        dispatch!(self, m => m.predict(params, data, scratch, out))
    }
    fn backpropagate(
        &self,
        params: &[S],
        data: &Dataset<'_>,
        slopes: &[S],
        scratch: &mut [S],
        grad: &mut [S],
    ) {
        dispatch!(self, m => m.backpropagate(params, data, slopes, scratch, grad))
    }
    fn effective_weights(&self, params: &[S], out: &mut [S]) -> bool {
        dispatch!(self, m => m.effective_weights(params, out))
    }
    fn structure(&self, params: &[S], teacher: &[f32], scratch: &mut [S]) -> Structure {
        dispatch!(self, m => m.structure(params, teacher, scratch))
    }
}
