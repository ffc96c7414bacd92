//! What a run did, classified from its transition times and the shape of its test curve
//! (the phase diagram's colours).

use crate::host::summary::Summary;
use crate::run::simulation::Status;

/// What a run did, from its transition times and the shape of its test curve.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Outcome {
    /// Never fitted the training set.
    NoFit,
    /// Fitted, never generalised.
    Memorise,
    /// Generalised without waiting on a plateau: with the fit, or while still learning the
    /// training set.
    Generalise,
    /// Generalised after a plateau (see [`Outcome::of`]).
    Grok,
    /// Generalised early, then lost it (test accuracy fell 20 points).
    Misgrok,
    /// Blew up.
    Diverged,
}

/// Decades of t that the test curve must stay on its plateau after the fit for generalising
/// to count as grokking.
pub const PLATEAU_DECADES: f64 = 1.0;

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

    /// Classifies a finished run. A run that generalised (reached `t_grok`) grokked when its
    /// test curve waited on a plateau: it has a
    /// [`TransitionShape`](crate::run::transition_shape::TransitionShape) whose rise improves on
    /// the plateau (accuracy up, loss down), the plateau lasts at least
    /// [`PLATEAU_DECADES`] after the fit, and the training set was learned (`t_learned`)
    /// before the rise began. Otherwise it generalised: with the fit (no shape, or a short
    /// plateau), or together with learning the training set, as a diagonal net at α = 1
    /// does, whose signs fit at the first step while its loss is still ln 2.
    pub fn of(summary: &Summary) -> Self {
        let t = summary.transitions;
        if matches!(summary.status, Status::Diverged { .. }) {
            return Outcome::Diverged;
        }
        if t.log10_t_fit.is_none() {
            return Outcome::NoFit;
        }
        if t.log10_t_drop.is_some() {
            return Outcome::Misgrok;
        }
        if t.log10_t_grok.is_none() {
            return Outcome::Memorise;
        }
        let classification = summary.config.is_classification();
        let waited = summary.shape.is_some_and(|shape| {
            let improves = (shape.final_level > shape.plateau_level) == classification;
            let learned_first = t
                .log10_t_learned
                .is_some_and(|learned| learned <= shape.log10_t_rise_start);
            improves && learned_first && shape.plateau_decades() >= PLATEAU_DECADES
        });
        if waited {
            Outcome::Grok
        } else {
            Outcome::Generalise
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Config;
    use crate::run::transition::Transitions;
    use crate::run::transition_shape::TransitionShape;
    use std::vec::Vec;

    #[test]
    fn outcomes_are_found_by_name() {
        for o in Outcome::ALL {
            assert_eq!(Outcome::from_name(o.name()), Some(o));
        }
        assert_eq!(Outcome::from_name("grokked"), None);
    }

    /// A classification run's summary whose test accuracy follows `curve` (`(log10 t, acc)`),
    /// fitted at `fit`, learned at `learned`, with `t_grok` where `curve` first reaches 0.95.
    fn classification(curve: &[(f64, f64)], fit: f64, learned: Option<f64>) -> Summary {
        let grok = curve.iter().find(|p| p.1 >= 0.95).map(|p| p.0);
        Summary {
            config: Config::default(),
            precision: "f32",
            status: Status::Finished,
            steps: 1,
            gradient_evals: 1,
            transitions: Transitions {
                log10_t_fit: Some(fit),
                log10_t_grok: grok,
                log10_t_drop: None,
                log10_t_learned: learned,
            },
            t_predicted: None,
            last: None,
            wall_s: 0.0,
            shape: TransitionShape::of(curve, Some(fit)),
        }
    }

    /// Test accuracy 0.6 until `rise` (log10 t), then a step to 1, recorded 20 times a
    /// decade from t = 10⁻² to 10⁵.
    fn step_at(rise: f64) -> Vec<(f64, f64)> {
        (0..=140)
            .map(|i| -2.0 + f64::from(i) / 20.0)
            .map(|l| (l, if l < rise { 0.6 } else { 1.0 }))
            .collect()
    }

    #[test]
    fn grokking_needs_a_decade_of_plateau_after_the_training_set_is_learned() {
        let cases = [
            // α large: fitted and learned at once, flat for five decades, then up.
            (step_at(3.0), Some(-1.5), Outcome::Grok),
            // Just over the minimum plateau (the 10% crossing is interpolated between the
            // records either side of the step, at log10 t = −0.995).
            (step_at(-0.95), Some(-2.0), Outcome::Grok),
            // Just under it (−1.045).
            (step_at(-1.0), Some(-2.0), Outcome::Generalise),
            // Up half a decade after the fit: no plateau.
            (step_at(-1.5), Some(-2.0), Outcome::Generalise),
            // α = 1 on a diagonal net: signs right at the first step, the loss falls only
            // with the rise: generalising while learning, however long the wait on log t.
            (step_at(0.5), Some(1.0), Outcome::Generalise),
            (step_at(0.5), None, Outcome::Generalise),
            // Learned just before the rise.
            (step_at(0.5), Some(0.4), Outcome::Grok),
        ];
        for (curve, learned, want) in cases {
            let s = classification(&curve, -2.0, learned);
            assert_eq!(Outcome::of(&s), want, "learned {learned:?}, {:?}", s.shape);
        }
    }

    #[test]
    fn generalising_at_the_fit_or_downwards_is_not_grokking() {
        // Already at 0.97 when fitted: no shape at all.
        let flat: Vec<_> = step_at(9.0).iter().map(|&(l, _)| (l, 0.97)).collect();
        let s = classification(&flat, -2.0, Some(-2.0));
        assert_eq!(s.shape, None);
        assert_eq!(Outcome::of(&s), Outcome::Generalise);
        // At 1 when fitted, 0.95 at the end (a fall too small for misgrokking).
        let fall: Vec<_> = step_at(3.0).iter().map(|&(l, a)| (l, 1.95 - a)).collect();
        let s = classification(&fall, -2.0, Some(-2.0));
        assert!(s.shape.is_some());
        assert_eq!(Outcome::of(&s), Outcome::Generalise);
    }

    #[test]
    fn regression_grokking_is_a_fall_of_the_test_loss() {
        // log10 test loss: 0 on the plateau, −2 after t = 10³.
        let curve: Vec<_> = step_at(3.0)
            .iter()
            .map(|&(l, a)| (l, if a < 1.0 { 0.0 } else { -2.0 }))
            .collect();
        let mut s = classification(&curve, -2.0, Some(-2.0));
        s.config.task = crate::Task::SparseReg;
        s.transitions.log10_t_grok = Some(3.0);
        assert_eq!(Outcome::of(&s), Outcome::Grok);
        // The same curve read as accuracy falls: not a rise.
        s.config.task = crate::Task::SparseCls;
        assert_eq!(Outcome::of(&s), Outcome::Generalise);
    }

    #[test]
    fn the_other_outcomes_follow_the_transition_times() {
        let curve = step_at(3.0);
        let base = classification(&curve, -2.0, Some(-2.0));
        let with = |f: &dyn Fn(&mut Summary)| {
            let mut s = base;
            f(&mut s);
            Outcome::of(&s)
        };
        assert_eq!(with(&|_| {}), Outcome::Grok);
        assert_eq!(with(&|s| s.transitions.log10_t_fit = None), Outcome::NoFit);
        assert_eq!(
            with(&|s| s.transitions.log10_t_grok = None),
            Outcome::Memorise
        );
        assert_eq!(
            with(&|s| s.transitions.log10_t_drop = Some(2.7)),
            Outcome::Misgrok
        );
        let blown = Status::Diverged {
            reason: crate::Divergence::NonFiniteLoss,
            t: 1.0,
        };
        assert_eq!(with(&|s| s.status = blown), Outcome::Diverged);
    }
}
