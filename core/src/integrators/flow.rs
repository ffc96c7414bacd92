//! Adaptive integrator of the gradient flow `dθ/dt = −λθ − ∇L(θ)`.
//!
//! Lawson's integrating-factor form of the Bogacki–Shampine 3(2) pair: the linear decay
//! `−λθ` is integrated exactly (every stage carries its factor `e^{−λ(c_i − c_j)h}`), and only
//! the loss gradient is approximated. Pure decay is reproduced to rounding, the step is chosen
//! by an embedded error estimate with a PI controller, and with `c = (0, ½, ¾, 1)` every
//! exponent is a decay, so nothing overflows however long the run.

use crate::models::model::Model;
use crate::numbers::math;
use crate::numbers::scalar::Scalar;
use crate::objective::{Evaluation, Objective};

// Bogacki–Shampine: third-order weights B, embedded second-order weights B_HAT.
const B: [f64; 3] = [2.0 / 9.0, 1.0 / 3.0, 4.0 / 9.0];
const B_HAT: [f64; 4] = [7.0 / 24.0, 1.0 / 4.0, 1.0 / 3.0, 1.0 / 8.0];
/// Exponent of the local error (order of the embedded method + 1).
const ERROR_ORDER: f64 = 3.0;
const SAFETY: f64 = 0.9;
const MIN_FACTOR: f64 = 0.2;
const MAX_FACTOR: f64 = 5.0;
/// Steps below this fraction of `max(t, 1)` mean the flow cannot be followed.
const MIN_RELATIVE_STEP: f64 = 1e-12;

/// Why the flow integrator gave up.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum FlowFailure {
    /// The error control drove the step below `MIN_RELATIVE_STEP`: the trajectory is blowing
    /// up or the gradient is not finite.
    StepSizeUnderflow,
}

/// An accepted step.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Accepted<S> {
    /// Length of the step.
    pub h: f64,
    /// Loss at the new point (the next step's first stage).
    pub eval: Evaluation<S>,
    /// Gradient evaluations spent, rejected attempts included.
    pub evals: u32,
    /// Parameters the step left unchanged although their derivative was not zero.
    pub swamped: usize,
}

/// State and stage buffers of the integrator.
#[derive(Debug)]
pub(crate) struct Flow<'a, S> {
    /// Stage point, and after acceptance the previous parameters (swapped).
    stage: &'a mut [S],
    /// Gradients at the four stages; `slopes[0]` is the gradient at the current point.
    slopes: [&'a mut [S]; 4],
    /// Loss at the current point, valid once `slopes[0]` holds its gradient.
    current: Option<Evaluation<S>>,
    /// Step the controller proposes next (0 until the first step picks one).
    h: f64,
    /// Previous accepted error, for the PI controller.
    err_prev: f64,
    tol: f64,
    lambda: f64,
}

impl<'a, S: Scalar> Flow<'a, S> {
    /// Buffers all have the parameter count as length (checked by the caller).
    pub(crate) fn new(stage: &'a mut [S], slopes: [&'a mut [S]; 4], tol: f64, lambda: f64) -> Self {
        Self {
            stage,
            slopes,
            current: None,
            h: 0.0,
            err_prev: 1.0,
            tol,
            lambda,
        }
    }

    /// Advances `params` from `t` by one accepted step of at most `t_stop − t`.
    /// On success `params` holds the new point; the caller adds the returned `h` to `t`.
    pub(crate) fn step<M: Model<S>>(
        &mut self,
        objective: &mut Objective<'_, S, M>,
        params: &mut &'a mut [S],
        t: f64,
        t_stop: f64,
    ) -> Result<Accepted<S>, FlowFailure> {
        let mut evals = 0;
        if self.current.is_none() {
            evals += 1;
            let [g1, ..] = &mut self.slopes;
            self.current = Some(objective.gradient(params, g1));
        }
        if self.h <= 0.0 {
            self.h = self.initial_step(params, t_stop - t);
        }
        let h_min = MIN_RELATIVE_STEP * t.max(1.0);
        loop {
            let remaining = t_stop - t;
            let truncated = self.h >= remaining;
            let h = if truncated { remaining } else { self.h };
            if h <= h_min && !truncated {
                return Err(FlowFailure::StepSizeUnderflow);
            }
            evals += 3;
            let (err, eval) = self.attempt(objective, params, h);
            if err <= 1.0 {
                let factor = if err > 0.0 {
                    SAFETY
                        * math::pow(err, -0.7 / ERROR_ORDER)
                        * math::pow(self.err_prev, 0.4 / ERROR_ORDER)
                } else {
                    MAX_FACTOR
                };
                let proposed = h * factor.clamp(MIN_FACTOR, MAX_FACTOR);
                self.h = if truncated {
                    proposed.max(self.h)
                } else {
                    proposed
                };
                self.err_prev = err.max(1e-4);
                // Accept: the stage buffer holds θ(t + h), slopes[3] its gradient.
                core::mem::swap(params, &mut self.stage);
                let [g1, _, _, g4] = &mut self.slopes;
                core::mem::swap(g1, g4);
                self.current = Some(eval);
                // After the swaps the stage holds θ(t) and slopes[3] its gradient.
                let swamped = params
                    .iter()
                    .zip(self.stage.iter())
                    .zip(g4.iter())
                    .filter(|&((&new, &old), &g)| {
                        new == old && (g != S::ZERO || (self.lambda != 0.0 && old != S::ZERO))
                    })
                    .count();
                return Ok(Accepted {
                    h,
                    eval,
                    evals,
                    swamped,
                });
            }
            // Rejected (or not finite, which compares false): shrink and retry.
            let factor = if err.is_finite() {
                (SAFETY * math::pow(err, -1.0 / ERROR_ORDER)).max(MIN_FACTOR)
            } else {
                MIN_FACTOR
            };
            self.h = h * factor;
            if self.h <= h_min || self.h.is_nan() {
                return Err(FlowFailure::StepSizeUnderflow);
            }
        }
    }

    /// One Lawson–Bogacki–Shampine attempt of length `h` from `params`. Leaves the candidate
    /// point in `stage` and its gradient in `slopes[3]`; returns the scaled error norm (∞ when
    /// anything is not finite) and the loss at the candidate.
    fn attempt<M: Model<S>>(
        &mut self,
        objective: &mut Objective<'_, S, M>,
        params: &[S],
        h: f64,
    ) -> (f64, Evaluation<S>) {
        let decay = |c: f64| S::from_f64(math::exp(-self.lambda * c * h));
        let (e_quarter, e_half, e_three_quarters, e_full) =
            (decay(0.25), decay(0.5), decay(0.75), decay(1.0));
        let hs = S::from_f64(h);
        let [g1, g2, g3, g4] = &mut self.slopes;

        // Θ₂ = e^{−λh/2}(θ − (h/2)·g₁)
        let half_h = S::from_f64(0.5 * h);
        for ((s, &p), &a) in self.stage.iter_mut().zip(params).zip(g1.iter()) {
            *s = e_half * (p - half_h * a);
        }
        objective.gradient(self.stage, g2);

        // Θ₃ = e^{−3λh/4}·θ − (3h/4)·e^{−λh/4}·g₂
        let three_quarter_h = S::from_f64(0.75 * h);
        for ((s, &p), &b) in self.stage.iter_mut().zip(params).zip(g2.iter()) {
            *s = e_three_quarters * p - three_quarter_h * e_quarter * b;
        }
        objective.gradient(self.stage, g3);

        // θ' = e^{−λh}·θ − h(b₁e^{−λh}g₁ + b₂e^{−λh/2}g₂ + b₃e^{−λh/4}g₃)
        let [b1, b2, b3] = B.map(S::from_f64);
        for ((((s, &p), &a), &b), &c) in self
            .stage
            .iter_mut()
            .zip(params)
            .zip(g1.iter())
            .zip(g2.iter())
            .zip(g3.iter())
        {
            *s = e_full * p - hs * (b1 * e_full * a + b2 * e_half * b + b3 * e_quarter * c);
        }
        let eval = objective.gradient(self.stage, g4);

        // Error: h Σ (b_i − b̂_i)·(decayed g_i), with b₄ = 0; mixed absolute/relative scale.
        let [d1, d2, d3, d4] = [B[0] - B_HAT[0], B[1] - B_HAT[1], B[2] - B_HAT[2], -B_HAT[3]];
        let (ef, eh, eq) = (e_full.to_f64(), e_half.to_f64(), e_quarter.to_f64());
        let rms = root_mean_square(params);
        let atol = self.tol * rms;
        let mut err: f64 = 0.0;
        for ((((&p, &s), &a), &b), (&c, &g)) in params
            .iter()
            .zip(self.stage.iter())
            .zip(g1.iter())
            .zip(g2.iter())
            .zip(g3.iter().zip(g4.iter()))
        {
            let local = h
                * (d1 * ef * a.to_f64()
                    + d2 * eh * b.to_f64()
                    + d3 * eq * c.to_f64()
                    + d4 * g.to_f64());
            let scale = atol + self.tol * p.to_f64().abs().max(s.to_f64().abs());
            let ratio = local.abs() / scale;
            // NaN anywhere must reject the step: max() would silently drop it.
            if ratio.is_nan() {
                err = f64::INFINITY;
            } else if ratio > err {
                err = ratio;
            }
        }
        if !eval.loss.is_finite() || !(rms.is_finite()) {
            err = f64::INFINITY;
        }
        (err, eval)
    }

    /// Hairer's starting step: 1% of the ratio of the parameter and gradient scales.
    fn initial_step(&self, params: &[S], limit: f64) -> f64 {
        let theta = root_mean_square(params);
        let slope = root_mean_square(&*self.slopes[0]);
        let guess = if slope > 0.0 && theta > 0.0 {
            0.01 * theta / slope
        } else {
            limit
        };
        guess.min(limit)
    }
}

/// `sqrt(mean(x²))` in f64.
fn root_mean_square<S: Scalar>(x: &[S]) -> f64 {
    let sum: f64 = x.iter().map(|v| v.to_f64() * v.to_f64()).sum();
    math::sqrt(sum / x.len().max(1) as f64)
}
