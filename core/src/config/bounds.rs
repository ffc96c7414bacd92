//! The values each numeric field accepts: the largest sizes, and the ranges that validation
//! checks and its errors print (one constant serves both, so they cannot disagree).

use core::fmt;

/// Largest input dimension accepted (2²⁴; the paper's largest is 10⁵).
pub const MAX_DIM: usize = 1 << 24;
/// Largest number of training or test points accepted.
pub const MAX_SAMPLES: usize = 1 << 20;
/// Largest depth of the diagonal net.
pub const MAX_DEPTH: u32 = 8;
/// Largest matrix size for matrix completion (2d² parameters).
pub const MAX_MATRIX: usize = 1024;
/// Largest modulus for modular addition.
pub const MAX_MODULUS: usize = 1024;
/// Largest hidden width of the MLP.
pub const MAX_WIDTH: usize = 1 << 16;

/// A set of allowed values (NaN is in none).
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Range {
    /// `lo ..= hi`.
    Between(f64, f64),
    /// Finite and `> 0`.
    Positive,
    /// Finite and `>= 0`.
    NonNegative,
    /// Strictly between 0 and 1 (a fraction of a set that leaves something on both sides).
    OpenUnit,
}

/// `d` of the diagonal net (its input dimension).
pub(crate) const DIM: Range = Range::Between(1.0, MAX_DIM as f64);
/// `d` of matrix completion (the matrix size).
pub(crate) const MATRIX: Range = Range::Between(2.0, MAX_MATRIX as f64);
/// `d` of modular addition (the modulus p).
pub(crate) const MODULUS: Range = Range::Between(2.0, MAX_MODULUS as f64);
/// `n` and `n_test`.
pub(crate) const SAMPLES: Range = Range::Between(1.0, MAX_SAMPLES as f64);
/// The MLP's hidden width.
pub(crate) const WIDTH: Range = Range::Between(1.0, MAX_WIDTH as f64);
/// The diagonal net's depth.
pub(crate) const DEPTH: Range = Range::Between(2.0, MAX_DEPTH as f64);
/// The flow integrator's relative tolerance.
pub(crate) const TOL: Range = Range::Between(1e-12, 0.1);
/// Records per decade of `t`.
pub(crate) const POINTS_PER_DECADE: Range = Range::Between(1.0, 1000.0);

impl Range {
    /// Whether `x` is allowed.
    pub fn contains(self, x: f64) -> bool {
        match self {
            Range::Between(lo, hi) => x >= lo && x <= hi,
            Range::Positive => x > 0.0 && x.is_finite(),
            Range::NonNegative => x >= 0.0 && x.is_finite(),
            // The smallest normal fraction up to the largest below 1 that is a step of
            // f64::EPSILON, so that `fraction · count` rounds as the sizes expect.
            Range::OpenUnit => (f64::MIN_POSITIVE..=1.0 - f64::EPSILON).contains(&x),
        }
    }

    /// The range in words, for the field `field`: `1 ..= 1024`, `alpha > 0, finite`.
    pub fn describe(self, field: &str, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Range::Between(lo, hi) => {
                number(lo, f)?;
                f.write_str(" ..= ")?;
                number(hi, f)
            }
            Range::Positive => write!(f, "{field} > 0, finite"),
            Range::NonNegative => write!(f, "{field} >= 0, finite"),
            Range::OpenUnit => write!(f, "0 < {field} < 1"),
        }
    }
}

/// A bound as people write it: `16777216`, `0.1`, `1e-12`.
fn number(x: f64, f: &mut fmt::Formatter<'_>) -> fmt::Result {
    if x != 0.0 && !(1e-4..1e16).contains(&x.abs()) {
        write!(f, "{x:e}")
    } else {
        write!(f, "{x}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Shown(Range, &'static str);
    impl fmt::Display for Shown {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            self.0.describe(self.1, f)
        }
    }

    #[test]
    fn ranges_print_as_people_write_them() {
        let cases = [
            (DIM, "d", "1 ..= 16777216"),
            (TOL, "tol", "1e-12 ..= 0.1"),
            (Range::Positive, "alpha", "alpha > 0, finite"),
            (Range::NonNegative, "lambda", "lambda >= 0, finite"),
            (Range::OpenUnit, "train_fraction", "0 < train_fraction < 1"),
        ];
        for (range, field, text) in cases {
            assert_eq!(std::format!("{}", Shown(range, field)), text);
        }
    }

    #[test]
    fn membership_follows_the_definitions() {
        let cases = [
            (Range::Positive, 0.0, false),
            (Range::Positive, f64::MIN_POSITIVE, true),
            (Range::Positive, f64::INFINITY, false),
            (Range::NonNegative, -0.0, true),
            (Range::NonNegative, f64::NAN, false),
            (Range::OpenUnit, 0.0, false),
            (Range::OpenUnit, 0.5, true),
            (Range::OpenUnit, 1.0, false),
            (TOL, 0.1, true),
            (TOL, 0.11, false),
        ];
        for (range, x, inside) in cases {
            assert_eq!(range.contains(x), inside, "{range:?} {x}");
        }
    }
}
