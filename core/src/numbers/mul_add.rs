//! The multiply-add every product and dot product is made of, in one order on every target.
//!
//! For f32 and f64 it is fused: `x·y + z` rounded once. IEEE 754 defines fma as correctly
//! rounded, so the hardware instruction (x86-64 FMA3, AArch64, the Cortex-M4F's VFMA) and
//! `libm`'s software routine (SSE2-only x86, wasm32, Cortex-M0/M3, RV32) give the same bits:
//! a target without the instruction is slower, never different. The emulated formats keep
//! a rounding per operation (a multiply, then an add), which is what they model.

#[cfg(any(test, target_os = "none"))]
mod integer;

use core::ops::{Add, Mul};

/// A number type's multiply-add.
pub trait MulAdd: Copy + Add<Output = Self> + Mul<Output = Self> {
    /// `self·a + b` in the format's order: one rounding for f32 and f64, a rounded multiply
    /// then a rounded add for the emulated formats (the default).
    #[inline]
    fn mul_add(self, a: Self, b: Self) -> Self {
        self * a + b
    }
}

impl MulAdd for f32 {
    #[inline]
    fn mul_add(self, a: Self, b: Self) -> Self {
        // The boards: integer arithmetic, since libm's fmaf goes through f64 (soft float
        // on every board).
        #[cfg(target_os = "none")]
        return integer::fmaf(self, a, b);
        #[cfg(not(target_os = "none"))]
        libm::fmaf(self, a, b)
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
    use super::MulAdd;

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
}
