//! `eˣ`, `ln x` and `ln(1 + x)` for f32, of our own: the losses' per-example calls.
//!
//! `libm::expf` and friends are exact across targets but opaque to the compiler: a call per
//! output, with branches on the input's class, so a softmax over 97 classes is 97 calls. These
//! are straight-line code (range reduction, a fixed polynomial, bit operations for the powers of
//! two, selects for the special inputs) that inlines into the losses' loops and vectorises.
//! They use only `+`, `−`, `×` and bit operations on f64, each correctly rounded by IEEE 754,
//! so the host, the browser and the boards (whose f64 is software) give the same bits.
//!
//! **Why f64 inside.** The f32 input is exact in f64, and the f64 evaluation's error (below
//! 2⁻³⁶ relative) is far under half an f32 ulp, so the one rounding at the end (`as f32`,
//! subnormal results included) gives the correctly rounded result except where the exact
//! value lies within 0.0002 ulp of a halfway point. Measured over every f32 input against
//! libm's f64 functions: at most 0.500107 ulp from the exact value (exp), 0.500011 (ln) and
//! 0.500011 (ln_1p) (`cargo test -p grokflow-core --release f32_exp_log -- --ignored
//! --nocapture`, 3.6 min). An f32-only evaluation would need fma for that accuracy, and fma is a
//! library call on the baseline x86-64 level and on the boards.

/// `ln 2` in two parts: `K·LN2_HI` is exact for `|K| < 2²⁰` (the high part has 32 significant
/// bits), so `x − K·ln 2` loses nothing to cancellation (fdlibm's constants).
const LN2_HI: f64 = f64::from_bits(0x3fe6_2e42_fee0_0000);
const LN2_LO: f64 = f64::from_bits(0x3dea_39ef_3579_3c76);
/// `1.5·2⁵²`: adding it rounds an f64 below 2⁵¹ to an integer, which lands in the low bits.
const ROUNDER: f64 = 6_755_399_441_055_744.0;
/// `e^x` is 0 in f32 (after rounding) below this, and ∞ above the next bound.
const EXP_LOW: f64 = -160.0;
const EXP_HIGH: f64 = 100.0;

/// `eˣ`, correctly rounded but within 0.0002 ulp of a tie; 0 and ∞ past f32's
/// range, NaN for NaN.
#[inline]
pub(crate) fn exp(x: f32) -> f32 {
    let x = f64::from(x);
    // NaN passes through `clamp` to the result.
    let x = x.clamp(EXP_LOW, EXP_HIGH);
    // x = k·ln 2 + r, k = round(x / ln 2), |r| ≤ ln 2 / 2 (a hair more when the rounding of
    // x·log₂e ties the other way, which the polynomial covers).
    let shifted = x * core::f64::consts::LOG2_E + ROUNDER;
    let k = shifted - ROUNDER;
    let r = (x - k * LN2_HI) - k * LN2_LO;
    // Taylor to r⁹ (error r¹⁰/10! < 2⁻³⁶ relative on |r| ≤ 0.35), Horner.
    let p = 1.0
        + r * (1.0
            + r * (1.0 / 2.0
                + r * (1.0 / 6.0
                    + r * (1.0 / 24.0
                        + r * (1.0 / 120.0
                            + r * (1.0 / 720.0
                                + r * (1.0 / 5_040.0
                                    + r * (1.0 / 40_320.0 + r * (1.0 / 362_880.0)))))))));
    // 2ᵏ from its bits: k ∈ [−231, 145] here, well inside f64's normal exponents, so p·2ᵏ is
    // exact and the narrowing below is the one rounding.
    let k_bits = shifted.to_bits().wrapping_sub(ROUNDER.to_bits());
    let two_to_k = f64::from_bits(k_bits.wrapping_add(1023) << 52);
    (p * two_to_k) as f32
}

/// `ln x`: −∞ at 0, NaN below 0 and for NaN, ∞ at ∞.
#[inline]
pub(crate) fn ln(x: f32) -> f32 {
    let usable = x > 0.0 && x < f32::INFINITY;
    let value = ln_positive(if usable { f64::from(x) } else { 1.0 }) as f32;
    if usable {
        value
    } else if x == 0.0 {
        f32::NEG_INFINITY
    } else if x == f32::INFINITY {
        x
    } else {
        f32::NAN
    }
}

/// `ln(1 + x)`, with the digits of small `x`: −∞ at −1, NaN below −1 and for NaN, ∞ at ∞.
#[inline]
pub(crate) fn ln_1p(input: f32) -> f32 {
    let usable = input > -1.0 && input < f32::INFINITY;
    let x = f64::from(if usable { input } else { 0.0 });
    // 1 + x is exact in f64 for an f32 x with |x| ≥ 2⁻²⁹ (its last bit is at least 2⁻⁵²)
    // up to 2⁵³; below 2⁻²⁹, x − x²/2 is ln(1 + x) to 2⁻⁵⁸ relative.
    let small = x.abs() < TINY;
    let value = if small {
        x - x * x * 0.5
    } else {
        ln_positive(1.0 + x)
    } as f32;
    if usable {
        value
    } else if input == -1.0 {
        f32::NEG_INFINITY
    } else if input == f32::INFINITY {
        input
    } else {
        f32::NAN
    }
}

/// `2⁻²⁹`, below which `ln_1p` uses its two-term series.
const TINY: f64 = 1.0 / 536_870_912.0;

/// `ln u` for a positive normal f64, to about 2⁻⁴⁰ relative: `u = 2ᵉ·m` with
/// `m ∈ [√½, √2)`, and `ln m = 2·atanh(s)`, `s = (m − 1)/(m + 1)`, `|s| ≤ 0.172`.
#[inline]
fn ln_positive(u: f64) -> f64 {
    const MANTISSA: u64 = (1 << 52) - 1;
    const ONE: u64 = 0x3ff0_0000_0000_0000;
    // √2's mantissa bits: above them, m is halved (and e raised) so that m < √2.
    const SQRT_2_MANTISSA: u64 = 0x0006_a09e_667f_3bcd;
    let bits = u.to_bits();
    let above = u64::from(bits & MANTISSA > SQRT_2_MANTISSA);
    let e = ((bits >> 52) as i64) - 1023 + above as i64;
    let m = f64::from_bits(((bits & MANTISSA) | ONE) - (above << 52));
    // s = (m − 1)/(m + 1) with the reciprocal by Newton's iteration (no division): the line
    // 0.985075 − 0.239016·d is within 1.5% of 1/d on d ∈ [1.707, 2.415], and three steps
    // square that error thrice (to 2⁻⁴⁸).
    let d = m + 1.0;
    let mut y = 0.985_075 - 0.239_016 * d;
    for _ in 0..3 {
        y = y + y * (1.0 - d * y);
    }
    let s = (m - 1.0) * y;
    let z = s * s;
    // atanh(s)/s − 1 = z/3 + z²/5 + …, to z⁶/13 (error < 2⁻³⁴ relative).
    let tail = z
        * (1.0 / 3.0
            + z * (1.0 / 5.0
                + z * (1.0 / 7.0 + z * (1.0 / 9.0 + z * (1.0 / 11.0 + z * (1.0 / 13.0))))));
    let ln_m = (s + s) + (s + s) * tail;
    e as f64 * core::f64::consts::LN_2 + ln_m
}

#[cfg(test)]
mod tests {
    use super::{exp, ln, ln_1p};

    /// Bound on the distance from the exact value, in ulps of the result: half an ulp (the
    /// rounding) plus the f64 evaluation's error (measured: 0.000107 at most).
    const MAX_ULP: f64 = 0.5002;

    /// `|got − exact|` in ulps of the f32 grid at `exact` (the subnormal spacing below 2⁻¹²⁶).
    fn ulps(got: f32, exact: f64) -> f64 {
        if got as f64 == exact || (got.is_nan() && exact.is_nan()) {
            return 0.0;
        }
        if got.is_infinite() || exact.is_infinite() {
            // Overflow is right when the exact value rounds past f32::MAX.
            let rounds_to = exact as f32;
            return if rounds_to == got { 0.0 } else { f64::INFINITY };
        }
        let exponent = libm::ilogb(exact.abs()).max(-126);
        let ulp = libm::ldexp(1.0, exponent - 23);
        (got as f64 - exact).abs() / ulp
    }

    /// The worst error over f32 inputs `start, start + stride, …` (as bit patterns), with
    /// libm's f64 function (under one f64 ulp, 2²⁹ times finer) as the exact value.
    fn worst(ours: fn(f32) -> f32, exact: fn(f64) -> f64, start: u32, stride: u32) -> (f64, f32) {
        let mut worst = (0.0, 0.0);
        let mut bits = start;
        loop {
            let x = f32::from_bits(bits);
            let error = ulps(ours(x), exact(f64::from(x)));
            if error > worst.0 || error.is_nan() {
                worst = (error, x);
            }
            match bits.checked_add(stride) {
                Some(next) => bits = next,
                None => break,
            }
        }
        worst
    }

    /// Every f32 bit pattern (4.3·10⁹ inputs per function, about a minute each in release):
    /// the figure in the module's documentation.
    #[test]
    #[ignore = "exhaustive: run with --release -- --ignored"]
    fn every_input_is_within_bound() {
        for (name, ours, exact) in cases() {
            let (error, x) = worst(ours, exact, 0, 1);
            std::println!("{name}: at most {error:.6} ulp (at {x:e})");
            assert!(error <= MAX_ULP, "{name}: {error} ulp at {x:e}");
        }
    }

    /// One f32 in 4099, across the whole range (both signs, subnormals, the overflow edge).
    #[test]
    fn a_sample_of_every_range_is_within_bound() {
        for (name, ours, exact) in cases() {
            for start in [0, 1234] {
                let (error, x) = worst(ours, exact, start, 4099);
                assert!(error <= MAX_ULP, "{name}: {error} ulp at {x:e}");
            }
        }
    }

    /// A function's name, ours, and libm's in f64.
    type Case = (&'static str, fn(f32) -> f32, fn(f64) -> f64);

    fn cases() -> [Case; 3] {
        [
            ("exp", exp, libm::exp),
            ("ln", ln, libm::log),
            ("ln_1p", ln_1p, libm::log1p),
        ]
    }

    /// Around the edges of f32's range, exp overflows and underflows exactly where the
    /// rounded exact value does, and the tiny inputs of ln_1p keep their digits.
    #[test]
    fn range_edges_round_like_the_exact_value() {
        for edge in [88.722_84f32, -87.336_55, -103.972_08, -103.278_93] {
            let mut x = edge;
            for _ in 0..64 {
                let e = exp(x);
                assert_eq!(e, libm::exp(f64::from(x)) as f32, "exp({x:e})");
                x = f32::from_bits(x.to_bits() - 32);
            }
        }
        for x in [1e-30f32, -1e-30, 1e-10, -3e-9, 1.8e-9, f32::from_bits(1)] {
            assert_eq!(ln_1p(x), libm::log1p(f64::from(x)) as f32, "ln_1p({x:e})");
        }
    }

    #[test]
    fn special_inputs_give_the_ieee_results() {
        assert_eq!(exp(0.0), 1.0);
        assert_eq!(exp(-0.0), 1.0);
        assert_eq!(exp(f32::NEG_INFINITY), 0.0);
        assert_eq!(exp(f32::INFINITY), f32::INFINITY);
        assert!(exp(f32::NAN).is_nan());
        assert_eq!(ln(1.0), 0.0);
        assert_eq!(ln(0.0), f32::NEG_INFINITY);
        assert_eq!(ln(-0.0), f32::NEG_INFINITY);
        assert_eq!(ln(f32::INFINITY), f32::INFINITY);
        assert!(ln(-1.0).is_nan() && ln(f32::NEG_INFINITY).is_nan() && ln(f32::NAN).is_nan());
        assert_eq!(ln_1p(0.0).to_bits(), 0.0f32.to_bits());
        assert_eq!(ln_1p(-0.0).to_bits(), (-0.0f32).to_bits());
        assert_eq!(ln_1p(-1.0), f32::NEG_INFINITY);
        assert_eq!(ln_1p(f32::INFINITY), f32::INFINITY);
        assert!(ln_1p(-1.5).is_nan() && ln_1p(f32::NAN).is_nan());
    }
}
