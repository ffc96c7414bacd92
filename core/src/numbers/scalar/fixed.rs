//! Two's-complement fixed point (Q formats), as an integer microcontroller would compute.
//!
//! A value is an `i32` counting units of `2^−FRAC`. Sums saturate; products and quotients
//! are computed exactly in 64/128-bit integers and rounded once; transcendental functions are
//! rounded from libm's f64 value. A saturated value reads as not finite, so a run that
//! overflows the format stops as diverged instead of carrying a clipped number.

use core::marker::PhantomData;
use core::ops::{Add, AddAssign, Div, Mul, MulAssign, Neg, Sub, SubAssign};

use super::rounding::{Nearest, Rounding, Stochastic};
use crate::numbers::mul_add::MulAdd;
use crate::numbers::scalar::Scalar;

/// A Q format: the number of fractional bits.
pub trait QFormat:
    Copy + core::fmt::Debug + Default + PartialEq + PartialOrd + Send + Sync + 'static
{
    /// Names with round-to-nearest and with stochastic rounding.
    const NAMES: [&'static str; 2];
    /// Fractional bits.
    const FRAC: u32;
}

/// Q16.16: range ±32768, resolution 2⁻¹⁶ ≈ 1.5·10⁻⁵.
#[derive(Clone, Copy, Debug, Default, PartialEq, PartialOrd)]
pub struct Q16_16;

/// Q8.24: range ±128, resolution 2⁻²⁴ ≈ 6·10⁻⁸.
#[derive(Clone, Copy, Debug, Default, PartialEq, PartialOrd)]
pub struct Q8_24;

impl QFormat for Q16_16 {
    const NAMES: [&'static str; 2] = ["q16.16", "q16.16-sr"];
    const FRAC: u32 = 16;
}

impl QFormat for Q8_24 {
    const NAMES: [&'static str; 2] = ["q8.24", "q8.24-sr"];
    const FRAC: u32 = 24;
}

/// A fixed-point number in format `Q`, rounded with `R`.
pub struct Fixed<Q, R>(i32, PhantomData<(Q, R)>);

// Written out rather than derived: derives would demand the same traits of the markers.
impl<Q, R> Clone for Fixed<Q, R> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<Q, R> Copy for Fixed<Q, R> {}
impl<Q, R> Default for Fixed<Q, R> {
    fn default() -> Self {
        Self(0, PhantomData)
    }
}
impl<Q, R> PartialEq for Fixed<Q, R> {
    fn eq(&self, other: &Self) -> bool {
        self.0 == other.0
    }
}
impl<Q, R> PartialOrd for Fixed<Q, R> {
    fn partial_cmp(&self, other: &Self) -> Option<core::cmp::Ordering> {
        self.0.partial_cmp(&other.0)
    }
}
impl<Q: QFormat, R> core::fmt::Debug for Fixed<Q, R> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        (f64::from(self.0) / (1u64 << Q::FRAC) as f64).fmt(f)
    }
}

/// Q16.16, round to nearest even.
pub type Fixed16 = Fixed<Q16_16, Nearest>;
/// Q16.16, stochastic rounding.
pub type Fixed16Sr = Fixed<Q16_16, Stochastic>;
/// Q8.24, round to nearest even.
pub type Fixed24 = Fixed<Q8_24, Nearest>;
/// Q8.24, stochastic rounding.
pub type Fixed24Sr = Fixed<Q8_24, Stochastic>;

impl<Q: QFormat, R: Rounding> Fixed<Q, R> {
    const SCALE: f64 = (1u64 << Q::FRAC) as f64;

    #[inline]
    fn raw(value: i128) -> Self {
        Self(
            value.clamp(i128::from(i32::MIN), i128::from(i32::MAX)) as i32,
            PhantomData,
        )
    }

    /// `numerator / 2^shift` rounded with `R`, exact in integers.
    #[inline]
    fn shifted(numerator: i128, shift: u32) -> Self {
        let floor = numerator >> shift;
        let remainder = numerator - (floor << shift);
        if remainder == 0 {
            return Self::raw(floor);
        }
        let fraction = remainder as f64 / (1u128 << shift) as f64;
        Self::raw(floor + i128::from(R::round_up(fraction, floor & 1 == 1)))
    }

    /// The integer count of `2^−FRAC` units.
    pub fn bits(self) -> i32 {
        self.0
    }
}

impl<Q: QFormat, R: Rounding> Add for Fixed<Q, R> {
    type Output = Self;
    #[inline]
    fn add(self, rhs: Self) -> Self {
        Self(self.0.saturating_add(rhs.0), PhantomData)
    }
}

impl<Q: QFormat, R: Rounding> Sub for Fixed<Q, R> {
    type Output = Self;
    #[inline]
    fn sub(self, rhs: Self) -> Self {
        Self(self.0.saturating_sub(rhs.0), PhantomData)
    }
}

impl<Q: QFormat, R: Rounding> Mul for Fixed<Q, R> {
    type Output = Self;
    #[inline]
    fn mul(self, rhs: Self) -> Self {
        Self::shifted(i128::from(self.0) * i128::from(rhs.0), Q::FRAC)
    }
}

impl<Q: QFormat, R: Rounding> Div for Fixed<Q, R> {
    type Output = Self;
    fn div(self, rhs: Self) -> Self {
        if rhs.0 == 0 {
            // Saturate like an overflow (and so read as not finite).
            return Self::raw(if self.0 >= 0 { i128::MAX } else { i128::MIN });
        }
        // (a·2^FRAC)/b with a remainder kept to 32 more bits, rounded once.
        let numerator = (i128::from(self.0) << (Q::FRAC + 32)) / i128::from(rhs.0);
        Self::shifted(numerator, 32)
    }
}

impl<Q: QFormat, R: Rounding> Neg for Fixed<Q, R> {
    type Output = Self;
    #[inline]
    fn neg(self) -> Self {
        Self(self.0.saturating_neg(), PhantomData)
    }
}

impl<Q: QFormat, R: Rounding> AddAssign for Fixed<Q, R> {
    fn add_assign(&mut self, rhs: Self) {
        *self = *self + rhs;
    }
}
impl<Q: QFormat, R: Rounding> SubAssign for Fixed<Q, R> {
    fn sub_assign(&mut self, rhs: Self) {
        *self = *self - rhs;
    }
}
impl<Q: QFormat, R: Rounding> MulAssign for Fixed<Q, R> {
    fn mul_assign(&mut self, rhs: Self) {
        *self = *self * rhs;
    }
}

/// A rounded multiply, then a saturating add: the format's own order.
impl<Q: QFormat, R: Rounding> MulAdd for Fixed<Q, R> {}

impl<Q: QFormat, R: Rounding> Scalar for Fixed<Q, R> {
    const ZERO: Self = Self(0, PhantomData);
    const ONE: Self = Self(1 << Q::FRAC, PhantomData);
    const NAME: &'static str = {
        let [nearest, stochastic] = Q::NAMES;
        if R::INDEX == 0 { nearest } else { stochastic }
    };
    const EPSILON: f64 = 1.0 / (1u64 << Q::FRAC) as f64;

    fn from_f64(x: f64) -> Self {
        if x.is_nan() {
            return Self::raw(i128::from(i32::MAX));
        }
        let scaled = (x * Self::SCALE).clamp(-3e9, 3e9);
        Self::raw(R::round(scaled) as i128)
    }
    fn from_f32(x: f32) -> Self {
        Self::from_f64(f64::from(x))
    }
    #[inline]
    fn to_f64(self) -> f64 {
        f64::from(self.0) / Self::SCALE
    }
    fn exp(self) -> Self {
        Self::from_f64(libm::exp(self.to_f64()))
    }
    fn ln(self) -> Self {
        Self::from_f64(libm::log(self.to_f64()))
    }
    fn ln_1p(self) -> Self {
        Self::from_f64(libm::log1p(self.to_f64()))
    }
    fn sqrt(self) -> Self {
        Self::from_f64(libm::sqrt(self.to_f64()))
    }
    fn abs(self) -> Self {
        Self(self.0.saturating_abs(), PhantomData)
    }
    fn is_finite(self) -> bool {
        self.0 != i32::MAX && self.0 != i32::MIN
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn products_and_quotients_round_once() {
        let third = Fixed16::ONE / Fixed16::from_f64(3.0);
        // 65536/3 = 21845.33… → 21845.
        assert_eq!(third.bits(), 21845);
        let x = Fixed16::from_f64(1.5);
        assert_eq!((x * x).to_f64(), 2.25);
        // 2⁻¹⁶ · 0.5 = 2⁻¹⁷: a tie between 0 and 1 unit, to even (0).
        let unit = Fixed16::from_f64(1.0 / 65536.0);
        assert_eq!((unit * Fixed16::from_f64(0.5)).bits(), 0);
        assert_eq!((unit * Fixed16::from_f64(1.5)).bits(), 2);
    }

    #[test]
    fn overflow_saturates_and_reads_as_not_finite() {
        let big = Fixed16::from_f64(30000.0);
        assert!((big + big).bits() == i32::MAX && !(big + big).is_finite());
        assert!(!(Fixed16::ONE / Fixed16::ZERO).is_finite());
        assert!(Fixed24::from_f64(127.0).is_finite());
        assert!(!Fixed24::from_f64(200.0).is_finite());
        assert_eq!(Fixed24Sr::NAME, "q8.24-sr");
    }
}
