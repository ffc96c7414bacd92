//! The integrator a configuration names, with its buffers, its step and its clock, behind
//! one type: the run loop asks it to advance and never matches on the scheme.

use crate::config::{Config, Integrator};
use crate::integrators::divergence::Divergence;
use crate::integrators::flow::{Flow, FlowFailure};
use crate::integrators::gd::gd_update;
use crate::integrators::gd_kahan::gd_kahan_update;
use crate::integrators::gd_log_space::log_space_update;
use crate::integrators::normalized_gd::{log_step_scale, log10_step, log10_sum, normalized_update};
use crate::models::Model;
use crate::numbers::math::{self, from_log10};
use crate::numbers::scalar::Scalar;
use crate::objective::{Evaluation, Objective};

/// Where a run is in time.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct Clock {
    /// Continuous time (saturates at `f64::MAX`).
    pub t: f64,
    /// `log10 t`, the exact clock of `normalized-gd` (`−∞` at t = 0).
    pub log10_t: f64,
    /// Steps taken.
    pub steps: u64,
    /// Gradient evaluations spent.
    pub evals: u64,
}

impl Clock {
    /// `t = 0`.
    pub(crate) const START: Self = Self {
        t: 0.0,
        log10_t: f64::NEG_INFINITY,
        steps: 0,
        evals: 0,
    };
}

/// The training loss and accuracy a step measured, and the time it measured them at.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct TrainPoint {
    /// `log10 t` of the evaluation.
    pub log10_t: f64,
    /// Training loss.
    pub loss: f64,
    /// Training accuracy.
    pub accuracy: f64,
}

/// What one successful step reports.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct Advance {
    /// The training fit seen on the way.
    pub train: TrainPoint,
    /// Parameters the update left unchanged although it was not zero.
    pub swamped: usize,
}

/// The buffers of each scheme.
#[derive(Debug)]
enum Scheme<'a, S> {
    Gd {
        grad: &'a mut [S],
    },
    GdKahan {
        grad: &'a mut [S],
        compensation: &'a mut [S],
    },
    GdLogSpace {
        xt_slopes: &'a mut [S],
        integrated: &'a mut [S],
        init: f64,
    },
    Flow(Flow<'a, S>),
    NormalizedGd {
        grad: &'a mut [S],
        lr: S,
    },
}

/// Parameter-sized buffers `integrator` needs besides the parameters.
pub(crate) const fn param_buffers(integrator: Integrator) -> usize {
    match integrator {
        Integrator::Gd | Integrator::NormalizedGd => 1,
        // gradient and the compensation (Kahan) or the integrated gradient s (log space)
        Integrator::GdKahan | Integrator::GdLogSpace => 2,
        // three stages, two slopes and the stiffest direction
        Integrator::Flow => 6,
    }
}

/// The integrator of a run.
#[derive(Debug)]
pub(crate) struct Stepper<'a, S> {
    scheme: Scheme<'a, S>,
    clock: Clock,
    lr: f64,
    lambda: f64,
    /// Training examples (accuracy is `correct / n`).
    n: usize,
}

impl<'a, S: Scalar> Stepper<'a, S> {
    /// Takes `param_buffers · params` scalars from the front of `work` for the integrator of
    /// `config`; returns it and the rest of `work`.
    pub(crate) fn new(config: &Config, params: usize, work: &'a mut [S]) -> (Self, &'a mut [S]) {
        let (scheme, rest) = match config.integrator {
            Integrator::Gd => {
                let (grad, rest) = work.split_at_mut(params);
                (Scheme::Gd { grad }, rest)
            }
            Integrator::GdKahan => {
                let (grad, rest) = work.split_at_mut(params);
                let (compensation, rest) = rest.split_at_mut(params);
                (Scheme::GdKahan { grad, compensation }, rest)
            }
            Integrator::GdLogSpace => {
                let (xt_slopes, rest) = work.split_at_mut(params);
                let (integrated, rest) = rest.split_at_mut(params);
                integrated.fill(S::ZERO);
                let d = config.d;
                let scheme = Scheme::GdLogSpace {
                    xt_slopes: xt_slopes.get_mut(..d).unwrap_or_default(),
                    integrated: integrated.get_mut(..d).unwrap_or_default(),
                    init: config.init_scale(),
                };
                (scheme, rest)
            }
            Integrator::NormalizedGd => {
                let (grad, rest) = work.split_at_mut(params);
                let scheme = Scheme::NormalizedGd {
                    grad,
                    lr: S::from_f64(config.lr),
                };
                (scheme, rest)
            }
            Integrator::Flow => {
                let (y0, rest) = work.split_at_mut(params);
                let (y1, rest) = rest.split_at_mut(params);
                let (y2, rest) = rest.split_at_mut(params);
                let (g0, rest) = rest.split_at_mut(params);
                let (g1, rest) = rest.split_at_mut(params);
                let (eigenvector, rest) = rest.split_at_mut(params);
                let flow = Flow::new(
                    [y0, y1, y2],
                    [g0, g1],
                    eigenvector,
                    config.tol,
                    config.lambda,
                );
                (Scheme::Flow(flow), rest)
            }
        };
        let stepper = Self {
            scheme,
            clock: Clock::START,
            lr: config.lr,
            lambda: config.lambda,
            n: config.n,
        };
        (stepper, rest)
    }

    /// Where the run is in time.
    pub(crate) fn clock(&self) -> &Clock {
        &self.clock
    }

    /// One step, stopping at `t_stop` if the scheme chooses its step (flow). Advances the
    /// clock; on divergence leaves the time where the step started.
    pub(crate) fn step<M: Model<S>>(
        &mut self,
        objective: &mut Objective<'_, S, M>,
        params: &mut &'a mut [S],
        t_stop: f64,
    ) -> Result<Advance, Divergence> {
        let (lr, lambda, n) = (self.lr, self.lambda, self.n);
        let clock = &mut self.clock;
        let train = |log10_t, eval: Evaluation<S>| TrainPoint {
            log10_t,
            loss: eval.loss.to_f64(),
            accuracy: eval.correct as f64 / n.max(1) as f64,
        };
        let advance = match &mut self.scheme {
            Scheme::Gd { grad } => {
                let eval = objective.gradient(params, grad);
                clock.evals += 1;
                checked(eval, grad)?;
                Advance {
                    train: train(clock.log10_t, eval),
                    swamped: gd_update(params, grad, lr, lambda),
                }
            }
            Scheme::GdKahan { grad, compensation } => {
                let eval = objective.gradient(params, grad);
                clock.evals += 1;
                checked(eval, grad)?;
                Advance {
                    train: train(clock.log10_t, eval),
                    swamped: gd_kahan_update(params, compensation, grad, lr, lambda),
                }
            }
            Scheme::GdLogSpace {
                xt_slopes,
                integrated,
                init,
            } => {
                let eval = objective.linear_gradient(params, xt_slopes);
                clock.evals += 1;
                checked(eval, xt_slopes)?;
                let t_next = (clock.steps + 1) as f64 * lr;
                Advance {
                    train: train(clock.log10_t, eval),
                    swamped: log_space_update(
                        params, integrated, xt_slopes, lr, lambda, t_next, *init,
                    ),
                }
            }
            Scheme::NormalizedGd { grad, lr: lr_s } => {
                let eval = objective.log_gradient(params, grad);
                clock.evals += 1;
                checked(eval, grad)?;
                // The evaluation is of ln L; the detector is given L.
                let log_loss = eval.loss.to_f64();
                let point = TrainPoint {
                    loss: math::exp(log_loss),
                    ..train(clock.log10_t, eval)
                };
                clock.log10_t = log10_sum(clock.log10_t, log10_step(lr, log_loss));
                clock.t = from_log10(clock.log10_t);
                let scale = log_step_scale(log_loss);
                // Once L ≤ 1/10 the stored η itself: no conversion, so the late phase takes
                // no rounding draws in the stochastically rounded formats.
                let step = if scale == 1.0 {
                    *lr_s
                } else {
                    S::from_f64(lr * scale)
                };
                Advance {
                    train: point,
                    swamped: normalized_update(params, grad, step),
                }
            }
            Scheme::Flow(flow) => {
                let step = flow
                    .step(objective, params, clock.t, t_stop)
                    .map_err(|FlowFailure::StepSizeUnderflow| Divergence::StepSizeUnderflow)?;
                clock.evals += u64::from(step.evals);
                let t_new = clock.t + step.h;
                // Land exactly on the stop time when the step was cut to reach it.
                clock.t = if t_new >= t_stop { t_stop } else { t_new };
                clock.log10_t = math::log10(clock.t);
                Advance {
                    train: train(clock.log10_t, step.eval),
                    swamped: step.swamped,
                }
            }
        };
        clock.steps += 1;
        if matches!(
            self.scheme,
            Scheme::Gd { .. } | Scheme::GdKahan { .. } | Scheme::GdLogSpace { .. }
        ) {
            // A fixed step: t = η·steps, exact rather than accumulated.
            clock.t = clock.steps as f64 * lr;
            clock.log10_t = math::log10(clock.t);
        }
        Ok(advance)
    }
}

/// An error when the loss or the gradient is not finite.
fn checked<S: Scalar>(eval: Evaluation<S>, grad: &[S]) -> Result<(), Divergence> {
    if eval.loss.is_finite() && grad.iter().all(|g| g.is_finite()) {
        Ok(())
    } else {
        Err(Divergence::NonFiniteLoss)
    }
}
