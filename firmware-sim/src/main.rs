//! Host side of firmware-sim.
//!
//! - `firmware-sim trace`: the firmware experiment's trace as the host computes it (the
//!   reference the emulated boards are compared against);
//! - `firmware-sim qemu [--board B | --all]`: the firmware on emulated boards, compared bit
//!   for bit;
//! - `firmware-sim precision --preset NAME`: the low-precision study table.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

mod precision_table;
mod qemu;

/// grokflow on microcontrollers, and what low precision does to grokking.
#[derive(Debug, Parser)]
#[command(name = "firmware-sim", version)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Print the host's trace of the firmware experiment.
    Trace,
    /// Build the firmware for each emulated board, run it under QEMU, and compare its trace
    /// bit for bit with the host's and with the checked-in snapshot.
    Qemu {
        /// Only these firmware builds (e.g. `lm3s6965-mlp`) or Rust targets (their builds
        /// that are not on request); repeatable. Default: every build not on request.
        #[arg(long = "board", visible_alias = "target", conflicts_with = "all")]
        boards: Vec<String>,
        /// Every build, the ones on request included (the soft-float MLP: about 15 more
        /// minutes of QEMU, so with `--timeout 2400`).
        #[arg(long)]
        all: bool,
        /// Replace the checked-in expected traces with this run's.
        #[arg(long)]
        overwrite: bool,
        /// Seconds before a QEMU run is killed.
        #[arg(long, default_value_t = 600)]
        timeout: u64,
    },
    /// Run a preset in every number format × rounding × update scheme and judge each
    /// against the f64 run of the same scheme.
    Precision {
        /// The experiment (default: precision-small, sized so each row takes seconds).
        #[arg(long, default_value = "precision-small")]
        preset: String,
        /// Where to write the table as CSV (default: target/precision-<preset>.csv).
        #[arg(long)]
        csv: Option<PathBuf>,
        /// Where to write the table as Markdown (default: target/precision-<preset>.md).
        #[arg(long)]
        markdown: Option<PathBuf>,
        /// Threads (default: every core).
        #[arg(long)]
        threads: Option<usize>,
        /// Gradient evaluations a row may take before it stops and says how far it got
        /// (default: twice the paper's update's steps to t_max).
        #[arg(long)]
        budget: Option<u64>,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Trace => trace(),
        Command::Qemu {
            boards,
            all,
            overwrite,
            timeout,
        } => qemu::select(&boards, all).and_then(|boards| {
            qemu::run(&boards, std::time::Duration::from_secs(timeout), overwrite)
        }),
        Command::Precision {
            preset,
            csv,
            markdown,
            threads,
            budget,
        } => precision_table::run(&preset, csv, markdown, threads, budget),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::from(2)
        }
    }
}

fn trace() -> Result<(), String> {
    use firmware_sim::{CONFIG, Storage, run};
    let mut storage = Box::new(Storage::<f32>::new());
    println!(
        "# host trace: sparse-cls d={} n={} n_test={} α={} λ={} f32; {} B of static storage",
        CONFIG.d,
        CONFIG.n,
        CONFIG.n_test,
        CONFIG.alpha,
        CONFIG.lambda,
        std::mem::size_of_val(&*storage)
    );
    println!("# step t train_loss test_loss test_acc params_fnv1a (bits in hex)");
    let status = run(&mut storage, |line| println!("{line}")).map_err(|e| e.to_string())?;
    eprintln!("{status:?}");
    Ok(())
}
