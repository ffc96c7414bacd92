//! Detection of the times at which the run fits, generalises, or stops generalising.
//!
//! Everything is tracked in `log10 t`, so that runs without weight decay, whose times reach
//! 10^100 and beyond, are handled like any other.

use crate::numbers::math::from_log10;
use crate::run::metrics::Metrics;

/// Test accuracy that counts as generalising.
pub const GROK_ACCURACY: f64 = 0.95;
/// Drop of test accuracy below its early value that counts as misgrokking.
pub const DROP_ACCURACY: f64 = 0.20;
/// Regression is fitted when the train loss falls below this fraction of its start.
pub const FIT_LOSS_FRACTION: f64 = 0.01;
/// Regression generalises when the test loss falls below this fraction of its plateau.
pub const GROK_LOSS_FRACTION: f64 = 0.10;
/// The training set is learned, not only fitted by the predictor's sign, when the train loss
/// falls below this fraction of its start.
pub const LEARNED_LOSS_FRACTION: f64 = 0.10;

/// Transition times of a run (None while they have not happened), as `log10 t`.
#[derive(Clone, Copy, Debug, PartialEq, Default)]
pub struct Transitions {
    /// Training set fitted: train accuracy first 100% (classification) or train loss first
    /// below 1% of its start (regression). Detected at every step.
    pub log10_t_fit: Option<f64>,
    /// Test accuracy first ≥ 95% (classification), or, after the fit, test loss first below
    /// 10% of its plateau (regression). Interpolated in `log t` between grid points.
    pub log10_t_grok: Option<f64>,
    /// After the fit, test accuracy first 20 points below its value at the fit.
    pub log10_t_drop: Option<f64>,
    /// Training set learned: train loss first below 10% of its start. Classification can fit
    /// long before (a tiny predictor whose signs are right, loss still ln 2); for regression
    /// it comes with or before the fit. Detected at every step.
    pub log10_t_learned: Option<f64>,
}

impl Transitions {
    /// `t_fit` (saturates at `f64::MAX`).
    pub fn t_fit(&self) -> Option<f64> {
        self.log10_t_fit.map(from_log10)
    }
    /// `t_grok` (saturates at `f64::MAX`).
    pub fn t_grok(&self) -> Option<f64> {
        self.log10_t_grok.map(from_log10)
    }
    /// `t_drop` (saturates at `f64::MAX`).
    pub fn t_drop(&self) -> Option<f64> {
        self.log10_t_drop.map(from_log10)
    }
    /// `t_learned` (saturates at `f64::MAX`).
    pub fn t_learned(&self) -> Option<f64> {
        self.log10_t_learned.map(from_log10)
    }
}

/// Watches the train evaluations at every step and the metrics at every grid time.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct TransitionDetector {
    classification: bool,
    found: Transitions,
    initial_train_loss: Option<f64>,
    /// Test accuracy or loss at the first grid time at or after the fit.
    early_test: Option<f64>,
    /// `(log10 t, watched value)` of the previous grid time.
    previous: Option<(f64, f64)>,
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

    /// The training loss and accuracy at `log10 t` (called at every step; `−∞` is t = 0).
    pub(crate) fn observe_train(&mut self, log10_t: f64, loss: f64, accuracy: f64) {
        let initial = *self.initial_train_loss.get_or_insert(loss);
        if self.found.log10_t_learned.is_none() && loss < LEARNED_LOSS_FRACTION * initial {
            self.found.log10_t_learned = Some(log10_t);
        }
        if self.found.log10_t_fit.is_none() {
            let fitted = if self.classification {
                accuracy >= 1.0
            } else {
                loss < FIT_LOSS_FRACTION * initial
            };
            if fitted {
                self.found.log10_t_fit = Some(log10_t);
            }
        }
    }

    /// The metrics at a grid time.
    pub(crate) fn observe(&mut self, m: &Metrics) {
        let now = m.log10_t.unwrap_or(f64::NEG_INFINITY);
        let fit_seen = self.found.log10_t_fit.is_some_and(|t_fit| t_fit <= now);
        let value = if self.classification {
            m.test_acc.unwrap_or(0.0)
        } else {
            m.test_loss
        };
        let here = (now, value);
        if self.classification {
            if self.found.log10_t_grok.is_none() && value >= GROK_ACCURACY {
                self.found.log10_t_grok = Some(crossing(self.previous, here, GROK_ACCURACY));
            }
            if let Some(early) = self.early_test {
                let threshold = early - DROP_ACCURACY;
                if self.found.log10_t_drop.is_none() && value <= threshold {
                    self.found.log10_t_drop = Some(crossing(self.previous, here, threshold));
                }
            }
        } else if let Some(plateau) = self.early_test {
            let threshold = GROK_LOSS_FRACTION * plateau;
            if self.found.log10_t_grok.is_none() && value < threshold {
                self.found.log10_t_grok = Some(crossing(self.previous, here, threshold));
            }
        }
        if fit_seen && self.early_test.is_none() {
            self.early_test = Some(value);
        }
        self.previous = Some(here);
    }
}

/// `log10` of the time at which a quantity crossed `threshold` between two grid samples,
/// linear in `log t` (the later time when there is no earlier sample or it is `t = 0`).
fn crossing(before: Option<(f64, f64)>, after: (f64, f64), threshold: f64) -> f64 {
    let (l1, v1) = after;
    match before {
        Some((l0, v0)) if l0.is_finite() && v1 != v0 => {
            let fraction = ((threshold - v0) / (v1 - v0)).clamp(0.0, 1.0);
            l0 + fraction * (l1 - l0)
        }
        _ => l1,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(t: f64, test_acc: f64) -> Metrics {
        Metrics {
            t,
            log10_t: (t > 0.0).then(|| t.log10()),
            test_acc: Some(test_acc),
            train_acc: Some(1.0),
            ..Metrics::default()
        }
    }

    #[test]
    fn grokking_time_is_interpolated_in_log_time() {
        let mut det = TransitionDetector::new(true);
        det.observe_train(f64::NEG_INFINITY, 0.69, 0.5);
        det.observe_train(-2.0, 0.5, 1.0);
        for (t, acc) in [(0.0, 0.5), (0.01, 0.5), (100.0, 0.5), (10_000.0, 1.0)] {
            det.observe(&at(t, acc));
        }
        let found = det.transitions();
        assert_eq!(found.t_fit(), Some(0.01));
        // 0.95 is 90% of the way from 0.5 to 1.0: log t = 2 + 0.9 · 2.
        let t_grok = found.t_grok().expect("grokked");
        let expected = 10f64.powf(3.8);
        assert!(
            (t_grok / expected - 1.0).abs() < 1e-12,
            "{t_grok} vs {expected}"
        );
        assert_eq!(found.t_drop(), None);
    }

    #[test]
    fn learning_needs_the_loss_down_not_only_the_signs_right() {
        let mut det = TransitionDetector::new(true);
        let ln2 = core::f64::consts::LN_2;
        det.observe_train(f64::NEG_INFINITY, ln2, 0.5);
        // Every sign right at once, the loss barely moved: fitted, not learned.
        det.observe_train(-2.0, 0.99 * ln2, 1.0);
        det.observe_train(0.0, 0.5 * ln2, 1.0);
        assert_eq!(det.transitions().t_fit(), Some(0.01));
        assert_eq!(det.transitions().t_learned(), None);
        // 0.1 of the start is not below it; the next step is.
        det.observe_train(0.5, 0.1 * ln2, 1.0);
        assert_eq!(det.transitions().t_learned(), None);
        det.observe_train(1.0, 0.09 * ln2, 1.0);
        assert_eq!(det.transitions().t_learned(), Some(10.0));
    }

    #[test]
    fn misgrokking_drop_is_relative_to_the_early_value() {
        let mut det = TransitionDetector::new(true);
        det.observe_train(0.0, 0.1, 1.0);
        for (t, acc) in [(1.0, 0.99), (10.0, 0.9), (100.0, 0.7), (1000.0, 0.55)] {
            det.observe(&at(t, acc));
        }
        let found = det.transitions();
        assert_eq!(found.t_grok(), Some(1.0));
        let t_drop = found.t_drop().expect("dropped");
        assert!(t_drop > 10.0 && t_drop < 100.0, "{t_drop}");
    }

    #[test]
    fn regression_uses_loss_fractions() {
        let mut det = TransitionDetector::new(false);
        det.observe_train(f64::NEG_INFINITY, 10.0, 0.0);
        det.observe_train(0.0, 0.05, 0.0);
        let loss_at = |t: f64, test_loss| Metrics {
            t,
            log10_t: (t > 0.0).then(|| t.log10()),
            test_loss,
            ..Metrics::default()
        };
        for (t, loss) in [(0.0, 5.0), (1.0, 4.0), (10.0, 3.9), (100.0, 0.2)] {
            det.observe(&loss_at(t, loss));
        }
        let found = det.transitions();
        assert_eq!(found.t_fit(), Some(1.0));
        let t_grok = found.t_grok().expect("recovered");
        assert!(t_grok > 10.0 && t_grok < 100.0);
    }

    #[test]
    fn astronomically_late_times_stay_exact_in_log10() {
        let mut det = TransitionDetector::new(true);
        det.observe_train(1.0, 0.1, 1.0);
        let at_log = |l: f64, acc| Metrics {
            t: f64::MAX,
            log10_t: Some(l),
            test_acc: Some(acc),
            ..Metrics::default()
        };
        det.observe(&at_log(400.0, 0.5));
        det.observe(&at_log(500.0, 1.0));
        let found = det.transitions();
        assert!((found.log10_t_grok.expect("grokked") - 490.0).abs() < 1e-9);
        assert_eq!(found.t_grok(), Some(f64::MAX));
    }
}
