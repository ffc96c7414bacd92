//! The predictors the theory says training tends to, solved independently of the dynamics
//! with the `clarabel` interior-point solver (std only).
//!
//! | phase | classification | regression |
//! |---|---|---|
//! | early (kernel) | max-L2-margin: min ½‖w‖² s.t. yᵢ⟨w, xᵢ⟩ ≥ 1 | min ‖w‖₂ s.t. Xw = y |
//! | late (rich, L = 2) | max-L1-margin: min ‖w‖₁ s.t. yᵢ⟨w, xᵢ⟩ ≥ 1 | min ‖w‖₁ s.t. Xw = y |
//!
//! For the diagonal net at `u = v` the NTK features are `±L·u₀^{L−1}·x`, so the kernel
//! predictor is linear in `x` for every depth; the late predictor is the L1 one for `L = 2`
//! (for `L > 2` the KKT points of the `‖w‖_{2/L}` problem are sparser still, and the L1
//! predictor is the convex proxy).

use std::prelude::rust_2024::*;
use std::{fmt, format, vec};

use clarabel::algebra::CscMatrix;
use clarabel::solver::{
    DefaultSettingsBuilder, DefaultSolver, IPSolver, SolverStatus, SupportedConeT,
};

use crate::config::{Config, ModelKind};
use crate::data::Dataset;

/// Largest `n·d` for which [`for_task`] solves the references; above it the dense
/// constraint matrix and the interior-point factorisation take hundreds of MB (fig 1b at
/// n·d = 3.2·10⁶ peaked at 1.09 GB) and longer than the run itself.
pub const MAX_ENTRIES: usize = 1_000_000;

/// Why a reference predictor could not be computed.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub enum ReferenceError {
    /// The constraints cannot be met (data not separable / not interpolable by a linear map).
    Infeasible,
    /// The problem is larger than [`MAX_ENTRIES`].
    TooLarge {
        /// `n·d` of the training set.
        entries: usize,
    },
    /// The solver stopped without a solution.
    Solver(String),
    /// The model has no effective linear predictor to compare with (only diagonal nets do).
    NotLinear,
}

impl fmt::Display for ReferenceError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Infeasible => f.write_str("no linear predictor meets the constraints"),
            Self::TooLarge { entries } => write!(
                f,
                "n·d = {entries} exceeds the reference-solver limit of {MAX_ENTRIES}"
            ),
            Self::Solver(status) => write!(f, "solver stopped: {status}"),
            Self::NotLinear => f.write_str("only diagonal nets have linear reference predictors"),
        }
    }
}

impl std::error::Error for ReferenceError {}

/// The early-phase and late-phase predictors for a training set.
#[derive(Clone, Debug, PartialEq)]
pub struct Predictors {
    /// Kernel-regime predictor (L2).
    pub kernel: Vec<f64>,
    /// Rich-regime predictor (L1).
    pub rich: Vec<f64>,
}

/// Whether the reference predictors of `config` are solved: only diagonal nets have linear
/// ones, and only up to [`MAX_ENTRIES`] (the rule every front end follows).
pub fn applicable(config: &Config) -> Result<(), ReferenceError> {
    if config.task.model() != ModelKind::DiagonalNet {
        return Err(ReferenceError::NotLinear);
    }
    let entries = config.n.saturating_mul(config.d);
    if entries > MAX_ENTRIES {
        return Err(ReferenceError::TooLarge { entries });
    }
    Ok(())
}

/// Both references for `train`: max-margin for classification, min-norm interpolants for
/// regression. Refuses problems above [`MAX_ENTRIES`].
pub fn for_task(train: &Dataset<'_>, classification: bool) -> Result<Predictors, ReferenceError> {
    let entries = train.len().saturating_mul(train.dim());
    if entries > MAX_ENTRIES {
        return Err(ReferenceError::TooLarge { entries });
    }
    Ok(if classification {
        Predictors {
            kernel: max_margin_l2(train)?,
            rich: max_margin_l1(train)?,
        }
    } else {
        Predictors {
            kernel: min_norm_l2(train)?,
            rich: min_norm_l1(train)?,
        }
    })
}

/// Hard-margin SVM without bias: `min ½‖w‖² s.t. yᵢ⟨w, xᵢ⟩ ≥ 1`.
pub fn max_margin_l2(train: &Dataset<'_>) -> Result<Vec<f64>, ReferenceError> {
    solve_l2(train, Signed::Margin)
}

/// Minimum-L2-norm interpolant: `min ½‖w‖² s.t. Xw = y`.
pub fn min_norm_l2(train: &Dataset<'_>) -> Result<Vec<f64>, ReferenceError> {
    solve_l2(train, Signed::Plain)
}

/// Max-L1-margin classifier: `min ‖w‖₁ s.t. yᵢ⟨w, xᵢ⟩ ≥ 1`.
pub fn max_margin_l1(train: &Dataset<'_>) -> Result<Vec<f64>, ReferenceError> {
    solve_l1_dual(train, Signed::Margin)
}

/// Minimum-L1-norm interpolant (basis pursuit): `min ‖w‖₁ s.t. Xw = y`.
pub fn min_norm_l1(train: &Dataset<'_>) -> Result<Vec<f64>, ReferenceError> {
    solve_l1_dual(train, Signed::Plain)
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Signed {
    /// Rows `yᵢ xᵢ`: the constraints are margins `yᵢ⟨w, xᵢ⟩ ≥ 1`.
    Margin,
    /// Rows `xᵢ`: the constraints are equalities `⟨w, xᵢ⟩ = yᵢ`.
    Plain,
}

fn labels(train: &Dataset<'_>) -> Vec<f64> {
    train.labels().iter().map(|&y| f64::from(y)).collect()
}

/// Row `i` of the constraint system, entry `j`: `yᵢ x_ij` or `x_ij`.
fn row_entry(train: &Dataset<'_>, signed: Signed, i: usize, j: usize) -> f64 {
    let x = train.entry(i, j);
    match (signed, train.labels().get(i)) {
        (Signed::Margin, Some(&y)) => f64::from(y) * x,
        _ => x,
    }
}

/// `min ½‖w‖²` subject to the rows, in clarabel's form `Aw + s = b`, `s ∈ K`: margins become
/// `−yᵢ⟨w, xᵢ⟩ + s = −1`, `s ≥ 0`; equalities `⟨w, xᵢ⟩ = yᵢ` use the zero cone.
fn solve_l2(train: &Dataset<'_>, signed: Signed) -> Result<Vec<f64>, ReferenceError> {
    let (n, d) = (train.len(), train.dim());
    let sign = if signed == Signed::Margin { -1.0 } else { 1.0 };
    let a = dense_csc(n, d, |i, j| sign * row_entry(train, signed, i, j), |_| None);
    let (b, cone) = match signed {
        Signed::Margin => (vec![-1.0; n], SupportedConeT::NonnegativeConeT(n)),
        Signed::Plain => (labels(train), SupportedConeT::ZeroConeT(n)),
    };
    let x = solve(&CscMatrix::identity(d), &vec![0.0; d], &a, &b, &[cone])?;
    Ok(x.into_iter().take(d).collect())
}

/// The L1 problems through their LP duals, which have `n` variables instead of `2d`
/// (three to four times faster here): `max Σβᵢ` (margin, `β ≥ 0`) or `max yᵀβ`
/// (interpolation) subject to `‖Σᵢ βᵢ rᵢ‖_∞ ≤ 1`. The primal `w` is the difference of the
/// multipliers of the two halves of the ∞-norm constraint.
fn solve_l1_dual(train: &Dataset<'_>, signed: Signed) -> Result<Vec<f64>, ReferenceError> {
    let (n, d) = (train.len(), train.dim());
    let margin = signed == Signed::Margin;
    let rows = if margin { 2 * d + n } else { 2 * d };
    let a = dense_csc(
        2 * d,
        n,
        |j, i| {
            if j < d {
                row_entry(train, signed, i, j)
            } else {
                -row_entry(train, signed, i, j - d)
            }
        },
        |i| margin.then_some(2 * d + i),
    );
    let mut b = vec![1.0; 2 * d];
    b.resize(rows, 0.0);
    let q: Vec<f64> = match signed {
        Signed::Margin => vec![-1.0; n],
        Signed::Plain => labels(train).into_iter().map(|y| -y).collect(),
    };
    let p = CscMatrix::zeros((n, n));
    let z = solve_dual(&p, &q, &a, &b, &[SupportedConeT::NonnegativeConeT(rows)])?;
    let (plus, rest) = z.split_at(d.min(z.len()));
    Ok(plus.iter().zip(rest).map(|(a, b)| a - b).collect())
}

/// A dense `m × n` matrix in compressed columns, with an optional extra `−1` entry per
/// column at the row `extra(column)` (below the dense block).
fn dense_csc(
    m: usize,
    n: usize,
    entry: impl Fn(usize, usize) -> f64,
    extra: impl Fn(usize) -> Option<usize>,
) -> CscMatrix<f64> {
    let mut colptr = Vec::with_capacity(n + 1);
    let mut rowval = Vec::with_capacity(n * (m + 1));
    let mut nzval = Vec::with_capacity(n * (m + 1));
    colptr.push(0);
    for column in 0..n {
        for row in 0..m {
            rowval.push(row);
            nzval.push(entry(row, column));
        }
        if let Some(row) = extra(column) {
            rowval.push(row);
            nzval.push(-1.0);
        }
        colptr.push(rowval.len());
    }
    let rows = (0..n)
        .filter_map(&extra)
        .map(|r| r + 1)
        .max()
        .unwrap_or(m)
        .max(m);
    CscMatrix::new(rows, n, colptr, rowval, nzval)
}

/// Primal solution `x` of `min ½xᵀPx + qᵀx s.t. Ax + s = b, s ∈ K`.
fn solve(
    p: &CscMatrix<f64>,
    q: &[f64],
    a: &CscMatrix<f64>,
    b: &[f64],
    cones: &[SupportedConeT<f64>],
) -> Result<Vec<f64>, ReferenceError> {
    run_solver(p, q, a, b, cones).map(|solution| solution.0)
}

/// Dual solution `z` of the same problem (the multipliers of `Ax + s = b`).
fn solve_dual(
    p: &CscMatrix<f64>,
    q: &[f64],
    a: &CscMatrix<f64>,
    b: &[f64],
    cones: &[SupportedConeT<f64>],
) -> Result<Vec<f64>, ReferenceError> {
    run_solver(p, q, a, b, cones).map(|solution| solution.1)
}

fn run_solver(
    p: &CscMatrix<f64>,
    q: &[f64],
    a: &CscMatrix<f64>,
    b: &[f64],
    cones: &[SupportedConeT<f64>],
) -> Result<(Vec<f64>, Vec<f64>), ReferenceError> {
    let settings = DefaultSettingsBuilder::default()
        .verbose(false)
        .build()
        .map_err(|e| ReferenceError::Solver(e.to_string()))?;
    let mut solver = DefaultSolver::new(p, q, a, b, cones, settings)
        .map_err(|e| ReferenceError::Solver(e.to_string()))?;
    solver.solve();
    let solution = &solver.solution;
    match solution.status {
        SolverStatus::Solved | SolverStatus::AlmostSolved => {
            Ok((solution.x.clone(), solution.z.clone()))
        }
        // Primal infeasible: the constraints cannot be met. For the L1 duals an unbounded
        // dual objective means the same thing (no w satisfies the original constraints).
        SolverStatus::PrimalInfeasible
        | SolverStatus::AlmostPrimalInfeasible
        | SolverStatus::DualInfeasible
        | SolverStatus::AlmostDualInfeasible => Err(ReferenceError::Infeasible),
        other => Err(ReferenceError::Solver(format!("{other:?}"))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::Features;

    const MAX_ERROR: f64 = 1e-6;

    fn close(got: &[f64], want: &[f64]) -> bool {
        got.iter().zip(want).all(|(a, b)| (a - b).abs() < MAX_ERROR)
    }

    /// Two points x₁ = (1, 0), y₁ = +1 and x₂ = (0, −2), y₂ = +1 (hand-checked):
    /// - L2: minimise w₁² + w₂² with w₁ ≥ 1, −2w₂ ≥ 1 → w = (1, −½);
    /// - L1: minimise |w₁| + |w₂| with the same constraints → w = (1, −½) as well.
    #[test]
    fn max_margin_hand_checked() {
        let x = [1.0f32, 0.0, 0.0, -2.0];
        let y = [1.0f32, 1.0];
        let data = Dataset::new(Features::Reals(&x), &y, 2).expect("sizes");
        assert!(close(&max_margin_l2(&data).expect("solved"), &[1.0, -0.5]));
        assert!(close(&max_margin_l1(&data).expect("solved"), &[1.0, -0.5]));
    }

    /// One point x = (3, 4), y = 5 (hand-checked): the min-L2 interpolant is
    /// y·x/‖x‖² = (0.6, 0.8); the min-L1 one puts everything on the larger coordinate:
    /// (0, 1.25).
    #[test]
    fn min_norm_hand_checked() {
        let x = [3.0f32, 4.0];
        let y = [5.0f32];
        let data = Dataset::new(Features::Reals(&x), &y, 2).expect("sizes");
        assert!(close(&min_norm_l2(&data).expect("solved"), &[0.6, 0.8]));
        assert!(close(&min_norm_l1(&data).expect("solved"), &[0.0, 1.25]));
    }

    /// The two margins differ when a sparse separator exists: for x = (2, 1), y = +1 alone,
    /// L2 gives x/‖x‖² = (0.4, 0.2) and L1 puts everything on the larger coordinate, (0.5, 0).
    #[test]
    fn l1_prefers_sparse_separators() {
        let x = [2.0f32, 1.0];
        let y = [1.0f32];
        let data = Dataset::new(Features::Reals(&x), &y, 2).expect("sizes");
        assert!(close(&max_margin_l2(&data).expect("solved"), &[0.4, 0.2]));
        assert!(close(&max_margin_l1(&data).expect("solved"), &[0.5, 0.0]));
    }

    #[test]
    fn contradictory_labels_are_infeasible() {
        let x = [1.0f32, 1.0];
        let y = [1.0f32, -1.0];
        let data = Dataset::new(Features::Reals(&x), &y, 1).expect("sizes");
        assert_eq!(max_margin_l2(&data), Err(ReferenceError::Infeasible));
        assert_eq!(max_margin_l1(&data), Err(ReferenceError::Infeasible));
    }

    #[test]
    fn sign_features_give_the_same_problem_as_reals() {
        // Rows (+1, −1, +1) and (−1, +1, +1) as bits and as reals.
        let bits = [0b101u64, 0b110u64];
        let reals = [1.0f32, -1.0, 1.0, -1.0, 1.0, 1.0];
        let y = [1.0f32, -1.0];
        let a = Dataset::new(Features::Signs(&bits), &y, 3).expect("sizes");
        let b = Dataset::new(Features::Reals(&reals), &y, 3).expect("sizes");
        let (wa, wb) = (max_margin_l1(&a).expect("a"), max_margin_l1(&b).expect("b"));
        assert!(close(&wa, &wb));
    }
}
