//! `grokflow sweep`: a grid of (α, λ) runs on every core, written as CSV (one row per run)
//! and as labelled maps (t_grok and outcome class; see [`crate::sweep_figure`]), with
//! progress on stderr.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicBool;
use std::sync::mpsc;
use std::time::Instant;

use crate::figure;
use crate::files::write_atomically;
use crate::sweep_figure::SweepFigure;
use clap::Args;
use grokflow_core::sweep::{Cell, Grid, Outcome, log_spaced};
use grokflow_core::{Config, Preset};

/// Flags of `grokflow sweep`.
#[derive(Debug, Args)]
pub struct SweepArgs {
    /// Preset every cell starts from (see `grokflow presets`).
    #[arg(long, value_parser = crate::args::parse_preset, default_value = "fig1a-small")]
    pub preset: &'static Preset,
    /// Initialisation scales: LOW:HIGH:COUNT, log-spaced.
    #[arg(long, value_parser = parse_range, default_value = "1:1e4:16")]
    pub alphas: Range,
    /// Weight decays: LOW:HIGH:COUNT, log-spaced.
    #[arg(long, value_parser = parse_range, default_value = "1e-4:1e-2:16")]
    pub lambdas: Range,
    /// Seeds per cell (seed, seed + 1, …).
    #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u64).range(1..=100))]
    pub seeds: u64,
    /// Worker threads (default: every core).
    #[arg(long, value_parser = clap::value_parser!(u16).range(1..=1024))]
    pub threads: Option<u16>,
    /// Horizon of every run (default: the preset's).
    #[arg(long)]
    pub t_max: Option<f64>,
    /// Where to write one CSV row per run.
    #[arg(long, default_value = "sweep.csv")]
    pub csv: PathBuf,
    /// Where to write the labelled maps (t_grok with its colour bar, outcome) as PNG.
    #[arg(long, default_value = "sweep.png")]
    pub png: PathBuf,
    /// Also write the maps as SVG here.
    #[arg(long)]
    pub svg: Option<PathBuf>,
}

/// A log-spaced range of values given as `LOW:HIGH:COUNT`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Range {
    /// First value.
    pub low: f64,
    /// Last value.
    pub high: f64,
    /// Number of values, 1 to 256.
    pub count: usize,
}

fn parse_range(s: &str) -> Result<Range, String> {
    let parts: Vec<&str> = s.split(':').collect();
    let [low, high, count] = parts.as_slice() else {
        return Err(format!(
            "expected LOW:HIGH:COUNT such as 1:1e4:16, got \"{s}\""
        ));
    };
    let value = |name: &str, text: &str| -> Result<f64, String> {
        match text.trim().parse::<f64>() {
            Ok(v) if v.is_finite() && v > 0.0 => Ok(v),
            _ => Err(format!("{name} \"{text}\" must be a number > 0")),
        }
    };
    let (low, high) = (value("LOW", low)?, value("HIGH", high)?);
    if high < low {
        return Err(format!("HIGH {high} must be ≥ LOW {low}"));
    }
    match count.trim().parse::<usize>() {
        Ok(count @ 1..=256) => Ok(Range { low, high, count }),
        _ => Err(format!(
            "COUNT \"{count}\" must be a whole number from 1 to 256"
        )),
    }
}

/// What a finished sweep produced.
#[derive(Debug)]
pub struct SweepReport {
    /// Finished cells in grid order (λ rows, α columns, then seeds).
    pub cells: Vec<Cell>,
    /// Runs that could not be built.
    pub failed: usize,
    /// Wall time of the runs.
    pub wall_s: f64,
    /// Threads used.
    pub threads: usize,
}

impl SweepArgs {
    /// The grid these flags describe, validated through a probe configuration.
    pub fn grid(&self) -> Result<Grid, String> {
        let mut base: Config = self.preset.config;
        if let Some(t_max) = self.t_max {
            base.t_max = t_max;
        }
        let grid = Grid {
            base,
            alphas: log_spaced(self.alphas.low, self.alphas.high, self.alphas.count),
            lambdas: log_spaced(self.lambdas.low, self.lambdas.high, self.lambdas.count),
            seeds: self.seeds,
        };
        for (alpha, lambda) in [
            (self.alphas.low, self.lambdas.low),
            (self.alphas.high, self.lambdas.high),
        ] {
            Config {
                alpha,
                lambda,
                ..base
            }
            .validate()
            .map_err(|e| crate::args::flag_error(&e))?;
        }
        Ok(grid)
    }
}

/// Runs the sweep, writes the CSV and the PNG, and returns what was run. A set `stop` ends
/// it early; the cells finished so far are still written.
pub fn run(args: &SweepArgs, stop: &AtomicBool) -> Result<SweepReport, String> {
    let grid = args.grid()?;
    figure::check(&args.png, "--png")?;
    if let Some(svg) = &args.svg {
        figure::check(svg, "--svg")?;
    }
    let threads = args.threads.map_or_else(
        || std::thread::available_parallelism().map_or(1, usize::from),
        usize::from,
    );
    let total = grid.len();
    eprintln!(
        "sweep: {} α × {} λ × {} seed(s) = {total} runs of {} on {threads} thread(s)",
        grid.alphas.len(),
        grid.lambdas.len(),
        grid.seeds,
        args.preset.name
    );
    let start = Instant::now();
    let (tx, rx) = mpsc::channel();
    let mut cells = Vec::with_capacity(total);
    let failed = std::thread::scope(|scope| {
        let worker = scope.spawn(|| grid.run(threads, stop, tx));
        let bar = crate::progress::terminal_bar(
            total as u64,
            "{elapsed_precise} [{bar:30}] {pos}/{len} runs, eta {eta}",
        );
        let mut next_report = 0.1;
        for cell in rx {
            cells.push(cell);
            let done = cells.len() as f64 / total.max(1) as f64;
            match &bar {
                Some(bar) => bar.inc(1),
                None if done >= next_report => {
                    eprintln!(
                        "{} / {total} runs, {:.0} s",
                        cells.len(),
                        start.elapsed().as_secs_f64()
                    );
                    next_report += 0.1;
                }
                None => {}
            }
        }
        if let Some(bar) = &bar {
            bar.finish_and_clear();
        }
        worker.join().unwrap_or(0)
    });
    cells.sort_by_key(|c| (c.lambda_index, c.alpha_index, c.seed_offset));
    let report = SweepReport {
        cells,
        failed,
        wall_s: start.elapsed().as_secs_f64(),
        threads,
    };
    write_atomically(&args.csv, csv(&report.cells).as_bytes())
        .map_err(|e| format!("cannot write {}: {e}", args.csv.display()))?;
    let figure = SweepFigure {
        grid: &grid,
        cells: &report.cells,
        preset: args.preset.name,
    };
    figure::save(&figure, &args.png, "--png")?;
    if let Some(svg) = &args.svg {
        figure::save(&figure, svg, "--svg")?;
    }
    Ok(report)
}

/// One row per run.
pub fn csv(cells: &[Cell]) -> String {
    let mut out = String::from(
        "alpha,lambda,seed,outcome,t_fit,t_grok,t_drop,t_predicted,final_test_acc,steps,wall_s\n",
    );
    let time = |t: Option<f64>| t.map_or(String::new(), |t| t.to_string());
    for c in cells {
        let t = c.summary.transitions;
        let _ = writeln!(
            out,
            "{},{},{},{},{},{},{},{},{},{},{:.3}",
            c.config.alpha,
            c.config.lambda,
            c.config.seed,
            c.outcome.name(),
            time(t.t_fit()),
            time(t.t_grok()),
            time(t.t_drop()),
            c.summary
                .t_predicted
                .map_or(String::new(), |t| t.to_string()),
            c.summary
                .last
                .and_then(|m| m.test_acc)
                .map_or(String::new(), |a| a.to_string()),
            c.summary.steps,
            c.summary.wall_s,
        );
    }
    out
}

/// Prints the per-outcome counts and where the files went.
pub fn print_report(report: &SweepReport, csv: &Path, png: &Path) {
    let mut counts = String::new();
    for outcome in Outcome::ALL {
        let n = report.cells.iter().filter(|c| c.outcome == outcome).count();
        if n > 0 {
            let _ = write!(counts, " {}={n}", outcome.name());
        }
    }
    println!(
        "{} runs in {:.1} s on {} thread(s):{counts}{}",
        report.cells.len(),
        report.wall_s,
        report.threads,
        if report.failed > 0 {
            format!(" ({} could not be built)", report.failed)
        } else {
            String::new()
        }
    );
    println!(
        "wrote {} and {} (left: t_grok on its colour bar, grey = never; right: outcome)",
        csv.display(),
        png.display()
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges_parse_and_bad_ones_say_why() {
        assert_eq!(
            parse_range("1:1e4:16"),
            Ok(Range {
                low: 1.0,
                high: 1e4,
                count: 16
            })
        );
        for (bad, why) in [
            ("1:10", "LOW:HIGH:COUNT"),
            ("0:10:4", "LOW"),
            ("10:1:4", "HIGH"),
            ("1:10:0", "COUNT"),
        ] {
            let err = parse_range(bad).expect_err(bad);
            assert!(err.contains(why), "{bad}: {err}");
        }
    }
}
