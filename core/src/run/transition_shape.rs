//! The shape of a run's transition, from its recorded generalisation curve: the plateau it
//! leaves (level and length) and how sharp the rise is (the times at 10% and 90% of the way
//! from the plateau to the final value). Pure functions of the curve: the same numbers
//! whoever recorded it.
//!
//! The curve is test accuracy for classification and `log10` test loss for regression
//! (there the "rise" is a fall; the fractions are of the signed distance).

use crate::numbers::math;
use crate::run::metrics::Metrics;

/// A change of the curve smaller than this (accuracy points, or decades of test loss) is no
/// transition: plateau and final value are the same level.
pub const MIN_RISE: f64 = 0.05;

/// Where the rise is measured: 10% and 90% of the way from the plateau to the final value.
pub const RISE_FRACTIONS: (f64, f64) = (0.1, 0.9);

/// The plateau before the transition and the transition's sharpness.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct TransitionShape {
    /// The curve's level on the plateau: its value at the first record at or after the fit.
    pub plateau_level: f64,
    /// The curve's last value.
    pub final_level: f64,
    /// `log10 t` of the plateau's start (the fit).
    pub log10_t_plateau: f64,
    /// `log10 t` at which the curve is first 10% of the way from the plateau to the final
    /// value (interpolated in `log t` between records).
    pub log10_t_rise_start: f64,
    /// `log10 t` at which it is first 90% of the way.
    pub log10_t_rise_end: f64,
}

impl TransitionShape {
    /// The plateau's length in decades of t (from the fit to 10% of the rise).
    pub fn plateau_decades(&self) -> f64 {
        self.log10_t_rise_start - self.log10_t_plateau
    }

    /// `t₉₀ / t₁₀`: 1 for a step, larger for a slower rise.
    pub fn sharpness_ratio(&self) -> f64 {
        math::from_log10(self.log10_t_rise_end - self.log10_t_rise_start)
    }

    /// `λ·(t₉₀ − t₁₀)`: the rise's width in units of the decay's time scale `1/λ`.
    pub fn width_in_decay_times(&self, lambda: f64) -> f64 {
        lambda
            * (math::from_log10(self.log10_t_rise_end) - math::from_log10(self.log10_t_rise_start))
    }

    /// A record's point on the test curve: `(log10 t, test accuracy)` for classification,
    /// `(log10 t, log10 test loss)` otherwise; none at t = 0 or for a non-finite value.
    pub fn curve_point(m: &Metrics, classification: bool) -> Option<(f64, f64)> {
        let value = if classification {
            m.test_acc?
        } else {
            math::log10(m.test_loss)
        };
        Some((m.log10_t?, value)).filter(|(_, v)| v.is_finite())
    }

    /// The shape of `curve` (`(log10 t, value)` at every record with `t > 0`, in time order),
    /// whose training set was fitted at `log10_t_fit`. None without a fit or when the curve
    /// ends less than [`MIN_RISE`] away from its plateau (the last record is the final value,
    /// so both crossings then exist).
    pub fn of(curve: &[(f64, f64)], log10_t_fit: Option<f64>) -> Option<Self> {
        let fit = log10_t_fit?;
        let after_fit = curve.partition_point(|&(l, _)| l < fit);
        let tail = curve.get(after_fit..)?;
        let &(_, at_fit) = tail.first()?;
        let &(_, final_level) = tail.last()?;
        let (start, end) = crossings(tail, at_fit, final_level)?;
        Some(Self {
            plateau_level: at_fit,
            final_level,
            log10_t_plateau: fit,
            log10_t_rise_start: start,
            log10_t_rise_end: end,
        })
    }
}

/// The first `log10 t` at which `curve` is 10% and 90% of the way from `from` to `to`.
fn crossings(curve: &[(f64, f64)], from: f64, to: f64) -> Option<(f64, f64)> {
    let span = to - from;
    if span.is_nan() || span.abs() < MIN_RISE {
        return None;
    }
    let progress = |v: f64| (v - from) / span;
    let crossing = |fraction: f64| {
        let mut previous: Option<(f64, f64)> = None;
        for &(l, v) in curve {
            let p = progress(v);
            if p >= fraction {
                return Some(match previous {
                    // Linear in log t between the records either side.
                    Some((l0, p0)) if p > p0 => l0 + (l - l0) * (fraction - p0) / (p - p0),
                    _ => l,
                });
            }
            previous = Some((l, p));
        }
        None
    };
    Some((crossing(RISE_FRACTIONS.0)?, crossing(RISE_FRACTIONS.1)?))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::vec::Vec;

    /// A logistic rise in `log10 t` from `low` to `high`, centred at `centre` with slope `k`
    /// per decade, recorded 20 times a decade from 10⁻² to 10⁵.
    fn logistic(low: f64, high: f64, centre: f64, k: f64) -> Vec<(f64, f64)> {
        (0..=140)
            .map(|i| {
                let l = -2.0 + f64::from(i) / 20.0;
                (l, low + (high - low) / (1.0 + libm::exp(-k * (l - centre))))
            })
            .collect()
    }

    #[test]
    fn a_logistic_rise_has_its_known_crossings() {
        // p = 1/(1 + e^{−k(l − c)}) reaches 0.1 at c − ln 9/k and 0.9 at c + ln 9/k.
        let (c, k) = (3.0, 4.0);
        let curve = logistic(0.5, 1.0, c, k);
        let shape = TransitionShape::of(&curve, Some(-2.0)).expect("a rise");
        let half = libm::log(9.0) / k;
        assert!(
            (shape.log10_t_rise_start - (c - half)).abs() < 0.05,
            "{shape:?}"
        );
        assert!(
            (shape.log10_t_rise_end - (c + half)).abs() < 0.05,
            "{shape:?}"
        );
        assert!((shape.plateau_level - 0.5).abs() < 1e-6, "{shape:?}");
        assert!((shape.plateau_decades() - (c - half + 2.0)).abs() < 0.05);
        let ratio = math::from_log10(2.0 * half);
        assert!(
            (shape.sharpness_ratio() / ratio - 1.0).abs() < 0.1,
            "{shape:?}"
        );
        let width = 1e-3 * (math::from_log10(c + half) - math::from_log10(c - half));
        assert!((shape.width_in_decay_times(1e-3) / width - 1.0).abs() < 0.1);
    }

    #[test]
    fn a_step_is_sharp_and_a_fall_counts_like_a_rise() {
        let step: Vec<_> = (0..=100)
            .map(|i| {
                let l = f64::from(i) / 20.0;
                (l, if l < 3.0 { 2.0 } else { -1.0 })
            })
            .collect();
        let shape = TransitionShape::of(&step, Some(0.0)).expect("a fall");
        assert_eq!(shape.plateau_level, 2.0);
        assert_eq!(shape.final_level, -1.0);
        // Both crossings lie between the last record before the step and the first on it.
        assert!(shape.log10_t_rise_start > 2.9 && shape.log10_t_rise_end <= 3.0);
        assert!(shape.sharpness_ratio() < 1.13);
        assert!((shape.plateau_decades() - 2.95).abs() < 0.06);
    }

    #[test]
    fn no_fit_no_rise_or_no_end_gives_no_shape() {
        let curve = logistic(0.5, 1.0, 3.0, 4.0);
        assert_eq!(TransitionShape::of(&curve, None), None);
        let flat = logistic(0.5, 0.52, 3.0, 4.0);
        assert_eq!(TransitionShape::of(&flat, Some(-2.0)), None);
        // Cut before 90% of the way: the final value is then where it stopped, so the rise
        // is measured to there; a curve that ends on the plateau has none.
        let cut: Vec<_> = curve
            .iter()
            .copied()
            .take_while(|&(l, _)| l < 1.0)
            .collect();
        assert_eq!(TransitionShape::of(&cut, Some(-2.0)), None);
        assert_eq!(TransitionShape::of(&curve, Some(9.0)), None);
    }

    #[test]
    fn the_plateau_starts_at_the_fit() {
        // A first rise before the fit does not count: the plateau is measured from the fit.
        let mut curve = logistic(0.0, 0.5, -1.0, 8.0);
        let late = logistic(0.5, 1.0, 3.0, 4.0);
        curve.retain(|&(l, _)| l < 0.0);
        curve.extend(late.into_iter().filter(|&(l, _)| l >= 0.0));
        let shape = TransitionShape::of(&curve, Some(0.0)).expect("a rise");
        assert!((shape.plateau_level - 0.5).abs() < 0.01, "{shape:?}");
        assert!((shape.log10_t_plateau - 0.0).abs() < 1e-12);
        assert!(shape.plateau_decades() > 2.0);
    }
}
