//! The one warning every front end gives before a run: the paper's update `θ(1 − ηλ)` rounds
//! the decay away in the chosen number format (docs/theory.md, "Low precision").

use core::fmt;

use crate::config::{Config, Integrator};
use crate::numbers::precision::Precision;

/// One step of weight decay is lost to rounding in `precision` at this `ηλ`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct DecayWarning {
    /// `η·λ`, the decay of one step.
    pub eta_lambda: f64,
    /// The number format that loses it.
    pub precision: Precision,
    /// The schemes that keep it for this model.
    pub remedies: &'static str,
}

impl DecayWarning {
    /// The warning for the paper's update of `config` in `precision`, whatever integrator
    /// `config` names (the precision study compares them all); for a weight of the size the
    /// diagonal net starts at.
    pub fn for_paper_update(config: &Config, precision: Precision) -> Option<Self> {
        let eta_lambda = config.lr * config.lambda;
        // The log-space update exists only where validation accepts it (the depth-2 diagonal net).
        let log_space = Config {
            integrator: Integrator::GdLogSpace,
            ..*config
        };
        precision
            .decay_is_lost(eta_lambda, config.init_scale())
            .then_some(Self {
                eta_lambda,
                precision,
                remedies: if log_space.validate().is_ok() {
                    "gd-kahan, gd-log-space or stochastic rounding"
                } else {
                    "gd-kahan or stochastic rounding"
                },
            })
    }

    /// The warning for running `config` in `precision`: only the paper's update (`gd`) loses
    /// the decay; the other schemes compensate for it or apply it exactly.
    pub fn for_run(config: &Config, precision: Precision) -> Option<Self> {
        Self::for_paper_update(config, precision).filter(|_| config.integrator == Integrator::Gd)
    }
}

impl fmt::Display for DecayWarning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "ηλ = {:e} is below {}'s decay threshold: the paper's update rounds θ(1 − ηλ) back \
             to θ (consider {})",
            self.eta_lambda,
            self.precision.name(),
            self.remedies
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_papers_update_below_the_threshold_warns() {
        // fig1a-small: ηλ = 10⁻⁵, below bf16's 2⁻⁹ and f16's 2⁻¹², above f32's 2⁻²⁵.
        let gd = Config {
            integrator: Integrator::Gd,
            ..Config::default()
        };
        assert!(DecayWarning::for_run(&gd, Precision::Bf16).is_some());
        assert!(DecayWarning::for_run(&gd, Precision::F32).is_none());
        let kahan = Config {
            integrator: Integrator::GdKahan,
            ..gd
        };
        assert!(DecayWarning::for_run(&kahan, Precision::Bf16).is_none());
        assert!(DecayWarning::for_paper_update(&kahan, Precision::Bf16).is_some());
        let text = std::format!(
            "{}",
            DecayWarning::for_run(&gd, Precision::Bf16).expect("bf16")
        );
        assert!(text.starts_with("ηλ = 1e-5 is below bf16's"), "{text}");
    }
}
