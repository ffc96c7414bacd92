//! The fields of a [`Config`] by name, for front ends that list them (the command line's
//! flags, the explorer's form): what each means and how its value is written. With `std`, a
//! field is read and set as text through `Config`'s own (de)serialisation, so no front end
//! restates the list of fields or how to parse them.

use crate::config::choices::{Activation, Integrator, Loss, Task, Truth};
use crate::config::experiment_config::Config;

/// How a field's value is written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FieldKind {
    /// A whole number: `2000`, `1e5` or `100_000`.
    Whole,
    /// A real number.
    Real,
    /// `true` or `false`.
    Switch,
    /// One of these names.
    Choice(&'static [&'static str]),
}

/// One field of [`Config`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Field {
    /// Its name, as in `Config`, files and JSON (`--name-with-dashes` on the command line).
    pub name: &'static str,
    /// What it means, in a sentence.
    pub help: &'static str,
    /// How its value is written.
    pub kind: FieldKind,
}

const fn field(name: &'static str, kind: FieldKind, help: &'static str) -> Field {
    Field { name, help, kind }
}

impl Config {
    /// Every field, in the order of the struct (checked against the serialised form by a
    /// test, so the two cannot drift apart).
    pub const FIELDS: [Field; 21] = [
        field(
            "task",
            FieldKind::Choice(&Task::NAMES),
            "The data-generating task.",
        ),
        field(
            "d",
            FieldKind::Whole,
            "Size: input dimension, matrix size (matrix-completion) or modulus p (mod-add).",
        ),
        field(
            "n",
            FieldKind::Whole,
            "Number of training points (pair tasks derive it from train_fraction).",
        ),
        field(
            "n_test",
            FieldKind::Whole,
            "Number of test points (pair tasks: every pair not trained on).",
        ),
        field(
            "k",
            FieldKind::Whole,
            "Support size of the sparse ground truth, or rank of a low-rank matrix.",
        ),
        field(
            "gamma",
            FieldKind::Real,
            "Margin γ of the misgrokking construction.",
        ),
        field(
            "train_fraction",
            FieldKind::Real,
            "Fraction of all pairs trained on (matrix-completion, mod-add, data files).",
        ),
        field(
            "truth",
            FieldKind::Choice(&Truth::NAMES),
            "Ground truth of matrix completion: paper (X*_ij = ij/d²) or low-rank (rank k).",
        ),
        field(
            "width",
            FieldKind::Whole,
            "Hidden width of the MLP (mod-add).",
        ),
        field(
            "activation",
            FieldKind::Choice(&Activation::NAMES),
            "Hidden activation of the MLP: relu (2-homogeneous) or quadratic (3-homogeneous).",
        ),
        field(
            "zero_output_init",
            FieldKind::Switch,
            "Start the MLP's output layer at zero (f(θ(0)) = 0, the theorems' setting) or Kaiming-normal with gain 1 (the default of the paper's code).",
        ),
        field(
            "depth",
            FieldKind::Whole,
            "Depth L of the diagonal net w = u^L − v^L.",
        ),
        field(
            "alpha",
            FieldKind::Real,
            "Initialisation scale: ‖θ(0)‖ (diagonal nets), U = V = α·I (matrix-completion), \
             multiplier of the Kaiming init (mod-add).",
        ),
        field("lambda", FieldKind::Real, "Weight decay λ."),
        field(
            "loss",
            FieldKind::Choice(&Loss::NAMES),
            "Per-example loss (regression tasks need squared, mod-add cross-entropy).",
        ),
        field(
            "integrator",
            FieldKind::Choice(&Integrator::NAMES),
            "How the flow is discretised: the paper's update (gd), the adaptive flow with exact \
             decay (flow), or a scheme for narrow formats or for λ = 0 (README, \"The \
             integrators\").",
        ),
        field(
            "lr",
            FieldKind::Real,
            "Step size η of the fixed-step integrators (all but flow).",
        ),
        field(
            "tol",
            FieldKind::Real,
            "Relative local error tolerance of the flow integrator, on every parameter and on the training loss.",
        ),
        field(
            "t_max",
            FieldKind::Real,
            "Continuous time at which the run ends.",
        ),
        field(
            "points_per_decade",
            FieldKind::Whole,
            "Metrics are recorded this many times per decade of t.",
        ),
        field("seed", FieldKind::Whole, "Seed of all random draws."),
    ];

    /// The field called `name`.
    pub fn field(name: &str) -> Option<&'static Field> {
        Self::FIELDS.iter().find(|f| f.name == name)
    }
}

#[cfg(feature = "std")]
mod text {
    use std::format;
    use std::prelude::rust_2024::*;
    use std::string::ToString;

    use serde_json::Value;

    use super::{Field, FieldKind};
    use crate::config::experiment_config::Config;

    /// A field's text that cannot be used, and why.
    #[derive(Clone, Debug, PartialEq, Eq)]
    pub struct FieldError {
        /// The field, as in [`Config::FIELDS`].
        pub field: &'static str,
        /// What is wrong and what is allowed.
        pub message: String,
    }

    impl core::fmt::Display for FieldError {
        fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
            write!(f, "{}: {}", self.field, self.message)
        }
    }

    impl std::error::Error for FieldError {}

    /// A whole number as people type it: `2000`, `1e5`, `100_000`.
    pub fn parse_whole(text: &str) -> Result<u64, String> {
        let cleaned = text.trim().replace('_', "");
        if let Ok(v) = cleaned.parse::<u64>() {
            return Ok(v);
        }
        match cleaned.parse::<f64>() {
            Ok(v) if v >= 0.0 && v.fract() == 0.0 && v < 1.8e19 => Ok(v as u64),
            _ => Err(format!(
                "{:?} is not a whole number such as 2000 or 1e5",
                text.trim()
            )),
        }
    }

    /// The shortest text that reads back as `x`, in scientific notation outside
    /// `[10⁻⁴, 10⁷)`.
    fn number_text(x: f64) -> String {
        if x != 0.0 && !(1e-4..1e7).contains(&x.abs()) {
            format!("{x:e}")
        } else {
            x.to_string()
        }
    }

    impl Config {
        /// The value of `field` as text, as the form shows it and [`Config::set_field`]
        /// reads it back (None for a name that is no field).
        pub fn field_text(&self, field: &str) -> Option<String> {
            let value = serde_json::to_value(self).ok()?.get(field)?.clone();
            Some(match value {
                Value::String(name) => name,
                // Rust's own shortest form of the f64, not JSON's (`0.001`, not `1e-3`), in
                // scientific notation where that runs long (`1e300`, not 301 digits).
                Value::Number(x) if x.is_f64() => x.as_f64().map(number_text)?,
                other => other.to_string(),
            })
        }

        /// Sets `field` from `text`: a whole number, a real, `true`/`false` or a name, as
        /// [`Field::kind`] says. The value is not validated against the other fields; call
        /// [`Config::validate`] for that.
        pub fn set_field(&mut self, field: &str, text: &str) -> Result<(), FieldError> {
            let known: &Field = Config::field(field).ok_or_else(|| FieldError {
                field: "config",
                message: format!("{field:?} is not a field of an experiment"),
            })?;
            let error = |message: String| FieldError {
                field: known.name,
                message,
            };
            let trimmed = text.trim();
            let value = match known.kind {
                FieldKind::Whole => Value::from(parse_whole(trimmed).map_err(error)?),
                FieldKind::Real => match trimmed.parse::<f64>() {
                    Ok(x) if x.is_finite() => Value::from(x),
                    // Every real field is finite (validation checks it); JSON has no NaN.
                    Ok(x) => return Err(error(format!("{x} is not a finite number"))),
                    Err(_) => return Err(error(format!("{trimmed:?} is not a number"))),
                },
                FieldKind::Switch => match trimmed {
                    "true" => Value::Bool(true),
                    "false" => Value::Bool(false),
                    _ => return Err(error(format!("{trimmed:?} is neither true nor false"))),
                },
                FieldKind::Choice(_) => Value::from(trimmed),
            };
            let mut fields = serde_json::to_value(*self).map_err(|e| error(e.to_string()))?;
            if let Some(slot) = fields.get_mut(known.name) {
                *slot = value;
            }
            // Typed by Config's own Deserialize: sizes that do not fit, unknown names.
            *self = serde_json::from_value(fields).map_err(|e| error(e.to_string()))?;
            Ok(())
        }
    }
}

#[cfg(feature = "std")]
pub use text::{FieldError, parse_whole};

#[cfg(test)]
mod tests {
    use super::*;
    use crate::run::preset::PRESETS;

    #[test]
    fn the_table_lists_the_serialised_fields_in_order() {
        // Written in struct order; no value of a config holds a comma or a colon.
        let text = serde_json::to_string(&Config::default()).expect("serialises");
        let keys: std::vec::Vec<&str> = text
            .trim_matches(|c| c == '{' || c == '}')
            .split(',')
            .map(|pair| pair.split(':').next().unwrap_or("").trim_matches('"'))
            .collect();
        let names: std::vec::Vec<&str> = Config::FIELDS.iter().map(|f| f.name).collect();
        assert_eq!(keys, names);
    }

    #[test]
    fn every_field_of_every_preset_survives_text() {
        for preset in PRESETS {
            let mut copy = Config {
                task: crate::config::Task::File,
                ..Config::default()
            };
            for field in Config::FIELDS {
                let text = preset.config.field_text(field.name).expect("a field");
                copy.set_field(field.name, &text).expect(field.name);
            }
            assert_eq!(copy, preset.config, "{}", preset.name);
        }
    }

    #[test]
    fn numbers_read_as_typed() {
        let config = Config {
            lambda: 1e-3,
            tol: 1e-5,
            t_max: 1e300,
            alpha: 128.0,
            ..Config::default()
        };
        let text = |field| config.field_text(field).expect("a field");
        assert_eq!(
            [text("lambda"), text("tol"), text("t_max"), text("alpha")],
            ["0.001", "1e-5", "1e300", "128"]
        );
    }

    #[test]
    fn bad_text_names_the_field_and_says_why() {
        let cases = [
            ("d", "1.5", "whole number"),
            ("alpha", "abc", "not a number"),
            ("lambda", "NaN", "finite"),
            ("zero_output_init", "yes", "true nor false"),
            ("loss", "hinge", "unknown loss \"hinge\""),
            ("depth", "5000000000", "u32"),
        ];
        for (field, text, why) in cases {
            let err = Config::default().set_field(field, text).expect_err(field);
            assert_eq!(err.field, field);
            assert!(err.message.contains(why), "{field}: {}", err.message);
        }
        assert_eq!(
            Config::default()
                .set_field("alhpa", "1")
                .expect_err("typo")
                .field,
            "config"
        );
        let mut c = Config::default();
        c.set_field("d", "1e5").expect("scientific");
        c.set_field("seed", "1_000").expect("underscores");
        assert_eq!((c.d, c.seed), (100_000, 1000));
    }
}
