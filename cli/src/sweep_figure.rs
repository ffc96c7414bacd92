//! `grokflow sweep --png/--svg`: the (α, λ) grid as two labelled maps and the law's
//! collapse. Above left, log t_grok on a colour bar (grey where a run never grokked) with
//! iso-lines of ln α / λ; above right, the outcome class; α grows to the right and λ upwards,
//! with their values on the axes. Below, λ·t_grok against ln α for every grokking run (every
//! seed), with the leading-order law y = x, the prediction with its lower-order term
//! (diagonal nets) and the fitted line.

use std::path::Path;

use grokflow_core::law_fit::{LawFit, LawPoint};
use grokflow_core::sweep::{Cell, Grid, Outcome};
use plotters::coord::Shift;
use plotters::prelude::*;

use crate::figure::{FONT, Figure, Key, Mark, drawing_error, header, rgb};
use crate::number::{short, time};
use crate::palette::{PREDICTED, outcome_rgb, ramp};

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

/// The fitted law as the legends name it: `fit: 0.901·ln α − 1.064 (139 runs)`, three
/// decimals as the `law:` line prints them.
pub fn fit_label(fit: Option<&LawFit>) -> String {
    match fit {
        Some(f) => format!(
            "fit: {:.3}·ln α {} {:.3} ({} runs)",
            f.slope,
            if f.intercept < 0.0 { "−" } else { "+" },
            f.intercept.abs(),
            f.points
        ),
        None => "fit: fewer than two values of ln α".to_owned(),
    }
}

/// Height of the maps' part of the figure; the collapse plot takes the rest.
const MAPS_HEIGHT: u32 = 700;
/// The iso-lines' and the leading-order law's colour (here and in the explorer).
pub const LAW_INK: [u8; 3] = [40, 40, 40];
/// The fitted line's colour (here and in the explorer's phase view).
pub const FIT: [u8; 3] = [213, 94, 0];

impl Figure for SweepFigure<'_> {
    fn size(&self) -> (u32, u32) {
        (1400, MAPS_HEIGHT + 560)
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<(), String> {
        root.fill(&WHITE).map_err(drawing_error)?;
        let (maps, collapse) = root.split_vertically(MAPS_HEIGHT);
        self.draw_maps(&maps)?;
        self.draw_collapse(&collapse)
    }
}

impl SweepFigure<'_> {
    /// The two maps, their legend and the colour bar.
    fn draw_maps<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<(), String> {
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
        self.map(
            &map,
            "t_grok (first seed; dashed: ln α/λ)",
            |c| t_grok_rgb(c.t_grok, span),
            true,
        )?;
        colour_bar(&bar, span)?;
        self.map(
            &right,
            "outcome (first seed)",
            |c| outcome_rgb(c.outcome),
            false,
        )
    }

    /// The law's points: every grokking run with α > 1 and λ > 0, every seed.
    fn law_points(&self) -> Vec<LawPoint> {
        let g = self.grid;
        self.cells
            .iter()
            .filter_map(|c| {
                let alpha = *g.alphas.get(c.alpha_index)?;
                let lambda = *g.lambdas.get(c.lambda_index)?;
                LawPoint::new(alpha, lambda, c.seed_offset, c.outcome, c.t_grok)
            })
            .collect()
    }

    /// λ·t_grok against ln α: the points, y = x, the lower-order prediction at the grid's
    /// smallest and largest λ (diagonal nets), and the least-squares line.
    fn draw_collapse<DB: DrawingBackend>(
        &self,
        area: &DrawingArea<DB, Shift>,
    ) -> Result<(), String> {
        let points = self.law_points();
        let fit = LawFit::of(&points);
        let g = self.grid;
        let ln_alphas = g.alphas.iter().filter(|a| **a > 1.0).map(|a| a.ln());
        let x_max = ln_alphas.fold(0.0f64, f64::max).max(1.0);
        let lower = |lambda: f64| -> Vec<(f64, f64)> {
            (0..=100)
                .filter_map(|i| {
                    let ln_alpha = x_max * f64::from(i) / 100.0;
                    let c = grokflow_core::Config {
                        alpha: ln_alpha.exp(),
                        lambda,
                        ..g.base
                    };
                    Some((ln_alpha, lambda * c.t_predicted_lower_order()?))
                })
                .collect()
        };
        let lambda_span = g.lambdas.iter().copied().filter(|l| *l > 0.0).fold(
            None,
            |span: Option<(f64, f64)>, l| {
                Some(span.map_or((l, l), |(lo, hi)| (lo.min(l), hi.max(l))))
            },
        );
        let bounds: Vec<Vec<(f64, f64)>> = lambda_span
            .map(|(lo, hi)| vec![lower(lo), lower(hi)])
            .unwrap_or_default()
            .into_iter()
            .filter(|curve| !curve.is_empty())
            .collect();
        let fit_name = fit_label(fit.as_ref());
        let lower_name = match lambda_span {
            Some((lo, hi)) if !bounds.is_empty() => format!(
                "with the lower-order term, λ = {} and {}",
                short(lo),
                short(hi)
            ),
            _ => String::new(),
        };
        let mut keys = vec![
            Key {
                name: "grokking runs",
                color: outcome_rgb(Outcome::Grok),
                mark: Mark::Dot,
            },
            Key {
                name: "λ·t = ln α (leading order)",
                color: LAW_INK,
                mark: Mark::Dashed,
            },
            Key {
                name: &fit_name,
                color: FIT,
                mark: Mark::Line,
            },
        ];
        if !bounds.is_empty() {
            keys.push(Key {
                name: &lower_name,
                color: PREDICTED,
                mark: Mark::Dashed,
            });
        }
        let (legend, plot) = area.split_vertically(40);
        crate::figure::legend_row(&legend, &keys)?;
        let ys = points
            .iter()
            .map(|p| p.lambda_t_grok)
            .chain(bounds.iter().flatten().map(|p| p.1))
            .chain([0.0, x_max]);
        let (y_lo, y_hi) = ys.fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), y| {
            (lo.min(y), hi.max(y))
        });
        let pad = 0.05 * (y_hi - y_lo).max(1e-9);
        let mut chart = ChartBuilder::on(&plot)
            .caption("the law's collapse: λ·t_grok against ln α", (FONT, 18))
            .margin(12)
            .x_label_area_size(45)
            .y_label_area_size(70)
            .build_cartesian_2d(0.0..x_max * 1.02, (y_lo - pad)..(y_hi + pad))
            .map_err(drawing_error)?;
        chart
            .configure_mesh()
            .x_desc("ln α")
            .y_desc("λ·t_grok")
            .x_label_formatter(&|v| short(*v))
            .y_label_formatter(&|v| short(*v))
            .label_style((FONT, 14))
            .axis_desc_style((FONT, 16))
            .light_line_style(RGBColor(235, 235, 235))
            .draw()
            .map_err(drawing_error)?;
        for curve in &bounds {
            chart
                .draw_series(DashedLineSeries::new(
                    curve.iter().copied(),
                    6,
                    5,
                    rgb(PREDICTED).stroke_width(2),
                ))
                .map_err(drawing_error)?;
        }
        chart
            .draw_series(DashedLineSeries::new(
                [(0.0, 0.0), (x_max, x_max)],
                8,
                5,
                rgb(LAW_INK).stroke_width(2),
            ))
            .map_err(drawing_error)?;
        if let Some(f) = &fit {
            let line = [0.0, x_max].map(|x| (x, f.slope * x + f.intercept));
            chart
                .draw_series(LineSeries::new(line, rgb(FIT).stroke_width(2)))
                .map_err(drawing_error)?;
        }
        let dot = rgb(outcome_rgb(Outcome::Grok));
        chart
            .draw_series(
                points
                    .iter()
                    .map(|p| Circle::new((p.ln_alpha, p.lambda_t_grok), 4, dot.filled())),
            )
            .map_err(drawing_error)?;
        Ok(())
    }

    /// One map: a square per (α, λ) in `color`; with `iso_lines`, dashed lines of constant
    /// ln α / λ at powers of ten, each named.
    fn map<DB: DrawingBackend>(
        &self,
        area: &DrawingArea<DB, Shift>,
        caption: &str,
        color: impl Fn(&MapCell) -> [u8; 3],
        iso_lines: bool,
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
        if iso_lines {
            for (name, line) in iso_lines_of(alphas, lambdas) {
                let Some(&end) = line.last() else { continue };
                chart
                    .draw_series(DashedLineSeries::new(
                        line,
                        6,
                        4,
                        rgb(LAW_INK).stroke_width(2),
                    ))
                    .map_err(drawing_error)?;
                // Left of and below the line's end, on a light box: inside the map and
                // legible on dark and light cells alike.
                let font = (FONT, 13).into_font().color(&rgb(LAW_INK));
                let (w, h) = area
                    .estimate_text_size(&name, &font)
                    .map_err(drawing_error)?;
                let (px, py) = chart.backend_coord(&end);
                let (bx, by) = area.get_base_pixel();
                let (x, y) = (px - bx - w as i32 - 6, py - by + 4);
                area.draw(&Rectangle::new(
                    [(x - 3, y - 2), (x + w as i32 + 3, y + h as i32 + 2)],
                    WHITE.mix(0.85).filled(),
                ))
                .map_err(drawing_error)?;
                area.draw_text(&name, &font, (x, y))
                    .map_err(drawing_error)?;
            }
        }
        Ok(())
    }
}

/// Lines of constant ln α / λ = 10^k across a log-spaced grid (here and on the explorer's
/// map), in the maps' cell
/// coordinates (column i at α = alphas\[i\], row j at λ = lambdas\[j\]); each named, ending
/// where it leaves the grid. None for a grid with fewer than two values on an axis.
pub fn iso_lines_of(alphas: &[f64], lambdas: &[f64]) -> Vec<(String, Vec<(f64, f64)>)> {
    let (Some(&a0), Some(&a1), Some(&l0), Some(&l1)) = (
        alphas.first(),
        alphas.last(),
        lambdas.first(),
        lambdas.last(),
    ) else {
        return Vec::new();
    };
    if alphas.len() < 2 || lambdas.len() < 2 || a1 <= a0 || l1 <= l0 || l0 <= 0.0 {
        return Vec::new();
    }
    let (cols, rows) = ((alphas.len() - 1) as f64, (lambdas.len() - 1) as f64);
    // Cell coordinates of α and λ (the axes are log-spaced).
    let row = |ln_lambda: f64| (ln_lambda - l0.ln()) / (l1.ln() - l0.ln()) * rows;
    let ln_alpha_at = |x: f64| a0.ln() + (a1.ln() - a0.ln()) * x / cols;
    let predicted = |alpha: f64, lambda: f64| alpha.ln() / lambda;
    let lo = predicted(alphas.iter().copied().find(|a| *a > 1.0).unwrap_or(a1), l1);
    let hi = predicted(a1, l0);
    if !(lo > 0.0 && hi > lo) {
        return Vec::new();
    }
    let inside = |y: f64| (-0.5..=rows + 0.5).contains(&y);
    (lo.log10().ceil() as i32..=hi.log10().floor() as i32)
        .map(|k| {
            let t = 10f64.powi(k);
            let line: Vec<(f64, f64)> = (0..=200)
                .filter_map(|i| {
                    let x = -0.5 + (cols + 1.0) * f64::from(i) / 200.0;
                    let ln_alpha = ln_alpha_at(x);
                    (ln_alpha > 0.0).then(|| (x, row((ln_alpha / t).ln())))
                })
                .filter(|&(_, y)| inside(y))
                .collect();
            (format!("ln α/λ = 10^{k}"), line)
        })
        .filter(|(_, line)| line.len() > 1)
        .collect()
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
