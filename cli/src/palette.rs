//! Colours shared by every picture grokflow makes (the explorer's panels and phase diagram,
//! `grokflow run --plot`, `grokflow sweep --png/--svg`), so a quantity or an outcome looks
//! the same wherever it is shown.

use grokflow_core::sweep::Outcome;
use plotters::style::colors::colormaps::{ColorMap, ViridisRGB};

/// Train accuracy and train loss.
pub const TRAIN: [u8; 3] = [31, 119, 180];
/// Test accuracy and test loss.
pub const TEST: [u8; 3] = [255, 127, 14];
/// The parameter norm ‖θ‖.
pub const NORM: [u8; 3] = [44, 160, 44];
/// The normalised margin.
pub const MARGIN: [u8; 3] = [148, 103, 189];
/// The kernel-regime (max-L2-margin, min-L2-norm) predictor.
pub const KERNEL: [u8; 3] = [23, 190, 207];
/// The rich-regime (max-L1-margin, min-nuclear-norm) predictor.
pub const RICH: [u8; 3] = [214, 39, 40];
/// The singular values σ₁, σ₂, σ₃ of W.
pub const SINGULAR: [[u8; 3]; 3] = [[188, 189, 34], [140, 86, 75], [227, 119, 194]];
/// ‖w‖₁ of a diagonal net.
pub const L1: [u8; 3] = [255, 152, 150];
/// The predicted transition ln α / λ.
pub const PREDICTED: [u8; 3] = [127, 127, 127];
/// t_drop, where a misgrokking run loses its test accuracy.
pub const DROP: [u8; 3] = [214, 39, 40];

/// The colour of an outcome class, as RGB.
pub const fn outcome_rgb(outcome: Outcome) -> [u8; 3] {
    match outcome {
        Outcome::NoFit => [90, 90, 90],
        Outcome::Memorise => [200, 80, 80],
        Outcome::Generalise => [90, 160, 255],
        Outcome::Grok => [80, 200, 120],
        Outcome::Misgrok => [230, 160, 40],
        Outcome::Diverged => [160, 60, 200],
    }
}

/// Runs drawn together (`grokflow run --alpha 1,10,100 --plot`): the Okabe–Ito colours
/// that read on white, distinct also to colour-blind eyes.
pub const SERIES: [[u8; 3]; 7] = [
    [0, 114, 178],
    [230, 159, 0],
    [0, 158, 115],
    [204, 121, 167],
    [86, 180, 233],
    [213, 94, 0],
    [0, 0, 0],
];

/// The colour of run `i` of `n` drawn together: [`SERIES`] while it lasts, the [`ramp`]
/// (dark to light, in the order given) for more.
pub fn series(i: usize, n: usize) -> [u8; 3] {
    match SERIES.get(i) {
        Some(&c) if n <= SERIES.len() => c,
        _ => ramp(i as f64 / n.saturating_sub(1).max(1) as f64 * 0.9),
    }
}

/// Viridis (dark blue → green → yellow, perceptually even), `s` in [0, 1]: the colour of
/// a time on a colour bar (log t_grok in the phase diagram and the sweep maps).
pub fn ramp(s: f64) -> [u8; 3] {
    let c = ViridisRGB.get_color(s.clamp(0.0, 1.0) as f32);
    [c.0, c.1, c.2]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn outcomes_and_quantities_have_distinct_colours_and_the_ramp_runs_dark_to_light() {
        for (i, a) in Outcome::ALL.into_iter().enumerate() {
            for b in Outcome::ALL.into_iter().skip(i + 1) {
                assert_ne!(outcome_rgb(a), outcome_rgb(b), "{a:?} and {b:?}");
            }
        }
        // Quantities that share a panel must differ.
        let panels: [&[[u8; 3]]; 4] = [
            &[TRAIN, TEST],
            &[KERNEL, RICH],
            &[SINGULAR[0], SINGULAR[1], SINGULAR[2], L1],
            &[TRAIN, TEST, PREDICTED, DROP],
        ];
        for panel in panels {
            for (i, a) in panel.iter().enumerate() {
                assert!(panel[i + 1..].iter().all(|b| a != b), "{panel:?}");
            }
        }
        let luminance =
            |[r, g, b]: [u8; 3]| 0.3 * f64::from(r) + 0.59 * f64::from(g) + 0.11 * f64::from(b);
        let steps: Vec<f64> = (0..=10)
            .map(|i| luminance(ramp(f64::from(i) / 10.0)))
            .collect();
        assert!(steps.windows(2).all(|w| w[0] < w[1]), "{steps:?}");
        assert_eq!(ramp(2.0), ramp(1.0));
        for n in [3, 7, 12] {
            for i in 0..n {
                assert!(
                    (i + 1..n).all(|j| series(i, n) != series(j, n)),
                    "{i} of {n}"
                );
            }
        }
    }
}
