//! The low-precision study (std only): one experiment in every number format, rounding rule
//! and update scheme, each judged against the f64 run of the paper's update.

use std::prelude::rust_2024::*;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::{format, thread};

use crate::config::{Config, ConfigError, Integrator};
use crate::host::experiment::{ExperimentError, Summary, trajectory};
use crate::numbers::precision::{Precision, WithScalar};
use crate::numbers::scalar::Scalar;
use crate::run::decay_warning::DecayWarning;
use crate::run::metrics::Metrics;

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
/// t_grok is the drop of the test loss) by the test loss.
pub const fn rule(config: &Config) -> &'static str {
    if config.is_classification() {
        "holds: t_grok within 10% of the f64 reference (naive update) and final test accuracy \
         within 2 points of it; otherwise breaks"
    } else {
        "holds: t_grok (test loss below a tenth of its plateau) within 10% of the f64 reference \
         (naive update) and final test loss within a factor of 2 of it; otherwise breaks"
    }
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

/// Whether a row holds against the reference by [`rule`], and why not.
pub fn judge(reference: &Summary, row: &Summary) -> (bool, String) {
    let classification = reference.config.is_classification();
    let last = |s: &Summary| {
        s.last.and_then(|m| {
            if classification {
                m.test_acc
            } else {
                Some(m.test_loss)
            }
        })
    };
    let (Some(t_ref), Some(last_ref)) = (reference.transitions.t_grok(), last(reference)) else {
        return (false, "the reference did not grok".to_owned());
    };
    let Some(t) = row.transitions.t_grok() else {
        return (false, "no grokking".to_owned());
    };
    let shift = t / t_ref - 1.0;
    let end = last(row).unwrap_or(f64::NAN);
    let close = if classification {
        (end - last_ref).abs() <= 0.02
    } else {
        (0.5 * last_ref..=2.0 * last_ref).contains(&end)
    };
    if shift.abs() > 0.10 {
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

struct Run<'a>(&'a Config);

impl WithScalar for Run<'_> {
    type Output = Result<(Summary, Vec<Metrics>), ExperimentError>;
    fn run<S: Scalar>(self) -> Self::Output {
        trajectory::<S>(self.0, false)
    }
}

/// Runs `base` in `precision` with `scheme`.
pub fn run_row(
    base: &Config,
    precision: Precision,
    scheme: Scheme,
) -> Result<Row, ExperimentError> {
    let config = Config {
        integrator: scheme.integrator(),
        ..*base
    };
    let (summary, records) = precision.with(Run(&config))?;
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

/// Runs `cases` on `threads` threads (each row is deterministic whatever the thread),
/// calling `done` as rows finish; returns the rows in the order of `cases` (a scheme that does
/// not apply to the model, see [`Scheme::not_applicable`], or a configuration that is invalid
/// is left out: the table names those).
pub fn run(
    base: &Config,
    cases: &[(Precision, Scheme)],
    threads: usize,
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
                    if let Ok(row) = run_row(base, precision, scheme) {
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

    fn summary(t_grok: Option<f64>, acc: f64) -> Summary {
        Summary {
            config: Config::default(),
            precision: "f64",
            status: crate::run::simulation::Status::Finished,
            steps: 1,
            gradient_evals: 1,
            transitions: crate::run::transition::Transitions {
                log10_t_fit: Some(-1.0),
                log10_t_grok: t_grok.map(f64::log10),
                log10_t_drop: None,
            },
            t_predicted: None,
            last: Some(Metrics {
                test_acc: Some(acc),
                ..Metrics::default()
            }),
            wall_s: 0.0,
        }
    }

    #[test]
    fn the_rule_is_ten_percent_and_two_points() {
        let reference = summary(Some(1000.0), 1.0);
        let cases = [
            (summary(Some(1090.0), 0.99), true),
            (summary(Some(1110.0), 1.0), false),
            (summary(Some(1000.0), 0.97), false),
            (summary(None, 0.7), false),
        ];
        for (row, holds) in cases {
            assert_eq!(
                judge(&reference, &row).0,
                holds,
                "{:?}",
                judge(&reference, &row)
            );
        }
    }
}
