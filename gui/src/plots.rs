//! The trajectory plots: every metric against log-time, with the transition markers named
//! on the plots and one legend row above the panels (so no legend covers data).
//!
//! A quantity has one colour everywhere (the [`palette`] the command-line figures use);
//! runs differ by line pattern: the live run solid, each pinned run its own dashes.

use egui::{Align2, Color32, Id, RichText, Stroke, Ui};
use egui_plot::{GridMark, HoverPosition, Line, LineStyle, Plot, PlotPoints, PlotUi, Text, VLine};
use grokflow_cli::number::{short, time};
use grokflow_cli::palette;
use grokflow_core::Metrics;

use crate::run_data::RunData;

/// One curve of a panel.
struct Series {
    name: &'static str,
    value: fn(&Metrics) -> Option<f64>,
    color: [u8; 3],
}

/// One plot: a title and its curves, optionally on a log10 y axis.
struct Panel {
    title: &'static str,
    series: &'static [Series],
    log_y: bool,
    /// Draw ‖θ(0)‖·e^{−λt} with the curves.
    decay: bool,
}

const fn series(name: &'static str, value: fn(&Metrics) -> Option<f64>, color: [u8; 3]) -> Series {
    Series { name, value, color }
}

const PANELS: [Panel; 6] = [
    Panel {
        title: "Accuracy",
        series: &[
            series("train acc", |m| m.train_acc, palette::TRAIN),
            series("test acc", |m| m.test_acc, palette::TEST),
        ],
        log_y: false,
        decay: false,
    },
    Panel {
        title: "Loss (log10)",
        series: &[
            series("train loss", |m| Some(m.train_loss), palette::TRAIN),
            series("test loss", |m| Some(m.test_loss), palette::TEST),
        ],
        log_y: true,
        decay: false,
    },
    Panel {
        title: "Parameter norm |θ|",
        series: &[series("|θ|", |m| Some(m.param_norm), palette::NORM)],
        log_y: false,
        decay: true,
    },
    Panel {
        title: "Normalised margin min yf / |θ|^L",
        series: &[series("margin", |m| m.margin, palette::MARGIN)],
        log_y: false,
        decay: false,
    },
    Panel {
        title: "Cosine of w with the kernel and rich predictors",
        series: &[
            series(
                "cos kernel (max-L2-margin)",
                |m| m.cos_kernel,
                palette::KERNEL,
            ),
            series("cos rich (max-L1-margin)", |m| m.cos_rich, palette::RICH),
        ],
        log_y: false,
        decay: false,
    },
    Panel {
        title: "Structure: singular values of W, or |w|₁",
        series: &[
            series(
                "σ₁",
                |m| m.singular_values.map(|s| s[0]),
                palette::SINGULAR[0],
            ),
            series(
                "σ₂",
                |m| m.singular_values.map(|s| s[1]),
                palette::SINGULAR[1],
            ),
            series(
                "σ₃",
                |m| m.singular_values.map(|s| s[2]),
                palette::SINGULAR[2],
            ),
            series("|w|₁", |m| m.w_l1, palette::L1),
        ],
        log_y: false,
        decay: false,
    },
];

/// The name of the kernel-phase decay curve.
const DECAY: &str = "|θ(0)|·exp(−λt)";

/// An RGB triple of the palette as an egui colour.
pub fn color([r, g, b]: [u8; 3]) -> Color32 {
    Color32::from_rgb(r, g, b)
}

/// The line pattern of a run: solid for the live run, a dash pattern per pinned run.
pub fn run_style(style: usize) -> LineStyle {
    match style {
        0 => LineStyle::Solid,
        k => [
            LineStyle::dashed_loose(),
            LineStyle::dotted_dense(),
            LineStyle::dashed_dense(),
            LineStyle::dotted_loose(),
        ][(k - 1) % 4],
    }
}

/// `10^k` tick labels for a log10 axis.
fn power_of_ten(mark: GridMark, _range: &std::ops::RangeInclusive<f64>) -> String {
    let k = mark.value;
    if (k - k.round()).abs() < 1e-9 {
        format!("1e{}", k.round())
    } else {
        String::new()
    }
}

/// The points of one series of a run, x = log10 t (t = 0 has no place on a log axis).
fn points(run: &RunData, series: &Series, log_y: bool) -> Vec<[f64; 2]> {
    run.records
        .iter()
        .filter_map(|m| {
            let x = m.log10_t?;
            let y = (series.value)(m)?;
            if log_y {
                (y > 0.0).then(|| [x, y.log10()])
            } else {
                Some([x, y])
            }
        })
        .collect()
}

/// Draws every panel that has data for `runs` (the first is the live run), two per row,
/// under one legend row; `cursor` (a `log10 t`) is drawn as a vertical line on each.
pub fn show(ui: &mut Ui, runs: &[&RunData], cursor: Option<f64>) {
    let visible: Vec<&Panel> = PANELS
        .iter()
        .filter(|p| {
            runs.iter()
                .any(|r| p.series.iter().any(|s| !points(r, s, p.log_y).is_empty()))
        })
        .collect();
    legend(ui, &visible, runs);
    let rows = visible.len().div_ceil(2).max(1);
    let height = ((ui.available_height() - 28.0 * rows as f32) / rows as f32).max(120.0);
    let link = Id::unique("time-axis");
    for pair in visible.chunks(2) {
        ui.columns(2, |columns| {
            for (column, panel) in columns.iter_mut().zip(pair) {
                column.label(panel.title);
                panel_plot(column, panel, runs, height, link, cursor);
            }
        });
    }
}

/// One row naming every quantity shown (in its colour) and, with pinned runs, every run
/// (in its line pattern).
fn legend(ui: &mut Ui, panels: &[&Panel], runs: &[&RunData]) {
    let mut keys = Vec::new();
    for panel in panels {
        for s in panel.series {
            if runs.iter().any(|r| !points(r, s, panel.log_y).is_empty()) {
                keys.push((s.name, s.color, Swatch::Line(LineStyle::Solid)));
            }
        }
        if panel.decay {
            keys.push((
                DECAY,
                palette::PREDICTED,
                Swatch::Line(LineStyle::dotted_dense()),
            ));
        }
    }
    legend_row(ui, &keys);
    if runs.len() > 1 {
        ui.horizontal_wrapped(|ui| {
            for run in runs {
                let text = ui.visuals().text_color();
                swatch(ui, text, Swatch::Line(run_style(run.style)));
                let who = if run.style == 0 { "live" } else { "pinned" };
                ui.label(RichText::new(format!("{who}: {}", run.label)).small());
            }
        });
    }
}

/// How a legend entry shows its series.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Swatch {
    /// A line in this pattern.
    Line(LineStyle),
    /// A filled dot.
    Marker,
    /// An open circle.
    Ring,
    /// A filled square (a class of cells).
    Square,
}

/// A row of legend entries, each its swatch in its colour and its name; drawn above a plot,
/// never on it.
pub fn legend_row(ui: &mut Ui, keys: &[(&str, [u8; 3], Swatch)]) {
    ui.horizontal_wrapped(|ui| {
        for &(name, rgb, kind) in keys {
            swatch(ui, color(rgb), kind);
            ui.label(name);
        }
    });
}

/// A short sample of a series in `color`.
fn swatch(ui: &mut Ui, color: Color32, kind: Swatch) {
    let (rect, _) = ui.allocate_exact_size(egui::vec2(28.0, 12.0), egui::Sense::hover());
    let (a, b, c) = (rect.left_center(), rect.right_center(), rect.center());
    let stroke = Stroke::new(2.5, color);
    let painter = ui.painter();
    match kind {
        Swatch::Line(LineStyle::Solid) => {
            painter.line_segment([a, b], stroke);
        }
        Swatch::Line(LineStyle::Dashed { length }) => {
            painter.extend(egui::Shape::dashed_line(
                &[a, b],
                stroke,
                length,
                length * 0.6,
            ));
        }
        Swatch::Line(LineStyle::Dotted { spacing }) => {
            painter.extend(egui::Shape::dotted_line(&[a, b], color, spacing, 1.5));
        }
        Swatch::Marker => {
            painter.circle_filled(c, 4.0, color);
        }
        Swatch::Ring => {
            painter.circle_stroke(c, 5.0, Stroke::new(1.5, color));
        }
        Swatch::Square => {
            painter.rect_filled(
                egui::Rect::from_center_size(c, egui::vec2(12.0, 12.0)),
                2.0,
                color,
            );
        }
    }
}

fn panel_plot(
    ui: &mut Ui,
    panel: &Panel,
    runs: &[&RunData],
    height: f32,
    link: Id,
    cursor: Option<f64>,
) {
    let log_y = panel.log_y;
    // The markers are named in a band above the data; computed from the data (not from the
    // plot's bounds, which the names would then push up frame after frame).
    let (lo, hi) = runs
        .iter()
        .flat_map(|r| panel.series.iter().flat_map(|s| points(r, s, log_y)))
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), p| {
            (lo.min(p[1]), hi.max(p[1]))
        });
    let span = if hi > lo { hi - lo } else { 1.0 };
    let band_top = hi + 0.35 * span;
    let mut plot = Plot::new(panel.title)
        .height(height)
        .link_axis(link, [true, false])
        .link_cursor(link, [true, false])
        .x_axis_formatter(power_of_ten)
        .label_formatter(move |position| hover_text(position, log_y));
    if band_top.is_finite() {
        plot = plot.include_y(band_top);
    }
    if log_y {
        plot = plot.y_axis_formatter(power_of_ten);
    }
    let cursor_color = ui.visuals().strong_text_color();
    plot.show(ui, |plot| {
        for run in runs {
            let style = run_style(run.style);
            for s in panel.series {
                let pts = points(run, s, log_y);
                if pts.is_empty() {
                    continue;
                }
                let name = if run.style == 0 {
                    s.name.to_owned()
                } else {
                    format!("{} · {}", s.name, run.label)
                };
                plot.line(
                    Line::new(name, PlotPoints::from(pts))
                        .color(color(s.color))
                        .style(style)
                        .width(2.0),
                );
            }
            if panel.decay {
                reference_decay(plot, run);
            }
        }
        if let Some(run) = runs.first()
            && band_top.is_finite()
        {
            markers(plot, run, band_top, 0.08 * span);
        }
        if let Some(x) = cursor {
            plot.vline(
                VLine::new("cursor", x)
                    .color(cursor_color)
                    .width(1.5)
                    .allow_hover(false),
            );
        }
    });
}

/// "test acc\nt = 3162\n0.982": the series, the time and the value under the pointer.
fn hover_text(position: &HoverPosition<'_>, log_y: bool) -> Option<String> {
    let (name, p) = match position {
        HoverPosition::NearDataPoint {
            plot_name,
            position,
            ..
        } => (*plot_name, position),
        HoverPosition::Elsewhere { position } => ("", position),
    };
    let y = if log_y { 10f64.powf(p.y) } else { p.y };
    let t = format!("t = {}", time(p.x));
    Some(if name.is_empty() {
        t
    } else {
        format!("{name}\n{t}\n{}", short(y))
    })
}

/// ‖θ(0)‖·e^{−λt}, the kernel-phase decay of the norm.
fn reference_decay(plot: &mut PlotUi<'_>, run: &RunData) {
    let Some(start) = run.records.first().map(|m| m.param_norm) else {
        return;
    };
    let Some(end) = run.log10_t() else { return };
    let lambda = run.progress.config.lambda;
    let pts: Vec<[f64; 2]> = (0..=100)
        .map(|i| -2.0 + (end + 2.0) * f64::from(i) / 100.0)
        .map(|x| [x, start * (-lambda * 10f64.powf(x)).exp()])
        .collect();
    let name = if run.style == 0 {
        DECAY.to_owned()
    } else {
        format!("{DECAY} · {}", run.label)
    };
    plot.line(
        Line::new(name, PlotPoints::from(pts))
            .color(color(palette::PREDICTED))
            .style(LineStyle::dotted_dense()),
    );
}

/// Vertical markers at ln α / λ and the detected transitions, each named beside its line
/// from `top` down, one text row of `row_height` per marker so close ones stay legible.
fn markers(plot: &mut PlotUi<'_>, run: &RunData, top: f64, row_height: f64) {
    let t = run.progress.transitions;
    let marks = [
        (
            "ln α/λ",
            run.progress.config.t_predicted().map(f64::log10),
            palette::PREDICTED,
        ),
        ("t_fit", t.log10_t_fit, palette::TRAIN),
        ("t_grok", t.log10_t_grok, palette::TEST),
        ("t_drop", t.log10_t_drop, palette::DROP),
    ];
    let bounds = plot.plot_bounds();
    // Names right of their line, or left of it in the last quarter of the visible axis.
    let right_quarter = bounds.max()[0] - 0.25 * bounds.width();
    let mut row = 0.0;
    for (name, x, rgb) in marks {
        let Some(x) = x.filter(|x| x.is_finite()) else {
            continue;
        };
        plot.vline(
            VLine::new(name, x)
                .color(color(rgb))
                .style(LineStyle::dashed_loose()),
        );
        let (text, anchor) = if x < right_quarter {
            (format!(" {name} = {}", time(x)), Align2::LEFT_TOP)
        } else {
            (format!("{name} = {} ", time(x)), Align2::RIGHT_TOP)
        };
        plot.text(
            Text::new(
                name,
                [x, top - row * row_height].into(),
                RichText::new(text).small(),
            )
            .color(color(rgb))
            .anchor(anchor),
        );
        row += 1.0;
    }
}
