//! Fig. 4's scheme without weight decay: gradient descent on `ln L` with step `η`, i.e. the
//! gradient flow `dθ/dt = −∇L` discretised with the step `η / L(θ)`, whose time is kept as
//! `log10 t` because it reaches 10^100 and beyond.

use crate::numbers::math;
use crate::numbers::scalar::Scalar;

/// `θ ← θ − η·∇ln L(θ)`; returns how many nonzero updates left a parameter unchanged.
#[inline]
pub(crate) fn normalized_update<S: Scalar>(params: &mut [S], log_grad: &[S], lr: S) -> usize {
    let mut swamped = 0;
    for (p, &g) in params.iter_mut().zip(log_grad) {
        let before = *p;
        *p -= lr * g;
        swamped += usize::from(before == *p && g != S::ZERO);
    }
    swamped
}

/// `log10(10^a + 10^b)` without forming either power (`−∞` is 0).
pub(crate) fn log10_sum(a: f64, b: f64) -> f64 {
    let (hi, lo) = if a >= b { (a, b) } else { (b, a) };
    if lo == f64::NEG_INFINITY {
        return hi;
    }
    hi + math::log10(1.0 + math::pow(10.0, lo - hi))
}

/// `log10` of the flow time one step covers: `η / L` with `ln L` given.
pub(crate) fn log10_step(lr: f64, log_loss: f64) -> f64 {
    math::log10(lr) - log_loss / core::f64::consts::LN_10
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn log10_sum_adds_in_linear_space() {
        assert!((log10_sum(2.0, 2.0) - (200f64).log10()).abs() < 1e-14);
        assert!((log10_sum(3.0, 1.0) - (1010f64).log10()).abs() < 1e-14);
        assert_eq!(log10_sum(f64::NEG_INFINITY, 5.0), 5.0);
        // Far beyond f64's range: 10^500 + 10^499 = 1.1·10^500.
        assert!((log10_sum(500.0, 499.0) - (500.0 + 1.1f64.log10())).abs() < 1e-12);
    }

    #[test]
    fn step_length_is_lr_over_loss() {
        // η = 0.1, L = e^{−1000}: η/L = 10^{−1 + 1000/ln 10}.
        let want = -1.0 + 1000.0 / core::f64::consts::LN_10;
        assert!((log10_step(0.1, -1000.0) - want).abs() < 1e-12);
    }
}
