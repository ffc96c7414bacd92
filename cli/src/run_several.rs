//! `grokflow run --alpha 1,10,100`: one run per value of a flag, on every core; a summary
//! line per run, one long CSV with the varied field as its first column, one figure.

use std::ops::ControlFlow;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use grokflow_core::summary::Summary;
use grokflow_core::{Metrics, Scalar, WithScalar};

use crate::args::{RunArgs, RunList};
use crate::figure;
use crate::files::write_atomically;
use crate::flags::{flag_error, flag_name};
use crate::run::{experiment, prepare};
use crate::runs_figure::{ListedRun, RunsFigure};
use crate::summary;
use crate::trajectory_csv;

/// Runs `list` (from [`RunArgs::one_per_value`]) on every core and prints a summary line
/// (or, with `--json`, a JSON object) per run in the order given. `args` carries the
/// outputs: `--csv` (one long CSV), `--plot` (one figure), made of the runs that finished
/// even when another failed (the error then names the failed runs' values).
pub fn run(args: &RunArgs, list: &RunList, stop: &AtomicBool) -> Result<Vec<ListedRun>, String> {
    let (field, runs) = (list.field, list.runs.as_slice());
    if let Some(path) = &args.plot {
        figure::check(path, "--plot")?;
    }
    let threads = std::thread::available_parallelism()
        .map_or(1, usize::from)
        .min(runs.len());
    eprintln!(
        "{} runs of --{} ({}) on {threads} thread(s)",
        runs.len(),
        flag_name(field),
        runs.iter()
            .map(|(v, _)| v.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    );
    let next = AtomicUsize::new(0);
    let done = AtomicUsize::new(0);
    let slots: Vec<Mutex<Option<Result<ListedRun, String>>>> =
        runs.iter().map(|_| Mutex::new(None)).collect();
    std::thread::scope(|scope| {
        for _ in 0..threads {
            scope.spawn(|| {
                loop {
                    let index = next.fetch_add(1, Ordering::Relaxed);
                    let Some((value, run_args)) = runs.get(index) else {
                        break;
                    };
                    let result = run_args
                        .precision()
                        .with(Quiet {
                            args: run_args,
                            stop,
                        })
                        .map(|(summary, records)| ListedRun {
                            value: value.clone(),
                            summary,
                            records,
                        })
                        .map_err(|e| format!("--{} {value}: {e}", flag_name(field)));
                    let finished = done.fetch_add(1, Ordering::Relaxed) + 1;
                    eprintln!(
                        "{finished} / {} ended (--{} {value}{})",
                        runs.len(),
                        flag_name(field),
                        if result.is_err() { ", failed" } else { "" }
                    );
                    if let Some(Ok(mut slot)) = slots.get(index).map(Mutex::lock) {
                        *slot = Some(result);
                    }
                }
            });
        }
    });
    // A run that failed does not cost the others their outputs: they are written, then the
    // failures reported.
    let (finished, failed): (Vec<_>, Vec<_>) = slots
        .into_iter()
        .filter_map(|slot| slot.into_inner().ok().flatten())
        .partition(Result::is_ok);
    let finished: Vec<ListedRun> = finished.into_iter().filter_map(Result::ok).collect();
    let failed: Vec<String> = failed.into_iter().filter_map(Result::err).collect();
    for run in &finished {
        if args.json {
            println!("{}", summary::to_json(&run.summary, args.preset_name()));
        } else {
            println!("{}", summary::to_line(&run.summary, field, &run.value));
        }
    }
    if let Some(path) = &args.csv {
        write_atomically(path, long_csv(field, &finished)?.as_bytes())
            .map_err(|e| format!("cannot write --csv {}: {e}", path.display()))?;
        eprintln!("wrote {}", path.display());
    }
    if let Some(path) = &args.plot {
        let figure = RunsFigure {
            field,
            runs: &finished,
            preset: args.preset_name(),
        };
        figure::save(&figure, path, "--plot")?;
        eprintln!("wrote {}", path.display());
    }
    if failed.is_empty() {
        Ok(finished)
    } else {
        Err(failed.join("; "))
    }
}

/// Every run's trajectory in one CSV: the varied field's value, then the columns of
/// `grokflow run --csv`.
pub fn long_csv(field: &str, runs: &[ListedRun]) -> Result<String, String> {
    let mut writer = csv::Writer::from_writer(Vec::new());
    let header = std::iter::once(field).chain(trajectory_csv::HEADER);
    writer.write_record(header).map_err(|e| e.to_string())?;
    for run in runs {
        for m in &run.records {
            let row = std::iter::once(run.value.clone()).chain(trajectory_csv::row(m));
            writer.write_record(row).map_err(|e| e.to_string())?;
        }
    }
    let bytes = writer.into_inner().map_err(|e| e.to_string())?;
    String::from_utf8(bytes).map_err(|e| e.to_string())
}

/// One run of the list, with no progress of its own (the list reports runs as they end).
struct Quiet<'a> {
    args: &'a RunArgs,
    stop: &'a AtomicBool,
}

impl WithScalar for Quiet<'_> {
    type Output = Result<(Summary, Vec<Metrics>), String>;
    fn run<S: Scalar>(self) -> Self::Output {
        let mut experiment = experiment::<S>(self.args)?;
        prepare(self.args, &mut experiment);
        let mut records = Vec::new();
        let summary = experiment
            .run(&mut |m: &Metrics| {
                records.push(*m);
                if self.stop.load(Ordering::Relaxed) {
                    ControlFlow::Break(())
                } else {
                    ControlFlow::Continue(())
                }
            })
            .map_err(|e| flag_error(&e))?;
        Ok((summary, records))
    }
}
