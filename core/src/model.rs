//! What an integrator needs from a network: outputs and the gradient of the loss.

use crate::data::Dataset;
use crate::scalar::Scalar;

/// An `L`-homogeneous network whose parameters live in one caller-owned slice.
///
/// Implementations never allocate and never panic: slices shorter than the sizes fixed at
/// construction make them do less work, not fail (sizes are checked once, by the caller).
pub trait Model<S: Scalar> {
    /// Number of parameters.
    fn param_count(&self) -> usize;
    /// Length of the scratch slice the methods below need.
    fn scratch_len(&self) -> usize;
    /// Homogeneity degree `L`: `f(cθ; x) = c^L f(θ; x)`.
    fn degree(&self) -> u32;
    /// Writes the initial parameters `θ(0)`.
    fn init(&self, params: &mut [S]);
    /// `out[i] = f(θ; x_i)` for every row of `data`.
    fn predict(&self, params: &[S], data: &Dataset<'_>, scratch: &mut [S], out: &mut [S]);
    /// `grad = Σ_i slopes[i] · ∇_θ f(θ; x_i)`.
    fn backpropagate(
        &self,
        params: &[S],
        data: &Dataset<'_>,
        slopes: &[S],
        scratch: &mut [S],
        grad: &mut [S],
    );
    /// Writes the effective linear predictor `w` (length `d`) into `out`, if the model has
    /// one, and returns whether it did.
    fn effective_weights(&self, params: &[S], out: &mut [S]) -> bool;
}
