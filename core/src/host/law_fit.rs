//! The paper's law `t_grok ≈ ln α / λ` fitted over a sweep: a straight line through
//! `(ln α, λ·t_grok)` for every grokking run, whose slope is the measured constant of the law
//! (1 at leading order) and whose intercept is the lower-order term in units of `1/λ`.

use std::prelude::rust_2024::*;

use crate::host::outcome::Outcome;
use crate::host::sweep::Cell;
use crate::numbers::math;

/// One grokking run, as the fit reads it.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct LawPoint {
    /// `ln α`.
    pub ln_alpha: f64,
    /// `λ·t_grok`.
    pub lambda_t_grok: f64,
    /// Which seed (the offset within the sweep).
    pub seed_offset: u64,
}

impl LawPoint {
    /// The point of a run of `alpha` and `lambda` (seed offset `seed_offset`) that ended as
    /// `outcome`, if it grokked with α > 1 and λ > 0 (the law's domain).
    pub fn new(
        alpha: f64,
        lambda: f64,
        seed_offset: u64,
        outcome: Outcome,
        t_grok: Option<f64>,
    ) -> Option<Self> {
        let t_grok = t_grok.filter(|t| t.is_finite())?;
        (outcome == Outcome::Grok && alpha > 1.0 && lambda > 0.0).then(|| Self {
            ln_alpha: math::ln(alpha),
            lambda_t_grok: lambda * t_grok,
            seed_offset,
        })
    }

    /// The point of a finished cell (see [`LawPoint::new`]).
    pub fn of(cell: &Cell) -> Option<Self> {
        let c = &cell.config;
        let t_grok = cell.summary.transitions.t_grok();
        Self::new(c.alpha, c.lambda, cell.seed_offset, cell.outcome, t_grok)
    }
}

/// A least-squares line `λ·t_grok = slope·ln α + intercept`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct LawFit {
    /// The fitted slope (1 where the law holds to leading order).
    pub slope: f64,
    /// The fitted intercept.
    pub intercept: f64,
    /// Standard error of the slope over seeds: the spread of the per-seed slopes over
    /// √(seeds); None with fewer than two seeds that can be fitted.
    pub slope_error: Option<f64>,
    /// The same for the intercept.
    pub intercept_error: Option<f64>,
    /// Points the line is fitted to.
    pub points: usize,
    /// Seeds that could be fitted on their own.
    pub seeds: usize,
}

/// Least squares through `points`; None for fewer than two distinct `ln α`.
fn line(points: &[LawPoint]) -> Option<(f64, f64)> {
    let n = points.len() as f64;
    let mean_x = points.iter().map(|p| p.ln_alpha).sum::<f64>() / n;
    let mean_y = points.iter().map(|p| p.lambda_t_grok).sum::<f64>() / n;
    let sxx: f64 = points
        .iter()
        .map(|p| (p.ln_alpha - mean_x) * (p.ln_alpha - mean_x))
        .sum();
    let sxy: f64 = points
        .iter()
        .map(|p| (p.ln_alpha - mean_x) * (p.lambda_t_grok - mean_y))
        .sum();
    // Relative to the spread of ln α a zero is no spread at all (equal α).
    if sxx.is_nan() || sxx <= 1e-12 * n {
        return None;
    }
    let slope = sxy / sxx;
    Some((slope, mean_y - slope * mean_x))
}

/// The standard error of the mean of `values` (at least two).
fn standard_error(values: &[f64]) -> f64 {
    let k = values.len() as f64;
    let mean = values.iter().sum::<f64>() / k;
    let variance = values.iter().map(|v| (v - mean) * (v - mean)).sum::<f64>() / (k - 1.0);
    math::sqrt(variance / k)
}

impl LawFit {
    /// The line through every point, with the seeds' spread. The points are taken in one
    /// order (by seed, ln α, λ·t_grok), so the same runs give the same bits in any order
    /// (a whole sweep and its merged shards).
    pub fn of(points: &[LawPoint]) -> Option<Self> {
        let mut points = points.to_vec();
        points.sort_by(|a, b| {
            (a.seed_offset, a.ln_alpha, a.lambda_t_grok)
                .partial_cmp(&(b.seed_offset, b.ln_alpha, b.lambda_t_grok))
                .unwrap_or(core::cmp::Ordering::Equal)
        });
        let points = points.as_slice();
        let (slope, intercept) = line(points)?;
        let mut seeds: Vec<u64> = points.iter().map(|p| p.seed_offset).collect();
        seeds.sort_unstable();
        seeds.dedup();
        let per_seed: Vec<(f64, f64)> = seeds
            .iter()
            .filter_map(|&s| {
                let own: Vec<LawPoint> = points
                    .iter()
                    .copied()
                    .filter(|p| p.seed_offset == s)
                    .collect();
                line(&own)
            })
            .collect();
        let spread = |pick: fn(&(f64, f64)) -> f64| {
            (per_seed.len() >= 2)
                .then(|| standard_error(&per_seed.iter().map(pick).collect::<Vec<_>>()))
        };
        Some(Self {
            slope,
            intercept,
            slope_error: spread(|f| f.0),
            intercept_error: spread(|f| f.1),
            points: points.len(),
            seeds: per_seed.len(),
        })
    }

    /// The line through a sweep's grokking cells (see [`LawPoint::of`]).
    pub fn of_cells(cells: &[Cell]) -> Option<Self> {
        let points: Vec<LawPoint> = cells.iter().filter_map(LawPoint::of).collect();
        Self::of(&points)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn points(slope: f64, intercept: f64, seed: u64) -> Vec<LawPoint> {
        [1.0, 2.0, 3.0, 5.0]
            .into_iter()
            .map(|x| LawPoint {
                ln_alpha: x,
                lambda_t_grok: slope * x + intercept,
                seed_offset: seed,
            })
            .collect()
    }

    #[test]
    fn points_on_a_line_give_the_line() {
        let fit = LawFit::of(&points(0.9, 0.2, 0)).expect("a fit");
        assert!((fit.slope - 0.9).abs() < 1e-12 && (fit.intercept - 0.2).abs() < 1e-12);
        assert_eq!((fit.points, fit.seeds, fit.slope_error), (4, 1, None));
    }

    #[test]
    fn seeds_give_the_standard_error_of_their_slopes() {
        // Slopes 0.8 and 1.2 (intercepts 0 and 0.4): mean 1.0, standard error 0.2.
        let mut both = points(0.8, 0.0, 0);
        both.extend(points(1.2, 0.4, 1));
        let fit = LawFit::of(&both).expect("a fit");
        assert!((fit.slope - 1.0).abs() < 1e-12, "{fit:?}");
        assert!((fit.slope_error.expect("two seeds") - 0.2).abs() < 1e-12);
        assert!((fit.intercept_error.expect("two seeds") - 0.2).abs() < 1e-12);
        assert_eq!(fit.seeds, 2);
    }

    #[test]
    fn the_order_of_the_points_does_not_change_a_bit() {
        let mut points = points(0.8, 0.0, 0);
        points.extend(self::points(1.2, 0.4, 1).into_iter().map(|p| LawPoint {
            lambda_t_grok: p.lambda_t_grok * 1.1 + 0.01,
            ..p
        }));
        let forward = LawFit::of(&points);
        points.reverse();
        assert_eq!(LawFit::of(&points), forward);
    }

    #[test]
    fn one_alpha_is_no_line() {
        let same: Vec<_> = points(1.0, 0.0, 0)
            .into_iter()
            .map(|p| LawPoint { ln_alpha: 2.0, ..p })
            .collect();
        assert_eq!(LawFit::of(&same), None);
        assert_eq!(LawFit::of(&[]), None);
    }
}
