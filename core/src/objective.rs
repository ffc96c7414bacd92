//! The training objective `L(θ) = (1/n) Σ ℓ(f(θ; x_i), y_i)`: its gradient for the integrators
//! and its value, accuracy and margin for the metrics.

use crate::data::Dataset;
use crate::loss::Loss;
use crate::model::Model;
use crate::scalar::Scalar;

/// Loss and accuracy at the point where a gradient was taken.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Evaluation<S> {
    /// Mean training loss.
    pub loss: S,
    /// Number of training points with `y_i f_i > 0`.
    pub correct: usize,
}

/// Loss, accuracy and smallest margin of a model on one data set, in f64.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Fit {
    /// Mean loss.
    pub loss: f64,
    /// Fraction of points with `y_i f_i > 0`.
    pub accuracy: f64,
    /// `min_i y_i f_i`.
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
    /// `outputs` and `slopes` have length `n`, `scratch` the model's scratch length
    /// (checked by the caller).
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

    /// The model.
    pub(crate) fn model(&self) -> &M {
        &self.model
    }

    /// Writes `∇L(θ)` (without weight decay) into `grad` and returns the loss at `θ`.
    pub(crate) fn gradient(&mut self, params: &[S], grad: &mut [S]) -> Evaluation<S> {
        self.model
            .predict(params, &self.train, self.scratch, self.outputs);
        let inv_n = S::ONE / S::from_usize(self.train.len());
        let mut total = S::ZERO;
        let mut correct = 0;
        for ((slope, &f), &y) in self
            .slopes
            .iter_mut()
            .zip(self.outputs.iter())
            .zip(self.train.labels())
        {
            let y = S::from_f32(y);
            let (value, dl_df) = self.loss.value_and_slope(f, y);
            total += value;
            *slope = dl_df * inv_n;
            correct += usize::from(y * f > S::ZERO);
        }
        self.model
            .backpropagate(params, &self.train, self.slopes, self.scratch, grad);
        Evaluation {
            loss: total * inv_n,
            correct,
        }
    }

    /// Loss, accuracy and smallest margin of `θ` on `data`, using `outputs` (length of
    /// `data`) as scratch. Sums in f64: metrics observe the run, they do not steer it.
    pub(crate) fn fit(&mut self, params: &[S], data: &Dataset<'_>, outputs: &mut [S]) -> Fit {
        self.model.predict(params, data, self.scratch, outputs);
        let mut total = 0.0;
        let mut correct = 0usize;
        let mut min_margin = f64::INFINITY;
        for (&f, &y) in outputs.iter().zip(data.labels()) {
            let y = S::from_f32(y);
            total += self.loss.value_and_slope(f, y).0.to_f64();
            let margin = (y * f).to_f64();
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
}
