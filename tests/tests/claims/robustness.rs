//! Extreme but valid inputs end in a run or a clear status, never in NaN presented as results.
//!
//! Every configuration here that validation accepts must run and end `Finished` or
//! `Diverged`, with every record finite and no transition time that is NaN; one it refuses
//! must get an error that names the field.

use grokflow_core::experiment::{Experiment, trajectory};
use grokflow_core::file_data::DataFile;
use grokflow_core::summary::Summary;
use grokflow_core::{
    Config, FIG1A_SMALL, FIG2_QUADRATIC_SMALL, FIG3_SMALL, Integrator, Metrics, SPARSE_REG_SMALL,
    Scalar, Status,
};

/// A configuration small enough to run hundreds of times in a test: d = 40, n = 16.
fn small(base: &Config) -> Config {
    Config {
        d: 40,
        n: 16,
        n_test: 40,
        k: 2,
        t_max: 50.0,
        points_per_decade: 4,
        ..*base
    }
}

/// The outcome a user may see: a run with honest numbers, or, for a configuration that
/// validation refuses, an error that names the refused field. A configuration that validates
/// must run.
fn check_outcome(config: &Config, result: Result<(Summary, Vec<Metrics>), impl std::fmt::Display>) {
    match result {
        Err(e) => {
            let message = e.to_string();
            let Err(refusal) = config.validate() else {
                panic!("{config:?} is valid but did not run: {message}");
            };
            assert!(
                message.contains(refusal.field()),
                "{config:?}: {message:?} does not name {}",
                refusal.field()
            );
        }
        Ok((summary, records)) => {
            assert!(
                matches!(summary.status, Status::Finished | Status::Diverged { .. }),
                "{config:?}: ended {:?}",
                summary.status
            );
            assert!(!records.is_empty(), "{config:?}: no record");
            for m in &records {
                assert!(m.is_finite(), "{config:?}: non-finite record {m:?}");
            }
            let t = summary.transitions;
            for time in [t.log10_t_fit, t.log10_t_grok, t.log10_t_drop]
                .into_iter()
                .flatten()
            {
                assert!(!time.is_nan(), "{config:?}: NaN transition time");
            }
            if let Status::Diverged { t, .. } = summary.status {
                assert!(t.is_finite(), "{config:?}: divergence at t = {t}");
            }
        }
    }
}

fn run_checked<S: Scalar>(config: &Config) {
    check_outcome(config, trajectory::<S>(config, false));
}

/// α over nine decades and λ from 0 to 1, with both explicit and adaptive integrators.
fn alpha_and_lambda_extremes<S: Scalar>() {
    for base in [FIG1A_SMALL.config, SPARSE_REG_SMALL.config] {
        for alpha in [1e-3, 1e-1, 1.0, 10.0, 1e3, 1e6] {
            for lambda in [0.0, 1e-6, 1e-2, 1.0] {
                for integrator in [Integrator::Gd, Integrator::Flow, Integrator::GdKahan] {
                    let config = Config {
                        alpha,
                        lambda,
                        integrator,
                        // Flow at α = 10⁶ starts with steps of ~10⁻⁹ (the kernel's curvature
                        // grows like α²): a correct but long run, so only its start is checked.
                        t_max: if integrator == Integrator::Flow && alpha >= 1e3 {
                            1e-6
                        } else {
                            50.0
                        },
                        ..small(&base)
                    };
                    run_checked::<S>(&config);
                }
            }
        }
    }
}

/// Learning rates from far below to far past gd's stability limit, on every task.
#[test]
fn learning_rates_past_the_stability_limit() {
    let bases = [
        small(&FIG1A_SMALL.config),
        small(&SPARSE_REG_SMALL.config),
        Config {
            t_max: 20.0,
            ..FIG3_SMALL.config
        },
        Config {
            d: 7,
            width: 8,
            t_max: 20.0,
            ..FIG2_QUADRATIC_SMALL.config
        }
        .with_derived_sizes(),
    ];
    for base in bases {
        for lr in [1e-3, 0.1, 1.0, 10.0, 1e3, 1e9] {
            for integrator in [Integrator::Gd, Integrator::GdKahan] {
                let config = Config {
                    lr,
                    integrator,
                    t_max: 2.0,
                    ..base
                };
                run_checked::<f32>(&config);
            }
        }
    }
}

/// One feature, one example, and both at once.
#[test]
fn one_feature_and_one_example() {
    for base in [FIG1A_SMALL.config, SPARSE_REG_SMALL.config] {
        for (d, n) in [(1, 16), (40, 1), (1, 1)] {
            for integrator in [Integrator::Gd, Integrator::Flow] {
                let config = Config {
                    d,
                    n,
                    n_test: 1,
                    k: 1,
                    integrator,
                    ..small(&base)
                };
                run_checked::<f32>(&config);
            }
        }
    }
}

/// A data file whose labels are all +1 (or whose features are all zero) still gives a run
/// with finite numbers: the max-margin problem is trivial, not ill-posed.
#[test]
fn degenerate_data_files() {
    let (n, d) = (12, 5);
    let ones = DataFile {
        x: (0..n * d)
            .map(|i| if i % 3 == 0 { 1.0 } else { -1.0 })
            .collect(),
        y: vec![1.0; n],
        n,
        d,
    };
    let zeros = DataFile {
        x: vec![0.0; n * d],
        y: (0..n)
            .map(|i| if i % 2 == 0 { 1.0 } else { -1.0 })
            .collect(),
        n,
        d,
    };
    for data in [&ones, &zeros] {
        for integrator in [Integrator::Gd, Integrator::Flow] {
            let template = Config {
                integrator,
                ..small(&FIG1A_SMALL.config)
            };
            let experiment = Experiment::<f32>::from_data(&template, data, None);
            let result = experiment.and_then(|mut e| Ok(e.run_collecting()?));
            check_outcome(&template, result);
        }
    }
}

grokflow_tests::in_f32_and_f64!(alpha_and_lambda_extremes);
