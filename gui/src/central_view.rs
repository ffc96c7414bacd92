//! The middle of the window: the curves, the weights or the phase diagram, as the tabs
//! select.

use egui::Ui;
use grokflow_cli::View;

use crate::command::Command;
use crate::phase_view::{self, Sweep};
use crate::run_data::RunData;
use crate::runs::Runs;
use crate::settings::Settings;
use crate::time_cursor::TimeCursor;
use crate::{plots, weights_view};

/// Draws the view the tabs select; returns what the phase diagram asks for.
pub fn show(
    ui: &mut Ui,
    settings: &mut Settings,
    cursor: &mut TimeCursor,
    runs: &Runs,
    sweep: Option<&Sweep>,
) -> Option<Command> {
    let span = runs.live().and_then(RunData::span);
    match settings.view {
        View::Curves => {
            cursor.show(ui, span);
            let mut shown: Vec<&RunData> = runs.live().into_iter().collect();
            shown.extend(runs.pinned());
            if shown.is_empty() {
                ui.label("Press Run to start the experiment in the form.");
            } else {
                // Before the first grid time the cursor means t = 0: no place on the axis.
                let cursor = cursor
                    .selected()
                    .filter(|x| span.is_some_and(|s| *x >= s.0));
                plots::show(ui, &shown, cursor);
            }
            None
        }
        View::Weights => {
            cursor.show(ui, span);
            weights_view::show(ui, runs.live(), cursor.selected());
            None
        }
        View::Phase => {
            let action = phase_view::show(ui, &mut settings.sweep, sweep);
            Some(Command::Sweep(action))
        }
    }
}
