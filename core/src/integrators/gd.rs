//! The paper's discrete update, full-batch gradient descent with weight decay (`gd`). It and
//! its two variants for narrow formats (`gd_kahan`, `gd_log_space`) return how many
//! parameters the update left unchanged although it was not zero (swamped by the format's
//! resolution).

use crate::numbers::scalar::Scalar;

/// Whether a nonzero update `lr·(g + λp)` left `before` unchanged.
#[inline]
pub(crate) fn swamped<S: Scalar>(before: S, after: S, grad: S, lr: f64, lambda: f64) -> bool {
    before == after && lr * (grad.to_f64() + lambda * before.to_f64()) != 0.0
}

/// `θ ← θ(1 − ηλ) − η∇L(θ)`, every operation in the run's number format (`naive`).
#[inline]
pub(crate) fn gd_update<S: Scalar>(params: &mut [S], grad: &[S], lr: f64, lambda: f64) -> usize {
    let (eta, decay) = (
        S::from_f64(lr),
        S::ONE - S::from_f64(lr) * S::from_f64(lambda),
    );
    let mut count = 0;
    for (p, &g) in params.iter_mut().zip(grad) {
        let before = *p;
        *p = before * decay - eta * g;
        count += usize::from(swamped(before, *p, g, lr, lambda));
    }
    count
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::integrators::gd_kahan::gd_kahan_update;
    use crate::integrators::gd_log_space::log_space_update;
    use crate::numbers::scalar::Bf16;

    #[test]
    fn update_is_the_papers_formula() {
        let mut p = [2.0f64, -1.0];
        assert_eq!(gd_update(&mut p, &[0.5, 0.25], 0.1, 0.2), 0);
        assert_eq!(p, [2.0 * 0.98 - 0.05, -0.98 - 0.025]);
    }

    /// Pure decay with ηλ = 10⁻⁴ for 1000 steps: exact factor (1 − 10⁻⁴)^1000 = 0.9048.
    /// bf16's `1 − ηλ` rounds to 1, so the naive update never decays (every step swamped);
    /// Kahan keeps the lost part and log space applies e^{−λt} exactly.
    #[test]
    fn decay_survives_bf16_only_with_compensation_or_log_space() {
        let (lr, lambda, steps) = (0.01, 0.01, 1000);
        let exact = (1.0f64 - lr * lambda).powi(steps);
        let zero = [Bf16::ZERO; 1];

        let mut naive = [Bf16::ONE];
        let mut swamped_steps = 0;
        for _ in 0..steps {
            swamped_steps += gd_update(&mut naive, &zero, lr, lambda);
        }
        assert_eq!(naive[0].to_f64(), 1.0);
        assert_eq!(swamped_steps, steps as usize);

        let (mut kahan, mut c) = ([Bf16::ONE], [Bf16::ZERO]);
        for _ in 0..steps {
            gd_kahan_update(&mut kahan, &mut c, &zero, lr, lambda);
        }
        // Within one bf16 ulp (2⁻⁸ below 1).
        assert!(
            (kahan[0].to_f64() - exact).abs() <= 1.0 / 256.0,
            "{:?}",
            kahan[0]
        );

        let (mut uv, mut s) = ([Bf16::ONE, Bf16::ONE], [Bf16::ZERO]);
        for k in 1..=steps {
            log_space_update(&mut uv, &mut s, &zero, lr, lambda, f64::from(k) * lr, 1.0);
        }
        let exact_flow = (-lambda * f64::from(steps) * lr).exp();
        assert!((uv[0].to_f64() - exact_flow).abs() <= 1.0 / 256.0);
    }
}
