//! IEEE-style binary formats narrower than f32 (bfloat16, binary16), emulated by rounding
//! every result.
//!
//! A value is stored as the f32 it equals (both formats are subsets of f32). Each operation
//! is computed in f64 and rounded once to the format: for +, −, ×, ÷ and √ this is the
//! correctly rounded result, because f64 carries more than 2p + 2 bits (no harmful double
//! rounding); transcendental functions are rounded from libm's f64 value.

use core::marker::PhantomData;
use core::ops::{Add, AddAssign, Div, Mul, MulAssign, Neg, Sub, SubAssign};

use super::rounding::{Nearest, Rounding, Stochastic};
use crate::numbers::math;
use crate::numbers::mul_add::MulAdd;
use crate::numbers::scalar::Scalar;

/// Parameters of a binary floating-point format.
pub trait Format:
    Copy + core::fmt::Debug + Default + PartialEq + PartialOrd + Send + Sync + 'static
{
    /// Names with round-to-nearest and with stochastic rounding.
    const NAMES: [&'static str; 2];
    /// Significand bits, the hidden bit included (bf16: 8, f16: 11).
    const PRECISION: i32;
    /// Exponent of the smallest normal number (bf16: −126, f16: −14).
    const MIN_EXP: i32;
    /// Largest finite value.
    const MAX: f64;
}

/// bfloat16: f32's exponent range with an 8-bit significand.
#[derive(Clone, Copy, Debug, Default, PartialEq, PartialOrd)]
pub struct Bf16Format;

/// IEEE binary16: 11-bit significand, exponents −14 ..= 15.
#[derive(Clone, Copy, Debug, Default, PartialEq, PartialOrd)]
pub struct F16Format;

impl Format for Bf16Format {
    const NAMES: [&'static str; 2] = ["bf16", "bf16-sr"];
    const PRECISION: i32 = 8;
    const MIN_EXP: i32 = -126;
    const MAX: f64 = (2.0 - 1.0 / 128.0) * 1.701_411_834_604_692_3e38;
}

impl Format for F16Format {
    const NAMES: [&'static str; 2] = ["f16", "f16-sr"];
    const PRECISION: i32 = 11;
    const MIN_EXP: i32 = -14;
    const MAX: f64 = 65504.0;
}

/// `2^k` for `k` in f64's normal range.
#[inline]
fn pow2(k: i32) -> f64 {
    f64::from_bits(((k + 1023) as u64) << 52)
}

/// Rounds `x` to format `F` with rule `R` (overflow gives ±∞, NaN stays NaN).
#[inline]
pub fn quantize<F: Format, R: Rounding>(x: f64) -> f64 {
    if x == 0.0 || !x.is_finite() {
        return x;
    }
    let exponent = math::unbiased_exponent(x.to_bits()).max(F::MIN_EXP);
    // x in units of the grid spacing 2^shift and back: products with powers of two, exact in
    // f64's range (a quotient by the spacing is the same number, at several times the latency
    // on the chains of dependent operations that the formats run).
    let shift = exponent - (F::PRECISION - 1);
    let rounded = R::round(x * pow2(-shift)) * pow2(shift);
    if rounded.abs() > F::MAX {
        f64::INFINITY.copysign(x)
    } else {
        rounded
    }
}

/// A number in format `F`, rounded with `R` after every operation.
pub struct SoftFloat<F, R>(f32, PhantomData<(F, R)>);

// Written out rather than derived: derives would demand the same traits of the markers.
impl<F, R> Clone for SoftFloat<F, R> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<F, R> Copy for SoftFloat<F, R> {}
impl<F, R> Default for SoftFloat<F, R> {
    fn default() -> Self {
        Self(0.0, PhantomData)
    }
}
impl<F, R> PartialEq for SoftFloat<F, R> {
    fn eq(&self, other: &Self) -> bool {
        self.0 == other.0
    }
}
impl<F, R> PartialOrd for SoftFloat<F, R> {
    fn partial_cmp(&self, other: &Self) -> Option<core::cmp::Ordering> {
        self.0.partial_cmp(&other.0)
    }
}
impl<F, R> core::fmt::Debug for SoftFloat<F, R> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        self.0.fmt(f)
    }
}

/// bfloat16, round to nearest even.
pub type Bf16 = SoftFloat<Bf16Format, Nearest>;
/// bfloat16, stochastic rounding.
pub type Bf16Sr = SoftFloat<Bf16Format, Stochastic>;
/// binary16, round to nearest even.
pub type F16 = SoftFloat<F16Format, Nearest>;
/// binary16, stochastic rounding.
pub type F16Sr = SoftFloat<F16Format, Stochastic>;

impl<F: Format, R: Rounding> SoftFloat<F, R> {
    #[inline]
    fn new(x: f64) -> Self {
        // The rounded value is representable in f32, so this cast is exact.
        Self(quantize::<F, R>(x) as f32, PhantomData)
    }

    /// The stored value.
    pub fn get(self) -> f32 {
        self.0
    }
}

macro_rules! binary_op {
    ($trait:ident, $method:ident, $assign:ident, $assign_method:ident, $op:tt) => {
        impl<F: Format, R: Rounding> $trait for SoftFloat<F, R> {
            type Output = Self;
            #[inline]
            fn $method(self, rhs: Self) -> Self {
                Self::new(f64::from(self.0) $op f64::from(rhs.0))
            }
        }
        impl<F: Format, R: Rounding> $assign for SoftFloat<F, R> {
            #[inline]
            fn $assign_method(&mut self, rhs: Self) {
                *self = *self $op rhs;
            }
        }
    };
}

binary_op!(Add, add, AddAssign, add_assign, +);
binary_op!(Sub, sub, SubAssign, sub_assign, -);
binary_op!(Mul, mul, MulAssign, mul_assign, *);

impl<F: Format, R: Rounding> Div for SoftFloat<F, R> {
    type Output = Self;
    #[inline]
    fn div(self, rhs: Self) -> Self {
        Self::new(f64::from(self.0) / f64::from(rhs.0))
    }
}

impl<F: Format, R: Rounding> Neg for SoftFloat<F, R> {
    type Output = Self;
    #[inline]
    fn neg(self) -> Self {
        Self(-self.0, PhantomData)
    }
}

/// A rounded multiply, then a rounded add: the format's own order.
impl<F: Format, R: Rounding> MulAdd for SoftFloat<F, R> {}

impl<F: Format, R: Rounding> Scalar for SoftFloat<F, R> {
    const ZERO: Self = Self(0.0, PhantomData);
    const ONE: Self = Self(1.0, PhantomData);
    const NAME: &'static str = {
        let [nearest, stochastic] = F::NAMES;
        if R::INDEX == 0 { nearest } else { stochastic }
    };
    const EPSILON: f64 = 1.0 / (1u64 << (F::PRECISION - 1)) as f64;

    #[inline]
    fn from_f64(x: f64) -> Self {
        Self::new(x)
    }
    #[inline]
    fn from_f32(x: f32) -> Self {
        Self::new(f64::from(x))
    }
    #[inline]
    fn to_f64(self) -> f64 {
        f64::from(self.0)
    }
    fn exp(self) -> Self {
        Self::new(libm::exp(self.to_f64()))
    }
    fn ln(self) -> Self {
        Self::new(libm::log(self.to_f64()))
    }
    fn ln_1p(self) -> Self {
        Self::new(libm::log1p(self.to_f64()))
    }
    fn sqrt(self) -> Self {
        Self::new(libm::sqrt(self.to_f64()))
    }
    #[inline]
    fn abs(self) -> Self {
        Self(libm::fabsf(self.0), PhantomData)
    }
    #[inline]
    fn is_finite(self) -> bool {
        self.0.is_finite()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_values() {
        // (format input, bf16, f16)
        let table = [
            (1.0f64, 1.0f64, 1.0f64),
            (1.0 + 1.0 / 256.0, 1.0, 1.0 + 1.0 / 256.0), // half an ulp of bf16: tie to even
            (1.0 + 3.0 / 256.0, 1.0 + 1.0 / 64.0, 1.0 + 3.0 / 256.0),
            (65519.0, 65536.0, 65504.0),
            (65520.0, 65536.0, f64::INFINITY), // f16 ties to the (infinite) even neighbour
            (2.0f64.powi(-26), 2.0f64.powi(-26), 0.0), // half of f16's smallest subnormal: to even 0
            (
                3.0 * 2.0f64.powi(-26),
                3.0 * 2.0f64.powi(-26),
                2.0f64.powi(-24),
            ),
        ];
        for (x, b, h) in table {
            assert_eq!(quantize::<Bf16Format, Nearest>(x), b, "bf16({x})");
            assert_eq!(quantize::<F16Format, Nearest>(x), h, "f16({x})");
        }
        assert_eq!(F16::NAME, "f16");
        assert_eq!(Bf16Sr::NAME, "bf16-sr");
    }

    #[test]
    fn arithmetic_rounds_every_result() {
        // In bf16, 1 + 2^-9 is 1: the update is swamped.
        let one = Bf16::ONE;
        let tiny = Bf16::from_f64(1.0 / 512.0);
        assert_eq!(one + tiny, one);
        assert_eq!((one + tiny).to_f64(), 1.0);
        // A thousand such updates: lost entirely with round-to-nearest, kept on average with
        // stochastic rounding (1 + 1000/512 = 2.95; each add is an eighth of an ulp near 2–3,
        // so the sum has a standard deviation of about 0.16).
        super::super::rounding::reseed(1);
        let (mut nearest, mut stochastic) = (Bf16::ONE, Bf16Sr::ONE);
        for _ in 0..1000 {
            nearest += tiny;
            stochastic += Bf16Sr::from_f64(1.0 / 512.0);
        }
        assert_eq!(nearest.to_f64(), 1.0);
        assert!(
            (stochastic.to_f64() - 2.953).abs() < 0.5,
            "{:?}",
            stochastic
        );
    }
}
