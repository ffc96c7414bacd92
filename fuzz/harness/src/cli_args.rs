//! Command lines of `grokflow run` and `grokflow sweep`.

use arbitrary::{Arbitrary, Unstructured};
use clap::Parser;
use grokflow_cli::{Cli, Command};

/// Flags the generator favours, so that most inputs get past the parser's first check.
const FLAGS: [&str; 30] = [
    "--preset",
    "--task",
    "--d",
    "--n",
    "--n-test",
    "--k",
    "--gamma",
    "--train-fraction",
    "--truth",
    "--width",
    "--activation",
    "--zero-output-init",
    "--depth",
    "--alpha",
    "--lambda",
    "--loss",
    "--integrator",
    "--lr",
    "--tol",
    "--t-max",
    "--points-per-decade",
    "--seed",
    "--precision",
    "--json",
    "--alphas",
    "--lambdas",
    "--seeds",
    "--threads",
    "--view",
    "--no-references",
];

/// Values the generator favours: numbers at the edges of every range, and names.
const VALUES: [&str; 24] = [
    "0",
    "1",
    "-1",
    "2",
    "64",
    "1e-3",
    "1e6",
    "1e308",
    "1e309",
    "-0",
    "NaN",
    "inf",
    "0.5",
    "18446744073709551616",
    "fig1a-small",
    "fig2-quadratic",
    "mod-add",
    "matrix-completion",
    "gd",
    "flow",
    "bf16-sr",
    "q8.24",
    "1:100:4",
    "1e-4:1e-2:0",
];

/// Parsing never panics; every accepted `run` command line gives a configuration that
/// validation accepts, or an error that names a flag.
pub fn cli_args(bytes: &[u8]) {
    let mut u = Unstructured::new(bytes);
    let Ok(args) = arbitrary_args(&mut u) else {
        return;
    };
    // Flags that read files stay out: the properties here are about parsing.
    if args.iter().any(|a| {
        ["--config", "--data", "--test-data", "--screenshot"]
            .iter()
            .any(|f| a.starts_with(f))
    }) {
        return;
    }
    let Ok(cli) = Cli::try_parse_from(args) else {
        return;
    };
    match cli.command {
        Some(Command::Run(run)) => match run.config() {
            Ok(config) => assert_eq!(config.validate(), Ok(())),
            Err(message) => assert!(message.contains("--"), "{message}"),
        },
        Some(Command::Sweep(sweep)) => {
            if let Err(message) = sweep.grid() {
                assert!(!message.is_empty());
            }
        }
        _ => {}
    }
}

fn arbitrary_args(u: &mut Unstructured<'_>) -> arbitrary::Result<Vec<String>> {
    let subcommand = u.choose(&["run", "sweep", "presets", "--preset"])?;
    let mut args = vec!["grokflow".to_owned(), (*subcommand).to_owned()];
    let count = u.int_in_range(0..=12)?;
    for _ in 0..count {
        let arg = match u.int_in_range(0..=9)? {
            0..=3 => (*u.choose(&FLAGS)?).to_owned(),
            4..=7 => (*u.choose(&VALUES)?).to_owned(),
            _ => String::arbitrary(u)?,
        };
        args.push(arg);
    }
    Ok(args)
}
