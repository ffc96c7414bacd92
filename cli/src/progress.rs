//! Progress of a headless run on stderr: a bar on a terminal, a line per decade of `t`
//! otherwise (so logs of long batch runs still show where they are), and in both a sign of
//! life at least every [`HEARTBEAT`] on large runs whose records are far apart.

use std::io::IsTerminal;
use std::time::{Duration, Instant};

use grokflow_core::{Config, Integrator, LogGrid, Metrics};
use indicatif::{ProgressBar, ProgressStyle};

/// A bar on stderr with `template`, or None when stderr is not a terminal.
pub fn terminal_bar(len: u64, template: &str) -> Option<ProgressBar> {
    std::io::stderr().is_terminal().then(|| {
        let bar = ProgressBar::new(len);
        bar.set_style(
            ProgressStyle::with_template(template)
                .unwrap_or_else(|_| ProgressStyle::default_bar())
                .progress_chars("=> "),
        );
        bar
    })
}

/// Longest silence between two progress lines when not on a terminal.
pub const HEARTBEAT: Duration = Duration::from_secs(10);

/// Progress reporter driven by metrics records.
pub struct Progress {
    bar: Option<ProgressBar>,
    next_decade: f64,
    started: Instant,
    last_line: Instant,
    records: u64,
    total: u64,
    /// Integrator steps the whole run takes, when the step is fixed (`t = η·steps`).
    steps_total: Option<u64>,
}

impl Progress {
    /// Reports against the grid of `config`'s run (`grid.last_index() + 1` records in all).
    pub fn new(config: &Config) -> Self {
        let grid = LogGrid::new(config.t_max, config.points_per_decade);
        let total = u64::from(grid.last_index()) + 1;
        let steps_total = match config.integrator {
            Integrator::Gd | Integrator::GdKahan | Integrator::GdLogSpace => {
                Some((config.t_max / config.lr).ceil() as u64)
            }
            Integrator::Flow | Integrator::NormalizedGd => None,
        };
        let bar = terminal_bar(total, "{elapsed_precise} [{bar:30}] {msg}");
        if let Some(bar) = &bar {
            // The clock keeps moving while one long step runs.
            bar.enable_steady_tick(Duration::from_secs(1));
        }
        let now = Instant::now();
        Self {
            bar,
            next_decade: LogGrid::T_MIN,
            started: now,
            last_line: now,
            records: 0,
            total,
            steps_total,
        }
    }

    /// "5.2 s/step, about 3 min left": the pace so far, and for a fixed step what remains.
    fn pace(&self, m: &Metrics) -> String {
        let elapsed = self.started.elapsed().as_secs_f64();
        if m.step == 0 {
            return format!("{elapsed:.0} s");
        }
        let per_step = elapsed / m.step as f64;
        let left = self
            .steps_total
            .map(|total| per_step * total.saturating_sub(m.step) as f64)
            .map_or(String::new(), |s| match s {
                s if s >= 120.0 => format!(", about {:.0} min left", s / 60.0),
                s => format!(", about {s:.0} s left"),
            });
        format!("{elapsed:.0} s, {per_step:.3} s/step{left}")
    }

    /// One record arrived.
    pub fn record(&mut self, m: &Metrics) {
        self.records += 1;
        let acc = m.test_acc.map_or_else(
            || format!("test loss {:.3e}", m.test_loss),
            |a| format!("test acc {a:.3}"),
        );
        let line = format!("t = {:<10.4} train loss {:.3e}  {acc}", m.t, m.train_loss);
        match &self.bar {
            Some(bar) => {
                bar.inc(1);
                bar.set_message(line);
            }
            None if m.t >= self.next_decade || self.last_line.elapsed() >= HEARTBEAT => {
                eprintln!(
                    "{line}  [record {} of {}, {}]",
                    self.records,
                    self.total,
                    self.pace(m)
                );
                self.last_line = Instant::now();
                while self.next_decade <= m.t {
                    self.next_decade *= 10.0;
                }
            }
            None => {}
        }
    }

    /// Removes the bar.
    pub fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}
