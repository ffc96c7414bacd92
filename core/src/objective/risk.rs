//! The training objective `L(θ) = (1/n) Σ ℓ(f(θ; x_i), y_i)`: its gradient for the integrators
//! and its value, accuracy and margin for the metrics.

use crate::config::Loss;
use crate::data::Dataset;
use crate::models::model::Model;
use crate::numbers::bands::for_each_band;
use crate::numbers::scalar::Scalar;

/// Loss and accuracy at the point where a gradient was taken.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Evaluation<S> {
    /// Mean training loss (for the log-space gradient of `normalized-gd`, `ln` of it).
    pub loss: S,
    /// Number of training examples with a positive margin.
    pub correct: usize,
}

/// Loss, accuracy and smallest margin of a model on one data set, in f64.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Fit {
    /// Mean loss.
    pub loss: f64,
    /// Fraction of examples with a positive margin.
    pub accuracy: f64,
    /// Smallest margin (`y·f`, or `f_y − max_{c≠y} f_c`).
    pub min_margin: f64,
}

/// A model, a loss and the training set, with the buffers a gradient evaluation needs.
///
/// The output and slope buffers hold one block of examples: the whole training set, or, for
/// models that add each example's gradient in turn (the MLP, the factorization), a fixed
/// number of examples, so that memory does not grow with `n`. Sums run over the examples in
/// order either way, so the block length changes no bit of the result, except in the
/// stochastic-rounding formats, whose draws follow the order of the operations (there the
/// block is part of the run's definition, the same on every target).
#[derive(Debug)]
pub(crate) struct Objective<'a, S, M> {
    model: M,
    loss: Loss,
    train: Dataset<'a>,
    outputs: &'a mut [S],
    slopes: &'a mut [S],
    scratch: &'a mut [S],
}

impl<'a, S: Scalar, M: Model<S>> Objective<'a, S, M> {
    /// `outputs` and `slopes` have length `b·k` (a block of `b` examples, `k` outputs each),
    /// `scratch` the model's scratch length (checked by the caller).
    pub(crate) fn new(
        model: M,
        loss: Loss,
        train: Dataset<'a>,
        outputs: &'a mut [S],
        slopes: &'a mut [S],
        scratch: &'a mut [S],
    ) -> Self {
        Self {
            model,
            loss,
            train,
            outputs,
            slopes,
            scratch,
        }
    }

    pub(crate) fn model(&self) -> &M {
        &self.model
    }

    fn rows(&self) -> usize {
        self.model.outputs().max(1)
    }

    /// Examples per block of the training set.
    fn block(&self) -> usize {
        self.outputs.len() / self.rows()
    }

    /// Writes `∇L(θ)` (without weight decay) into `grad` and returns the loss at `θ`.
    pub(crate) fn gradient(&mut self, params: &[S], grad: &mut [S]) -> Evaluation<S> {
        grad.fill(S::ZERO);
        let mut sum = Evaluation {
            loss: S::ZERO,
            correct: 0,
        };
        let mut mean = S::ZERO;
        for block in self.train.blocks(self.block()) {
            mean = self.slopes(params, &block, &mut sum);
            let slopes = self.slopes.get(..block.len() * self.rows());
            self.model.backpropagate(
                params,
                &block,
                slopes.unwrap_or_default(),
                self.scratch,
                grad,
            );
        }
        Evaluation {
            loss: mean,
            correct: sum.correct,
        }
    }

    /// For a linear model `f = ⟨w, x⟩` (whose training set is one block): writes
    /// `∂L/∂w = Xᵀ·slopes` (length `d`) into `out` and returns the loss at `θ`.
    pub(crate) fn linear_gradient(&mut self, params: &[S], out: &mut [S]) -> Evaluation<S> {
        let mut sum = Evaluation {
            loss: S::ZERO,
            correct: 0,
        };
        let train = self.train;
        let mean = self.slopes(params, &train, &mut sum);
        self.train.matvec_transposed(self.slopes, out);
        Evaluation {
            loss: mean,
            correct: sum.correct,
        }
    }

    /// Predicts `block` and writes `∂ℓ/∂f / n` into the slope buffer; adds the block's summed
    /// loss and its correct examples to `sum` and returns the mean loss so far.
    ///
    /// The rounded operations come in the order prediction, 1/n, slopes, mean, the order
    /// in which the stochastic-rounding formats draw (the board snapshots pin it).
    fn slopes(&mut self, params: &[S], block: &Dataset<'_>, sum: &mut Evaluation<S>) -> S {
        self.model
            .predict(params, block, self.scratch, self.outputs);
        let inv_n = S::ONE / S::from_usize(self.train.len());
        let k = self.rows();
        if S::IEEE && k >= 2 && block.len() * k >= BANDED_LOSS_MIN {
            return self.slopes_in_bands(block, inv_n, sum);
        }
        let (loss, slopes, outputs) = (self.loss, &mut *self.slopes, &*self.outputs);
        per_example::<S, _>(
            loss,
            #[inline(always)]
            || {
                let examples = slopes
                    .chunks_exact_mut(k)
                    .zip(outputs.chunks_exact(k))
                    .zip(block.labels());
                for ((slopes, f), &y) in examples {
                    let example = loss.evaluate(f, y, inv_n, slopes);
                    sum.loss += example.value;
                    sum.correct += usize::from(example.margin > S::ZERO);
                }
            },
        );
        sum.loss * inv_n
    }

    /// [`Objective::slopes`] after the prediction, for large blocks of a multiclass loss in an
    /// IEEE format: bands of examples evaluated on rayon's threads, each example's value and
    /// margin parked in its outputs row (no longer needed), then summed in example order, so
    /// the bits are those of one loop (a wide MLP's softmax would otherwise run on one thread
    /// while the other falls asleep: 22.4–23.0 → 20.9–22.1 ms a step at p = 97, width 1024).
    fn slopes_in_bands(&mut self, block: &Dataset<'_>, inv_n: S, sum: &mut Evaluation<S>) -> S {
        let (k, n, loss, labels) = (self.rows(), block.len(), self.loss, block.labels());
        let buffers = [&mut *self.slopes, &mut *self.outputs];
        for_each_band(
            buffers,
            [k, k],
            n,
            LOSS_BAND,
            true,
            |first, [slopes, outputs]| {
                let labels = labels.get(first..).unwrap_or_default();
                per_example::<S, _>(
                    loss,
                    #[inline(always)]
                    || {
                        let rows = slopes.chunks_exact_mut(k).zip(outputs.chunks_exact_mut(k));
                        for ((slopes, f), &y) in rows.zip(labels) {
                            let example = loss.evaluate(f, y, inv_n, slopes);
                            if let [value, correct, ..] = f {
                                *value = example.value;
                                *correct = if example.margin > S::ZERO {
                                    S::ONE
                                } else {
                                    S::ZERO
                                };
                            }
                        }
                    },
                );
            },
        );
        for f in self.outputs.chunks_exact(k).take(n) {
            if let [value, correct, ..] = f {
                sum.loss += *value;
                sum.correct += usize::from(*correct > S::ZERO);
            }
        }
        sum.loss * inv_n
    }

    /// Writes `∇ ln L(θ) = ∇L/L` into `grad` and returns `ln L(θ)`, both computed from
    /// per-example logarithms so that nothing underflows when the loss is astronomically small.
    pub(crate) fn log_gradient(&mut self, params: &[S], grad: &mut [S]) -> Evaluation<S> {
        let k = self.rows();
        let (train, block_len) = (self.train, self.block());
        // ln Σ ℓ_i by a running log-sum-exp.
        let mut top = S::from_f64(f64::NEG_INFINITY);
        let mut sum = S::ZERO;
        let mut correct = 0;
        for block in train.blocks(block_len) {
            self.model
                .predict(params, &block, self.scratch, self.outputs);
            for (f, &y) in self.outputs.chunks_exact(k).zip(block.labels()) {
                let log_value = self.loss.log_value(f, y);
                if log_value == S::from_f64(f64::NEG_INFINITY) {
                    // An example with exactly zero loss adds nothing to Σ ℓ_i.
                } else if log_value > top {
                    sum = sum * (top - log_value).exp() + S::ONE;
                    top = log_value;
                } else {
                    sum += (log_value - top).exp();
                }
                let mut ignore = [S::ZERO; 0];
                correct +=
                    usize::from(self.loss.evaluate(f, y, S::ZERO, &mut ignore).margin > S::ZERO);
            }
        }
        let log_total = top + sum.ln();
        grad.fill(S::ZERO);
        let one_block = train.len() <= block_len;
        for block in train.blocks(block_len) {
            if !one_block {
                // The outputs hold the last block only: predict this one again.
                self.model
                    .predict(params, &block, self.scratch, self.outputs);
            }
            for ((slopes, f), &y) in self
                .slopes
                .chunks_exact_mut(k)
                .zip(self.outputs.chunks_exact(k))
                .zip(block.labels())
            {
                self.loss.normalized_slopes(f, y, log_total, slopes);
            }
            let slopes = self.slopes.get(..block.len() * k).unwrap_or_default();
            self.model
                .backpropagate(params, &block, slopes, self.scratch, grad);
        }
        Evaluation {
            loss: log_total - S::from_usize(train.len()).ln(),
            correct,
        }
    }

    /// Loss, accuracy and smallest margin of `θ` on `data`, block by block through `outputs`
    /// (length `k·b` for blocks of `b` examples). Sums in f64: metrics observe the run, they
    /// do not steer it.
    pub(crate) fn fit(&mut self, params: &[S], data: &Dataset<'_>, outputs: &mut [S]) -> Fit {
        let k = self.rows();
        let mut total = 0.0;
        let mut correct = 0usize;
        let mut min_margin = f64::INFINITY;
        let mut ignore = [S::ZERO; 0];
        for block in data.blocks(outputs.len() / k) {
            self.model.predict(params, &block, self.scratch, outputs);
            let (loss, outputs) = (self.loss, &*outputs);
            per_example::<S, _>(
                loss,
                #[inline(always)]
                || {
                    for (f, &y) in outputs.chunks_exact(k).zip(block.labels()) {
                        let example = loss.evaluate(f, y, S::ZERO, &mut ignore);
                        total += example.value.to_f64();
                        let margin = example.margin.to_f64();
                        correct += usize::from(margin > 0.0);
                        // Not `f64::min`: which zero it keeps of -0 and +0 depends on the
                        // target (x86's minsd keeps +0 here, wasm's f64.min -0), and the
                        // trace is the same bits on every target.
                        if margin < min_margin {
                            min_margin = margin;
                        }
                    }
                },
            );
        }
        let n = data.len().max(1) as f64;
        Fit {
            loss: total / n,
            accuracy: correct as f64 / n,
            min_margin,
        }
    }

    /// Fit on the training set (uses the objective's own output buffer).
    pub(crate) fn train_fit(&mut self, params: &[S]) -> Fit {
        let train = self.train;
        let outputs = core::mem::take(&mut self.outputs);
        let fit = self.fit(params, &train, outputs);
        self.outputs = outputs;
        fit
    }

    /// The model's effective weights written into the scratch, or None.
    pub(crate) fn effective_weights(&mut self, params: &[S]) -> Option<&[S]> {
        let d = self.train.dim();
        let w = self.scratch.get_mut(..d)?;
        self.model.effective_weights(params, w).then_some(&*w)
    }

    /// Model-specific summaries (uses the scratch).
    pub(crate) fn structure(
        &mut self,
        params: &[S],
        teacher: &[f32],
    ) -> crate::models::model::Structure {
        self.model.structure(params, teacher, self.scratch)
    }
}

/// Outputs (examples × classes) in a block from which [`Objective::slopes`] shares the loss
/// among threads.
const BANDED_LOSS_MIN: usize = 1 << 14;

/// Examples per task of the shared loss.
const LOSS_BAND: usize = 64;

/// Runs a loop over examples at the machine's vector level ([`Scalar::vectorized`]) when the
/// loss has a vector of classes per example (cross-entropy's softmax). A one-output loss is a
/// scalar chain per example, which the wider code only slows (gd step of the diagonal net at
/// d = 1000, n = 256: 49 µs without the level, 68 µs with it).
#[inline(always)]
fn per_example<S: Scalar, R>(loss: Loss, op: impl FnOnce() -> R) -> R {
    if loss.is_multiclass() {
        S::vectorized(op)
    } else {
        op()
    }
}

#[cfg(test)]
mod tests {
    use std::vec;

    use super::*;
    use crate::config::{Config, Task};
    use crate::data::generate;
    use crate::data::layout::DataLayout;
    use crate::models::Network;

    /// Evaluating the training set in blocks adds the same terms in the same order as one
    /// pass, so every bit of the loss, the gradient and the fit agrees, whatever the block.
    #[test]
    fn blocks_give_the_bits_of_one_pass() {
        let mlp = Config {
            task: Task::ModAdd,
            d: 7,
            width: 6,
            train_fraction: 0.6,
            loss: Loss::CrossEntropy,
            ..Config::default()
        };
        let completion = Config {
            task: Task::MatrixCompletion,
            d: 6,
            train_fraction: 0.5,
            loss: Loss::Squared,
            ..Config::default()
        };
        // p = 31: 576 training pairs, so the whole set as one block (576 · 31 outputs) takes
        // the loss in bands, which the smaller blocks do not.
        let wide_mlp = Config { d: 31, ..mlp };
        let configs = [mlp, wide_mlp, completion].map(|c| c.with_derived_sizes());
        for config in configs {
            let layout = DataLayout::of(&config).expect("valid");
            let (mut words, mut reals) = (vec![0; layout.words], vec![0.0; layout.reals]);
            let data = generate(&config, &mut words, &mut reals).expect("valid");
            let model = Network::for_config(&config);
            let k = config.outputs();
            let mut params = vec![0.0f32; Model::<f32>::param_count(&model)];
            model.init(&mut params);
            // Output layers start at zero; move them so that every gradient term is non-zero.
            for (j, p) in params.iter_mut().enumerate() {
                *p += 0.01 * (j % 7) as f32;
            }
            let evaluate = |block: usize| {
                let mut outputs = vec![0.0f32; block * k];
                let mut slopes = vec![0.0f32; block * k];
                let mut scratch = vec![0.0f32; Model::<f32>::scratch_len(&model)];
                let mut objective = Objective::new(
                    model,
                    config.loss,
                    data.train,
                    &mut outputs,
                    &mut slopes,
                    &mut scratch,
                );
                let mut grad = vec![0.0f32; params.len()];
                let mut log_grad = vec![0.0f32; params.len()];
                let value = objective.gradient(&params, &mut grad);
                let log_value = objective.log_gradient(&params, &mut log_grad);
                let mut test_outputs = vec![0.0f32; block * k];
                let fit = objective.fit(&params, &data.test, &mut test_outputs);
                let bits = |v: &[f32]| v.iter().map(|x| x.to_bits()).collect::<vec::Vec<_>>();
                (value, log_value, fit, bits(&grad), bits(&log_grad))
            };
            let whole = evaluate(config.n);
            assert!(whole.3.iter().any(|&g| g != 0), "{:?}", config.task);
            for block in [1, 5, config.n - 1] {
                assert_eq!(evaluate(block), whole, "{:?}, block {block}", config.task);
            }
        }
    }
}
