//! The experiment form's rows, in order: which field of [`Config::FIELDS`] each shows, with
//! what label and for which models, tasks and integrators. The widget follows from the
//! field's kind (a menu for a choice, a checkbox for a switch, a text box for a number);
//! α and λ have a logarithmic slider beside their text.
//!
//! [`Config::FIELDS`]: grokflow_core::Config::FIELDS

use grokflow_core::{Integrator, ModelKind, Task};

/// When a row is shown.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Shown {
    /// For every experiment.
    Always,
    /// For the tasks learned with this model.
    ForModel(ModelKind),
    /// For the tasks learned with any other model.
    NotForModel(ModelKind),
    /// For these tasks.
    ForTasks(&'static [Task]),
    /// With this integrator.
    ForIntegrator(Integrator),
    /// With any other integrator.
    NotForIntegrator(Integrator),
}

impl Shown {
    /// Whether the row is shown for `task` with `integrator` (None: a name the form does not
    /// know yet).
    pub fn holds(self, task: Task, integrator: Option<Integrator>) -> bool {
        match self {
            Shown::Always => true,
            Shown::ForModel(model) => task.model() == model,
            Shown::NotForModel(model) => task.model() != model,
            Shown::ForTasks(tasks) => tasks.contains(&task),
            Shown::ForIntegrator(i) => integrator == Some(i),
            Shown::NotForIntegrator(i) => integrator != Some(i),
        }
    }
}

/// One row of the form.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Row {
    /// The field of `Config::FIELDS` it edits.
    pub field: &'static str,
    /// Its label.
    pub label: &'static str,
    /// When it is shown.
    pub shown: Shown,
    /// The range of a logarithmic slider beside the text.
    pub log_slider: Option<(f64, f64)>,
    /// A field without a row of its own for these tasks whose errors show here.
    pub errors_of: Option<&'static str>,
    /// A choice the form does not offer.
    pub hidden_choice: Option<&'static str>,
}

const fn row(field: &'static str, label: &'static str, shown: Shown) -> Row {
    Row {
        field,
        label,
        shown,
        log_slider: None,
        errors_of: None,
        hidden_choice: None,
    }
}

use ModelKind::{DiagonalNet, Factorization, Mlp};
use Shown::{Always, ForIntegrator, ForModel, ForTasks, NotForIntegrator, NotForModel};

/// The rows, top to bottom.
pub const ROWS: [Row; 24] = [
    Row {
        // Data from a file comes with `grokflow run --data`.
        hidden_choice: Some("file"),
        ..row("task", "Task", Always)
    },
    row("d", "Input dimension", ForModel(DiagonalNet)),
    row("n", "Training points", ForModel(DiagonalNet)),
    row("n_test", "Test points", ForModel(DiagonalNet)),
    row("d", "Modulus p", ForModel(Mlp)),
    row("d", "Matrix size", ForModel(Factorization)),
    Row {
        errors_of: Some("n"),
        ..row(
            "train_fraction",
            "Training fraction of all pairs",
            NotForModel(DiagonalNet),
        )
    },
    row(
        "k",
        "Support size of w*",
        ForTasks(&[Task::SparseCls, Task::SparseReg]),
    ),
    row("gamma", "Margin γ", ForTasks(&[Task::Misgrok])),
    row("truth", "Truth", ForTasks(&[Task::MatrixCompletion])),
    row(
        "k",
        "Rank (low-rank truth)",
        ForTasks(&[Task::MatrixCompletion]),
    ),
    row("width", "Hidden width", ForTasks(&[Task::ModAdd])),
    row("activation", "Activation", ForTasks(&[Task::ModAdd])),
    row(
        "zero_output_init",
        "Zero output init",
        ForTasks(&[Task::ModAdd]),
    ),
    row("depth", "Depth L", ForModel(DiagonalNet)),
    Row {
        log_slider: Some((1e-3, 1e6)),
        ..row("alpha", "Init scale α", Always)
    },
    Row {
        log_slider: Some((0.0, 1.0)),
        ..row("lambda", "Weight decay λ", Always)
    },
    row("loss", "Loss", Always),
    row("integrator", "Integrator", Always),
    row("tol", "Flow tolerance", ForIntegrator(Integrator::Flow)),
    row("lr", "Step size η", NotForIntegrator(Integrator::Flow)),
    row("t_max", "End time t_max", Always),
    row("points_per_decade", "Records per decade", Always),
    row("seed", "Seed", Always),
];

#[cfg(test)]
mod tests {
    use super::*;
    use grokflow_core::Config;

    #[test]
    fn every_field_has_a_row_and_every_row_a_field() {
        for row in &ROWS {
            assert!(
                Config::field(row.field).is_some(),
                "{} is no field",
                row.field
            );
        }
        for field in &Config::FIELDS {
            assert!(
                ROWS.iter()
                    .any(|r| r.field == field.name || r.errors_of == Some(field.name)),
                "{} has no row",
                field.name
            );
        }
    }

    #[test]
    fn every_task_shows_each_field_at_most_once() {
        for task in Task::ALL {
            for integrator in Integrator::ALL {
                let shown: Vec<_> = ROWS
                    .iter()
                    .filter(|r| r.shown.holds(task, Some(integrator)))
                    .map(|r| r.field)
                    .collect();
                for field in &shown {
                    let times = shown.iter().filter(|f| *f == field).count();
                    assert_eq!(times, 1, "{field} for {task:?} with {integrator:?}");
                }
            }
        }
    }
}
