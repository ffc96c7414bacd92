//! The top bar: the view tabs, the experiment file and the exports, and the status message.

use egui::{Color32, RichText, Ui};
use grokflow_cli::View;

use crate::command::Command;
use crate::settings::Settings;

/// The file buttons by name, with their centres.
pub type FileButtons = Vec<(&'static str, egui::Pos2)>;

/// A view's tab.
fn tab_name(view: View) -> &'static str {
    match view {
        View::Curves => "Curves",
        View::Weights => "Weights",
        View::Phase => "Phase diagram",
    }
}

/// The view tabs, the file names and buttons, and the status message; returns what the
/// user asked for and where the file buttons are (in CSS pixels; the web page publishes
/// them for the browser test).
pub fn show(
    ui: &mut Ui,
    settings: &mut Settings,
    message: Option<&(String, bool)>,
) -> (Vec<Command>, FileButtons) {
    let mut commands = Vec::new();
    let mut file_buttons = Vec::new();
    ui.horizontal_wrapped(|ui| {
        for view in View::ALL {
            ui.selectable_value(&mut settings.view, view, tab_name(view));
        }
        ui.separator();
        let label_id = ui.label("Experiment file").id;
        ui.add(egui::TextEdit::singleline(&mut settings.experiment_path).desired_width(180.0))
            .labelled_by(label_id);
        let save = ui.button("Save");
        let load = ui.button("Load");
        ui.separator();
        let label_id = ui.label("Export to").id;
        ui.add(egui::TextEdit::singleline(&mut settings.export_path).desired_width(140.0))
            .labelled_by(label_id);
        let csv = ui.button("CSV");
        let png = ui.button("PNG");
        let buttons = [
            ("Save", save, Command::Save),
            ("Load", load, Command::Load),
            ("CSV", csv, Command::ExportCsv),
            ("PNG", png, Command::ExportPng),
        ];
        file_buttons = buttons
            .iter()
            .map(|(name, button, _)| (*name, button.rect.center()))
            .collect();
        for (_, button, command) in buttons {
            if button.clicked() {
                commands.push(command);
            }
        }
    });
    if let Some((text, error)) = message {
        let color = if *error {
            Color32::LIGHT_RED
        } else {
            ui.visuals().text_color()
        };
        ui.label(RichText::new(text).color(color));
    }
    (commands, file_buttons)
}
