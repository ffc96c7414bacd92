//! Sharded sweeps: the line that opens a shard's CSV (which slice of which sweep it holds),
//! and `grokflow sweep merge`, which joins the N slices into the CSV and the maps that the
//! whole sweep writes, row for row.
//!
//! A shard's CSV is the sweep's CSV (header row, one row per run) after one comment line:
//! `# grokflow 0.1.0 sweep --shard 2/4 of: --preset fig1a-small --alphas 1:10000:16 …`.
//! The flags after `of:` are written out in full, so the merge rebuilds the grid from them
//! and refuses shards of another sweep or another grokflow.

use std::collections::{BTreeMap, HashMap};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use grokflow_core::law_fit::{LawFit, LawPoint};
use grokflow_core::sweep::{Grid, Outcome, Shard};

use crate::argv;
use crate::files::write_atomically;
use crate::sweep::{self, CSV_HEADER, MergeArgs, SHARD_MARK as MARK, SweepArgs, parse_shard};
use crate::sweep_figure::{MapCell, MapFiles, SweepFigure};

/// One shard's file, read.
struct ShardFile {
    path: PathBuf,
    shard: Shard,
    /// grokflow's version and the sweep's flags: equal for every shard of one sweep.
    sweep: String,
    /// The flags alone.
    flags: String,
    /// The run rows, as written.
    rows: Vec<String>,
}

impl ShardFile {
    fn read(path: &Path) -> Result<Self, String> {
        let name = path.display();
        let text = std::fs::read_to_string(path).map_err(|e| format!("{name}: {e}"))?;
        let mut lines = text.lines();
        let first = lines.next().unwrap_or("");
        let not_a_shard = || {
            format!(
                "{name} is not a shard's CSV: its first line should name the slice, as \
                 `grokflow sweep --shard I/N` writes it, but is \"{first}\""
            )
        };
        let rest = first.strip_prefix(MARK).ok_or_else(not_a_shard)?;
        let (version, rest) = rest.split_once(" sweep --shard ").ok_or_else(not_a_shard)?;
        let (shard, flags) = rest.split_once(" of: ").ok_or_else(not_a_shard)?;
        let shard = parse_shard(shard).map_err(|e| format!("{name}: {e}"))?;
        if lines.next() != Some(CSV_HEADER) {
            return Err(format!(
                "{name}: the second line should be the sweep's header row \"{CSV_HEADER}\""
            ));
        }
        Ok(Self {
            path: path.to_owned(),
            shard,
            sweep: format!("grokflow {version}: {flags}"),
            flags: flags.to_owned(),
            rows: lines.map(str::to_owned).collect(),
        })
    }

    fn name(&self) -> String {
        format!(
            "{} (shard {}/{})",
            self.path.display(),
            self.shard.index,
            self.shard.count
        )
    }
}

/// What a merge produced.
#[derive(Debug)]
pub struct MergeReport {
    /// Shards joined.
    pub shards: usize,
    /// Runs in the joined CSV.
    pub runs: usize,
    /// The law fitted over the whole sweep's grokking runs (as `grokflow sweep` fits it).
    pub law: Option<LawFit>,
}

/// Joins the shards `args` name, writes the CSV (and the maps, if asked).
pub fn merge(args: &MergeArgs) -> Result<MergeReport, String> {
    let maps = MapFiles {
        png: args.png.as_deref(),
        svg: args.svg.as_deref(),
    };
    maps.check()?;
    let files = args
        .shards
        .iter()
        .map(|p| ShardFile::read(p))
        .collect::<Result<Vec<_>, _>>()?;
    let shards = one_sweep(&files)?;
    let first = shards.values().next().ok_or("no shard files given")?;
    let sweep = sweep_args(&first.flags).map_err(|e| format!("{}: {e}", first.name()))?;
    let grid = sweep.grid()?;
    let rows = rows_in_grid_order(&grid, &shards)?;
    let mut text = format!("{CSV_HEADER}\n");
    for (row, _) in rows.values() {
        let _ = writeln!(text, "{row}");
    }
    write_atomically(&args.csv, text.as_bytes())
        .map_err(|e| format!("cannot write {}: {e}", args.csv.display()))?;
    let cells: Vec<MapCell> = rows.values().map(|(_, cell)| *cell).collect();
    let figure = SweepFigure {
        grid: &grid,
        cells: &cells,
        preset: sweep.preset.name,
    };
    maps.save(&figure)?;
    let points: Vec<LawPoint> = cells
        .iter()
        .filter_map(|c| {
            let alpha = *grid.alphas.get(c.alpha_index)?;
            let lambda = *grid.lambdas.get(c.lambda_index)?;
            LawPoint::new(alpha, lambda, c.seed_offset, c.outcome, c.t_grok)
        })
        .collect();
    let law = LawFit::of(&points);
    let law_path = sweep::law_path(&args.csv);
    write_atomically(&law_path, sweep::law_json(law.as_ref()).as_bytes())
        .map_err(|e| format!("cannot write {}: {e}", law_path.display()))?;
    Ok(MergeReport {
        shards: shards.len(),
        runs: cells.len(),
        law,
    })
}

/// The shards by index; an error unless they are the N slices of one sweep, each once.
fn one_sweep(files: &[ShardFile]) -> Result<BTreeMap<usize, &ShardFile>, String> {
    let first = files.first().ok_or("no shard files given")?;
    for file in &files[1..] {
        if file.sweep != first.sweep {
            return Err(format!(
                "mismatched shards: {} is a slice of `{}`, {} of `{}`",
                first.name(),
                first.sweep,
                file.name(),
                file.sweep
            ));
        }
        if file.shard.count != first.shard.count {
            return Err(format!(
                "mismatched shards: {} is one of {} slices, {} one of {}",
                first.name(),
                first.shard.count,
                file.name(),
                file.shard.count
            ));
        }
    }
    let mut by_index = BTreeMap::new();
    for file in files {
        if let Some(other) = by_index.insert(file.shard.index, file) {
            return Err(format!(
                "shard {}/{} is given twice: {} and {}",
                file.shard.index,
                file.shard.count,
                other.path.display(),
                file.path.display()
            ));
        }
    }
    let count = first.shard.count;
    let missing: Vec<String> = (0..count)
        .filter(|i| !by_index.contains_key(i))
        .map(|i| format!("{i}/{count}"))
        .collect();
    if !missing.is_empty() {
        let given: Vec<String> = files.iter().map(ShardFile::name).collect();
        return Err(format!(
            "shard(s) {} missing; given: {}",
            missing.join(", "),
            given.join(", ")
        ));
    }
    Ok(by_index)
}

/// Every run of `grid` exactly once, keyed as the whole sweep orders its rows (λ, α, seed):
/// its row as written and what the maps draw of it.
type GridRows<'a> = BTreeMap<(usize, usize, u64), (&'a str, MapCell)>;

/// The shards' rows in the whole sweep's order, refused if a row is not where it belongs,
/// is there twice, or a shard lacks some of its runs.
fn rows_in_grid_order<'a>(
    grid: &Grid,
    shards: &BTreeMap<usize, &'a ShardFile>,
) -> Result<GridRows<'a>, String> {
    let axes = AxisTexts::of(grid);
    let mut rows = BTreeMap::new();
    for file in shards.values() {
        let shard = file.shard;
        for row in &file.rows {
            let cell = place(grid, &axes, row).map_err(|e| format!("{}: {e}", file.name()))?;
            let index = grid.cell_index(cell.alpha_index, cell.lambda_index, cell.seed_offset);
            if !shard.holds(index) {
                return Err(format!(
                    "{}: the row \"{row}\" belongs to shard {}/{}",
                    file.name(),
                    index % shard.count,
                    shard.count
                ));
            }
            let key = (cell.lambda_index, cell.alpha_index, cell.seed_offset);
            if rows.insert(key, (row.as_str(), cell)).is_some() {
                return Err(format!("{}: the row \"{row}\" is there twice", file.name()));
            }
        }
        let expected = shard.len(grid.len());
        let held = file.rows.len();
        if held != expected {
            return Err(format!(
                "{} holds {held} of its {expected} runs (was it stopped before its end?)",
                file.name()
            ));
        }
    }
    Ok(rows)
}

/// The sweep's flags as `grokflow sweep` parses them.
fn sweep_args(flags: &str) -> Result<SweepArgs, String> {
    let argv = ["sweep"].into_iter().chain(flags.split_whitespace());
    match argv::parse(argv)?.command {
        Some(crate::Command::Sweep(args)) => Ok(*args),
        _ => Err(format!("\"{flags}\" are not the flags of a sweep")),
    }
}

/// The grid's α and λ values as the CSV writes them (their shortest exact form, so text
/// equality is value equality), each to its index; made once per merge.
struct AxisTexts {
    alphas: HashMap<String, usize>,
    lambdas: HashMap<String, usize>,
}

impl AxisTexts {
    fn of(grid: &Grid) -> Self {
        let index = |values: &[f64]| {
            values
                .iter()
                .enumerate()
                .map(|(i, v)| (v.to_string(), i))
                .collect()
        };
        Self {
            alphas: index(&grid.alphas),
            lambdas: index(&grid.lambdas),
        }
    }
}

/// Where a CSV row sits in the grid, and what the maps draw of it.
fn place(grid: &Grid, axes: &AxisTexts, row: &str) -> Result<MapCell, String> {
    let fields: Vec<&str> = row.split(',').collect();
    let [alpha, lambda, seed, outcome, _t_fit, t_grok, ..] = fields.as_slice() else {
        return Err(format!("the row \"{row}\" has too few columns"));
    };
    let not_in_grid = || format!("the row \"{row}\" is not a run of this sweep");
    let alpha_index = *axes.alphas.get(*alpha).ok_or_else(not_in_grid)?;
    let lambda_index = *axes.lambdas.get(*lambda).ok_or_else(not_in_grid)?;
    let seed_offset = seed
        .parse::<u64>()
        .ok()
        .and_then(|s| s.checked_sub(grid.base.seed))
        .filter(|&offset| offset < grid.seeds)
        .ok_or_else(not_in_grid)?;
    let outcome = Outcome::from_name(outcome)
        .ok_or_else(|| format!("the row \"{row}\" has an unknown outcome \"{outcome}\""))?;
    let t_grok = match *t_grok {
        "" => None,
        t => Some(
            t.parse::<f64>()
                .map_err(|_| format!("the row \"{row}\" has a t_grok that is not a number"))?,
        ),
    };
    Ok(MapCell {
        alpha_index,
        lambda_index,
        seed_offset,
        outcome,
        t_grok,
    })
}

/// Prints what the merge joined and where it went.
pub fn print_report(report: &MergeReport, args: &MergeArgs) {
    let mut wrote = args.csv.display().to_string();
    for path in [&args.png, &args.svg].into_iter().flatten() {
        let _ = write!(wrote, " and {}", path.display());
    }
    let _ = write!(wrote, " and {}", sweep::law_path(&args.csv).display());
    println!(
        "merged {} shards: {} runs; wrote {wrote}",
        report.shards, report.runs
    );
    println!("{}", sweep::law_line(report.law.as_ref()));
}
