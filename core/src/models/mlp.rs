//! The homogeneous two-layer MLP `f(x) = W₂·σ(W₁x + b₁)` on one-hot pairs (fig. 2).

use crate::config::Activation;
use crate::data::Dataset;
use crate::models::model::{Model, ModelSizes, PAIR_BLOCK};
use crate::numbers::bands::for_each_band;
use crate::numbers::linalg::{dot, mul_add};
use crate::numbers::matrix::{MatMut, MatRef, transpose};
use crate::numbers::rng::{Rng, Stream};
use crate::numbers::scalar::Scalar;

/// Examples whose hidden layers are formed at once, by width: from width 128 on, blocks of
/// 256 that split into [`BAND`]s for the threads with few hand-offs between them (p = 97,
/// width 256: 9.5 ms a step with blocks of 32, 8.0 ms with 256; width 1024: 30 ms with 64,
/// 22.5 ms with 256 in bands); narrow networks a small scratch (`mlp-tiny` on a 64 KiB
/// board). Every sum over examples runs in example order, so the block changes no bit; it
/// depends on the configuration only, so the stochastic-rounding draws, which follow the
/// order of the operations, are the same on every target too.
const fn hidden_block(width: usize) -> usize {
    if width >= 128 { 256 } else { 16 }
}

/// Examples per task when a block is shared among threads.
const BAND: usize = 64;

/// Rows of `[W₁ | b₁]` per task when their gradients are shared among threads.
const W1_BAND: usize = 16;

/// Examples per pass of the objective (the length of its output buffers): the hidden block of
/// wide networks, [`PAIR_BLOCK`] otherwise.
pub(crate) const fn examples_per_pass(width: usize) -> usize {
    if hidden_block(width) > PAIR_BLOCK {
        hidden_block(width)
    } else {
        PAIR_BLOCK
    }
}

/// Two-layer MLP for modular addition: input `e_a ‖ e_b` (2p), hidden width `h`, `p`
/// outputs, no output bias, so `f` is 2-homogeneous in `(W₁, b₁, W₂)` with ReLU (3 with the
/// quadratic activation).
///
/// Parameters `[W₁ | b₁ | W₂]`: `W₁` stored input-major (row `r` is the `h` weights of input
/// `r`, so a one-hot input is one row), then `b₁` (`h`), then `W₂` row-major (`p × h`).
/// Initialised as the paper's code does: Kaiming-normal by fan-in times `α`, gain √2 for `W₁`
/// (it feeds the activation) and 1 for `W₂`, `b₁ = 0`; `W₂ = 0` when `zero_output` is set
/// (the paper's option that makes `f(θ(0)) = 0`).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Mlp {
    p: usize,
    width: usize,
    alpha: f64,
    activation: Activation,
    zero_output: bool,
    seed: u64,
}

impl Mlp {
    /// An MLP for residues mod `p` with `width` hidden units.
    pub const fn new(
        p: usize,
        width: usize,
        alpha: f64,
        activation: Activation,
        zero_output: bool,
        seed: u64,
    ) -> Self {
        Self {
            p,
            width,
            alpha,
            activation,
            zero_output,
            seed,
        }
    }

    /// Sizes for residues mod `p` and `width` hidden units: `W₁` (2p × width), `b₁`, `W₂`
    /// (p × width); scratch for the transposed outputs, pre-activations and hidden layer of
    /// [`hidden_block`] examples.
    pub(crate) const fn sizes(p: usize, width: usize) -> ModelSizes {
        ModelSizes {
            params: p.saturating_mul(3).saturating_add(1).saturating_mul(width),
            scratch: hidden_block(width).saturating_mul(p.saturating_add(width.saturating_mul(2))),
        }
    }

    fn split<'a, S>(&self, params: &'a [S]) -> (&'a [S], &'a [S], &'a [S]) {
        let (w1, rest) = params.split_at((2 * self.p * self.width).min(params.len()));
        let (b1, w2) = rest.split_at(self.width.min(rest.len()));
        (w1, b1, w2)
    }

    /// Scratch as transposed outputs (`p × block`), pre-activations and hidden layer
    /// (`block × h` each), for blocks of [`hidden_block`] examples.
    fn scratch<'a, S>(&self, scratch: &'a mut [S]) -> (&'a mut [S], &'a mut [S], &'a mut [S]) {
        let (h, block) = (self.width, hidden_block(self.width));
        let (outputs, rest) = scratch.split_at_mut((self.p * block).min(scratch.len()));
        let (pre, rest) = rest.split_at_mut((block * h).min(rest.len()));
        let hidden = rest.get_mut(..block * h).unwrap_or_default();
        (outputs, pre, hidden)
    }

    /// Pre-activations `z_i = W₁[a] + W₁[p + b] + b₁` and hidden layer `σ(z_i)` of each
    /// example `(a, b)` of `block`, one row of `pre` and `hidden` per example.
    fn hidden_layer<S: Scalar>(
        &self,
        (w1, b1): (&[S], &[S]),
        block: &Dataset<'_>,
        pre: &mut [S],
        hidden: &mut [S],
    ) {
        let h = self.width.max(1);
        S::vectorized(
            #[inline(always)]
            || {
                for (i, (z_row, y_row)) in pre
                    .chunks_exact_mut(h)
                    .zip(hidden.chunks_exact_mut(h))
                    .enumerate()
                    .take(block.len())
                {
                    let Some((a, b)) = block.pair(i) else {
                        continue;
                    };
                    let row_a = w1.get(a * h..(a + 1) * h).unwrap_or_default();
                    let row_b = w1
                        .get((self.p + b) * h..(self.p + b + 1) * h)
                        .unwrap_or_default();
                    for ((((z, y), &x), &v), &c) in z_row
                        .iter_mut()
                        .zip(y_row.iter_mut())
                        .zip(row_a)
                        .zip(row_b)
                        .zip(b1)
                    {
                        *z = x + v + c;
                        *y = self.activate(*z);
                    }
                }
            },
        );
    }

    /// Whether blocks are worth sharing among threads: IEEE formats only (see
    /// [`Mlp::backpropagate`]), and 2²⁰ multiply-adds or more in a band's product, so that the
    /// work outweighs waking a worker (about 100 µs on the 2-core VM: p = 23, width 600 took
    /// 1.01 s for fig2-small's first 300 time units in bands of 0.9·10⁶, 0.64 s on one thread).
    fn shared<S: Scalar>(&self) -> bool {
        S::IEEE && BAND.saturating_mul(self.width).saturating_mul(self.p) >= 1 << 20
    }

    #[inline]
    fn activate<S: Scalar>(&self, z: S) -> S {
        match self.activation {
            Activation::Relu => {
                if z > S::ZERO {
                    z
                } else {
                    S::ZERO
                }
            }
            Activation::Quadratic => z * z,
        }
    }

    #[inline]
    fn activation_slope<S: Scalar>(&self, z: S) -> S {
        match self.activation {
            Activation::Relu => {
                if z > S::ZERO {
                    S::ONE
                } else {
                    S::ZERO
                }
            }
            Activation::Quadratic => z + z,
        }
    }
}

impl<S: Scalar> Model<S> for Mlp {
    fn param_count(&self) -> usize {
        Self::sizes(self.p, self.width).params
    }

    fn scratch_len(&self) -> usize {
        Self::sizes(self.p, self.width).scratch
    }

    fn outputs(&self) -> usize {
        self.p
    }

    fn degree(&self) -> u32 {
        match self.activation {
            Activation::Relu => 2,
            Activation::Quadratic => 3,
        }
    }

    fn init(&self, params: &mut [S]) {
        let mut rng = Rng::new(self.seed, Stream::Init);
        let w1_len = 2 * self.p * self.width;
        let std_w1 = self.alpha * crate::numbers::math::sqrt(2.0 / (2 * self.p) as f64);
        let std_w2 = self.alpha * crate::numbers::math::sqrt(1.0 / self.width as f64);
        for (k, x) in params.iter_mut().enumerate() {
            *x = if k < w1_len {
                S::from_f64(std_w1 * rng.normal())
            } else if k < w1_len + self.width || self.zero_output {
                S::ZERO
            } else {
                S::from_f64(std_w2 * rng.normal())
            };
        }
    }

    fn predict(&self, params: &[S], data: &Dataset<'_>, scratch: &mut [S], out: &mut [S]) {
        let (h, p) = (self.width, self.p);
        let (w1, b1, w2) = self.split(params);
        let (outputs_t, pre, hidden) = self.scratch(scratch);
        let blocks = data
            .blocks(hidden_block(h))
            .zip(out.chunks_mut((hidden_block(h) * p).max(1)));
        let parallel = self.shared::<S>();
        for (block, logits) in blocks {
            self.hidden_layer((w1, b1), &block, pre, hidden);
            if !S::IEEE {
                // Eight partial sums per output: f_c(x_i) = dot(W₂[c], σ(z_i)) (`Scalar::IEEE`).
                let examples = logits
                    .chunks_exact_mut(p.max(1))
                    .zip(hidden.chunks_exact(h.max(1)));
                for (example, y) in examples {
                    for (f, w2_row) in example.iter_mut().zip(w2.chunks_exact(h.max(1))) {
                        *f = dot(w2_row, y);
                    }
                }
                continue;
            }
            // Bands of examples, each a task: its hidden layer, σ(z)ᵀ (over its
            // pre-activations, no longer needed), one row per hidden unit, so that the product
            // runs along the examples: f_c(x_i) = Σ_j W₂[c, j]·σ(z_ij), j ascending, into its
            // transposed outputs, then its rows of the logits.
            let rows = block.len();
            let buffers = [&mut *pre, &mut *hidden, &mut *outputs_t, logits];
            for_each_band(
                buffers,
                [h, h, p, p],
                rows,
                BAND,
                parallel,
                |first, bufs| {
                    let [hidden_t, hidden, outputs_t, logits] = bufs;
                    let n = BAND.min(rows - first);
                    self.hidden_layer((w1, b1), &block.rows(first, n), hidden_t, hidden);
                    S::vectorized(
                        #[inline(always)]
                        || transpose(hidden, n, h, hidden_t),
                    );
                    let outputs_t = outputs_t.get_mut(..p * n).unwrap_or_default();
                    outputs_t.fill(S::ZERO);
                    S::mul_add_matrix(
                        MatMut::row_major(outputs_t, p, n),
                        MatRef::row_major(w2, p, h),
                        MatRef::row_major(hidden_t, h, n),
                    );
                    S::vectorized(
                        #[inline(always)]
                        || transpose(outputs_t, p, n, logits),
                    );
                },
            );
        }
    }

    fn backpropagate(
        &self,
        params: &[S],
        data: &Dataset<'_>,
        slopes: &[S],
        scratch: &mut [S],
        grad: &mut [S],
    ) {
        let (h, p) = (self.width, self.p);
        let (w1, b1, w2) = self.split(params);
        // [W₁ | b₁] as 2p + 1 rows of h: b₁'s gradient is the row every example adds to.
        let (g_w1_b1, g_w2) = grad.split_at_mut(((2 * p + 1) * h).min(grad.len()));
        let (_, pre, hidden) = self.scratch(scratch);
        let parallel = self.shared::<S>();
        // Every sum over examples runs in example order, block after block, so a data set
        // split into blocks gives the bits of one pass. Bands of rows are tasks on rayon's
        // threads for IEEE formats (whose every output is one task's sum); the emulated
        // formats take one band, so their operations, and the stochastic-rounding draws,
        // keep one order.
        for (block, s) in data
            .blocks(hidden_block(h))
            .zip(slopes.chunks((hidden_block(h) * p).max(1)))
        {
            let rows = block.len();
            let band = if parallel { BAND } else { rows };
            for_each_band(
                [&mut *pre, &mut *hidden],
                [h, h],
                rows,
                band,
                parallel,
                |first, [pre, hidden]| {
                    self.hidden_layer(
                        (w1, b1),
                        &block.rows(first, band.min(rows - first)),
                        pre,
                        hidden,
                    );
                },
            );
            // ∂/∂W₂[c, j] = Σ_i s_ic·σ(z_ij), by bands of classes when shared.
            let (g, s_t, y) = (
                MatMut::row_major(g_w2, p, h),
                MatRef::row_major(s, rows, p).transposed(),
                MatRef::row_major(hidden, rows, h),
            );
            if parallel {
                mul_add(g, s_t, y);
            } else {
                S::mul_add_matrix(g, s_t, y);
            }
            // ∂/∂σ(z_ij) = Σ_c s_ic·W₂[c, j] (into `hidden`, no longer needed), then
            // ∂/∂z_ij = σ'(z_ij)·∂/∂σ(z_ij), shared by W₁[a], W₁[p + b] and b₁.
            for_each_band(
                [&mut *hidden, &mut *pre],
                [h, h],
                rows,
                band,
                parallel,
                |first, [g_hidden, pre]| {
                    let n = band.min(rows - first);
                    let g_hidden = g_hidden.get_mut(..n * h).unwrap_or_default();
                    g_hidden.fill(S::ZERO);
                    S::mul_add_matrix(
                        MatMut::row_major(g_hidden, n, h),
                        MatRef::row_major(s.get(first * p..).unwrap_or_default(), n, p),
                        MatRef::row_major(w2, p, h),
                    );
                    S::vectorized(
                        #[inline(always)]
                        || {
                            for (g, &z) in g_hidden.iter_mut().zip(pre.iter()) {
                                *g *= self.activation_slope(z);
                            }
                        },
                    );
                },
            );
            // Rows a and p + b of W₁ and b₁'s row gain ∂/∂z_i, example by example; a task
            // owns a band of those rows.
            let g_hidden = &*hidden;
            let input_rows = 2 * p + 1;
            let row_band = if parallel { W1_BAND } else { input_rows };
            for_each_band(
                [&mut *g_w1_b1],
                [h],
                input_rows,
                row_band,
                parallel,
                |first, [g_rows]| {
                    S::vectorized(
                        #[inline(always)]
                        || {
                            for (i, g_z) in g_hidden.chunks_exact(h.max(1)).take(rows).enumerate() {
                                let Some((a, b)) = block.pair(i) else {
                                    continue;
                                };
                                for row in [a, p + b, 2 * p] {
                                    let Some(local) = row.checked_sub(first) else {
                                        continue;
                                    };
                                    let Some(g_row) = g_rows.get_mut(local * h..(local + 1) * h)
                                    else {
                                        continue;
                                    };
                                    for (g, &gz) in g_row.iter_mut().zip(g_z) {
                                        *g += gz;
                                    }
                                }
                            }
                        },
                    );
                },
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Loss;
    use crate::data::{Features, pack_pair};
    use crate::models::gradient_check::assert_gradient_matches;
    use crate::numbers::rng::{Rng, Stream};

    /// Cross-entropy gradient against central finite differences, for both activations.
    #[test]
    fn gradient_matches_finite_differences() {
        let (p, width) = (3, 4);
        let pairs = [pack_pair(0, 1), pack_pair(2, 2), pack_pair(1, 0)];
        let labels = [1.0f32, 1.0, 1.0];
        let data = Dataset::new(Features::Pairs(&pairs), &labels, p).expect("sizes");
        for activation in Activation::ALL {
            let net = Mlp::new(p, width, 1.0, activation, false, 3);
            let mut params = std::vec![0.0f64; 40];
            net.init(&mut params);
            // Non-zero biases so that ReLU kinks are away from the probe points.
            for (k, b) in params[24..28].iter_mut().enumerate() {
                *b = 0.1 * (k as f64 + 1.0);
            }
            assert_gradient_matches(&net, &params, &data, Loss::CrossEntropy, 1e-6);
        }
    }

    /// A wide network, whose blocks are split into bands among threads (300 examples: a
    /// block of 256 and one of 44), computes every output and gradient entry in the order the
    /// kernels define (each a sum over its index ascending, one fma per term; examples in
    /// order), written out here as plain loops.
    #[test]
    fn shared_blocks_give_the_bits_of_the_plain_loops() {
        let (p, h, n) = (17, 1024, 300);
        let mut rng = Rng::new(4, Stream::Train);
        let mut draw = |m: usize| rng.below(m as u64) as usize;
        let pairs: std::vec::Vec<u64> = (0..n).map(|_| pack_pair(draw(p), draw(p))).collect();
        let labels = std::vec![0.0f32; n];
        let data = Dataset::new(Features::Pairs(&pairs), &labels, p).expect("sizes");
        let net = Mlp::new(p, h, 1.0, Activation::Relu, false, 5);
        assert!(net.shared::<f32>(), "the blocks are shared");
        let mut params = std::vec![0.0f32; (3 * p + 1) * h];
        net.init(&mut params);
        for (k, b) in params[2 * p * h..(2 * p + 1) * h].iter_mut().enumerate() {
            *b = (k % 7) as f32 * 0.05 - 0.15;
        }
        let slopes: std::vec::Vec<f32> = (0..n * p).map(|_| rng.normal() as f32).collect();
        let mut scratch = std::vec![0.0f32; <Mlp as Model<f32>>::scratch_len(&net)];
        let mut logits = std::vec![0.0f32; n * p];
        net.predict(&params, &data, &mut scratch, &mut logits);
        let mut grad = std::vec![0.0f32; params.len()];
        net.backpropagate(&params, &data, &slopes, &mut scratch, &mut grad);

        let (w1, b1, w2) = net.split(&params);
        let mut want_grad = std::vec![0.0f32; params.len()];
        let (g_w1_b1, g_w2) = want_grad.split_at_mut((2 * p + 1) * h);
        for (i, (f, s)) in logits.chunks(p).zip(slopes.chunks(p)).enumerate() {
            let (a, b) = data.pair(i).expect("pair");
            let z: std::vec::Vec<f32> = (0..h)
                .map(|j| w1[a * h + j] + w1[(p + b) * h + j] + b1[j])
                .collect();
            let y: std::vec::Vec<f32> = z.iter().map(|&z| if z > 0.0 { z } else { 0.0 }).collect();
            for c in 0..p {
                let want = (0..h).fold(0.0, |acc, j| libm::fmaf(w2[c * h + j], y[j], acc));
                assert_eq!(f[c].to_bits(), want.to_bits(), "logit ({i}, {c})");
                for j in 0..h {
                    g_w2[c * h + j] = libm::fmaf(s[c], y[j], g_w2[c * h + j]);
                }
            }
            for j in 0..h {
                let g = (0..p).fold(0.0, |acc, c| libm::fmaf(s[c], w2[c * h + j], acc));
                let g = g * if z[j] > 0.0 { 1.0 } else { 0.0 };
                for row in [a, p + b, 2 * p] {
                    g_w1_b1[row * h + j] += g;
                }
            }
        }
        for (k, (got, want)) in grad.iter().zip(&want_grad).enumerate() {
            assert_eq!(got.to_bits(), want.to_bits(), "gradient entry {k}");
        }
    }

    #[test]
    fn output_is_homogeneous_of_its_degree() {
        let (p, width) = (5, 8);
        let pairs = [pack_pair(1, 3), pack_pair(4, 0)];
        let labels = [4.0f32, 4.0];
        let data = Dataset::new(Features::Pairs(&pairs), &labels, p).expect("sizes");
        for activation in Activation::ALL {
            let net = Mlp::new(p, width, 1.0, activation, false, 9);
            let mut params = std::vec![0.0f64; (3 * p + 1) * width];
            net.init(&mut params);
            let scaled: std::vec::Vec<f64> = params.iter().map(|x| 2.0 * x).collect();
            let (mut f, mut g) = ([0.0; 10], [0.0; 10]);
            let mut scratch = std::vec![0.0; <Mlp as Model<f64>>::scratch_len(&net)];
            net.predict(&params, &data, &mut scratch, &mut f);
            net.predict(&scaled, &data, &mut scratch, &mut g);
            let factor = 2f64.powi(<Mlp as Model<f64>>::degree(&net) as i32);
            for (a, b) in f.iter().zip(&g) {
                assert!((b - factor * a).abs() < 1e-12 * (1.0 + b.abs()));
            }
        }
    }
}
