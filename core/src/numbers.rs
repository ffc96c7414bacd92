//! Layer 1, numbers: the [`Scalar`] trait and its formats (f32, f64, bf16, f16, fixed point,
//! approximate f32), their multiply-add ([`MulAdd`], fused for f32 and f64), rounding, the
//! runtime choice of a format ([`Precision`]), where transcendental functions are chosen
//! (`libm`, and our own f32 exp and log for the losses), the seeded random
//! streams and the small linear-algebra kernels the models share.

pub(crate) mod bands;
pub(crate) mod eigen;
pub(crate) mod linalg;
pub(crate) mod math;
pub(crate) mod matrix;
pub(crate) mod mul_add;
pub(crate) mod precision;
pub(crate) mod rng;
pub(crate) mod scalar;
#[cfg(feature = "std")]
pub mod simd;

pub use math::from_log10;
pub use mul_add::MulAdd;
pub use precision::{Precision, WithScalar};
pub use rng::{Rng, Stream};
pub use scalar::{
    Bf16, Bf16Format, Bf16Sr, F16, F16Format, F16Sr, F32Approx, Fixed, Fixed16, Fixed16Sr, Fixed24,
    Fixed24Sr, Format, Nearest, Q8_24, Q16_16, QFormat, Rounding, Scalar, SoftFloat, Stochastic,
    quantize, reseed,
};
