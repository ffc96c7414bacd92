//! `grokflow sweep --png/--svg`: the (α, λ) grid as two labelled maps. Left, log t_grok on
//! a colour bar (grey where a run never grokked); right, the outcome class. α grows to the
//! right and λ upwards, with their values on the axes.

use std::path::Path;

use grokflow_core::sweep::{Cell, Grid, Outcome};
use plotters::coord::Shift;
use plotters::prelude::*;

use crate::figure::{FONT, Figure, Key, Mark, drawing_error, header, rgb};
use crate::number::{short, time};
use crate::palette::{outcome_rgb, ramp};

/// Colour of a cell that has no t_grok.
pub const NO_GROK: [u8; 3] = [200, 200, 200];

/// What the maps show of one run: where it sits, what it did and when it grokked. Only what
/// the sweep's CSV holds exactly, so that the maps drawn from the merged CSVs of a sharded
/// sweep are those of the whole sweep, pixel for pixel.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct MapCell {
    /// Column (index into the grid's α values).
    pub alpha_index: usize,
    /// Row (index into the grid's λ values).
    pub lambda_index: usize,
    /// Seed offset (only the first seed is drawn).
    pub seed_offset: u64,
    /// What the run did.
    pub outcome: Outcome,
    /// When it generalised, if it did.
    pub t_grok: Option<f64>,
}

impl MapCell {
    /// The map's view of a finished cell.
    pub fn of(cell: &Cell) -> Self {
        Self {
            alpha_index: cell.alpha_index,
            lambda_index: cell.lambda_index,
            seed_offset: cell.seed_offset,
            outcome: cell.outcome,
            t_grok: cell.summary.transitions.t_grok(),
        }
    }
}

/// A finished (or stopped) sweep.
pub struct SweepFigure<'a> {
    /// The grid that was asked for.
    pub grid: &'a Grid,
    /// The cells that finished (the first seed of each is drawn).
    pub cells: &'a [MapCell],
    /// The preset the cells start from, for the title.
    pub preset: &'a str,
}

/// Where a sweep's maps go: a PNG (`--png`) and an SVG (`--svg`), each if asked for.
pub struct MapFiles<'a> {
    /// The PNG's path.
    pub png: Option<&'a Path>,
    /// The SVG's path.
    pub svg: Option<&'a Path>,
}

impl MapFiles<'_> {
    fn each(&self) -> impl Iterator<Item = (&Path, &'static str)> {
        [(self.png, "--png"), (self.svg, "--svg")]
            .into_iter()
            .filter_map(|(path, flag)| Some((path?, flag)))
    }

    /// Refuses, before any work, a path whose extension or directory is wrong.
    pub fn check(&self) -> Result<(), String> {
        self.each()
            .try_for_each(|(path, flag)| crate::figure::check(path, flag).map(|_| ()))
    }

    /// Draws `figure` into each file.
    pub fn save(&self, figure: &SweepFigure<'_>) -> Result<(), String> {
        self.each()
            .try_for_each(|(path, flag)| crate::figure::save(figure, path, flag))
    }
}

/// The span of log10 t_grok over the grokking runs among `t_groks`, if any grokked.
pub fn t_grok_span(t_groks: impl IntoIterator<Item = Option<f64>>) -> Option<(f64, f64)> {
    let groks = t_groks
        .into_iter()
        .flatten()
        .map(libm::log10)
        .filter(|l| l.is_finite());
    let (lo, hi) = groks.fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), l| {
        (lo.min(l), hi.max(l))
    });
    (lo <= hi).then_some((lo, hi))
}

/// A run's colour on the t_grok map: its log t_grok on [`ramp`] over `span`, or
/// [`NO_GROK`].
pub fn t_grok_rgb(t_grok: Option<f64>, span: Option<(f64, f64)>) -> [u8; 3] {
    match (t_grok.map(libm::log10), span) {
        (Some(l), Some((lo, hi))) if l.is_finite() => {
            ramp(if hi > lo { (l - lo) / (hi - lo) } else { 0.5 })
        }
        _ => NO_GROK,
    }
}

impl Figure for SweepFigure<'_> {
    fn size(&self) -> (u32, u32) {
        (1400, 700)
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<(), String> {
        let mut keys: Vec<Key<'_>> = Outcome::ALL
            .iter()
            .map(|o| Key {
                name: o.name(),
                color: outcome_rgb(*o),
                mark: Mark::Square,
            })
            .collect();
        keys.push(Key {
            name: "never grokked",
            color: NO_GROK,
            mark: Mark::Square,
        });
        let g = self.grid;
        let title = format!(
            "{}: {} α × {} λ, {}, t ≤ {}",
            self.preset,
            g.alphas.len(),
            g.lambdas.len(),
            match g.seeds {
                1 => format!("seed {}", g.base.seed),
                k => format!("seeds {}–{}", g.base.seed, g.base.seed + k - 1),
            },
            short(g.base.t_max)
        );
        let rest = header(root, &title, &keys)?;
        let (w, _) = rest.dim_in_pixel();
        let (left, right) = rest.split_horizontally(w / 2);
        let (map, bar) = left.split_horizontally(w / 2 - 130);
        let span = t_grok_span(self.cells.iter().map(|c| c.t_grok));
        self.map(&map, "t_grok (first seed)", |c| t_grok_rgb(c.t_grok, span))?;
        colour_bar(&bar, span)?;
        self.map(&right, "outcome (first seed)", |c| outcome_rgb(c.outcome))
    }
}

impl SweepFigure<'_> {
    /// One map: a square per (α, λ) in `color`.
    fn map<DB: DrawingBackend>(
        &self,
        area: &DrawingArea<DB, Shift>,
        caption: &str,
        color: impl Fn(&MapCell) -> [u8; 3],
    ) -> Result<(), String> {
        let (alphas, lambdas) = (&self.grid.alphas, &self.grid.lambdas);
        let (cols, rows) = (alphas.len() as f64, lambdas.len() as f64);
        let mut chart = ChartBuilder::on(area)
            .caption(caption, (FONT, 18))
            .margin(10)
            .x_label_area_size(50)
            .y_label_area_size(80)
            .build_cartesian_2d(-0.5..cols - 0.5, -0.5..rows - 0.5)
            .map_err(drawing_error)?;
        let value = |values: &[f64], v: f64| {
            let i = v.round();
            if (v - i).abs() < 1e-6 && i >= 0.0 {
                values.get(i as usize).map_or(String::new(), |x| short(*x))
            } else {
                String::new()
            }
        };
        chart
            .configure_mesh()
            .disable_mesh()
            .x_desc("α (initialisation scale)")
            .y_desc("λ (weight decay)")
            .x_labels(alphas.len().min(9))
            .y_labels(lambdas.len().min(12))
            .x_label_formatter(&|v| value(alphas, *v))
            .y_label_formatter(&|v| value(lambdas, *v))
            .label_style((FONT, 14))
            .axis_desc_style((FONT, 16))
            .draw()
            .map_err(drawing_error)?;
        chart
            .draw_series(self.cells.iter().filter(|c| c.seed_offset == 0).map(|c| {
                let (x, y) = (c.alpha_index as f64, c.lambda_index as f64);
                // A sliver of white between cells keeps the grid readable.
                Rectangle::new(
                    [(x - 0.47, y - 0.47), (x + 0.47, y + 0.47)],
                    rgb(color(c)).filled(),
                )
            }))
            .map_err(drawing_error)?;
        Ok(())
    }
}

/// The t_grok scale: the ramp from the earliest to the latest t_grok of the sweep.
fn colour_bar<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    span: Option<(f64, f64)>,
) -> Result<(), String> {
    let Some((lo, hi)) = span else {
        return area
            .draw_text(
                "no run grokked",
                &(FONT, 15).into_font().color(&BLACK),
                (10, 80),
            )
            .map_err(drawing_error);
    };
    let (lo, hi) = if hi > lo {
        (lo, hi)
    } else {
        (lo - 0.5, hi + 0.5)
    };
    let mut chart = ChartBuilder::on(area)
        .margin_top(40)
        .margin_bottom(60)
        .margin_right(10)
        .y_label_area_size(70)
        .build_cartesian_2d(0.0..1.0, lo..hi)
        .map_err(drawing_error)?;
    chart
        .configure_mesh()
        .disable_mesh()
        .disable_x_axis()
        .y_desc("t_grok")
        .y_labels(6)
        .y_label_formatter(&|v| time(*v))
        .label_style((FONT, 14))
        .axis_desc_style((FONT, 16))
        .draw()
        .map_err(drawing_error)?;
    const STEPS: usize = 100;
    chart
        .draw_series((0..STEPS).map(|i| {
            let (a, b) = (i as f64 / STEPS as f64, (i + 1) as f64 / STEPS as f64);
            let color = rgb(ramp((a + b) / 2.0));
            Rectangle::new(
                [(0.0, lo + (hi - lo) * a), (1.0, lo + (hi - lo) * b)],
                color.filled(),
            )
        }))
        .map_err(drawing_error)?;
    Ok(())
}
