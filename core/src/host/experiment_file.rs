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

use crate::config::{Config, ConfigError, Task};
use crate::numbers::precision::Precision;

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
    /// A field this build does not know, or a value of the wrong type or an unknown name
    /// (the message names it, with its line and column).
    BadField(String),
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
            Self::BadField(why) => f.write_str(why),
            Self::Invalid(e) => write!(f, "{e}"),
        }
    }
}

impl std::error::Error for ExperimentFileError {}

impl From<serde_json::Error> for ExperimentFileError {
    fn from(e: serde_json::Error) -> Self {
        match e.classify() {
            serde_json::error::Category::Data => Self::BadField(e.to_string()),
            _ => Self::Malformed(e.to_string()),
        }
    }
}

/// The file: a header, the number format and the configuration's own fields.
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    format: String,
    version: u32,
    #[serde(default)]
    precision: Precision,
    #[serde(default)]
    config: Config,
}

impl ExperimentSpec {
    /// The file text (pretty-printed JSON, current version).
    pub fn to_json(&self) -> String {
        let file = File {
            format: FORMAT.to_owned(),
            version: VERSION,
            precision: self.precision,
            config: self.config,
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
        let file: File = serde_json::from_str(text)?;
        let config = file.config.with_derived_sizes();
        if config.task == Task::File {
            return Err(ExperimentFileError::Invalid(ConfigError::Incompatible {
                field: "task",
                reason: "a file task takes its data from the run, not from an experiment file",
            }));
        }
        config.validate().map_err(ExperimentFileError::Invalid)?;
        Ok(Self {
            config,
            precision: file.precision,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::run::preset::PRESETS;

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
