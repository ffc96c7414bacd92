//! The experiment form: every setting as the user typed it, checked field by field.
//!
//! Values are kept as text so that a half-typed or wrong value is shown with its error next
//! to the field and never reaches a run.

use egui::{Color32, RichText, Ui};
use grokflow_core::{
    Activation, Config, Integrator, Loss, ModelKind, Precision, Task, Truth, preset,
};
use serde::{Deserialize, Serialize};

/// The form's contents (persisted between launches).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Form {
    /// Name of the preset the values came from ("custom" once edited).
    pub preset: String,
    task: String,
    loss: String,
    integrator: String,
    truth: String,
    activation: String,
    precision: String,
    zero_output_init: bool,
    d: String,
    n: String,
    n_test: String,
    k: String,
    gamma: String,
    train_fraction: String,
    width: String,
    depth: String,
    alpha: String,
    lambda: String,
    lr: String,
    tol: String,
    t_max: String,
    points_per_decade: String,
    seed: String,
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

fn number(x: f64) -> String {
    format!("{x}")
}

impl Form {
    /// The form showing `config` in `precision`, labelled with `preset`.
    pub fn from_config(config: &Config, precision: Precision, preset: &str) -> Self {
        Self {
            preset: preset.to_owned(),
            task: config.task.name().to_owned(),
            loss: config.loss.name().to_owned(),
            integrator: config.integrator.name().to_owned(),
            truth: config.truth.name().to_owned(),
            activation: config.activation.name().to_owned(),
            precision: precision.name().to_owned(),
            zero_output_init: config.zero_output_init,
            d: config.d.to_string(),
            n: config.n.to_string(),
            n_test: config.n_test.to_string(),
            k: config.k.to_string(),
            gamma: number(config.gamma),
            train_fraction: number(config.train_fraction),
            width: config.width.to_string(),
            depth: config.depth.to_string(),
            alpha: number(config.alpha),
            lambda: number(config.lambda),
            lr: number(config.lr),
            tol: number(config.tol),
            t_max: number(config.t_max),
            points_per_decade: config.points_per_decade.to_string(),
            seed: config.seed.to_string(),
        }
    }

    /// The configuration and precision, or every field that is wrong.
    pub fn parse(&self) -> Result<(Config, Precision), Vec<FieldError>> {
        let mut errors = Vec::new();
        let mut fail = |field: &'static str, message: String| {
            errors.push(FieldError { field, message });
        };
        fn real(text: &str) -> Result<f64, String> {
            text.trim()
                .parse::<f64>()
                .map_err(|_| format!("{:?} is not a number", text.trim()))
        }
        fn whole(text: &str) -> Result<u64, String> {
            let t = text.trim().replace('_', "");
            if let Ok(v) = t.parse::<u64>() {
                return Ok(v);
            }
            match t.parse::<f64>() {
                Ok(v) if v >= 0.0 && v.fract() == 0.0 && v < 1.8e19 => Ok(v as u64),
                _ => Err(format!("{:?} is not a whole number ≥ 0", text.trim())),
            }
        }
        macro_rules! get {
            ($field:ident, $parse:expr, $default:expr) => {
                match $parse(&self.$field) {
                    Ok(v) => v,
                    Err(message) => {
                        fail(stringify!($field), message);
                        $default
                    }
                }
            };
        }
        let named = |field: &'static str, value: &str, known: bool| {
            (!known).then(|| FieldError {
                field,
                message: format!("unknown {field} {value:?}"),
            })
        };
        let base = Config::default();
        let task = Task::from_name(&self.task);
        let loss = Loss::from_name(&self.loss);
        let integrator = Integrator::from_name(&self.integrator);
        let truth = Truth::from_name(&self.truth);
        let activation = Activation::from_name(&self.activation);
        let precision = Precision::from_name(&self.precision);
        let config = Config {
            task: task.unwrap_or(base.task),
            loss: loss.unwrap_or(base.loss),
            integrator: integrator.unwrap_or(base.integrator),
            truth: truth.unwrap_or(base.truth),
            activation: activation.unwrap_or(base.activation),
            zero_output_init: self.zero_output_init,
            d: get!(d, whole, 0) as usize,
            n: get!(n, whole, 0) as usize,
            n_test: get!(n_test, whole, 0) as usize,
            k: get!(k, whole, 0) as usize,
            gamma: get!(gamma, real, 0.0),
            train_fraction: get!(train_fraction, real, 0.0),
            width: get!(width, whole, 0) as usize,
            depth: u32::try_from(get!(depth, whole, 0)).unwrap_or(u32::MAX),
            alpha: get!(alpha, real, 1.0),
            lambda: get!(lambda, real, 0.0),
            lr: get!(lr, real, 1.0),
            tol: get!(tol, real, 1e-3),
            t_max: get!(t_max, real, 1.0),
            points_per_decade: u32::try_from(get!(points_per_decade, whole, 1)).unwrap_or(u32::MAX),
            seed: get!(seed, whole, 0),
        }
        .with_derived_sizes();
        errors.extend(
            [
                named("task", &self.task, task.is_some()),
                named("loss", &self.loss, loss.is_some()),
                named("integrator", &self.integrator, integrator.is_some()),
                named("truth", &self.truth, truth.is_some()),
                named("activation", &self.activation, activation.is_some()),
                named("precision", &self.precision, precision.is_some()),
            ]
            .into_iter()
            .flatten(),
        );
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
        let task = Task::from_name(&self.task).unwrap_or_default();
        let model = task.model();

        egui::Grid::new("experiment-form")
            .num_columns(2)
            .spacing([8.0, 4.0])
            .show(ui, |ui| {
                // Every task but "file", which comes from `grokflow run --data`.
                let tasks: Vec<&'static str> = Task::ALL
                    .iter()
                    .filter(|&&t| t != Task::File)
                    .map(|t| t.name())
                    .collect();
                combo(ui, "Task", &mut self.task, &tasks);
                ui.end_row();
                if model == ModelKind::DiagonalNet {
                    text(ui, "d", "Input dimension", &mut self.d, error_for("d"));
                    text(ui, "n", "Training points", &mut self.n, error_for("n"));
                    text(
                        ui,
                        "n_test",
                        "Test points",
                        &mut self.n_test,
                        error_for("n_test"),
                    );
                } else {
                    let what = if model == ModelKind::Mlp {
                        "Modulus p"
                    } else {
                        "Matrix size"
                    };
                    text(ui, "d", what, &mut self.d, error_for("d"));
                    text(
                        ui,
                        "train_fraction",
                        "Training fraction of all pairs",
                        &mut self.train_fraction,
                        error_for("train_fraction").or(error_for("n")),
                    );
                }
                match task {
                    Task::SparseCls | Task::SparseReg => {
                        text(ui, "k", "Support size of w*", &mut self.k, error_for("k"));
                    }
                    Task::Misgrok => {
                        text(ui, "gamma", "Margin γ", &mut self.gamma, error_for("gamma"));
                    }
                    Task::MatrixCompletion => {
                        combo(ui, "Truth", &mut self.truth, &Truth::ALL.map(Truth::name));
                        ui.end_row();
                        text(
                            ui,
                            "k",
                            "Rank (low-rank truth)",
                            &mut self.k,
                            error_for("k"),
                        );
                    }
                    Task::ModAdd => {
                        text(
                            ui,
                            "width",
                            "Hidden width",
                            &mut self.width,
                            error_for("width"),
                        );
                        combo(
                            ui,
                            "Activation",
                            &mut self.activation,
                            &Activation::ALL.map(Activation::name),
                        );
                        ui.end_row();
                        ui.label("Zero output init");
                        ui.checkbox(&mut self.zero_output_init, "");
                        ui.end_row();
                    }
                    Task::File => {}
                }
                if model == ModelKind::DiagonalNet {
                    text(ui, "depth", "Depth L", &mut self.depth, error_for("depth"));
                }
                log_slider(
                    ui,
                    "alpha",
                    "Init scale α",
                    &mut self.alpha,
                    1e-3..=1e6,
                    error_for("alpha"),
                );
                log_slider(
                    ui,
                    "lambda",
                    "Weight decay λ",
                    &mut self.lambda,
                    0.0..=1.0,
                    error_for("lambda"),
                );
                combo(ui, "Loss", &mut self.loss, &Loss::ALL.map(Loss::name));
                ui.end_row();
                if let Some(message) = error_for("loss") {
                    ui.label("");
                    ui.label(RichText::new(message).color(Color32::LIGHT_RED));
                    ui.end_row();
                }
                combo(
                    ui,
                    "Integrator",
                    &mut self.integrator,
                    &Integrator::ALL.map(Integrator::name),
                );
                ui.end_row();
                match Integrator::from_name(&self.integrator) {
                    Some(Integrator::Flow) => {
                        text(ui, "tol", "Flow tolerance", &mut self.tol, error_for("tol"));
                    }
                    _ => text(ui, "lr", "Step size η", &mut self.lr, error_for("lr")),
                }
                text(
                    ui,
                    "t_max",
                    "End time t_max",
                    &mut self.t_max,
                    error_for("t_max"),
                );
                text(
                    ui,
                    "points_per_decade",
                    "Records per decade",
                    &mut self.points_per_decade,
                    error_for("points_per_decade"),
                );
                text(ui, "seed", "Seed", &mut self.seed, error_for("seed"));
                combo(
                    ui,
                    "Precision",
                    &mut self.precision,
                    &Precision::ALL.map(Precision::name),
                );
                ui.end_row();
            });
        if *self != before {
            if self.task != before.task {
                // A new task starts from its small preset, as on the command line.
                self.load_task_defaults();
            }
            self.preset = "custom".to_owned();
            true
        } else {
            false
        }
    }

    fn load_task_defaults(&mut self) {
        let Some(task) = Task::from_name(&self.task) else {
            return;
        };
        let name = match task {
            Task::SparseCls | Task::File => "fig1a-small",
            Task::Misgrok => "fig1b-small",
            Task::SparseReg => "sparse-reg-small",
            Task::MatrixCompletion => "fig3-small",
            Task::ModAdd => "fig2-small",
        };
        if let Some(p) = preset(name) {
            let precision = Precision::from_name(&self.precision).unwrap_or_default();
            *self = Self::from_config(&p.config, precision, name);
        }
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
        let mut form = Form {
            alpha: "-3".into(),
            seed: "seven".into(),
            ..Form::default()
        };
        let errors = form.parse().expect_err("two bad fields");
        let fields: Vec<_> = errors.iter().map(|e| e.field).collect();
        assert_eq!(fields, ["seed"]);
        form.seed = "7".into();
        let errors = form.parse().expect_err("alpha");
        assert_eq!(errors[0].field, "alpha");
        assert!(errors[0].message.contains("> 0"), "{}", errors[0].message);
    }

    #[test]
    fn slider_values_are_rounded_to_three_digits() {
        assert_eq!(round_significant(0.00123456, 3), 0.00123);
        assert_eq!(round_significant(127.84, 3), 128.0);
    }
}
