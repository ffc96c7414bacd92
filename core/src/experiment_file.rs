//! Saved experiments (std only): a configuration and a number format as a versioned JSON
//! file, so that the explorer's "save" and `grokflow run --config FILE` reproduce a run
//! exactly.
//!
//! ```json
//! { "format": "grokflow-experiment", "version": 1, "precision": "f32",
//!   "config": { "task": "sparse-cls", "d": 2000, … } }
//! ```
//! Every config field has a default (the `fig1a-small` value), so a file may list only what
//! differs; unknown fields are refused, so a typo does not silently run something else.

use std::fmt;
use std::format;
use std::prelude::rust_2024::*;

use serde::{Deserialize, Serialize};

use crate::config::{Activation, Config, Integrator, Task, Truth};
use crate::error::ConfigError;
use crate::loss::Loss;
use crate::precision::Precision;

/// The value of the `format` field.
pub const FORMAT: &str = "grokflow-experiment";
/// The version this build writes, and the newest it reads.
pub const VERSION: u32 = 1;

/// A configuration and the number format to run it in.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ExperimentSpec {
    /// The experiment.
    pub config: Config,
    /// The number format.
    pub precision: Precision,
}

/// Why a file could not be loaded.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub enum ExperimentFileError {
    /// Not JSON, or not the shape of an experiment file.
    Malformed(String),
    /// Written by a newer grokflow.
    NewerVersion {
        /// The file's version.
        found: u32,
    },
    /// A value is a name this build does not know.
    UnknownName {
        /// The field.
        field: &'static str,
        /// The value found.
        value: String,
    },
    /// A value is out of range.
    Invalid(ConfigError),
}

impl fmt::Display for ExperimentFileError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Malformed(why) => write!(f, "not a grokflow experiment file: {why}"),
            Self::NewerVersion { found } => write!(
                f,
                "the file has format version {found}; this grokflow reads up to version {VERSION} \
                 (update grokflow to open it)"
            ),
            Self::UnknownName { field, value } => write!(f, "{field}: unknown value {value:?}"),
            Self::Invalid(e) => write!(f, "{e}"),
        }
    }
}

impl std::error::Error for ExperimentFileError {}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    format: String,
    version: u32,
    #[serde(default = "default_precision")]
    precision: String,
    #[serde(default)]
    config: Fields,
}

fn default_precision() -> String {
    Precision::default().name().to_owned()
}

/// The configuration with names for the enums, each field defaulting to `fig1a-small`.
#[derive(Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
struct Fields {
    task: String,
    d: usize,
    n: usize,
    n_test: usize,
    k: usize,
    gamma: f64,
    train_fraction: f64,
    truth: String,
    width: usize,
    activation: String,
    zero_output_init: bool,
    depth: u32,
    alpha: f64,
    lambda: f64,
    loss: String,
    integrator: String,
    lr: f64,
    tol: f64,
    t_max: f64,
    points_per_decade: u32,
    seed: u64,
}

impl Default for Fields {
    fn default() -> Self {
        Self::from(&Config::default())
    }
}

impl From<&Config> for Fields {
    fn from(c: &Config) -> Self {
        Self {
            task: c.task.name().to_owned(),
            d: c.d,
            n: c.n,
            n_test: c.n_test,
            k: c.k,
            gamma: c.gamma,
            train_fraction: c.train_fraction,
            truth: c.truth.name().to_owned(),
            width: c.width,
            activation: c.activation.name().to_owned(),
            zero_output_init: c.zero_output_init,
            depth: c.depth,
            alpha: c.alpha,
            lambda: c.lambda,
            loss: c.loss.name().to_owned(),
            integrator: c.integrator.name().to_owned(),
            lr: c.lr,
            tol: c.tol,
            t_max: c.t_max,
            points_per_decade: c.points_per_decade,
            seed: c.seed,
        }
    }
}

fn named<T>(
    field: &'static str,
    value: &str,
    parse: impl Fn(&str) -> Option<T>,
) -> Result<T, ExperimentFileError> {
    parse(value).ok_or_else(|| ExperimentFileError::UnknownName {
        field,
        value: value.to_owned(),
    })
}

impl Fields {
    fn config(&self) -> Result<Config, ExperimentFileError> {
        let config = Config {
            task: named("task", &self.task, Task::from_name)?,
            d: self.d,
            n: self.n,
            n_test: self.n_test,
            k: self.k,
            gamma: self.gamma,
            train_fraction: self.train_fraction,
            truth: named("truth", &self.truth, Truth::from_name)?,
            width: self.width,
            activation: named("activation", &self.activation, Activation::from_name)?,
            zero_output_init: self.zero_output_init,
            depth: self.depth,
            alpha: self.alpha,
            lambda: self.lambda,
            loss: named("loss", &self.loss, Loss::from_name)?,
            integrator: named("integrator", &self.integrator, Integrator::from_name)?,
            lr: self.lr,
            tol: self.tol,
            t_max: self.t_max,
            points_per_decade: self.points_per_decade,
            seed: self.seed,
        }
        .with_derived_sizes();
        if config.task == Task::File {
            return Err(ExperimentFileError::UnknownName {
                field: "task",
                value: "file (give the data with --data instead)".to_owned(),
            });
        }
        config.validate().map_err(ExperimentFileError::Invalid)?;
        Ok(config)
    }
}

impl ExperimentSpec {
    /// The file text (pretty-printed JSON, current version).
    pub fn to_json(&self) -> String {
        let file = File {
            format: FORMAT.to_owned(),
            version: VERSION,
            precision: self.precision.name().to_owned(),
            config: Fields::from(&self.config),
        };
        // Serialising plain strings and numbers cannot fail; keep the signature infallible.
        serde_json::to_string_pretty(&file).unwrap_or_default()
    }

    /// Parses and validates a file; older versions load, newer ones are refused.
    pub fn from_json(text: &str) -> Result<Self, ExperimentFileError> {
        // Look at format and version first, so a newer file gets the right message even if
        // its fields have changed.
        #[derive(Deserialize)]
        struct Header {
            format: Option<String>,
            version: Option<u32>,
        }
        let header: Header = serde_json::from_str(text)
            .map_err(|e| ExperimentFileError::Malformed(e.to_string()))?;
        if header.format.as_deref() != Some(FORMAT) {
            return Err(ExperimentFileError::Malformed(format!(
                "the \"format\" field must be \"{FORMAT}\""
            )));
        }
        match header.version {
            Some(v) if v > VERSION => return Err(ExperimentFileError::NewerVersion { found: v }),
            Some(0) => {
                return Err(ExperimentFileError::Malformed(
                    "the \"version\" field must be 1 or more".to_owned(),
                ));
            }
            Some(_) => {}
            None => {
                return Err(ExperimentFileError::Malformed(
                    "the \"version\" field is missing".to_owned(),
                ));
            }
        }
        let file: File = serde_json::from_str(text)
            .map_err(|e| ExperimentFileError::Malformed(e.to_string()))?;
        Ok(Self {
            config: file.config.config()?,
            precision: named("precision", &file.precision, Precision::from_name)?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::preset::PRESETS;

    #[test]
    fn every_preset_round_trips_exactly() {
        for preset in PRESETS {
            for precision in Precision::ALL {
                let spec = ExperimentSpec {
                    config: preset.config,
                    precision,
                };
                assert_eq!(
                    ExperimentSpec::from_json(&spec.to_json()),
                    Ok(spec),
                    "{}",
                    preset.name
                );
            }
        }
    }

    #[test]
    fn bad_files_are_refused_with_a_reason() {
        let cases: [(&str, &str); 6] = [
            ("{", "not a grokflow experiment file"),
            (r#"{"format":"other","version":1}"#, "\"format\""),
            (
                r#"{"format":"grokflow-experiment","version":7}"#,
                "version 7",
            ),
            (
                r#"{"format":"grokflow-experiment","version":1,"config":{"alpha":-1}}"#,
                "alpha",
            ),
            (
                r#"{"format":"grokflow-experiment","version":1,"config":{"loss":"hinge"}}"#,
                "hinge",
            ),
            (
                r#"{"format":"grokflow-experiment","version":1,"config":{"alhpa":2}}"#,
                "alhpa",
            ),
        ];
        for (text, needle) in cases {
            let err = ExperimentSpec::from_json(text).expect_err(text).to_string();
            assert!(err.contains(needle), "{text}: {err}");
        }
    }

    #[test]
    fn missing_fields_take_the_default_preset_values() {
        let spec = ExperimentSpec::from_json(
            r#"{"format":"grokflow-experiment","version":1,"config":{"alpha":64}}"#,
        )
        .expect("valid");
        assert_eq!(
            spec.config,
            Config {
                alpha: 64.0,
                ..Config::default()
            }
        );
        assert_eq!(spec.precision, Precision::F32);
    }
}
