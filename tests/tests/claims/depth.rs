//! Depth-L diagonal nets (w = u^L − v^L) on `fig1a-small`: every depth groks, and the
//! transition moves by ln(10)/λ when α grows tenfold, the leading term of the theory
//! (t* = ln α / λ + lower order) for every L.

use grokflow_core::{Config, FIG1A_SMALL, Scalar};
use grokflow_tests::run;

fn delay_across_depths<S: Scalar>() {
    let expected = 10f64.ln() / FIG1A_SMALL.config.lambda;
    for depth in [3, 4] {
        let t_grok = |alpha: f64| {
            let config = Config {
                depth,
                alpha,
                t_max: 2e4,
                ..FIG1A_SMALL.config
            };
            let (summary, _) = run::<S>(&config, false);
            assert!(summary.transitions.t_fit().expect("fits") <= 1.0);
            summary.transitions.t_grok().expect("groks")
        };
        let (early, late) = (t_grok(128.0), t_grok(1280.0));
        assert!(
            early < 128f64.ln() / FIG1A_SMALL.config.lambda,
            "L = {depth}: {early}"
        );
        let delay = late - early;
        assert!(
            (delay / expected - 1.0).abs() < 0.1,
            "L = {depth}: delay {delay} vs ln(10)/λ = {expected}"
        );
    }
}

grokflow_tests::in_f32_and_f64!(delay_across_depths);
