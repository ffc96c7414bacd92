//! The explorer's state as the web page shows it (and the browser test reads it): see
//! [`crate::web::publish`].

use crate::link;
use crate::menu_bar::FileButtons;
use crate::phase_view::Sweep;
use crate::run_data::RunData;
use crate::settings::Settings;

/// What the page is shown of the app this frame.
pub struct Page<'a> {
    /// The live run.
    pub live: Option<&'a RunData>,
    /// The form and the view.
    pub settings: &'a Settings,
    /// The status message and whether it is an error.
    pub message: Option<&'a (String, bool)>,
    /// The phase diagram's sweep.
    pub sweep: Option<&'a Sweep>,
    /// Where the file buttons are.
    pub file_buttons: &'a FileButtons,
}

/// Publishes the app's state when it has changed.
#[derive(Default)]
pub struct PagePublisher {
    /// What was published last, in short.
    published: String,
}

impl PagePublisher {
    /// Shows the app's state to the page, when it has changed (see [`crate::web::publish`]):
    /// the live run's summary as `grokflow run --json` prints it and, once it has ended, its
    /// trajectory as `--csv` writes it; the phase diagram's runs; the status line; the form's
    /// preset and the form as a link; where the file buttons are.
    pub fn publish(&mut self, page: Page<'_>) {
        let status = match page.live {
            None => "idle",
            Some(run) if run.error.is_some() => "refused",
            Some(run) => grokflow_cli::summary::status_name(run.progress.status),
        };
        let records = page.live.map_or(0, |r| r.records.len());
        // The form as a link (None while a field is invalid).
        let form = page.settings.form.parse().ok().map(|(config, precision)| {
            link::compose(
                &page.settings.form.preset,
                &config,
                precision,
                page.settings.view,
            )
        });
        let sweep = page.sweep.map(|s| (s.cells().len(), s.is_running()));
        let signature = format!(
            "{status} {records} {:?} {form:?} {} {sweep:?}",
            page.message, page.settings.form.preset
        );
        if signature == self.published {
            return;
        }
        let run = page.live;
        let ended = run.is_some_and(|r| r.progress.status.is_terminal());
        let state = serde_json::json!({
            "status": status,
            "preset": page.settings.form.preset,
            "form": form,
            "message": page.message.map(|(text, _)| text),
            "message_is_error": page.message.is_some_and(|(_, error)| *error),
            "records": records,
            "summary": run.map(|r| grokflow_cli::summary::to_json(&r.progress, &page.settings.form.preset)),
            "csv": run.filter(|_| ended).map(RunData::trajectory_csv),
            // The phase diagram's runs, once they have ended, as `grokflow sweep --csv`
            // writes them (in the order they finished).
            "sweep": page.sweep.map(|s| serde_json::json!({
                "done": s.cells().len(),
                "running": s.is_running(),
                "csv": (!s.is_running()).then(|| grokflow_cli::sweep::csv(s.cells())),
            })),
            "file_buttons": page
                .file_buttons
                .iter()
                .map(|(name, at)| (name.to_string(), serde_json::json!([at.x, at.y])))
                .collect::<serde_json::Map<_, _>>(),
        });
        let title = format!("grokflow: {} {status}", page.settings.form.preset);
        crate::web::publish(status, &state.to_string(), &title);
        self.published = signature;
    }
}
