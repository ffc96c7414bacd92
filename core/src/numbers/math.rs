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

/// Round to nearest, ties to even, in f64: libm's bits (zeros' signs included), written here
/// so that it inlines. The emulated formats round every operation through it, and as a call
/// into libm it was a fifth of a bf16 run's instructions. Rounding to nearest even is
/// symmetric, so the magnitude is rounded and the sign put back: no branch on the sign, and
/// the range test is an integer comparison (a float comparison is a library call on the
/// soft-float boards).
#[inline]
pub(crate) fn rint(x: f64) -> f64 {
    // 2⁵²: a sum that reaches it keeps no fraction bit.
    const TO_INT: f64 = 4_503_599_627_370_496.0;
    let magnitude = x.abs();
    // For non-negative floats the order of the bits is the order of the values.
    if magnitude.to_bits() >= TO_INT.to_bits() {
        return x; // integers, infinities and NaN
    }
    ((magnitude + TO_INT) - TO_INT).copysign(x)
}

/// Largest integer not above `x`, in f64: libm's (musl's) bit masking, inlined as [`rint`] is.
#[inline]
pub(crate) fn floor(x: f64) -> f64 {
    let bits = x.to_bits();
    let e = unbiased_exponent(bits);
    if e >= F64_FRACTION_BITS {
        return x; // integers, infinities and NaN
    }
    let negative = bits >> 63 != 0;
    if e >= 0 {
        let fraction = ((1_u64 << F64_FRACTION_BITS) - 1) >> e;
        if bits & fraction == 0 {
            return x;
        }
        let up = if negative { bits + fraction } else { bits };
        f64::from_bits(up & !fraction)
    } else if !negative {
        0.0
    } else if bits << 1 != 0 {
        -1.0
    } else {
        x // −0
    }
}

/// Fraction bits of an f64.
const F64_FRACTION_BITS: i32 = 52;

/// The exponent of the f64 with these bits, unbiased (−1023 for zeros and subnormals, 1024
/// for infinities and NaN).
#[inline]
pub(crate) fn unbiased_exponent(bits: u64) -> i32 {
    ((bits >> F64_FRACTION_BITS) & 0x7ff) as i32 - 1023
}

#[cfg(test)]
mod rounding_tests {
    use super::*;

    /// Same bits as libm on the edge classes and on a million random bit patterns.
    #[test]
    fn rint_and_floor_give_libms_bits() {
        let edges = [
            0.0,
            -0.0,
            0.5,
            -0.5,
            1.5,
            -1.5,
            2.5,
            -2.5,
            0.499_999_999_999_999_94,
            1e-310,
            -1e-310,
            4_503_599_627_370_495.5,
            -4_503_599_627_370_495.5,
            4_503_599_627_370_496.0,
            9_007_199_254_740_993.0,
            f64::MAX,
            f64::MIN,
            f64::INFINITY,
            f64::NEG_INFINITY,
            f64::NAN,
        ];
        // Half-integers (the ties) around zero, and splitmix64's bit patterns (not
        // `numbers::rng`, which uses this module), every other one brought to a small
        // magnitude, where the fraction bits matter.
        let ties = (-64..64).map(|k| f64::from(k) + 0.5);
        let mut state = 0x9e37_79b9_7f4a_7c15_u64;
        let random = core::iter::repeat_with(move || {
            state = state.wrapping_add(0x9e37_79b9_7f4a_7c15);
            let mut z = state;
            z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
            z ^= z >> 31;
            let x = f64::from_bits(z);
            if z & 1 == 0 {
                x
            } else {
                x.abs().min(1e6).copysign(x) / 7.0
            }
        });
        for x in edges.into_iter().chain(ties).chain(random.take(1_000_000)) {
            for (ours, theirs, name) in [
                (rint(x), libm::rint(x), "rint"),
                (floor(x), libm::floor(x), "floor"),
            ] {
                assert!(
                    ours.to_bits() == theirs.to_bits() || (ours.is_nan() && theirs.is_nan()),
                    "{name}({x:e}): {ours:e} against libm's {theirs:e}"
                );
            }
        }
    }
}
