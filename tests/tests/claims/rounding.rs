//! Exhaustive check of the f32 → bfloat16 and f32 → binary16 conversions (every one of the
//! 2³² f32 bit patterns, both signs, NaNs and infinities) against a reference built
//! differently from the implementation.
//!
//! The implementation scales by a power of two and rounds with `rint` in f64. The reference
//! lists every finite value of the target format (decoded from its bit pattern), walks the
//! f32 inputs in increasing order alongside that list, and picks the nearer neighbour by
//! exact f64 differences, ties to the even bit pattern — IEEE 754's definition, read
//! literally.

use grokflow_core::{Bf16Format, F16Format, Format, Nearest, Stochastic, quantize};

/// All finite non-negative values of a format, in increasing order (index = bit pattern).
fn table(decode: impl Fn(u32) -> f64, count: u32) -> Vec<f64> {
    (0..count).map(decode).collect()
}

fn bf16_table() -> Vec<f64> {
    // bfloat16 is the top half of an f32: 0x0000 ..= 0x7F7F are the finite non-negatives.
    table(|h| f64::from(f32::from_bits(h << 16)), 0x7F80)
}

fn f16_table() -> Vec<f64> {
    // binary16: 5 exponent bits (bias 15), 10 fraction bits; 0x0000 ..= 0x7BFF finite.
    table(
        |h| {
            let (e, m) = ((h >> 10) & 0x1F, f64::from(h & 0x3FF));
            if e == 0 {
                m * 2f64.powi(-24)
            } else {
                (1024.0 + m) * 2f64.powi(e as i32 - 25)
            }
        },
        0x7C00,
    )
}

/// Compares `quantize::<F, Nearest>` with the reference on every f32 pattern whose
/// magnitude bits lie in `range`, for both signs; returns the first mismatches.
fn walk<F: Format>(values: &[f64], range: std::ops::Range<u32>) -> Vec<String> {
    let mut mismatches = Vec::new();
    let max = *values.last().expect("table");
    let beyond = max + (max - values[values.len() - 2]); // the value after MAX (∞'s place)
    let start = f64::from(f32::from_bits(range.start));
    let mut i = values.partition_point(|&v| v <= start).saturating_sub(1);
    for bits in range {
        let x = f32::from_bits(bits);
        let expected = if x.is_nan() {
            f64::NAN
        } else {
            let xv = f64::from(x);
            while i + 1 < values.len() && values[i + 1] <= xv {
                i += 1;
            }
            let lo = values[i];
            let hi = values.get(i + 1).copied().unwrap_or(beyond);
            let (down, up) = (xv - lo, hi - xv);
            let pick_hi = up < down || (up == down && i % 2 == 1);
            match (pick_hi, i + 1 < values.len()) {
                (false, _) => lo,
                (true, true) => hi,
                (true, false) => f64::INFINITY,
            }
        };
        for sign in [1.0, -1.0] {
            let input = f64::from(x) * sign;
            let got = quantize::<F, Nearest>(input);
            let want = expected * sign;
            let same = (got.is_nan() && want.is_nan()) || got.to_bits() == want.to_bits();
            if !same && mismatches.len() < 5 {
                mismatches.push(format!(
                    "{input:e} ({bits:#010x}): got {got:e}, want {want:e}"
                ));
            }
        }
    }
    mismatches
}

/// Every positive pattern 0 ..= 0x7FFF_FFFF (with its negative), split over the cores.
fn exhaustive<F: Format>(values: &[f64]) {
    let mismatches = grokflow_tests::on_all_cores(0x8000_0000, |range| walk::<F>(values, range));
    assert!(mismatches.is_empty(), "{mismatches:#?}");
}

#[test]
fn every_f32_rounds_to_the_nearest_bf16_ties_to_even() {
    exhaustive::<Bf16Format>(&bf16_table());
}

#[test]
fn every_f32_rounds_to_the_nearest_f16_ties_to_even() {
    exhaustive::<F16Format>(&f16_table());
}

/// Stochastic rounding returns one of the two neighbours, and the value itself when it is
/// representable (on a stride through all patterns).
#[test]
fn stochastic_rounding_picks_a_neighbour() {
    let values = f16_table();
    for bits in (0..0x7F80_0000u32).step_by(9973) {
        let x = f64::from(f32::from_bits(bits));
        let got = quantize::<F16Format, Stochastic>(x);
        let i = values.partition_point(|&v| v <= x).saturating_sub(1);
        let lo = values[i];
        let hi = values.get(i + 1).copied().unwrap_or(f64::INFINITY);
        if x == lo {
            assert_eq!(got, x);
        } else {
            assert!(
                got == lo || got == hi || (got.is_infinite() && x > 65504.0),
                "{x}: {got}"
            );
        }
    }
}
