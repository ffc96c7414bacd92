//! The end-of-run summary, as JSON for scripts and as text for people.

use grokflow_core::experiment::Summary;
use grokflow_core::{Divergence, Status};
use serde_json::{Value, json};

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

/// One JSON object; times that never happened are `null`.
pub fn to_json(summary: &Summary, preset: &str) -> Value {
    let c = &summary.config;
    let last = summary.last.as_ref();
    let diverged = divergence(summary.status);
    json!({
        "preset": preset,
        "task": c.task.name(),
        "alpha": c.alpha,
        "lambda": c.lambda,
        "lr": c.lr,
        "tol": c.tol,
        "integrator": c.integrator.name(),
        "precision": summary.precision,
        "loss": c.loss.name(),
        "depth": c.depth,
        "d": c.d,
        "n": c.n,
        "n_test": c.n_test,
        "k": c.k,
        "gamma": c.gamma,
        "train_fraction": c.train_fraction,
        "truth": c.truth.name(),
        "width": c.width,
        "activation": c.activation.name(),
        "zero_output_init": c.zero_output_init,
        "seed": c.seed,
        "t_max": c.t_max,
        "steps": summary.steps,
        "gradient_evals": summary.gradient_evals,
        "t_fit": summary.transitions.t_fit(),
        "t_grok": summary.transitions.t_grok(),
        "t_drop": summary.transitions.t_drop(),
        "log10_t_fit": summary.transitions.log10_t_fit.filter(|x| x.is_finite()),
        "log10_t_grok": summary.transitions.log10_t_grok.filter(|x| x.is_finite()),
        "log10_t_drop": summary.transitions.log10_t_drop.filter(|x| x.is_finite()),
        "t_predicted": summary.t_predicted,
        "t_final": last.map(|m| m.t),
        "log10_t_final": last.and_then(|m| m.log10_t),
        "final_train_loss": last.map(|m| m.train_loss),
        "final_train_acc": last.and_then(|m| m.train_acc),
        "final_test_acc": last.and_then(|m| m.test_acc),
        "final_test_loss": last.map(|m| m.test_loss),
        "final_param_norm": last.map(|m| m.param_norm),
        "final_cos_kernel": last.and_then(|m| m.cos_kernel),
        "final_cos_rich": last.and_then(|m| m.cos_rich),
        "final_nuclear_norm": last.and_then(|m| m.nuclear_norm),
        "final_truth_distance": last.and_then(|m| m.truth_distance),
        "status": status_name(summary.status),
        "diverged": diverged.is_some(),
        "divergence": diverged.map(|(reason, _)| reason.to_string()),
        "wall_s": summary.wall_s,
    })
}

/// `x` with at most `places` decimals, without trailing zeros.
fn round_to(x: f64, places: i32) -> f64 {
    let scale = 10f64.powi(places);
    (x * scale).round() / scale
}

/// A few aligned lines for a terminal.
pub fn to_text(summary: &Summary, preset: &str) -> String {
    let c = &summary.config;
    // Times beyond 10^15 are shown by their exponent: they are what fig. 4 is about.
    let time = |log10_t: Option<f64>| match log10_t {
        None => "—".to_owned(),
        Some(l) if l > 15.0 => format!("10^{l:.2}"),
        Some(l) => format!("{}", round_to(grokflow_core::from_log10(l), 4)),
    };
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
    out += &format!("t_fit        {}\n", time(tr.log10_t_fit));
    out += &format!(
        "t_grok       {}   (ln α / λ = {})\n",
        time(tr.log10_t_grok),
        summary
            .t_predicted
            .map_or_else(|| "—".to_owned(), |t| format!("{t:.4}"))
    );
    out += &format!("t_drop       {}\n", time(tr.log10_t_drop));
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
