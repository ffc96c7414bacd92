//! `grokflow sweep`: a grid of (α, λ) runs on every core, written as CSV (one row per run)
//! and as labelled maps (t_grok and outcome class; see [`crate::sweep_figure`]), with
//! progress on stderr. `--shard I/N` runs one slice of the grid (a cluster's job array runs
//! the N of them; [`crate::shards`] joins their CSVs).

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicBool;
use std::sync::mpsc;
use std::time::Instant;

use crate::files::write_atomically;
use crate::sweep_figure::{MapCell, MapFiles, SweepFigure};
use clap::{Args, Subcommand};
use grokflow_core::law_fit::LawFit;
use grokflow_core::sweep::{Cell, Grid, Outcome, Shard, log_spaced};
use grokflow_core::{Config, Preset};

/// Where the whole sweep's CSV goes unless `--csv` says otherwise.
const DEFAULT_CSV: &str = "sweep.csv";
/// Where the whole sweep's maps go unless `--png` says otherwise.
const DEFAULT_PNG: &str = "sweep.png";

/// Flags of `grokflow sweep`.
#[derive(Debug, Args)]
pub struct SweepArgs {
    /// `grokflow sweep merge`, instead of running a sweep.
    #[command(subcommand)]
    pub then: Option<SweepCommand>,
    /// Preset every cell starts from (see `grokflow presets`).
    #[arg(long, value_parser = crate::flags::parse_preset, default_value = "fig1a-small")]
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
    /// Run only slice I of N (I from 0 to N − 1): the cells I, I + N, I + 2N, … of the grid
    /// (α fastest, then λ, then the seed). Its CSV starts with a line naming the slice and
    /// the sweep; `grokflow sweep merge` joins the N CSVs into the whole sweep's CSV and maps.
    #[arg(long, value_parser = parse_shard)]
    pub shard: Option<Shard>,
    /// Where to write one CSV row per run [default: sweep.csv; with --shard I/N:
    /// sweep-shard-I-of-N.csv].
    #[arg(long)]
    pub csv: Option<PathBuf>,
    /// Where to write the labelled maps (t_grok with its colour bar, outcome) as PNG
    /// [default: sweep.png; a shard writes none: `grokflow sweep merge` draws them].
    #[arg(long, conflicts_with = "shard")]
    pub png: Option<PathBuf>,
    /// Also write the maps as SVG here.
    #[arg(long, conflicts_with = "shard")]
    pub svg: Option<PathBuf>,
}

/// Subcommands of `grokflow sweep`.
#[derive(Debug, Subcommand)]
pub enum SweepCommand {
    /// Join the CSVs of `grokflow sweep --shard I/N` (all N, in any order) into the CSV and
    /// the maps that the whole sweep writes; refuses missing, repeated or foreign shards.
    Merge(MergeArgs),
}

/// Flags of `grokflow sweep merge`.
#[derive(Debug, Args)]
pub struct MergeArgs {
    /// The shards' CSV files (`grokflow sweep --shard I/N --csv …`), all N, in any order.
    #[arg(required = true)]
    pub shards: Vec<PathBuf>,
    /// Where to write the joined CSV (the whole sweep's rows, in its order).
    #[arg(long)]
    pub csv: PathBuf,
    /// Where to draw the whole sweep's maps as PNG.
    #[arg(long)]
    pub png: Option<PathBuf>,
    /// Also draw them as SVG here.
    #[arg(long)]
    pub svg: Option<PathBuf>,
}

/// Parses `I/N` with `0 ≤ I < N`.
pub fn parse_shard(s: &str) -> Result<Shard, String> {
    let bad = || format!("expected I/N with 0 ≤ I < N such as 0/4 (the first of 4), got \"{s}\"");
    let (index, count) = s.split_once('/').ok_or_else(bad)?;
    let (Ok(index), Ok(count)) = (index.trim().parse(), count.trim().parse()) else {
        return Err(bad());
    };
    if count == 0 || index >= count {
        return Err(format!(
            "shard {index}/{count}: I must be from 0 to N − 1 and N at least 1"
        ));
    }
    Ok(Shard { index, count })
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
    /// The law `λ·t_grok = slope·ln α + intercept` fitted over the grokking runs (a whole
    /// sweep only: a shard's runs are fitted when merged).
    pub law: Option<LawFit>,
}

impl SweepArgs {
    /// Where the CSV goes.
    pub fn csv_path(&self) -> PathBuf {
        match (&self.csv, self.shard) {
            (Some(path), _) => path.clone(),
            (None, Some(s)) => format!("sweep-shard-{}-of-{}.csv", s.index, s.count).into(),
            (None, None) => DEFAULT_CSV.into(),
        }
    }

    /// Where the PNG goes: none for a shard.
    pub fn png_path(&self) -> Option<PathBuf> {
        match self.shard {
            Some(_) => None,
            None => Some(self.png.clone().unwrap_or_else(|| DEFAULT_PNG.into())),
        }
    }

    /// The flags that define the grid, every one written out (the preset's horizon too),
    /// so that a shard's CSV names its sweep exactly.
    pub fn grid_flags(&self, grid: &Grid) -> String {
        let range = |r: Range| format!("{}:{}:{}", r.low, r.high, r.count);
        format!(
            "--preset {} --alphas {} --lambdas {} --seeds {} --t-max {}",
            self.preset.name,
            range(self.alphas),
            range(self.lambdas),
            self.seeds,
            grid.base.t_max
        )
    }

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
            .map_err(|e| crate::flags::flag_error(&e))?;
        }
        Ok(grid)
    }
}

/// Runs the sweep, writes the CSV and the PNG, and returns what was run. A set `stop` ends
/// it early; the cells finished so far are still written.
pub fn run(args: &SweepArgs, stop: &AtomicBool) -> Result<SweepReport, String> {
    let grid = args.grid()?;
    let png = args.png_path();
    let maps = MapFiles {
        png: png.as_deref(),
        svg: args.svg.as_deref(),
    };
    maps.check()?;
    let mut report = compute(args, &grid, stop);
    let csv_path = args.csv_path();
    write_atomically(&csv_path, file_text(args, &grid, &report.cells).as_bytes())
        .map_err(|e| format!("cannot write {}: {e}", csv_path.display()))?;
    if args.shard.is_none() {
        report.law = LawFit::of_cells(&report.cells);
        let path = law_path(&csv_path);
        write_atomically(&path, law_json(report.law.as_ref()).as_bytes())
            .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    }
    let map: Vec<MapCell> = report.cells.iter().map(MapCell::of).collect();
    let figure = SweepFigure {
        grid: &grid,
        cells: &map,
        preset: args.preset.name,
    };
    maps.save(&figure)?;
    Ok(report)
}

/// Runs the cells of `grid` that `args` select (all, or one shard) on `args`' threads, with
/// progress on stderr; stops early once `stop` is set.
pub fn compute(args: &SweepArgs, grid: &Grid, stop: &AtomicBool) -> SweepReport {
    let threads = args.threads.map_or_else(
        || std::thread::available_parallelism().map_or(1, usize::from),
        usize::from,
    );
    let shard = args.shard.unwrap_or(Shard::WHOLE);
    let total = shard.len(grid.len());
    eprintln!(
        "sweep: {} α × {} λ × {} seed(s) = {} runs of {}{}, on {threads} thread(s)",
        grid.alphas.len(),
        grid.lambdas.len(),
        grid.seeds,
        grid.len(),
        args.preset.name,
        match args.shard {
            Some(s) => format!("; shard {}/{}: {total} of them", s.index, s.count),
            None => String::new(),
        }
    );
    let start = Instant::now();
    let (tx, rx) = mpsc::channel();
    let mut cells = Vec::with_capacity(total);
    let failed = std::thread::scope(|scope| {
        let worker = scope.spawn(|| grid.run_shard(shard, threads, stop, tx));
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
    SweepReport {
        cells,
        failed,
        wall_s: start.elapsed().as_secs_f64(),
        threads,
        law: None,
    }
}

/// What the sweep's CSV file holds: for a shard, the line naming it, then [`csv`].
pub fn file_text(args: &SweepArgs, grid: &Grid, cells: &[Cell]) -> String {
    let mut text = match args.shard {
        Some(s) => shard_header_line(s, &args.grid_flags(grid)),
        None => String::new(),
    };
    text.push_str(&csv(cells));
    text
}

/// The CSV's header row (without its line end).
pub const CSV_HEADER: &str = "alpha,lambda,seed,outcome,t_fit,t_grok,t_drop,t_predicted,final_test_acc,steps,\
     plateau_level,plateau_decades,t_rise_start,t_rise_end,wall_s";

/// One row per run, after [`CSV_HEADER`]; floats in their shortest exact form.
pub fn csv(cells: &[Cell]) -> String {
    let mut out = format!("{CSV_HEADER}\n");
    let time = |t: Option<f64>| t.map_or(String::new(), |t| t.to_string());
    for c in cells {
        let t = c.summary.transitions;
        let shape = c.summary.shape;
        let _ = writeln!(
            out,
            "{},{},{},{},{},{},{},{},{},{},{},{},{},{},{:.3}",
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
            time(shape.map(|s| s.plateau_level)),
            time(shape.map(|s| s.plateau_decades())),
            time(shape.map(|s| grokflow_core::from_log10(s.log10_t_rise_start))),
            time(shape.map(|s| grokflow_core::from_log10(s.log10_t_rise_end))),
            c.summary.wall_s,
        );
    }
    out
}

/// Where the law's fit goes: beside the CSV (`sweep.csv` → `sweep.law.json`).
pub fn law_path(csv: &Path) -> PathBuf {
    csv.with_extension("law.json")
}

/// The fit as JSON (`null` fields where there was nothing to fit).
pub fn law_json(law: Option<&LawFit>) -> String {
    let json = serde_json::json!({
        "model": "lambda * t_grok = slope * ln(alpha) + intercept, over the grokking runs with alpha > 1 and lambda > 0",
        "slope": law.map(|l| l.slope),
        "slope_error": law.and_then(|l| l.slope_error),
        "intercept": law.map(|l| l.intercept),
        "intercept_error": law.and_then(|l| l.intercept_error),
        "points": law.map_or(0, |l| l.points),
        "seeds": law.map_or(0, |l| l.seeds),
    });
    format!("{json:#}\n")
}

/// The fit in a line: `law: λ·t_grok = (0.980 ± 0.030)·ln α + (0.100 ± 0.050), 40 grokking
/// runs, 2 seed(s) fitted on their own`.
pub fn law_line(law: Option<&LawFit>) -> String {
    let Some(l) = law else {
        return "law: too few grokking runs with α > 1 and λ > 0 to fit λ·t_grok against ln α"
            .into();
    };
    let error = |e: Option<f64>| e.map_or(String::new(), |e| format!(" ± {e:.3}"));
    format!(
        "law: λ·t_grok = ({:.3}{})·ln α + ({:.3}{}), {} grokking runs, {} seed(s) fitted on \
         their own",
        l.slope,
        error(l.slope_error),
        l.intercept,
        error(l.intercept_error),
        l.points,
        l.seeds
    )
}

/// Prints the per-outcome counts and where the files went.
pub fn print_report(report: &SweepReport, csv: &Path, png: Option<&Path>) {
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
    // A whole sweep (it has maps) fits the law; a shard leaves it to the merge.
    if png.is_some() {
        println!("{}", law_line(report.law.as_ref()));
    }
    match png {
        Some(png) => println!(
            "wrote {}, {} and {} (left: t_grok on its colour bar, grey = never; right: \
             outcome)",
            csv.display(),
            law_path(csv).display(),
            png.display()
        ),
        None => println!("wrote {}", csv.display()),
    }
}

/// What opens every shard's first line.
pub const SHARD_MARK: &str = "# grokflow ";

/// The first line of shard `shard` of the sweep that `grid_flags` define.
pub fn shard_header_line(shard: Shard, grid_flags: &str) -> String {
    format!(
        "{SHARD_MARK}{} sweep --shard {}/{} of: {grid_flags}\n",
        env!("CARGO_PKG_VERSION"),
        shard.index,
        shard.count
    )
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

    #[test]
    fn shards_parse_and_bad_ones_say_why() {
        assert_eq!(parse_shard("3/4"), Ok(Shard { index: 3, count: 4 }));
        for bad in ["4/4", "0/0", "1", "a/2", "-1/2"] {
            let err = parse_shard(bad).expect_err(bad);
            assert!(
                err.contains("I/N") || err.contains("0 to N − 1"),
                "{bad}: {err}"
            );
        }
    }
}
