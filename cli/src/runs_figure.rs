//! `grokflow run --alpha 1,10,100 --plot`: the runs of a list in one figure. Train (dashed)
//! and test (solid) accuracy of every run against t on a log axis, a colour per value; each
//! run's t_fit (open circle) and t_grok (filled circle) on its curves and its ln α / λ as a
//! dashed line in its colour; a legend row per run, above the plot, with its measured times.

use grokflow_core::Metrics;
use grokflow_core::summary::Summary;
use plotters::coord::Shift;
use plotters::prelude::*;

use crate::figure::{FONT, Figure, Key, Mark, drawing_error, legend_row, rgb};
use crate::flags::flag_name;
use crate::number::{precise_time, short, time};
use crate::palette::{PREDICTED, series};
use crate::run_figure::{Curve, bounds, draw_markers, draw_time_mesh, power_of_ten, y_values};

/// One finished run of the list: the value it was given, what it measured, its records.
pub struct ListedRun {
    /// The varied flag's value, as typed.
    pub value: String,
    /// Its summary.
    pub summary: Summary,
    /// Its records in time order.
    pub records: Vec<Metrics>,
}

/// Height of one legend row, in pixels.
const ROW: u32 = 30;
/// The colour of the keys that explain line styles and marks rather than a run.
const INK: [u8; 3] = [60, 60, 60];

/// The runs of `grokflow run` with a list in one flag.
pub struct RunsFigure<'a> {
    /// The varied field.
    pub field: &'a str,
    /// The runs, in the order given.
    pub runs: &'a [ListedRun],
    /// The preset they started from, for the title.
    pub preset: &'a str,
}

/// A run's train and test curves as `(log10 t, y)`: accuracy, or log10 loss for regression
/// (the run figure's [`y_values`]).
fn curves(records: &[Metrics], classifies: bool) -> [Vec<(f64, f64)>; 2] {
    let curve = |value: fn(&Metrics) -> Option<f64>| Curve {
        name: "",
        color: INK,
        value,
    };
    let pair = if classifies {
        [curve(|m| m.train_acc), curve(|m| m.test_acc)]
    } else {
        [curve(|m| Some(m.train_loss)), curve(|m| Some(m.test_loss))]
    };
    let [train, test]: [Vec<(f64, f64)>; 2] = y_values(&pair, records, !classifies)
        .try_into()
        .unwrap_or_default();
    [train, test]
}

/// `points` at `x`, linear between the records either side.
fn value_at(points: &[(f64, f64)], x: f64) -> Option<f64> {
    let after = points.partition_point(|p| p.0 < x);
    match (
        after.checked_sub(1).and_then(|i| points.get(i)),
        points.get(after),
    ) {
        (Some(&(x0, y0)), Some(&(x1, y1))) if x1 > x0 => {
            Some(y0 + (y1 - y0) * (x - x0) / (x1 - x0))
        }
        (_, Some(&(_, y))) | (Some(&(_, y)), None) => Some(y),
        (None, None) => None,
    }
}

impl RunsFigure<'_> {
    fn classifies(&self) -> bool {
        self.runs
            .iter()
            .any(|r| r.records.iter().any(|m| m.test_acc.is_some()))
    }

    fn title(&self) -> String {
        let Some(first) = self.runs.first() else {
            return self.preset.to_owned();
        };
        let c = &first.summary.config;
        // The fixed settings; the varied one is named before them.
        let lambda = if self.field == "lambda" {
            String::new()
        } else {
            format!("λ={}, ", short(c.lambda))
        };
        format!(
            "{} ({}): --{} {}; {lambda}{}, {}, seed {}",
            self.preset,
            c.task.name(),
            flag_name(self.field),
            self.runs
                .iter()
                .map(|r| r.value.as_str())
                .collect::<Vec<_>>()
                .join(","),
            c.integrator.name(),
            first.summary.precision,
            c.seed
        )
    }

    /// A run's legend entry: its value, outcome and measured times against ln α / λ.
    fn run_key(&self, run: &ListedRun) -> String {
        let tr = &run.summary.transitions;
        let predicted = run
            .summary
            .t_predicted
            .map_or_else(|| "—".to_owned(), short);
        format!(
            "{} = {}: {}, t_fit {}, t_grok {}, ln α/λ {predicted}",
            flag_name(self.field),
            run.value,
            grokflow_core::sweep::Outcome::of(&run.summary).name(),
            precise_time(tr.log10_t_fit),
            precise_time(tr.log10_t_grok),
        )
    }
}

impl Figure for RunsFigure<'_> {
    fn size(&self) -> (u32, u32) {
        (1200, 640 + ROW * (self.runs.len() as u32 + 1))
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<(), String> {
        root.fill(&WHITE).map_err(drawing_error)?;
        let (title, rest) = root.split_vertically(44);
        title
            .titled(&self.title(), (FONT, 22))
            .map_err(drawing_error)?;
        let classifies = self.classifies();
        // Losses are drawn on a log axis whose ticks name the loss itself.
        let what = if classifies { "accuracy" } else { "loss" };
        let (styles, mut rest) = rest.split_vertically(ROW);
        let train = format!("train {what}");
        let test = format!("test {what}");
        legend_row(
            &styles,
            &[
                Key {
                    name: &test,
                    color: INK,
                    mark: Mark::Line,
                },
                Key {
                    name: &train,
                    color: INK,
                    mark: Mark::Dashed,
                },
                Key {
                    name: "t_fit",
                    color: INK,
                    mark: Mark::Ring,
                },
                Key {
                    name: "t_grok",
                    color: INK,
                    mark: Mark::Dot,
                },
                Key {
                    name: "ln α/λ (dashed, in the run's colour)",
                    color: PREDICTED,
                    mark: Mark::Dashed,
                },
            ],
        )?;
        let n = self.runs.len();
        for (i, run) in self.runs.iter().enumerate() {
            let (row, below) = rest.split_vertically(ROW);
            let name = self.run_key(run);
            legend_row(
                &row,
                &[Key {
                    name: &name,
                    color: series(i, n),
                    mark: Mark::Line,
                }],
            )?;
            rest = below;
        }
        let all: Vec<[Vec<(f64, f64)>; 2]> = self
            .runs
            .iter()
            .map(|r| curves(&r.records, classifies))
            .collect();
        let predicted: Vec<(String, f64, [u8; 3])> = self
            .runs
            .iter()
            .enumerate()
            .filter_map(|(i, r)| {
                let x = r.summary.t_predicted.filter(|t| *t > 0.0)?.log10();
                let name = format!(
                    "ln α/λ = {} ({} = {})",
                    time(x),
                    flag_name(self.field),
                    r.value
                );
                Some((name, x, series(i, n)))
            })
            .collect();
        let events = |r: &ListedRun| {
            let tr = r.summary.transitions;
            [tr.log10_t_fit, tr.log10_t_grok]
        };
        let xs = all
            .iter()
            .flat_map(|c| c.iter().flatten().map(|p| p.0))
            .chain(predicted.iter().map(|m| m.1))
            .chain(
                self.runs
                    .iter()
                    .flat_map(|r| events(r).into_iter().flatten()),
            )
            .filter(|x| x.is_finite());
        let (x0, x1) = xs.fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), x| {
            (lo.min(x), hi.max(x))
        });
        let (x0, x1) = if x0 < x1 {
            (x0, x1)
        } else {
            (x0 - 1.0, x0 + 1.0)
        };
        let (y0, y1) = if classifies {
            (-0.02, 1.05)
        } else {
            bounds(&all.iter().flatten().cloned().collect::<Vec<_>>())
        };
        // A band above the data for the ln α/λ labels, one row each.
        let top = y1 + (y1 - y0) * (0.06 * predicted.len() as f64 + 0.02);
        let mut chart = ChartBuilder::on(&rest)
            .margin(12)
            .x_label_area_size(36)
            .y_label_area_size(70)
            .build_cartesian_2d(x0..x1, y0..top)
            .map_err(drawing_error)?;
        let y_label = |v: &f64| match () {
            () if *v > y1 => String::new(),
            () if classifies => short(*v),
            () => power_of_ten(v),
        };
        draw_time_mesh(&mut chart, what, &y_label)?;
        draw_markers(&mut chart, (y0, top), &predicted, true)?;
        for (i, (run, [train, test])) in self.runs.iter().zip(&all).enumerate() {
            let color = rgb(series(i, n));
            chart
                .draw_series(DashedLineSeries::new(
                    train.iter().copied(),
                    7,
                    5,
                    color.stroke_width(2),
                ))
                .map_err(drawing_error)?;
            chart
                .draw_series(LineSeries::new(test.iter().copied(), color.stroke_width(3)))
                .map_err(drawing_error)?;
            let [fit, grok] = events(run);
            let on = |curve: &[(f64, f64)], x: Option<f64>| {
                let x = x.filter(|x| x.is_finite() && (x0..=x1).contains(x))?;
                Some((x, value_at(curve, x)?))
            };
            if let Some(p) = on(train, fit) {
                chart
                    .draw_series(std::iter::once(Circle::new(p, 7, color.stroke_width(2))))
                    .map_err(drawing_error)?;
            }
            if let Some(p) = on(test, grok) {
                chart
                    .draw_series(std::iter::once(Circle::new(p, 7, color.filled())))
                    .map_err(drawing_error)?;
            }
        }
        Ok(())
    }
}
