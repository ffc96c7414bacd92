//! The one loop every front end runs: step the integrator, record metrics on the log grid,
//! detect transitions, stop cleanly on divergence.

use core::ops::ControlFlow;

use crate::config::{Config, Integrator};
use crate::data::Dataset;
use crate::error::ConfigError;
use crate::flow::{Flow, FlowFailure};
use crate::gd::{gd_kahan_update, gd_update, log_space_update};
use crate::grid::LogGrid;
use crate::math;
use crate::metrics::{Metrics, References, cosine};
use crate::model::Model;
use crate::network::Network;
use crate::normalized_gd::{log10_step, log10_sum, normalized_update};
use crate::objective::{Evaluation, Objective};
use crate::scalar::Scalar;
use crate::storage::{Layout, WorkSizes, teacher_len};
use crate::task::TaskData;
use crate::transition::{TransitionDetector, Transitions, from_log10};

/// Receives every metrics record; returning `Break` stops the run between steps.
pub trait Observer {
    /// Called at `t = 0` and at every grid time.
    fn record(&mut self, metrics: &Metrics) -> ControlFlow<()>;
}

impl<F: FnMut(&Metrics) -> ControlFlow<()>> Observer for F {
    fn record(&mut self, metrics: &Metrics) -> ControlFlow<()> {
        self(metrics)
    }
}

/// Why a run went wrong.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Divergence {
    /// The training loss or its gradient stopped being finite.
    NonFiniteLoss,
    /// The adaptive integrator could not find a step small enough to follow the flow.
    StepSizeUnderflow,
    /// A recorded quantity (norm, test loss, …) stopped being finite.
    NonFiniteMetrics,
}

impl core::fmt::Display for Divergence {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(match self {
            Self::NonFiniteLoss => "the training loss or its gradient is no longer finite",
            Self::StepSizeUnderflow => "the flow integrator's step size underflowed",
            Self::NonFiniteMetrics => "a recorded metric is no longer finite",
        })
    }
}

/// Where a run stands.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Status {
    /// Can continue.
    Running,
    /// Reached `t_max`.
    Finished,
    /// Stopped by the observer.
    Stopped,
    /// Stopped because the dynamics blew up, at time `t`.
    Diverged {
        /// What was detected.
        reason: Divergence,
        /// When.
        t: f64,
    },
}

impl Status {
    /// True unless the run can continue.
    pub fn is_terminal(&self) -> bool {
        !matches!(self, Status::Running)
    }
}

/// Integrator-specific buffers.
#[derive(Debug)]
enum Stepper<'a, S> {
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
    },
    Flow(Flow<'a, S>),
    NormalizedGd {
        grad: &'a mut [S],
        lr: S,
    },
}

/// An experiment in progress, in caller-owned memory.
#[derive(Debug)]
pub struct Simulation<'a, S: Scalar> {
    config: Config,
    objective: Objective<'a, S, Network>,
    test: Dataset<'a>,
    teacher: &'a [f32],
    test_outputs: &'a mut [S],
    references: References<'a>,
    params: &'a mut [S],
    stepper: Stepper<'a, S>,
    t: f64,
    /// `log10 t`, the exact clock of `normalized-gd` (`−∞` at t = 0).
    log10_t: f64,
    steps: u64,
    evals: u64,
    /// Largest fraction of parameters swamped in one step since the last record.
    swamped: f64,
    grid: LogGrid,
    next_grid: u32,
    detector: TransitionDetector,
    status: Status,
    last: Option<Metrics>,
}

impl<'a, S: Scalar> Simulation<'a, S> {
    /// Sets up `config` on generated or loaded `data`, with `work` of length
    /// [`Layout::of`]`(config).work`. References (if any) must have length `d`.
    pub fn new(
        config: &Config,
        data: &TaskData<'a>,
        references: References<'a>,
        work: &'a mut [S],
    ) -> Result<Self, ConfigError> {
        config.validate()?;
        // Stochastic rounding draws from a stream seeded by the run: the same run rounds the
        // same way every time and on every target. Seeded before anything is rounded (the
        // initial parameters are), or a run would depend on what ran before it.
        crate::scalar::reseed(config.seed);
        let (d, n, n_test) = (config.d, config.n, config.n_test);
        let expect = |buffer, expected: usize, actual: usize| {
            if expected == actual {
                Ok(())
            } else {
                Err(ConfigError::BufferLength {
                    buffer,
                    expected,
                    actual,
                })
            }
        };
        expect("train set", n, data.train.len())?;
        expect("test set", n_test, data.test.len())?;
        expect("train dimension", d, data.train.dim())?;
        expect("test dimension", d, data.test.dim())?;
        expect("ground truth", teacher_len(config), data.teacher.len())?;
        for reference in [references.kernel, references.rich].into_iter().flatten() {
            expect("reference predictor", d, reference.len())?;
        }
        expect("work", Layout::of(config)?.work, work.len())?;

        let model = Network::for_config(config);
        let sizes = WorkSizes::of(config);
        let p = sizes.params;
        let (params, rest) = work.split_at_mut(p);
        model.init(params);
        if let Network::Diagonal(_) = model {
            // w = u^L − v^L must not overflow (inf − inf would be NaN at the first step).
            let power = S::from_f64(config.init_scale()).powi(config.depth);
            if !(power.is_finite() && power > S::ZERO) {
                return Err(ConfigError::OutOfRange {
                    field: "alpha",
                    value: config.alpha,
                    allowed: "(alpha/sqrt(2d))^depth must be a positive finite number in this precision",
                });
            }
        }
        if !params.iter().all(|x| x.is_finite()) {
            return Err(ConfigError::OutOfRange {
                field: "alpha",
                value: config.alpha,
                allowed: "the initial parameters must be finite in this precision",
            });
        }
        let (stepper, rest) = match config.integrator {
            Integrator::Gd => {
                let (grad, rest) = rest.split_at_mut(p);
                (Stepper::Gd { grad }, rest)
            }
            Integrator::GdKahan => {
                let (grad, rest) = rest.split_at_mut(p);
                let (compensation, rest) = rest.split_at_mut(p);
                (Stepper::GdKahan { grad, compensation }, rest)
            }
            Integrator::GdLogSpace => {
                let (xt_slopes, rest) = rest.split_at_mut(p);
                let (integrated, rest) = rest.split_at_mut(p);
                integrated.fill(S::ZERO);
                let d = config.d;
                let stepper = Stepper::GdLogSpace {
                    xt_slopes: xt_slopes.get_mut(..d).unwrap_or_default(),
                    integrated: integrated.get_mut(..d).unwrap_or_default(),
                };
                (stepper, rest)
            }
            Integrator::NormalizedGd => {
                let (grad, rest) = rest.split_at_mut(p);
                let stepper = Stepper::NormalizedGd {
                    grad,
                    lr: S::from_f64(config.lr),
                };
                (stepper, rest)
            }
            Integrator::Flow => {
                let (stage, rest) = rest.split_at_mut(p);
                let (g1, rest) = rest.split_at_mut(p);
                let (g2, rest) = rest.split_at_mut(p);
                let (g3, rest) = rest.split_at_mut(p);
                let (g4, rest) = rest.split_at_mut(p);
                let flow = Flow::new(stage, [g1, g2, g3, g4], config.tol, config.lambda);
                (Stepper::Flow(flow), rest)
            }
        };
        let (scratch, rest) = rest.split_at_mut(sizes.scratch);
        let (outputs, rest) = rest.split_at_mut(n * sizes.outputs);
        let (slopes, test_outputs) = rest.split_at_mut(n * sizes.outputs);
        Ok(Self {
            config: *config,
            objective: Objective::new(model, config.loss, data.train, outputs, slopes, scratch),
            test: data.test,
            teacher: data.teacher,
            test_outputs,
            references,
            params,
            stepper,
            t: 0.0,
            log10_t: f64::NEG_INFINITY,
            steps: 0,
            evals: 0,
            swamped: 0.0,
            grid: LogGrid::new(config.t_max, config.points_per_decade),
            next_grid: 0,
            detector: TransitionDetector::new(config.is_classification()),
            status: Status::Running,
            last: None,
        })
    }

    /// The configuration being run.
    pub fn config(&self) -> &Config {
        &self.config
    }

    /// The model being trained.
    pub fn network(&self) -> &Network {
        self.objective.model()
    }

    /// Current continuous time (saturates at `f64::MAX`; see [`Simulation::log10_t`]).
    pub fn t(&self) -> f64 {
        self.t
    }

    /// `log10` of the current time (`−∞` at t = 0).
    pub fn log10_t(&self) -> f64 {
        self.log10_t
    }

    /// Integrator steps taken.
    pub fn steps(&self) -> u64 {
        self.steps
    }

    /// Gradient evaluations spent (for `flow`, three per attempted step plus one at start).
    pub fn gradient_evals(&self) -> u64 {
        self.evals
    }

    /// Where the run stands.
    pub fn status(&self) -> Status {
        self.status
    }

    /// Transition times found so far.
    pub fn transitions(&self) -> Transitions {
        self.detector.transitions()
    }

    /// The most recent metrics record.
    pub fn last_metrics(&self) -> Option<&Metrics> {
        self.last.as_ref()
    }

    /// Current parameters.
    pub fn params(&self) -> &[S] {
        self.params
    }

    /// Writes the effective weights `w = u^L − v^L` into `out` (length `d`) and returns
    /// whether the model has them (diagonal nets only).
    pub fn effective_weights(&self, out: &mut [S]) -> bool {
        self.objective.model().effective_weights(self.params, out)
    }

    /// Runs until `t_max`, divergence, or the observer stops it.
    pub fn run<O: Observer>(&mut self, observer: &mut O) -> Status {
        self.step_until(f64::INFINITY, observer)
    }

    /// Steps until `t ≥ t_target` (or the run ends) and returns the status. Call again with a
    /// later target to continue: this is how a UI slices a long run.
    pub fn step_until<O: Observer>(&mut self, t_target: f64, observer: &mut O) -> Status {
        while !self.status.is_terminal() && (self.t < t_target || self.next_grid == 0) {
            self.step(observer);
        }
        self.status
    }

    /// One integrator step (or, first, the record at `t = 0`), with the records it crosses.
    pub fn step<O: Observer>(&mut self, observer: &mut O) -> Status {
        if self.status.is_terminal() {
            return self.status;
        }
        if self.next_grid == 0 {
            self.record(observer);
            return self.status;
        }
        let n = self.config.n;
        let (lr, lambda) = (self.config.lr, self.config.lambda);
        let params_len = self.params.len().max(1) as f64;
        let advanced = match &mut self.stepper {
            Stepper::Gd { grad } => {
                let eval = self.objective.gradient(self.params, grad);
                self.evals += 1;
                checked(eval, grad).map(|()| {
                    observe_train(&mut self.detector, self.log10_t, eval, n);
                    gd_update(self.params, grad, lr, lambda)
                })
            }
            Stepper::GdKahan { grad, compensation } => {
                let eval = self.objective.gradient(self.params, grad);
                self.evals += 1;
                checked(eval, grad).map(|()| {
                    observe_train(&mut self.detector, self.log10_t, eval, n);
                    gd_kahan_update(self.params, compensation, grad, lr, lambda)
                })
            }
            Stepper::GdLogSpace {
                xt_slopes,
                integrated,
            } => {
                let eval = self.objective.linear_gradient(self.params, xt_slopes);
                self.evals += 1;
                checked(eval, xt_slopes).map(|()| {
                    observe_train(&mut self.detector, self.log10_t, eval, n);
                    let t_next = (self.steps + 1) as f64 * lr;
                    let init = self.config.init_scale();
                    log_space_update(self.params, integrated, xt_slopes, lr, lambda, t_next, init)
                })
            }
            Stepper::NormalizedGd { grad, lr } => {
                let eval = self.objective.log_gradient(self.params, grad);
                self.evals += 1;
                checked(eval, grad).map(|()| {
                    let log_loss = eval.loss.to_f64();
                    let accuracy = eval.correct as f64 / n.max(1) as f64;
                    self.detector
                        .observe_train(self.log10_t, math::exp(log_loss), accuracy);
                    let dt = log10_step(self.config.lr, log_loss);
                    self.log10_t = log10_sum(self.log10_t, dt);
                    self.t = from_log10(self.log10_t);
                    normalized_update(self.params, grad, *lr)
                })
            }
            Stepper::Flow(flow) => {
                let t_grid = self.grid.time(self.next_grid);
                match flow.step(&mut self.objective, &mut self.params, self.t, t_grid) {
                    Ok(step) => {
                        self.evals += u64::from(step.evals);
                        let t_new = self.t + step.h;
                        // Land exactly on the grid time when the step was cut to reach it.
                        self.t = if t_new >= t_grid { t_grid } else { t_new };
                        self.log10_t = math::log10(self.t);
                        observe_train(&mut self.detector, self.log10_t, step.eval, n);
                        Ok(step.swamped)
                    }
                    Err(FlowFailure::StepSizeUnderflow) => Err(Divergence::StepSizeUnderflow),
                }
            }
        };
        let swamped = match advanced {
            Ok(count) => count,
            Err(reason) => {
                self.status = Status::Diverged { reason, t: self.t };
                return self.status;
            }
        };
        self.steps += 1;
        if matches!(
            self.config.integrator,
            Integrator::Gd | Integrator::GdKahan | Integrator::GdLogSpace
        ) {
            self.t = self.steps as f64 * lr;
            self.log10_t = math::log10(self.t);
        }
        self.swamped = self.swamped.max(swamped as f64 / params_len);
        if self.log10_t >= self.grid.log10_time(self.next_grid)
            || self.t >= self.grid.time(self.next_grid)
        {
            self.record(observer);
        }
        self.status
    }

    /// Measures, checks and reports the metrics at the current time; moves the grid on.
    fn record<O: Observer>(&mut self, observer: &mut O) {
        let metrics = self.measure();
        if !metrics.is_finite() {
            self.status = Status::Diverged {
                reason: Divergence::NonFiniteMetrics,
                t: self.t,
            };
            return;
        }
        if self.next_grid == 0 {
            self.detector.observe_train(
                f64::NEG_INFINITY,
                metrics.train_loss,
                metrics.train_acc.unwrap_or(0.0),
            );
        }
        self.detector.observe(&metrics);
        self.last = Some(metrics);
        self.swamped = 0.0;
        // A discrete step may cross several grid times: skip to the first one still ahead.
        while self.next_grid <= self.grid.last_index()
            && (self.grid.time(self.next_grid) <= self.t
                || self.grid.log10_time(self.next_grid) <= self.log10_t)
        {
            self.next_grid += 1;
        }
        if self.next_grid > self.grid.last_index() {
            self.status = Status::Finished;
        }
        if observer.record(&metrics).is_break() && !self.status.is_terminal() {
            self.status = Status::Stopped;
        }
    }

    fn measure(&mut self) -> Metrics {
        let classification = self.config.is_classification();
        let train = self.objective.train_fit(self.params);
        let test_data = self.test;
        let test = self
            .objective
            .fit(self.params, &test_data, self.test_outputs);
        let param_norm = math::sqrt(self.params.iter().map(|p| p.to_f64() * p.to_f64()).sum());
        let degree = <Network as Model<S>>::degree(self.objective.model());
        let margin =
            classification.then(|| train.min_margin / math::pow(param_norm, f64::from(degree)));
        let references = self.references;
        let (mut cos_kernel, mut cos_rich) = (None, None);
        if let Some(w) = self.objective.effective_weights(self.params) {
            let w64 = || w.iter().map(|v| v.to_f64());
            cos_kernel = references.kernel.and_then(|r| cosine(w64(), r));
            cos_rich = references.rich.and_then(|r| cosine(w64(), r));
        }
        let structure = self.objective.structure(self.params, self.teacher);
        Metrics {
            t: self.t,
            log10_t: self.log10_t.is_finite().then_some(self.log10_t),
            step: self.steps,
            train_loss: train.loss,
            train_acc: classification.then_some(train.accuracy),
            test_loss: test.loss,
            test_acc: classification.then_some(test.accuracy),
            param_norm,
            margin,
            cos_kernel,
            cos_rich,
            w_l1: structure.w_l1,
            w_l2: structure.w_l2,
            nuclear_norm: structure.nuclear_norm,
            singular_values: structure.singular_values,
            // Against w* only where the labels are its outputs (regression).
            truth_distance: structure.truth_distance.filter(|_| !classification),
            swamped: (self.steps > 0).then_some(self.swamped),
        }
    }
}

/// The evaluation as a step result: an error when the loss or the gradient is not finite.
fn checked<S: Scalar>(eval: Evaluation<S>, grad: &[S]) -> Result<(), Divergence> {
    if eval.loss.is_finite() && grad.iter().all(|g| g.is_finite()) {
        Ok(())
    } else {
        Err(Divergence::NonFiniteLoss)
    }
}

/// Feeds a step's training evaluation to the detector.
fn observe_train<S: Scalar>(
    detector: &mut TransitionDetector,
    log10_t: f64,
    eval: Evaluation<S>,
    n: usize,
) {
    detector.observe_train(
        log10_t,
        eval.loss.to_f64(),
        eval.correct as f64 / n.max(1) as f64,
    );
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::task::generate;
    use std::vec::Vec;

    fn buffers(config: &Config) -> (Layout, Vec<u64>, Vec<f32>) {
        let layout = Layout::of(config).expect("valid");
        (
            layout,
            std::vec![0; layout.words],
            std::vec![0.0; layout.reals],
        )
    }

    #[test]
    fn wrong_buffers_are_refused_with_their_name() {
        let config = Config {
            d: 16,
            n: 4,
            n_test: 4,
            ..Config::default()
        };
        let (layout, mut words, mut reals) = buffers(&config);
        let data = generate(&config, &mut words, &mut reals).expect("valid");
        let mut work = std::vec![0f32; layout.work - 1];
        let err = Simulation::new(&config, &data, References::default(), &mut work)
            .expect_err("short work buffer");
        assert_eq!(err.field(), "work");
        let short_reference = [0.0f64; 3];
        let mut work = std::vec![0f32; layout.work];
        let references = References {
            kernel: Some(&short_reference),
            rich: None,
        };
        let err = Simulation::new(&config, &data, references, &mut work).expect_err("short ref");
        assert_eq!(err.field(), "reference predictor");
    }

    #[test]
    fn overflowing_initialisation_is_a_config_error() {
        // (10⁶/√2)^8 ≈ 6·10⁴⁶ does not fit in f32.
        let config = Config {
            d: 1,
            n: 2,
            n_test: 2,
            k: 1,
            alpha: 1e6,
            depth: 8,
            ..Config::default()
        };
        let (layout, mut words, mut reals) = buffers(&config);
        let data = generate(&config, &mut words, &mut reals).expect("valid");
        let mut work = std::vec![0f32; layout.work];
        let err = Simulation::new(&config, &data, References::default(), &mut work)
            .expect_err("overflow");
        assert_eq!(err.field(), "alpha");
        let mut work64 = std::vec![0f64; layout.work];
        assert!(Simulation::new(&config, &data, References::default(), &mut work64).is_ok());
    }
}
