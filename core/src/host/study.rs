//! The low-precision study (std only): one experiment in every number format, rounding rule
//! and update scheme, each judged against the f64 run of the same scheme, so that a verdict
//! measures the format and not the scheme's discretisation.

use core::ops::ControlFlow;
use std::prelude::rust_2024::*;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::{format, thread};

use crate::config::{Config, ConfigError, Integrator};
use crate::host::driver::SnapshotSchedule;
use crate::host::experiment::{Experiment, ExperimentError};
use crate::host::summary::Summary;
use crate::numbers::precision::{Precision, WithScalar};
use crate::numbers::scalar::Scalar;
use crate::run::decay_warning::DecayWarning;
use crate::run::metrics::Metrics;
use crate::run::simulation::Status;

/// How the parameters are updated.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Scheme {
    /// The paper's `θ ← θ(1 − ηλ) − η∇L`, every operation rounded.
    Naive,
    /// The same step, accumulated with Kahan compensation.
    Kahan,
    /// The decay applied exactly in log space (depth-2 diagonal nets).
    LogSpace,
    /// The adaptive flow integrator (larger steps, exact decay factor per step).
    Flow,
}

impl Scheme {
    /// Every scheme, in table order.
    pub const ALL: [Scheme; 4] = [Scheme::Naive, Scheme::Kahan, Scheme::LogSpace, Scheme::Flow];

    /// The name in the table.
    pub const fn name(self) -> &'static str {
        match self {
            Scheme::Naive => "naive",
            Scheme::Kahan => "kahan",
            Scheme::LogSpace => "log-space",
            Scheme::Flow => "flow",
        }
    }

    /// Why the scheme does not apply to the model of `config`, if it does not: the reason
    /// `Config::validate` gives for its integrator.
    pub fn not_applicable(self, config: &Config) -> Option<&'static str> {
        let with_scheme = Config {
            integrator: self.integrator(),
            ..*config
        };
        match with_scheme.validate() {
            Err(ConfigError::Incompatible {
                field: "integrator",
                reason,
            }) => Some(reason),
            _ => None,
        }
    }

    /// The integrator that implements it.
    pub const fn integrator(self) -> Integrator {
        match self {
            Scheme::Naive => Integrator::Gd,
            Scheme::Kahan => Integrator::GdKahan,
            Scheme::LogSpace => Integrator::GdLogSpace,
            Scheme::Flow => Integrator::Flow,
        }
    }
}

/// The rule a row is judged by: classification is judged by test accuracy, regression (where
/// t_grok is the drop of the test loss) by the test loss. The tolerances are no finer than
/// what the run can resolve: t_grok is known to one record, 10^(1/points per decade) apart
/// (12% at 20 points a decade), and an accuracy to one test example (3.4 points on 29).
pub const fn rule(config: &Config) -> &'static str {
    if config.is_classification() {
        "holds: t_grok within 10% of the same scheme's f64 run (or one record, where that is \
         wider) and final test accuracy within 2 points of it (or one test example); \
         otherwise breaks"
    } else {
        "holds: t_grok (test loss below a tenth of its plateau) within 10% of the same \
         scheme's f64 run (or one record, where that is wider) and final test loss within a \
         factor of 2 of it; otherwise breaks"
    }
}

/// The relative tolerance on t_grok under `config`: 10%, or the ratio of two consecutive
/// records where that is wider.
pub fn t_grok_tolerance(config: &Config) -> f64 {
    let record = 10f64.powf(1.0 / f64::from(config.points_per_decade.max(1))) - 1.0;
    record.max(0.10)
}

/// The tolerance on the final test accuracy under `config`: 2 points, or one test example
/// where that is more.
pub fn accuracy_tolerance(config: &Config) -> f64 {
    (1.0 / config.n_test.max(1) as f64).max(0.02)
}

/// Gradient evaluations a row may take by default: twice what the paper's update takes to
/// `t_max`, so that one slow scheme or format cannot hold the whole table (the row then says
/// how far it got).
pub fn default_budget(config: &Config) -> u64 {
    (2.0 * config.t_max / config.lr).ceil().min(u64::MAX as f64) as u64
}

/// One row of the table.
#[derive(Clone, Debug, PartialEq)]
pub struct Row {
    /// Number format and rounding.
    pub precision: Precision,
    /// Update scheme.
    pub scheme: Scheme,
    /// The run.
    pub summary: Summary,
    /// Largest fraction of parameters a single step left unchanged (nonzero update).
    pub max_swamped: f64,
    /// Whether `ηλ` is below the format's threshold for one step of decay (docs/theory.md, "Low precision"), at the
    /// size of the initial weights.
    pub decay_threshold_warning: bool,
}

/// The row that the rows of `scheme` are judged against: its f64 run.
pub fn reference_for(rows: &[Row], scheme: Scheme) -> Option<&Row> {
    rows.iter()
        .find(|r| r.precision == Precision::F64 && r.scheme == scheme)
}

/// How far a row that ran out of its budget of gradient evaluations got (None: it ended).
pub fn over_budget(row: &Summary) -> Option<String> {
    (row.status == Status::Running).then(|| {
        format!(
            "over budget: {} gradient evaluations reached t = {:.4}",
            row.gradient_evals,
            row.last.map_or(0.0, |m| m.t)
        )
    })
}

/// Whether a row holds against its reference by [`rule`], and why not.
pub fn judge(reference: &Summary, row: &Summary) -> (bool, String) {
    let config = &reference.config;
    let classification = config.is_classification();
    let last = |s: &Summary| {
        s.last.and_then(|m| {
            if classification {
                m.test_acc
            } else {
                Some(m.test_loss)
            }
        })
    };
    if let Some(why) = over_budget(row) {
        return (false, why);
    }
    let (Some(t_ref), Some(last_ref)) = (reference.transitions.t_grok(), last(reference)) else {
        return (false, "the reference did not grok".to_owned());
    };
    let Some(t) = row.transitions.t_grok() else {
        return (false, "no grokking".to_owned());
    };
    let shift = t / t_ref - 1.0;
    let end = last(row).unwrap_or(f64::NAN);
    let close = if classification {
        // One test example, with room for the rounding of k/n.
        (end - last_ref).abs() <= accuracy_tolerance(config) * (1.0 + 1e-9)
    } else {
        (0.5 * last_ref..=2.0 * last_ref).contains(&end)
    };
    if shift.abs() > t_grok_tolerance(config) {
        (false, format!("t_grok shifted by {:+.0}%", 100.0 * shift))
    } else if !close && classification {
        (
            false,
            format!("final test accuracy {end:.3} vs {last_ref:.3}"),
        )
    } else if !close {
        (
            false,
            format!("final test loss {end:.2e} vs {last_ref:.2e}"),
        )
    } else {
        (true, format!("t_grok {:+.1}%", 100.0 * shift))
    }
}

/// A run to `t_max` or until it has taken `budget` gradient evaluations (its status then
/// stays `Running`), collecting every record.
struct Run<'a> {
    config: &'a Config,
    budget: u64,
}

impl WithScalar for Run<'_> {
    type Output = Result<(Summary, Vec<Metrics>), ExperimentError>;
    fn run<S: Scalar>(self) -> Self::Output {
        let mut experiment = Experiment::<S>::new(self.config)?;
        let mut driver = experiment.driver(SnapshotSchedule::NEVER)?;
        let mut records = Vec::new();
        let budget = self.budget;
        if driver.simulation().gradient_evals() < budget {
            driver.run_while(
                &mut |m: &Metrics| {
                    records.push(*m);
                    ControlFlow::Continue(())
                },
                |sim, _| {
                    if sim.gradient_evals() < budget {
                        ControlFlow::Continue(())
                    } else {
                        ControlFlow::Break(())
                    }
                },
            );
        }
        Ok((driver.summary(), records))
    }
}

/// Runs `base` in `precision` with `scheme`, for at most `budget` gradient evaluations.
pub fn run_row(
    base: &Config,
    precision: Precision,
    scheme: Scheme,
    budget: u64,
) -> Result<Row, ExperimentError> {
    let config = Config {
        integrator: scheme.integrator(),
        ..*base
    };
    let (summary, records) = precision.with(Run {
        config: &config,
        budget,
    })?;
    let max_swamped = records.iter().filter_map(|m| m.swamped).fold(0.0, f64::max);
    Ok(Row {
        precision,
        scheme,
        summary,
        max_swamped,
        decay_threshold_warning: DecayWarning::for_paper_update(&config, precision).is_some(),
    })
}

/// Every (precision, scheme) pair, for the full table.
pub fn all_cases() -> Vec<(Precision, Scheme)> {
    Precision::ALL
        .into_iter()
        .flat_map(|p| Scheme::ALL.into_iter().map(move |s| (p, s)))
        .collect()
}

/// Runs `cases` on `threads` threads (each row is deterministic whatever the thread), each
/// for at most `budget` gradient evaluations, calling `done` as rows finish; returns the rows
/// in the order of `cases` (a scheme that does not apply to the model, see
/// [`Scheme::not_applicable`], or a configuration that is invalid is left out: the table
/// names those).
pub fn run(
    base: &Config,
    cases: &[(Precision, Scheme)],
    threads: usize,
    budget: u64,
    done: &(dyn Fn(&Row) + Sync),
) -> Vec<Row> {
    let next = AtomicUsize::new(0);
    let results: Mutex<Vec<(usize, Row)>> = Mutex::new(Vec::new());
    thread::scope(|scope| {
        for _ in 0..threads.max(1) {
            scope.spawn(|| {
                loop {
                    let index = next.fetch_add(1, Ordering::Relaxed);
                    let Some(&(precision, scheme)) = cases.get(index) else {
                        return;
                    };
                    if scheme.not_applicable(base).is_some() {
                        continue;
                    }
                    if let Ok(row) = run_row(base, precision, scheme, budget) {
                        done(&row);
                        if let Ok(mut r) = results.lock() {
                            r.push((index, row));
                        }
                    }
                }
            });
        }
    });
    let mut rows = results.into_inner().unwrap_or_default();
    rows.sort_by_key(|(i, _)| *i);
    rows.into_iter().map(|(_, row)| row).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn summary(config: Config, t_grok: Option<f64>, acc: f64) -> Summary {
        Summary {
            config,
            precision: "f64",
            status: Status::Finished,
            steps: 1,
            gradient_evals: 1,
            transitions: crate::run::transition::Transitions {
                log10_t_fit: Some(-1.0),
                log10_t_grok: t_grok.map(f64::log10),
                log10_t_drop: None,
                log10_t_learned: Some(-1.0),
            },
            t_predicted: None,
            last: Some(Metrics {
                test_acc: Some(acc),
                ..Metrics::default()
            }),
            wall_s: 0.0,
            shape: None,
        }
    }

    fn check(config: Config, cases: &[(Option<f64>, f64, bool)]) {
        let reference = summary(config, Some(1000.0), 1.0);
        for &(t_grok, acc, holds) in cases {
            let verdict = judge(&reference, &summary(config, t_grok, acc));
            assert_eq!(verdict.0, holds, "{t_grok:?} {acc}: {verdict:?}");
        }
    }

    /// A fine record grid and a large test set: 10% and 2 points.
    #[test]
    fn the_rule_is_ten_percent_and_two_points() {
        let fine = Config {
            points_per_decade: 100,
            n_test: 1000,
            ..Config::default()
        };
        check(
            fine,
            &[
                (Some(1090.0), 0.99, true),
                (Some(1110.0), 1.0, false),
                (Some(1000.0), 0.97, false),
                (None, 0.7, false),
            ],
        );
    }

    /// Twenty records a decade and 29 test pairs (`mlp-tiny`): one record (12.2%) and one pair
    /// (3.4 points).
    #[test]
    fn the_rule_is_no_finer_than_the_records_and_the_test_set() {
        let coarse = Config {
            points_per_decade: 20,
            n_test: 29,
            ..Config::default()
        };
        check(
            coarse,
            &[
                (Some(1120.0), 1.0, true),
                (Some(1130.0), 1.0, false),
                (Some(1000.0), 28.0 / 29.0, true),
                (Some(1000.0), 27.0 / 29.0, false),
            ],
        );
    }

    #[test]
    fn a_row_over_budget_says_how_far_it_got() {
        let config = Config::default();
        let reference = summary(config, Some(1000.0), 1.0);
        let row = Summary {
            status: Status::Running,
            gradient_evals: 500,
            ..summary(config, None, 0.5)
        };
        let (holds, why) = judge(&reference, &row);
        assert!(!holds);
        assert!(
            why.starts_with("over budget: 500 gradient evaluations"),
            "{why}"
        );
    }
}
