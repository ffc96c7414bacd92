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
//! ## Layers
//! The source reads bottom-up, one folder per layer, each using only those before it:
//! numbers (scalars and formats) → config ([`Config`], its fields and checks) → data (storage,
//! tasks) → models → objective (losses) → integrators (schemes and the stepper) → run
//! ([`Simulation`], metrics, transitions, presets) → host (`std` only). The items are
//! re-exported here; `docs/architecture.md` shows the flow of one run and where new models
//! and integrators go, `docs/theory.md` the theory the code implements.
//!
//! ## Features
//! - `std` (default): [`experiment`] (a heap-backed runner with reference predictors),
//!   [`reference`](mod@reference) (max-margin and min-norm solvers built on `clarabel`) and [`file_data`]
//!   (data sets from `.npy`, `.npz` and `.csv`), [`experiment_file`] (versioned JSON) and
//!   [`sweep`] (phase diagrams on every core) and [`study`] (the low-precision table); serde
//!   for [`Config`] and text access to its fields ([`Config::set_field`]). Without it the
//!   crate builds for bare-metal targets such as `thumbv6m-none-eabi`.
//! - `parallel`: passes over large sign matrices split across rayon's threads (same bits).
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

// The layers, bottom-up: each uses only the ones above it in this list
// (`tests/tests/claims/layers.rs` checks it).
mod config;
mod data;
#[cfg(feature = "std")]
mod host;
mod integrators;
mod models;
mod numbers;
mod objective;
mod run;

#[cfg(feature = "std")]
pub use host::{
    driver, experiment, experiment_file, file_data, law_fit, reference, study, summary, sweep,
};

pub use config::{
    Activation, Config, ConfigError, Field, FieldKind, Integrator, Loss, MAX_DEPTH, MAX_DIM,
    MAX_MATRIX, MAX_MODULUS, MAX_SAMPLES, MAX_WIDTH, ModelKind, Range, Task, Truth,
};
#[cfg(feature = "std")]
pub use config::{FieldError, parse_whole};
pub use data::{
    Dataset, Features, TaskData, WORD_BITS, generate, pack_pair, unpack_pair, view, words_per_row,
};
pub use integrators::Divergence;
pub use models::{DiagNet, MatrixFactorization, Mlp, Model, Network, Structure};
#[cfg(feature = "std")]
pub use numbers::simd;
pub use numbers::{
    Bf16, Bf16Format, Bf16Sr, F16, F16Format, F16Sr, F32Approx, Fixed, Fixed16, Fixed16Sr, Fixed24,
    Fixed24Sr, Format, MulAdd, Nearest, Precision, Q8_24, Q16_16, QFormat, Rng, Rounding, Scalar,
    SoftFloat, Stochastic, Stream, WithScalar, from_log10, quantize, reseed,
};
pub use objective::{Evaluation, ExampleLoss, Fit};
pub use run::{
    DROP_ACCURACY, DecayWarning, FIG1A, FIG1A_SMALL, FIG1B, FIG1B_SMALL, FIG2, FIG2_QUADRATIC,
    FIG2_QUADRATIC_SMALL, FIG2_SMALL, FIG3, FIG3_SMALL, FIG4_DIAGONAL_SMALL, FIG4_SMALL,
    FIT_LOSS_FRACTION, GROK_ACCURACY, GROK_LOSS_FRACTION, LEARNED_LOSS_FRACTION, Layout, LogGrid,
    MC_TINY, MLP_TINY, Metrics, Observer, PRECISION_SMALL, PRESETS, Preset, References,
    SPARSE_REG_SMALL, Simulation, StaticStorage, Status, TransitionShape, Transitions, preset,
    task_preset,
};
