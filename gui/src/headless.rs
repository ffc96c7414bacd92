//! `grokflow run`: one experiment without a window.

use std::ops::ControlFlow;
use std::sync::atomic::{AtomicBool, Ordering};

use grokflow_core::experiment::{Experiment, Summary};
use grokflow_core::{LogGrid, Metrics, Scalar, reference};

use crate::cli::{Precision, RunArgs, flag_error};
use crate::progress::Progress;
use crate::summary;
use crate::trajectory_csv::TrajectoryCsv;

/// Runs `args` to the end (or until `stop` is set) and prints the summary on stdout.
pub fn run(args: &RunArgs, stop: &AtomicBool) -> Result<Summary, String> {
    let config = args.config()?;
    let summary = match args.precision {
        Precision::F32 => run_in::<f32>(args, &config, stop)?,
        Precision::F64 => run_in::<f64>(args, &config, stop)?,
    };
    if args.json {
        println!("{}", summary::to_json(&summary, args.preset_name()));
    } else {
        print!("{}", summary::to_text(&summary, args.preset_name()));
    }
    Ok(summary)
}

fn run_in<S: Scalar>(
    args: &RunArgs,
    config: &grokflow_core::Config,
    stop: &AtomicBool,
) -> Result<Summary, String> {
    let mut experiment = Experiment::<S>::new(config).map_err(|e| match e {
        grokflow_core::experiment::ExperimentError::Config(c) => flag_error(&c),
        other => other.to_string(),
    })?;
    if !args.no_references {
        let entries = config.n.saturating_mul(config.d);
        if entries > reference::MAX_ENTRIES {
            eprintln!(
                "note: n·d = {entries} is above the reference-solver limit ({}); \
                 cos_kernel and cos_rich stay empty",
                reference::MAX_ENTRIES
            );
        } else {
            eprintln!("solving the kernel- and rich-regime reference predictors…");
            if let Err(e) = experiment.compute_references() {
                eprintln!("note: no reference predictors ({e}); cos columns stay empty");
            }
        }
    }
    let mut csv = match &args.csv {
        Some(path) => Some(
            TrajectoryCsv::create(path)
                .map_err(|e| format!("cannot write --csv {}: {e}", path.display()))?,
        ),
        None => None,
    };
    let mut progress = Progress::new(&LogGrid::new(config.t_max, config.points_per_decade));
    let mut write_error = None;
    let summary = experiment
        .run(&mut |m: &Metrics| {
            progress.record(m);
            if let Some(csv) = &mut csv
                && let Err(e) = csv.write(m)
            {
                write_error = Some(e);
                return ControlFlow::Break(());
            }
            if stop.load(Ordering::Relaxed) {
                ControlFlow::Break(())
            } else {
                ControlFlow::Continue(())
            }
        })
        .map_err(|e| flag_error(&e))?;
    progress.finish();
    if let Some(e) = write_error {
        return Err(format!("writing the CSV failed: {e}"));
    }
    if summary.status == grokflow_core::Status::Stopped {
        let t = summary.last.map_or(0.0, |m| m.t);
        match (&args.csv, &csv) {
            (Some(path), Some(csv)) => eprintln!(
                "interrupted at t = {t}; {} holds the {} rows up to there",
                path.display(),
                csv.rows()
            ),
            _ => eprintln!("interrupted at t = {t}"),
        }
    }
    Ok(summary)
}
