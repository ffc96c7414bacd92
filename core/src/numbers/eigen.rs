//! Eigenvalues of a small symmetric matrix in caller-owned memory.
//!
//! Cyclic Jacobi rotations, written here because the crates that do this (nalgebra, faer)
//! allocate their matrices, and the core allocates nothing: the matrix is diagonalised in
//! place in the slice it was built in. Used for the spectrum of `W = UUᵀ − VVᵀ` at metric
//! records only (O(d³) per sweep, a handful of sweeps).

use crate::numbers::scalar::Scalar;

/// Sweeps after which Jacobi stops even if the off-diagonal mass is not negligible yet
/// (quadratic convergence makes 6–10 typical).
const MAX_SWEEPS: usize = 30;

/// Overwrites the symmetric `d × d` row-major matrix `a` with a matrix of the same
/// eigenvalues whose off-diagonal part is negligible, and returns the eigenvalues (its
/// diagonal) through `eigenvalue(i)`. Slices of the wrong length do nothing.
pub(crate) fn diagonalise<S: Scalar>(a: &mut [S], d: usize) {
    if a.len() != d * d || d < 2 {
        return;
    }
    for _ in 0..MAX_SWEEPS {
        let (mut off, mut total) = (0.0, 0.0);
        for (i, row) in a.chunks_exact(d).enumerate() {
            for (j, &v) in row.iter().enumerate() {
                let sq = v.to_f64() * v.to_f64();
                total += sq;
                if i != j {
                    off += sq;
                }
            }
        }
        // Off-diagonal mass at the format's rounding level: d² entries of ε·‖A‖ each at most.
        // (A fixed 10⁻¹⁴ was below what f32 can reach at d = 97, so every fig 3 record ran all
        // MAX_SWEEPS sweeps.)
        let epsilon = if core::mem::size_of::<S>() >= 8 {
            f64::EPSILON
        } else {
            f64::from(f32::EPSILON)
        };
        let size = d as f64;
        if off <= size * size * epsilon * epsilon * total {
            return;
        }
        for p in 0..d {
            for q in p + 1..d {
                rotate(a, d, p, q);
            }
        }
    }
}

/// The `i`-th diagonal entry of a `d × d` row-major matrix (0 out of range).
pub(crate) fn diagonal<S: Scalar>(a: &[S], d: usize, i: usize) -> S {
    a.get(i * d + i).copied().unwrap_or(S::ZERO)
}

/// One Jacobi rotation `A ← JᵀAJ` in the plane `(p, q)`, `p < q`, that zeroes `a_pq`.
fn rotate<S: Scalar>(a: &mut [S], d: usize, p: usize, q: usize) {
    let at = |a: &[S], i: usize, j: usize| a.get(i * d + j).copied().unwrap_or(S::ZERO);
    let apq = at(a, p, q);
    if apq == S::ZERO {
        return;
    }
    let (app, aqq) = (at(a, p, p), at(a, q, q));
    let two = S::ONE + S::ONE;
    let theta = (aqq - app) / (two * apq);
    // t = tan of the rotation angle, the smaller root of t² + 2θt − 1 = 0.
    let t = if theta.abs() > S::from_f64(1e15) {
        S::ONE / (two * theta)
    } else {
        let root = (theta * theta + S::ONE).sqrt();
        let sign = if theta < S::ZERO { -S::ONE } else { S::ONE };
        sign / (theta.abs() + root)
    };
    let c = S::ONE / (t * t + S::ONE).sqrt();
    let s = t * c;
    // Columns p and q of every row.
    for row in a.chunks_exact_mut(d) {
        let (Some(&kp), Some(&kq)) = (row.get(p), row.get(q)) else {
            continue;
        };
        if let Some(x) = row.get_mut(p) {
            *x = c * kp - s * kq;
        }
        if let Some(x) = row.get_mut(q) {
            *x = s * kp + c * kq;
        }
    }
    // Rows p and q.
    let (head, tail) = a.split_at_mut((q * d).min(a.len()));
    let row_p = head.get_mut(p * d..(p + 1) * d).unwrap_or_default();
    let row_q = tail.get_mut(..d).unwrap_or_default();
    for (x, y) in row_p.iter_mut().zip(row_q.iter_mut()) {
        let (pk, qk) = (*x, *y);
        *x = c * pk - s * qk;
        *y = s * pk + c * qk;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn eigenvalues(mut a: std::vec::Vec<f64>, d: usize) -> std::vec::Vec<f64> {
        diagonalise(&mut a, d);
        let mut e: std::vec::Vec<f64> = (0..d).map(|i| diagonal(&a, d, i)).collect();
        e.sort_by(f64::total_cmp);
        e
    }

    #[test]
    fn two_by_two_closed_form() {
        // [[2, 1], [1, 2]] has eigenvalues 1 and 3.
        let e = eigenvalues(std::vec![2.0, 1.0, 1.0, 2.0], 2);
        assert!((e[0] - 1.0).abs() < 1e-14 && (e[1] - 3.0).abs() < 1e-14);
    }

    #[test]
    fn rank_one_matrix_has_one_nonzero_eigenvalue() {
        // v vᵀ with v = (1, 2, 3, 4): eigenvalues 0, 0, 0, ‖v‖² = 30.
        let v = [1.0, 2.0, 3.0, 4.0];
        let a = (0..16).map(|k| v[k / 4] * v[k % 4]).collect();
        let e = eigenvalues(a, 4);
        assert!(e[..3].iter().all(|x| x.abs() < 1e-12));
        assert!((e[3] - 30.0).abs() < 1e-12);
    }

    #[test]
    fn trace_and_frobenius_norm_are_preserved() {
        // A symmetric matrix with known invariants: Σλ = trace, Σλ² = ‖A‖_F².
        let d = 6;
        let a: std::vec::Vec<f64> = (0..d * d)
            .map(|k| {
                let (i, j) = (k / d, k % d);
                ((i + 1) * (j + 1)) as f64 / 7.0 + if i == j { i as f64 } else { 0.0 }
                    - ((i + j) % 3) as f64
            })
            .collect();
        let trace: f64 = (0..d).map(|i| a[i * d + i]).sum();
        let frobenius: f64 = a.iter().map(|x| x * x).sum();
        let e = eigenvalues(a, d);
        assert!((e.iter().sum::<f64>() - trace).abs() < 1e-10);
        assert!((e.iter().map(|x| x * x).sum::<f64>() - frobenius).abs() < 1e-9);
    }
}
