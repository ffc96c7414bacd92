//! The `grokflow` binary.

use std::process::ExitCode;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use clap::Parser;
use grokflow::cli::{Cli, Command};
use grokflow::headless;
use grokflow_core::{PRESETS, Status};

/// A flag that Ctrl-C sets, so that `what` stops between steps and keeps its results.
fn stop_on_ctrl_c(what: &str) -> Arc<AtomicBool> {
    let stop = Arc::new(AtomicBool::new(false));
    let flag = Arc::clone(&stop);
    if let Err(e) = ctrlc::set_handler(move || flag.store(true, Ordering::Relaxed)) {
        eprintln!("warning: Ctrl-C will not stop the {what} cleanly: {e}");
    }
    stop
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Some(Command::Run(args)) => {
            let stop = stop_on_ctrl_c("run");
            match headless::run(&args, &stop) {
                // Conventional exit status of a process stopped by SIGINT.
                Ok(summary) if summary.status == Status::Stopped => ExitCode::from(130),
                Ok(_) => ExitCode::SUCCESS,
                Err(message) => {
                    eprintln!("error: {message}");
                    ExitCode::from(2)
                }
            }
        }
        Some(Command::Sweep(args)) => {
            let stop = stop_on_ctrl_c("sweep");
            match grokflow::sweep_cli::run(&args, &stop) {
                Ok(report) => {
                    grokflow::sweep_cli::print_report(&report, &args.csv, &args.png);
                    if stop.load(Ordering::Relaxed) {
                        eprintln!("stopped: the files hold the runs finished so far");
                        ExitCode::from(130)
                    } else {
                        ExitCode::SUCCESS
                    }
                }
                Err(message) => {
                    eprintln!("error: {message}");
                    ExitCode::from(2)
                }
            }
        }
        Some(Command::Presets) => {
            for p in PRESETS {
                let c = p.config;
                println!(
                    "{:<18} {:<11} d={:<7} n={:<4} n_test={:<6} α={:<5} λ={:<6} t_max={}\n{:18} {}\n",
                    p.name,
                    c.task.name(),
                    c.d,
                    c.n,
                    c.n_test,
                    c.alpha,
                    c.lambda,
                    c.t_max,
                    "",
                    p.description
                );
            }
            ExitCode::SUCCESS
        }
        None => match grokflow::app::run_native(cli.preset, cli.view, cli.screenshot) {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("error: cannot open the explorer window: {e}");
                eprintln!(
                    "(it needs a display; for headless use try `grokflow run --preset fig1a-small`)"
                );
                ExitCode::FAILURE
            }
        },
    }
}
