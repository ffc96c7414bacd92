//! `grokflow run --plot`: the paper-style figure of one run. Train and test accuracy (test
//! loss for regression) above, ‖θ‖ below, both against t on a log axis, with the measured
//! transitions and the predicted ln α / λ marked and labelled on the plots.

use grokflow_core::Metrics;
use grokflow_core::summary::Summary;
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use crate::figure::{FONT, Figure, Key, Mark, drawing_error, header, rgb};
use crate::number::{short, time};
use crate::palette::{DROP, NORM, PREDICTED, TEST, TRAIN};

/// A finished (or stopped) run and its trajectory.
pub struct RunFigure<'a> {
    /// What the run measured.
    pub summary: &'a Summary,
    /// Its records in time order (the t = 0 record has no place on a log axis and is
    /// skipped).
    pub records: &'a [Metrics],
    /// The preset it started from, for the title.
    pub preset: &'a str,
}

/// One curve: a quantity of a record and how it is drawn.
pub(crate) struct Curve {
    pub(crate) name: &'static str,
    pub(crate) color: [u8; 3],
    pub(crate) value: fn(&Metrics) -> Option<f64>,
}

impl RunFigure<'_> {
    /// Classification runs show accuracy; regression runs (no accuracy) show the losses.
    fn classifies(&self) -> bool {
        self.records.iter().any(|m| m.test_acc.is_some())
    }

    fn title(&self) -> String {
        let c = &self.summary.config;
        let sizes = match c.task {
            grokflow_core::Task::ModAdd => format!("p={} width={}", c.d, c.width),
            _ => format!("d={} n={}", c.d, c.n),
        };
        format!(
            "{} ({}): {sizes}, α={}, λ={}, {}, {}, seed {}",
            self.preset,
            c.task.name(),
            short(c.alpha),
            short(c.lambda),
            c.integrator.name(),
            self.summary.precision,
            c.seed
        )
    }

    /// The vertical markers: name, log10 t, colour.
    fn markers(&self) -> Vec<(String, f64, [u8; 3])> {
        let t = &self.summary.transitions;
        let predicted = self.summary.t_predicted.map(f64::log10);
        [
            ("ln α/λ", predicted, PREDICTED),
            ("t_fit", t.log10_t_fit, TRAIN),
            ("t_grok", t.log10_t_grok, TEST),
            ("t_drop", t.log10_t_drop, DROP),
        ]
        .into_iter()
        .filter_map(|(name, x, color)| {
            let x = x.filter(|x| x.is_finite())?;
            Some((format!("{name} = {}", time(x)), x, color))
        })
        .collect()
    }

    /// The records' span of log10 t, widened to every marker (a fit seen by a step before
    /// the first record, t_fit = 0.001 on fig1a-small, would otherwise fall off the plot).
    fn x_range(&self) -> (f64, f64) {
        let markers = self.markers().into_iter().map(|(_, x, _)| x);
        let xs = self.records.iter().filter_map(|m| m.log10_t).chain(markers);
        let (lo, hi) = xs.fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), x| {
            (lo.min(x), hi.max(x))
        });
        if lo < hi {
            (lo, hi)
        } else {
            (lo - 1.0, lo + 1.0)
        }
    }
}

/// `1e3` for the tick at log10 t = 3 (ticks between powers of ten get no label).
pub(crate) fn power_of_ten(x: &f64) -> String {
    if (x - x.round()).abs() < 1e-6 {
        format!("1e{}", x.round())
    } else {
        String::new()
    }
}

impl Figure for RunFigure<'_> {
    fn size(&self) -> (u32, u32) {
        (1200, 800)
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<(), String> {
        let top_curves: Vec<Curve> = if self.classifies() {
            vec![
                Curve {
                    name: "train accuracy",
                    color: TRAIN,
                    value: |m| m.train_acc,
                },
                Curve {
                    name: "test accuracy",
                    color: TEST,
                    value: |m| m.test_acc,
                },
            ]
        } else {
            vec![
                Curve {
                    name: "train loss",
                    color: TRAIN,
                    value: |m| Some(m.train_loss),
                },
                Curve {
                    name: "test loss",
                    color: TEST,
                    value: |m| Some(m.test_loss),
                },
            ]
        };
        let norm = Curve {
            name: "|θ|",
            color: NORM,
            value: |m| Some(m.param_norm),
        };
        let mut keys: Vec<Key<'_>> = top_curves
            .iter()
            .chain([&norm])
            .map(|c| Key {
                name: c.name,
                color: c.color,
                mark: Mark::Line,
            })
            .collect();
        let decays = self.summary.config.lambda > 0.0;
        if decays {
            keys.push(Key {
                name: "|θ(0)|·exp(−λt)",
                color: PREDICTED,
                mark: Mark::Dashed,
            });
        }
        let markers = self.markers();
        let rest = header(root, &self.title(), &keys)?;
        let (upper, lower) = rest.split_vertically(rest.dim_in_pixel().1 / 2);
        let x = self.x_range();
        let classifies = self.classifies();
        Panel {
            label: if classifies { "accuracy" } else { "loss" },
            log_y: !classifies,
            y: classifies.then_some((-0.02, 1.1)),
            curves: &top_curves,
            decay: None,
            labelled: true,
        }
        .draw(&upper, x, self.records, &markers)?;
        let start = self.records.first().map_or(0.0, |m| m.param_norm);
        Panel {
            label: "|θ|",
            log_y: false,
            y: None,
            curves: &[norm],
            decay: decays.then_some((start, self.summary.config.lambda)),
            labelled: false,
        }
        .draw(&lower, x, self.records, &markers)
    }
}

/// The points of `curves` over `records` (log10 of the values when `log_y`).
pub(crate) fn y_values(curves: &[Curve], records: &[Metrics], log_y: bool) -> Vec<Vec<(f64, f64)>> {
    curves
        .iter()
        .map(|c| {
            records
                .iter()
                .filter_map(|m| {
                    let x = m.log10_t?;
                    let y = (c.value)(m)?;
                    let y = if log_y {
                        (y > 0.0).then(|| y.log10())?
                    } else {
                        y
                    };
                    y.is_finite().then_some((x, y))
                })
                .collect()
        })
        .collect()
}

/// The data's y range with 5% padding.
pub(crate) fn bounds(series: &[Vec<(f64, f64)>]) -> (f64, f64) {
    let (lo, hi) = series
        .iter()
        .flatten()
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), p| {
            (lo.min(p.1), hi.max(p.1))
        });
    if lo < hi {
        let pad = 0.05 * (hi - lo);
        (lo - pad, hi + pad)
    } else if lo.is_finite() {
        (lo - 1.0, lo + 1.0)
    } else {
        (0.0, 1.0)
    }
}

/// One of the figure's two plots.
struct Panel<'a> {
    label: &'a str,
    log_y: bool,
    /// A fixed y range (accuracy), else the data's.
    y: Option<(f64, f64)>,
    curves: &'a [Curve],
    /// ‖θ(0)‖ and λ of the kernel-phase decay ‖θ(0)‖·e^{−λt}, drawn dashed.
    decay: Option<(f64, f64)>,
    /// Whether the markers are named here.
    labelled: bool,
}

impl Panel<'_> {
    fn draw<DB: DrawingBackend>(
        &self,
        area: &DrawingArea<DB, Shift>,
        x: (f64, f64),
        records: &[Metrics],
        markers: &[(String, f64, [u8; 3])],
    ) -> Result<(), String> {
        let series = y_values(self.curves, records, self.log_y);
        let y = match self.y {
            Some(fixed) => fixed,
            // Norms start from 0 so that the decay reads as a fraction.
            None if !self.log_y => {
                let (lo, hi) = bounds(&series);
                (lo.min(0.0), hi)
            }
            None => bounds(&series),
        };
        // The named markers get a band of their own above the data.
        let top = y.1;
        let y = if self.labelled {
            (y.0, y.1 + 0.25 * (y.1 - y.0))
        } else {
            y
        };
        let mut chart = ChartBuilder::on(area)
            .margin(12)
            .x_label_area_size(36)
            .y_label_area_size(70)
            .build_cartesian_2d(x.0..x.1, y.0..y.1)
            .map_err(drawing_error)?;
        let log_y = self.log_y;
        let y_label = |v: &f64| match () {
            () if *v > top => String::new(),
            () if log_y => power_of_ten(v),
            () => short(*v),
        };
        draw_time_mesh(&mut chart, self.label, &y_label)?;
        draw_markers(&mut chart, y, markers, self.labelled)?;
        if let Some((start, lambda)) = self.decay {
            let reference = (0..=200).map(|i| {
                let lx = x.0 + (x.1 - x.0) * f64::from(i) / 200.0;
                (lx, start * (-lambda * 10f64.powf(lx)).exp())
            });
            chart
                .draw_series(DashedLineSeries::new(
                    reference,
                    8,
                    5,
                    rgb(PREDICTED).stroke_width(2),
                ))
                .map_err(drawing_error)?;
        }
        for (curve, points) in self.curves.iter().zip(series) {
            chart
                .draw_series(LineSeries::new(points, rgb(curve.color).stroke_width(2)))
                .map_err(drawing_error)?;
        }
        Ok(())
    }
}

pub(crate) type Chart<'a, DB> = ChartContext<
    'a,
    DB,
    Cartesian2d<plotters::coord::types::RangedCoordf64, plotters::coord::types::RangedCoordf64>,
>;

/// The grid and axes of a plot against t on a log axis (ticks at powers of ten), its y axis
/// named `y_desc` and labelled by `y_label`.
pub(crate) fn draw_time_mesh<DB: DrawingBackend>(
    chart: &mut Chart<'_, DB>,
    y_desc: &str,
    y_label: &dyn Fn(&f64) -> String,
) -> Result<(), String> {
    chart
        .configure_mesh()
        .x_desc("t")
        .y_desc(y_desc)
        .x_label_formatter(&power_of_ten)
        .y_label_formatter(y_label)
        .label_style((FONT, 15))
        .axis_desc_style((FONT, 17))
        .light_line_style(RGBColor(235, 235, 235))
        .draw()
        .map_err(drawing_error)
}

/// Dashed vertical lines at the markers; with `labelled`, each named beside its line in the
/// band above the data, one text row per marker, so close markers (t_grok near ln α / λ)
/// stay legible.
pub(crate) fn draw_markers<DB: DrawingBackend>(
    chart: &mut Chart<'_, DB>,
    y: (f64, f64),
    markers: &[(String, f64, [u8; 3])],
    labelled: bool,
) -> Result<(), String> {
    let x_span = chart.x_range();
    for (row, (name, x, color)) in markers.iter().enumerate() {
        if !x_span.contains(x) {
            continue;
        }
        chart
            .draw_series(DashedLineSeries::new(
                [(*x, y.0), (*x, y.1)],
                6,
                4,
                rgb(*color).stroke_width(2),
            ))
            .map_err(drawing_error)?;
        if labelled {
            let at = y.1 - (y.1 - y.0) * (0.01 + 0.055 * row as f64);
            // Right of the line, or left of it in the last quarter of the axis.
            let span = x_span.end - x_span.start;
            let (dx, anchor) = if *x < x_span.start + 0.75 * span {
                (0.008 * span, HPos::Left)
            } else {
                (-0.012 * span, HPos::Right)
            };
            let font = (FONT, 15)
                .into_font()
                .color(&rgb(*color))
                .pos(Pos::new(anchor, VPos::Top));
            chart
                .draw_series(std::iter::once(Text::new(
                    name.clone(),
                    (*x + dx, at),
                    font,
                )))
                .map_err(drawing_error)?;
        }
    }
    Ok(())
}
