//! The phase diagram: a grid of (α, λ) runs in the background (on every core on the
//! desktop, one cell after another in a browser), each cell coloured by what the run did,
//! and t_grok against the theory's ln α / λ.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, Receiver, Sender};

use egui::{Align2, Color32, RichText, Ui};
use egui_plot::{Line, LineStyle, Plot, PlotPoints, Points};
use grokflow_cli::number::short;
use grokflow_cli::palette::{self, outcome_rgb, ramp};
use grokflow_cli::sweep_figure::{
    FIT, LAW_INK, NO_GROK, fit_label, iso_lines_of, t_grok_rgb, t_grok_span,
};
use grokflow_core::Config;
use grokflow_core::law_fit::{LawFit, LawPoint};
use grokflow_core::sweep::{Cell, Grid, Outcome, log_spaced};

use crate::background::{self, BackgroundTask};
use crate::plots::{self, Swatch};
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
    /// What colours the cells.
    pub color_by: ColorBy,
}

impl Default for SweepSettings {
    fn default() -> Self {
        Self {
            alpha: (4.0, 1024.0, 5),
            lambda: (1e-3, 1e-2, 4),
            seeds: 1,
            color_by: ColorBy::TGrok,
        }
    }
}

/// A sweep in progress or finished.
pub struct Sweep {
    grid: Grid,
    cells: Vec<Cell>,
    results: Receiver<Cell>,
    cancel: Arc<AtomicBool>,
    running: bool,
    failed: Option<usize>,
    /// Declared last: dropped (on the desktop, joined) after `Drop` has cancelled it.
    task: BackgroundTask<usize>,
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
        let task = {
            let (grid, cancel) = (grid.clone(), Arc::clone(&cancel));
            background::spawn("grokflow-sweep", move || async move {
                run_grid(&grid, &cancel, tx).await
            })
        };
        Self {
            grid,
            cells: Vec::new(),
            results,
            cancel,
            running: true,
            failed: None,
            task,
        }
    }

    /// Collects finished cells.
    pub fn poll(&mut self) {
        self.cells.extend(self.results.try_iter());
        if self.running && !self.task.is_running() {
            self.running = false;
            self.failed = self.task.result().copied();
            self.cells.extend(self.results.try_iter());
        }
    }

    /// True while runs are still going.
    pub fn is_running(&self) -> bool {
        self.running
    }

    /// Asks the workers to stop between steps.
    pub fn cancel(&self) {
        self.cancel.store(true, Ordering::Relaxed);
    }

    /// The finished cells, in the order they finished.
    pub fn cells(&self) -> &[Cell] {
        &self.cells
    }

    /// Fraction of the grid done.
    pub fn progress(&self) -> f32 {
        self.cells.len() as f32 / self.grid.len().max(1) as f32
    }
}

impl Drop for Sweep {
    fn drop(&mut self) {
        self.cancel();
    }
}

/// Runs the grid on every core; returns the cells that could not be built.
#[cfg(not(target_arch = "wasm32"))]
async fn run_grid(grid: &Grid, cancel: &AtomicBool, done: Sender<Cell>) -> usize {
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    grid.run(threads, cancel, done)
}

/// Runs the grid one cell after another, each stepped in slices between the page's frames
/// (a browser page has one thread); returns the cells that could not be built.
#[cfg(target_arch = "wasm32")]
async fn run_grid(grid: &Grid, cancel: &AtomicBool, done: Sender<Cell>) -> usize {
    use grokflow_core::Metrics;
    use grokflow_core::driver::SnapshotSchedule;
    use std::ops::ControlFlow;

    let mut failed = 0;
    let mut slices = background::Slices::default();
    for index in 0..grid.len() {
        let Some(prepared) = grid.cell_experiment(index) else {
            break;
        };
        let Ok(mut cell) = prepared else {
            failed += 1;
            continue;
        };
        let Ok(mut driver) = cell.experiment.driver(SnapshotSchedule::NEVER) else {
            failed += 1;
            continue;
        };
        while !driver.simulation().status().is_terminal() {
            if cancel.load(Ordering::Relaxed) {
                return failed;
            }
            driver.run_while(&mut |_: &Metrics| ControlFlow::Continue(()), |_, _| {
                if slices.is_over() {
                    ControlFlow::Break(())
                } else {
                    ControlFlow::Continue(())
                }
            });
            slices.next().await;
        }
        let summary = driver.summary();
        if done.send(Cell::new(cell.at, cell.config, summary)).is_err() {
            break;
        }
    }
    failed
}

/// Where the grid's cells run, for the hover text and the progress line.
const WHERE_CELLS_RUN: &str = if cfg!(target_arch = "wasm32") {
    "one at a time on the page's thread (a browser page has one; the desktop app runs a cell on every core)"
} else {
    "on every core"
};

/// Settings, progress and results; returns what the user asked for (start, cancel, open a
/// cell in the curves view).
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
            .on_hover_text(format!(
                "Runs every (α, λ) of the grid with the form's other settings, {WHERE_CELLS_RUN}"
            ))
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
            #[cfg(target_arch = "wasm32")]
            ui.weak(WHERE_CELLS_RUN);
            if let Some(failed) = s.failed.filter(|&f| f > 0) {
                ui.label(
                    RichText::new(format!("{failed} runs could not start"))
                        .color(Color32::LIGHT_RED),
                );
            }
        }
    });
    let outcomes: Vec<_> = Outcome::ALL
        .iter()
        .map(|o| (o.name(), outcome_rgb(*o), Swatch::Square))
        .collect();
    plots::legend_row(ui, &outcomes);
    let Some(sweep) = sweep else {
        return action;
    };
    let height = (ui.available_height() - 10.0).max(150.0);
    ui.columns(2, |columns| {
        if let Some(config) = cells_grid(&mut columns[0], sweep, &mut settings.color_by, height) {
            action = SweepAction::Open(config);
        }
        theory_plot(&mut columns[1], sweep, height);
    });
    action
}

/// What the user asked of the sweep.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum SweepAction {
    /// Nothing.
    None,
    /// Start a new sweep.
    Start,
    /// Cancel the running one.
    Cancel,
    /// Load this cell's configuration into the form and run it in the curves view.
    Open(Config),
}

/// What colours the cells of the grid.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum ColorBy {
    /// The outcome class.
    #[default]
    Outcome,
    /// log10 t_grok on a colour bar (grey where the run never grokked).
    TGrok,
}

/// Room for the λ labels left of the grid, the α labels under it, the colour bar right.
const LEFT: f32 = 64.0;
const BOTTOM: f32 = 38.0;
const BAR: f32 = 90.0;
const TOP: f32 = 18.0;

/// One coloured square per (α, λ) (the first seed), α across and λ up with their values on
/// the axes; hovering names the cell, clicking returns its configuration.
fn cells_grid(ui: &mut Ui, sweep: &Sweep, color_by: &mut ColorBy, height: f32) -> Option<Config> {
    ui.horizontal(|ui| {
        ui.label("Colour by");
        ui.selectable_value(color_by, ColorBy::Outcome, "outcome");
        ui.selectable_value(color_by, ColorBy::TGrok, "log t_grok");
    });
    if *color_by == ColorBy::TGrok {
        plots::legend_row(ui, &[("never grokked", NO_GROK, Swatch::Square)]);
    }
    ui.label("Hover a cell for its runs; click it to open it in the curves view.");
    ui.horizontal(|_| {});
    let (cols, rows) = (sweep.grid.alphas.len(), sweep.grid.lambdas.len());
    let size = ((ui.available_width() - LEFT - BAR) / cols.max(1) as f32)
        .min((height - BOTTOM - 30.0) / rows.max(1) as f32)
        .max(8.0);
    let (rect, _) = ui.allocate_exact_size(
        egui::vec2(
            LEFT + size * cols as f32 + BAR,
            TOP + size * rows as f32 + BOTTOM,
        ),
        egui::Sense::hover(),
    );
    let grid = egui::Rect::from_min_size(
        rect.min + egui::vec2(LEFT, TOP),
        egui::vec2(size * cols as f32, size * rows as f32),
    );
    let painter = ui.painter_at(rect);
    let text = ui.visuals().text_color();
    let font = egui::FontId::proportional(11.0);
    let span = t_grok_span(sweep.cells.iter().map(|c| c.summary.transitions.t_grok()));
    let cell_rect = |a: usize, l: usize| {
        egui::Rect::from_min_size(
            egui::pos2(
                grid.left() + size * a as f32,
                grid.bottom() - size * (l + 1) as f32,
            ),
            egui::vec2(size, size),
        )
    };
    for cell in sweep.cells.iter().filter(|c| c.seed_offset == 0) {
        let rgb = match color_by {
            ColorBy::Outcome => outcome_rgb(cell.outcome),
            ColorBy::TGrok => t_grok_rgb(cell.summary.transitions.t_grok(), span),
        };
        painter.rect_filled(
            cell_rect(cell.alpha_index, cell.lambda_index).shrink(1.0),
            2.0,
            plots::color(rgb),
        );
    }
    // Labels on every k-th row and column, so that they never overlap.
    let stride = |room: f32| ((room / size).ceil() as usize).max(1);
    for (a, alpha) in sweep.grid.alphas.iter().enumerate().step_by(stride(44.0)) {
        let at = egui::pos2(cell_rect(a, 0).center().x, grid.bottom() + 3.0);
        painter.text(at, Align2::CENTER_TOP, short(*alpha), font.clone(), text);
    }
    painter.text(
        egui::pos2(grid.center().x, grid.bottom() + 20.0),
        Align2::CENTER_TOP,
        "α (initialisation scale)",
        font.clone(),
        text,
    );
    for (l, lambda) in sweep.grid.lambdas.iter().enumerate().step_by(stride(16.0)) {
        let at = egui::pos2(grid.left() - 4.0, cell_rect(0, l).center().y);
        painter.text(at, Align2::RIGHT_CENTER, short(*lambda), font.clone(), text);
    }
    painter.text(
        egui::pos2(rect.left(), rect.top()),
        Align2::LEFT_TOP,
        "λ (weight decay)",
        font.clone(),
        text,
    );
    if *color_by == ColorBy::TGrok {
        colour_bar(&painter, grid, span, &font, text);
        // Iso-lines of ln α / λ, as on `grokflow sweep`'s map (cell coordinates: column i
        // at the centre of the i-th α).
        let at = |(x, y): (f64, f64)| {
            egui::pos2(
                grid.left() + size * (x as f32 + 0.5),
                grid.bottom() - size * (y as f32 + 0.5),
            )
        };
        let ink = plots::color(LAW_INK);
        for (name, line) in iso_lines_of(&sweep.grid.alphas, &sweep.grid.lambdas) {
            let points: Vec<egui::Pos2> = line.iter().copied().map(at).collect();
            let Some(&end) = points.last() else { continue };
            painter.extend(egui::Shape::dashed_line(
                &points,
                egui::Stroke::new(1.5, ink),
                6.0,
                4.0,
            ));
            // On a light box, left of and below the line's end: legible on every colour.
            let galley = painter.layout_no_wrap(name, font.clone(), ink);
            let label = Align2::RIGHT_TOP.anchor_size(end + egui::vec2(-4.0, 4.0), galley.size());
            painter.rect_filled(label.expand(2.0), 2.0, Color32::from_white_alpha(215));
            painter.galley(label.min, galley, ink);
        }
    }
    // Each cell is its own widget, named by its α and λ (for screen readers and tests).
    let mut opened = None;
    for a in 0..cols {
        for l in 0..rows {
            let (alpha, lambda) = (sweep.grid.alphas[a], sweep.grid.lambdas[l]);
            let name = format!("α = {}, λ = {}", short(alpha), short(lambda));
            let cell = ui.interact(
                cell_rect(a, l),
                ui.scope_id().with(("cell", a, l)),
                egui::Sense::click(),
            );
            cell.widget_info(|| egui::WidgetInfo::labeled(egui::Role::Button, true, &name));
            if !cell.hovered() && !cell.clicked() {
                continue;
            }
            painter.rect_stroke(
                cell_rect(a, l),
                2.0,
                egui::Stroke::new(2.0, text),
                egui::StrokeKind::Inside,
            );
            let runs: Vec<&Cell> = sweep
                .cells
                .iter()
                .filter(|c| c.alpha_index == a && c.lambda_index == l)
                .collect();
            if cell.clicked() {
                opened = runs.first().map(|c| c.config);
            }
            let predicted = Config {
                alpha,
                lambda,
                ..sweep.grid.base
            }
            .t_predicted()
            .map_or("—".to_owned(), short);
            cell.on_hover_ui_at_pointer(|ui| {
                ui.label(format!("{name}, ln α/λ = {predicted}"));
                if runs.is_empty() {
                    ui.label("not run yet");
                }
                for c in &runs {
                    let t = c
                        .summary
                        .transitions
                        .t_grok()
                        .map_or("never".to_owned(), short);
                    ui.label(format!(
                        "seed {}: {}, t_grok {t}",
                        c.config.seed,
                        c.outcome.name()
                    ));
                }
                if !runs.is_empty() {
                    ui.label("click: open this run in the curves view");
                }
            });
        }
    }
    opened
}

/// The t_grok scale right of the grid: the ramp from the earliest t_grok to the latest.
fn colour_bar(
    painter: &egui::Painter,
    grid: egui::Rect,
    span: Option<(f64, f64)>,
    font: &egui::FontId,
    text: Color32,
) {
    let bar = egui::Rect::from_min_max(
        egui::pos2(grid.right() + 12.0, grid.top()),
        egui::pos2(grid.right() + 28.0, grid.bottom()),
    );
    let Some((lo, hi)) = span else {
        painter.text(
            bar.left_top(),
            Align2::LEFT_TOP,
            "no run\ngrokked",
            font.clone(),
            text,
        );
        return;
    };
    const STEPS: usize = 48;
    let step = bar.height() / STEPS as f32;
    for i in 0..STEPS {
        let s = (i as f64 + 0.5) / STEPS as f64;
        let y = bar.bottom() - step * (i + 1) as f32;
        painter.rect_filled(
            egui::Rect::from_min_size(
                egui::pos2(bar.left(), y),
                egui::vec2(bar.width(), step + 0.5),
            ),
            0.0,
            plots::color(ramp(s)),
        );
    }
    for (s, y) in [(0.0, bar.bottom()), (0.5, bar.center().y), (1.0, bar.top())] {
        let value = 10f64.powf(lo + (hi - lo) * s);
        painter.text(
            egui::pos2(bar.right() + 4.0, y),
            Align2::LEFT_CENTER,
            short(value),
            font.clone(),
            text,
        );
    }
    painter.text(
        egui::pos2(bar.left(), bar.top() - TOP),
        Align2::LEFT_TOP,
        "t_grok",
        font.clone(),
        text,
    );
}

/// The law's collapse, as `grokflow sweep` draws it: λ·t_grok of every grokking run (α > 1,
/// λ > 0, every seed) against ln α, the leading-order law y = x and the least-squares fit
/// the sweep's `law:` line prints.
fn theory_plot(ui: &mut Ui, sweep: &Sweep, height: f32) {
    ui.label("λ·t_grok against ln α");
    let fit = LawFit::of_cells(&sweep.cells);
    let fit_name = fit_label(fit.as_ref());
    let law = "λ·t = ln α (leading order)";
    plots::legend_row(
        ui,
        &[
            (
                law,
                palette::PREDICTED,
                Swatch::Line(LineStyle::dashed_loose()),
            ),
            (&fit_name, FIT, Swatch::Line(LineStyle::Solid)),
            ("grokking runs", outcome_rgb(Outcome::Grok), Swatch::Marker),
        ],
    );
    let points: Vec<[f64; 2]> = sweep
        .cells
        .iter()
        .filter_map(LawPoint::of)
        .map(|p| [p.ln_alpha, p.lambda_t_grok])
        .collect();
    let x_max = points.iter().map(|p| p[0]).fold(1.0f64, f64::max);
    Plot::new("theory").height(height - 20.0).show(ui, |plot| {
        plot.line(
            Line::new(law, PlotPoints::from(vec![[0.0, 0.0], [x_max, x_max]]))
                .color(plots::color(palette::PREDICTED))
                .style(LineStyle::dashed_loose()),
        );
        if let Some(f) = fit {
            let line = [0.0, x_max].map(|x| [x, f.slope * x + f.intercept]);
            plot.line(
                Line::new(fit_name.as_str(), PlotPoints::from(line.to_vec()))
                    .color(plots::color(FIT)),
            );
        }
        plot.points(
            Points::new("grokking runs", PlotPoints::from(points))
                .radius(4.0)
                .color(plots::color(outcome_rgb(Outcome::Grok))),
        );
    });
}
