//! The arguments of the `grokflow` binary: the explorer's flags (no subcommand), `grokflow
//! run`, `grokflow sweep` and `grokflow presets`.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};
use grokflow_core::experiment_file::ExperimentSpec;
use grokflow_core::{
    Activation, Config, ConfigError, FIG1A_SMALL, Integrator, Loss, PRESETS, Precision, Preset,
    Task, Truth, preset, task_preset,
};

/// grokflow: watch homogeneous networks grok, measure when, and check it against ln α / λ.
///
/// Without a subcommand it opens the explorer.
#[derive(Debug, Parser)]
#[command(name = "grokflow", version)]
pub struct Cli {
    /// What to do (default: open the explorer).
    #[command(subcommand)]
    pub command: Option<Command>,
    /// How to open the explorer.
    #[command(flatten)]
    pub explorer: ExplorerArgs,
}

/// Flags of the explorer (the binary without a subcommand).
#[derive(Debug, Args)]
pub struct ExplorerArgs {
    /// Explorer: start with this preset.
    #[arg(long, value_parser = parse_preset)]
    pub preset: Option<&'static Preset>,
    /// Explorer: run the preset to its end in a real window, save a PNG of the window here,
    /// and exit.
    #[arg(long)]
    pub screenshot: Option<PathBuf>,
    /// Explorer: the view to open with: curves or weights.
    #[arg(long, value_parser = parse_view)]
    pub view: Option<StartView>,
}

/// The explorer view named by `--view`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StartView {
    /// The curves against log t.
    Curves,
    /// The weights of the model.
    Weights,
}

/// Subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run one experiment headless, print a summary, optionally write its trajectory.
    #[command(allow_negative_numbers = true)]
    Run(Box<RunArgs>),
    /// List the presets with their sizes and what they show.
    Presets,
    /// Run a grid of (α, λ) on every core; write a CSV and a PNG heat map.
    Sweep(crate::sweep::SweepArgs),
}

/// Flags of `grokflow run`. Every experiment flag overrides the preset's value.
#[derive(Debug, Args)]
pub struct RunArgs {
    /// Start from a named preset (see `grokflow presets`); default: the small preset of
    /// `--task`, or fig1a-small.
    #[arg(long, value_parser = parse_preset, conflicts_with = "config")]
    pub preset: Option<&'static Preset>,
    /// Start from a saved experiment (the explorer's "Save"); flags still override it.
    #[arg(long, value_parser = parse_experiment_file)]
    pub config: Option<ExperimentSpec>,
    /// Task: sparse-cls, misgrok, sparse-reg, matrix-completion or mod-add.
    #[arg(long, value_parser = parse_task)]
    pub task: Option<Task>,
    /// Size: input dimension, matrix size (matrix-completion) or modulus p (mod-add).
    #[arg(long, value_parser = parse_count)]
    pub d: Option<usize>,
    /// Number of training points (sparse tasks; pair tasks use --train-fraction).
    #[arg(long, value_parser = parse_count)]
    pub n: Option<usize>,
    /// Number of test points (sparse tasks).
    #[arg(long, value_parser = parse_count)]
    pub n_test: Option<usize>,
    /// Support size of the sparse ground truth, or rank of a low-rank matrix.
    #[arg(long, value_parser = parse_count)]
    pub k: Option<usize>,
    /// Margin γ of the misgrokking construction.
    #[arg(long)]
    pub gamma: Option<f64>,
    /// Fraction of all pairs trained on (matrix-completion, mod-add).
    #[arg(long)]
    pub train_fraction: Option<f64>,
    /// Ground truth of matrix completion: paper (X*_ij = ij/d²) or low-rank (rank k).
    #[arg(long, value_parser = parse_truth)]
    pub truth: Option<Truth>,
    /// Hidden width of the MLP (mod-add).
    #[arg(long, value_parser = parse_count)]
    pub width: Option<usize>,
    /// Hidden activation of the MLP: relu or quadratic.
    #[arg(long, value_parser = parse_activation)]
    pub activation: Option<Activation>,
    /// Start the MLP's output layer at zero (true, the paper's choice) or Kaiming (false).
    #[arg(long)]
    pub zero_output_init: Option<bool>,
    /// Depth L of the diagonal net w = u^L − v^L.
    #[arg(long)]
    pub depth: Option<u32>,
    /// Initialisation scale: ‖θ(0)‖ (diagonal nets), U = V = α·I (matrix-completion),
    /// multiplier of the Kaiming init (mod-add).
    #[arg(long)]
    pub alpha: Option<f64>,
    /// Weight decay λ.
    #[arg(long)]
    pub lambda: Option<f64>,
    /// Loss: logistic, exponential, squared or cross-entropy.
    #[arg(long, value_parser = parse_loss)]
    pub loss: Option<Loss>,
    /// Step size η of gd and normalized-gd.
    #[arg(long)]
    pub lr: Option<f64>,
    /// Integrator: gd (the paper's update), flow (adaptive, exact decay), normalized-gd
    /// (λ = 0, step η/L: fig. 4), gd-kahan (the paper's update with compensated sums) or
    /// gd-log-space (the decay applied exactly in log space; depth-2 diagonal nets).
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
    /// Number format of the dynamics: f32 (default), f64, f32-approx, bf16, bf16-sr, f16,
    /// f16-sr, q16.16, q16.16-sr, q8.24 or q8.24-sr (-sr: stochastic rounding).
    #[arg(long, value_parser = parse_precision)]
    pub precision: Option<Precision>,
    /// Write the trajectory (one row per grid time) to this CSV file.
    #[arg(long)]
    pub csv: Option<PathBuf>,
    /// Print the summary as one JSON object on stdout.
    #[arg(long)]
    pub json: bool,
    /// Skip the reference predictors (the cos_kernel / cos_rich columns stay empty).
    #[arg(long)]
    pub no_references: bool,
    /// Train a diagonal net on a data set from a file instead of a generated task: .npz with
    /// arrays X (n × d) and y (n), .npy holding X with y in <name>_y.npy, or .csv with a
    /// header row (a y column plus the feature columns). Labels ±1 for classification (the
    /// default loss then is logistic), reals for regression (squared).
    #[arg(long)]
    pub data: Option<PathBuf>,
    /// Test set for --data, in the same formats; without it a seeded split keeps
    /// --train-fraction of the rows (default 0.8) for training.
    #[arg(long, requires = "data")]
    pub test_data: Option<PathBuf>,
}

impl RunArgs {
    /// The preset's configuration with every given flag applied, validated.
    pub fn config(&self) -> Result<Config, String> {
        let c = self.template().with_derived_sizes();
        c.validate().map_err(|e| flag_error(&e))?;
        Ok(c)
    }

    /// The preset's configuration with every given flag applied, not yet validated (a data
    /// file still has to supply the sizes).
    pub fn template(&self) -> Config {
        let mut c = match (&self.config, self.preset) {
            (Some(spec), _) => spec.config,
            (None, Some(p)) => p.config,
            (None, None) => self
                .task
                .map_or(FIG1A_SMALL.config, |t| task_preset(t).config),
        };
        set(&mut c.task, self.task);
        set(&mut c.d, self.d);
        set(&mut c.n, self.n);
        set(&mut c.n_test, self.n_test);
        set(&mut c.k, self.k);
        set(&mut c.gamma, self.gamma);
        set(&mut c.train_fraction, self.train_fraction);
        set(&mut c.truth, self.truth);
        set(&mut c.width, self.width);
        set(&mut c.activation, self.activation);
        set(&mut c.zero_output_init, self.zero_output_init);
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
        // Switching the task of a preset should just work: take the loss the task needs.
        if let (Some(task), None) = (self.task, self.loss) {
            c.loss = task_preset(task).config.loss;
        }
        if self.data.is_some() {
            c.task = Task::File;
            if self.train_fraction.is_none() {
                c.train_fraction = 0.8;
            }
        }
        c
    }

    /// The preset's name, or "custom" when none was given.
    pub fn preset_name(&self) -> &'static str {
        self.preset.map_or("custom", |p| p.name)
    }

    /// The number format: the flag, else the saved experiment's, else f32.
    pub fn precision(&self) -> Precision {
        self.precision
            .or(self.config.map(|spec| spec.precision))
            .unwrap_or_default()
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

pub(crate) fn parse_preset(s: &str) -> Result<&'static Preset, String> {
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

fn parse_view(s: &str) -> Result<StartView, String> {
    match s {
        "curves" => Ok(StartView::Curves),
        "weights" => Ok(StartView::Weights),
        _ => Err(one_of(["curves", "weights"])),
    }
}

fn parse_precision(s: &str) -> Result<Precision, String> {
    Precision::from_name(s).ok_or_else(|| one_of(Precision::ALL.map(Precision::name)))
}

fn parse_experiment_file(path: &str) -> Result<ExperimentSpec, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("cannot read {path}: {e}"))?;
    ExperimentSpec::from_json(&text).map_err(|e| format!("{path}: {e}"))
}

fn parse_truth(s: &str) -> Result<Truth, String> {
    Truth::from_name(s).ok_or_else(|| one_of(Truth::ALL.map(Truth::name)))
}

fn parse_activation(s: &str) -> Result<Activation, String> {
    Activation::from_name(s).ok_or_else(|| one_of(Activation::ALL.map(Activation::name)))
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
    fn a_task_alone_starts_from_its_small_preset() {
        let c = parse(&["--task", "sparse-reg"]).expect("valid");
        assert_eq!(c.loss, Loss::Squared);
        let c = parse(&["--task", "mod-add", "--d", "11"]).expect("valid");
        assert_eq!((c.loss, c.d, c.n + c.n_test), (Loss::CrossEntropy, 11, 121));
    }
}
