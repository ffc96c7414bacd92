//! Command-line interface: `grokflow run` and `grokflow presets`.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};
use grokflow_core::{Config, ConfigError, Integrator, Loss, PRESETS, Preset, Task, preset};

/// grokflow: watch homogeneous networks grok, measure when, and check it against ln α / λ.
#[derive(Debug, Parser)]
#[command(name = "grokflow", version, arg_required_else_help = true)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Option<Command>,
}

/// Subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run one experiment headless, print a summary, optionally write its trajectory.
    #[command(allow_negative_numbers = true)]
    Run(Box<RunArgs>),
    /// List the presets with their sizes and what they show.
    Presets,
}

/// Number format the dynamics run in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Precision {
    /// IEEE single precision (the paper's).
    F32,
    /// IEEE double precision (the reference).
    F64,
}

/// Flags of `grokflow run`. Every experiment flag overrides the preset's value.
#[derive(Debug, Args)]
pub struct RunArgs {
    /// Start from a named preset (see `grokflow presets`); default fig1a-small.
    #[arg(long, value_parser = parse_preset)]
    pub preset: Option<&'static Preset>,
    /// Task: sparse-cls, misgrok or sparse-reg.
    #[arg(long, value_parser = parse_task)]
    pub task: Option<Task>,
    /// Input dimension.
    #[arg(long, value_parser = parse_count)]
    pub d: Option<usize>,
    /// Number of training points.
    #[arg(long, value_parser = parse_count)]
    pub n: Option<usize>,
    /// Number of test points.
    #[arg(long, value_parser = parse_count)]
    pub n_test: Option<usize>,
    /// Support size of the sparse ground truth.
    #[arg(long, value_parser = parse_count)]
    pub k: Option<usize>,
    /// Margin γ of the misgrokking construction.
    #[arg(long)]
    pub gamma: Option<f64>,
    /// Depth L of the diagonal net w = u^L − v^L.
    #[arg(long)]
    pub depth: Option<u32>,
    /// Initialisation scale α = ‖θ(0)‖.
    #[arg(long)]
    pub alpha: Option<f64>,
    /// Weight decay λ.
    #[arg(long)]
    pub lambda: Option<f64>,
    /// Loss: logistic, exponential or squared.
    #[arg(long, value_parser = parse_loss)]
    pub loss: Option<Loss>,
    /// Step size η of the gd integrator.
    #[arg(long)]
    pub lr: Option<f64>,
    /// Integrator: gd (the paper's update) or flow (adaptive, exact decay).
    #[arg(long, value_parser = parse_integrator)]
    pub integrator: Option<Integrator>,
    /// Relative error tolerance of the flow integrator.
    #[arg(long)]
    pub tol: Option<f64>,
    /// Continuous time at which the run ends.
    #[arg(long)]
    pub t_max: Option<f64>,
    /// Metrics grid density (points per decade of t).
    #[arg(long)]
    pub points_per_decade: Option<u32>,
    /// Seed of all random draws.
    #[arg(long)]
    pub seed: Option<u64>,
    /// Number format of the dynamics.
    #[arg(long, value_enum, default_value_t = Precision::F32)]
    pub precision: Precision,
    /// Write the trajectory (one row per grid time) to this CSV file.
    #[arg(long)]
    pub csv: Option<PathBuf>,
    /// Print the summary as one JSON object on stdout.
    #[arg(long)]
    pub json: bool,
    /// Skip the reference predictors (the cos_kernel / cos_rich columns stay empty).
    #[arg(long)]
    pub no_references: bool,
}

impl RunArgs {
    /// The preset's configuration with every given flag applied, validated.
    pub fn config(&self) -> Result<Config, String> {
        let mut c = self.preset.map_or_else(Config::default, |p| p.config);
        set(&mut c.task, self.task);
        set(&mut c.d, self.d);
        set(&mut c.n, self.n);
        set(&mut c.n_test, self.n_test);
        set(&mut c.k, self.k);
        set(&mut c.gamma, self.gamma);
        set(&mut c.depth, self.depth);
        set(&mut c.alpha, self.alpha);
        set(&mut c.lambda, self.lambda);
        set(&mut c.loss, self.loss);
        set(&mut c.lr, self.lr);
        set(&mut c.integrator, self.integrator);
        set(&mut c.tol, self.tol);
        set(&mut c.t_max, self.t_max);
        set(&mut c.points_per_decade, self.points_per_decade);
        set(&mut c.seed, self.seed);
        // A regression task needs the squared loss; switching task alone should just work.
        if self.task == Some(Task::SparseReg) && self.loss.is_none() {
            c.loss = Loss::Squared;
        }
        c.validate().map_err(|e| flag_error(&e))?;
        Ok(c)
    }

    /// The preset's name, or "custom" when none was given.
    pub fn preset_name(&self) -> &'static str {
        self.preset.map_or("custom", |p| p.name)
    }
}

/// Overwrites `slot` when a flag was given.
fn set<T>(slot: &mut T, value: Option<T>) {
    if let Some(v) = value {
        *slot = v;
    }
}

/// A configuration error phrased in terms of the command-line flag.
pub fn flag_error(e: &ConfigError) -> String {
    format!("invalid --{}: {e}", e.field().replace('_', "-"))
}

fn parse_preset(s: &str) -> Result<&'static Preset, String> {
    preset(s).ok_or_else(|| {
        let names: Vec<_> = PRESETS.iter().map(|p| p.name).collect();
        format!("unknown preset; choose one of {}", names.join(", "))
    })
}

fn parse_task(s: &str) -> Result<Task, String> {
    Task::from_name(s).ok_or_else(|| one_of(Task::ALL.map(Task::name)))
}

fn parse_loss(s: &str) -> Result<Loss, String> {
    Loss::from_name(s).ok_or_else(|| one_of(Loss::ALL.map(Loss::name)))
}

fn parse_integrator(s: &str) -> Result<Integrator, String> {
    Integrator::from_name(s).ok_or_else(|| one_of(Integrator::ALL.map(Integrator::name)))
}

fn one_of<const N: usize>(names: [&str; N]) -> String {
    format!("choose one of {}", names.join(", "))
}

/// A count, also written as `1e5` or `100_000`.
fn parse_count(s: &str) -> Result<usize, String> {
    let cleaned = s.replace('_', "");
    if let Ok(v) = cleaned.parse::<usize>() {
        return Ok(v);
    }
    match cleaned.parse::<f64>() {
        Ok(v) if v >= 0.0 && v.fract() == 0.0 && v <= usize::MAX as f64 => Ok(v as usize),
        _ => Err("expected a whole number such as 2000 or 1e5".to_owned()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(args: &[&str]) -> Result<Config, String> {
        let mut full = vec!["grokflow", "run"];
        full.extend_from_slice(args);
        let cli = Cli::try_parse_from(full).map_err(|e| e.to_string())?;
        match cli.command {
            Some(Command::Run(run)) => run.config(),
            _ => Err("not a run".to_owned()),
        }
    }

    #[test]
    fn flags_override_the_preset() {
        let c = parse(&["--preset", "fig1b-small", "--alpha", "10", "--d", "1e3"]).expect("valid");
        assert_eq!(c.task, Task::Misgrok);
        assert_eq!(c.alpha, 10.0);
        assert_eq!(c.d, 1000);
    }

    #[test]
    fn bad_values_name_the_flag() {
        let cases: [(&[&str], &str); 5] = [
            (&["--alpha", "-1"], "--alpha"),
            (&["--lambda", "nan"], "--lambda"),
            (&["--n-test", "0"], "--n-test"),
            (&["--task", "nope"], "--task"),
            (&["--d", "1.5"], "--d"),
        ];
        for (args, flag) in cases {
            let err = parse(args).expect_err(flag);
            assert!(err.contains(flag), "{err}");
        }
    }

    #[test]
    fn regression_task_defaults_to_squared_loss() {
        let c = parse(&["--task", "sparse-reg"]).expect("valid");
        assert_eq!(c.loss, Loss::Squared);
    }
}
