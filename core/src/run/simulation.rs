//! The one loop every front end runs: step the integrator, record metrics on the log grid,
//! detect transitions, stop cleanly on divergence.

use core::ops::ControlFlow;

use crate::config::error::check_len;
use crate::config::{Config, ConfigError};
use crate::data::Dataset;
use crate::data::TaskData;
use crate::data::layout::teacher_len;
use crate::integrators::Divergence;
use crate::integrators::stepper::Stepper;
use crate::models::{Model, Network};
use crate::numbers::math;
use crate::numbers::scalar::Scalar;
use crate::objective::Objective;
use crate::run::buffers::Layout;
use crate::run::grid::{GridPoint, LogGrid};
use crate::run::metrics::{Metrics, References, cosine};
use crate::run::transition::{TransitionDetector, Transitions};

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
    /// Largest fraction of parameters swamped in one step since the last record.
    swamped: f64,
    grid: LogGrid,
    /// The next record's grid time.
    next: GridPoint,
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
        crate::numbers::scalar::reseed(config.seed);
        let (d, n, n_test) = (config.d, config.n, config.n_test);
        check_len("train set", n, data.train.len())?;
        check_len("test set", n_test, data.test.len())?;
        check_len("train dimension", d, data.train.dim())?;
        check_len("test dimension", d, data.test.dim())?;
        check_len("ground truth", teacher_len(config), data.teacher.len())?;
        for reference in [references.kernel, references.rich].into_iter().flatten() {
            check_len("reference predictor", d, reference.len())?;
        }
        check_len("work", Layout::of(config)?.work, work.len())?;

        let model = Network::for_config(config);
        let sizes = Network::sizes(config);
        let p = sizes.params;
        let (params, rest) = work.split_at_mut(p);
        model.init(params);
        if let Network::Diagonal(_) = model {
            // w = u^L − v^L must not overflow (inf − inf would be NaN at the first step).
            let power = S::from_f64(config.init_scale()).powi(config.depth);
            if !(power.is_finite() && power > S::ZERO) {
                return Err(ConfigError::Incompatible {
                    field: "alpha",
                    reason: "(alpha/sqrt(2d))^depth must be a positive finite number in this precision",
                });
            }
        }
        if !params.iter().all(|x| x.is_finite()) {
            return Err(ConfigError::Incompatible {
                field: "alpha",
                reason: "the initial parameters must be finite in this precision",
            });
        }
        let (stepper, rest) = Stepper::new(config, p, rest);
        let (scratch, rest) = rest.split_at_mut(sizes.scratch);
        let k = config.outputs();
        let train_block = k * Network::examples_per_block(config, n);
        let (outputs, rest) = rest.split_at_mut(train_block);
        let (slopes, test_outputs) = rest.split_at_mut(train_block);
        let grid = LogGrid::new(config.t_max, config.points_per_decade);
        Ok(Self {
            config: *config,
            objective: Objective::new(model, config.loss, data.train, outputs, slopes, scratch),
            test: data.test,
            teacher: data.teacher,
            test_outputs,
            references,
            params,
            stepper,
            swamped: 0.0,
            grid,
            next: grid.point(0),
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
        self.stepper.clock().t
    }

    /// `log10` of the current time (`−∞` at t = 0).
    pub fn log10_t(&self) -> f64 {
        self.stepper.clock().log10_t
    }

    /// Integrator steps taken.
    pub fn steps(&self) -> u64 {
        self.stepper.clock().steps
    }

    /// Gradient evaluations spent (for `flow`, three per attempted step plus one at start).
    pub fn gradient_evals(&self) -> u64 {
        self.stepper.clock().evals
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
        while !self.status.is_terminal() && (self.t() < t_target || self.next.index == 0) {
            self.step(observer);
        }
        self.status
    }

    /// One integrator step (or, first, the record at `t = 0`), with the records it crosses.
    pub fn step<O: Observer>(&mut self, observer: &mut O) -> Status {
        if self.status.is_terminal() {
            return self.status;
        }
        if self.next.index == 0 {
            self.record(observer);
            return self.status;
        }
        let params_len = self.params.len().max(1) as f64;
        let t_stop = self.next.t;
        let advance = match self
            .stepper
            .step(&mut self.objective, &mut self.params, t_stop)
        {
            Ok(advance) => advance,
            Err(reason) => {
                self.status = Status::Diverged {
                    reason,
                    t: self.t(),
                };
                return self.status;
            }
        };
        let train = advance.train;
        self.detector
            .observe_train(train.log10_t, train.loss, train.accuracy);
        let swamped = advance.swamped;
        self.swamped = self.swamped.max(swamped as f64 / params_len);
        if self.log10_t() >= self.next.log10_t || self.t() >= self.next.t {
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
                t: self.t(),
            };
            return;
        }
        if self.next.index == 0 {
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
        while self.next.index <= self.grid.last_index()
            && (self.next.t <= self.t() || self.next.log10_t <= self.log10_t())
        {
            self.next = self.grid.point(self.next.index + 1);
        }
        if self.next.index > self.grid.last_index() {
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
            t: self.t(),
            log10_t: Some(self.log10_t()).filter(|l| l.is_finite()),
            step: self.steps(),
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
            swamped: (self.steps() > 0).then_some(self.swamped),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::task::generate;
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
