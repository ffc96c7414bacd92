//! The explorer: the menu bar on top, the form on the left, the trajectory (or the
//! parameters, or a phase diagram) in the middle, the run in the background. The panels
//! draw and return [`Command`]s; this file holds what they share and applies the commands.

use std::path::PathBuf;

use egui::Ui;
use grokflow_cli::{ExplorerArgs, View};
use grokflow_core::{FIG1A_SMALL, Precision};
use web_time::Duration;

use crate::command::Command;
use crate::file_actions::{self, Arrival, Opening};
use crate::form::Form;
use crate::link;
use crate::phase_view::{Sweep, SweepAction};
use crate::runs::Runs;
use crate::settings::Settings;
use crate::time_cursor::TimeCursor;
use crate::window_capture::WindowCapture;
use crate::{central_view, controls_panel, menu_bar};

/// The eframe application.
pub struct ExplorerApp {
    /// Persisted settings.
    pub settings: Settings,
    runs: Runs,
    /// The time slider of the curves and weights views.
    cursor: TimeCursor,
    sweep: Option<Sweep>,
    message: Option<(String, bool)>,
    /// An experiment file on its way in (in a browser, once the user has picked it).
    opening: Option<Opening>,
    capture: WindowCapture,
    /// False for `--screenshot`, which must neither read nor overwrite the saved settings.
    persist: bool,
    ctx: egui::Context,
    #[cfg(target_arch = "wasm32")]
    page: crate::page_state::PagePublisher,
    /// Where the file buttons are (the web page publishes them for the browser test).
    file_buttons: menu_bar::FileButtons,
}

impl ExplorerApp {
    /// The app as the explorer flags ask: saved settings (if any), the preset, the view and
    /// the time slider's position; with `screenshot`, it runs the preset (or, in the phase
    /// diagram, the default grid) at full speed, saves a PNG there and closes.
    pub fn new(cc: &eframe::CreationContext<'_>, start: ExplorerArgs) -> Self {
        let persist = start.screenshot.is_none();
        let mut settings: Settings = cc
            .storage
            .filter(|_| persist)
            .and_then(|s| eframe::get_value(s, eframe::APP_KEY))
            .unwrap_or_default();
        if let Some(p) = start.preset {
            settings.form = Form::from_config(&p.config, Precision::F32, p.name);
        }
        let mut app = Self {
            settings,
            runs: Runs::default(),
            cursor: TimeCursor::default(),
            sweep: None,
            message: None,
            opening: None,
            capture: WindowCapture::default(),
            persist,
            ctx: cc.egui_ctx.clone(),
            #[cfg(target_arch = "wasm32")]
            page: Default::default(),
            file_buttons: Vec::new(),
        };
        if let Some(view) = start.view {
            app.settings.view = view;
        }
        if let Some(t) = start.at {
            app.cursor.select_time(t);
        }
        if let Some(path) = start.screenshot {
            app.settings.pace = None;
            app.capture = WindowCapture::screenshot_then_close(path);
            app.run_what_the_view_shows();
        }
        app
    }

    /// The app as a link asks (the query of the web explorer's URL, see [`crate::link`]):
    /// the saved settings with the link's experiment and view, started at once. A link that
    /// cannot be read leaves the default preset in the form and says which parameter is wrong.
    pub fn from_link(cc: &eframe::CreationContext<'_>, query: &str) -> Self {
        let mut app = Self::new(cc, ExplorerArgs::default());
        match link::parse(query) {
            Ok(Some(link)) => {
                app.settings.form = Form::from_config(&link.config, link.precision, link.preset);
                app.settings.view = link.view.unwrap_or_default();
                app.run_what_the_view_shows();
                if let Some(t) = link.at {
                    app.cursor.select_time(t);
                }
            }
            Ok(None) => {}
            Err(e) => {
                let p = &FIG1A_SMALL;
                app.settings.form = Form::from_config(&p.config, Precision::F32, p.name);
                let name = p.name;
                app.report(Err(format!(
                    "This link cannot be opened: {e}. The form holds {name} instead."
                )));
            }
        }
        app
    }

    /// Starts the form's experiment, or in the phase diagram its grid.
    fn run_what_the_view_shows(&mut self) {
        if self.settings.view == View::Phase {
            self.apply(Command::Sweep(SweepAction::Start));
        } else {
            self.apply(Command::Run);
        }
    }

    /// The live run and the pinned ones.
    pub fn runs(&self) -> &Runs {
        &self.runs
    }

    /// The phase diagram's sweep, once one was started.
    pub fn sweep(&self) -> Option<&Sweep> {
        self.sweep.as_ref()
    }

    /// The status-bar message and whether it is an error.
    pub fn message(&self) -> Option<(&str, bool)> {
        self.message.as_ref().map(|(m, e)| (m.as_str(), *e))
    }

    fn apply(&mut self, command: Command) {
        match command {
            Command::Run => match self.settings.form.parse() {
                Ok((config, precision)) => {
                    self.runs
                        .start(config, precision, self.settings.pace, &self.ctx);
                    if !self.capture.is_screenshot_run() {
                        self.cursor.follow();
                    }
                    self.message = None;
                    // The address bar links to what runs.
                    #[cfg(target_arch = "wasm32")]
                    crate::web::set_query(&link::compose(
                        &self.settings.form.preset,
                        &config,
                        precision,
                        self.settings.view,
                    ));
                }
                Err(errors) => {
                    let fields: Vec<_> = errors.iter().map(|e| e.field).collect();
                    self.report(Err(format!("Fix {} first", fields.join(", "))));
                }
            },
            Command::Pause(paused) => self.runs.pause(paused),
            Command::Step => self.runs.step(),
            Command::Reset => self.runs.reset(),
            Command::Pin => self.runs.pin(),
            Command::ClearPinned => self.runs.clear_pinned(),
            Command::LoadPreset(p) => {
                let precision = self.settings.form.precision();
                self.settings.form = Form::from_config(&p.config, precision, p.name);
            }
            Command::Save => {
                let saved = file_actions::save_experiment(
                    &self.settings.form,
                    &self.settings.experiment_path,
                );
                self.report(saved);
            }
            Command::Load => {
                let ctx = self.ctx.clone();
                let path = &self.settings.experiment_path;
                self.opening = Some(Opening::start(path, move || ctx.request_repaint()));
            }
            Command::ExportCsv => {
                let exported =
                    file_actions::export_csv(self.runs.live(), &self.settings.export_path);
                self.report(exported);
            }
            Command::ExportPng => {
                let path = PathBuf::from(&self.settings.export_path).with_extension("png");
                self.capture.request(&self.ctx, path, false);
            }
            Command::Pace(pace) => {
                self.settings.pace = pace;
                self.runs.set_pace(pace);
            }
            Command::Sweep(SweepAction::Start) => match self.settings.form.parse() {
                Ok((config, _)) => {
                    self.sweep = Some(Sweep::start(config, &self.settings.sweep));
                }
                Err(_) => self.report(Err("Fix the form first: the sweep starts from it".into())),
            },
            Command::Sweep(SweepAction::Cancel) => {
                if let Some(s) = &self.sweep {
                    s.cancel();
                }
            }
            Command::Sweep(SweepAction::Open(config)) => {
                let precision = self.settings.form.precision();
                self.settings.form = Form::from_config(&config, precision, "custom");
                self.settings.view = View::Curves;
                self.apply(Command::Run);
            }
            Command::Sweep(SweepAction::None) => {}
        }
    }

    /// Shows what was done, or (as an error) why not, in the status message.
    fn report(&mut self, outcome: Result<String, String>) {
        self.message = Some(match outcome {
            Ok(done) => (done, false),
            Err(why) => (why, true),
        });
    }

    /// Receives worker and sweep results and opened files, finishes captures, drives
    /// `--screenshot`.
    fn poll(&mut self, ctx: &egui::Context) {
        self.runs.poll();
        if let Some(sweep) = &mut self.sweep {
            sweep.poll();
            if sweep.is_running() {
                ctx.request_repaint_after(Duration::from_millis(200));
            }
        }
        match self.opening.as_ref().map(Opening::poll) {
            None | Some(Arrival::Waiting) => {}
            Some(Arrival::Cancelled) => self.opening = None,
            Some(Arrival::Read(read)) => {
                self.opening = None;
                let loaded = file_actions::load_into(&mut self.settings.form, read);
                self.report(loaded);
            }
        }
        let run_ended = match self.settings.view {
            View::Phase => self.sweep.as_ref().is_some_and(|s| !s.is_running()),
            _ => self
                .runs
                .live()
                .is_some_and(|r| r.progress.status.is_terminal() || r.error.is_some()),
        };
        if let Some(saved) = self.capture.poll(ctx, run_ended) {
            self.report(saved);
        }
    }
}

impl eframe::App for ExplorerApp {
    fn ui(&mut self, ui: &mut Ui, _frame: &mut eframe::Frame) {
        let ctx = ui.ctx().clone();
        self.poll(&ctx);
        let mut commands = Vec::new();
        egui::Panel::top("menu").show(ui, |ui| {
            let (asked, file_buttons) =
                menu_bar::show(ui, &mut self.settings, self.message.as_ref());
            commands.extend(asked);
            self.file_buttons = file_buttons;
        });
        egui::Panel::left("controls")
            .default_size(360.0)
            .show(ui, |ui| {
                commands.extend(controls_panel::show(ui, &mut self.settings, &self.runs));
            });
        egui::CentralPanel::default().show(ui, |ui| {
            let (settings, cursor, sweep) =
                (&mut self.settings, &mut self.cursor, self.sweep.as_ref());
            commands.extend(central_view::show(ui, settings, cursor, &self.runs, sweep));
        });
        for command in commands {
            self.apply(command);
        }
        #[cfg(target_arch = "wasm32")]
        self.page.publish(crate::page_state::Page {
            live: self.runs.live(),
            settings: &self.settings,
            message: self.message.as_ref(),
            sweep: self.sweep.as_ref(),
            file_buttons: &self.file_buttons,
        });
    }

    fn save(&mut self, storage: &mut dyn eframe::Storage) {
        if self.persist {
            eframe::set_value(storage, eframe::APP_KEY, &self.settings);
        }
    }
}
