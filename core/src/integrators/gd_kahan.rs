//! The paper's update with Kahan-compensated accumulation (`gd-kahan`): what rounding drops
//! from a parameter is carried to the next step instead of being lost.

use crate::integrators::gd::swamped;
use crate::numbers::scalar::Scalar;

/// The same step as an increment `−η(g + λθ)` added with Kahan compensation (`kahan`): what
/// rounding drops from a parameter is kept in `compensation` and added back next time.
pub(crate) fn gd_kahan_update<S: Scalar>(
    params: &mut [S],
    compensation: &mut [S],
    grad: &[S],
    lr: f64,
    lambda: f64,
) -> usize {
    let (eta, eta_lambda) = (S::from_f64(lr), S::from_f64(lr * lambda));
    let mut count = 0;
    for ((p, c), &g) in params.iter_mut().zip(compensation.iter_mut()).zip(grad) {
        let before = *p;
        let increment = -(eta * g + eta_lambda * before);
        let y = increment - *c;
        let t = before + y;
        *c = (t - before) - y;
        *p = t;
        count += usize::from(swamped(before, *p, g, lr, lambda));
    }
    count
}
