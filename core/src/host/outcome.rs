//! What a run did, classified from its transition times (the phase diagram's colours).

use crate::host::summary::Summary;
use crate::run::simulation::Status;

/// What a run did, from its transition times.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Outcome {
    /// Never fitted the training set.
    NoFit,
    /// Fitted, never generalised.
    Memorise,
    /// Generalised about as soon as it fitted (within a factor [`GROK_DELAY`]).
    Generalise,
    /// Generalised much later than it fitted.
    Grok,
    /// Generalised early, then lost it (test accuracy fell 20 points).
    Misgrok,
    /// Blew up.
    Diverged,
}

/// `t_grok / t_fit` above which generalising counts as grokking.
pub const GROK_DELAY: f64 = 10.0;

impl Outcome {
    /// Every outcome, in legend order.
    pub const ALL: [Outcome; 6] = [
        Outcome::NoFit,
        Outcome::Memorise,
        Outcome::Generalise,
        Outcome::Grok,
        Outcome::Misgrok,
        Outcome::Diverged,
    ];

    /// The outcome [`Outcome::name`] names.
    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|o| o.name() == name)
    }

    /// Short name for legends and files.
    pub const fn name(self) -> &'static str {
        match self {
            Outcome::NoFit => "no-fit",
            Outcome::Memorise => "memorise",
            Outcome::Generalise => "generalise",
            Outcome::Grok => "grok",
            Outcome::Misgrok => "misgrok",
            Outcome::Diverged => "diverged",
        }
    }

    /// Classifies a finished run.
    pub fn of(summary: &Summary) -> Self {
        let t = summary.transitions;
        if matches!(summary.status, Status::Diverged { .. }) {
            return Outcome::Diverged;
        }
        let Some(fit) = t.log10_t_fit else {
            return Outcome::NoFit;
        };
        if t.log10_t_drop.is_some() {
            return Outcome::Misgrok;
        }
        match t.log10_t_grok {
            None => Outcome::Memorise,
            // Fit at t = 0 (log10 = −∞) or grokking within a factor GROK_DELAY of the fit.
            Some(grok) if !fit.is_finite() || grok <= fit + GROK_DELAY.log10() => {
                Outcome::Generalise
            }
            Some(_) => Outcome::Grok,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Config;

    #[test]
    fn outcomes_are_found_by_name() {
        for o in Outcome::ALL {
            assert_eq!(Outcome::from_name(o.name()), Some(o));
        }
        assert_eq!(Outcome::from_name("grokked"), None);
    }

    #[test]
    fn outcomes_follow_the_transition_times() {
        use crate::run::transition::Transitions;
        let summary = |status, fit, grok, drop| Summary {
            config: Config::default(),
            precision: "f32",
            status,
            steps: 1,
            gradient_evals: 1,
            transitions: Transitions {
                log10_t_fit: fit,
                log10_t_grok: grok,
                log10_t_drop: drop,
            },
            t_predicted: None,
            last: None,
            wall_s: 0.0,
            shape: None,
        };
        let done = Status::Finished;
        let blown = Status::Diverged {
            reason: crate::Divergence::NonFiniteLoss,
            t: 1.0,
        };
        let table = [
            (summary(done, None, None, None), Outcome::NoFit),
            (summary(done, Some(-2.0), None, None), Outcome::Memorise),
            (
                summary(done, Some(-2.0), Some(-1.5), None),
                Outcome::Generalise,
            ),
            (summary(done, Some(-2.0), Some(3.5), None), Outcome::Grok),
            (
                summary(done, Some(-2.0), Some(-2.0), Some(2.7)),
                Outcome::Misgrok,
            ),
            (summary(blown, Some(-2.0), None, None), Outcome::Diverged),
        ];
        for (s, want) in table {
            assert_eq!(Outcome::of(&s), want, "{:?}", s.transitions);
        }
    }
}
