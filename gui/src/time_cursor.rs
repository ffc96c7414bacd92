//! Time travel: a slider over the run's log-time axis that moves a cursor over every curve
//! panel and picks the parameter snapshot the weights view shows, and a play button that
//! sweeps it from t = 0 to the end.

use egui::Ui;
use grokflow_cli::number::time;

/// Seconds a playback takes from t = 0 to the end of the run.
pub const PLAY_SECONDS: f64 = 12.0;
/// Slider room below the first grid time that stands for t = 0.
const ZERO_ROOM: f64 = 0.25;

/// The selected time, or none to follow the run as it goes.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct TimeCursor {
    /// `log10 t` chosen; below the run's first grid time it means t = 0.
    selected: Option<f64>,
    playing: bool,
}

impl TimeCursor {
    /// The chosen `log10 t`, or None when following the latest time.
    pub fn selected(&self) -> Option<f64> {
        self.selected
    }

    /// Whether a playback is running.
    pub fn playing(&self) -> bool {
        self.playing
    }

    /// Follow the latest time again (a new run starts).
    pub fn follow(&mut self) {
        *self = Self::default();
    }

    /// Puts the cursor at `log10_t` (below the first grid time: t = 0).
    pub fn select(&mut self, log10_t: f64) {
        self.selected = Some(log10_t);
        self.playing = false;
    }

    /// Puts the cursor at time `t` (t = 0 is before the first grid time).
    pub fn select_time(&mut self, t: f64) {
        self.select(if t > 0.0 {
            t.log10()
        } else {
            f64::NEG_INFINITY
        });
    }

    /// Starts a playback from t = 0 over `span` (first and last grid `log10 t`).
    pub fn play(&mut self, span: (f64, f64)) {
        self.selected = Some(span.0 - ZERO_ROOM);
        self.playing = true;
    }

    /// Moves a playback on by `dt` seconds of wall time; it ends (following the run again)
    /// once it passes the end of `span`.
    pub fn advance(&mut self, dt: f64, span: (f64, f64)) {
        if !self.playing {
            return;
        }
        let length = span.1 - span.0 + ZERO_ROOM;
        let next = self.selected.unwrap_or(span.0 - ZERO_ROOM) + dt * length / PLAY_SECONDS;
        if next >= span.1 {
            self.follow();
        } else {
            self.selected = Some(next);
        }
    }

    /// The slider row; `span` is the run's first and last grid `log10 t` (None before the
    /// first record).
    pub fn show(&mut self, ui: &mut Ui, span: Option<(f64, f64)>) {
        let Some(span) = span else {
            return;
        };
        ui.horizontal(|ui| {
            let label = if self.playing {
                "Stop playback"
            } else {
                "Play"
            };
            if ui
                .button(label)
                .on_hover_text("Animate the run from t = 0 to its end (curves and weights)")
                .clicked()
            {
                if self.playing {
                    self.playing = false;
                } else {
                    self.play(span);
                }
            }
            let mut value = self
                .selected
                .unwrap_or(span.1)
                .clamp(span.0 - ZERO_ROOM, span.1);
            let slider = egui::Slider::new(&mut value, span.0 - ZERO_ROOM..=span.1)
                .show_value(false)
                .text("time");
            ui.spacing_mut().slider_width = (ui.available_width() - 320.0).max(120.0);
            if ui.add(slider).changed() {
                self.selected = Some(value);
                self.playing = false;
            }
            ui.label(describe(self.selected, span));
            if ui
                .add_enabled(self.selected.is_some(), egui::Button::new("Latest"))
                .on_hover_text("Follow the run as it goes")
                .clicked()
            {
                self.follow();
            }
        });
        if self.playing {
            ui.ctx().request_repaint();
            let dt = f64::from(ui.input(|i| i.stable_dt).min(0.1));
            self.advance(dt, span);
        }
    }
}

/// "t = 316.2", "t = 0", or "latest: t = 1e4".
fn describe(selected: Option<f64>, span: (f64, f64)) -> String {
    match selected {
        None => format!("latest: t = {}", time(span.1)),
        Some(x) if x < span.0 => "t = 0".to_owned(),
        Some(x) => format!("t = {}", time(x)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn playback_runs_from_zero_to_the_end_in_the_stated_time_then_follows() {
        let span = (-2.0, 4.0);
        let mut cursor = TimeCursor::default();
        cursor.play(span);
        assert!(
            cursor.selected().is_some_and(|x| x < span.0),
            "starts at t = 0"
        );
        let mut elapsed = 0.0;
        let mut last = f64::NEG_INFINITY;
        while cursor.playing() {
            let x = cursor.selected().expect("a time while playing");
            assert!(x > last);
            last = x;
            cursor.advance(0.05, span);
            elapsed += 0.05;
            assert!(elapsed < 2.0 * PLAY_SECONDS);
        }
        assert!((elapsed - PLAY_SECONDS).abs() <= 0.06, "{elapsed}");
        assert_eq!(cursor.selected(), None);
        assert_eq!(describe(Some(-3.0), span), "t = 0");
        assert_eq!(describe(Some(2.0), span), "t = 100");
    }
}
