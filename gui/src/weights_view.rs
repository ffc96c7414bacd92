//! The parameters at the selected time, in the view that shows each model's dichotomy:
//! - diagonal nets: w against w*, with the max-L2-margin (kernel) and max-L1-margin (rich)
//!   predictors overlaid: dense w near the first early, sparse w near the second late;
//! - matrix completion: W beside X* with the observed entries marked, and W's singular
//!   values: many early, one (rank 1) late;
//! - the MLP on a + b mod p: the power of each frequency of Z_p in every hidden unit's
//!   first-layer weights: spread early, a few frequencies late.

use egui::{Color32, RichText, Ui};
use egui_plot::{Bar, BarChart, Heatmap, MarkerShape, Plot, PlotPoints, Points};
use grokflow_cli::number::{short, time};
use grokflow_cli::palette;

use crate::plots::{Swatch, color, legend_row};
use crate::run_data::RunData;
use crate::weights::{MAX_STEMS, Reference, Weights};

/// Blue – white – red, for signed values centred on 0.
const DIVERGING: [Color32; 3] = [
    Color32::from_rgb(49, 54, 149),
    Color32::from_rgb(247, 247, 247),
    Color32::from_rgb(165, 0, 38),
];

/// Draws `run`'s snapshot at `log10_t` (the latest when None).
pub fn show(ui: &mut Ui, run: Option<&RunData>, log10_t: Option<f64>) {
    let Some(run) = run else {
        ui.label("Start a run to see its parameters.");
        return;
    };
    let snapshot = match log10_t {
        Some(x) => run.snapshots.at(x),
        None => run.snapshots.last(),
    };
    let Some(snapshot) = snapshot else {
        ui.label("No parameter snapshot yet.");
        return;
    };
    let empty = Reference::default();
    let reference = run.reference.as_ref().unwrap_or(&empty);
    let when = if snapshot.log10_t.is_finite() {
        format!("t = {}", time(snapshot.log10_t))
    } else {
        "t = 0".to_owned()
    };
    ui.label(
        RichText::new(format!(
            "Parameters at {when} ({} snapshots kept, {:.1} MB)",
            run.snapshots.len(),
            run.snapshots.bytes() as f64 / 1e6
        ))
        .strong(),
    );
    match &snapshot.weights {
        Weights::Stems { points, norm } => stems(ui, points, *norm, reference),
        Weights::Matrix { d, w, singular } => matrix(ui, *d, w, singular, reference),
        Weights::Fourier { p, width, power } => {
            // Units keep the order of the latest snapshot, so rows do not jump during Play.
            let latest = match run.snapshots.last().map(|s| &s.weights) {
                Some(Weights::Fourier { power, .. }) => power.as_slice(),
                _ => power.as_slice(),
            };
            fourier(ui, *p, *width, power, latest);
        }
    }
}

/// Names of the reference predictors in the stems view.
const KERNEL_NAME: &str = "max-L2-margin (kernel)";
const RICH_NAME: &str = "max-L1-margin (rich)";

fn stems(ui: &mut Ui, points: &[[f64; 2]], norm: f64, reference: &Reference) {
    ui.label(format!(
        "Effective weights w = u^L − v^L (stems; at most {MAX_STEMS}: the largest and an even \
         sample), the ground truth w* (non-zero entries), and the max-L2-margin (kernel) and \
         max-L1-margin (rich) predictors scaled to |w|, at the same coordinates"
    ));
    let at = |values: &[f64]| -> Vec<[f64; 2]> {
        points
            .iter()
            .map(|p| [p[0], values.get(p[0] as usize).copied().unwrap_or(0.0)])
            .collect()
    };
    // A direction drawn at w's length, so that w can be compared with it entry by entry.
    let scaled = |p: &Vec<f64>| -> Vec<f64> {
        let length = p.iter().map(|v| v * v).sum::<f64>().sqrt();
        let k = if length > 0.0 { norm / length } else { 0.0 };
        p.iter().map(|v| v * k).collect()
    };
    let truth: Vec<[f64; 2]> = at(&reference.truth)
        .into_iter()
        .filter(|p| p[1] != 0.0)
        .collect();
    let kernel = reference.kernel.as_ref().map(|p| at(&scaled(p)));
    let rich = reference.rich.as_ref().map(|p| at(&scaled(p)));
    let mut keys = vec![
        ("w", palette::NORM, Swatch::Marker),
        ("w* (non-zero)", palette::TEST, Swatch::Ring),
    ];
    if kernel.is_some() {
        keys.push((KERNEL_NAME, palette::KERNEL, Swatch::Marker));
        keys.push((RICH_NAME, palette::RICH, Swatch::Marker));
    }
    legend_row(ui, &keys);
    let height = ui.available_height() - 8.0;
    Plot::new("stems")
        .height(height)
        .x_axis_label("coordinate j")
        .show(ui, |plot| {
            // w first: the predictors it is compared with stay visible on top of it.
            plot.points(
                Points::new("w", PlotPoints::from(points.to_vec()))
                    .stems(0.0)
                    .radius(2.5)
                    .color(color(palette::NORM)),
            );
            let predictors = [
                (
                    KERNEL_NAME,
                    kernel,
                    MarkerShape::Diamond,
                    1.5,
                    palette::KERNEL,
                ),
                (RICH_NAME, rich, MarkerShape::Square, 3.0, palette::RICH),
            ];
            for (name, values, shape, radius, rgb) in predictors {
                if let Some(values) = values {
                    plot.points(
                        Points::new(name, PlotPoints::from(values))
                            .shape(shape)
                            .radius(radius)
                            .color(color(rgb)),
                    );
                }
            }
            plot.points(
                Points::new("w* (non-zero)", PlotPoints::from(truth))
                    .shape(MarkerShape::Circle)
                    .filled(false)
                    .radius(6.0)
                    .color(color(palette::TEST)),
            );
        });
}

fn matrix(ui: &mut Ui, d: usize, w: &[f64], singular: &[f64], reference: &Reference) {
    let m = w
        .iter()
        .chain(&reference.truth)
        .fold(1e-12f64, |m, v| m.max(v.abs()));
    ui.label(format!(
        "W = UU^T − VV^T beside the ground truth X* (row i up, column j right; dots: the {} \
         observed entries), one colour scale from −{} to {}; and W's singular values",
        reference.observed.len(),
        short(m),
        short(m)
    ));
    let observed: Vec<[f64; 2]> = reference
        .observed
        .iter()
        .map(|&(i, j)| [j as f64 + 0.5, i as f64 + 0.5])
        .collect();
    let side = (ui.available_width() / 2.0 - 60.0)
        .min(ui.available_height() * 0.62)
        .max(120.0);
    ui.horizontal(|ui| {
        for (name, values) in [("W", w), ("X*", reference.truth.as_slice())] {
            ui.vertical(|ui| {
                ui.label(name);
                fixed(Plot::new(name))
                    .width(side)
                    .height(side)
                    .default_x_bounds(0.0, d as f64)
                    .default_y_bounds(0.0, d as f64)
                    .show(ui, |plot| {
                        plot.heatmap(
                            Heatmap::new(values.to_vec(), d)
                                .range(-m, m)
                                .palette(&DIVERGING)
                                .show_labels(false)
                                .name(name),
                        );
                        plot.points(
                            Points::new("observed", PlotPoints::from(observed.clone()))
                                .radius(1.2)
                                .color(Color32::BLACK),
                        );
                    });
            });
        }
        colour_bar(ui, "colour bar", -m, m, &DIVERGING, side);
    });
    ui.label("Singular values of W, largest first");
    let bars: Vec<Bar> = singular
        .iter()
        .enumerate()
        .map(|(i, &s)| Bar::new((i + 1) as f64, s).width(0.8))
        .collect();
    Plot::new("singular values")
        .height(ui.available_height() - 8.0)
        .x_axis_label("index")
        .include_y(0.0)
        .show(ui, |plot| {
            plot.bar_chart(BarChart::new("σ", bars).color(color(palette::SINGULAR[0])));
        });
}

/// A plot that stays at its default bounds (a matrix or a colour bar): no drag, zoom or
/// scroll.
fn fixed(plot: Plot<'_>) -> Plot<'_> {
    plot.allow_drag(false)
        .allow_zoom(false)
        .allow_scroll(false)
        .allow_boxed_zoom(false)
}

/// A vertical scale from `lo` to `hi` in `colors` (as a heat map with the same palette).
fn colour_bar(ui: &mut Ui, id: &str, lo: f64, hi: f64, colors: &[Color32], height: f32) {
    const STEPS: usize = 64;
    let values: Vec<f64> = (0..STEPS)
        .map(|i| lo + (hi - lo) * (i as f64 + 0.5) / STEPS as f64)
        .collect();
    ui.vertical(|ui| {
        ui.label("");
        fixed(Plot::new(id))
            .width(70.0)
            .height(height)
            .show_x(false)
            .show_axes([false, true])
            .show_grid(false)
            .default_x_bounds(0.0, 1.0)
            .default_y_bounds(lo, hi)
            .show(ui, |plot| {
                plot.heatmap(
                    Heatmap::new(values, 1)
                        .range(lo, hi)
                        .palette(colors)
                        .show_labels(false)
                        .at([0.0, lo].into())
                        .tile_size(1.0, ((hi - lo) / STEPS as f64) as f32),
                );
            });
    });
}

/// The MLP's Fourier view of `power`, units in the order of their strongest frequency
/// (k ≥ 1) in `order_by` (the latest snapshot), so units that share a frequency form a band.
fn fourier(ui: &mut Ui, p: usize, width: usize, power: &[f64], order_by: &[f64]) {
    let half = p / 2 + 1;
    let strongest = |row: &[f64]| {
        (1..half)
            .max_by(|&a, &b| row[a].total_cmp(&row[b]))
            .unwrap_or(0)
    };
    let mut order: Vec<(usize, usize)> = order_by
        .chunks_exact(half)
        .map(strongest)
        .enumerate()
        .collect();
    order.sort_by_key(|&(unit, top)| (top, unit));
    let rows: Vec<&[f64]> = power.chunks_exact(half).collect();
    // Each unit's power as a share of its total.
    let values: Vec<f64> = order
        .iter()
        .filter_map(|&(unit, _)| rows.get(unit))
        .flat_map(|row| {
            let total: f64 = row.iter().sum::<f64>().max(1e-300);
            row.iter().map(move |v| v / total)
        })
        .collect();
    let mut per_frequency = vec![0.0; half];
    for row in power.chunks_exact(half) {
        for (sum, v) in per_frequency.iter_mut().zip(row) {
            *sum += v;
        }
    }
    let total: f64 = per_frequency.iter().sum::<f64>().max(1e-300);
    let mut ranked: Vec<usize> = (1..half).collect();
    ranked.sort_by(|&a, &b| per_frequency[b].total_cmp(&per_frequency[a]));
    // exp(entropy) of the shares of k ≥ 1: the number of frequencies the power is spread
    // over (p/2 when even, 1 when all in one).
    let rest: f64 = per_frequency[1..].iter().sum::<f64>().max(1e-300);
    let entropy: f64 = per_frequency[1..]
        .iter()
        .map(|v| v / rest)
        .filter(|s| *s > 0.0)
        .map(|s| -s * s.ln())
        .sum();
    let top: Vec<String> = ranked
        .iter()
        .take(5)
        .map(|&k| format!("k={k} ({:.0}%)", 100.0 * per_frequency[k] / total))
        .collect();
    ui.label(format!(
        "First-layer weights of the {width} hidden units in the Fourier basis of Z_{p}: the \
         power of frequency k in each unit's weights from one-hot(a) and one-hot(b), as a \
         share of the unit's total (units sorted by their strongest k at the end). Strongest \
         frequencies: {}; effective number of frequencies exp(H) = {:.1} of {}",
        top.join(", "),
        entropy.exp(),
        half - 1
    ));
    let viridis: Vec<Color32> = (0..=16)
        .map(|i| color(palette::ramp(f64::from(i) / 16.0)))
        .collect();
    let height = ui.available_height() * 0.6;
    ui.horizontal(|ui| {
        Plot::new("fourier")
            .width(ui.available_width() - 90.0)
            .height(height)
            .x_axis_label("frequency k")
            .y_axis_label("hidden unit (sorted)")
            .default_x_bounds(-0.5, half as f64 - 0.5)
            .default_y_bounds(0.0, width as f64)
            .show(ui, |plot| {
                plot.heatmap(
                    Heatmap::new(values, half)
                        .at([-0.5, 0.0].into())
                        .range(0.0, 1.0)
                        .palette(&viridis)
                        .show_labels(false)
                        .name("share of the unit's power"),
                );
            });
        colour_bar(ui, "fourier colour bar", 0.0, 1.0, &viridis, height);
    });
    ui.label("Share of all first-layer power per frequency k");
    let bars: Vec<Bar> = per_frequency
        .iter()
        .enumerate()
        .map(|(k, v)| Bar::new(k as f64, v / total).width(0.8))
        .collect();
    Plot::new("frequency power")
        .height(ui.available_height() - 8.0)
        .x_axis_label("frequency k")
        .include_y(0.0)
        .show(ui, |plot| {
            plot.bar_chart(BarChart::new("share", bars).color(color(palette::NORM)));
        });
}
