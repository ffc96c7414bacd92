//! The end-of-run summary, as JSON for scripts and as text for people.

use grokflow_core::summary::Summary;
use grokflow_core::sweep::Outcome;

use crate::number;
use grokflow_core::{Divergence, Status};
use serde::Serialize;
use serde_json::Value;

/// `finished`, `stopped` or `diverged`.
pub fn status_name(status: Status) -> &'static str {
    match status {
        Status::Running => "running",
        Status::Finished => "finished",
        Status::Stopped => "stopped",
        Status::Diverged { .. } => "diverged",
    }
}

fn divergence(status: Status) -> Option<(Divergence, f64)> {
    match status {
        Status::Diverged { reason, t } => Some((reason, t)),
        _ => None,
    }
}

/// The summary as JSON: the configuration's own fields (flattened, by their names in
/// [`Config`](grokflow_core::Config)) and what the run measured.
#[derive(Serialize)]
struct Json<'a> {
    preset: &'a str,
    #[serde(flatten)]
    config: &'a grokflow_core::Config,
    precision: &'a str,
    steps: u64,
    gradient_evals: u64,
    t_fit: Option<f64>,
    t_grok: Option<f64>,
    t_drop: Option<f64>,
    t_learned: Option<f64>,
    log10_t_fit: Option<f64>,
    log10_t_grok: Option<f64>,
    log10_t_drop: Option<f64>,
    log10_t_learned: Option<f64>,
    /// What the run did ([`Outcome`]): no-fit, memorise, generalise, grok, misgrok or
    /// diverged.
    outcome: &'static str,
    t_predicted: Option<f64>,
    t_final: Option<f64>,
    log10_t_final: Option<f64>,
    final_train_loss: Option<f64>,
    final_train_acc: Option<f64>,
    final_test_acc: Option<f64>,
    final_test_loss: Option<f64>,
    final_param_norm: Option<f64>,
    final_cos_kernel: Option<f64>,
    final_cos_rich: Option<f64>,
    final_nuclear_norm: Option<f64>,
    final_truth_distance: Option<f64>,
    status: &'static str,
    diverged: bool,
    divergence: Option<String>,
    wall_s: f64,
    /// The transition's shape (see [`grokflow_core::TransitionShape`]): the test curve's
    /// level at the fit and after the run, how many decades of t it stays on the plateau,
    /// the times it is 10% and 90% of the way up, `t₉₀/t₁₀` and `λ·(t₉₀ − t₁₀)`.
    plateau_level: Option<f64>,
    plateau_decades: Option<f64>,
    t_rise_start: Option<f64>,
    t_rise_end: Option<f64>,
    rise_ratio: Option<f64>,
    rise_width_decay_times: Option<f64>,
}

/// One JSON object (keys in alphabetical order); times that never happened are `null`.
pub fn to_json(summary: &Summary, preset: &str) -> Value {
    let last = summary.last.as_ref();
    let diverged = divergence(summary.status);
    let finite = |x: Option<f64>| x.filter(|x| x.is_finite());
    let tr = &summary.transitions;
    let shape = summary.shape.as_ref();
    let json = Json {
        preset,
        config: &summary.config,
        precision: summary.precision,
        steps: summary.steps,
        gradient_evals: summary.gradient_evals,
        t_fit: tr.t_fit(),
        t_grok: tr.t_grok(),
        t_drop: tr.t_drop(),
        t_learned: tr.t_learned(),
        log10_t_fit: finite(tr.log10_t_fit),
        log10_t_grok: finite(tr.log10_t_grok),
        log10_t_drop: finite(tr.log10_t_drop),
        log10_t_learned: finite(tr.log10_t_learned),
        outcome: Outcome::of(summary).name(),
        t_predicted: summary.t_predicted,
        t_final: last.map(|m| m.t),
        log10_t_final: last.and_then(|m| m.log10_t),
        final_train_loss: last.map(|m| m.train_loss),
        final_train_acc: last.and_then(|m| m.train_acc),
        final_test_acc: last.and_then(|m| m.test_acc),
        final_test_loss: last.map(|m| m.test_loss),
        final_param_norm: last.map(|m| m.param_norm),
        final_cos_kernel: last.and_then(|m| m.cos_kernel),
        final_cos_rich: last.and_then(|m| m.cos_rich),
        final_nuclear_norm: last.and_then(|m| m.nuclear_norm),
        final_truth_distance: last.and_then(|m| m.truth_distance),
        status: status_name(summary.status),
        diverged: diverged.is_some(),
        divergence: diverged.map(|(reason, _)| reason.to_string()),
        wall_s: summary.wall_s,
        plateau_level: shape.map(|s| s.plateau_level),
        plateau_decades: shape.map(|s| s.plateau_decades()),
        t_rise_start: shape.map(|s| grokflow_core::from_log10(s.log10_t_rise_start)),
        t_rise_end: shape.map(|s| grokflow_core::from_log10(s.log10_t_rise_end)),
        rise_ratio: shape.map(|s| s.sharpness_ratio()),
        rise_width_decay_times: shape
            .filter(|_| summary.config.lambda > 0.0)
            .map(|s| s.width_in_decay_times(summary.config.lambda)),
    };
    // Into a map, which keeps its keys sorted: the object is the same whatever the order of
    // the fields above.
    serde_json::to_value(json).unwrap_or(Value::Null)
}

/// One line for a run of a list (`grokflow run --alpha 1,10,100`): the varied field's value,
/// the outcome, the transition times against ln α / λ, the final test accuracy (test loss
/// for regression).
pub fn to_line(summary: &Summary, field: &str, value: &str) -> String {
    let time = number::precise_time;
    let tr = &summary.transitions;
    let last = summary.last.as_ref();
    let test = match last.and_then(|m| m.test_acc) {
        Some(acc) => format!("test acc {acc:.4}"),
        None => last.map_or_else(
            || "—".to_owned(),
            |m| format!("test loss {:.3e}", m.test_loss),
        ),
    };
    let status = match divergence(summary.status) {
        Some((reason, t)) => format!("  DIVERGED at t = {t:.6}: {reason}"),
        None if summary.status == Status::Stopped => "  (stopped)".to_owned(),
        None => String::new(),
    };
    format!(
        "{field}={value:<8} {:<10}  t_fit {:<8}  t_grok {:<10}  ln α/λ {:<10}  final {test}{status}",
        Outcome::of(summary).name(),
        time(tr.log10_t_fit),
        time(tr.log10_t_grok),
        summary
            .t_predicted
            .map_or_else(|| "—".to_owned(), number::short),
    )
}

/// A few aligned lines for a terminal.
pub fn to_text(summary: &Summary, preset: &str) -> String {
    let c = &summary.config;
    let time = number::precise_time;
    let mut out = format!(
        "{preset}: {} d={} n={} n_test={} α={} λ={} loss={} {} {}\n",
        c.task.name(),
        c.d,
        c.n,
        c.n_test,
        c.alpha,
        c.lambda,
        c.loss.name(),
        c.integrator.name(),
        summary.precision,
    );
    let end = time(Some(
        summary
            .last
            .and_then(|m| m.log10_t)
            .unwrap_or(f64::NEG_INFINITY),
    ));
    out += &match divergence(summary.status) {
        Some((reason, t)) => format!("status       DIVERGED at t = {t:.6}: {reason}\n"),
        None => format!(
            "status       {} at t = {end}\n",
            status_name(summary.status)
        ),
    };
    out += &format!(
        "work         {} steps, {} gradient evaluations, {:.2} s\n",
        summary.steps, summary.gradient_evals, summary.wall_s
    );
    let tr = &summary.transitions;
    out += &format!(
        "t_fit        {}   (learned, train loss below {}% of its start: {})\n",
        time(tr.log10_t_fit),
        100.0 * grokflow_core::LEARNED_LOSS_FRACTION,
        time(tr.log10_t_learned)
    );
    out += &format!(
        "t_grok       {}   (ln α / λ = {})\n",
        time(tr.log10_t_grok),
        summary
            .t_predicted
            .map_or_else(|| "—".to_owned(), |t| format!("{t:.4}"))
    );
    out += &format!("t_drop       {}\n", time(tr.log10_t_drop));
    out += &format!("outcome      {}\n", Outcome::of(summary).name());
    if let Some(shape) = &summary.shape {
        let width = match summary.config.lambda {
            l if l > 0.0 => format!(", λ·width {:.3}", shape.width_in_decay_times(l)),
            _ => String::new(),
        };
        let measure = if c.is_classification() {
            "test acc"
        } else {
            "log10 test loss"
        };
        out += &format!(
            "transition   {measure} {:.4} for {:.2} decades after the fit; 10%→90% of the way \
             to {:.4} from t = {} to {} (×{}{width})\n",
            shape.plateau_level,
            shape.plateau_decades(),
            shape.final_level,
            time(Some(shape.log10_t_rise_start)),
            time(Some(shape.log10_t_rise_end)),
            number::short(shape.sharpness_ratio()),
        );
    }
    if let Some(m) = summary.last {
        let acc = |a: Option<f64>| a.map_or_else(|| "—".to_owned(), |a| format!("{a:.4}"));
        out += &format!(
            "final        train acc {}  test acc {}  train loss {:.3e}  test loss {:.3e}  ‖θ‖ {:.4}\n",
            acc(m.train_acc),
            acc(m.test_acc),
            m.train_loss,
            m.test_loss,
            m.param_norm
        );
    }
    out
}
