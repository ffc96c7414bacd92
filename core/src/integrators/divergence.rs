//! Why a run went wrong: a value the caller sees, never a NaN plot or a panic.

/// Why a run went wrong.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Divergence {
    /// The training loss or its gradient stopped being finite.
    NonFiniteLoss,
    /// The adaptive integrator could not find a step small enough to follow the flow.
    StepSizeUnderflow,
    /// A recorded quantity (norm, test loss, …) stopped being finite.
    NonFiniteMetrics,
}

impl core::fmt::Display for Divergence {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(match self {
            Self::NonFiniteLoss => "the training loss or its gradient is no longer finite",
            Self::StepSizeUnderflow => "the flow integrator's step size underflowed",
            Self::NonFiniteMetrics => "a recorded metric is no longer finite",
        })
    }
}
