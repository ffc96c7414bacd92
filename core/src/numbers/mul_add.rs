//! The multiply-add every product and dot product is made of, in one order on every target.
//!
//! For f32 and f64 it is fused: `x·y + z` rounded once. IEEE 754 defines fma as correctly
//! rounded, so every correct implementation gives the same bits: the FMA3 or NEON instruction
//! in the vector kernels; here, for f32, a route through f64 with libm for its rare halfway
//! cases (`widened`), or on the boards, whose f64 is software, an fma in integer arithmetic
//! (`integer`); for f64, `libm` (the instruction where the CPU has it, an exact routine
//! elsewhere). A target without the instruction is slower, never different. The emulated
//! formats keep a rounding per operation (a multiply, then an add), which is what they model.

#[cfg(any(test, target_os = "none"))]
mod integer;
#[cfg(any(test, not(target_os = "none")))]
mod widened;

use core::ops::{Add, Mul};

/// Independent partial sums in a dot product. Eight breaks the add-latency chain (and lets
/// the compiler use SIMD lanes) on every target we build for, and the fixed lane order keeps
/// results identical across targets.
pub(crate) const LANES: usize = 8;

/// A number type's multiply-add.
pub trait MulAdd: Copy + Add<Output = Self> + Mul<Output = Self> {
    /// `self·a + b` in the format's order: one rounding for f32 and f64, a rounded multiply
    /// then a rounded add for the emulated formats (the default).
    #[inline]
    fn mul_add(self, a: Self, b: Self) -> Self {
        self * a + b
    }

    /// `acc[k] = a·x[k] + acc[k]` over the shorter length, each term as
    /// [`mul_add`](Self::mul_add) gives it. A whole row in one call, so that a format can
    /// compute the terms side by side (f32's route through f64 does).
    #[inline]
    fn scaled_add(a: Self, x: &[Self], acc: &mut [Self]) {
        for (acc, &x) in acc.iter_mut().zip(x) {
            *acc = a.mul_add(x, *acc);
        }
    }

    /// `lanes[k mod 8] = x[k]·y[k] + lanes[k mod 8]` in order of `k`, over the shorter
    /// length, each term as [`mul_add`](Self::mul_add) gives it: the partial sums of a dot
    /// product ([`linalg::dot`](crate::numbers::linalg)).
    #[inline]
    fn dot_lanes(x: &[Self], y: &[Self], lanes: &mut [Self; LANES]) {
        let (mut xs, mut ys) = (x.chunks_exact(LANES), y.chunks_exact(LANES));
        for (x, y) in (&mut xs).zip(&mut ys) {
            for ((lane, &x), &y) in lanes.iter_mut().zip(x).zip(y) {
                *lane = x.mul_add(y, *lane);
            }
        }
        for ((lane, &x), &y) in lanes.iter_mut().zip(xs.remainder()).zip(ys.remainder()) {
            *lane = x.mul_add(y, *lane);
        }
    }
}

impl MulAdd for f32 {
    #[inline]
    fn mul_add(self, a: Self, b: Self) -> Self {
        // The boards emulate f64 in software, so they take the integer route. Elsewhere f64
        // is in hardware, and the route through it, inlined, is faster than libm's call
        // (which on x86-64 reaches the FMA instruction through a function pointer, and on
        // wasm32 runs the same route out of line).
        #[cfg(target_os = "none")]
        return integer::fmaf(self, a, b);
        #[cfg(not(target_os = "none"))]
        widened::fmaf(self, a, b)
    }

    #[cfg(not(target_os = "none"))]
    #[inline]
    fn scaled_add(a: Self, x: &[Self], acc: &mut [Self]) {
        widened::scaled_add(a, x, acc);
    }

    #[cfg(not(target_os = "none"))]
    #[inline]
    fn dot_lanes(x: &[Self], y: &[Self], lanes: &mut [Self; LANES]) {
        widened::dot_lanes(x, y, lanes);
    }
}

impl MulAdd for f64 {
    #[inline]
    fn mul_add(self, a: Self, b: Self) -> Self {
        libm::fma(self, a, b)
    }
}

#[cfg(test)]
mod tests {
    use super::{LANES, MulAdd, integer, widened};
    use crate::numbers::rng::{Rng, Stream};

    /// Cases where one rounding and two roundings differ: the product's low bits survive
    /// the add only when the multiply-add is fused.
    #[test]
    fn f32_and_f64_round_once() {
        // (1 + 2⁻²³)(1 − 2⁻²³) = 1 − 2⁻⁴⁶: rounded alone it is 1, so − 1 gives 0.
        let (x, y) = (1.0 + f32::EPSILON, 1.0 - f32::EPSILON);
        assert_eq!(x * y - 1.0, 0.0);
        assert_eq!(MulAdd::mul_add(x, y, -1.0), -(2.0f32.powi(-46)));
        let (x, y) = (1.0 + f64::EPSILON, 1.0 - f64::EPSILON);
        assert_eq!(x * y - 1.0, 0.0);
        assert_eq!(MulAdd::mul_add(x, y, -1.0), -(2.0f64.powi(-104)));
    }

    /// Every special class comes out as IEEE says for a fused multiply-add.
    #[test]
    fn special_values_follow_ieee() {
        assert!(MulAdd::mul_add(f32::INFINITY, 0.0, 1.0).is_nan());
        assert!(MulAdd::mul_add(f32::NAN, 1.0, 1.0).is_nan());
        assert_eq!(MulAdd::mul_add(f32::MAX, 2.0, -f32::MAX), f32::MAX);
        assert_eq!(MulAdd::mul_add(f32::MAX, 2.0, 0.0), f32::INFINITY);
        // The smallest subnormal squared is below the subnormals: the sum is exactly z.
        let tiny = f32::from_bits(1);
        assert_eq!(MulAdd::mul_add(tiny, tiny, tiny), tiny);
        assert_eq!(
            MulAdd::mul_add(-0.0f64, 1.0, 0.0).to_bits(),
            0.0f64.to_bits()
        );
    }

    /// The boards' fma and the route through f64 against libm's (the host's FMA
    /// instruction, or its exact routine): alone, and at every place of a dot product's
    /// lanes and of a row of ten (two groups side by side, two terms after), beside terms
    /// of 1.
    fn assert_same(a: f32, b: f32, c: f32) {
        let want = libm::fmaf(a, b, c);
        let mut routes = std::vec![
            ("integer", integer::fmaf(a, b, c)),
            ("widened", widened::fmaf(a, b, c)),
        ];
        for k in 0..LANES + 2 {
            let (mut x, mut y) = ([1.0f32; LANES + 2], [1.0f32; LANES + 2]);
            let mut lanes = [1.0f32; LANES];
            (x[k], y[k], lanes[k % LANES]) = (a, b, c);
            // The lane's other term, before or after, is −0·1, which leaves any sum as it is.
            let other = if k < LANES { k + LANES } else { k - LANES };
            if let Some(x) = x.get_mut(other) {
                *x = -0.0;
            }
            widened::dot_lanes(&x, &y, &mut lanes);
            routes.push(("widened lanes", lanes[k % LANES]));
            let mut acc = [1.0f32; LANES + 2];
            acc[k] = c;
            widened::scaled_add(a, &y, &mut acc);
            routes.push(("widened row", acc[k]));
        }
        for (route, got) in routes {
            assert!(
                got.to_bits() == want.to_bits() || (got.is_nan() && want.is_nan()),
                "{route} fma({a:e}, {b:e}, {c:e}): {got:e} against libm's {want:e}"
            );
        }
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

    /// A product a hair from a power of two, `(1 + 2⁻ᵏ)(1 − 2⁻ᵏ) = 1 − 2⁻²ᵏ`, beside an addend
    /// 2²⁴ times larger: the exact sum sits just below a midpoint of the result's grid, by
    /// less than half an ulp of f64, so a sum rounded to nearest in f64 and then to f32 would
    /// land on the midpoint and round to even, wrongly half the time (a route through f64
    /// without rounding to odd fails here).
    #[test]
    fn sums_just_off_a_midpoint_give_libm_bits() {
        let mut rng = Rng::new(37, Stream::Train);
        for _ in 0..100_000 {
            let k = 13 + i32::try_from(rng.next_u64() % 11).unwrap_or(0);
            let (s, t) = (random(&mut rng, -30, 30), random(&mut rng, -30, 30));
            let (scale_a, scale_b) = (
                s.abs().to_bits() & 0xff80_0000,
                t.abs().to_bits() & 0xff80_0000,
            );
            let a = f32::from_bits(scale_a) * (1.0 + 2f32.powi(-k));
            let b = f32::from_bits(scale_b) * (1.0 - 2f32.powi(-k));
            // The result's grid is 2·p with p = RN(a·b), a power of two.
            let n = ((1u64 << 23) + rng.next_u64() % (1 << 23)) as f32;
            let c = n * 2.0 * (a * b);
            for (x, z) in [(a, c), (a, -c), (-a, c), (-a, -c)] {
                assert_same(x, b, z);
            }
        }
    }
}
