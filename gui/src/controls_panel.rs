//! The left panel: the preset, the form, the run's buttons and pace, and the run's status.

use egui::{Color32, RichText, Ui};
use grokflow_cli::number;
use grokflow_core::{DecayWarning, PRESETS, Status, preset};

use crate::command::Command;
use crate::glyphs::for_display;
use crate::run_data::RunData;
use crate::runs::Runs;
use crate::settings::Settings;

/// The form, the run's buttons and its status; returns what the user asked for.
pub fn show(ui: &mut Ui, settings: &mut Settings, runs: &Runs) -> Vec<Command> {
    let live = runs.live();
    let mut commands = Vec::new();
    ui.horizontal(|ui| {
        let label_id = ui.label("Preset").id;
        egui::ComboBox::from_id_salt("preset")
            .selected_text(settings.form.preset.clone())
            .show_ui(ui, |ui| {
                for p in &PRESETS {
                    if ui
                        .selectable_label(settings.form.preset == p.name, p.name)
                        .clicked()
                    {
                        commands.push(Command::LoadPreset(p));
                    }
                }
            })
            .response
            .labelled_by(label_id);
    });
    if let Some(p) = preset(&settings.form.preset) {
        egui::CollapsingHeader::new("What am I looking at?")
            .default_open(true)
            .show(ui, |ui| {
                ui.label(for_display(p.description));
                ui.label(RichText::new(for_display(p.look_for)).italics());
            });
    }
    ui.separator();
    egui::ScrollArea::vertical()
        .max_height(ui.available_height() - 260.0)
        .show(ui, |ui| {
            settings.form.show(ui);
        });
    ui.separator();
    let errors = settings.form.parse().err();
    ui.horizontal_wrapped(|ui| {
        let run = ui
            .add_enabled(errors.is_none(), egui::Button::new("Run"))
            .on_disabled_hover_text("Some values are invalid: see the red notes");
        if run.clicked() {
            commands.push(Command::Run);
        }
        let running = live.is_some_and(|r| !r.progress.status.is_terminal());
        let paused = live.is_some_and(|r| r.paused);
        if ui
            .add_enabled(running && !paused, egui::Button::new("Pause"))
            .clicked()
        {
            commands.push(Command::Pause(true));
        }
        if ui
            .add_enabled(running && paused, egui::Button::new("Resume"))
            .clicked()
        {
            commands.push(Command::Pause(false));
        }
        if ui
            .add_enabled(running && paused, egui::Button::new("Step"))
            .clicked()
        {
            commands.push(Command::Step);
        }
        if ui
            .add_enabled(live.is_some(), egui::Button::new("Reset"))
            .clicked()
        {
            commands.push(Command::Reset);
        }
        if ui
            .add_enabled(live.is_some(), egui::Button::new("Pin"))
            .on_hover_text("Keep this run's curves to compare with the next")
            .clicked()
        {
            commands.push(Command::Pin);
        }
        if ui
            .add_enabled(!runs.pinned().is_empty(), egui::Button::new("Clear pinned"))
            .clicked()
        {
            commands.push(Command::ClearPinned);
        }
    });
    ui.horizontal(|ui| {
        let mut unlimited = settings.pace.is_none();
        let mut rate = settings.pace.unwrap_or(20.0);
        let before = (unlimited, rate);
        ui.checkbox(&mut unlimited, "Full speed");
        ui.add_enabled(
            !unlimited,
            egui::Slider::new(&mut rate, 1.0..=200.0)
                .logarithmic(true)
                .text("records/s"),
        );
        if (unlimited, rate) != before {
            commands.push(Command::Pace((!unlimited).then_some(rate)));
        }
    });
    if let Some(run) = live {
        status(ui, run);
    }
    commands
}

/// The run's state, transition times and last accuracies.
fn status(ui: &mut Ui, run: &RunData) {
    if let Some(error) = &run.error {
        ui.label(RichText::new(format!("Could not start: {error}")).color(Color32::LIGHT_RED));
        return;
    }
    let state = match (run.note.as_deref(), run.progress.status) {
        (Some(note), _) => note.to_owned(),
        (None, Status::Running) if run.paused => "paused".to_owned(),
        (None, Status::Running) => "running".to_owned(),
        (None, Status::Finished) => "finished".to_owned(),
        (None, Status::Stopped) => "stopped".to_owned(),
        (None, Status::Diverged { reason, t }) => format!("DIVERGED at t = {t:.4}: {reason}"),
    };
    let color = if matches!(run.progress.status, Status::Diverged { .. }) {
        Color32::LIGHT_RED
    } else {
        ui.visuals().text_color()
    };
    ui.label(RichText::new(format!("Status: {state}")).color(color));
    if let Some(warning) = DecayWarning::for_run(&run.progress.config, run.precision) {
        ui.label(RichText::new(for_display(&warning.to_string())).color(Color32::YELLOW));
    }
    let time = number::precise_time;
    ui.label(format!(
        "t = {}   steps = {}",
        time(run.log10_t()),
        run.progress.steps
    ));
    let t = run.progress.transitions;
    ui.label(format!(
        "t_fit {}   t_grok {}   t_drop {}   ln α/λ {}",
        time(t.log10_t_fit),
        time(t.log10_t_grok),
        time(t.log10_t_drop),
        time(run.progress.config.t_predicted().map(f64::log10)),
    ));
    if let Some(m) = run.records.last() {
        let acc = |a: Option<f64>| a.map_or("—".to_owned(), |a| format!("{a:.3}"));
        ui.label(format!(
            "train acc {}  test acc {}  test loss {:.3e}",
            acc(m.train_acc),
            acc(m.test_acc),
            m.test_loss
        ));
    }
}
