//! The experiment form: every setting as the user typed it, checked field by field.
//!
//! Values are kept as text so that a half-typed or wrong value is shown with its error next
//! to the field and never reaches a run.

use std::collections::BTreeMap;

use egui::{Color32, RichText, Ui};
use grokflow_core::{Config, FieldKind, Integrator, Precision, Task, task_preset};
use serde::{Deserialize, Serialize};

use crate::form_rows::{ROWS, Row};

/// The form's contents (persisted between launches).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Form {
    /// Name of the preset the values came from ("custom" once edited).
    pub preset: String,
    /// The number format's name.
    precision: String,
    /// The text of every field of [`Config::FIELDS`], by field name.
    values: BTreeMap<String, String>,
}

impl Default for Form {
    fn default() -> Self {
        Self::from_config(&Config::default(), Precision::F32, "fig1a-small")
    }
}

/// A field whose text is not a usable value, and why.
#[derive(Clone, Debug, PartialEq)]
pub struct FieldError {
    /// The config field (as in [`Config`]).
    pub field: &'static str,
    /// What is wrong and what is allowed.
    pub message: String,
}

impl Form {
    /// The form showing `config` in `precision`, labelled with `preset`.
    pub fn from_config(config: &Config, precision: Precision, preset: &str) -> Self {
        let values = Config::FIELDS
            .iter()
            .filter_map(|f| Some((f.name.to_owned(), config.field_text(f.name)?)))
            .collect();
        Self {
            preset: preset.to_owned(),
            precision: precision.name().to_owned(),
            values,
        }
    }

    /// The text of `field`.
    pub fn value(&self, field: &str) -> &str {
        self.values.get(field).map_or("", String::as_str)
    }

    /// The text of `field`, to edit.
    pub fn value_mut(&mut self, field: &str) -> &mut String {
        self.values.entry(field.to_owned()).or_default()
    }

    /// The form's number format (f32 while its name is not one).
    pub fn precision(&self) -> Precision {
        Precision::from_name(&self.precision).unwrap_or_default()
    }

    /// The configuration and precision, or every field that is wrong.
    pub fn parse(&self) -> Result<(Config, Precision), Vec<FieldError>> {
        let mut errors = Vec::new();
        let mut config = Config::default();
        // A field the saved form does not know yet (saved by an older grokflow) keeps its
        // default.
        let given = Config::FIELDS
            .iter()
            .filter_map(|f| Some((f.name, self.values.get(f.name)?)));
        for (field, text) in given {
            if let Err(e) = config.set_field(field, text) {
                errors.push(FieldError {
                    field: e.field,
                    message: e.message,
                });
            }
        }
        let config = config.with_derived_sizes();
        let precision = Precision::from_name(&self.precision);
        if precision.is_none() {
            errors.push(FieldError {
                field: "precision",
                message: format!("unknown precision {:?}", self.precision),
            });
        }
        if errors.is_empty()
            && let Err(e) = config.validate()
        {
            errors.push(FieldError {
                field: e.field(),
                message: e.to_string(),
            });
        }
        match (errors.is_empty(), precision) {
            (true, Some(p)) => Ok((config, p)),
            _ => Err(errors),
        }
    }

    /// Draws the controls; returns true when a value changed.
    pub fn show(&mut self, ui: &mut Ui) -> bool {
        let before = self.clone();
        let errors = self.parse().err().unwrap_or_default();
        let error_for = |field: &str| {
            errors
                .iter()
                .find(|e| e.field == field)
                .map(|e| e.message.clone())
        };
        let task = Task::from_name(self.value("task")).unwrap_or_default();
        let integrator = Integrator::from_name(self.value("integrator"));
        egui::Grid::new("experiment-form")
            .num_columns(2)
            .spacing([8.0, 4.0])
            .show(ui, |ui| {
                for row in ROWS.iter().filter(|r| r.shown.holds(task, integrator)) {
                    let error = error_for(row.field).or(row.errors_of.and_then(error_for));
                    self.show_row(ui, row, error);
                }
                combo(
                    ui,
                    "Precision",
                    &mut self.precision,
                    &Precision::ALL.map(Precision::name),
                );
                ui.end_row();
            });
        if *self != before {
            if self.value("task") != before.value("task") {
                // A new task starts from its small preset, as on the command line.
                self.load_task_defaults();
            }
            self.preset = "custom".to_owned();
            true
        } else {
            false
        }
    }

    /// One row: its label and the widget its field's kind asks for, with its error.
    fn show_row(&mut self, ui: &mut Ui, row: &Row, error: Option<String>) {
        let value = self.value_mut(row.field);
        let kind = Config::field(row.field).map(|f| f.kind);
        match (kind, row.log_slider) {
            (_, Some((low, high))) => {
                log_slider(ui, row.field, row.label, value, low..=high, error)
            }
            (Some(FieldKind::Choice(names)), None) => {
                let offered: Vec<&'static str> = names
                    .iter()
                    .copied()
                    .filter(|n| Some(*n) != row.hidden_choice)
                    .collect();
                combo(ui, row.label, value, &offered);
                ui.end_row();
                if let Some(message) = error {
                    ui.label("");
                    ui.label(RichText::new(message).color(Color32::LIGHT_RED));
                    ui.end_row();
                }
            }
            (Some(FieldKind::Switch), None) => {
                ui.label(row.label);
                let mut on = value == "true";
                if ui.checkbox(&mut on, "").changed() {
                    *value = on.to_string();
                }
                ui.end_row();
            }
            _ => text(ui, row.field, row.label, value, error),
        }
    }

    fn load_task_defaults(&mut self) {
        let Some(task) = Task::from_name(self.value("task")) else {
            return;
        };
        let start = task_preset(task);
        let precision = Precision::from_name(&self.precision).unwrap_or_default();
        *self = Self::from_config(&start.config, precision, start.name);
    }
}

fn combo(ui: &mut Ui, label: &str, value: &mut String, options: &[&'static str]) {
    let label_id = ui.label(label).id;
    egui::ComboBox::from_id_salt(label_id)
        .selected_text(value.as_str())
        .show_ui(ui, |ui| {
            for option in options {
                ui.selectable_value(value, (*option).to_owned(), *option);
            }
        })
        .response
        .labelled_by(label_id);
}

fn text(ui: &mut Ui, field: &str, label: &str, value: &mut String, error: Option<String>) {
    let label_id = ui.label(label).on_hover_text(field).id;
    ui.vertical(|ui| {
        ui.add(
            egui::TextEdit::singleline(value)
                .desired_width(110.0)
                .id_salt(field),
        )
        .labelled_by(label_id);
        if let Some(message) = error {
            ui.label(RichText::new(message).color(Color32::LIGHT_RED).small());
        }
    });
    ui.end_row();
}

/// A text field with a logarithmic slider beside it (the slider writes the text).
fn log_slider(
    ui: &mut Ui,
    field: &str,
    label: &str,
    value: &mut String,
    range: std::ops::RangeInclusive<f64>,
    error: Option<String>,
) {
    let label_id = ui.label(label).on_hover_text(field).id;
    ui.vertical(|ui| {
        ui.horizontal(|ui| {
            ui.add(
                egui::TextEdit::singleline(value)
                    .desired_width(80.0)
                    .id_salt(field),
            )
            .labelled_by(label_id);
            let mut x = value.trim().parse::<f64>().unwrap_or(*range.start());
            let slider = egui::Slider::new(&mut x, range)
                .logarithmic(true)
                .smallest_positive(1e-6)
                .show_value(false);
            if ui.add(slider).labelled_by(label_id).changed() {
                *value = format!("{}", round_significant(x, 3));
            }
        });
        if let Some(message) = error {
            ui.label(RichText::new(message).color(Color32::LIGHT_RED).small());
        }
    });
    ui.end_row();
}

/// `x` rounded to `digits` significant digits (slider values read like typed ones).
fn round_significant(x: f64, digits: i32) -> f64 {
    if x == 0.0 || !x.is_finite() {
        return x;
    }
    let scale = 10f64.powi(digits - 1 - x.abs().log10().floor() as i32);
    (x * scale).round() / scale
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_preset_round_trips_through_the_form() {
        for p in grokflow_core::PRESETS {
            let form = Form::from_config(&p.config, Precision::F64, p.name);
            assert_eq!(form.parse(), Ok((p.config, Precision::F64)), "{}", p.name);
        }
    }

    #[test]
    fn bad_text_is_reported_per_field() {
        let mut form = Form::default();
        *form.value_mut("alpha") = "-3".into();
        *form.value_mut("seed") = "seven".into();
        let errors = form.parse().expect_err("two bad fields");
        let fields: Vec<_> = errors.iter().map(|e| e.field).collect();
        assert_eq!(fields, ["seed"]);
        *form.value_mut("seed") = "7".into();
        let errors = form.parse().expect_err("alpha");
        assert_eq!(errors[0].field, "alpha");
        assert!(errors[0].message.contains("> 0"), "{}", errors[0].message);
    }

    #[test]
    fn a_form_saved_without_a_field_takes_its_default() {
        let mut form = Form::from_config(&grokflow_core::FIG3_SMALL.config, Precision::F32, "x");
        form.values.remove("seed");
        let (config, _) = form.parse().expect("valid");
        assert_eq!(config.seed, Config::default().seed);
        assert_eq!(config.d, grokflow_core::FIG3_SMALL.config.d);
    }

    #[test]
    fn slider_values_are_rounded_to_three_digits() {
        assert_eq!(round_significant(0.00123456, 3), 0.00123);
        assert_eq!(round_significant(127.84, 3), 128.0);
    }
}
