//! The number formats a run can be asked for by name, and the one place that turns a name
//! into a type.

use crate::numbers::scalar::{
    Bf16, Bf16Sr, F16, F16Sr, F32Approx, Fixed16, Fixed16Sr, Fixed24, Fixed24Sr, Scalar,
};

/// A number format the dynamics can run in (each is a [`Scalar`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
pub enum Precision {
    /// IEEE single precision (the paper's).
    #[default]
    F32,
    /// IEEE double precision (the reference).
    F64,
    /// bfloat16, round to nearest even.
    Bf16,
    /// bfloat16, stochastic rounding.
    Bf16Sr,
    /// IEEE binary16, round to nearest even.
    F16,
    /// IEEE binary16, stochastic rounding.
    F16Sr,
    /// Q16.16 fixed point, round to nearest even.
    Q16_16,
    /// Q16.16 fixed point, stochastic rounding.
    Q16_16Sr,
    /// Q8.24 fixed point, round to nearest even.
    Q8_24,
    /// Q8.24 fixed point, stochastic rounding.
    Q8_24Sr,
    /// f32 with micromath's approximate exp, ln and sqrt.
    F32Approx,
}

/// Work that is generic over the number format: [`Precision::with`] calls `run` with the
/// type behind a name.
pub trait WithScalar {
    /// What the work produces.
    type Output;
    /// Does the work in format `S`.
    fn run<S: Scalar>(self) -> Self::Output;
}

impl Precision {
    /// Every format, in menu order.
    pub const ALL: [Precision; 11] = [
        Precision::F32,
        Precision::F64,
        Precision::Bf16,
        Precision::Bf16Sr,
        Precision::F16,
        Precision::F16Sr,
        Precision::Q16_16,
        Precision::Q16_16Sr,
        Precision::Q8_24,
        Precision::Q8_24Sr,
        Precision::F32Approx,
    ];

    /// Runs `work` in this format.
    pub fn with<W: WithScalar>(self, work: W) -> W::Output {
        match self {
            Precision::F32 => work.run::<f32>(),
            Precision::F64 => work.run::<f64>(),
            Precision::Bf16 => work.run::<Bf16>(),
            Precision::Bf16Sr => work.run::<Bf16Sr>(),
            Precision::F16 => work.run::<F16>(),
            Precision::F16Sr => work.run::<F16Sr>(),
            Precision::Q16_16 => work.run::<Fixed16>(),
            Precision::Q16_16Sr => work.run::<Fixed16Sr>(),
            Precision::Q8_24 => work.run::<Fixed24>(),
            Precision::Q8_24Sr => work.run::<Fixed24Sr>(),
            Precision::F32Approx => work.run::<F32Approx>(),
        }
    }

    /// The name used on the command line and in files (the `Scalar::NAME`).
    pub fn name(self) -> &'static str {
        struct Name;
        impl WithScalar for Name {
            type Output = &'static str;
            fn run<S: Scalar>(self) -> &'static str {
                S::NAME
            }
        }
        self.with(Name)
    }

    /// Inverse of [`Precision::name`].
    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|p| p.name() == name)
    }

    /// The format without its rounding rule (`"bf16"` for both bf16 variants).
    pub fn format_name(self) -> &'static str {
        let name = self.name();
        name.strip_suffix("-sr").unwrap_or(name)
    }

    /// `"stochastic"` or `"nearest"`.
    pub fn rounding_name(self) -> &'static str {
        if self.name().ends_with("-sr") {
            "stochastic"
        } else {
            "nearest"
        }
    }

    /// Significand bits (hidden bit included) of a floating format, or None for fixed point.
    pub fn significand_bits(self) -> Option<u32> {
        match self {
            Precision::F64 => Some(53),
            Precision::F32 | Precision::F32Approx => Some(24),
            Precision::F16 | Precision::F16Sr => Some(11),
            Precision::Bf16 | Precision::Bf16Sr => Some(8),
            _ => None,
        }
    }

    /// Fractional bits of a fixed-point format, or None for floating point.
    pub fn fraction_bits(self) -> Option<u32> {
        match self {
            Precision::Q16_16 | Precision::Q16_16Sr => Some(16),
            Precision::Q8_24 | Precision::Q8_24Sr => Some(24),
            _ => None,
        }
    }

    /// Whether one paper step `θ(1 − ηλ)` rounds the decay away (docs/theory.md, "Low precision"): for a float with
    /// p significand bits when `ηλ < 2^{−(p+1)}` (under round to nearest), for fixed point
    /// with f fractional bits once `|θ| < 2^{−(f+1)}/(ηλ)` — here for a weight of size
    /// `magnitude`.
    pub fn decay_is_lost(self, eta_lambda: f64, magnitude: f64) -> bool {
        if eta_lambda <= 0.0 {
            return false;
        }
        match (self.significand_bits(), self.fraction_bits()) {
            (Some(p), _) => eta_lambda < crate::numbers::math::pow(2.0, -f64::from(p + 1)),
            (_, Some(f)) => {
                magnitude < crate::numbers::math::pow(2.0, -f64::from(f + 1)) / eta_lambda
            }
            _ => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_and_split() {
        for p in Precision::ALL {
            assert_eq!(Precision::from_name(p.name()), Some(p));
        }
        assert_eq!(Precision::Bf16Sr.format_name(), "bf16");
        assert_eq!(Precision::Bf16Sr.rounding_name(), "stochastic");
        assert_eq!(Precision::Q8_24.name(), "q8.24");
    }

    #[test]
    fn decay_thresholds_follow_the_significand() {
        // ηλ = 10⁻⁴: below bf16's 2⁻⁹ and f16's 2⁻¹², above f32's 2⁻²⁵.
        assert!(Precision::Bf16.decay_is_lost(1e-4, 1.0));
        assert!(Precision::F16.decay_is_lost(1e-4, 1.0));
        assert!(!Precision::F32.decay_is_lost(1e-4, 1.0));
        // Q16.16: a weight stops decaying below 2⁻¹⁷/10⁻⁴ ≈ 0.076.
        assert!(Precision::Q16_16.decay_is_lost(1e-4, 0.05));
        assert!(!Precision::Q16_16.decay_is_lost(1e-4, 0.1));
    }
}
