//! Layer 6, integrators: how the flow `dθ/dt = −∇L(θ) − λθ` is discretised. One file per
//! scheme; [`Stepper`](stepper::Stepper) owns each scheme's buffers, its step and its clock,
//! so the run loop above names no integrator.

pub(crate) mod chebyshev;
pub(crate) mod divergence;
pub(crate) mod flow;
pub(crate) mod gd;
pub(crate) mod gd_kahan;
pub(crate) mod gd_log_space;
pub(crate) mod normalized_gd;
pub(crate) mod spectral_radius;
pub(crate) mod stepper;

pub use divergence::Divergence;
