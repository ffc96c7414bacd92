//! What is measured at each grid time.

/// One row of the trajectory, in f64 whatever the run's number format.
///
/// Quantities that do not apply are `None` (accuracy and margin for regression, cosines
/// without a reference predictor or while `w = 0`, the spectrum for models without a
/// matrix); nothing is ever NaN: a run whose metrics stop being finite ends with
/// [`Status::Diverged`](crate::Status::Diverged) instead.
#[derive(Clone, Copy, Debug, PartialEq, Default)]
pub struct Metrics {
    /// Continuous time (saturates at `f64::MAX`; see `log10_t`).
    pub t: f64,
    /// `log10 t`, exact even where `t` itself would overflow (None at `t = 0`).
    pub log10_t: Option<f64>,
    /// Integrator steps taken so far.
    pub step: u64,
    /// Mean training loss.
    pub train_loss: f64,
    /// Training accuracy (classification).
    pub train_acc: Option<f64>,
    /// Mean test loss.
    pub test_loss: f64,
    /// Test accuracy (classification).
    pub test_acc: Option<f64>,
    /// ‖θ‖₂.
    pub param_norm: f64,
    /// Normalised margin `min_i margin_i / ‖θ‖^L` (classification).
    pub margin: Option<f64>,
    /// Cosine of `w` with the kernel-regime predictor (max-L2-margin / min-L2 interpolant).
    pub cos_kernel: Option<f64>,
    /// Cosine of `w` with the rich-regime predictor (max-L1-margin / min-L1 interpolant).
    pub cos_rich: Option<f64>,
    /// ‖w‖₁ of the effective weights (diagonal nets).
    pub w_l1: Option<f64>,
    /// ‖w‖₂ of the effective weights (diagonal nets).
    pub w_l2: Option<f64>,
    /// Nuclear norm of `W` (matrix completion).
    pub nuclear_norm: Option<f64>,
    /// Three largest singular values of `W` (matrix completion).
    pub singular_values: Option<[f64; 3]>,
    /// Relative distance to the ground truth (regression tasks).
    pub truth_distance: Option<f64>,
    /// Largest fraction of parameters a single step left unchanged, although its update was
    /// not zero, since the previous record (the format's resolution swamped it).
    pub swamped: Option<f64>,
}

impl Metrics {
    /// True when every present value is finite.
    pub fn is_finite(&self) -> bool {
        let required = [self.t, self.train_loss, self.test_loss, self.param_norm];
        let optional = [
            self.log10_t,
            self.train_acc,
            self.test_acc,
            self.margin,
            self.cos_kernel,
            self.cos_rich,
            self.w_l1,
            self.w_l2,
            self.nuclear_norm,
            self.truth_distance,
            self.swamped,
        ];
        required.iter().all(|v| v.is_finite())
            && optional.iter().flatten().all(|v| v.is_finite())
            && self.singular_values.iter().flatten().all(|v| v.is_finite())
    }
}

/// Reference predictors the cosines are measured against (each of length `d`).
#[derive(Clone, Copy, Debug, Default)]
pub struct References<'a> {
    /// Early-phase (kernel) predictor.
    pub kernel: Option<&'a [f64]>,
    /// Late-phase (rich) predictor.
    pub rich: Option<&'a [f64]>,
}

/// `⟨a, b⟩ / (‖a‖‖b‖)`, or None when either is zero or the lengths differ.
pub(crate) fn cosine(a: impl Iterator<Item = f64>, b: &[f64]) -> Option<f64> {
    let (mut dot, mut aa, mut bb) = (0.0, 0.0, 0.0);
    let mut len = 0;
    for (x, &y) in a.zip(b) {
        dot += x * y;
        aa += x * x;
        bb += y * y;
        len += 1;
    }
    (len == b.len() && aa > 0.0 && bb > 0.0)
        .then(|| dot / (crate::numbers::math::sqrt(aa) * crate::numbers::math::sqrt(bb)))
}
