//! The named choices of an experiment: task, model, integrator, ground truth, activation and
//! loss, each with the name the command line and files use.

/// `ALL`, `NAMES`, `name` and `from_name` of a choice enum, from one table of its variants
/// and their names (in menu order), so that the four can never disagree.
macro_rules! named_choices {
    ($choice:ident { $($variant:ident => $name:literal),+ $(,)? }) => {
        impl $choice {
            /// Every choice, in menu order.
            pub const ALL: [$choice; [$($name),+].len()] = [$($choice::$variant),+];

            /// Their names, in the same order.
            pub const NAMES: [&'static str; [$($name),+].len()] = [$($name),+];

            /// The name used on the command line and in files.
            pub const fn name(self) -> &'static str {
                match self {
                    $($choice::$variant => $name),+
                }
            }

            /// The choice [`Self::name`] names.
            pub fn from_name(name: &str) -> Option<Self> {
                Self::ALL.into_iter().find(|c| c.name() == name)
            }
        }
    };
}

/// The data-generating task; it also fixes the model.
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
    /// Fig. 3: complete a symmetric `d × d` matrix `X*` from a fraction of its entries.
    MatrixCompletion,
    /// Fig. 2: `(a + b) mod p` from the one-hot pair `e_a ‖ e_b` (`p = d`).
    ModAdd,
    /// A data set loaded from a file (the desktop front ends provide its buffers).
    File,
}

/// The network a task is learned with.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ModelKind {
    /// `f(x) = ⟨u^L − v^L, x⟩`.
    DiagonalNet,
    /// `W = UUᵀ − VVᵀ`, `f((i, j)) = W_ij`.
    Factorization,
    /// `f(x) = W₂·σ(W₁x + b₁)`, one output per class.
    Mlp,
}

named_choices!(Task {
    SparseCls => "sparse-cls",
    Misgrok => "misgrok",
    SparseReg => "sparse-reg",
    MatrixCompletion => "matrix-completion",
    ModAdd => "mod-add",
    File => "file",
});

impl Task {
    /// The network this task is learned with.
    pub const fn model(self) -> ModelKind {
        match self {
            Task::MatrixCompletion => ModelKind::Factorization,
            Task::ModAdd => ModelKind::Mlp,
            _ => ModelKind::DiagonalNet,
        }
    }

    /// Inputs are ±1 and stored as bits.
    pub const fn has_sign_features(self) -> bool {
        matches!(self, Task::SparseCls)
    }

    /// Inputs are index pairs (one-hot pairs or matrix entries).
    pub const fn has_pair_inputs(self) -> bool {
        matches!(self, Task::MatrixCompletion | Task::ModAdd)
    }

    /// Number of index pairs the train and test sets are drawn from (pair tasks).
    pub const fn pair_count(self, d: usize) -> usize {
        d.saturating_mul(d)
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
    /// Fig. 4: `λ = 0` and step `η/L(θ)`, i.e. gradient descent on `ln L`; each step
    /// advances the flow's time by `η/L`, accumulated in log space. While `L > 1/10` it is
    /// plain descent with step `10η`, as the paper's code does.
    NormalizedGd,
    /// The paper's update with Kahan-compensated accumulation of each parameter: updates
    /// smaller than half an ulp are carried in a compensation term instead of being lost.
    GdKahan,
    /// The paper's step with the decay applied exactly in log space, from the diagonal net's
    /// closed form `u = u₀·exp(−λt − 2s)`, `v = v₀·exp(−λt + 2s)`, `s += η·Xᵀg` (depth 2).
    GdLogSpace,
}

named_choices!(Integrator {
    Gd => "gd",
    Flow => "flow",
    NormalizedGd => "normalized-gd",
    GdKahan => "gd-kahan",
    GdLogSpace => "gd-log-space",
});

/// Ground truth of matrix completion.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Truth {
    /// The paper's rank-1 `X*_ij = i·j/d²` (indices from 0).
    #[default]
    Paper,
    /// A random symmetric positive semi-definite matrix of rank `k` with entries of unit
    /// variance.
    LowRank,
}

named_choices!(Truth {
    Paper => "paper",
    LowRank => "low-rank",
});

/// Hidden activation of the MLP.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Activation {
    /// `max(0, z)`: the network is 2-homogeneous.
    #[default]
    Relu,
    /// `z²`: the network is 3-homogeneous.
    Quadratic,
}

named_choices!(Activation {
    Relu => "relu",
    Quadratic => "quadratic",
});

/// The per-example loss. The objective is the mean over the training set.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Loss {
    /// `ln(1 + e^{−yf})`, the paper's binary experiments.
    #[default]
    Logistic,
    /// `e^{−yf}`, the paper's theory.
    Exponential,
    /// `(f − y)²` with no ½, as in the paper.
    Squared,
    /// `−ln softmax(f)_y` over one output per class (label = class index).
    CrossEntropy,
}

named_choices!(Loss {
    Logistic => "logistic",
    Exponential => "exponential",
    Squared => "squared",
    CrossEntropy => "cross-entropy",
});

impl Loss {
    /// True for the margin losses, which need labels ±1 (or class indices).
    pub const fn is_margin(self) -> bool {
        !matches!(self, Loss::Squared)
    }

    /// True for the loss over several outputs per example.
    pub const fn is_multiclass(self) -> bool {
        matches!(self, Loss::CrossEntropy)
    }
}
