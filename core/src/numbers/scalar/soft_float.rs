//! IEEE-style binary formats narrower than f32 (bfloat16, binary16), emulated by rounding
//! every result.
//!
//! A value is stored as the f32 it equals (both formats are subsets of f32). +, − and × are
//! computed in f32 and rounded on the bits: a product of two such values is exact in f32, and
//! f32's rounding of a sum does not change the format's round-to-nearest result (24 ≥ 2p + 1
//! bits, Figueroa 1995); stochastic rounding takes the f32 sum only when it is exact (its draw
//! is compared with the distance to the neighbours). The rest — f32's subnormals, ∞, NaN,
//! inexact sums under stochastic rounding, ÷, √ and the transcendental functions — is
//! computed in f64 and rounded by [`quantize`], whose results
//! the fast path reproduces bit for bit (`tests/tests/claims/soft_float.rs`: every pair of
//! bf16 values, samples and edge cases for the rest). f64 carries more than 2p + 2 bits, so
//! there too +, −, ×, ÷ and √ are correctly rounded; transcendental functions are rounded from
//! libm's f64 value. docs/precision-study.md tells the reasoning and the speed.

use core::marker::PhantomData;
use core::ops::{Add, AddAssign, Div, Mul, MulAssign, Neg, Sub, SubAssign};

use super::rounding::{Nearest, Rounding, Stochastic};
use crate::numbers::math;
use crate::numbers::mul_add::{LANES, MulAdd};
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

    /// Bits of f32's significand below the format's (bf16: 16, f16: 13).
    const DROPPED_BITS: u32 = (24 - Self::PRECISION) as u32;
    /// Magnitude bits of the smallest normal number as an f32.
    const MIN_NORMAL_BITS: u32 = ((Self::MIN_EXP + 127) as u32) << 23;
    /// Magnitude bits of the largest finite value as an f32.
    const MAX_BITS: u32 = (Self::MAX as f32).to_bits();
    /// The f32 power of two whose ulp is the spacing of the format's subnormals,
    /// 2^(MIN_EXP − (PRECISION − 1)): adding it to a smaller number and subtracting it again
    /// rounds that number to the subnormals' grid.
    const SUBNORMAL_ROUNDER: f32 =
        f32::from_bits(((Self::MIN_EXP - Self::PRECISION + 24 + 127) as u32) << 23);
}

/// An f32's sign bit.
const SIGN: u32 = 1 << 31;
/// Magnitude bits of f32's ∞ (and the least of its NaNs).
const INFINITY_BITS: u32 = 0x7f80_0000;
/// Magnitude bits of f32's smallest normal number.
const F32_MIN_NORMAL_BITS: u32 = 1 << 23;

/// Whether `result` lies where the format's rounding can work on f32's bits: zero and every
/// finite normal f32.
#[inline(always)]
fn in_fast_range(result: f32) -> bool {
    let magnitude = result.to_bits() & !SIGN;
    (magnitude == 0)
        | (magnitude.wrapping_sub(F32_MIN_NORMAL_BITS) < INFINITY_BITS - F32_MIN_NORMAL_BITS)
}

/// `result` (in the fast range) rounded to the format by `R`, ∞ beyond its largest value.
#[inline(always)]
fn round_on_bits<F: Format, R: Rounding>(result: f32) -> f32 {
    let bits = result.to_bits();
    let (magnitude, sign) = (bits & !SIGN, bits & SIGN);
    // Among the format's subnormals the grid is fixed, and a number whose ulp is its step,
    // `rounder`, carries it: rounded values are `rounder` plus a count of steps, minus
    // `rounder`.
    let subnormal = magnitude < F::MIN_NORMAL_BITS;
    let rounder = F::SUBNORMAL_ROUNDER;
    if R::DRAWS && subnormal && magnitude != 0 {
        // Stochastic rounding counts the steps in integers (drawing once). A count of 0 is +0,
        // whatever the sign, as `quantize` gives it (−1 + 1 = +0).
        let shift = (F::MIN_NORMAL_BITS >> 23) - (magnitude >> 23) + F::DROPPED_BITS;
        let significand = (magnitude & 0x7f_ffff) | 0x80_0000;
        let steps = R::round_steps(significand, shift, sign != 0);
        let on_grid = f32::from_bits(rounder.to_bits() + steps) - rounder;
        return f32::from_bits(on_grid.to_bits() | if steps == 0 { 0 } else { sign });
    }
    let rounded = R::round_bits(magnitude, F::DROPPED_BITS, sign != 0);
    let rounded = if rounded > F::MAX_BITS {
        INFINITY_BITS
    } else if subnormal {
        // Round-to-nearest (and zero): f32's own addition beside `rounder` (ties to even),
        // which vectorises where integer shifts by a varying count would not.
        ((f32::from_bits(magnitude) + rounder) - rounder).to_bits()
    } else {
        rounded
    };
    f32::from_bits(rounded | sign)
}

/// Whether `sum`, the f32 sum of `a` and `b`, is exact: the error term of Knuth's TwoSum is
/// zero (it is NaN when the sum overflowed).
#[inline]
fn sum_is_exact(a: f32, b: f32, sum: f32) -> bool {
    let b_part = sum - a;
    let a_part = sum - b_part;
    (a - a_part) + (b - b_part) == 0.0
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

    /// Rounds `result`, an f32 result of an operation on values of the format, whose rounding
    /// to the format (by `R`) is the rounding of the exact result: on its bits where it is zero
    /// or a finite normal f32, else from `exact()`, the result in f64, by [`quantize`].
    #[inline(always)]
    fn round(result: f32, exact: impl FnOnce() -> f64) -> Self {
        if !in_fast_range(result) {
            return Self::rounded_from_f64(exact());
        }
        Self(round_on_bits::<F, R>(result), PhantomData)
    }

    /// [`quantize`] out of line, so that the operators inline without it.
    #[cold]
    #[inline(never)]
    fn rounded_from_f64(x: f64) -> Self {
        Self::new(x)
    }

    /// The stored value.
    pub fn get(self) -> f32 {
        self.0
    }
}

impl<F: Format, R: Rounding> Add for SoftFloat<F, R> {
    type Output = Self;
    #[inline]
    fn add(self, rhs: Self) -> Self {
        let (a, b) = (self.0, rhs.0);
        let exact = || f64::from(a) + f64::from(b);
        let sum = a + b;
        if R::DRAWS && !sum_is_exact(a, b, sum) {
            return Self::rounded_from_f64(exact());
        }
        Self::round(sum, exact)
    }
}

/// `a − b` is `a + (−b)`, in IEEE arithmetic and here: one code path for both.
impl<F: Format, R: Rounding> Sub for SoftFloat<F, R> {
    type Output = Self;
    #[inline]
    fn sub(self, rhs: Self) -> Self {
        self + -rhs
    }
}

impl<F: Format, R: Rounding> Mul for SoftFloat<F, R> {
    type Output = Self;
    #[inline]
    fn mul(self, rhs: Self) -> Self {
        let (a, b) = (self.0, rhs.0);
        let exact = || f64::from(a) * f64::from(b);
        // At most 2p ≤ 22 significant bits: exact in f32 unless it over- or underflows. `round`
        // sends both to f64, but for an underflow to zero, which round-to-nearest rounds to
        // zero like f32 (it is below a quarter of the format's smallest subnormal) and
        // stochastic rounding must draw for.
        let product = a * b;
        if R::DRAWS && product == 0.0 && a != 0.0 && b != 0.0 {
            return Self::rounded_from_f64(exact());
        }
        Self::round(product, exact)
    }
}

macro_rules! assign_op {
    ($assign:ident, $assign_method:ident, $op:tt) => {
        impl<F: Format, R: Rounding> $assign for SoftFloat<F, R> {
            #[inline]
            fn $assign_method(&mut self, rhs: Self) {
                *self = *self $op rhs;
            }
        }
    };
}

assign_op!(AddAssign, add_assign, +);
assign_op!(SubAssign, sub_assign, -);
assign_op!(MulAssign, mul_assign, *);

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

/// Terms rounded side by side in the row kernels: a dot product's lanes.
const WIDTH: usize = LANES;

/// `x·y + z` on `WIDTH` terms, each a rounded multiply then a rounded add, with round-to-nearest
/// (no draws, so the terms are independent): `None` if any result leaves the fast range, for
/// the caller to compute those terms one by one. Branch-free, so that the compiler computes
/// the terms in vectors.
#[inline(always)]
fn nearest_mul_add_side_by_side<F: Format, R: Rounding>(
    x: [f32; WIDTH],
    y: [f32; WIDTH],
    z: [f32; WIDTH],
) -> Option<[f32; WIDTH]> {
    let mut out = [0.0f32; WIDTH];
    let mut inside = true;
    for (((out, &x), &y), &z) in out.iter_mut().zip(&x).zip(&y).zip(&z) {
        let product = x * y;
        inside &= in_fast_range(product);
        let sum = round_on_bits::<F, R>(product) + z;
        inside &= in_fast_range(sum);
        *out = round_on_bits::<F, R>(sum);
    }
    inside.then_some(out)
}

/// A rounded multiply, then a rounded add: the format's own order. With round-to-nearest the
/// row kernels round eight terms side by side.
impl<F: Format, R: Rounding> MulAdd for SoftFloat<F, R> {
    #[inline]
    fn scaled_add(a: Self, x: &[Self], acc: &mut [Self]) {
        let mut done = 0;
        if !R::DRAWS {
            for (x, acc) in x.chunks_exact(WIDTH).zip(acc.chunks_exact_mut(WIDTH)) {
                side_by_side::<F, R>([a; WIDTH], x, acc);
                done += WIDTH;
            }
        }
        let rest = acc.iter_mut().zip(x).skip(done);
        for (acc, &x) in rest {
            *acc = a.mul_add(x, *acc);
        }
    }

    #[inline]
    fn dot_lanes(x: &[Self], y: &[Self], lanes: &mut [Self; LANES]) {
        let mut done = 0;
        if !R::DRAWS {
            for (x, y) in x.chunks_exact(LANES).zip(y.chunks_exact(LANES)) {
                if let Ok(x) = <[Self; LANES]>::try_from(x) {
                    side_by_side::<F, R>(x, y, lanes);
                }
                done += LANES;
            }
        }
        let rest = x.iter().zip(y).enumerate().skip(done);
        for (k, (&x, &y)) in rest {
            if let Some(lane) = lanes.get_mut(k % LANES) {
                *lane = x.mul_add(y, *lane);
            }
        }
    }
}

/// `acc[k] = x[k]·y[k] + acc[k]` on `WIDTH` terms with round-to-nearest, side by side, or one by
/// one where a term leaves the fast range.
#[inline(always)]
fn side_by_side<F: Format, R: Rounding>(
    x: [SoftFloat<F, R>; WIDTH],
    y: &[SoftFloat<F, R>],
    acc: &mut [SoftFloat<F, R>],
) {
    let (Ok(y), Ok(acc)) = (
        <&[SoftFloat<F, R>; WIDTH]>::try_from(y),
        <&mut [SoftFloat<F, R>; WIDTH]>::try_from(acc),
    ) else {
        return;
    };
    match nearest_mul_add_side_by_side::<F, R>(x.map(|v| v.0), y.map(|v| v.0), acc.map(|v| v.0)) {
        Some(out) => *acc = out.map(|v| SoftFloat(v, PhantomData)),
        None => {
            for ((acc, x), &y) in acc.iter_mut().zip(x).zip(y) {
                *acc = x.mul_add(y, *acc);
            }
        }
    }
}

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
        Self::round(x, || f64::from(x))
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
