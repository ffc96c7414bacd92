//! The number type the dynamics run in: IEEE f32 and f64, and emulated low-precision
//! formats that round after every operation.

mod approx;
mod fixed;
mod rounding;
mod soft_float;

pub use approx::F32Approx;
pub use fixed::{Fixed, Fixed16, Fixed16Sr, Fixed24, Fixed24Sr, Q8_24, Q16_16, QFormat};
pub use rounding::{Nearest, Rounding, Stochastic, reseed};
#[cfg(feature = "parallel")]
pub(crate) use rounding::{set_stream, stream};
pub use soft_float::{
    Bf16, Bf16Format, Bf16Sr, F16, F16Format, F16Sr, Format, SoftFloat, quantize,
};

use core::fmt::Debug;

use crate::numbers::math::f32_exp_log;
use crate::numbers::matrix::{MatMut, MatRef, mul_add_in_order};
use crate::numbers::mul_add::MulAdd;
use core::ops::{Add, AddAssign, Div, Mul, MulAssign, Neg, Sub, SubAssign};

/// A real number format that models, losses and integrators are generic over.
///
/// Implemented for `f32` and `f64`; low-precision formats are newtypes that round after
/// every operation. All transcendental functions go through `libm`, so a run gives the
/// same bits on every target.
pub trait Scalar:
    Copy
    + Debug
    + Default
    + PartialEq
    + PartialOrd
    + Add<Output = Self>
    + Sub<Output = Self>
    + Mul<Output = Self>
    + Div<Output = Self>
    + Neg<Output = Self>
    + AddAssign
    + SubAssign
    + MulAssign
    + MulAdd
    + Send
    + Sync
    + 'static
{
    /// Additive identity.
    const ZERO: Self;
    /// Multiplicative identity.
    const ONE: Self;
    /// Short name used in reports (`"f32"`, `"f64"`).
    const NAME: &'static str;
    /// IEEE binary32 or binary64 in hardware. Their matrix products keep one running sum per
    /// output (fused multiply-adds in `k` order), which vector code and threads can follow;
    /// the emulated formats keep eight partial sums in the MLP's output layer (a smaller
    /// rounding error, which the low-precision studies depend on), stay on one thread
    /// (stochastic rounding draws from the thread's stream, in order) and run the portable
    /// loops.
    const IEEE: bool = false;
    /// Distance from 1 to the next larger number of the format (its resolution at 1).
    const EPSILON: f64;

    /// Rounds an f64 into this format.
    fn from_f64(x: f64) -> Self;
    /// Rounds an f32 into this format.
    fn from_f32(x: f32) -> Self;
    /// Widens to f64 (exact for every format narrower than f64).
    fn to_f64(self) -> f64;
    /// `e^self`.
    fn exp(self) -> Self;
    /// Natural logarithm.
    fn ln(self) -> Self;
    /// `ln(1 + self)`, accurate for small `self`.
    fn ln_1p(self) -> Self;
    /// Square root.
    fn sqrt(self) -> Self;
    /// Absolute value.
    fn abs(self) -> Self;
    /// Neither infinite nor NaN.
    fn is_finite(self) -> bool;

    /// `self^n` by repeated multiplication (exact order, no `pow` call).
    #[inline]
    fn powi(self, n: u32) -> Self {
        let mut acc = Self::ONE;
        for _ in 0..n {
            acc *= self;
        }
        acc
    }

    /// Converts a count exactly where the format allows.
    #[inline]
    fn from_usize(n: usize) -> Self {
        Self::from_f64(n as f64)
    }

    /// `−self` when `negative`, else `self`: the sign of a ±1 feature applied without a
    /// branch. Must give exactly the bits of `-self`; IEEE types flip the sign bit, which
    /// the compiler turns into a vector xor.
    #[inline]
    fn negate_if(self, negative: bool) -> Self {
        if negative { -self } else { self }
    }

    /// `C += A·B` in the order of [`mul_add_in_order`] (each entry summed over `k`
    /// ascending, one [`MulAdd::mul_add`] per term). IEEE types override it with vector code
    /// that gives the same bits.
    #[doc(hidden)]
    #[inline]
    fn mul_add_matrix(c: MatMut<'_, Self>, a: MatRef<'_, Self>, b: MatRef<'_, Self>) {
        mul_add_in_order(c, a, b);
    }

    /// Runs `op`; IEEE types with `std` compile it for the machine's vector level, so that
    /// the loops inlined into it (the losses' exponentials) run at its width, with the
    /// same bits (every operation is still the one IEEE rounding of the portable code).
    #[doc(hidden)]
    #[inline]
    fn vectorized<R>(op: impl FnOnce() -> R) -> R {
        op()
    }
}

impl Scalar for f32 {
    const ZERO: Self = 0.0;
    const ONE: Self = 1.0;
    const NAME: &'static str = "f32";
    const EPSILON: f64 = f32::EPSILON as f64;
    const IEEE: bool = true;

    #[cfg(feature = "std")]
    #[inline]
    fn mul_add_matrix(c: MatMut<'_, Self>, a: MatRef<'_, Self>, b: MatRef<'_, Self>) {
        crate::numbers::simd::mul_add(c, a, b);
    }

    #[cfg(feature = "std")]
    #[inline]
    fn vectorized<R>(op: impl FnOnce() -> R) -> R {
        crate::numbers::simd::vectorized(op)
    }

    #[inline]
    fn negate_if(self, negative: bool) -> Self {
        f32::from_bits(self.to_bits() ^ (u32::from(negative) << 31))
    }

    #[inline]
    fn from_f64(x: f64) -> Self {
        x as f32
    }
    #[inline]
    fn from_f32(x: f32) -> Self {
        x
    }
    #[inline]
    fn to_f64(self) -> f64 {
        f64::from(self)
    }
    #[inline]
    fn exp(self) -> Self {
        f32_exp_log::exp(self)
    }
    #[inline]
    fn ln(self) -> Self {
        f32_exp_log::ln(self)
    }
    #[inline]
    fn ln_1p(self) -> Self {
        f32_exp_log::ln_1p(self)
    }
    #[inline]
    fn sqrt(self) -> Self {
        libm::sqrtf(self)
    }
    #[inline]
    fn abs(self) -> Self {
        libm::fabsf(self)
    }
    #[inline]
    fn is_finite(self) -> bool {
        f32::is_finite(self)
    }
}

impl Scalar for f64 {
    const ZERO: Self = 0.0;
    const ONE: Self = 1.0;
    const NAME: &'static str = "f64";
    const EPSILON: f64 = f64::EPSILON;
    const IEEE: bool = true;

    #[cfg(feature = "std")]
    #[inline]
    fn mul_add_matrix(c: MatMut<'_, Self>, a: MatRef<'_, Self>, b: MatRef<'_, Self>) {
        crate::numbers::simd::mul_add(c, a, b);
    }

    #[cfg(feature = "std")]
    #[inline]
    fn vectorized<R>(op: impl FnOnce() -> R) -> R {
        crate::numbers::simd::vectorized(op)
    }

    #[inline]
    fn negate_if(self, negative: bool) -> Self {
        f64::from_bits(self.to_bits() ^ (u64::from(negative) << 63))
    }

    #[inline]
    fn from_f64(x: f64) -> Self {
        x
    }
    #[inline]
    fn from_f32(x: f32) -> Self {
        f64::from(x)
    }
    #[inline]
    fn to_f64(self) -> f64 {
        self
    }
    #[inline]
    fn exp(self) -> Self {
        libm::exp(self)
    }
    #[inline]
    fn ln(self) -> Self {
        libm::log(self)
    }
    #[inline]
    fn ln_1p(self) -> Self {
        libm::log1p(self)
    }
    #[inline]
    fn sqrt(self) -> Self {
        libm::sqrt(self)
    }
    #[inline]
    fn abs(self) -> Self {
        libm::fabs(self)
    }
    #[inline]
    fn is_finite(self) -> bool {
        f64::is_finite(self)
    }
}

#[cfg(test)]
mod tests {
    use super::Scalar;

    fn powi_matches_repeated_product<S: Scalar>() {
        let x = S::from_f64(1.5);
        assert_eq!(x.powi(0), S::ONE);
        assert_eq!(x.powi(1), x);
        assert_eq!(x.powi(3), x * x * x);
    }

    #[test]
    fn powi_f32() {
        powi_matches_repeated_product::<f32>();
    }

    #[test]
    fn powi_f64() {
        powi_matches_repeated_product::<f64>();
    }

    #[test]
    fn transcendental_functions_match_libm() {
        // (x, e^x, ln(1 + x)) to f64 precision.
        const TABLE: [(f64, f64, f64); 3] = [
            (0.0, 1.0, 0.0),
            (1.0, core::f64::consts::E, core::f64::consts::LN_2),
            (-0.5, 0.606_530_659_712_633_4, -core::f64::consts::LN_2),
        ];
        const MAX_ERROR_F32: f64 = 1e-7;
        for (x, e, l) in TABLE {
            assert!((Scalar::exp(x) - e).abs() <= 1e-15 * e);
            assert!((Scalar::ln_1p(x) - l).abs() <= 1e-15);
            let xf = x as f32;
            assert!((Scalar::exp(xf).to_f64() - e).abs() <= MAX_ERROR_F32 * e);
            assert!((Scalar::ln_1p(xf).to_f64() - l).abs() <= MAX_ERROR_F32);
        }
    }
}
