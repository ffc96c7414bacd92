//! The diagonal net's update with the decay applied exactly, from its closed form along the
//! flow (`gd-log-space`, depth 2; docs/theory.md, "Low precision").

use crate::integrators::gd::swamped;
use crate::numbers::math;
use crate::numbers::scalar::Scalar;

/// The diagonal net's step in log space (`log-space`, depth 2): `s ← s + η·Xᵀg` and then
/// `u = u₀·exp(−λt − 2s)`, `v = v₀·exp(−λt + 2s)` with `t` exact, so the decay never rounds
/// away. `params = [u | v]`, `s` and `xt_slopes` have length `d`.
pub(crate) fn log_space_update<S: Scalar>(
    params: &mut [S],
    s: &mut [S],
    xt_slopes: &[S],
    lr: f64,
    lambda: f64,
    t_next: f64,
    init: f64,
) -> usize {
    let d = s.len();
    let eta = S::from_f64(lr);
    let (u, v) = params.split_at_mut(d.min(params.len()));
    let mut count = 0;
    for (((sj, &g), uj), vj) in s
        .iter_mut()
        .zip(xt_slopes)
        .zip(u.iter_mut())
        .zip(v.iter_mut())
    {
        *sj += eta * g;
        let (before_u, before_v) = (*uj, *vj);
        let decay = -lambda * t_next;
        let two_s = 2.0 * sj.to_f64();
        *uj = S::from_f64(init * math::exp(decay - two_s));
        *vj = S::from_f64(init * math::exp(decay + two_s));
        count += usize::from(swamped(before_u, *uj, g, lr, lambda));
        count += usize::from(swamped(before_v, *vj, g, lr, lambda));
    }
    count
}
