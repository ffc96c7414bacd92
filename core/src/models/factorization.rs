//! Symmetric matrix factorisation `W = UUᵀ − VVᵀ` for matrix completion (fig. 3).

use crate::data::Dataset;
use crate::models::model::{Model, ModelSizes, Structure};
use crate::numbers::eigen;
use crate::numbers::linalg::dot;
use crate::numbers::math;
use crate::numbers::scalar::Scalar;

/// `W = UUᵀ − VVᵀ` with `U, V ∈ ℝ^{d×d}`; an example is an entry `(i, j)` and
/// `f = W_ij = ⟨U_i, U_j⟩ − ⟨V_i, V_j⟩`. Parameters `[U | V]`, each row-major.
/// Initialised at `U = V = α·I` (W = 0). 2-homogeneous.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct MatrixFactorization {
    d: usize,
    alpha: f64,
}

impl MatrixFactorization {
    /// A factorisation of `d × d` matrices started at `U = V = α·I`.
    pub const fn new(d: usize, alpha: f64) -> Self {
        Self { d, alpha }
    }

    /// Sizes for `d × d` matrices: `U` and `V`; scratch for `W` (and its eigenvalues).
    pub(crate) const fn sizes(d: usize) -> ModelSizes {
        let entries = d.saturating_mul(d);
        ModelSizes {
            params: entries.saturating_mul(2),
            scratch: entries,
        }
    }

    /// Writes `W = UUᵀ − VVᵀ` (row-major, `d²`) into `out`.
    pub fn matrix<S: Scalar>(&self, params: &[S], out: &mut [S]) {
        let d = self.d;
        let (u, v) = params.split_at((d * d).min(params.len()));
        // `max(1)`: d ≥ 2 after validation; written so that no panic path is compiled in.
        for (i, row) in out.chunks_exact_mut(d.max(1)).enumerate() {
            for (j, w) in row.iter_mut().enumerate() {
                *w = entry(u, v, d, i, j);
            }
        }
    }

    /// The singular values of `W`, largest first, into `out` (`d` of them; `scratch` holds
    /// `W` while it is diagonalised and needs `d²` entries). `W` is symmetric, so they are
    /// its absolute eigenvalues. Slices of the wrong length leave `out` untouched.
    pub fn singular_values<S: Scalar>(&self, params: &[S], scratch: &mut [S], out: &mut [f64]) {
        let d = self.d;
        let (Some(w), Some(out)) = (scratch.get_mut(..d * d), out.get_mut(..d)) else {
            return;
        };
        self.matrix(params, w);
        eigen::diagonalise(w, d);
        for (i, sigma) in out.iter_mut().enumerate() {
            *sigma = eigen::diagonal(w, d, i).to_f64().abs();
        }
        out.sort_unstable_by(|a, b| b.total_cmp(a));
    }
}

/// Row `i` of a `d`-column row-major matrix (empty out of range).
#[inline]
fn row<S>(m: &[S], d: usize, i: usize) -> &[S] {
    m.get(i * d..(i + 1) * d).unwrap_or_default()
}

#[inline]
fn entry<S: Scalar>(u: &[S], v: &[S], d: usize, i: usize, j: usize) -> S {
    dot(row(u, d, i), row(u, d, j)) - dot(row(v, d, i), row(v, d, j))
}

/// `dst[row i] += s · src[row j]`.
#[inline]
fn add_scaled_row<S: Scalar>(dst: &mut [S], src: &[S], d: usize, i: usize, j: usize, s: S) {
    let target = dst.get_mut(i * d..(i + 1) * d).unwrap_or_default();
    S::scaled_add(s, row(src, d, j), target);
}

impl<S: Scalar> Model<S> for MatrixFactorization {
    fn param_count(&self) -> usize {
        Self::sizes(self.d).params
    }

    fn scratch_len(&self) -> usize {
        Self::sizes(self.d).scratch
    }

    fn outputs(&self) -> usize {
        1
    }

    fn degree(&self) -> u32 {
        2
    }

    fn init(&self, params: &mut [S]) {
        let alpha = S::from_f64(self.alpha);
        let d = self.d.max(1);
        for (k, p) in params.iter_mut().enumerate() {
            let within = k % (d * d).max(1);
            *p = if within / d == within % d {
                alpha
            } else {
                S::ZERO
            };
        }
    }

    fn predict(&self, params: &[S], data: &Dataset<'_>, _scratch: &mut [S], out: &mut [S]) {
        let d = self.d;
        let (u, v) = params.split_at((d * d).min(params.len()));
        for (i, o) in out.iter_mut().enumerate().take(data.len()) {
            if let Some((a, b)) = data.pair(i) {
                *o = entry(u, v, d, a, b);
            }
        }
    }

    fn backpropagate(
        &self,
        params: &[S],
        data: &Dataset<'_>,
        slopes: &[S],
        _scratch: &mut [S],
        grad: &mut [S],
    ) {
        let d = self.d;
        let (u, v) = params.split_at((d * d).min(params.len()));
        let (gu, gv) = grad.split_at_mut((d * d).min(grad.len()));
        // ∂W_ab/∂U_a = U_b and ∂W_ab/∂U_b = U_a (both, so a = b gives 2U_a); V with a minus.
        for (i, &s) in slopes.iter().enumerate() {
            if let Some((a, b)) = data.pair(i) {
                add_scaled_row(gu, u, d, a, b, s);
                add_scaled_row(gu, u, d, b, a, s);
                add_scaled_row(gv, v, d, a, b, -s);
                add_scaled_row(gv, v, d, b, a, -s);
            }
        }
    }

    fn structure(&self, params: &[S], teacher: &[f32], scratch: &mut [S]) -> Structure {
        let d = self.d;
        let w = scratch.get_mut(..d * d).unwrap_or_default();
        self.matrix(params, w);
        let (mut miss, mut truth) = (0.0, 0.0);
        for (&x, &t) in w.iter().zip(teacher) {
            let (x, t) = (x.to_f64(), f64::from(t));
            miss += (x - t) * (x - t);
            truth += t * t;
        }
        eigen::diagonalise(w, d);
        let mut top = [0.0f64; 3];
        let mut nuclear = 0.0;
        for i in 0..d {
            // W is symmetric: its singular values are the absolute eigenvalues.
            let sigma = eigen::diagonal(w, d, i).to_f64().abs();
            nuclear += sigma;
            if let Some(slot) = top.iter().position(|&t| sigma > t) {
                top.copy_within(slot..2, slot + 1);
                if let Some(t) = top.get_mut(slot) {
                    *t = sigma;
                }
            }
        }
        Structure {
            nuclear_norm: Some(nuclear),
            singular_values: Some(top),
            truth_distance: (truth > 0.0).then(|| math::sqrt(miss / truth)),
            ..Structure::default()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Loss;
    use crate::data::{Features, pack_pair};
    use crate::models::gradient_check::assert_gradient_matches;

    #[test]
    fn gradient_matches_finite_differences() {
        let d = 3;
        let net = MatrixFactorization::new(d, 0.5);
        // Off-diagonal, diagonal and transposed entries.
        let pairs = [
            pack_pair(0, 1),
            pack_pair(2, 2),
            pack_pair(1, 0),
            pack_pair(2, 0),
        ];
        let targets = [0.3f32, -0.2, 0.5, 1.0];
        let data = Dataset::new(Features::Pairs(&pairs), &targets, d).expect("sizes");
        let params: std::vec::Vec<f64> =
            (0..18).map(|k| ((k * 7 % 11) as f64 - 5.0) / 9.0).collect();
        assert_gradient_matches(&net, &params, &data, Loss::Squared, 1e-7);
    }

    #[test]
    fn init_is_zero_matrix_and_structure_reads_the_spectrum() {
        let d = 4;
        let net = MatrixFactorization::new(d, 2.0);
        let mut params = [0.0f64; 32];
        net.init(&mut params);
        let mut w = [1.0; 16];
        net.matrix(&params, &mut w);
        assert!(w.iter().all(|&x| x == 0.0));
        // U = diag(1, 2, 0, 0), V = diag(0, 0, 3, 0): W = diag(1, 4, −9, 0).
        let mut params = [0.0f64; 32];
        params[0] = 1.0;
        params[5] = 2.0;
        params[16 + 10] = 3.0;
        let teacher = [0.0f32; 16];
        let mut scratch = [0.0; 16];
        let s = net.structure(&params, &teacher, &mut scratch);
        assert_eq!(s.nuclear_norm, Some(14.0));
        assert_eq!(s.singular_values, Some([9.0, 4.0, 1.0]));
        let mut all = [-1.0; 4];
        net.singular_values(&params, &mut scratch, &mut all);
        assert_eq!(all, [9.0, 4.0, 1.0, 0.0]);
    }
}
