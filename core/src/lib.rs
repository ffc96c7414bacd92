//! # grokflow-core
//!
//! The simulation core of grokflow: homogeneous networks trained by gradient flow with weight
//! decay, as in Lyu et al., *Dichotomy of Early and Late Phase Implicit Biases Can Provably
//! Induce Grokking* (ICLR 2024). A large initialisation scale `α` keeps training in the kernel
//! regime; weight decay `λ` later pulls it to the min-norm / max-margin solution around
//! `t ≈ ln α / λ`.
//!
//! `no_std`, no allocation, no `unsafe`: the caller owns every buffer ([`Layout`] says how
//! big), the step path never panics, and divergence is a [`Status`], not a NaN.
//!
//! ```
//! use grokflow_core::{generate, Config, Layout, References, Simulation, Status};
//! use core::ops::ControlFlow;
//!
//! let config = Config { d: 64, n: 16, n_test: 64, t_max: 10.0, ..Config::default() };
//! let layout = Layout::of(&config)?;
//! let (mut words, mut reals) = (vec![0u64; layout.words], vec![0f32; layout.reals]);
//! let mut work = vec![0f32; layout.work];
//! let data = generate(&config, &mut words, &mut reals)?;
//! let mut sim = Simulation::new(&config, &data, References::default(), &mut work)?;
//! let status = sim.run(&mut |m: &grokflow_core::Metrics| {
//!     assert!(m.train_loss.is_finite());
//!     ControlFlow::Continue(())
//! });
//! assert_eq!(status, Status::Finished);
//! # Ok::<(), grokflow_core::ConfigError>(())
//! ```
//!
//! ## Features
//! - `std` (default): [`experiment`] (a heap-backed runner with reference predictors),
//!   [`reference`](mod@reference) (max-margin and min-norm solvers built on `clarabel`) and [`file_data`]
//!   (data sets from `.npy`, `.npz` and `.csv`), [`experiment_file`] (versioned JSON) and
//!   [`sweep`] (phase diagrams on every core) and [`study`] (the low-precision table).
//!   Without it the crate builds for bare-metal targets such as `thumbv6m-none-eabi`.
#![cfg_attr(not(test), no_std)]
#![forbid(unsafe_code)]
#![deny(missing_docs)]
#![cfg_attr(
    not(test),
    deny(
        clippy::unwrap_used,
        clippy::expect_used,
        clippy::panic,
        clippy::indexing_slicing
    )
)]

#[cfg(feature = "std")]
extern crate std;

mod config;
mod data;
mod diag_net;
mod eigen;
mod error;
mod factorization;
mod flow;
mod gd;
#[cfg(test)]
mod gradient_check;
mod grid;
mod linalg;
mod loss;
mod math;
mod metrics;
mod mlp;
mod model;
mod network;
mod normalized_gd;
mod objective;
mod precision;
mod preset;
mod rng;
mod scalar;
mod sign_tables;
mod simulation;
mod storage;
mod task;
mod transition;

#[cfg(feature = "std")]
pub mod experiment;
#[cfg(feature = "std")]
pub mod experiment_file;
#[cfg(feature = "std")]
pub mod file_data;
#[cfg(feature = "std")]
pub mod reference;
#[cfg(feature = "std")]
pub mod study;
#[cfg(feature = "std")]
pub mod sweep;

pub use config::{
    Activation, Config, Integrator, MAX_DEPTH, MAX_DIM, MAX_MATRIX, MAX_MODULUS, MAX_SAMPLES,
    MAX_WIDTH, ModelKind, Task, Truth,
};
pub use data::{Dataset, Features, WORD_BITS, pack_pair, unpack_pair, words_per_row};
pub use diag_net::DiagNet;
pub use error::ConfigError;
pub use factorization::MatrixFactorization;
pub use grid::LogGrid;
pub use loss::{ExampleLoss, Loss};
pub use metrics::{Metrics, References};
pub use mlp::Mlp;
pub use model::{Model, Structure};
pub use network::Network;
pub use objective::{Evaluation, Fit};
pub use precision::{Precision, WithScalar};
pub use preset::{
    FIG1A, FIG1A_SMALL, FIG1B, FIG1B_SMALL, FIG2, FIG2_SMALL, FIG3, FIG3_SMALL, FIG4_SMALL,
    PRECISION_SMALL, PRESETS, Preset, SPARSE_REG_SMALL, preset,
};
pub use rng::{Rng, Stream};
pub use scalar::{
    Bf16, Bf16Format, Bf16Sr, F16, F16Format, F16Sr, F32Approx, Fixed, Fixed16, Fixed16Sr, Fixed24,
    Fixed24Sr, Format, Nearest, Q8_24, Q16_16, QFormat, Rounding, Scalar, SoftFloat, Stochastic,
    quantize, reseed,
};
pub use simulation::{Divergence, Observer, Simulation, Status};
pub use storage::{Layout, StaticStorage};
pub use task::{TaskData, generate, view};
pub use transition::{
    DROP_ACCURACY, FIT_LOSS_FRACTION, GROK_ACCURACY, GROK_LOSS_FRACTION, Transitions, from_log10,
};
