//! Layer 4, models: the [`Model`] trait (outputs, gradients, structure) and the paper's
//! homogeneous networks: the depth-L diagonal net, the matrix factorisation `UUᵀ − VVᵀ` and
//! the two-layer MLP, held together as one [`Network`].

pub(crate) mod diag_net;
pub(crate) mod factorization;
#[cfg(test)]
pub(crate) mod gradient_check;
pub(crate) mod mlp;
pub(crate) mod model;
pub(crate) mod network;

pub use diag_net::DiagNet;
pub use factorization::MatrixFactorization;
pub use mlp::Mlp;
pub use model::{Model, Structure};
pub use network::Network;
