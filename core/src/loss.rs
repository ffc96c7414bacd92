//! Per-sample losses ℓ(ŷ, y) and their derivatives in ŷ.

use crate::scalar::Scalar;

/// The per-sample loss. The objective is the mean over the training set.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Loss {
    /// `ln(1 + e^{−yŷ})`, the paper's experiments.
    #[default]
    Logistic,
    /// `e^{−yŷ}`, the paper's theory.
    Exponential,
    /// `(ŷ − y)²` with no ½, as in the paper.
    Squared,
}

impl Loss {
    /// Every loss, in menu order.
    pub const ALL: [Loss; 3] = [Loss::Logistic, Loss::Exponential, Loss::Squared];

    /// The name used on the command line and in files.
    pub const fn name(self) -> &'static str {
        match self {
            Loss::Logistic => "logistic",
            Loss::Exponential => "exponential",
            Loss::Squared => "squared",
        }
    }

    /// Inverse of [`Loss::name`].
    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|l| l.name() == name)
    }

    /// True for the margin losses, which need labels ±1.
    pub const fn is_margin(self) -> bool {
        !matches!(self, Loss::Squared)
    }

    /// `(ℓ(ŷ, y), ∂ℓ/∂ŷ)`, computed without overflow where the value itself is finite.
    #[inline]
    pub fn value_and_slope<S: Scalar>(self, prediction: S, label: S) -> (S, S) {
        match self {
            Loss::Logistic => {
                let margin = label * prediction;
                // softplus(−m) = ln(1 + e^{−m}), split so the exponent is never positive.
                let value = if margin > S::ZERO {
                    (-margin).exp().ln_1p()
                } else {
                    -margin + margin.exp().ln_1p()
                };
                // −y·σ(−m) = −y / (1 + e^{m}); e^{m} = ∞ gives the correct −0.
                (value, -label / (S::ONE + margin.exp()))
            }
            Loss::Exponential => {
                let value = (-(label * prediction)).exp();
                (value, -label * value)
            }
            Loss::Squared => {
                let residual = prediction - label;
                (residual * residual, (residual + residual))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Loss;

    /// Central finite difference step and tolerance for the slope check in f64.
    const STEP: f64 = 1e-6;
    const MAX_ERROR: f64 = 1e-8;

    #[test]
    fn slope_matches_finite_difference() {
        for loss in Loss::ALL {
            for (pred, label) in [
                (0.3, 1.0),
                (-2.0, 1.0),
                (1.5, -1.0),
                (0.0, -1.0),
                (4.0, 1.0),
            ] {
                let (_, slope) = loss.value_and_slope(pred, label);
                let up = loss.value_and_slope(pred + STEP, label).0;
                let down = loss.value_and_slope(pred - STEP, label).0;
                let numeric = (up - down) / (2.0 * STEP);
                assert!(
                    (slope - numeric).abs() < MAX_ERROR * (1.0 + slope.abs()) + 1e-9,
                    "{loss:?} at ({pred}, {label}): {slope} vs {numeric}"
                );
            }
        }
    }

    #[test]
    fn closed_form_values() {
        // (loss, prediction, label, value)
        let table = [
            (Loss::Logistic, 0.0, 1.0, core::f64::consts::LN_2),
            (Loss::Exponential, 0.0, -1.0, 1.0),
            (Loss::Exponential, 1.0, 1.0, (-1.0f64).exp()),
            (Loss::Squared, 3.0, 1.0, 4.0),
        ];
        for (loss, pred, label, want) in table {
            let got: f64 = loss.value_and_slope(pred, label).0;
            assert!((got - want).abs() < 1e-15, "{loss:?}: {got} vs {want}");
        }
    }

    #[test]
    fn logistic_is_finite_at_extreme_margins() {
        let (v, s) = Loss::Logistic.value_and_slope(1e4f32, -1.0);
        assert!((v - 1e4).abs() < 1.0 && s == 1.0);
        let (v, s) = Loss::Logistic.value_and_slope(1e4f32, 1.0);
        assert!(v == 0.0 && s == 0.0);
    }
}
