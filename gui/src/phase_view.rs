//! The phase diagram: a grid of (α, λ) runs in the background on every core, each cell
//! coloured by what the run did, and t_grok against the theory's ln α / λ.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, Receiver};
use std::thread::{self, JoinHandle};

use egui::{Color32, RichText, Ui};
use egui_plot::{Legend, Line, Plot, PlotPoints, Points};
use grokflow_cli::palette::outcome_rgb;
use grokflow_core::Config;
use grokflow_core::sweep::{Cell, Grid, Outcome, log_spaced};
use serde::{Deserialize, Serialize};

/// The grid the user asks for (persisted).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct SweepSettings {
    /// Smallest and largest α, and how many values.
    pub alpha: (f64, f64, usize),
    /// Smallest and largest λ, and how many values.
    pub lambda: (f64, f64, usize),
    /// Seeds per cell.
    pub seeds: u64,
}

impl Default for SweepSettings {
    fn default() -> Self {
        Self {
            alpha: (4.0, 1024.0, 5),
            lambda: (1e-3, 1e-2, 4),
            seeds: 1,
        }
    }
}

/// A sweep in progress or finished.
pub struct Sweep {
    grid: Grid,
    cells: Vec<Cell>,
    results: Receiver<Cell>,
    cancel: Arc<AtomicBool>,
    thread: Option<JoinHandle<usize>>,
    failed: Option<usize>,
}

impl Sweep {
    /// Starts `settings` around `base` on every core.
    pub fn start(base: Config, settings: &SweepSettings) -> Self {
        let grid = Grid {
            base,
            alphas: log_spaced(settings.alpha.0, settings.alpha.1, settings.alpha.2),
            lambdas: log_spaced(settings.lambda.0, settings.lambda.1, settings.lambda.2),
            seeds: settings.seeds.max(1),
        };
        let (tx, results) = mpsc::channel();
        let cancel = Arc::new(AtomicBool::new(false));
        let threads = thread::available_parallelism().map_or(1, |n| n.get());
        let thread = {
            let (grid, cancel) = (grid.clone(), Arc::clone(&cancel));
            thread::Builder::new()
                .name("grokflow-sweep".into())
                .spawn(move || grid.run(threads, &cancel, tx))
                .ok()
        };
        Self {
            grid,
            cells: Vec::new(),
            results,
            cancel,
            thread,
            failed: None,
        }
    }

    /// Collects finished cells.
    pub fn poll(&mut self) {
        self.cells.extend(self.results.try_iter());
        if self.thread.as_ref().is_some_and(|t| t.is_finished())
            && let Some(thread) = self.thread.take()
        {
            self.failed = thread.join().ok();
        }
    }

    /// True while runs are still going.
    pub fn is_running(&self) -> bool {
        self.thread.is_some()
    }

    /// Asks the workers to stop between steps.
    pub fn cancel(&self) {
        self.cancel.store(true, Ordering::Relaxed);
    }

    /// Fraction of the grid done.
    pub fn progress(&self) -> f32 {
        self.cells.len() as f32 / self.grid.len().max(1) as f32
    }
}

impl Drop for Sweep {
    fn drop(&mut self) {
        self.cancel();
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// Legend colour of an outcome.
pub fn color(outcome: Outcome) -> Color32 {
    let [r, g, b] = outcome_rgb(outcome);
    Color32::from_rgb(r, g, b)
}

/// Settings, progress and results. Returns true when the user asks to start.
pub fn show(ui: &mut Ui, settings: &mut SweepSettings, sweep: Option<&Sweep>) -> SweepAction {
    let mut action = SweepAction::None;
    ui.horizontal(|ui| {
        ui.label("α from");
        ui.add(
            egui::DragValue::new(&mut settings.alpha.0)
                .range(1e-3..=1e6)
                .speed(0.5),
        );
        ui.label("to");
        ui.add(
            egui::DragValue::new(&mut settings.alpha.1)
                .range(1e-3..=1e6)
                .speed(1.0),
        );
        ui.label("values");
        ui.add(egui::DragValue::new(&mut settings.alpha.2).range(1..=32));
        ui.separator();
        ui.label("λ from");
        ui.add(
            egui::DragValue::new(&mut settings.lambda.0)
                .range(1e-6..=1.0)
                .speed(1e-4),
        );
        ui.label("to");
        ui.add(
            egui::DragValue::new(&mut settings.lambda.1)
                .range(1e-6..=1.0)
                .speed(1e-4),
        );
        ui.label("values");
        ui.add(egui::DragValue::new(&mut settings.lambda.2).range(1..=32));
        ui.separator();
        ui.label("seeds");
        ui.add(egui::DragValue::new(&mut settings.seeds).range(1..=16));
    });
    ui.horizontal(|ui| {
        let running = sweep.is_some_and(Sweep::is_running);
        if ui
            .add_enabled(!running, egui::Button::new("Run sweep"))
            .on_hover_text(
                "Runs every (α, λ) of the grid with the form's other settings, on every core",
            )
            .clicked()
        {
            action = SweepAction::Start;
        }
        if ui
            .add_enabled(running, egui::Button::new("Cancel sweep"))
            .clicked()
        {
            action = SweepAction::Cancel;
        }
        if let Some(s) = sweep {
            ui.add(
                egui::ProgressBar::new(s.progress())
                    .show_percentage()
                    .desired_width(200.0),
            );
            ui.label(format!("{} of {} runs", s.cells.len(), s.grid.len()));
            if let Some(failed) = s.failed.filter(|&f| f > 0) {
                ui.label(
                    RichText::new(format!("{failed} runs could not start"))
                        .color(Color32::LIGHT_RED),
                );
            }
        }
    });
    ui.horizontal_wrapped(|ui| {
        for outcome in Outcome::ALL {
            let (rect, _) = ui.allocate_exact_size(egui::vec2(12.0, 12.0), egui::Sense::hover());
            ui.painter().rect_filled(rect, 2.0, color(outcome));
            ui.label(outcome.name());
        }
    });
    let Some(sweep) = sweep else {
        return action;
    };
    let height = (ui.available_height() - 10.0).max(150.0);
    ui.columns(2, |columns| {
        cells_grid(&mut columns[0], sweep, height);
        theory_plot(&mut columns[1], sweep, height);
    });
    action
}

/// What the user asked of the sweep.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SweepAction {
    /// Nothing.
    None,
    /// Start a new sweep.
    Start,
    /// Cancel the running one.
    Cancel,
}

/// One coloured square per (α, λ) (the first seed), α across, λ up.
fn cells_grid(ui: &mut Ui, sweep: &Sweep, height: f32) {
    ui.label("Outcome per (α, λ): α to the right, λ upwards");
    let (cols, rows) = (sweep.grid.alphas.len(), sweep.grid.lambdas.len());
    let size = (ui.available_width() / cols.max(1) as f32)
        .min(height / rows.max(1) as f32)
        .max(8.0);
    let (rect, _) = ui.allocate_exact_size(
        egui::vec2(size * cols as f32, size * rows as f32),
        egui::Sense::hover(),
    );
    let painter = ui.painter_at(rect);
    for cell in sweep.cells.iter().filter(|c| c.seed_offset == 0) {
        let x = rect.left() + size * cell.alpha_index as f32;
        let y = rect.bottom() - size * (cell.lambda_index + 1) as f32;
        let square =
            egui::Rect::from_min_size(egui::pos2(x, y), egui::vec2(size, size)).shrink(1.0);
        painter.rect_filled(square, 2.0, color(cell.outcome));
    }
}

/// log10 t_grok of every grokking cell against log10(ln α / λ), with the line y = x.
fn theory_plot(ui: &mut Ui, sweep: &Sweep, height: f32) {
    ui.label("log10 t_grok against log10(ln α / λ); the line is t_grok = ln α / λ");
    let points: Vec<[f64; 2]> = sweep
        .cells
        .iter()
        .filter_map(|c| {
            let predicted = c.config.t_predicted()?;
            let grok = c.summary.transitions.log10_t_grok?;
            (c.outcome == Outcome::Grok).then(|| [predicted.log10(), grok])
        })
        .collect();
    let (lo, hi) = points
        .iter()
        .flat_map(|p| [p[0], p[1]])
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), v| {
            (lo.min(v), hi.max(v))
        });
    Plot::new("theory")
        .height(height - 20.0)
        .legend(Legend::default())
        .show(ui, |plot| {
            if lo.is_finite() {
                plot.line(Line::new(
                    "t_grok = ln α / λ",
                    PlotPoints::from(vec![[lo, lo], [hi, hi]]),
                ));
            }
            plot.points(
                Points::new("grokking runs", PlotPoints::from(points))
                    .radius(4.0)
                    .color(color(Outcome::Grok)),
            );
        });
}
