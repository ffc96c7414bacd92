//! Properties over structured inputs, with shrinking (proptest): the ranges that
//! `Config::validate` documents are exactly the ones it enforces, and a saved experiment reads
//! back bit for bit.

use grokflow_core::experiment_file::ExperimentSpec;
use grokflow_core::{Config, FIG1A_SMALL, Integrator, Precision};
use proptest::prelude::*;

/// Any f64 at all: ordinary magnitudes, the edges, NaN, infinities, subnormals, −0.
fn any_real() -> impl Strategy<Value = f64> {
    prop_oneof![
        -1e6..1e6f64,
        prop::num::f64::ANY,
        Just(0.0),
        Just(-0.0),
        Just(f64::MIN_POSITIVE / 4.0),
        Just(f64::MAX),
        Just(f64::INFINITY),
        Just(f64::NAN),
    ]
}

/// The documented range of each independent real field (README, `grokflow run --help`).
fn allowed(field: &str, x: f64) -> bool {
    match field {
        "alpha" | "lr" | "t_max" => x.is_finite() && x > 0.0,
        "lambda" | "gamma" => x.is_finite() && x >= 0.0,
        "tol" => (1e-12..=0.1).contains(&x),
        _ => unreachable!(),
    }
}

fn with(field: &str, x: f64) -> Config {
    let mut config = FIG1A_SMALL.config;
    match field {
        "alpha" => config.alpha = x,
        "lr" => config.lr = x,
        "t_max" => config.t_max = x,
        "lambda" => config.lambda = x,
        "gamma" => config.gamma = x,
        "tol" => config.tol = x,
        _ => unreachable!(),
    }
    config
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    /// Changing one field of a valid configuration is refused exactly when the value is
    /// outside that field's documented range, and the refusal names the field.
    #[test]
    fn validation_enforces_the_documented_ranges(
        field in prop::sample::select(vec!["alpha", "lr", "t_max", "lambda", "gamma", "tol"]),
        x in any_real(),
    ) {
        match with(field, x).validate() {
            Ok(()) => prop_assert!(allowed(field, x), "{field} = {x} accepted"),
            Err(e) => {
                prop_assert!(!allowed(field, x), "{field} = {x} refused: {e}");
                prop_assert_eq!(e.field(), field);
            }
        }
    }

    /// Every valid configuration, in every number format, saves and loads back unchanged
    /// (every f64 exactly).
    #[test]
    fn a_saved_experiment_reads_back_bit_for_bit(
        alpha in 1e-3..1e6f64,
        lambda in prop_oneof![Just(0.0), 1e-9..1.0f64],
        lr in 1e-6..10.0f64,
        tol in 1e-12..0.1f64,
        t_max in 1e-3..1e300f64,
        gamma in 0.0..1e3f64,
        d in 1usize..5000,
        n in 1usize..5000,
        seed in any::<u64>(),
        precision in prop::sample::select(Precision::ALL.to_vec()),
        integrator in prop::sample::select(vec![Integrator::Gd, Integrator::Flow, Integrator::GdKahan]),
    ) {
        let config = Config {
            alpha, lambda, lr, tol, t_max, gamma, d, n, seed, integrator,
            k: 1,
            ..FIG1A_SMALL.config
        };
        prop_assume!(config.validate().is_ok());
        let spec = ExperimentSpec { config, precision };
        let loaded = ExperimentSpec::from_json(&spec.to_json());
        prop_assert_eq!(loaded, Ok(spec));
    }
}
