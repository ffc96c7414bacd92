//! Detection of the times at which the run fits, generalises, or stops generalising.

use crate::math;
use crate::metrics::Metrics;

/// Test accuracy that counts as generalising.
pub const GROK_ACCURACY: f64 = 0.95;
/// Drop of test accuracy below its early value that counts as misgrokking.
pub const DROP_ACCURACY: f64 = 0.20;
/// Regression is fitted when the train loss falls below this fraction of its start.
pub const FIT_LOSS_FRACTION: f64 = 0.01;
/// Regression generalises when the test loss falls below this fraction of its plateau.
pub const GROK_LOSS_FRACTION: f64 = 0.10;

/// Transition times of a run (None while they have not happened).
#[derive(Clone, Copy, Debug, PartialEq, Default)]
pub struct Transitions {
    /// Training set fitted: train accuracy first 100% (classification) or train loss first
    /// below 1% of its start (regression). Detected at every step.
    pub t_fit: Option<f64>,
    /// Test accuracy first ≥ 95% (classification), or, after the fit, test loss first below
    /// 10% of its plateau (regression). Interpolated in `ln t` between grid points.
    pub t_grok: Option<f64>,
    /// After the fit, test accuracy first 20 points below its value at the fit.
    pub t_drop: Option<f64>,
}

/// Watches the train evaluations at every step and the metrics at every grid time.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct TransitionDetector {
    classification: bool,
    found: Transitions,
    initial_train_loss: Option<f64>,
    /// Test accuracy or loss at the first grid time at or after the fit.
    early_test: Option<f64>,
    previous: Option<Metrics>,
}

impl TransitionDetector {
    pub(crate) fn new(classification: bool) -> Self {
        Self {
            classification,
            ..Self::default()
        }
    }

    pub(crate) fn transitions(&self) -> Transitions {
        self.found
    }

    /// The training loss and accuracy at time `t` (called at every step).
    pub(crate) fn observe_train(&mut self, t: f64, loss: f64, accuracy: f64) {
        let initial = *self.initial_train_loss.get_or_insert(loss);
        if self.found.t_fit.is_none() {
            let fitted = if self.classification {
                accuracy >= 1.0
            } else {
                loss < FIT_LOSS_FRACTION * initial
            };
            if fitted {
                self.found.t_fit = Some(t);
            }
        }
    }

    /// The metrics at a grid time.
    pub(crate) fn observe(&mut self, m: &Metrics) {
        let fit_seen = self.found.t_fit.is_some_and(|t_fit| t_fit <= m.t);
        let value = if self.classification {
            m.test_acc.unwrap_or(0.0)
        } else {
            m.test_loss
        };
        let previous = self.previous.map(|p| {
            let v = if self.classification {
                p.test_acc.unwrap_or(0.0)
            } else {
                p.test_loss
            };
            (p.t, v)
        });
        if self.classification {
            if self.found.t_grok.is_none() && value >= GROK_ACCURACY {
                self.found.t_grok = Some(crossing(previous, (m.t, value), GROK_ACCURACY));
            }
            if let Some(early) = self.early_test {
                let threshold = early - DROP_ACCURACY;
                if self.found.t_drop.is_none() && value <= threshold {
                    self.found.t_drop = Some(crossing(previous, (m.t, value), threshold));
                }
            }
        } else if let Some(plateau) = self.early_test {
            let threshold = GROK_LOSS_FRACTION * plateau;
            if self.found.t_grok.is_none() && value < threshold {
                self.found.t_grok = Some(crossing(previous, (m.t, value), threshold));
            }
        }
        if fit_seen && self.early_test.is_none() {
            self.early_test = Some(value);
        }
        self.previous = Some(*m);
    }
}

/// Time at which a quantity crossed `threshold` between two grid samples, linear in `ln t`
/// (the second time when there is no earlier sample or the first is `t = 0`).
fn crossing(before: Option<(f64, f64)>, after: (f64, f64), threshold: f64) -> f64 {
    let (t1, v1) = after;
    match before {
        Some((t0, v0)) if t0 > 0.0 && v1 != v0 => {
            let fraction = ((threshold - v0) / (v1 - v0)).clamp(0.0, 1.0);
            let (l0, l1) = (math::ln(t0), math::ln(t1));
            math::exp(l0 + fraction * (l1 - l0))
        }
        _ => t1,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(t: f64, test_acc: f64) -> Metrics {
        Metrics {
            t,
            test_acc: Some(test_acc),
            train_acc: Some(1.0),
            ..Metrics::default()
        }
    }

    #[test]
    fn grokking_time_is_interpolated_in_log_time() {
        let mut det = TransitionDetector::new(true);
        det.observe_train(0.0, 0.69, 0.5);
        det.observe_train(0.01, 0.5, 1.0);
        for (t, acc) in [(0.0, 0.5), (0.01, 0.5), (100.0, 0.5), (10_000.0, 1.0)] {
            det.observe(&at(t, acc));
        }
        let found = det.transitions();
        assert_eq!(found.t_fit, Some(0.01));
        // 0.95 is 90% of the way from 0.5 to 1.0: ln t = ln 100 + 0.9 · ln 100.
        let expected = 100.0 * 100f64.powf(0.9);
        let t_grok = found.t_grok.expect("grokked");
        assert!(
            (t_grok / expected - 1.0).abs() < 1e-12,
            "{t_grok} vs {expected}"
        );
        assert_eq!(found.t_drop, None);
    }

    #[test]
    fn misgrokking_drop_is_relative_to_the_early_value() {
        let mut det = TransitionDetector::new(true);
        det.observe_train(1.0, 0.1, 1.0);
        for (t, acc) in [(1.0, 0.99), (10.0, 0.9), (100.0, 0.7), (1000.0, 0.55)] {
            det.observe(&at(t, acc));
        }
        let found = det.transitions();
        assert_eq!(found.t_grok, Some(1.0));
        let t_drop = found.t_drop.expect("dropped");
        assert!(t_drop > 10.0 && t_drop < 100.0, "{t_drop}");
    }

    #[test]
    fn regression_uses_loss_fractions() {
        let mut det = TransitionDetector::new(false);
        det.observe_train(0.0, 10.0, 0.0);
        det.observe_train(1.0, 0.05, 0.0);
        let loss_at = |t, test_loss| Metrics {
            t,
            test_loss,
            ..Metrics::default()
        };
        for (t, loss) in [(0.0, 5.0), (1.0, 4.0), (10.0, 3.9), (100.0, 0.2)] {
            det.observe(&loss_at(t, loss));
        }
        let found = det.transitions();
        assert_eq!(found.t_fit, Some(1.0));
        let t_grok = found.t_grok.expect("recovered");
        assert!(t_grok > 10.0 && t_grok < 100.0);
    }
}
