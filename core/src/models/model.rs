//! What an integrator needs from a network: outputs and the gradient of the loss.

use crate::data::Dataset;
use crate::numbers::scalar::Scalar;

/// Examples per block for the models on index pairs: large enough that the per-block work
/// dwarfs the loop around it, small enough that a microcontroller holds the outputs of a
/// 97-residue MLP (97 · 64 · 3 scalars: outputs, slopes, test outputs).
pub(crate) const PAIR_BLOCK: usize = 64;

/// How many scalars a model needs: its parameters and its scratch (the one place these
/// sizes are computed: the trait methods and the run's memory layout both read them).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct ModelSizes {
    /// Parameters.
    pub params: usize,
    /// Working memory of one evaluation.
    pub scratch: usize,
}

/// Summaries of the parameters that only some models have (None elsewhere).
#[derive(Clone, Copy, Debug, PartialEq, Default)]
pub struct Structure {
    /// ‖w‖₁ of the effective linear predictor.
    pub w_l1: Option<f64>,
    /// ‖w‖₂ of the effective linear predictor.
    pub w_l2: Option<f64>,
    /// Nuclear norm ‖W‖_* of the predicted matrix.
    pub nuclear_norm: Option<f64>,
    /// The three largest singular values of the predicted matrix.
    pub singular_values: Option<[f64; 3]>,
    /// Relative distance to the ground truth, ‖w − w*‖/‖w*‖ or ‖W − X*‖_F/‖X*‖_F.
    pub truth_distance: Option<f64>,
}

/// An `L`-homogeneous network whose parameters live in one caller-owned slice.
///
/// Implementations never allocate and never panic: slices shorter than the sizes fixed at
/// construction make them do less work, not fail (sizes are checked once, by the caller).
pub trait Model<S: Scalar> {
    /// Number of parameters.
    fn param_count(&self) -> usize;
    /// Length of the scratch slice the methods below need.
    fn scratch_len(&self) -> usize;
    /// Outputs per example.
    fn outputs(&self) -> usize;
    /// Homogeneity degree `L`: `f(cθ; x) = c^L f(θ; x)`.
    fn degree(&self) -> u32;
    /// Writes the initial parameters `θ(0)`.
    fn init(&self, params: &mut [S]);
    /// `out[i·k + c] = f_c(θ; x_i)` for every example of `data` (`k` outputs each).
    fn predict(&self, params: &[S], data: &Dataset<'_>, scratch: &mut [S], out: &mut [S]);
    /// Adds `Σ_{i,c} slopes[i·k + c] · ∇_θ f_c(θ; x_i)` to `grad`, example by example in
    /// order where the model sums per example (so that a data set evaluated in blocks gives
    /// the bits of one pass).
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
    fn effective_weights(&self, _params: &[S], _out: &mut [S]) -> bool {
        false
    }
    /// Model-specific summaries of `params`, compared with the ground truth `teacher`.
    fn structure(&self, _params: &[S], _teacher: &[f32], _scratch: &mut [S]) -> Structure {
        Structure::default()
    }
}
