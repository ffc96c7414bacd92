//! f32 with micromath's fast approximations in place of libm: the explicit approximate backend.

use core::ops::{Add, AddAssign, Div, Mul, MulAssign, Neg, Sub, SubAssign};

use crate::numbers::mul_add::MulAdd;
use crate::numbers::scalar::Scalar;

/// IEEE f32 arithmetic, but `exp`, `ln` and `sqrt` from `micromath` (a few significant digits,
/// much smaller and faster on a microcontroller without an FPU library).
#[derive(Clone, Copy, Debug, Default, PartialEq, PartialOrd)]
pub struct F32Approx(pub f32);

macro_rules! op {
    ($trait:ident, $method:ident, $assign:ident, $assign_method:ident, $op:tt) => {
        impl $trait for F32Approx {
            type Output = Self;
            #[inline]
            fn $method(self, rhs: Self) -> Self {
                Self(self.0 $op rhs.0)
            }
        }
        impl $assign for F32Approx {
            #[inline]
            fn $assign_method(&mut self, rhs: Self) {
                self.0 = self.0 $op rhs.0;
            }
        }
    };
}

op!(Add, add, AddAssign, add_assign, +);
op!(Sub, sub, SubAssign, sub_assign, -);
op!(Mul, mul, MulAssign, mul_assign, *);

impl Div for F32Approx {
    type Output = Self;
    #[inline]
    fn div(self, rhs: Self) -> Self {
        Self(self.0 / rhs.0)
    }
}

impl Neg for F32Approx {
    type Output = Self;
    #[inline]
    fn neg(self) -> Self {
        Self(-self.0)
    }
}

/// Fused, as f32's: only the transcendental functions differ.
impl MulAdd for F32Approx {
    #[inline]
    fn mul_add(self, a: Self, b: Self) -> Self {
        Self(MulAdd::mul_add(self.0, a.0, b.0))
    }
}

impl Scalar for F32Approx {
    const ZERO: Self = Self(0.0);
    const ONE: Self = Self(1.0);
    const NAME: &'static str = "f32-approx";
    const EPSILON: f64 = f32::EPSILON as f64;

    fn from_f64(x: f64) -> Self {
        Self(x as f32)
    }
    fn from_f32(x: f32) -> Self {
        Self(x)
    }
    fn to_f64(self) -> f64 {
        f64::from(self.0)
    }
    fn exp(self) -> Self {
        Self(micromath::F32(self.0).exp().0)
    }
    fn ln(self) -> Self {
        Self(micromath::F32(self.0).ln().0)
    }
    fn ln_1p(self) -> Self {
        Self(micromath::F32(1.0 + self.0).ln().0)
    }
    fn sqrt(self) -> Self {
        Self(micromath::F32(self.0).sqrt().0)
    }
    fn abs(self) -> Self {
        Self(libm::fabsf(self.0))
    }
    fn is_finite(self) -> bool {
        self.0.is_finite()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn approximations_are_close_but_not_libm() {
        // micromath documents a few significant digits; the point is that it differs.
        const MAX_RELATIVE_ERROR: f64 = 1e-2;
        for x in [-3.0f32, -0.5, 0.25, 2.0] {
            let approx = F32Approx(x).exp().to_f64();
            let exact = libm::exp(f64::from(x));
            assert!(
                (approx / exact - 1.0).abs() < MAX_RELATIVE_ERROR,
                "exp({x})"
            );
        }
        assert!((F32Approx(10.0).ln().to_f64() - libm::log(10.0)).abs() < 0.01);
    }
}
