//! What one experiment is: task, model, loss, optimiser and time horizon.

use crate::error::{ConfigError, check_positive, check_range};
use crate::loss::Loss;
use crate::math;

/// Largest input dimension accepted (2²⁴; the paper's largest is 10⁵).
pub const MAX_DIM: usize = 1 << 24;
/// Largest number of training or test points accepted.
pub const MAX_SAMPLES: usize = 1 << 20;
/// Largest depth of the diagonal net.
pub const MAX_DEPTH: u32 = 8;

/// The data-generating task.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Task {
    /// Fig. 1a: `x` uniform in {±1}^d, `y = sign(⟨w*, x⟩)`, `w*` ∈ {±1} on `k` coordinates.
    #[default]
    SparseCls,
    /// Fig. 1b: `w*` a random unit vector, `z ~ N(0, I)`, `y = sign(⟨z, w*⟩)`,
    /// `x = z + (γ/2)·y·w*`.
    Misgrok,
    /// `x ~ N(0, I_d)`, `y = ⟨w*, x⟩` with `w*` ∈ {±1} on `k` coordinates.
    SparseReg,
}

impl Task {
    /// Every task, in menu order.
    pub const ALL: [Task; 3] = [Task::SparseCls, Task::Misgrok, Task::SparseReg];

    /// The name used on the command line and in files.
    pub const fn name(self) -> &'static str {
        match self {
            Task::SparseCls => "sparse-cls",
            Task::Misgrok => "misgrok",
            Task::SparseReg => "sparse-reg",
        }
    }

    /// Inverse of [`Task::name`].
    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|t| t.name() == name)
    }

    /// Labels are ±1 (accuracy and margin are defined).
    pub const fn is_classification(self) -> bool {
        !matches!(self, Task::SparseReg)
    }

    /// Inputs are ±1 and stored as bits.
    pub const fn has_sign_features(self) -> bool {
        matches!(self, Task::SparseCls)
    }
}

/// How the flow is discretised.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Integrator {
    /// The paper's update `θ ← θ(1 − ηλ) − η∇L(θ)`, `t = η·steps`.
    Gd,
    /// Adaptive gradient-flow integrator with the decay applied exactly.
    #[default]
    Flow,
}

impl Integrator {
    /// Both integrators, in menu order.
    pub const ALL: [Integrator; 2] = [Integrator::Gd, Integrator::Flow];

    /// The name used on the command line and in files.
    pub const fn name(self) -> &'static str {
        match self {
            Integrator::Gd => "gd",
            Integrator::Flow => "flow",
        }
    }

    /// Inverse of [`Integrator::name`].
    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|i| i.name() == name)
    }
}

/// One experiment. `Default` is the `fig1a-small` preset.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Config {
    /// The data-generating task.
    pub task: Task,
    /// Input dimension.
    pub d: usize,
    /// Number of training points.
    pub n: usize,
    /// Number of test points.
    pub n_test: usize,
    /// Support size of the sparse ground truth (sparse tasks only).
    pub k: usize,
    /// Margin of the misgrokking construction (misgrok only).
    pub gamma: f64,
    /// Depth `L` of the diagonal net `w = u^L − v^L`.
    pub depth: u32,
    /// Initial parameter norm ‖θ(0)‖ (the paper's initialisation scale).
    pub alpha: f64,
    /// Weight decay λ.
    pub lambda: f64,
    /// Per-sample loss.
    pub loss: Loss,
    /// Discretisation of the flow.
    pub integrator: Integrator,
    /// Step size η of `gd`.
    pub lr: f64,
    /// Relative local error tolerance of `flow`.
    pub tol: f64,
    /// Continuous time at which the run ends.
    pub t_max: f64,
    /// Metrics are recorded on a log-spaced grid with this many points per decade of `t`.
    pub points_per_decade: u32,
    /// Seed of all random draws.
    pub seed: u64,
}

impl Default for Config {
    fn default() -> Self {
        crate::preset::FIG1A_SMALL.config
    }
}

impl Config {
    /// Checks every field; the error names the first bad one and its allowed range.
    pub fn validate(&self) -> Result<(), ConfigError> {
        let usize_range = |field, value: usize, lo: usize, hi: usize, allowed| {
            check_range(field, value as f64, lo as f64, hi as f64, allowed)
        };
        usize_range("d", self.d, 1, MAX_DIM, "1 ..= 16777216")?;
        usize_range("n", self.n, 1, MAX_SAMPLES, "1 ..= 1048576")?;
        usize_range("n_test", self.n_test, 1, MAX_SAMPLES, "1 ..= 1048576")?;
        if self.task != Task::Misgrok {
            usize_range("k", self.k, 1, self.d, "1 ..= d")?;
        }
        check_range("gamma", self.gamma, 0.0, f64::MAX, "0 <= gamma, finite")?;
        check_range(
            "depth",
            f64::from(self.depth),
            2.0,
            f64::from(MAX_DEPTH),
            "2 ..= 8",
        )?;
        check_positive("alpha", self.alpha, "alpha > 0, finite")?;
        check_range("lambda", self.lambda, 0.0, f64::MAX, "lambda >= 0, finite")?;
        check_positive("lr", self.lr, "lr > 0, finite")?;
        check_range("tol", self.tol, 1e-12, 0.1, "1e-12 ..= 0.1")?;
        check_positive("t_max", self.t_max, "t_max > 0, finite")?;
        check_range(
            "points_per_decade",
            f64::from(self.points_per_decade),
            1.0,
            1000.0,
            "1 ..= 1000",
        )?;
        if !self.task.is_classification() && self.loss.is_margin() {
            return Err(ConfigError::Incompatible {
                field: "loss",
                reason: "a regression task needs the squared loss",
            });
        }
        Ok(())
    }

    /// The transition time the theory predicts, `ln α / λ` (None when λ = 0 or α ≤ 1,
    /// where there is no late phase to switch to).
    pub fn t_predicted(&self) -> Option<f64> {
        let t = math::ln(self.alpha) / self.lambda;
        (t.is_finite() && t > 0.0).then_some(t)
    }

    /// Per-coordinate initial value `u_k = v_k = α / √(2d)`, so that ‖θ(0)‖ = α.
    pub fn init_scale(&self) -> f64 {
        self.alpha / math::sqrt(2.0 * self.d as f64)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ConfigError;

    #[test]
    fn default_is_valid() {
        assert_eq!(Config::default().validate(), Ok(()));
    }

    #[test]
    fn bad_values_name_their_field() {
        let base = Config::default();
        let cases: [(Config, &str); 10] = [
            (Config { alpha: 0.0, ..base }, "alpha"),
            (
                Config {
                    alpha: f64::NAN,
                    ..base
                },
                "alpha",
            ),
            (
                Config {
                    lambda: -1e-3,
                    ..base
                },
                "lambda",
            ),
            (Config { lr: 0.0, ..base }, "lr"),
            (
                Config {
                    lr: f64::NAN,
                    ..base
                },
                "lr",
            ),
            (
                Config {
                    k: base.d + 1,
                    ..base
                },
                "k",
            ),
            (Config { d: 0, ..base }, "d"),
            (Config { depth: 1, ..base }, "depth"),
            (
                Config {
                    t_max: f64::INFINITY,
                    ..base
                },
                "t_max",
            ),
            (
                Config {
                    task: Task::SparseReg,
                    loss: crate::Loss::Logistic,
                    ..base
                },
                "loss",
            ),
        ];
        for (config, field) in cases {
            let err = config.validate().expect_err(field);
            assert_eq!(err.field(), field, "{err}");
        }
    }

    #[test]
    fn message_names_field_and_range() {
        let err = Config {
            alpha: -2.0,
            ..Config::default()
        }
        .validate()
        .expect_err("negative alpha");
        assert!(matches!(err, ConfigError::OutOfRange { .. }));
        let text = std::format!("{err}");
        assert!(text.contains("alpha") && text.contains("> 0"), "{text}");
    }

    #[test]
    fn names_round_trip() {
        for t in Task::ALL {
            assert_eq!(Task::from_name(t.name()), Some(t));
        }
        for i in Integrator::ALL {
            assert_eq!(Integrator::from_name(i.name()), Some(i));
        }
        assert_eq!(Task::from_name("nope"), None);
    }
}
