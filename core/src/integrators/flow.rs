//! Adaptive integrator of the gradient flow `dθ/dt = −λθ − ∇L(θ)`.
//!
//! Lawson's integrating-factor form of the second-order Runge–Kutta–Chebyshev method (RKC:
//! Sommeijer, Shampine and Verwer, 1998; coefficients in `chebyshev.rs`). The linear decay
//! `−λθ` is integrated exactly (every stage carries its factor `e^{−λ(c_i − c_j)h}`, all
//! decays since the `c_j` increase), and only the loss gradient is approximated, so pure decay
//! is reproduced to rounding however long the run.
//!
//! The Jacobian of the gradient term is minus the loss Hessian: symmetric, real eigenvalues.
//! In a kernel phase its largest eigenvalue ρ (of order α² times a Gram matrix's) makes the
//! flow stiff: an explicit method with a fixed number of stages must keep `h·ρ` below a
//! constant, and at that border it lets the fast modes oscillate at the size of its error
//! tolerance, a tolerance set on θ that the tiny training residual cannot survive. RKC's
//! stability interval grows as the square of its stage count `s` (`β(s) ≈ 0.65·(s² − 1)`), so
//! the step is chosen by accuracy alone and `s` by `h·ρ`, with ρ estimated by a power
//! iteration on gradient differences (`spectral_radius.rs`). Every eigenvalue of the step
//! then lies strictly inside the damped stability interval.

use crate::integrators::chebyshev::{Stage, stability_bound, stages_for};
use crate::integrators::spectral_radius::{Probes, SpectralRadius};
use crate::models::model::Model;
use crate::numbers::linalg::root_mean_square;
use crate::numbers::math;
use crate::numbers::scalar::Scalar;
use crate::objective::{Evaluation, Objective};

/// Exponent of the local error (order of the method + 1).
const ERROR_ORDER: f64 = 3.0;
const SAFETY: f64 = 0.9;
const MIN_FACTOR: f64 = 0.2;
const MAX_FACTOR: f64 = 5.0;
/// Steps below this fraction of `max(t, 1)` mean the flow cannot be followed.
const MIN_RELATIVE_STEP: f64 = 1e-12;
/// Stages of one step at most: beyond it the step is shortened to the stability bound.
const MAX_STAGES: u32 = 200;
/// Accepted steps between two estimates of ρ (RKC re-estimates every 25).
const ESTIMATE_EVERY: u32 = 25;

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
    /// Gradient evaluations spent, rejected attempts and estimates of ρ included.
    pub evals: u32,
    /// Parameters the step left unchanged although their derivative was not zero.
    pub swamped: usize,
}

/// State and stage buffers of the integrator.
#[derive(Debug)]
pub(crate) struct Flow<'a, S> {
    /// Stages `Θ_{j−2}`, `Θ_{j−1}` and `Θ_j`, rotated as the stages advance; after an
    /// accepted step `stages[1]` holds the previous parameters.
    stages: [&'a mut [S]; 3],
    /// Gradient at the current point (`slopes[0]`) and at the latest stage (`slopes[1]`).
    slopes: [&'a mut [S]; 2],
    /// Loss at the current point, valid once `slopes[0]` holds its gradient.
    current: Option<Evaluation<S>>,
    /// The stiffness estimate and its eigenvector.
    radius: SpectralRadius<'a, S>,
    /// `β(MAX_STAGES)`: h·ρ beyond it no stage count is stable (computed once).
    longest_stable: f64,
    /// Accepted steps since ρ was last estimated (`None` before the first estimate).
    since_estimate: Option<u32>,
    /// Step the controller proposes next (0 until the first step picks one).
    h: f64,
    /// Previous accepted error, for the PI controller.
    err_prev: f64,
    tol: f64,
    lambda: f64,
}

impl<'a, S: Scalar> Flow<'a, S> {
    /// Buffers all have the parameter count as length (checked by the caller).
    pub(crate) fn new(
        stages: [&'a mut [S]; 3],
        slopes: [&'a mut [S]; 2],
        eigenvector: &'a mut [S],
        tol: f64,
        lambda: f64,
    ) -> Self {
        Self {
            stages,
            slopes,
            current: None,
            radius: SpectralRadius::new(eigenvector),
            longest_stable: stability_bound(MAX_STAGES),
            since_estimate: None,
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
            let [g0, _] = &mut self.slopes;
            self.current = Some(objective.gradient(params, g0));
        }
        if self.since_estimate.is_none_or(|n| n >= ESTIMATE_EVERY) {
            evals += self.estimate_radius(objective, params);
        }
        if self.h <= 0.0 {
            self.h = self.initial_step(params, t_stop - t);
        }
        let h_min = MIN_RELATIVE_STEP * t.max(1.0);
        let mut rejected = false;
        loop {
            // The longest step the most stages keep stable.
            let h_stable = self.longest_stable / self.radius.rho();
            self.h = self.h.min(h_stable);
            let remaining = t_stop - t;
            let truncated = self.h >= remaining;
            let h = if truncated { remaining } else { self.h };
            if h <= h_min && !truncated {
                return Err(FlowFailure::StepSizeUnderflow);
            }
            let stages = stages_for(h * self.radius.rho(), MAX_STAGES);
            evals += stages;
            let (err, eval) = self.attempt(objective, params, h, stages);
            if err <= 1.0 {
                let factor = if err > 0.0 {
                    SAFETY
                        * math::pow(err, -0.7 / ERROR_ORDER)
                        * math::pow(self.err_prev, 0.4 / ERROR_ORDER)
                } else {
                    MAX_FACTOR
                };
                let factor = if rejected { factor.min(1.0) } else { factor };
                let proposed = h * factor.clamp(MIN_FACTOR, MAX_FACTOR);
                self.h = if truncated {
                    proposed.max(self.h)
                } else {
                    proposed
                };
                self.err_prev = err.max(1e-4);
                self.since_estimate = self.since_estimate.map(|n| n + 1);
                // Accept: stages[0] holds θ(t + h), slopes[1] its gradient.
                let [previous, ..] = &mut self.stages;
                core::mem::swap(params, previous);
                let [g0, g_new] = &mut self.slopes;
                core::mem::swap(g0, g_new);
                self.current = Some(eval);
                // After the swaps `previous` holds θ(t) and `g_new` its gradient.
                let swamped = params
                    .iter()
                    .zip(previous.iter())
                    .zip(g_new.iter())
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
            // Rejected (or not finite, which compares false): shrink, estimate ρ again (an
            // instability looks like a large error), retry.
            let factor = if err.is_finite() {
                (SAFETY * math::pow(err, -1.0 / ERROR_ORDER)).max(MIN_FACTOR)
            } else {
                MIN_FACTOR
            };
            self.h = h * factor;
            rejected = true;
            if self.since_estimate != Some(0) {
                evals += self.estimate_radius(objective, params);
            }
            if self.h <= h_min || self.h.is_nan() {
                return Err(FlowFailure::StepSizeUnderflow);
            }
        }
    }

    /// Estimates ρ at `params` (whose gradient is `slopes[0]`); returns the evaluations spent.
    fn estimate_radius<M: Model<S>>(
        &mut self,
        objective: &mut Objective<'_, S, M>,
        params: &[S],
    ) -> u32 {
        let [plus, minus, minus_grad] = &mut self.stages;
        let [g0, plus_grad] = &mut self.slopes;
        self.since_estimate = Some(0);
        self.radius.estimate(
            objective,
            params,
            g0,
            Probes {
                plus,
                minus,
                plus_grad,
                minus_grad,
            },
        )
    }

    /// One Lawson–RKC attempt of length `h` with `stages` stages from `params`. Leaves the
    /// candidate point in `stages[0]` and its gradient in `slopes[1]`; returns the scaled error
    /// norm (∞ when anything is not finite) and the loss at the candidate.
    ///
    /// The stages are kept as increments over the decayed start, `Θ_j = e^{−λc_jh}θ + D_j`:
    /// the weights of the three-term recurrence (μ_j ≈ 2, ν_j ≈ −1) then act on quantities of
    /// the size of `h·∇L`, not of θ, so its roundings stay at the size of one update's, as in
    /// gradient descent, instead of ε·‖θ‖ per stage, which the residual of a stiff fit (the
    /// kernel phase) would show.
    fn attempt<M: Model<S>>(
        &mut self,
        objective: &mut Objective<'_, S, M>,
        params: &[S],
        h: f64,
        stages: u32,
    ) -> (f64, Evaluation<S>) {
        let decay = |c: f64| S::from_f64(math::exp(-self.lambda * c * h));
        let [g0, g] = &mut self.slopes;

        // D₀ = 0, D₁ = −μ̃₁h·e^{−λc₁h}g₀.
        let first = Stage::first(stages);
        self.stages[1].fill(S::ZERO);
        {
            let step = decay(first.c) * S::from_f64(first.mu_tilde * h);
            for (d, &a) in self.stages[2].iter_mut().zip(g0.iter()) {
                *d = -(step * a);
            }
        }
        // D_j = μ_j e^{−λ(c_j−c_{j−1})h}D_{j−1} + ν_j e^{−λ(c_j−c_{j−2})h}D_{j−2}
        //       − h e^{−λ(c_j−c_{j−1})h}μ̃_j g_{j−1} − h e^{−λc_jh}γ̃_j g₀,
        // g_{j−1} the gradient at Θ_{j−1}, which is written where D_j goes next.
        let mut stage = first;
        while let Some(next) = stage.next() {
            // [D_{j−3}, D_{j−2}, D_{j−1}] → [D_{j−2}, D_{j−1}, free].
            let [older, old, newest] = &mut self.stages;
            core::mem::swap(older, old);
            core::mem::swap(old, newest);
            let base = decay(stage.c);
            for ((x, &p), &d) in newest.iter_mut().zip(params).zip(old.iter()) {
                *x = base * p + d;
            }
            objective.gradient(newest, g);
            let (e_j, e_1, e_2) = (
                decay(next.c),
                decay(next.c - stage.c),
                decay(next.c - stage.c_previous),
            );
            let w1 = e_1 * S::from_f64(next.mu);
            let w2 = e_2 * S::from_f64(next.nu);
            let f1 = e_1 * S::from_f64(next.mu_tilde * h);
            let f0 = e_j * S::from_f64(next.gamma_tilde * h);
            for ((((x, &d1), &d2), &a), &b) in newest
                .iter_mut()
                .zip(old.iter())
                .zip(older.iter())
                .zip(g0.iter())
                .zip(g.iter())
            {
                *x = w1 * d1 + w2 * d2 - f1 * b - f0 * a;
            }
            stage = next;
        }
        // The candidate Θ_s = e^{−λh}θ + D_s goes where D_{s−2} was.
        let [candidate, _, increment] = &mut self.stages;
        let e_full = decay(1.0);
        for ((x, &p), &d) in candidate.iter_mut().zip(params).zip(increment.iter()) {
            *x = e_full * p + d;
        }
        let eval = objective.gradient(candidate, g);

        // Error of the second-order solution (RKC's estimate, in θ-coordinates):
        // −(12·D_s + 6h(e^{−λh}g₀ + g_s)) / 15; mixed absolute/relative scale.
        let e_full = e_full.to_f64();
        let rms = root_mean_square(params);
        let atol = self.tol * rms;
        let mut err: f64 = 0.0;
        let mut loss_error = 0.0;
        let mut resolution = 0.0;
        for ((((&p, &s), &d), &a), &b) in params
            .iter()
            .zip(candidate.iter())
            .zip(increment.iter())
            .zip(g0.iter())
            .zip(g.iter())
        {
            let (d, a, b) = (d.to_f64(), e_full * a.to_f64(), b.to_f64());
            let local = (12.0 * d + 6.0 * h * (a + b)) / 15.0;
            // The estimate is a difference of nearly equal terms, each rounded in the format:
            // what is within their rounding is not error of the method (in bf16, ε = 2⁻⁷, it
            // set the step: 12× the steps of f32 on the micro:bit's problem).
            let noise = S::EPSILON * (12.0 * d.abs() + 6.0 * h * (a.abs() + b.abs())) / 15.0;
            let scale = atol + self.tol * p.to_f64().abs().max(s.to_f64().abs());
            let ratio = (local.abs() - noise).max(0.0) / scale;
            loss_error += local * b;
            resolution += (b * s.to_f64()).abs() + (b * noise).abs() / S::EPSILON;
            // NaN anywhere must reject the step: max() would silently drop it.
            if ratio.is_nan() {
                err = f64::INFINITY;
            } else if ratio > err {
                err = ratio;
            }
        }
        // The records plot the loss on a log scale: its error to first order, ∇L(Θ_s)·error,
        // is held to the tolerance relative to the loss (a transient such as the first fit of
        // fig1b-small moves the loss by 10× in a step the error on θ lets pass).
        // Below the loss's own rounding (ε·L), the change one ulp in every parameter makes
        // (ε·Σ|∂L/∂θ_i·θ_i|) and the estimate's rounding, the format cannot resolve the loss.
        let loss = eval.loss.to_f64();
        let floor = S::EPSILON * (loss + resolution);
        if loss > 0.0 {
            let ratio = loss_error.abs() / (self.tol * loss + floor);
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
