//! Layer 2, what one experiment is: [`Config`] with its named choices, its bounds and its
//! checks. Everything above reads a validated `Config`; nothing here computes dynamics.

pub(crate) mod bounds;
pub(crate) mod choices;
pub(crate) mod error;
pub(crate) mod experiment_config;
pub(crate) mod fields;
#[cfg(feature = "std")]
mod names;

pub use bounds::{MAX_DEPTH, MAX_DIM, MAX_MATRIX, MAX_MODULUS, MAX_SAMPLES, MAX_WIDTH, Range};
pub use choices::{Activation, Integrator, Loss, ModelKind, Task, Truth};
pub use error::ConfigError;
pub use experiment_config::Config;
pub use fields::{Field, FieldKind};
#[cfg(feature = "std")]
pub use fields::{FieldError, parse_whole};
