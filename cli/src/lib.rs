//! # grokflow-cli
//!
//! grokflow's command line, as a library: the arguments of the `grokflow` binary
//! ([`args::Cli`]), and the subcommands `run` (one experiment headless: summary, CSV
//! trajectory, progress, Ctrl-C), `sweep` (an (α, λ) grid on every core: CSV and heat maps)
//! and `presets`. No window toolkit: the `grokflow` binary of the `gui` crate parses
//! [`args::Cli`], opens the explorer when no subcommand is given and otherwise calls
//! [`execute`]; the fuzz harness parses the same arguments.
//!
//! Everything scientific, and every decision two front ends share (the decay warning, when
//! reference predictors are solved, which preset a task starts from), lives in
//! `grokflow-core`.

use std::process::ExitCode;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use grokflow_core::Status;

pub mod args;
pub mod argv;
pub mod figure;
pub mod files;
pub mod flags;
pub mod number;
pub mod palette;
pub mod presets;
pub mod progress;
pub mod run;
pub mod run_figure;
pub mod run_several;
pub mod runs_figure;
pub mod shards;
pub mod summary;
pub mod sweep;
pub mod sweep_figure;
pub mod trajectory_csv;
pub mod view;

pub use args::{Cli, Command, ExplorerArgs, RunArgs};
pub use view::View;

/// Exit status of a run stopped by Ctrl-C (the shell's convention for SIGINT).
const INTERRUPTED: u8 = 130;
/// Exit status of bad input.
const BAD_INPUT: u8 = 2;

/// Refuses the environment before any work, the explorer's included: a mistyped
/// `GROKFLOW_SIMD`, or a level this machine lacks, exits with 2 and names the levels it runs.
pub fn check_environment() -> Result<(), ExitCode> {
    grokflow_core::simd::from_env()
        .map(|_| ())
        .map_err(|e| bad_input(&e.to_string()))
}

/// Runs a subcommand to its end and returns the process's exit status: 0, 2 for bad input
/// (the message is on stderr), 130 when Ctrl-C stopped it (its results are kept).
pub fn execute(command: Command) -> ExitCode {
    match command {
        Command::Run(args) => {
            let stop = stop_on_ctrl_c("run");
            let statuses = match args.one_per_value() {
                Ok(None) => run::run(&args, &stop).map(|s| vec![s.status]),
                Ok(Some(list)) => run_several::run(&args, &list, &stop)
                    .map(|runs| runs.iter().map(|r| r.summary.status).collect()),
                Err(message) => Err(message),
            };
            match statuses {
                Ok(s) if s.contains(&Status::Stopped) => ExitCode::from(INTERRUPTED),
                Ok(_) => ExitCode::SUCCESS,
                Err(message) => bad_input(&message),
            }
        }
        Command::Sweep(args) => match &args.then {
            Some(sweep::SweepCommand::Merge(merge)) => match shards::merge(merge) {
                Ok(report) => {
                    shards::print_report(&report, merge);
                    ExitCode::SUCCESS
                }
                Err(message) => bad_input(&message),
            },
            None => sweep(&args),
        },
        Command::Presets => {
            print!("{}", presets::listing());
            ExitCode::SUCCESS
        }
    }
}

/// `grokflow sweep` (the whole grid or one shard).
fn sweep(args: &sweep::SweepArgs) -> ExitCode {
    let stop = stop_on_ctrl_c("sweep");
    match sweep::run(args, &stop) {
        Ok(report) => {
            sweep::print_report(&report, &args.csv_path(), args.png_path().as_deref());
            if stop.load(Ordering::Relaxed) {
                eprintln!("stopped: the files hold the runs finished so far");
                ExitCode::from(INTERRUPTED)
            } else {
                ExitCode::SUCCESS
            }
        }
        Err(message) => bad_input(&message),
    }
}

fn bad_input(message: &str) -> ExitCode {
    eprintln!("error: {message}");
    ExitCode::from(BAD_INPUT)
}

/// A flag that Ctrl-C sets, so that `what` stops between steps and keeps its results.
fn stop_on_ctrl_c(what: &str) -> Arc<AtomicBool> {
    let stop = Arc::new(AtomicBool::new(false));
    let flag = Arc::clone(&stop);
    // A browser has no signals (the web explorer runs no subcommand).
    #[cfg(not(target_arch = "wasm32"))]
    if let Err(e) = ctrlc::set_handler(move || flag.store(true, Ordering::Relaxed)) {
        eprintln!("warning: Ctrl-C will not stop the {what} cleanly: {e}");
    }
    #[cfg(target_arch = "wasm32")]
    let _ = (flag, what);
    stop
}
