//! Fig. 2 at CI scale: a homogeneous MLP fits modular addition early and generalises much
//! later; a larger init scale delays the jump, a larger weight decay advances it, and a weight
//! decay that is too large makes training collapse. `fig2-small` is the paper's ReLU network
//! (2-homogeneous), `fig2-quadratic-small` the 3-homogeneous quadratic one.

use std::sync::OnceLock;

use grokflow_core::experiment::Summary;
use grokflow_core::{Config, FIG2_QUADRATIC_SMALL, FIG2_SMALL, MLP_TINY, Metrics, Scalar, Status};
use grokflow_tests::run;

fn summary<S: Scalar>(config: &Config) -> (Summary, Vec<Metrics>) {
    let (summary, records) = run::<S>(config, false);
    assert_eq!(summary.status, Status::Finished);
    (summary, records)
}

/// The `fig2-quadratic-small` run, computed once per number format and shared by the tests.
fn base<S: Scalar>() -> &'static (Summary, Vec<Metrics>) {
    static F32: OnceLock<(Summary, Vec<Metrics>)> = OnceLock::new();
    static F64: OnceLock<(Summary, Vec<Metrics>)> = OnceLock::new();
    let cell = if S::NAME == "f32" { &F32 } else { &F64 };
    cell.get_or_init(|| summary::<S>(&FIG2_QUADRATIC_SMALL.config))
}

fn t_grok(s: &Summary) -> f64 {
    s.transitions.t_grok().expect("generalises")
}

/// When test accuracy first reaches one half: the middle of the jump. (With a larger λ the
/// regularised solution may level off below the 95% of t_grok, so comparisons across λ use
/// this.)
fn t_jump(records: &[Metrics]) -> f64 {
    records
        .iter()
        .find(|m| m.test_acc.is_some_and(|a| a >= 0.5))
        .expect("test accuracy passes one half")
        .t
}

/// Train accuracy reaches 100%, test accuracy passes 95% more than `factor` times later and is
/// still there at the end; returns t_fit.
fn groks_after_fitting(run: &Summary, factor: f64) -> f64 {
    let t_fit = run.transitions.t_fit().expect("fits");
    assert!(
        t_grok(run) > factor * t_fit,
        "t_grok {} vs t_fit {t_fit}",
        t_grok(run)
    );
    assert!(run.last.and_then(|m| m.test_acc).expect("accuracy") >= 0.95);
    t_fit
}

fn grokking<S: Scalar>() {
    // "Long before": test accuracy reaches 95% at least a hundred times later.
    let t_fit = groks_after_fitting(&base::<S>().0, 100.0);
    assert!(t_fit <= 10.0, "t_fit {t_fit}");
}

/// `mlp-tiny`, the network the LM3S6965 trains: 100% train accuracy early, test accuracy past
/// 95% at least ten times later, and still there at the end.
fn tiny_groks<S: Scalar>() {
    groks_after_fitting(&summary::<S>(&MLP_TINY.config).0, 10.0);
}

/// `fig2-small`, the paper's (2-homogeneous) ReLU network: 100% train accuracy early,
/// test accuracy past 95% more than ten times later, and still there at the end.
fn relu_groks<S: Scalar>() {
    groks_after_fitting(&summary::<S>(&FIG2_SMALL.config).0, 10.0);
}

/// The paper's "λ too large makes training collapse", on the ReLU network: at λ = 10⁻² the
/// training set is never fitted.
fn relu_too_much_decay_collapses<S: Scalar>() {
    let (collapsed, _) = summary::<S>(&Config {
        lambda: 1e-2,
        t_max: 5e3,
        ..FIG2_SMALL.config
    });
    assert_eq!(collapsed.transitions.t_fit(), None);
    let last = collapsed.last.expect("records");
    assert!(last.train_acc.expect("accuracy") < 0.5, "{last:?}");
}

/// The paper's two orderings on the ReLU network, by t_grok (test accuracy ≥ 95%), for three
/// seeds: ten times the init scale (α = 100) groks later, twice the weight decay (λ = 2·10⁻³)
/// earlier. Measured in f32 (t_grok of α = 10 / 100 / λ doubled): seed 7: 8781 / 10 802 /
/// 6569; seed 1: 5564 / 8270 / 3418; seed 2: 5855 / 7575 / 3694.
fn relu_orderings<S: Scalar>() {
    for seed in [7, 1, 2] {
        let t_grok_of = |alpha: f64, lambda: f64| {
            let (run, _) = summary::<S>(&Config {
                alpha,
                lambda,
                seed,
                t_max: 1.5e4,
                ..FIG2_SMALL.config
            });
            run.transitions
                .t_grok()
                .unwrap_or_else(|| panic!("seed {seed}, α = {alpha}, λ = {lambda}: no t_grok"))
        };
        let (alpha, lambda) = (FIG2_SMALL.config.alpha, FIG2_SMALL.config.lambda);
        let base = t_grok_of(alpha, lambda);
        let larger_init = t_grok_of(10.0 * alpha, lambda);
        let larger_decay = t_grok_of(alpha, 2.0 * lambda);
        assert!(
            larger_init > 1.1 * base && larger_decay < 0.9 * base,
            "seed {seed}: t_grok {base}, with 10α {larger_init}, with 2λ {larger_decay}"
        );
    }
}

fn larger_init_delays<S: Scalar>() {
    let (base, _) = base::<S>();
    let (scaled, _) = summary::<S>(&Config {
        alpha: 10.0 * FIG2_QUADRATIC_SMALL.config.alpha,
        ..FIG2_QUADRATIC_SMALL.config
    });
    assert!(
        t_grok(&scaled) > 1.1 * t_grok(base),
        "{} vs {}",
        t_grok(&scaled),
        t_grok(base)
    );
}

fn larger_decay_advances<S: Scalar>() {
    let (_, base) = base::<S>();
    let (_, stronger) = summary::<S>(&Config {
        lambda: 2.0 * FIG2_QUADRATIC_SMALL.config.lambda,
        ..FIG2_QUADRATIC_SMALL.config
    });
    let (early, late) = (t_jump(&stronger), t_jump(base));
    assert!(early < 0.8 * late, "{early} vs {late}");
}

fn too_much_decay_collapses<S: Scalar>() {
    // At λ = 2.5·10⁻² the decay beats the loss gradient: the kernel phase still fits the
    // training set, but then the weights shrink to nothing and the fit is lost.
    let (collapsed, _) = summary::<S>(&Config {
        lambda: 2.5e-2,
        t_max: 2e3,
        ..FIG2_QUADRATIC_SMALL.config
    });
    let last = collapsed.last.expect("records");
    assert!(last.train_acc.expect("accuracy") < 0.5);
    assert!(
        last.param_norm < 1e-3 * FIG2_QUADRATIC_SMALL.config.alpha,
        "‖θ‖ = {}",
        last.param_norm
    );
}

grokflow_tests::in_f32_and_f64!(
    grokking,
    tiny_groks,
    relu_groks,
    relu_orderings,
    relu_too_much_decay_collapses,
    larger_init_delays,
    larger_decay_advances,
    too_much_decay_collapses
);
