//! Test support: a model's analytic gradient against central finite differences (f64).

use std::vec;

use crate::config::Loss;
use crate::data::Dataset;
use crate::models::model::Model;

/// Central difference step.
const STEP: f64 = 1e-6;

/// Mean loss of `model` at `params` on `data`.
fn mean_loss<M: Model<f64>>(model: &M, params: &[f64], data: &Dataset<'_>, loss: Loss) -> f64 {
    let k = model.outputs();
    let mut outputs = vec![0.0; data.len() * k];
    let mut scratch = vec![0.0; model.scratch_len()];
    model.predict(params, data, &mut scratch, &mut outputs);
    outputs
        .chunks_exact(k)
        .zip(data.labels())
        .map(|(f, &y)| loss.evaluate(f, y, 0.0, &mut []).value)
        .sum::<f64>()
        / data.len() as f64
}

/// Asserts that `backpropagate` of the mean loss matches central differences at `params`
/// within `max_error · (1 + |gradient|)` in every coordinate.
pub(crate) fn assert_gradient_matches<M: Model<f64>>(
    model: &M,
    params: &[f64],
    data: &Dataset<'_>,
    loss: Loss,
    max_error: f64,
) {
    let k = model.outputs();
    let n = data.len();
    let mut outputs = vec![0.0; n * k];
    let mut scratch = vec![0.0; model.scratch_len()];
    model.predict(params, data, &mut scratch, &mut outputs);
    let mut slopes = vec![0.0; n * k];
    for ((f, s), &y) in outputs
        .chunks_exact(k)
        .zip(slopes.chunks_exact_mut(k))
        .zip(data.labels())
    {
        loss.evaluate(f, y, 1.0 / n as f64, s);
    }
    let mut grad = vec![0.0; params.len()];
    model.backpropagate(params, data, &slopes, &mut scratch, &mut grad);
    for (j, &analytic) in grad.iter().enumerate() {
        let (mut up, mut down) = (params.to_vec(), params.to_vec());
        up[j] += STEP;
        down[j] -= STEP;
        let numeric = (mean_loss(model, &up, data, loss) - mean_loss(model, &down, data, loss))
            / (2.0 * STEP);
        assert!(
            (analytic - numeric).abs() < max_error * (1.0 + numeric.abs()),
            "{loss:?}, parameter {j}: analytic {analytic} vs numeric {numeric}"
        );
    }
}
