//! What a run did: the figures every front end prints, plots and compares.

use crate::config::Config;
use crate::numbers::scalar::Scalar;
use crate::run::metrics::Metrics;
use crate::run::simulation::{Simulation, Status};
use crate::run::transition::Transitions;
use crate::run::transition_shape::TransitionShape;

/// The outcome of a run, for summaries and comparisons.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Summary {
    /// What was run.
    pub config: Config,
    /// Name of the number format.
    pub precision: &'static str,
    /// How the run ended.
    pub status: Status,
    /// Integrator steps.
    pub steps: u64,
    /// Gradient evaluations.
    pub gradient_evals: u64,
    /// Transition times found.
    pub transitions: Transitions,
    /// `ln α / λ`.
    pub t_predicted: Option<f64>,
    /// The last metrics record.
    pub last: Option<Metrics>,
    /// Wall-clock seconds spent in the run (data generation and references excluded).
    pub wall_s: f64,
    /// The plateau before the transition and the rise's sharpness, from the recorded test
    /// curve (see [`TransitionShape::of`]).
    pub shape: Option<TransitionShape>,
}

impl Summary {
    /// Where `sim` stands, after `wall_s` seconds of stepping, with `curve` its test curve
    /// so far (see [`TransitionShape::of`]).
    pub fn of<S: Scalar>(sim: &Simulation<'_, S>, wall_s: f64, curve: &[(f64, f64)]) -> Self {
        let config = *sim.config();
        Self {
            config,
            precision: S::NAME,
            status: sim.status(),
            steps: sim.steps(),
            gradient_evals: sim.gradient_evals(),
            transitions: sim.transitions(),
            t_predicted: config.t_predicted(),
            last: sim.last_metrics().copied(),
            wall_s,
            shape: TransitionShape::of(curve, sim.transitions().log10_t_fit),
        }
    }
}
