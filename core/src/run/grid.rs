//! The log-spaced times at which metrics are recorded.

use crate::numbers::math;

/// `t = 0`, then `t_min · 10^{(k−1)/per_decade}` for `k = 1, 2, …` while below `t_max`, then
/// `t_max`. Times are computed from `k`, never accumulated, so every front end and every
/// target records at the same `t`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct LogGrid {
    t_min: f64,
    t_max: f64,
    per_decade: u32,
    last: u32,
}

impl LogGrid {
    /// Earliest non-zero grid time (unless `t_max` is smaller).
    pub const T_MIN: f64 = 1e-2;

    /// A grid up to `t_max > 0` with `per_decade ≥ 1` points per decade.
    pub fn new(t_max: f64, per_decade: u32) -> Self {
        let t_min = Self::T_MIN.min(t_max);
        let per_decade = per_decade.max(1);
        let decades = math::log10(t_max / t_min);
        // Tolerance so that t_max = t_min·10^m lands on index m·per_decade + 1, not one later.
        let steps = math::ceil(f64::from(per_decade) * decades - 1e-9).max(0.0);
        let last = if steps.is_finite() && steps < f64::from(u32::MAX - 1) {
            steps as u32 + 1
        } else {
            1
        };
        Self {
            t_min,
            t_max,
            per_decade,
            last,
        }
    }

    /// Grid time `index`: 0 is `t = 0`; from `last_index()` on it is `t_max`.
    pub fn time(&self, index: u32) -> f64 {
        if index == 0 {
            0.0
        } else if index >= self.last {
            self.t_max
        } else {
            let exponent = f64::from(index - 1) / f64::from(self.per_decade);
            (self.t_min * math::pow(10.0, exponent)).min(self.t_max)
        }
    }

    /// `log10` of grid time `index` (`−∞` for index 0).
    pub fn log10_time(&self, index: u32) -> f64 {
        if index == 0 {
            f64::NEG_INFINITY
        } else if index >= self.last {
            math::log10(self.t_max)
        } else {
            (math::log10(self.t_min) + f64::from(index - 1) / f64::from(self.per_decade))
                .min(math::log10(self.t_max))
        }
    }

    /// Grid point `index` with its time and `log10` of it, computed once for the steps that
    /// compare against it.
    pub fn point(&self, index: u32) -> GridPoint {
        GridPoint {
            index,
            t: self.time(index),
            log10_t: self.log10_time(index),
        }
    }

    /// Index of the final point, `t_max`.
    pub fn last_index(&self) -> u32 {
        self.last
    }
}

/// One grid time: its index, `t` and `log10 t` as [`LogGrid::time`] and
/// [`LogGrid::log10_time`] give them.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct GridPoint {
    /// Index on the grid (0 is `t = 0`).
    pub index: u32,
    /// The time.
    pub t: f64,
    /// `log10` of the time (`−∞` at index 0).
    pub log10_t: f64,
}

#[cfg(test)]
mod tests {
    use super::LogGrid;

    #[test]
    fn grid_is_log_spaced_and_ends_at_t_max() {
        let grid = LogGrid::new(100.0, 2);
        // 0, 0.01, 0.0316, 0.1, 0.316, 1, 3.16, 10, 31.6, 100
        assert_eq!(grid.last_index(), 9);
        assert_eq!(grid.time(0), 0.0);
        assert_eq!(grid.time(1), 0.01);
        assert!((grid.time(3) - 0.1).abs() < 1e-15);
        assert!((grid.time(4) / grid.time(3) - 10f64.sqrt()).abs() < 1e-12);
        assert_eq!(grid.time(9), 100.0);
        assert_eq!(grid.time(50), 100.0);
    }

    #[test]
    fn tiny_horizon_has_two_points() {
        let grid = LogGrid::new(1e-3, 20);
        assert_eq!(grid.last_index(), 1);
        assert_eq!(grid.time(1), 1e-3);
    }

    #[test]
    fn times_increase() {
        let grid = LogGrid::new(1e4, 20);
        for k in 0..grid.last_index() {
            assert!(grid.time(k) < grid.time(k + 1));
        }
    }
}
