//! Layer 5, objective: per-example losses and the empirical risk `L(θ)` of a model on a data
//! set, with its gradient, its fit (loss, accuracy, margin) and the log-loss gradient of fig. 4.

pub(crate) mod loss;
pub(crate) mod risk;

pub use loss::ExampleLoss;
pub(crate) use risk::Objective;
pub use risk::{Evaluation, Fit};
