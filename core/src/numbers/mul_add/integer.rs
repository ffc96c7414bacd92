//! A correctly rounded f32 fused multiply-add in integer arithmetic, for the boards: stable
//! Rust's `core` has no fma intrinsic (`core_float_math` is unstable) and the core has no
//! `unsafe` for inline assembly, so the Cortex-M4F's VFMA is out of reach, and `libm::fmaf`
//! goes through f64, which every board emulates in software (the M4F's FPU is single
//! precision). Under QEMU, whose floating-point instructions are helper calls, the f64 route
//! made the MLP board 16 times slower; this one is a 24 × 24-bit product, shifts and one
//! rounding.
//!
//! Normal operands take the integer path; zeros, subnormals, infinities, NaN and results
//! outside the normal range (all rare in training) go to `libm`, which is correct and slow.

/// `a·b + c`, rounded once to nearest even.
#[inline]
pub(crate) fn fmaf(a: f32, b: f32, c: f32) -> f32 {
    if a == 0.0 || b == 0.0 {
        // The product is an exact ±0 (or NaN): one rounding is the add's.
        return a * b + c;
    }
    let (a_bits, b_bits, c_bits) = (a.to_bits(), b.to_bits(), c.to_bits());
    let (ea, eb, ec) = (exponent(a_bits), exponent(b_bits), exponent(c_bits));
    let c_is_zero = c_bits << 1 == 0;
    if !(normal(ea) && normal(eb) && (normal(ec) || c_is_zero)) {
        return libm::fmaf(a, b, c);
    }
    // a·b = product·2^(product_lsb), product in [2⁴⁶, 2⁴⁸).
    let product = u64::from(significand(a_bits)) * u64::from(significand(b_bits));
    let product_lsb = ea + eb - 2 * 150;
    let product_negative = (a_bits ^ b_bits) >> 31 == 1;
    // Both terms with their leading bit at bit 62 (bit 63 takes a carry).
    let shift = product.leading_zeros() as i32 - 1;
    let p = Term {
        bits: product << shift,
        lsb: product_lsb - shift,
        negative: product_negative,
    };
    let sum = if c_is_zero {
        p
    } else {
        let c = Term {
            bits: u64::from(significand(c_bits)) << 39,
            lsb: ec - 150 - 39,
            negative: c_bits >> 31 == 1,
        };
        match p.add(c) {
            Some(sum) => sum,
            // An exact zero: +0 in round-to-nearest.
            None => return 0.0,
        }
    };
    sum.round().unwrap_or_else(|| libm::fmaf(a, b, c))
}

/// The biased exponent field, as a signed number.
#[inline]
fn exponent(bits: u32) -> i32 {
    ((bits >> 23) & 0xff) as i32
}

/// Neither zero nor subnormal, infinite or NaN.
#[inline]
fn normal(exponent: i32) -> bool {
    (1..=254).contains(&exponent)
}

/// The 24-bit significand of a normal number, leading bit included.
#[inline]
fn significand(bits: u32) -> u32 {
    (bits & 0x7f_ffff) | 0x80_0000
}

/// `±bits·2^lsb`, bit 0 possibly a sticky bit (the OR of bits shifted out below it).
#[derive(Clone, Copy)]
struct Term {
    bits: u64,
    lsb: i32,
    negative: bool,
}

impl Term {
    /// The exact sum of two terms whose leading bits are at bit 62, rounded only into a
    /// sticky bit where the smaller is shifted below the window; `None` for an exact zero.
    #[inline]
    fn add(self, other: Term) -> Option<Term> {
        // Same leading bit position, so the lsb orders the magnitudes, then the bits.
        let (big, small) = if (self.lsb, self.bits) >= (other.lsb, other.bits) {
            (self, other)
        } else {
            (other, self)
        };
        let distance = (big.lsb - small.lsb) as u32;
        let aligned = if distance == 0 {
            small.bits
        } else if distance < 64 {
            (small.bits >> distance) | u64::from(small.bits << (64 - distance) != 0)
        } else {
            1
        };
        let bits = if big.negative == small.negative {
            big.bits + aligned
        } else {
            // Shifts of up to 14 bits are exact (both terms end in 14 zero bits or more),
            // so a sticky bit only meets a difference whose leading bit stays high.
            big.bits - aligned
        };
        (bits != 0).then_some(Term { bits, ..big })
    }

    /// Rounded to nearest even as an f32; `None` outside the normal range.
    #[inline]
    fn round(self) -> Option<f32> {
        let top = 63 - self.bits.leading_zeros() as i32;
        let drop = top - 23;
        let mut significand = if drop <= 0 {
            self.bits << -drop
        } else {
            let kept = self.bits >> drop;
            let rest = self.bits & ((1u64 << drop) - 1);
            let half = 1u64 << (drop - 1);
            kept + u64::from(rest > half || (rest == half && kept & 1 == 1))
        };
        let mut biased = self.lsb + drop + 150;
        if significand == 1 << 24 {
            significand >>= 1;
            biased += 1;
        }
        if !normal(biased) {
            return None;
        }
        let sign = u32::from(self.negative) << 31;
        Some(f32::from_bits(
            sign | ((biased as u32) << 23) | (significand as u32 & 0x7f_ffff),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::fmaf;
    use crate::numbers::rng::{Rng, Stream};

    fn assert_same(a: f32, b: f32, c: f32) {
        let want = libm::fmaf(a, b, c);
        let got = fmaf(a, b, c);
        assert!(
            got.to_bits() == want.to_bits() || (got.is_nan() && want.is_nan()),
            "fma({a:e}, {b:e}, {c:e}): {got:e} against libm's {want:e}"
        );
    }

    /// A random f32 with a random sign, significand and an exponent in `2^low .. 2^high`.
    fn random(rng: &mut Rng, low: i32, high: i32) -> f32 {
        let span = u64::try_from(high - low).unwrap_or(1).max(1);
        let exponent = low + i32::try_from(rng.next_u64() % span).unwrap_or(0);
        let biased = u32::try_from(exponent + 127).unwrap_or(1).clamp(1, 254);
        let bits = (rng.next_u64() as u32) & 0x807f_ffff;
        f32::from_bits(bits | (biased << 23))
    }

    /// Random operands at every scale, and addends that cancel the product to every depth.
    #[test]
    fn random_operands_give_libm_bits() {
        let mut rng = Rng::new(29, Stream::Train);
        for _ in 0..300_000 {
            let (a, b) = (random(&mut rng, -60, 60), random(&mut rng, -60, 60));
            let c = random(&mut rng, -130, 125);
            assert_same(a, b, c);
            // c near −a·b: the sum cancels down to the product's error, or nearly.
            let p = a * b;
            let shift = i32::try_from(rng.next_u64() % 30).unwrap_or(0);
            let near = f32::from_bits((-p).to_bits().wrapping_add((rng.next_u64() % 5) as u32));
            assert_same(a, b, near);
            assert_same(a, b, -p + p * 2f32.powi(-shift));
        }
    }

    /// Sums whose rounded product lands exactly on a rounding midpoint of the result, so
    /// that the product's rounding error alone decides the result: the case a double
    /// rounding gets wrong. The result's grid `g` is twice the lowest set bit of `p`, and
    /// `c` is a multiple of `g` large enough that the sum's ulp is `g`. Half the products
    /// have a tail far below ulp(p), which a rounding of the sum to f32 and then again
    /// would lose.
    #[test]
    fn halfway_cases_give_libm_bits() {
        let mut rng = Rng::new(31, Stream::Train);
        let mut checked = 0;
        while checked < 200_000 {
            // Half the cases: significands 1 + i·2⁻²³ with small i, whose product's tail
            // i·j·2⁻⁴⁶ is far below ulp(p).
            let (a, b) = if checked % 2 == 0 {
                (random(&mut rng, -20, 20), random(&mut rng, -20, 20))
            } else {
                let near_one = |rng: &mut Rng| {
                    let scale = random(rng, -20, 20).to_bits() & 0xff80_0000;
                    f32::from_bits(scale | (1 + (rng.next_u64() % 15) as u32))
                };
                (near_one(&mut rng), near_one(&mut rng))
            };
            let p = a * b;
            let significand = (p.to_bits() & 0x7f_ffff) | 0x80_0000;
            let lowest = significand.trailing_zeros();
            if lowest == 0 || lowest >= 22 {
                continue;
            }
            let exponent = i32::try_from((p.to_bits() >> 23) & 0xff).unwrap_or(127) - 127;
            // ulp(p) = 2^(exponent − 23); g = 2·(p's lowest set bit).
            let g = 2f32.powi(exponent - 23 + i32::try_from(lowest).unwrap_or(0) + 1);
            // |p| < 2^(23 − lowest)·g ≤ 2^22·g, so |p + c| stays in [2^23·g, 2^24·g).
            let n = (3 << 22) + (rng.next_u64() % (1 << 21)) as u32;
            let c = n as f32 * g;
            assert_same(a, b, c);
            assert_same(a, b, -c);
            checked += 1;
        }
    }

    /// Zeros, signed zeros, subnormals, infinities, NaN and the edges of the fast range.
    #[test]
    fn special_operands_give_libm_bits() {
        let specials = [
            0.0,
            -0.0,
            1.0,
            -1.0,
            f32::from_bits(1),
            f32::MIN_POSITIVE,
            -f32::MIN_POSITIVE * 0.5,
            f32::MAX,
            -f32::MAX,
            f32::INFINITY,
            f32::NEG_INFINITY,
            f32::NAN,
            2f32.powi(-100),
            2f32.powi(-101),
            2f32.powi(100) * 1.999_999_9,
            2f32.powi(101),
            3.0e-20,
            7.5e20,
        ];
        for a in specials {
            for b in specials {
                for c in specials {
                    assert_same(a, b, c);
                }
            }
        }
    }
}
