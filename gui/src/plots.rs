//! The trajectory plots: every metric against log-time, with the transition markers.

use egui::{Color32, Id, Ui};
use egui_plot::{GridMark, Legend, Line, LineStyle, Plot, PlotPoints, VLine};
use grokflow_core::Metrics;

use crate::run_data::RunData;

/// One curve of a panel.
struct Series {
    name: &'static str,
    value: fn(&Metrics) -> Option<f64>,
    dashed: bool,
}

/// One plot: a title and its curves, optionally on a log10 y axis.
struct Panel {
    title: &'static str,
    series: &'static [Series],
    log_y: bool,
}

const fn series(name: &'static str, value: fn(&Metrics) -> Option<f64>, dashed: bool) -> Series {
    Series {
        name,
        value,
        dashed,
    }
}

const PANELS: [Panel; 6] = [
    Panel {
        title: "Accuracy",
        series: &[
            series("train acc", |m| m.train_acc, true),
            series("test acc", |m| m.test_acc, false),
        ],
        log_y: false,
    },
    Panel {
        title: "Loss (log10)",
        series: &[
            series("train loss", |m| Some(m.train_loss), true),
            series("test loss", |m| Some(m.test_loss), false),
        ],
        log_y: true,
    },
    Panel {
        title: "Parameter norm |θ| (dotted: |θ(0)|·exp(-λt))",
        series: &[series("|θ|", |m| Some(m.param_norm), false)],
        log_y: false,
    },
    Panel {
        title: "Normalised margin min yf / |θ|^L",
        series: &[series("margin", |m| m.margin, false)],
        log_y: false,
    },
    Panel {
        title: "Cosine of w with the kernel (dashed) and rich predictors",
        series: &[
            series("cos kernel", |m| m.cos_kernel, true),
            series("cos rich", |m| m.cos_rich, false),
        ],
        log_y: false,
    },
    Panel {
        title: "Structure: singular values of W, or |w|₁",
        series: &[
            series("σ₁", |m| m.singular_values.map(|s| s[0]), false),
            series("σ₂", |m| m.singular_values.map(|s| s[1]), true),
            series("σ₃", |m| m.singular_values.map(|s| s[2]), true),
            series("|w|₁", |m| m.w_l1, false),
        ],
        log_y: false,
    },
];

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

/// Draws every panel that has data for `runs` (the first is the live run), two per row.
pub fn show(ui: &mut Ui, runs: &[&RunData]) {
    let visible: Vec<&Panel> = PANELS
        .iter()
        .filter(|p| {
            runs.iter()
                .any(|r| p.series.iter().any(|s| !points(r, s, p.log_y).is_empty()))
        })
        .collect();
    let rows = visible.len().div_ceil(2).max(1);
    let height = ((ui.available_height() - 28.0 * rows as f32) / rows as f32).max(120.0);
    let link = Id::unique("time-axis");
    for pair in visible.chunks(2) {
        ui.columns(2, |columns| {
            for (column, panel) in columns.iter_mut().zip(pair) {
                column.label(panel.title);
                panel_plot(column, panel, runs, height, link);
            }
        });
    }
}

fn panel_plot(ui: &mut Ui, panel: &Panel, runs: &[&RunData], height: f32, link: Id) {
    let mut plot = Plot::new(panel.title)
        .height(height)
        .legend(Legend::default())
        .link_axis(link, [true, false])
        .x_axis_formatter(power_of_ten);
    if panel.log_y {
        plot = plot.y_axis_formatter(power_of_ten);
    }
    plot.show(ui, |plot| {
        for (r, run) in runs.iter().enumerate() {
            for s in panel.series {
                let pts = points(run, s, panel.log_y);
                if pts.is_empty() {
                    continue;
                }
                let name = if r == 0 {
                    s.name.to_owned()
                } else {
                    format!("{} · {}", s.name, run.label)
                };
                let style = if s.dashed {
                    LineStyle::dashed_dense()
                } else {
                    LineStyle::Solid
                };
                plot.line(
                    Line::new(name, PlotPoints::from(pts))
                        .color(run.color)
                        .style(style),
                );
            }
            if panel.title.starts_with("Parameter norm") {
                reference_decay(plot, run);
            }
        }
        if let Some(run) = runs.first() {
            markers(plot, run);
        }
    });
}

/// ‖θ(0)‖·e^{−λt}, the kernel-phase decay of the norm.
fn reference_decay(plot: &mut egui_plot::PlotUi<'_>, run: &RunData) {
    let Some(start) = run.records.first().map(|m| m.param_norm) else {
        return;
    };
    let Some(end) = run.log10_t() else { return };
    let lambda = run.config.lambda;
    let pts: Vec<[f64; 2]> = (0..=100)
        .map(|i| -2.0 + (end + 2.0) * f64::from(i) / 100.0)
        .map(|x| [x, start * (-lambda * 10f64.powf(x)).exp()])
        .collect();
    plot.line(
        Line::new(
            format!("|θ(0)|exp(-λt) {}", run.label),
            PlotPoints::from(pts),
        )
        .color(run.color.gamma_multiply(0.5))
        .style(LineStyle::dotted_dense()),
    );
}

/// Vertical markers at ln α / λ and the detected transitions.
fn markers(plot: &mut egui_plot::PlotUi<'_>, run: &RunData) {
    let t = run.transitions;
    let marks = [
        (
            "ln α / λ",
            run.config.t_predicted().map(f64::log10),
            Color32::GRAY,
        ),
        ("t_fit", t.log10_t_fit, Color32::from_rgb(90, 160, 255)),
        ("t_grok", t.log10_t_grok, Color32::from_rgb(80, 200, 120)),
        ("t_drop", t.log10_t_drop, Color32::from_rgb(230, 120, 60)),
    ];
    for (name, x, color) in marks {
        if let Some(x) = x.filter(|x| x.is_finite()) {
            plot.vline(
                VLine::new(name, x)
                    .color(color)
                    .style(LineStyle::dashed_loose()),
            );
        }
    }
}
