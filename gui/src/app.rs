//! The explorer: a form on the left, the trajectory (or the parameters, or a phase diagram)
//! in the middle, the run in the background.

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::mpsc::{self, Receiver};

use egui::{Color32, ColorImage, RichText, Ui};
use grokflow_cli::files::png_bytes;
use grokflow_cli::{ExplorerArgs, View};
use grokflow_core::experiment_file::ExperimentSpec;
use grokflow_core::{DecayWarning, FIG1A_SMALL, PRESETS, Precision, Preset, Status, preset};
use serde::{Deserialize, Serialize};
use web_time::{Duration, Instant};

use crate::display::for_display;
use crate::form::Form;
use crate::link;
use crate::phase_view::{self, Sweep, SweepAction, SweepSettings};
use crate::run_data::RunData;
use crate::time_cursor::TimeCursor;
use crate::user_files::{self, Opened};
use crate::worker::{Control, Worker};
use crate::{plots, weights_view};

/// Pinned runs kept for comparison; pinning another drops the oldest.
pub const MAX_PINNED: usize = 8;

/// Everything kept between launches.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(default)]
pub struct State {
    /// The experiment form.
    pub form: Form,
    /// The middle view.
    pub view: View,
    /// Records per second, or None for as fast as possible.
    pub pace: Option<f64>,
    /// Where experiments are saved and loaded.
    pub experiment_path: String,
    /// Where the trajectory CSV and the plot PNG go (extension replaced).
    pub export_path: String,
    /// The phase-diagram grid.
    pub sweep: SweepSettings,
}

impl Default for State {
    fn default() -> Self {
        Self {
            form: Form::default(),
            view: View::Curves,
            pace: None,
            experiment_path: "grokflow-experiment.json".to_owned(),
            export_path: "grokflow-run".to_owned(),
            sweep: SweepSettings::default(),
        }
    }
}

/// What the user asked for this frame, applied after drawing.
#[must_use]
#[derive(Clone, Debug, PartialEq)]
pub enum Command {
    /// Start the form's experiment.
    Run,
    /// Pause or resume the live run.
    Pause(bool),
    /// One step of the paused run.
    Step,
    /// Drop the live run.
    Reset,
    /// Keep the live run's curves for comparison.
    Pin,
    /// Drop the pinned runs.
    ClearPinned,
    /// Fill the form from a preset.
    LoadPreset(&'static Preset),
    /// Write the form to the experiment file.
    Save,
    /// Read the form from the experiment file.
    Load,
    /// Write the live run's trajectory as CSV.
    ExportCsv,
    /// Write a PNG of the window.
    ExportPng,
    /// Change the pace of the live run.
    Pace(Option<f64>),
    /// Start or cancel the phase diagram.
    Sweep(SweepAction),
}

/// A pending "save the window as PNG".
struct Capture {
    path: PathBuf,
    image: Receiver<Arc<ColorImage>>,
    exit_after: bool,
}

/// `grokflow --screenshot`: run to the end, then capture and quit.
struct ScreenshotJob {
    path: PathBuf,
    finished_frames: u32,
    deadline: Instant,
}

/// The eframe application.
pub struct ExplorerApp {
    /// Persisted settings.
    pub state: State,
    live: Option<(RunData, Worker)>,
    pinned: Vec<RunData>,
    /// Pins so far (each pin's line pattern follows from it).
    pins_made: usize,
    /// The time slider of the curves and weights views.
    cursor: TimeCursor,
    sweep: Option<Sweep>,
    message: Option<(String, bool)>,
    /// An experiment file on its way in (in a browser, once the user has picked it).
    opening: Option<Receiver<Opened>>,
    capture: Option<Capture>,
    screenshot: Option<ScreenshotJob>,
    /// False for `--screenshot`, which must neither read nor overwrite the saved settings.
    persist: bool,
    ctx: egui::Context,
    /// What [`crate::web::publish`] showed last.
    #[cfg(target_arch = "wasm32")]
    published: String,
    /// Where the file buttons are (in CSS pixels), published for the browser test.
    #[cfg(target_arch = "wasm32")]
    file_buttons: Vec<(&'static str, egui::Pos2)>,
}

impl ExplorerApp {
    /// The app as the explorer flags ask: saved settings (if any), the preset, the view and
    /// the time slider's position; with `screenshot`, it runs the preset (or, in the phase
    /// diagram, the default grid) at full speed, saves a PNG there and closes.
    pub fn new(cc: &eframe::CreationContext<'_>, start: ExplorerArgs) -> Self {
        let persist = start.screenshot.is_none();
        let mut state: State = cc
            .storage
            .filter(|_| persist)
            .and_then(|s| eframe::get_value(s, eframe::APP_KEY))
            .unwrap_or_default();
        if let Some(p) = start.preset {
            state.form = Form::from_config(&p.config, Precision::F32, p.name);
        }
        let mut app = Self {
            state,
            live: None,
            pinned: Vec::new(),
            pins_made: 0,
            cursor: TimeCursor::default(),
            sweep: None,
            message: None,
            opening: None,
            capture: None,
            screenshot: None,
            persist,
            ctx: cc.egui_ctx.clone(),
            #[cfg(target_arch = "wasm32")]
            published: String::new(),
            #[cfg(target_arch = "wasm32")]
            file_buttons: Vec::new(),
        };
        if let Some(view) = start.view {
            app.state.view = view;
        }
        if let Some(t) = start.at {
            app.select_time(t);
        }
        if let Some(path) = start.screenshot {
            app.state.pace = None;
            app.screenshot = Some(ScreenshotJob {
                path,
                finished_frames: 0,
                deadline: Instant::now() + Duration::from_secs(600),
            });
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
                app.state.form = Form::from_config(&link.config, link.precision, link.preset);
                app.state.view = link.view.unwrap_or_default();
                app.run_what_the_view_shows();
                if let Some(t) = link.at {
                    app.select_time(t);
                }
            }
            Ok(None) => {}
            Err(e) => {
                let p = &FIG1A_SMALL;
                app.state.form = Form::from_config(&p.config, Precision::F32, p.name);
                app.say(
                    format!(
                        "This link cannot be opened: {e}. The form holds {} instead.",
                        p.name
                    ),
                    true,
                );
            }
        }
        app
    }

    /// Starts the form's experiment, or in the phase diagram its grid.
    fn run_what_the_view_shows(&mut self) {
        if self.state.view == View::Phase {
            self.apply(Command::Sweep(SweepAction::Start));
        } else {
            self.apply(Command::Run);
        }
    }

    /// Puts the time slider at `t` (t = 0 is before the first grid time).
    fn select_time(&mut self, t: f64) {
        self.cursor.select(if t > 0.0 {
            t.log10()
        } else {
            f64::NEG_INFINITY
        });
    }

    /// The live run, if any.
    pub fn live_run(&self) -> Option<&RunData> {
        self.live.as_ref().map(|(run, _)| run)
    }

    /// The pinned runs, oldest first (at most [`MAX_PINNED`]).
    pub fn pinned_runs(&self) -> &[RunData] {
        &self.pinned
    }

    /// True while a phase-diagram sweep is running.
    pub fn sweep_running(&self) -> bool {
        self.sweep.as_ref().is_some_and(Sweep::is_running)
    }

    /// The finished cells of the phase diagram's sweep (none before one ran).
    pub fn sweep_cells(&self) -> &[grokflow_core::sweep::Cell] {
        self.sweep.as_ref().map_or(&[], Sweep::cells)
    }

    /// The status-bar message and whether it is an error.
    pub fn message(&self) -> Option<(&str, bool)> {
        self.message.as_ref().map(|(m, e)| (m.as_str(), *e))
    }

    fn say(&mut self, text: impl Into<String>, error: bool) {
        self.message = Some((text.into(), error));
    }

    fn apply(&mut self, command: Command) {
        match command {
            Command::Run => match self.state.form.parse() {
                Ok((config, precision)) => {
                    let ctx = self.ctx.clone();
                    let worker =
                        Worker::start(config, precision, false, self.state.pace, move || {
                            ctx.request_repaint();
                        });
                    self.live = Some((RunData::new(config, precision), worker));
                    if self.screenshot.is_none() {
                        self.cursor.follow();
                    }
                    self.message = None;
                    // The address bar links to what runs.
                    #[cfg(target_arch = "wasm32")]
                    crate::web::set_query(&link::compose(
                        &self.state.form.preset,
                        &config,
                        precision,
                        self.state.view,
                    ));
                }
                Err(errors) => {
                    let fields: Vec<_> = errors.iter().map(|e| e.field).collect();
                    self.say(format!("Fix {} first", fields.join(", ")), true);
                }
            },
            Command::Pause(paused) => {
                if let Some((_, worker)) = &self.live {
                    worker.send(Control::Pause(paused));
                }
                if let Some((run, _)) = &mut self.live {
                    run.paused = paused;
                }
            }
            Command::Step => {
                if let Some((_, worker)) = &self.live {
                    worker.send(Control::Step);
                }
            }
            Command::Reset => self.live = None,
            Command::Pin => {
                if let Some((run, _)) = &self.live {
                    let mut pinned = run.curves_only();
                    self.pins_made += 1;
                    pinned.style = self.pins_made;
                    // Bounded memory and a readable legend: the oldest pin makes room.
                    if self.pinned.len() == MAX_PINNED {
                        self.pinned.remove(0);
                    }
                    self.pinned.push(pinned);
                }
            }
            Command::ClearPinned => self.pinned.clear(),
            Command::LoadPreset(p) => {
                let precision = self.state.form.parse().map_or(Precision::F32, |(_, p)| p);
                self.state.form = Form::from_config(&p.config, precision, p.name);
            }
            Command::Save => self.save_experiment(),
            Command::Load => self.load_experiment(),
            Command::ExportCsv => self.export_csv(),
            Command::ExportPng => {
                let path = PathBuf::from(&self.state.export_path).with_extension("png");
                self.capture_window(path, false);
            }
            Command::Pace(pace) => {
                self.state.pace = pace;
                if let Some((_, worker)) = &self.live {
                    worker.send(Control::Pace(pace));
                }
            }
            Command::Sweep(SweepAction::Start) => match self.state.form.parse() {
                Ok((config, _)) => {
                    self.sweep = Some(Sweep::start(config, &self.state.sweep));
                }
                Err(_) => self.say("Fix the form first: the sweep starts from it", true),
            },
            Command::Sweep(SweepAction::Cancel) => {
                if let Some(s) = &self.sweep {
                    s.cancel();
                }
            }
            Command::Sweep(SweepAction::Open(config)) => {
                let precision = self.state.form.parse().map_or(Precision::F32, |(_, p)| p);
                self.state.form = Form::from_config(&config, precision, "custom");
                self.state.view = View::Curves;
                self.apply(Command::Run);
            }
            Command::Sweep(SweepAction::None) => {}
        }
    }

    fn save_experiment(&mut self) {
        let name = self.state.experiment_path.clone();
        match self.state.form.parse() {
            Ok((config, precision)) => {
                let text = ExperimentSpec { config, precision }.to_json();
                match user_files::save(&name, "application/json", text.as_bytes()) {
                    Ok(done) => self.say(
                        format!("{done} (reproduce with `grokflow run --config {name}`)"),
                        false,
                    ),
                    Err(e) => self.say(e, true),
                }
            }
            Err(_) => self.say("Fix the form first: only valid experiments are saved", true),
        }
    }

    fn load_experiment(&mut self) {
        let ctx = self.ctx.clone();
        self.opening = Some(user_files::open_text(
            &self.state.experiment_path,
            ".json",
            move || ctx.request_repaint(),
        ));
    }

    /// Fills the form from an experiment file that has arrived.
    fn opened(&mut self, opened: Opened) {
        let loaded = opened.and_then(|(name, text)| {
            ExperimentSpec::from_json(&text)
                .map(|spec| (name.clone(), spec))
                .map_err(|e| format!("{name}: {e}"))
        });
        match loaded {
            Ok((name, spec)) => {
                self.state.form = Form::from_config(&spec.config, spec.precision, "custom");
                self.say(format!("Loaded {name}"), false);
            }
            // The form is left as it was: nothing is lost.
            Err(e) => self.say(e, true),
        }
    }

    fn export_csv(&mut self) {
        let Some(run) = self.live_run() else {
            self.say("No run to export", true);
            return;
        };
        let name = PathBuf::from(&self.state.export_path)
            .with_extension("csv")
            .display()
            .to_string();
        let count = run.records.len();
        match user_files::save(&name, "text/csv", run.trajectory_csv().as_bytes()) {
            Ok(done) => self.say(format!("{done}: {count} rows"), false),
            Err(e) => self.say(e, true),
        }
    }

    fn capture_window(&mut self, path: PathBuf, exit_after: bool) {
        let (tx, rx) = mpsc::channel();
        let ctx = self.ctx.clone();
        self.ctx.request_screenshot(move |image| {
            let _ = tx.send(image);
            ctx.request_repaint();
        });
        self.capture = Some(Capture {
            path,
            image: rx,
            exit_after,
        });
    }

    /// Receives worker and sweep results, finishes captures, drives `--screenshot`.
    fn poll(&mut self, ctx: &egui::Context) {
        if let Some((run, worker)) = &mut self.live {
            for update in worker.drain() {
                run.apply(update);
            }
        }
        if let Some(sweep) = &mut self.sweep {
            sweep.poll();
            if sweep.is_running() {
                ctx.request_repaint_after(Duration::from_millis(200));
            }
        }
        if let Some(opening) = &self.opening {
            match opening.try_recv() {
                Ok(opened) => {
                    self.opening = None;
                    self.opened(opened);
                }
                Err(mpsc::TryRecvError::Disconnected) => self.opening = None,
                Err(mpsc::TryRecvError::Empty) => {}
            }
        }
        if let Some(capture) = &self.capture
            && let Ok(image) = capture.image.try_recv()
        {
            let (name, exit) = (capture.path.display().to_string(), capture.exit_after);
            self.capture = None;
            let saved = png_bytes(image.size, image.as_raw())
                .and_then(|png| user_files::save(&name, "image/png", &png));
            match saved {
                Ok(done) => self.say(done, false),
                Err(e) => self.say(e, true),
            }
            if exit {
                ctx.send_viewport_cmd(egui::ViewportCommand::Close);
            }
        }
        let finished = match self.state.view {
            View::Phase => self.sweep.as_ref().is_some_and(|s| !s.is_running()),
            _ => self
                .live_run()
                .is_some_and(|r| r.status.is_terminal() || r.error.is_some()),
        };
        if let Some(job) = &mut self.screenshot {
            if finished {
                job.finished_frames += 1;
            }
            // A few frames after the end, so the plots show the final state.
            if job.finished_frames == 5 || Instant::now() > job.deadline {
                let path = job.path.clone();
                self.screenshot = None;
                self.capture_window(path, true);
            }
            ctx.request_repaint();
        }
    }

    fn controls(&mut self, ui: &mut Ui) -> Vec<Command> {
        let mut commands = Vec::new();
        ui.horizontal(|ui| {
            let label_id = ui.label("Preset").id;
            egui::ComboBox::from_id_salt("preset")
                .selected_text(self.state.form.preset.clone())
                .show_ui(ui, |ui| {
                    for p in &PRESETS {
                        if ui
                            .selectable_label(self.state.form.preset == p.name, p.name)
                            .clicked()
                        {
                            commands.push(Command::LoadPreset(p));
                        }
                    }
                })
                .response
                .labelled_by(label_id);
        });
        if let Some(p) = preset(&self.state.form.preset) {
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
                self.state.form.show(ui);
            });
        ui.separator();
        let errors = self.state.form.parse().err();
        ui.horizontal_wrapped(|ui| {
            let run = ui
                .add_enabled(errors.is_none(), egui::Button::new("Run"))
                .on_disabled_hover_text("Some values are invalid: see the red notes");
            if run.clicked() {
                commands.push(Command::Run);
            }
            let live = self.live_run();
            let running = live.is_some_and(|r| !r.status.is_terminal());
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
                .add_enabled(!self.pinned.is_empty(), egui::Button::new("Clear pinned"))
                .clicked()
            {
                commands.push(Command::ClearPinned);
            }
        });
        ui.horizontal(|ui| {
            let mut unlimited = self.state.pace.is_none();
            let mut rate = self.state.pace.unwrap_or(20.0);
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
        self.status(ui);
        commands
    }

    fn status(&self, ui: &mut Ui) {
        let Some(run) = self.live_run() else { return };
        if let Some(error) = &run.error {
            ui.label(RichText::new(format!("Could not start: {error}")).color(Color32::LIGHT_RED));
            return;
        }
        let state = match (run.note.as_deref(), run.status) {
            (Some(note), _) => note.to_owned(),
            (None, Status::Running) if run.paused => "paused".to_owned(),
            (None, Status::Running) => "running".to_owned(),
            (None, Status::Finished) => "finished".to_owned(),
            (None, Status::Stopped) => "stopped".to_owned(),
            (None, Status::Diverged { reason, t }) => format!("DIVERGED at t = {t:.4}: {reason}"),
        };
        let color = if matches!(run.status, Status::Diverged { .. }) {
            Color32::LIGHT_RED
        } else {
            ui.visuals().text_color()
        };
        ui.label(RichText::new(format!("Status: {state}")).color(color));
        if let Some(warning) = DecayWarning::for_run(&run.config, run.precision) {
            ui.label(RichText::new(for_display(&warning.to_string())).color(Color32::YELLOW));
        }
        let time = |x: Option<f64>| match x {
            Some(l) if l.is_finite() && l > 6.0 => format!("10^{l:.2}"),
            Some(l) if l.is_finite() => format!("{:.4}", 10f64.powf(l)),
            Some(_) => "0".to_owned(),
            None => "—".to_owned(),
        };
        ui.label(format!(
            "t = {}   steps = {}",
            time(run.log10_t()),
            run.steps
        ));
        let t = run.transitions;
        ui.label(format!(
            "t_fit {}   t_grok {}   t_drop {}   ln α/λ {}",
            time(t.log10_t_fit),
            time(t.log10_t_grok),
            time(t.log10_t_drop),
            time(run.config.t_predicted().map(f64::log10)),
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

    /// Shows the app's state to the page, when it has changed (see [`crate::web::publish`]):
    /// the live run's summary as `grokflow run --json` prints it and, once it has ended, its
    /// trajectory as `--csv` writes it; the phase diagram's runs; the status line; the form's
    /// preset and the form as a link; where the file buttons are.
    #[cfg(target_arch = "wasm32")]
    fn publish(&mut self) {
        let status = match self.live_run() {
            None => "idle",
            Some(run) if run.error.is_some() => "refused",
            Some(run) => grokflow_cli::summary::status_name(run.status),
        };
        let records = self.live_run().map_or(0, |r| r.records.len());
        // The form as a link (None while a field is invalid).
        let form = self.state.form.parse().ok().map(|(config, precision)| {
            link::compose(&self.state.form.preset, &config, precision, self.state.view)
        });
        let sweep = self
            .sweep
            .as_ref()
            .map(|s| (s.cells().len(), s.is_running()));
        let signature = format!(
            "{status} {records} {:?} {form:?} {} {sweep:?}",
            self.message, self.state.form.preset
        );
        if signature == self.published {
            return;
        }
        let run = self.live_run();
        let ended = run.is_some_and(|r| r.status.is_terminal());
        let state = serde_json::json!({
            "status": status,
            "preset": self.state.form.preset,
            "form": form,
            "message": self.message.as_ref().map(|(text, _)| text),
            "message_is_error": self.message.as_ref().is_some_and(|(_, error)| *error),
            "records": records,
            "summary": run.map(|r| grokflow_cli::summary::to_json(&r.summary(), &self.state.form.preset)),
            "csv": run.filter(|_| ended).map(RunData::trajectory_csv),
            // The phase diagram's runs, once they have ended, as `grokflow sweep --csv`
            // writes them (in the order they finished).
            "sweep": self.sweep.as_ref().map(|s| serde_json::json!({
                "done": s.cells().len(),
                "running": s.is_running(),
                "csv": (!s.is_running()).then(|| grokflow_cli::sweep::csv(s.cells())),
            })),
            "file_buttons": self
                .file_buttons
                .iter()
                .map(|(name, at)| (name.to_string(), serde_json::json!([at.x, at.y])))
                .collect::<serde_json::Map<_, _>>(),
        });
        let title = format!("grokflow: {} {status}", self.state.form.preset);
        crate::web::publish(status, &state.to_string(), &title);
        self.published = signature;
    }

    fn menu(&mut self, ui: &mut Ui) -> Vec<Command> {
        let mut commands = Vec::new();
        ui.horizontal_wrapped(|ui| {
            for (view, name) in [
                (View::Curves, "Curves"),
                (View::Weights, "Weights"),
                (View::Phase, "Phase diagram"),
            ] {
                ui.selectable_value(&mut self.state.view, view, name);
            }
            ui.separator();
            let label_id = ui.label("Experiment file").id;
            ui.add(
                egui::TextEdit::singleline(&mut self.state.experiment_path).desired_width(180.0),
            )
            .labelled_by(label_id);
            let save = ui.button("Save");
            let load = ui.button("Load");
            ui.separator();
            let label_id = ui.label("Export to").id;
            ui.add(egui::TextEdit::singleline(&mut self.state.export_path).desired_width(140.0))
                .labelled_by(label_id);
            let csv = ui.button("CSV");
            let png = ui.button("PNG");
            let buttons = [
                ("Save", save, Command::Save),
                ("Load", load, Command::Load),
                ("CSV", csv, Command::ExportCsv),
                ("PNG", png, Command::ExportPng),
            ];
            #[cfg(target_arch = "wasm32")]
            {
                self.file_buttons = buttons
                    .iter()
                    .map(|(name, button, _)| (*name, button.rect.center()))
                    .collect();
            }
            for (_, button, command) in buttons {
                if button.clicked() {
                    commands.push(command);
                }
            }
        });
        if let Some((text, error)) = &self.message {
            let color = if *error {
                Color32::LIGHT_RED
            } else {
                ui.visuals().text_color()
            };
            ui.label(RichText::new(text).color(color));
        }
        commands
    }
}

impl eframe::App for ExplorerApp {
    fn ui(&mut self, ui: &mut Ui, _frame: &mut eframe::Frame) {
        let ctx = ui.ctx().clone();
        self.poll(&ctx);
        let mut commands = Vec::new();
        egui::Panel::top("menu").show(ui, |ui| commands.extend(self.menu(ui)));
        egui::Panel::left("controls")
            .default_size(360.0)
            .show(ui, |ui| commands.extend(self.controls(ui)));
        egui::CentralPanel::default().show(ui, |ui| match self.state.view {
            View::Curves => {
                let span = self.live_run().and_then(RunData::span);
                self.cursor.show(ui, span);
                let mut runs: Vec<&RunData> = self.live_run().into_iter().collect();
                runs.extend(self.pinned.iter());
                if runs.is_empty() {
                    ui.label("Press Run to start the experiment in the form.");
                } else {
                    // Before the first grid time the cursor means t = 0: no place on the axis.
                    let cursor = self
                        .cursor
                        .selected()
                        .filter(|x| span.is_some_and(|s| *x >= s.0));
                    plots::show(ui, &runs, cursor);
                }
            }
            View::Weights => {
                let span = self.live_run().and_then(RunData::span);
                self.cursor.show(ui, span);
                weights_view::show(ui, self.live_run(), self.cursor.selected());
            }
            View::Phase => {
                let action = phase_view::show(ui, &mut self.state.sweep, self.sweep.as_ref());
                commands.push(Command::Sweep(action));
            }
        });
        for command in commands {
            self.apply(command);
        }
        #[cfg(target_arch = "wasm32")]
        self.publish();
    }

    fn save(&mut self, storage: &mut dyn eframe::Storage) {
        if self.persist {
            eframe::set_value(storage, eframe::APP_KEY, &self.state);
        }
    }
}

/// Opens the explorer window as the explorer flags of `grokflow` ask.
#[cfg(not(target_arch = "wasm32"))]
pub fn run_native(start: ExplorerArgs) -> eframe::Result {
    let options = eframe::NativeOptions {
        viewport: egui::ViewportBuilder::default()
            .with_inner_size([1440.0, 900.0])
            .with_title("grokflow"),
        renderer: eframe::Renderer::Glow,
        // A screenshot run must not read or overwrite the user's saved settings.
        persist_window: start.screenshot.is_none(),
        ..Default::default()
    };
    eframe::run_native(
        "grokflow",
        options,
        Box::new(move |cc| Ok(Box::new(ExplorerApp::new(cc, start)))),
    )
}
