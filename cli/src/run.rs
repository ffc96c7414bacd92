//! `grokflow run`: one experiment without a window.

use std::ops::ControlFlow;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Instant;

use grokflow_core::experiment::{Experiment, ExperimentError};
use grokflow_core::file_data::DataFile;
use grokflow_core::reference::{self, ReferenceError};
use grokflow_core::summary::Summary;
use grokflow_core::{DecayWarning, Loss, Metrics, Scalar, WithScalar};

use crate::args::RunArgs;
use crate::figure;
use crate::flags::flag_error;
use crate::number;
use crate::progress::Progress;
use crate::run_figure::RunFigure;
use crate::summary;
use crate::trajectory_csv::TrajectoryCsv;

/// Buffers from this size on are announced before they are allocated.
const LARGE_BYTES: usize = 256 << 20;

/// Runs `args` to the end (or until `stop` is set) and prints the summary on stdout. (A list
/// in one flag is [`crate::run_several`]'s.)
pub fn run(args: &RunArgs, stop: &AtomicBool) -> Result<Summary, String> {
    if let Some(path) = &args.plot {
        figure::check(path, "--plot")?;
    }
    let summary = args.precision().with(Headless { args, stop })?;
    if args.json {
        println!("{}", summary::to_json(&summary, args.preset_name()));
    } else {
        print!("{}", summary::to_text(&summary, args.preset_name()));
    }
    Ok(summary)
}

/// A headless run in whatever format `--precision` names.
struct Headless<'a> {
    args: &'a RunArgs,
    stop: &'a AtomicBool,
}

impl WithScalar for Headless<'_> {
    type Output = Result<Summary, String>;
    fn run<S: Scalar>(self) -> Self::Output {
        drive(self.args, experiment::<S>(self.args)?, self.stop)
    }
}

/// The experiment `args` describe: a generated task, or a data set from files.
pub fn experiment<S: Scalar>(args: &RunArgs) -> Result<Experiment<S>, String> {
    let message = |e: ExperimentError| match e {
        ExperimentError::Config(c) => flag_error(&c),
        other => other.to_string(),
    };
    let Some(path) = &args.data else {
        let config = args.config()?;
        let bytes = Experiment::<S>::bytes_for(&config).map_err(|e| flag_error(&e))?;
        // Large data sets take a while to allocate and draw: say so before the wait.
        let large = bytes >= LARGE_BYTES;
        if large {
            eprintln!(
                "preparing {} of data and buffers (d = {}, n = {}, n_test = {}; {} vector \
                 kernels)…",
                number::bytes(bytes),
                config.d,
                config.n,
                config.n_test,
                grokflow_core::simd::level().name()
            );
        }
        let started = Instant::now();
        let experiment = Experiment::new(&config).map_err(message)?;
        if large {
            eprintln!("data ready in {:.1} s", started.elapsed().as_secs_f64());
        }
        return Ok(experiment);
    };
    let train = DataFile::load(path).map_err(|e| format!("--data: {e}"))?;
    let test = match &args.test_data {
        Some(p) => Some(DataFile::load(p).map_err(|e| format!("--test-data: {e}"))?),
        None => None,
    };
    let mut template = args.template()?;
    if !args.experiment.has("loss") {
        let signs = train.check_sign_labels().is_ok();
        template.loss = if signs { Loss::Logistic } else { Loss::Squared };
    }
    Experiment::from_data(&template, &train, test.as_ref()).map_err(message)
}

/// Before a run: warns when the weight decay is lost in the number format, and solves the
/// reference predictors (the cos_kernel / cos_rich columns) unless `args` skip them.
pub fn prepare<S: Scalar>(args: &RunArgs, experiment: &mut Experiment<S>) {
    let config = *experiment.config();
    if let Some(warning) = DecayWarning::for_run(&config, args.precision()) {
        eprintln!("warning: {warning}");
    }
    if args.no_references {
        return;
    }
    let announce = || eprintln!("solving the kernel- and rich-regime reference predictors…");
    match experiment.prepare_references(announce) {
        Ok(()) => {}
        Err(ReferenceError::TooLarge { entries }) => eprintln!(
            "note: n·d = {entries} is above the reference-solver limit ({}); \
             cos_kernel and cos_rich stay empty",
            reference::MAX_ENTRIES
        ),
        // Models without linear reference predictors.
        Err(ReferenceError::NotLinear) => {}
        Err(e) => eprintln!("note: no reference predictors ({e}); cos columns stay empty"),
    }
}

/// Runs `experiment` with references, CSV, progress and Ctrl-C as `args` ask.
fn drive<S: Scalar>(
    args: &RunArgs,
    mut experiment: Experiment<S>,
    stop: &AtomicBool,
) -> Result<Summary, String> {
    let config = *experiment.config();
    prepare(args, &mut experiment);
    let mut csv = match &args.csv {
        Some(path) => Some(
            TrajectoryCsv::create(path)
                .map_err(|e| format!("cannot write --csv {}: {e}", path.display()))?,
        ),
        None => None,
    };
    let mut progress = Progress::new(&config);
    let mut write_error = None;
    // The figure needs the whole trajectory; without --plot nothing is kept.
    let mut records = Vec::new();
    let summary = experiment
        .run(&mut |m: &Metrics| {
            progress.record(m);
            if args.plot.is_some() {
                records.push(*m);
            }
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
    let rows = match (csv, &args.csv) {
        (Some(csv), Some(path)) => {
            let rows = csv.rows();
            csv.finish()
                .map_err(|e| format!("cannot write --csv {}: {e}", path.display()))?;
            Some((path, rows))
        }
        _ => None,
    };
    if let Some(path) = &args.plot {
        let figure = RunFigure {
            summary: &summary,
            records: &records,
            preset: args.preset_name(),
        };
        figure::save(&figure, path, "--plot")?;
        eprintln!("wrote {}", path.display());
    }
    if summary.status == grokflow_core::Status::Stopped {
        let t = summary.last.map_or(0.0, |m| m.t);
        match rows {
            Some((path, rows)) => eprintln!(
                "interrupted at t = {t}; {} holds the {rows} rows up to there",
                path.display()
            ),
            None => eprintln!("interrupted at t = {t}"),
        }
    }
    Ok(summary)
}
