//! What one experiment is: task, model, loss, optimiser and time horizon.

use crate::config::bounds::{self, Range};
use crate::config::choices::{Activation, Integrator, Loss, ModelKind, Task, Truth};
use crate::config::error::{ConfigError, check};
use crate::numbers::math;

/// One experiment. `Default` is the `fig1a-small` preset.
///
/// With the `std` feature it is (de)serialisable: the experiment file and the JSON summary
/// are its fields by these names, choices by their names, missing fields taken from the
/// default and unknown ones refused.
#[derive(Clone, Copy, Debug, PartialEq)]
#[cfg_attr(
    feature = "std",
    derive(serde::Serialize, serde::Deserialize),
    serde(default, deny_unknown_fields)
)]
pub struct Config {
    /// The data-generating task (it also fixes the model).
    pub task: Task,
    /// Size: input dimension (diagonal nets), matrix size (matrix completion) or modulus
    /// `p` (modular addition).
    pub d: usize,
    /// Number of training examples (derived from `train_fraction` for the pair tasks).
    pub n: usize,
    /// Number of test examples (derived for the pair tasks: every pair not trained on).
    pub n_test: usize,
    /// Support size of the sparse ground truth, or rank of a low-rank matrix.
    pub k: usize,
    /// Margin of the misgrokking construction (misgrok only).
    pub gamma: f64,
    /// Fraction of all pairs used for training (matrix completion, modular addition).
    pub train_fraction: f64,
    /// Ground truth of matrix completion.
    pub truth: Truth,
    /// Hidden width of the MLP.
    pub width: usize,
    /// Hidden activation of the MLP.
    pub activation: Activation,
    /// Start the MLP's output layer at zero (the paper's choice), so `f(θ(0)) = 0`.
    pub zero_output_init: bool,
    /// Depth `L` of the diagonal net `w = u^L − v^L` (2 for the other models).
    pub depth: u32,
    /// Initialisation scale: ‖θ(0)‖ (diagonal nets), `U = V = α·I` (matrix completion),
    /// multiplier of the Kaiming init (MLP).
    pub alpha: f64,
    /// Weight decay λ.
    pub lambda: f64,
    /// Per-example loss.
    pub loss: Loss,
    /// Discretisation of the flow.
    pub integrator: Integrator,
    /// Step size η of `gd` and `normalized-gd`.
    pub lr: f64,
    /// Relative local error tolerance of `flow`, on every parameter and on the training loss.
    pub tol: f64,
    /// Continuous time at which the run ends.
    pub t_max: f64,
    /// Metrics are recorded on a log-spaced grid with this many points per decade of `t`.
    pub points_per_decade: u32,
    /// Seed of all random draws.
    pub seed: u64,
}

impl Config {
    /// The same configuration with `n` and `n_test` derived where the task fixes them:
    /// `round(train_fraction · d²)` training pairs and all others for testing.
    pub const fn with_derived_sizes(self) -> Self {
        if !self.task.has_pair_inputs() {
            return self;
        }
        let total = self.task.pair_count(self.d);
        let fraction = if self.train_fraction > 0.0 && self.train_fraction < 1.0 {
            self.train_fraction
        } else {
            0.0
        };
        let n = (fraction * total as f64 + 0.5) as usize;
        Self {
            n,
            n_test: total.saturating_sub(n),
            ..self
        }
    }

    /// Number of outputs per example (classes for modular addition, else 1).
    pub const fn outputs(&self) -> usize {
        match self.task.model() {
            ModelKind::Mlp => self.d,
            _ => 1,
        }
    }

    /// Labels are ±1 or classes (accuracy and margin are defined); for a file, whenever the
    /// loss is a margin loss.
    pub const fn is_classification(&self) -> bool {
        match self.task {
            Task::SparseReg | Task::MatrixCompletion => false,
            Task::File => self.loss.is_margin(),
            _ => true,
        }
    }

    /// Checks every field; the error names the first bad one and its allowed range.
    pub fn validate(&self) -> Result<(), ConfigError> {
        let count = |field, value: usize, allowed| check(field, value as f64, allowed);
        let model = self.task.model();
        let d_range = match model {
            ModelKind::DiagonalNet => bounds::DIM,
            ModelKind::Factorization => bounds::MATRIX,
            ModelKind::Mlp => bounds::MODULUS,
        };
        count("d", self.d, d_range)?;
        if self.task.has_pair_inputs() {
            check("train_fraction", self.train_fraction, Range::OpenUnit)?;
            let derived = self.with_derived_sizes();
            if derived.n == 0 || derived.n_test == 0 {
                return Err(ConfigError::Incompatible {
                    field: "train_fraction",
                    reason: "leaves no training pair or no test pair at this size",
                });
            }
            if (self.n, self.n_test) != (derived.n, derived.n_test) {
                return Err(ConfigError::Incompatible {
                    field: "n",
                    reason: "for pair tasks n and n_test follow from train_fraction (use Config::with_derived_sizes)",
                });
            }
        }
        count("n", self.n, bounds::SAMPLES)?;
        count("n_test", self.n_test, bounds::SAMPLES)?;
        let has_support = matches!(self.task, Task::SparseCls | Task::SparseReg)
            || (self.task == Task::MatrixCompletion && self.truth == Truth::LowRank);
        if has_support {
            count("k", self.k, Range::Between(1.0, self.d as f64))?;
        }
        check("gamma", self.gamma, Range::NonNegative)?;
        if model == ModelKind::Mlp {
            count("width", self.width, bounds::WIDTH)?;
        }
        match model {
            ModelKind::DiagonalNet => check("depth", f64::from(self.depth), bounds::DEPTH)?,
            _ if self.depth != 2 => {
                return Err(ConfigError::Incompatible {
                    field: "depth",
                    reason: "only the diagonal net has a depth other than 2",
                });
            }
            _ => {}
        }
        check("alpha", self.alpha, Range::Positive)?;
        check("lambda", self.lambda, Range::NonNegative)?;
        check("lr", self.lr, Range::Positive)?;
        check("tol", self.tol, bounds::TOL)?;
        check("t_max", self.t_max, Range::Positive)?;
        check(
            "points_per_decade",
            f64::from(self.points_per_decade),
            bounds::POINTS_PER_DECADE,
        )?;
        let loss_fits = match self.task {
            Task::SparseReg | Task::MatrixCompletion => self.loss == Loss::Squared,
            Task::ModAdd => self.loss == Loss::CrossEntropy,
            _ => !self.loss.is_multiclass(),
        };
        if !loss_fits {
            return Err(ConfigError::Incompatible {
                field: "loss",
                reason: match self.task {
                    Task::SparseReg | Task::MatrixCompletion => {
                        "a regression task needs the squared loss"
                    }
                    Task::ModAdd => "modular addition needs the cross-entropy loss",
                    _ => "cross-entropy needs one output per class (mod-add)",
                },
            });
        }
        if self.integrator == Integrator::GdLogSpace
            && (self.task.model() != ModelKind::DiagonalNet || self.depth != 2)
        {
            return Err(ConfigError::Incompatible {
                field: "integrator",
                reason: "gd-log-space uses the closed form of the depth-2 diagonal net",
            });
        }
        if self.integrator == Integrator::NormalizedGd && self.lambda != 0.0 {
            return Err(ConfigError::Incompatible {
                field: "lambda",
                reason: "normalized-gd is the no-weight-decay scheme of fig. 4: set lambda = 0",
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

    /// The transition time with the paper's first lower-order term, for a depth-L diagonal
    /// net: `t* = ln α / λ − (1/L)·ln ln(α^{2(L−1)} / λ) / λ` (docs/theory.md, "The
    /// dichotomy"). None for the other models, and where [`Config::t_predicted`] is none or
    /// the correction is undefined.
    pub fn t_predicted_lower_order(&self) -> Option<f64> {
        if self.task.model() != ModelKind::DiagonalNet {
            return None;
        }
        self.t_predicted()?;
        let l = f64::from(self.depth);
        let inner = math::ln(2.0 * (l - 1.0) * math::ln(self.alpha) - math::ln(self.lambda));
        let t = (math::ln(self.alpha) - inner / l) / self.lambda;
        t.is_finite().then_some(t)
    }

    /// Per-coordinate initial value of the diagonal net, `u_k = v_k = α / √(2d)`, so that
    /// ‖θ(0)‖ = α.
    pub fn init_scale(&self) -> f64 {
        self.alpha / math::sqrt(2.0 * self.d as f64)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::error::ConfigError;

    #[test]
    fn the_lower_order_term_brings_the_prediction_earlier_for_diagonal_nets_only() {
        // fig1a-small: ln 128 = 4.852, ln ln(128²/10⁻³) = ln 16.61 = 2.810, so
        // t* = (4.852 − 2.810/2)/10⁻³ = 3447 (the README's worked example).
        let c = Config {
            alpha: 128.0,
            lambda: 1e-3,
            depth: 2,
            ..Config::default()
        };
        let t = c.t_predicted_lower_order().expect("defined");
        assert!((t - 3447.0).abs() < 1.0, "{t}");
        assert!(t < c.t_predicted().expect("defined"));
        let deeper = Config { depth: 3, ..c };
        assert!(deeper.t_predicted_lower_order() != Some(t));
        let mlp = Config {
            task: Task::ModAdd,
            ..c
        };
        assert_eq!(mlp.t_predicted_lower_order(), None);
        let no_decay = Config { lambda: 0.0, ..c };
        assert_eq!(no_decay.t_predicted_lower_order(), None);
    }

    #[test]
    fn default_is_valid() {
        assert_eq!(Config::default().validate(), Ok(()));
    }

    #[test]
    fn bad_values_name_their_field() {
        let base = Config::default();
        let mod_add = crate::run::preset::FIG2_QUADRATIC_SMALL.config;
        let cases: [(Config, &str); 14] = [
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
                    loss: Loss::Logistic,
                    ..base
                },
                "loss",
            ),
            (
                Config {
                    width: 0,
                    ..mod_add
                },
                "width",
            ),
            (
                Config {
                    depth: 3,
                    ..mod_add
                },
                "depth",
            ),
            (Config { n: 5, ..mod_add }, "n"),
            (
                Config {
                    integrator: Integrator::NormalizedGd,
                    ..base
                },
                "lambda",
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
    fn pair_tasks_derive_their_sizes() {
        let c = Config {
            task: Task::ModAdd,
            d: 10,
            train_fraction: 0.4,
            ..Config::default()
        }
        .with_derived_sizes();
        assert_eq!((c.n, c.n_test), (40, 60));
    }

    #[test]
    fn names_round_trip() {
        for t in Task::ALL {
            assert_eq!(Task::from_name(t.name()), Some(t));
        }
        for i in Integrator::ALL {
            assert_eq!(Integrator::from_name(i.name()), Some(i));
        }
        for t in Truth::ALL {
            assert_eq!(Truth::from_name(t.name()), Some(t));
        }
        for a in Activation::ALL {
            assert_eq!(Activation::from_name(a.name()), Some(a));
        }
        assert_eq!(Task::from_name("nope"), None);
    }
}
