//! Per-example losses ℓ(f, y), their derivatives in the outputs `f`, and the margin.

use crate::config::Loss;
use crate::numbers::linalg::{LANES, reduce, sum};
use crate::numbers::scalar::Scalar;

/// What one example contributes: its loss and its margin.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ExampleLoss<S> {
    /// `ℓ(f, y)`.
    pub value: S,
    /// `y·f` (binary and regression outputs) or `f_y − max_{c≠y} f_c` (classes); positive
    /// means correctly classified.
    pub margin: S,
}

impl Loss {
    /// `(ℓ(f, y), ∂ℓ/∂f)` for one scalar output, without overflow where the value is finite.
    #[inline]
    pub fn value_and_slope<S: Scalar>(self, prediction: S, label: S) -> (S, S) {
        match self {
            Loss::Logistic | Loss::CrossEntropy => {
                let margin = label * prediction;
                // One exponential serves value and slope: e = e^{−|m|} ≤ 1, the exponent kept
                // ≤ 0 because e^{m} for a large margin would leave the range of a narrow
                // format (Q8.24 ends at e^{4.85}) and leave a slope of −y/129 on points that
                // are long fitted. ℓ = softplus(−m) = ln(1 + e) (+ |m| when m < 0), and
                // ∂ℓ/∂f = −y·σ(−m) = −y·e/(1 + e) for m > 0, −y/(1 + e) otherwise.
                let e = exp_minus_abs(margin);
                let log_term = e.ln_1p();
                if margin > S::ZERO {
                    (log_term, -(label * e) / (S::ONE + e))
                } else {
                    (-margin + log_term, -label / (S::ONE + e))
                }
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

    /// Loss and margin of one example with outputs `f` (one per class for cross-entropy,
    /// else one) and `label` (±1, a real target, or a class index); writes `∂ℓ/∂f` times
    /// `scale` into `slopes`.
    #[inline(always)]
    pub fn evaluate<S: Scalar>(
        self,
        outputs: &[S],
        label: f32,
        scale: S,
        slopes: &mut [S],
    ) -> ExampleLoss<S> {
        if let Loss::CrossEntropy = self {
            return cross_entropy(outputs, label, scale, slopes);
        }
        let f = outputs.first().copied().unwrap_or(S::ZERO);
        let y = S::from_f32(label);
        let (value, slope) = self.value_and_slope(f, y);
        if let Some(s) = slopes.first_mut() {
            *s = slope * scale;
        }
        ExampleLoss {
            value,
            margin: y * f,
        }
    }

    /// `ln ℓ(f, y)`, finite even where `ℓ` itself underflows (margins of thousands).
    pub fn log_value<S: Scalar>(self, outputs: &[S], label: f32) -> S {
        match self {
            Loss::Logistic | Loss::CrossEntropy => log_softplus(self.log_odds(outputs, label).0),
            Loss::Exponential => {
                let f = outputs.first().copied().unwrap_or(S::ZERO);
                -(S::from_f32(label) * f)
            }
            Loss::Squared => {
                let f = outputs.first().copied().unwrap_or(S::ZERO);
                let log_abs = (f - S::from_f32(label)).abs().ln();
                log_abs + log_abs
            }
        }
    }

    /// Writes `∂ℓ/∂f_c · e^{−log_total}` into `slopes`, computed from logarithms so that
    /// neither factor has to be representable on its own: the weights of gradient descent
    /// on `ln L`, where `log_total = ln Σ_i ℓ_i`.
    pub fn normalized_slopes<S: Scalar>(
        self,
        outputs: &[S],
        label: f32,
        log_total: S,
        slopes: &mut [S],
    ) {
        let scaled = |log_abs: S, sign: S| sign * (log_abs - log_total).exp();
        match self {
            Loss::Logistic | Loss::CrossEntropy => {
                // Both are softplus(z), z = ln Σ_{c≠y} e^{f_c − f_y} (z = −y·f for one output).
                let (z, class) = self.log_odds(outputs, label);
                let log_norm = softplus(z);
                match class {
                    // ∂ℓ/∂f = −y·σ(z), and ln σ(z) = z − softplus(z).
                    None => set_first(slopes, scaled(z - log_norm, -S::from_f32(label))),
                    // softmax_c = e^{f_c − f_y − softplus(z)} for c ≠ y; softmax_y − 1 = −σ(z).
                    Some(y) => {
                        let fy = outputs.get(y).copied().unwrap_or(S::ZERO);
                        for (c, (s, &f)) in slopes.iter_mut().zip(outputs).enumerate() {
                            *s = if c == y {
                                scaled(z - log_norm, -S::ONE)
                            } else {
                                scaled(f - fy - log_norm, S::ONE)
                            };
                        }
                    }
                }
            }
            Loss::Exponential => {
                let y = S::from_f32(label);
                let f = outputs.first().copied().unwrap_or(S::ZERO);
                set_first(slopes, scaled(-(y * f), -y));
            }
            Loss::Squared => {
                let f = outputs.first().copied().unwrap_or(S::ZERO);
                let r = f - S::from_f32(label);
                let sign = if r < S::ZERO { -S::ONE } else { S::ONE };
                // ℓ' = 2r.
                set_first(
                    slopes,
                    scaled(S::from_f64(core::f64::consts::LN_2) + r.abs().ln(), sign),
                );
            }
        }
    }

    /// `z = ln Σ_{c≠y} e^{f_c − f_y}` and the class index (or `−y·f`, None, for one output).
    fn log_odds<S: Scalar>(self, outputs: &[S], label: f32) -> (S, Option<usize>) {
        if !self.is_multiclass() {
            let f = outputs.first().copied().unwrap_or(S::ZERO);
            return (-(S::from_f32(label) * f), None);
        }
        let y = label as usize;
        let fy = outputs.get(y).copied().unwrap_or(S::ZERO);
        let others = || {
            outputs
                .iter()
                .enumerate()
                .filter(move |&(c, _)| c != y)
                .map(move |(_, &f)| f - fy)
        };
        let top = others().fold(None, |m: Option<S>, z| match m {
            Some(m) if m >= z => Some(m),
            _ => Some(z),
        });
        let Some(top) = top else {
            return (S::from_f64(f64::NEG_INFINITY), Some(y));
        };
        let sum = others().fold(S::ZERO, |acc, z| acc + (z - top).exp());
        (top + sum.ln(), Some(y))
    }
}

fn set_first<S: Scalar>(slice: &mut [S], value: S) {
    if let Some(s) = slice.first_mut() {
        *s = value;
    }
}

/// `e^{−|x|}` (at most 1): the one exponential of softplus and of the logistic loss, whose
/// exponent is never positive.
#[inline]
fn exp_minus_abs<S: Scalar>(x: S) -> S {
    if x > S::ZERO { -x } else { x }.exp()
}

/// `ln(1 + e^x)`, split so the exponent is never positive.
#[inline]
fn softplus<S: Scalar>(x: S) -> S {
    let log_term = exp_minus_abs(x).ln_1p();
    if x > S::ZERO { x + log_term } else { log_term }
}

/// `ln softplus(x)`, finite for very negative `x` (where softplus underflows to 0):
/// softplus(x) = e^x(1 − e^x/2 + …), so ln softplus(x) = x + ln1p(−e^x/2 + …).
#[inline]
fn log_softplus<S: Scalar>(x: S) -> S {
    if x < S::from_f64(-20.0) {
        let e = x.exp();
        x + (-(e * S::from_f64(0.5))).ln_1p()
    } else {
        softplus(x).ln()
    }
}

/// Cross-entropy over `outputs` with class `label`: value `ln(1 + Σ_{c≠y} e^{f_c − f_y})`
/// (accurate when the loss is tiny), slopes `softmax − onehot(y)`. Inlined always, so that
/// its loops take the vector level of [`Scalar::vectorized`].
#[inline(always)]
fn cross_entropy<S: Scalar>(
    outputs: &[S],
    label: f32,
    scale: S,
    slopes: &mut [S],
) -> ExampleLoss<S> {
    let y = label as usize;
    let fy = outputs.get(y).copied().unwrap_or(S::ZERO);
    let mut top = S::from_f64(f64::NEG_INFINITY);
    for (c, &f) in outputs.iter().enumerate() {
        if c != y && f > top {
            top = f;
        }
    }
    // Softmax with the largest output subtracted, so no exponent is positive. One exponential
    // per class, into the slopes (a loop the compiler vectorises), then the other classes'
    // share summed apart from the label's own, so that a tiny loss keeps its digits.
    let shift = if top > fy { top } else { fy };
    let own = (fy - shift).exp();
    let others = if slopes.len() >= outputs.len() {
        for (s, &f) in slopes.iter_mut().zip(outputs) {
            *s = (f - shift).exp();
        }
        if let Some(s) = slopes.get_mut(y) {
            *s = S::ZERO;
        }
        sum(slopes)
    } else {
        // The value alone (metrics): the same terms in the same lanes as `sum` (the label's
        // lane adds +0, which leaves a sum of positive terms as it is).
        let mut lanes = [S::ZERO; LANES];
        for (first, chunk) in (0..).step_by(LANES).zip(outputs.chunks(LANES)) {
            for (c, (lane, &f)) in (first..).zip(lanes.iter_mut().zip(chunk)) {
                let e = (f - shift).exp();
                *lane += if c == y { S::ZERO } else { e };
            }
        }
        reduce(lanes)
    };
    let total = others + own;
    // softmax_c · scale = e_c · scale/total; for the label, (softmax_y − 1)·scale =
    // −others · scale/total.
    let weight = scale / total;
    for s in slopes.iter_mut() {
        *s *= weight;
    }
    if let Some(s) = slopes.get_mut(y) {
        *s = -(others * weight);
    }
    // ℓ = ln(total·e^{shift − f_y}); ln1p of the other classes' share when y is the largest.
    let value = if shift == fy {
        others.ln_1p()
    } else {
        total.ln() + (shift - fy)
    };
    ExampleLoss {
        value,
        margin: fy - top,
    }
}

#[cfg(test)]
mod tests {
    use super::Loss;

    /// Central finite difference step and tolerance for the slope checks in f64.
    const STEP: f64 = 1e-6;
    const MAX_ERROR: f64 = 1e-8;

    #[test]
    fn slope_matches_finite_difference() {
        for loss in [Loss::Logistic, Loss::Exponential, Loss::Squared] {
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
    fn cross_entropy_matches_its_definition_and_finite_differences() {
        let f = [0.5f64, -1.0, 2.0, 0.25];
        for label in 0..4 {
            let mut slopes = [0.0; 4];
            let out = Loss::CrossEntropy.evaluate(&f, label as f32, 1.0, &mut slopes);
            let value_only = Loss::CrossEntropy.evaluate(&f, label as f32, 1.0, &mut []);
            assert_eq!(out.value.to_bits(), value_only.value.to_bits());
            let lse = f.iter().map(|v| v.exp()).sum::<f64>().ln();
            assert!((out.value - (lse - f[label])).abs() < 1e-14);
            let best_other = (0..4)
                .filter(|&c| c != label)
                .map(|c| f[c])
                .fold(f64::NEG_INFINITY, f64::max);
            assert_eq!(out.margin, f[label] - best_other);
            for c in 0..4 {
                let (mut up, mut down) = (f, f);
                up[c] += STEP;
                down[c] -= STEP;
                let mut ignore = [0.0; 4];
                let numeric = (Loss::CrossEntropy
                    .evaluate(&up, label as f32, 1.0, &mut ignore)
                    .value
                    - Loss::CrossEntropy
                        .evaluate(&down, label as f32, 1.0, &mut ignore)
                        .value)
                    / (2.0 * STEP);
                assert!((slopes[c] - numeric).abs() < MAX_ERROR, "class {c}");
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

    /// The log-space path agrees with the plain one where both are representable, and stays
    /// finite where the plain loss underflows to zero.
    #[test]
    fn log_values_and_slopes_match_and_survive_underflow() {
        let cases: [(Loss, [f64; 3], f32); 4] = [
            (Loss::Logistic, [1.5, 0.0, 0.0], -1.0),
            (Loss::Exponential, [0.7, 0.0, 0.0], 1.0),
            (Loss::Squared, [0.2, 0.0, 0.0], 1.0),
            (Loss::CrossEntropy, [0.1, 1.3, -0.4], 1.0),
        ];
        let log_total = 0.3;
        for (loss, f, label) in cases {
            let k = if loss.is_multiclass() { 3 } else { 1 };
            let mut slopes = [0.0; 3];
            let plain = loss.evaluate(&f[..k], label, 1.0, &mut slopes[..k]);
            assert!(
                (loss.log_value(&f[..k], label) - plain.value.ln()).abs() < 1e-12,
                "{loss:?}"
            );
            let mut normalized = [0.0; 3];
            loss.normalized_slopes(&f[..k], label, log_total, &mut normalized[..k]);
            for c in 0..k {
                let want = slopes[c] / log_total.exp();
                assert!((normalized[c] - want).abs() < 1e-12, "{loss:?} class {c}");
            }
        }
        // A margin of 2000: the loss is about e^{−2000}, far below f64's range.
        let outputs = [0.0, 2000.0, 0.0];
        let log_value = Loss::CrossEntropy.log_value(&outputs, 1.0);
        assert!(
            (log_value - (-2000.0 + 2f64.ln())).abs() < 1e-9,
            "{log_value}"
        );
        // Normalised by the loss itself, the slope of the true class is −1 and the two others
        // share +1 equally.
        let mut normalized = [0.0; 3];
        Loss::CrossEntropy.normalized_slopes(&outputs, 1.0, log_value, &mut normalized);
        assert!((normalized[1] + 1.0).abs() < 1e-9 && (normalized[0] - 0.5).abs() < 1e-9);
        let log_value = Loss::Logistic.log_value(&[2000.0f32], 1.0);
        assert!((log_value + 2000.0).abs() < 1e-3, "{log_value}");
    }
}
