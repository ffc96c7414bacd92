//! Fig. 4's scheme without weight decay: gradient descent on `ln L` with step `η`, i.e. the
//! gradient flow `dθ/dt = −∇L` discretised with the step `η / L(θ)`, whose time is kept as
//! `log10 t` because it reaches 10^100 and beyond.
//!
//! While the loss is large, `η / L` is a shorter step in time than plain descent needs: the
//! paper's code (`train_mod_add_nowd.py`) descends on `10·L` there. This scheme takes the
//! longer of the two time steps, `max(10η, η/L)`: plain `gd` with step `10η` while
//! `L > 1/10`, descent on `ln L` with step `η` below.

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

/// The factor between the time steps of plain descent and of descent on `ln L` (the paper's
/// code descends on `10·L` while the loss is large).
const PLAIN_GD_FACTOR: f64 = 10.0;

/// `log10` of the flow time one step covers, `max(10η, η/L)`, with `ln L` given.
pub(crate) fn log10_step(lr: f64, log_loss: f64) -> f64 {
    let log10_inverse_loss = -log_loss / core::f64::consts::LN_10;
    math::log10(lr) + log10_inverse_loss.max(math::log10(PLAIN_GD_FACTOR))
}

/// The multiplier of `η` on `∇ln L` that makes the step `max(10η, η/L)` in time: `10·L` while
/// `L > 1/10` (plain descent on `10·L`), exactly 1 below.
pub(crate) fn log_step_scale(log_loss: f64) -> f64 {
    (PLAIN_GD_FACTOR * math::exp(log_loss)).max(1.0)
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
        assert_eq!(log_step_scale(-1000.0), 1.0);
    }

    #[test]
    fn a_large_loss_takes_plain_descent_on_ten_times_it() {
        // L = 2: the time step is 10η, i.e. θ moves by 10η·∇L = (10·L)·η·∇ln L.
        let log_loss = 2f64.ln();
        assert!((log10_step(0.01, log_loss) - (-1.0)).abs() < 1e-12);
        assert!((log_step_scale(log_loss) - 20.0).abs() < 1e-12);
        // At L = 1/10 both rules give the same step.
        let log_loss = 0.1f64.ln();
        assert!((log10_step(0.01, log_loss) - (-1.0)).abs() < 1e-12);
        assert!((log_step_scale(log_loss) - 1.0).abs() < 1e-12);
    }
}
