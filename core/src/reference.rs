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

use crate::data::Dataset;

/// Largest `n·d` for which [`for_task`] solves the references; above it the dense
/// constraint matrix would take hundreds of MB.
pub const MAX_ENTRIES: usize = 4_000_000;

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
    let a = constraint_matrix(train, Signed::Margin, false);
    let b = vec![-1.0; train.len()];
    solve_l2(
        train.dim(),
        &a,
        &b,
        SupportedConeT::NonnegativeConeT(train.len()),
    )
}

/// Minimum-L2-norm interpolant: `min ½‖w‖² s.t. Xw = y`.
pub fn min_norm_l2(train: &Dataset<'_>) -> Result<Vec<f64>, ReferenceError> {
    let a = constraint_matrix(train, Signed::Plain, false);
    let b = labels(train);
    solve_l2(train.dim(), &a, &b, SupportedConeT::ZeroConeT(train.len()))
}

/// Max-L1-margin classifier: `min ‖w‖₁ s.t. yᵢ⟨w, xᵢ⟩ ≥ 1` as an LP in `w = p − q`.
pub fn max_margin_l1(train: &Dataset<'_>) -> Result<Vec<f64>, ReferenceError> {
    let a = constraint_matrix(train, Signed::Margin, true);
    let mut b = vec![-1.0; train.len()];
    b.resize(train.len() + 2 * train.dim(), 0.0);
    solve_l1(
        train.dim(),
        &a,
        &b,
        SupportedConeT::NonnegativeConeT(train.len() + 2 * train.dim()),
        None,
    )
}

/// Minimum-L1-norm interpolant (basis pursuit): `min ‖w‖₁ s.t. Xw = y`.
pub fn min_norm_l1(train: &Dataset<'_>) -> Result<Vec<f64>, ReferenceError> {
    let a = constraint_matrix(train, Signed::Plain, true);
    let mut b = labels(train);
    b.resize(train.len() + 2 * train.dim(), 0.0);
    solve_l1(
        train.dim(),
        &a,
        &b,
        SupportedConeT::ZeroConeT(train.len()),
        Some(SupportedConeT::NonnegativeConeT(2 * train.dim())),
    )
}

#[derive(Clone, Copy)]
enum Signed {
    /// Rows `−yᵢ xᵢ` (for `yᵢ⟨w, xᵢ⟩ ≥ 1` written as `Aw + s = b`, `s ≥ 0`).
    Margin,
    /// Rows `xᵢ`.
    Plain,
}

fn labels(train: &Dataset<'_>) -> Vec<f64> {
    train.labels().iter().map(|&y| f64::from(y)).collect()
}

/// The constraint matrix in compressed columns. With `split`, the variables are `(p, q)`,
/// `w = p − q`, and `2d` rows `−p ≤ 0`, `−q ≤ 0` follow the data rows.
fn constraint_matrix(train: &Dataset<'_>, signed: Signed, split: bool) -> CscMatrix<f64> {
    let (n, d) = (train.len(), train.dim());
    let columns = if split { 2 * d } else { d };
    let rows = if split { n + 2 * d } else { n };
    let per_column = if split { n + 1 } else { n };
    let mut colptr = Vec::with_capacity(columns + 1);
    let mut rowval = Vec::with_capacity(columns * per_column);
    let mut nzval = Vec::with_capacity(columns * per_column);
    colptr.push(0);
    for column in 0..columns {
        let (j, sign) = if column < d {
            (column, 1.0)
        } else {
            (column - d, -1.0)
        };
        for (i, &y) in train.labels().iter().enumerate() {
            let x = train.entry(i, j);
            let value = match signed {
                Signed::Margin => -f64::from(y) * x,
                Signed::Plain => x,
            };
            rowval.push(i);
            nzval.push(sign * value);
        }
        if split {
            rowval.push(n + column);
            nzval.push(-1.0);
        }
        colptr.push(rowval.len());
    }
    CscMatrix::new(rows, columns, colptr, rowval, nzval)
}

fn solve_l2(
    d: usize,
    a: &CscMatrix<f64>,
    b: &[f64],
    cone: SupportedConeT<f64>,
) -> Result<Vec<f64>, ReferenceError> {
    let p = CscMatrix::identity(d);
    let q = vec![0.0; d];
    solve(&p, &q, a, b, &[cone]).map(|x| x.into_iter().take(d).collect())
}

fn solve_l1(
    d: usize,
    a: &CscMatrix<f64>,
    b: &[f64],
    first: SupportedConeT<f64>,
    second: Option<SupportedConeT<f64>>,
) -> Result<Vec<f64>, ReferenceError> {
    let p = CscMatrix::zeros((2 * d, 2 * d));
    let q = vec![1.0; 2 * d];
    let cones: Vec<_> = std::iter::once(first).chain(second).collect();
    let x = solve(&p, &q, a, b, &cones)?;
    let (p, q) = x.split_at(d.min(x.len()));
    Ok(p.iter().zip(q).map(|(a, b)| a - b).collect())
}

fn solve(
    p: &CscMatrix<f64>,
    q: &[f64],
    a: &CscMatrix<f64>,
    b: &[f64],
    cones: &[SupportedConeT<f64>],
) -> Result<Vec<f64>, ReferenceError> {
    let settings = DefaultSettingsBuilder::default()
        .verbose(false)
        .build()
        .map_err(|e| ReferenceError::Solver(e.to_string()))?;
    let mut solver = DefaultSolver::new(p, q, a, b, cones, settings)
        .map_err(|e| ReferenceError::Solver(e.to_string()))?;
    solver.solve();
    match solver.solution.status {
        SolverStatus::Solved | SolverStatus::AlmostSolved => Ok(solver.solution.x.clone()),
        SolverStatus::PrimalInfeasible | SolverStatus::AlmostPrimalInfeasible => {
            Err(ReferenceError::Infeasible)
        }
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
