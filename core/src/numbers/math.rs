//! The one place where transcendental functions are chosen.
//!
//! Everything routes to the `libm` crate, never to `f32::exp` and friends: with `std`
//! linked those call the platform libm, whose results differ between targets, and the
//! host and firmware traces would stop matching bit for bit. The f32 formats' `exp`, `ln`
//! and `ln_1p`, called per example by the losses, are our own ([`f32_exp_log`]): straight-line
//! code that inlines and vectorises, as exact across targets as libm.

pub(crate) mod f32_exp_log;

/// `10^x`, 0 for `−∞`, saturating at `f64::MAX`: a time kept as its `log10` (fig. 4's
/// times pass 10³⁰⁸) read back as a number.
pub fn from_log10(x: f64) -> f64 {
    pow(10.0, x).min(f64::MAX)
}

/// `e^x` in f64.
#[inline]
pub(crate) fn exp(x: f64) -> f64 {
    libm::exp(x)
}

/// Natural logarithm in f64.
#[inline]
pub(crate) fn ln(x: f64) -> f64 {
    libm::log(x)
}

/// Square root in f64 (correctly rounded in libm, as IEEE requires).
#[inline]
pub(crate) fn sqrt(x: f64) -> f64 {
    libm::sqrt(x)
}

/// `x^y` in f64.
#[inline]
pub(crate) fn pow(x: f64, y: f64) -> f64 {
    libm::pow(x, y)
}

/// Cosine in f64.
#[inline]
pub(crate) fn cos(x: f64) -> f64 {
    libm::cos(x)
}

/// Base-10 logarithm in f64.
#[inline]
pub(crate) fn log10(x: f64) -> f64 {
    libm::log10(x)
}

/// Smallest integer not below `x`, in f64.
#[inline]
pub(crate) fn ceil(x: f64) -> f64 {
    libm::ceil(x)
}

/// Round to nearest, ties to even, in f64.
#[inline]
pub(crate) fn rint(x: f64) -> f64 {
    libm::rint(x)
}

/// Largest integer not above `x`, in f64.
#[inline]
pub(crate) fn floor(x: f64) -> f64 {
    libm::floor(x)
}
