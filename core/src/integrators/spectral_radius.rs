//! The stiffness of the flow: an estimate of the largest eigenvalue ρ of the loss Hessian H,
//! by a nonlinear power iteration on gradient differences, as RKC does. Each iteration costs
//! two gradients; the eigenvector is kept between estimates, so a warm estimate converges in
//! a few.
//!
//! Three choices make it hold on the diagonal nets' exponential losses and in f32. The probe
//! shrinks while the two one-sided differences disagree by more than 10%: on fig1a-small a
//! probe of √ε·‖θ‖ read ρ ≈ 20–150 where f64 with its own, tiny probe finds 0.06, and f64
//! with f32's probe size read the same, so it was the loss bending within the probe, not
//! rounding. The differences are central, `H·p ≈ (∇L(θ + p) − ∇L(θ − p))/2`: the bend's
//! second-order part cancels, and the rounding of ∇L(θ) does not enter the next direction.
//! And the estimate is the Rayleigh quotient `pᵀHp / pᵀp`, not `‖Hp‖/‖p‖`: fresh rounding
//! noise is nearly orthogonal to p, and a direction of negative curvature, which no stage
//! count makes stable, reads as 0.

use crate::models::model::Model;
use crate::numbers::linalg::root_mean_square;
use crate::numbers::math;
use crate::numbers::scalar::Scalar;
use crate::objective::Objective;

/// Iterations of the first estimate at most, and of a warm one.
const FIRST_ITERATIONS: u32 = 20;
const WARM_ITERATIONS: u32 = 4;
/// Relative change of successive estimates that counts as converged.
const CONVERGED: f64 = 0.05;
/// One-sided differences that disagree by more than this fraction of the central one mean
/// the probe is too large for the Hessian to be read.
const NONLINEAR: f64 = 0.1;
/// The smallest probe, in units of the format's resolution at ‖θ‖.
const SMALLEST_ULPS: f64 = 64.0;
/// The estimate is taken this much larger: the power iteration approaches ρ from below.
const MARGIN: f64 = 1.2;

/// ρ and its eigenvector.
#[derive(Debug)]
pub(crate) struct SpectralRadius<'a, S> {
    eigenvector: &'a mut [S],
    /// `MARGIN ×` the latest estimate (0 before the first, or when the gradient is flat).
    rho: f64,
    warm: bool,
    /// The probe size of the latest estimate (0 before the first).
    size: f64,
}

/// Scratch of the parameter count: the two probe points and their gradients.
pub(crate) struct Probes<'b, S> {
    pub plus: &'b mut [S],
    pub minus: &'b mut [S],
    pub plus_grad: &'b mut [S],
    pub minus_grad: &'b mut [S],
}

impl<'a, S: Scalar> SpectralRadius<'a, S> {
    /// `eigenvector` has the parameter count as length.
    pub(crate) fn new(eigenvector: &'a mut [S]) -> Self {
        Self {
            eigenvector,
            rho: 0.0,
            warm: false,
            size: f64::INFINITY,
        }
    }

    /// The largest eigenvalue the step must keep stable, with a margin.
    pub(crate) fn rho(&self) -> f64 {
        self.rho
    }

    /// Estimates ρ at `params`, whose loss gradient is `grad`. Returns the gradient
    /// evaluations spent.
    pub(crate) fn estimate<M: Model<S>>(
        &mut self,
        objective: &mut Objective<'_, S, M>,
        params: &[S],
        grad: &[S],
        probes: Probes<'_, S>,
    ) -> u32 {
        let Probes {
            plus,
            minus,
            plus_grad,
            minus_grad,
        } = probes;
        if !self.warm || self.eigenvector.iter().all(|&v| v == S::ZERO) {
            // Start along the gradient, as RKC does, or along θ where the gradient is zero.
            let start = if grad.iter().any(|&g| g != S::ZERO) {
                grad
            } else {
                params
            };
            for (v, &x) in self.eigenvector.iter_mut().zip(start) {
                *v = x;
            }
        }
        let iterations = if self.warm {
            WARM_ITERATIONS
        } else {
            FIRST_ITERATIONS
        };
        // Perturbations of relative size √ε (rounding ε/√ε and truncation √ε balance), made
        // smaller while the two one-sided differences disagree.
        let theta = root_mean_square(params) * math::sqrt(params.len() as f64);
        let theta = if theta > 0.0 { theta } else { 1.0 };
        let largest = math::sqrt(S::EPSILON) * theta;
        let smallest = SMALLEST_ULPS * S::EPSILON * theta;
        // max/min, not clamp: clamp panics on NaN bounds, and the step path never panics.
        let mut size = (self.size * 2.0).min(largest).max(smallest);
        let mut previous = 0.0;
        let mut evals = 0;
        for _ in 0..iterations {
            let norm = root_mean_square(self.eigenvector) * math::sqrt(params.len() as f64);
            if !(norm > 0.0 && norm.is_finite()) {
                break;
            }
            let scale = S::from_f64(size / norm);
            for (((up, down), &p), &v) in plus
                .iter_mut()
                .zip(minus.iter_mut())
                .zip(params)
                .zip(self.eigenvector.iter())
            {
                let step = scale * v;
                *up = p + step;
                *down = p - step;
            }
            // The perturbation the format could represent, 2p = (θ + p) − (θ − p).
            let moved: f64 = plus
                .iter()
                .zip(minus.iter())
                .map(|(&a, &b)| {
                    let d = a.to_f64() - b.to_f64();
                    d * d
                })
                .sum();
            if moved == 0.0 {
                break;
            }
            objective.gradient(plus, plus_grad);
            objective.gradient(minus, minus_grad);
            evals += 2;
            // How far from linear: ‖g₊ + g₋ − 2g₀‖ against ‖g₊ − g₋‖.
            let (mut bend, mut spread) = (0.0, 0.0);
            for ((&a, &b), &g) in plus_grad.iter().zip(minus_grad.iter()).zip(grad) {
                let (a, b, g) = (a.to_f64(), b.to_f64(), g.to_f64());
                bend += (a + b - 2.0 * g) * (a + b - 2.0 * g);
                spread += (a - b) * (a - b);
            }
            if bend > NONLINEAR * NONLINEAR * spread && size > smallest {
                // The loss bends within the probe (its exponentials on a large margin
                // gradient: on fig1a-small √ε·‖θ‖ reads ρ ≈ 20 where the Hessian has 0.06).
                size = (size / 8.0).max(smallest);
                continue;
            }
            // (2p)ᵀ(H·2p) / (2p)ᵀ(2p), and the next direction H·2p.
            let mut curvature = 0.0;
            for (((v, &a), &b), (&up, &down)) in self
                .eigenvector
                .iter_mut()
                .zip(plus_grad.iter())
                .zip(minus_grad.iter())
                .zip(plus.iter().zip(minus.iter()))
            {
                *v = a - b;
                curvature += v.to_f64() * (up.to_f64() - down.to_f64());
            }
            let estimate = (curvature / moved).max(0.0);
            if !estimate.is_finite() {
                break;
            }
            let converged = (estimate - previous).abs() <= CONVERGED * estimate;
            previous = estimate;
            self.warm = true;
            if converged {
                break;
            }
        }
        if evals > 0 {
            self.rho = MARGIN * previous;
        }
        self.size = size;
        evals
    }
}
