//! The training objective `L(θ) = (1/n) Σ ℓ(f(θ; x_i), y_i)`: its gradient for the integrators
//! and its value, accuracy and margin for the metrics.

use crate::config::Loss;
use crate::data::Dataset;
use crate::models::model::Model;
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
    /// `outputs` and `slopes` have length `n·k` (`k` outputs per example), `scratch` the
    /// model's scratch length (checked by the caller).
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

    /// Writes `∇L(θ)` (without weight decay) into `grad` and returns the loss at `θ`.
    pub(crate) fn gradient(&mut self, params: &[S], grad: &mut [S]) -> Evaluation<S> {
        let evaluation = self.slopes(params);
        self.model
            .backpropagate(params, &self.train, self.slopes, self.scratch, grad);
        evaluation
    }

    /// For a linear model `f = ⟨w, x⟩`: writes `∂L/∂w = Xᵀ·slopes` (length `d`) into `out`
    /// and returns the loss at `θ`.
    pub(crate) fn linear_gradient(&mut self, params: &[S], out: &mut [S]) -> Evaluation<S> {
        let evaluation = self.slopes(params);
        self.train.matvec_transposed(self.slopes, out);
        evaluation
    }

    /// Predicts the training set and writes `∂ℓ/∂f / n` into the slope buffer.
    fn slopes(&mut self, params: &[S]) -> Evaluation<S> {
        self.model
            .predict(params, &self.train, self.scratch, self.outputs);
        let k = self.rows();
        let inv_n = S::ONE / S::from_usize(self.train.len());
        let mut total = S::ZERO;
        let mut correct = 0;
        for ((slopes, f), &y) in self
            .slopes
            .chunks_exact_mut(k)
            .zip(self.outputs.chunks_exact(k))
            .zip(self.train.labels())
        {
            let example = self.loss.evaluate(f, y, inv_n, slopes);
            total += example.value;
            correct += usize::from(example.margin > S::ZERO);
        }
        Evaluation {
            loss: total * inv_n,
            correct,
        }
    }

    /// Writes `∇ ln L(θ) = ∇L/L` into `grad` and returns `ln L(θ)`, both computed from
    /// per-example logarithms so that nothing underflows when the loss is astronomically small.
    pub(crate) fn log_gradient(&mut self, params: &[S], grad: &mut [S]) -> Evaluation<S> {
        self.model
            .predict(params, &self.train, self.scratch, self.outputs);
        let k = self.rows();
        // ln Σ ℓ_i by a running log-sum-exp.
        let mut top = S::from_f64(f64::NEG_INFINITY);
        let mut sum = S::ZERO;
        let mut correct = 0;
        for (f, &y) in self.outputs.chunks_exact(k).zip(self.train.labels()) {
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
            correct += usize::from(self.loss.evaluate(f, y, S::ZERO, &mut ignore).margin > S::ZERO);
        }
        let log_total = top + sum.ln();
        for ((slopes, f), &y) in self
            .slopes
            .chunks_exact_mut(k)
            .zip(self.outputs.chunks_exact(k))
            .zip(self.train.labels())
        {
            self.loss.normalized_slopes(f, y, log_total, slopes);
        }
        self.model
            .backpropagate(params, &self.train, self.slopes, self.scratch, grad);
        Evaluation {
            loss: log_total - S::from_usize(self.train.len()).ln(),
            correct,
        }
    }

    /// Loss, accuracy and smallest margin of `θ` on `data`, using `outputs` (length
    /// `k·len(data)`) as scratch. Sums in f64: metrics observe the run, they do not steer it.
    pub(crate) fn fit(&mut self, params: &[S], data: &Dataset<'_>, outputs: &mut [S]) -> Fit {
        self.model.predict(params, data, self.scratch, outputs);
        let k = self.rows();
        let mut total = 0.0;
        let mut correct = 0usize;
        let mut min_margin = f64::INFINITY;
        let mut ignore = [S::ZERO; 0];
        for (f, &y) in outputs.chunks_exact(k).zip(data.labels()) {
            let example = self.loss.evaluate(f, y, S::ZERO, &mut ignore);
            total += example.value.to_f64();
            let margin = example.margin.to_f64();
            correct += usize::from(margin > 0.0);
            min_margin = min_margin.min(margin);
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
