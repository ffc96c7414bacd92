//! A correctly rounded f32 fused multiply-add in integer arithmetic, for the boards: stable
//! Rust's `core` has no fma intrinsic (`core_float_math` is unstable) and the core has no
//! `unsafe` for inline assembly, so the Cortex-M4F's VFMA is out of reach, and `libm::fmaf`
//! goes through f64, which every board emulates in software (the M4F's FPU is single
//! precision). Under QEMU, whose floating-point instructions are helper calls, the f64 route
//! made the MLP board more than 16 times slower; this one is a 24 × 24-bit product, shifts
//! and one rounding (about 200 instructions on a 32-bit core).
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
