//! Colours shared by every picture grokflow makes (the explorer's phase diagram and the
//! sweep's PNG), so an outcome looks the same wherever it is shown.

use grokflow_core::sweep::Outcome;

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

/// A sequential ramp for times, dark blue → teal → yellow, `s` in [0, 1].
pub fn ramp(s: f64) -> [u8; 3] {
    const STOPS: [[f64; 3]; 3] = [
        [40.0, 30.0, 110.0],
        [30.0, 150.0, 140.0],
        [250.0, 230.0, 40.0],
    ];
    let s = s.clamp(0.0, 1.0) * 2.0;
    let (a, b, f) = if s < 1.0 {
        (STOPS[0], STOPS[1], s)
    } else {
        (STOPS[1], STOPS[2], s - 1.0)
    };
    let mix = |i: usize| (a[i] + (b[i] - a[i]) * f).round() as u8;
    [mix(0), mix(1), mix(2)]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn outcomes_have_distinct_colours_and_the_ramp_spans_its_stops() {
        for (i, a) in Outcome::ALL.into_iter().enumerate() {
            for b in Outcome::ALL.into_iter().skip(i + 1) {
                assert_ne!(outcome_rgb(a), outcome_rgb(b), "{a:?} and {b:?}");
            }
        }
        assert_eq!(ramp(0.0), [40, 30, 110]);
        assert_eq!(ramp(0.5), [30, 150, 140]);
        assert_eq!(ramp(1.0), [250, 230, 40]);
        assert_eq!(ramp(2.0), ramp(1.0));
    }
}
