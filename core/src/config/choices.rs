//! The named choices of an experiment: task, model, integrator, ground truth, activation and
//! loss, each with the name the command line and files use.

/// The names of `$all` (an array of `$n` choices), in order, as a constant.
macro_rules! names {
    ($all:expr, $n:literal) => {{
        let mut names = [""; $n];
        let mut i = 0;
        while i < $n {
            names[i] = $all[i].name();
            i += 1;
        }
        names
    }};
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

impl Task {
    /// Every task, in menu order.
    pub const ALL: [Task; 6] = [
        Task::SparseCls,
        Task::Misgrok,
        Task::SparseReg,
        Task::MatrixCompletion,
        Task::ModAdd,
        Task::File,
    ];

    /// Their names, in the same order.
    // Evaluated at compile time: an index out of bounds fails the build, not a run.
    #[allow(clippy::indexing_slicing)]
    pub const NAMES: [&'static str; 6] = names!(Self::ALL, 6);

    /// The name used on the command line and in files.
    pub const fn name(self) -> &'static str {
        match self {
            Task::SparseCls => "sparse-cls",
            Task::Misgrok => "misgrok",
            Task::SparseReg => "sparse-reg",
            Task::MatrixCompletion => "matrix-completion",
            Task::ModAdd => "mod-add",
            Task::File => "file",
        }
    }

    /// Inverse of [`Task::name`].
    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|t| t.name() == name)
    }

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

impl Integrator {
    /// Every integrator, in menu order.
    pub const ALL: [Integrator; 5] = [
        Integrator::Gd,
        Integrator::Flow,
        Integrator::NormalizedGd,
        Integrator::GdKahan,
        Integrator::GdLogSpace,
    ];

    /// Their names, in the same order.
    // Evaluated at compile time: an index out of bounds fails the build, not a run.
    #[allow(clippy::indexing_slicing)]
    pub const NAMES: [&'static str; 5] = names!(Self::ALL, 5);

    /// The name used on the command line and in files.
    pub const fn name(self) -> &'static str {
        match self {
            Integrator::Gd => "gd",
            Integrator::Flow => "flow",
            Integrator::NormalizedGd => "normalized-gd",
            Integrator::GdKahan => "gd-kahan",
            Integrator::GdLogSpace => "gd-log-space",
        }
    }

    /// Inverse of [`Integrator::name`].
    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|i| i.name() == name)
    }
}

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

impl Truth {
    /// Both kinds, in menu order.
    pub const ALL: [Truth; 2] = [Truth::Paper, Truth::LowRank];

    /// Their names, in the same order.
    // Evaluated at compile time: an index out of bounds fails the build, not a run.
    #[allow(clippy::indexing_slicing)]
    pub const NAMES: [&'static str; 2] = names!(Self::ALL, 2);

    /// The name used on the command line and in files.
    pub const fn name(self) -> &'static str {
        match self {
            Truth::Paper => "paper",
            Truth::LowRank => "low-rank",
        }
    }

    /// Inverse of [`Truth::name`].
    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|t| t.name() == name)
    }
}

/// Hidden activation of the MLP.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Activation {
    /// `max(0, z)`: the network is 2-homogeneous.
    #[default]
    Relu,
    /// `z²`: the network is 3-homogeneous.
    Quadratic,
}

impl Activation {
    /// Both activations, in menu order.
    pub const ALL: [Activation; 2] = [Activation::Relu, Activation::Quadratic];

    /// Their names, in the same order.
    // Evaluated at compile time: an index out of bounds fails the build, not a run.
    #[allow(clippy::indexing_slicing)]
    pub const NAMES: [&'static str; 2] = names!(Self::ALL, 2);

    /// The name used on the command line and in files.
    pub const fn name(self) -> &'static str {
        match self {
            Activation::Relu => "relu",
            Activation::Quadratic => "quadratic",
        }
    }

    /// Inverse of [`Activation::name`].
    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|a| a.name() == name)
    }
}

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

impl Loss {
    /// Every loss, in menu order.
    pub const ALL: [Loss; 4] = [
        Loss::Logistic,
        Loss::Exponential,
        Loss::Squared,
        Loss::CrossEntropy,
    ];

    /// Their names, in the same order.
    // Evaluated at compile time: an index out of bounds fails the build, not a run.
    #[allow(clippy::indexing_slicing)]
    pub const NAMES: [&'static str; 4] = names!(Self::ALL, 4);

    /// The name used on the command line and in files.
    pub const fn name(self) -> &'static str {
        match self {
            Loss::Logistic => "logistic",
            Loss::Exponential => "exponential",
            Loss::Squared => "squared",
            Loss::CrossEntropy => "cross-entropy",
        }
    }

    /// Inverse of [`Loss::name`].
    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|l| l.name() == name)
    }

    /// True for the margin losses, which need labels ±1 (or class indices).
    pub const fn is_margin(self) -> bool {
        !matches!(self, Loss::Squared)
    }

    /// True for the loss over several outputs per example.
    pub const fn is_multiclass(self) -> bool {
        matches!(self, Loss::CrossEntropy)
    }
}
