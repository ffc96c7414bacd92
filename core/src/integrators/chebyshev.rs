//! Coefficients of the damped second-order Runge–Kutta–Chebyshev method (RKC; Sommeijer,
//! Shampine and Verwer, "RKC: an explicit solver for parabolic PDEs", J. Comput. Appl. Math.
//! 88, 1998; Verwer, Hundsdorfer and Sommeijer, Numer. Math. 57, 1990).
//!
//! With `w₀ = 1 + ε/s²`, `w₁ = T′_s(w₀)/T″_s(w₀)`, `b_j = T″_j(w₀)/T′_j(w₀)²` (`b₀ = b₁ = b₂`)
//! and `a_j = 1 − b_j·T_j(w₀)`, the stages of `y′ = F(y)` are
//!
//! ```text
//! Y₁ = Y₀ + μ̃₁hF(Y₀)
//! Y_j = (1 − μ_j − ν_j)Y₀ + μ_jY_{j−1} + ν_jY_{j−2} + μ̃_jhF(Y_{j−1}) + γ̃_jhF(Y₀)
//! ```
//!
//! with `μ̃₁ = b₁w₁`, `μ_j = 2b_jw₀/b_{j−1}`, `ν_j = −b_j/b_{j−2}`, `μ̃_j = 2b_jw₁/b_{j−1}`,
//! `γ̃_j = −a_{j−1}μ̃_j`; `Y_s` is the step. Its stability polynomial is
//! `a_s + b_s·T_s(w₀ + w₁z)`, at most 1 in modulus on the real interval `[−β(s), 0]`,
//! `β(s) = (1 + w₀)/w₁`, which grows as `s²`. The Chebyshev values come from their three-term
//! recurrences, so any stage count is computed on the spot, no table.

use crate::numbers::math;

/// Damping ε. RKC's own 2/13 keeps the interval longest (β ≈ 0.65·s²) but damps a stiff mode
/// only to |R| ≈ 0.95 a step, so the roundings of f32 that land in the stiff directions pile
/// up: fig3-small at α = 30 read a train loss of up to 1.5·10⁻⁷ where gradient descent (and
/// this method in f64) reads 10⁻⁹. ε = 5 damps every mode with `z ≤ −1` to |R| ≤ 0.6 for 20%
/// more stages (β ≈ 0.43·s²): 2.7·10⁻⁸ there, before the error control on the loss.
const DAMPING: f64 = 5.0;

/// `T_j(w)`, `T′_j(w)` and `T″_j(w)`, advanced in `j` by the recurrences.
#[derive(Clone, Copy, Debug)]
struct Chebyshev {
    value: [f64; 2],
    slope: [f64; 2],
    curvature: [f64; 2],
}

impl Chebyshev {
    /// Degrees 0 and 1 (the pair holds `[j − 1, j]`).
    fn start(w: f64) -> Self {
        Self {
            value: [1.0, w],
            slope: [0.0, 1.0],
            curvature: [0.0, 0.0],
        }
    }

    /// From degree `j` to `j + 1`.
    fn advance(&mut self, w: f64) {
        let [t0, t1] = self.value;
        let [d0, d1] = self.slope;
        let [c0, c1] = self.curvature;
        self.value = [t1, 2.0 * w * t1 - t0];
        self.slope = [d1, 2.0 * t1 + 2.0 * w * d1 - d0];
        self.curvature = [c1, 4.0 * d1 + 2.0 * w * c1 - c0];
    }

    /// `(T_j, T′_j, T″_j)` at the current degree.
    fn current(&self) -> (f64, f64, f64) {
        (self.value[1], self.slope[1], self.curvature[1])
    }
}

/// `w₀` and `w₁` of `s` stages.
fn shifts(s: u32) -> (f64, f64) {
    let w0 = 1.0 + DAMPING / f64::from(s * s);
    let mut cheb = Chebyshev::start(w0);
    for _ in 1..s {
        cheb.advance(w0);
    }
    let (_, slope, curvature) = cheb.current();
    (w0, slope / curvature)
}

/// `β(s)`: the stages keep `|R(z)| ≤ 1` for real `z ∈ [−β(s), 0]` (`s ≥ 2`; with the strong
/// damping the polynomial stays below 1 a little beyond, so the bound is on the safe side).
pub(crate) fn stability_bound(s: u32) -> f64 {
    let (w0, w1) = shifts(s.max(2));
    (1.0 + w0) / w1
}

/// The fewest stages (at least 2, at most `max`) whose stability interval holds `h·ρ`.
pub(crate) fn stages_for(h_rho: f64, max: u32) -> u32 {
    if h_rho.is_nan() || h_rho <= 0.0 {
        return 2;
    }
    // β(s) < 0.44·s²: start at or below the answer and step up to the exact bound.
    let mut s = (math::sqrt(h_rho / 0.44) as u32).min(max).max(2);
    while s < max && stability_bound(s) < h_rho {
        s += 1;
    }
    s
}

/// The coefficients of one stage `j` and the times of stages `j` and `j − 1` (as fractions
/// of the step).
#[derive(Clone, Copy, Debug)]
pub(crate) struct Stage {
    /// `μ_j` (0 for the first stage).
    pub mu: f64,
    /// `ν_j` (0 for the first stage).
    pub nu: f64,
    /// `μ̃_j`, the weight of `hF(Y_{j−1})`.
    pub mu_tilde: f64,
    /// `γ̃_j`, the weight of `hF(Y₀)` (0 for the first stage).
    pub gamma_tilde: f64,
    /// `c_j`: stage `j` approximates the solution at `t + c_j·h` (`c_s = 1`).
    pub c: f64,
    /// `c_{j−1}`.
    pub c_previous: f64,
    j: u32,
    stages: u32,
    w0: f64,
    w1: f64,
    cheb: Chebyshev,
    /// `b_{j−1}` and `b_j`.
    b: [f64; 2],
    /// `a_j`.
    a: f64,
}

impl Stage {
    /// Stage 1 of `stages` (at least 2).
    pub(crate) fn first(stages: u32) -> Self {
        let stages = stages.max(2);
        let (w0, w1) = shifts(stages);
        // b₁ = b₂ = T″₂/T′₂² = 4/(4w₀)² = 1/(4w₀²).
        let b1 = 1.0 / (4.0 * w0 * w0);
        let mu_tilde = b1 * w1;
        Self {
            mu: 0.0,
            nu: 0.0,
            mu_tilde,
            gamma_tilde: 0.0,
            c: mu_tilde,
            c_previous: 0.0,
            j: 1,
            stages,
            w0,
            w1,
            cheb: Chebyshev::start(w0),
            b: [b1, b1],
            a: 1.0 - b1 * w0,
        }
    }

    /// Stage `j + 1`, or `None` after the last.
    pub(crate) fn next(&self) -> Option<Self> {
        if self.j >= self.stages {
            return None;
        }
        let mut cheb = self.cheb;
        cheb.advance(self.w0);
        let (value, slope, curvature) = cheb.current();
        let j = self.j + 1;
        let b = if j == 2 {
            self.b[1]
        } else {
            curvature / (slope * slope)
        };
        let [b_older, b_old] = self.b;
        let mu = 2.0 * b * self.w0 / b_old;
        let nu = -b / b_older;
        let mu_tilde = 2.0 * b * self.w1 / b_old;
        let gamma_tilde = -self.a * mu_tilde;
        // Consistency (the stages integrate y′ = 1 exactly) fixes c_j.
        let c = mu * self.c + nu * self.c_previous + mu_tilde + gamma_tilde;
        Some(Self {
            mu,
            nu,
            mu_tilde,
            gamma_tilde,
            c,
            c_previous: self.c,
            j,
            stages: self.stages,
            w0: self.w0,
            w1: self.w1,
            cheb,
            b: [b_old, b],
            a: 1.0 - b * value,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Runs the stages on the scalar `y′ = zy/h` (so `hF = z·y`) from `y = 1`: `R(z)`.
    fn amplification(stages: u32, z: f64) -> f64 {
        let first = Stage::first(stages);
        let (mut older, mut old) = (1.0, 1.0 + first.mu_tilde * z);
        let mut stage = first;
        while let Some(next) = stage.next() {
            let new = (1.0 - next.mu - next.nu)
                + next.mu * old
                + next.nu * older
                + next.mu_tilde * z * old
                + next.gamma_tilde * z;
            (older, old) = (old, new);
            stage = next;
        }
        old
    }

    /// Second order: `R(z) = 1 + z + z²/2 + O(z³)`, and the last stage lands at `c_s = 1`.
    #[test]
    fn the_stages_are_second_order() {
        for s in [2, 3, 5, 10, 40, 200] {
            for z in [-1e-2, -2e-2] {
                let r = amplification(s, z);
                let taylor = 1.0 + z + z * z / 2.0;
                // The z³ term of R is at most 1/6 of it in size (1/6 for the exponential).
                assert!(
                    (r - taylor).abs() < 0.2 * z.abs().powi(3),
                    "s = {s}, z = {z}: {r}"
                );
            }
            let mut stage = Stage::first(s);
            let mut count = 1;
            while let Some(next) = stage.next() {
                assert!(next.c > stage.c, "c must increase (decays only)");
                stage = next;
                count += 1;
            }
            assert_eq!(count, s);
            assert!((stage.c - 1.0).abs() < 1e-12, "s = {s}: c_s = {}", stage.c);
        }
    }

    /// The damped interval: `|R(z)| ≤ 0.6` on `[−β(s), −1]`, and `β(s)`
    /// grows as `s²` (at least `0.36·s²`, `0.435·s²` for large `s` at ε = 5).
    #[test]
    fn the_stability_interval_grows_as_the_square_of_the_stages() {
        let mut last = 0.0;
        for s in [2, 3, 7, 20, 100, 200] {
            let beta = stability_bound(s);
            let per_square = beta / f64::from(s * s);
            assert!(
                per_square >= 0.36 && per_square >= last,
                "s = {s}: β = {beta}"
            );
            last = per_square;
            for k in 0..=400 {
                let z = -1.0 - (beta - 1.0) * f64::from(k) / 400.0;
                let r = amplification(s, z);
                assert!(r.abs() <= 0.6, "s = {s}, z = {z}: R = {r}");
            }
        }
    }

    #[test]
    fn stages_for_is_the_fewest_that_hold_the_step() {
        for h_rho in [0.0, 0.5, 1.9, 10.0, 333.0, 1.5e4] {
            let s = stages_for(h_rho, 200);
            assert!(s >= 2 && stability_bound(s) >= h_rho);
            assert!(s == 2 || stability_bound(s - 1) < h_rho, "{h_rho}: {s}");
        }
        assert_eq!(stages_for(1e12, 200), 200);
        assert_eq!(stages_for(f64::NAN, 200), 2);
    }
}
