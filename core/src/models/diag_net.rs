//! The diagonal linear network `f(x) = ⟨u^L − v^L, x⟩`.

use crate::data::Dataset;
use crate::models::model::{Model, ModelSizes, Structure};
use crate::numbers::math;
use crate::numbers::scalar::Scalar;

/// Diagonal linear net of depth `L` on inputs of dimension `d`; parameters `θ = (u, v)`
/// stored as `[u₀ … u_{d−1}, v₀ … v_{d−1}]`.
///
/// Initialised at `u = v = α/√(2d)` (zero output, ‖θ(0)‖ = α, as in the paper's code).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct DiagNet {
    d: usize,
    depth: u32,
    init_scale: f64,
}

impl DiagNet {
    /// A net on `d` inputs with depth `depth` and `u_k(0) = v_k(0) = init_scale`.
    pub const fn new(d: usize, depth: u32, init_scale: f64) -> Self {
        Self {
            d,
            depth,
            init_scale,
        }
    }

    /// Sizes of a net on `d` inputs: `u` and `v`; scratch for `w`, then `Xᵀ·slopes`.
    pub(crate) const fn sizes(d: usize) -> ModelSizes {
        ModelSizes {
            params: d.saturating_mul(2),
            scratch: d.saturating_mul(2),
        }
    }

    /// Input dimension.
    pub const fn dim(&self) -> usize {
        self.d
    }
}

/// `(u, v)` halves of the parameter slice (short slices give short halves, never a panic).
#[inline]
fn halves<T>(params: &[T], d: usize) -> (&[T], &[T]) {
    params.split_at(d.min(params.len()))
}

impl<S: Scalar> Model<S> for DiagNet {
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
        self.depth
    }

    fn init(&self, params: &mut [S]) {
        params.fill(S::from_f64(self.init_scale));
    }

    fn predict(&self, params: &[S], data: &Dataset<'_>, scratch: &mut [S], out: &mut [S]) {
        let w = scratch.get_mut(..self.d).unwrap_or_default();
        <Self as Model<S>>::effective_weights(self, params, w);
        data.matvec(w, out);
    }

    fn backpropagate(
        &self,
        params: &[S],
        data: &Dataset<'_>,
        slopes: &[S],
        scratch: &mut [S],
        grad: &mut [S],
    ) {
        let xt_slopes = scratch.get_mut(self.d..2 * self.d).unwrap_or_default();
        data.matvec_transposed(slopes, xt_slopes);
        let (u, v) = halves(params, self.d);
        let (grad_u, grad_v) = grad.split_at_mut(self.d.min(grad.len()));
        let depth = S::from_f64(f64::from(self.depth));
        let power = self.depth - 1;
        // ∂f/∂u_j = L u_j^{L−1} x_j and ∂f/∂v_j = −L v_j^{L−1} x_j.
        for (((gu, gv), (&uj, &vj)), &s) in grad_u
            .iter_mut()
            .zip(grad_v.iter_mut())
            .zip(u.iter().zip(v))
            .zip(xt_slopes.iter())
        {
            *gu += depth * uj.powi(power) * s;
            *gv -= depth * vj.powi(power) * s;
        }
    }

    fn effective_weights(&self, params: &[S], out: &mut [S]) -> bool {
        let (u, v) = halves(params, self.d);
        for ((w, &uj), &vj) in out.iter_mut().zip(u).zip(v) {
            *w = uj.powi(self.depth) - vj.powi(self.depth);
        }
        true
    }

    fn structure(&self, params: &[S], teacher: &[f32], scratch: &mut [S]) -> Structure {
        let w = scratch.get_mut(..self.d).unwrap_or_default();
        <Self as Model<S>>::effective_weights(self, params, w);
        let (mut l1, mut l2, mut miss, mut truth) = (0.0, 0.0, 0.0, 0.0);
        for (&wj, &tj) in w.iter().zip(teacher) {
            let (wj, tj) = (wj.to_f64(), f64::from(tj));
            l1 += wj.abs();
            l2 += wj * wj;
            miss += (wj - tj) * (wj - tj);
            truth += tj * tj;
        }
        Structure {
            w_l1: Some(l1),
            w_l2: Some(math::sqrt(l2)),
            truth_distance: (truth > 0.0).then(|| math::sqrt(miss / truth)),
            ..Structure::default()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Loss;
    use crate::data::Features;
    use crate::models::gradient_check::assert_gradient_matches;

    /// Gradient of the mean loss against central finite differences, in f64, for every
    /// scalar loss and depths 2 and 3.
    #[test]
    fn gradient_matches_finite_differences() {
        let x = [0.5f32, -1.0, 2.0, 1.5, 0.25, -0.75];
        let labels = [1.0f32, -1.0];
        let data = Dataset::new(Features::Reals(&x), &labels, 3).expect("sizes");
        let params = [0.7, 0.3, 0.9, 0.2, 0.6, 0.5];
        for depth in [2, 3] {
            let net = DiagNet::new(3, depth, 0.4);
            for loss in [Loss::Logistic, Loss::Exponential, Loss::Squared] {
                assert_gradient_matches(&net, &params, &data, loss, 1e-6);
            }
        }
    }

    #[test]
    fn init_has_zero_output_and_norm_alpha() {
        let d = 50;
        let alpha = 3.0;
        let net = DiagNet::new(d, 2, alpha / (2.0 * d as f64).sqrt());
        let mut params = [0.0f64; 100];
        net.init(&mut params);
        let norm = params.iter().map(|p| p * p).sum::<f64>().sqrt();
        assert!((norm - alpha).abs() < 1e-12);
        let mut w = [1.0f64; 50];
        net.effective_weights(&params, &mut w);
        assert!(w.iter().all(|&wj| wj == 0.0));
    }
}
