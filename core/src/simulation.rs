//! The one loop every front end runs: step the integrator, record metrics on the log grid,
//! detect transitions, stop cleanly on divergence.

use core::ops::ControlFlow;

use crate::config::{Config, Integrator};
use crate::data::Dataset;
use crate::diag_net::DiagNet;
use crate::error::ConfigError;
use crate::flow::{Flow, FlowFailure};
use crate::gd::gd_update;
use crate::grid::LogGrid;
use crate::math;
use crate::metrics::{Metrics, References, cosine};
use crate::model::Model;
use crate::objective::{Evaluation, Objective};
use crate::scalar::Scalar;
use crate::storage::Layout;
use crate::task::TaskData;
use crate::transition::{TransitionDetector, Transitions};

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
    Gd { grad: &'a mut [S], lr: S, lambda: S },
    Flow(Flow<'a, S>),
}

/// A diagonal-net experiment in progress, in caller-owned memory.
#[derive(Debug)]
pub struct Simulation<'a, S: Scalar> {
    config: Config,
    objective: Objective<'a, S, DiagNet>,
    test: Dataset<'a>,
    test_outputs: &'a mut [S],
    references: References<'a>,
    params: &'a mut [S],
    stepper: Stepper<'a, S>,
    t: f64,
    steps: u64,
    evals: u64,
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
        for reference in [references.kernel, references.rich].into_iter().flatten() {
            expect("reference predictor", d, reference.len())?;
        }
        expect("work", Layout::of(config)?.work, work.len())?;

        let init = config.init_scale();
        let init_power = S::from_f64(init).powi(config.depth);
        if !(init_power.is_finite() && init_power > S::ZERO) {
            return Err(ConfigError::OutOfRange {
                field: "alpha",
                value: config.alpha,
                allowed: "(alpha/sqrt(2d))^depth must be a positive finite number in this precision",
            });
        }
        let model = DiagNet::new(d, config.depth, init);
        let p = 2 * d;
        let (params, rest) = work.split_at_mut(p);
        model.init(params);
        let (stepper, rest) = match config.integrator {
            Integrator::Gd => {
                let (grad, rest) = rest.split_at_mut(p);
                let stepper = Stepper::Gd {
                    grad,
                    lr: S::from_f64(config.lr),
                    lambda: S::from_f64(config.lambda),
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
        let scratch_len = <DiagNet as Model<S>>::scratch_len(&model);
        let (scratch, rest) = rest.split_at_mut(scratch_len);
        let (outputs, rest) = rest.split_at_mut(n);
        let (slopes, test_outputs) = rest.split_at_mut(n);
        Ok(Self {
            config: *config,
            objective: Objective::new(model, config.loss, data.train, outputs, slopes, scratch),
            test: data.test,
            test_outputs,
            references,
            params,
            stepper,
            t: 0.0,
            steps: 0,
            evals: 0,
            grid: LogGrid::new(config.t_max, config.points_per_decade),
            next_grid: 0,
            detector: TransitionDetector::new(config.task.is_classification()),
            status: Status::Running,
            last: None,
        })
    }

    /// The configuration being run.
    pub fn config(&self) -> &Config {
        &self.config
    }

    /// Current continuous time.
    pub fn t(&self) -> f64 {
        self.t
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

    /// Current parameters `θ = (u, v)`.
    pub fn params(&self) -> &[S] {
        self.params
    }

    /// Writes the effective weights `w = u^L − v^L` into `out` (length `d`).
    pub fn effective_weights(&self, out: &mut [S]) {
        self.objective.model().effective_weights(self.params, out);
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
        let t_grid = self.grid.time(self.next_grid);
        let advanced = match &mut self.stepper {
            Stepper::Gd { grad, lr, lambda } => {
                let eval = self.objective.gradient(self.params, grad);
                self.evals += 1;
                if !eval.loss.is_finite() || !grad.iter().all(|g| g.is_finite()) {
                    Err(Divergence::NonFiniteLoss)
                } else {
                    let (t_now, n) = (self.t, self.config.n);
                    observe_train(&mut self.detector, t_now, eval, n);
                    gd_update(self.params, grad, *lr, *lambda);
                    self.steps += 1;
                    self.t = self.steps as f64 * self.config.lr;
                    Ok(())
                }
            }
            Stepper::Flow(flow) => {
                match flow.step(&mut self.objective, &mut self.params, self.t, t_grid) {
                    Ok(step) => {
                        self.evals += u64::from(step.evals);
                        self.steps += 1;
                        let t_new = self.t + step.h;
                        // Land exactly on the grid time when the step was cut to reach it.
                        self.t = if t_new >= t_grid { t_grid } else { t_new };
                        observe_train(&mut self.detector, self.t, step.eval, self.config.n);
                        Ok(())
                    }
                    Err(FlowFailure::StepSizeUnderflow) => Err(Divergence::StepSizeUnderflow),
                }
            }
        };
        if let Err(reason) = advanced {
            self.status = Status::Diverged { reason, t: self.t };
            return self.status;
        }
        if self.t >= t_grid {
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
            self.detector
                .observe_train(0.0, metrics.train_loss, metrics.train_acc.unwrap_or(0.0));
        }
        self.detector.observe(&metrics);
        self.last = Some(metrics);
        // gd may cross several grid times in one step: skip to the first one still ahead.
        while self.next_grid <= self.grid.last_index() && self.grid.time(self.next_grid) <= self.t {
            self.next_grid += 1;
        }
        if self.next_grid > self.grid.last_index() || self.t >= self.config.t_max {
            self.status = Status::Finished;
        }
        if observer.record(&metrics).is_break() && !self.status.is_terminal() {
            self.status = Status::Stopped;
        }
    }

    fn measure(&mut self) -> Metrics {
        let classification = self.config.task.is_classification();
        let train = self.objective.train_fit(self.params);
        let test_data = self.test;
        let test = self
            .objective
            .fit(self.params, &test_data, self.test_outputs);
        let param_norm = math::sqrt(self.params.iter().map(|p| p.to_f64() * p.to_f64()).sum());
        let margin = classification
            .then(|| train.min_margin / math::pow(param_norm, f64::from(self.config.depth)));
        let references = self.references;
        let (mut w_l1, mut w_l2, mut cos_kernel, mut cos_rich) = (0.0, 0.0, None, None);
        if let Some(w) = self.objective.effective_weights(self.params) {
            let w64 = w.iter().map(|v| v.to_f64());
            w_l1 = w64.clone().map(f64::abs).sum();
            w_l2 = math::sqrt(w64.clone().map(|v| v * v).sum());
            cos_kernel = references.kernel.and_then(|r| cosine(w64.clone(), r));
            cos_rich = references.rich.and_then(|r| cosine(w64, r));
        }
        Metrics {
            t: self.t,
            step: self.steps,
            train_loss: train.loss,
            train_acc: classification.then_some(train.accuracy),
            test_loss: test.loss,
            test_acc: classification.then_some(test.accuracy),
            param_norm,
            w_l1,
            w_l2,
            margin,
            cos_kernel,
            cos_rich,
        }
    }
}

/// Feeds a step's training evaluation to the detector.
fn observe_train<S: Scalar>(
    detector: &mut TransitionDetector,
    t: f64,
    eval: Evaluation<S>,
    n: usize,
) {
    detector.observe_train(t, eval.loss.to_f64(), eval.correct as f64 / n.max(1) as f64);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::task::generate;
    use std::vec::Vec;

    fn buffers(config: &Config) -> (Layout, Vec<u64>, Vec<f32>) {
        let layout = Layout::of(config).expect("valid");
        (layout, std::vec![0; layout.words], std::vec![0.0; layout.reals])
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
