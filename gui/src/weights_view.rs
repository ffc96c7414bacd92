//! The parameters themselves: sparsity emerging in w, W becoming X*, the MLP's first layer.

use egui::{Color32, Ui};
use egui_plot::{Heatmap, Legend, MarkerShape, Plot, PlotPoints, Points};

use crate::worker::{MAX_STEMS, Weights};

/// Draws the latest snapshot of the live run.
pub fn show(ui: &mut Ui, weights: Option<&Weights>) {
    let Some(weights) = weights else {
        ui.label("Start a run to see its parameters.");
        return;
    };
    let height = ui.available_height() - 30.0;
    match weights {
        Weights::Stems { points, truth } => {
            ui.label(format!(
                "Effective weights w = u^L − v^L (stems; at most {MAX_STEMS}: the largest and an \
                 even sample) and the ground truth w* (circles)"
            ));
            // Only the non-zero entries of w*, so a sparse truth does not hide w.
            let support: Vec<[f64; 2]> = truth.iter().copied().filter(|p| p[1] != 0.0).collect();
            Plot::new("stems")
                .height(height)
                .legend(Legend::default())
                .show(ui, |plot| {
                    plot.points(
                        Points::new("w* (non-zero)", PlotPoints::from(support))
                            .shape(MarkerShape::Circle)
                            .filled(false)
                            .radius(5.0)
                            .color(Color32::from_rgb(230, 120, 60)),
                    );
                    plot.points(
                        Points::new("w", PlotPoints::from(points.clone()))
                            .stems(0.0)
                            .radius(2.0)
                            .color(Color32::from_rgb(90, 160, 255)),
                    );
                });
        }
        Weights::Matrix { d, w, truth } => {
            ui.label("W = UU^T − VV^T (left) against the ground truth X* (right)");
            let (lo, hi) = range(w.iter().chain(truth.iter()));
            ui.columns(2, |columns| {
                for (column, (name, values)) in columns.iter_mut().zip([("W", w), ("X*", truth)]) {
                    Plot::new(name)
                        .height(height)
                        .data_aspect(1.0)
                        .show(column, |plot| {
                            plot.heatmap(
                                Heatmap::new(values.clone(), *d)
                                    .range(lo, hi)
                                    .show_labels(false)
                                    .name(name),
                            );
                        });
                }
            });
        }
        Weights::Layer { rows, cols, values } => {
            ui.label(format!(
                "First-layer weights W1: {rows} input units (one-hot a, then b) × {cols} hidden units"
            ));
            let (lo, hi) = range(values.iter());
            Plot::new("layer").height(height).show(ui, |plot| {
                plot.heatmap(
                    Heatmap::new(values.clone(), *cols)
                        .range(lo, hi)
                        .show_labels(false)
                        .name("W1"),
                );
            });
        }
    }
}

/// A colour range symmetric about 0 that covers every value.
fn range<'a>(values: impl Iterator<Item = &'a f64>) -> (f64, f64) {
    let m = values.fold(0.0f64, |m, v| m.max(v.abs())).max(1e-12);
    (-m, m)
}
