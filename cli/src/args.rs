//! The arguments of the `grokflow` binary: the explorer's flags (no subcommand), `grokflow
//! run`, `grokflow sweep` and `grokflow presets`.

use std::path::PathBuf;

use clap::{Arg, ArgMatches, Args, FromArgMatches, Parser, Subcommand};
use grokflow_core::experiment_file::ExperimentSpec;

use crate::flags::{flag_error, flag_name, parse_preset};
use crate::view::View;
use grokflow_core::{Config, FIG1A_SMALL, Field, FieldKind, Precision, Preset, Task, task_preset};

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
#[derive(Debug, Default, Args)]
pub struct ExplorerArgs {
    /// Explorer: start with this preset.
    #[arg(long, value_parser = parse_preset)]
    pub preset: Option<&'static Preset>,
    /// Explorer: run the preset to its end in a real window, save a PNG of the window here,
    /// and exit.
    #[arg(long)]
    pub screenshot: Option<PathBuf>,
    /// Explorer: the view to open with: curves, weights or phase.
    #[arg(long, value_parser = parse_view)]
    pub view: Option<View>,
    /// Explorer: put the time slider at this t (the cursor on the curves, the weights at
    /// that time), e.g. for a --screenshot of the kernel phase.
    #[arg(long, value_parser = parse_time)]
    pub at: Option<f64>,
}

fn parse_time(s: &str) -> Result<f64, String> {
    match s.trim().parse::<f64>() {
        Ok(t) if t >= 0.0 && t.is_finite() => Ok(t),
        _ => Err(format!("\"{s}\" must be a time t ≥ 0")),
    }
}

/// Subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run one experiment headless, print a summary, optionally write its trajectory.
    #[command(allow_negative_numbers = true)]
    Run(Box<RunArgs>),
    /// List the presets with their sizes and what they show.
    Presets,
    /// Run a grid of (α, λ) on every core (or one slice of it: --shard); write a CSV and a
    /// PNG heat map. `grokflow sweep merge` joins the slices.
    #[command(args_conflicts_with_subcommands = true)]
    Sweep(Box<crate::sweep::SweepArgs>),
}

/// Flags of `grokflow run`. Every experiment flag overrides the preset's value.
#[derive(Clone, Debug, Args)]
pub struct RunArgs {
    /// Start from a named preset (see `grokflow presets`); default: the small preset of
    /// `--task`, or fig1a-small.
    #[arg(long, value_parser = parse_preset, conflicts_with = "config")]
    pub preset: Option<&'static Preset>,
    /// Start from a saved experiment (the explorer's "Save"); flags still override it.
    #[arg(long, value_parser = parse_experiment_file)]
    pub config: Option<ExperimentSpec>,
    /// The experiment's fields, one flag each.
    #[command(flatten)]
    pub experiment: ExperimentFlags,
    /// Number format of the dynamics: f32 (default), f64, bf16, bf16-sr, f16, f16-sr,
    /// q16.16, q16.16-sr, q8.24, q8.24-sr or f32-approx (-sr: stochastic rounding).
    #[arg(long, value_parser = parse_precision)]
    pub precision: Option<Precision>,
    /// Write the trajectory (one row per grid time) to this CSV file.
    #[arg(long)]
    pub csv: Option<PathBuf>,
    /// Draw the paper-style figure of the run here (train/test accuracy, or loss, and ‖θ‖
    /// against log t, transitions marked): PNG or SVG by the extension.
    #[arg(long)]
    pub plot: Option<PathBuf>,
    /// Print the summary as one JSON object on stdout.
    #[arg(long)]
    pub json: bool,
    /// Skip the reference predictors (the cos_kernel / cos_rich columns stay empty).
    #[arg(long)]
    pub no_references: bool,
    /// Train a diagonal net on a data set from a file instead of a generated task: .npz with
    /// arrays X (n × d) and y (n), .npy holding X with y in NAME_y.npy for NAME.npy, or .csv with a
    /// header row (a y column plus the feature columns). Labels ±1 for classification (the
    /// default loss then is logistic), reals for regression (squared).
    #[arg(long)]
    pub data: Option<PathBuf>,
    /// Test set for --data, in the same formats; without it a seeded split keeps
    /// --train-fraction of the rows (default 0.8) for training.
    #[arg(long, requires = "data")]
    pub test_data: Option<PathBuf>,
}

/// One flag per field of [`Config`] (`--n-test` for `n_test`), made from
/// [`Config::FIELDS`]: the values as typed, applied by [`Config::set_field`]. One flag may
/// hold a comma-separated list (`--alpha 1,10,100`): one run per value.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ExperimentFlags {
    /// `(field, text)` for every flag given, in [`Config::FIELDS`] order.
    pub given: Vec<(&'static str, String)>,
}

impl ExperimentFlags {
    /// Whether the flag of `field` was given.
    pub fn has(&self, field: &str) -> bool {
        self.given.iter().any(|(f, _)| *f == field)
    }

    /// The field given a list of values (`--alpha 1,10,100`) and its values, if one was;
    /// an error for two lists or an empty value.
    pub fn varied(&self) -> Result<Option<(&'static str, Vec<String>)>, String> {
        let mut lists = self.given.iter().filter(|(_, text)| text.contains(','));
        let Some((field, text)) = lists.next() else {
            return Ok(None);
        };
        if let Some((other, _)) = lists.next() {
            return Err(format!(
                "only one flag may take a list of values: --{} and --{} both do",
                flag_name(field),
                flag_name(other)
            ));
        }
        let values: Vec<String> = text.split(',').map(|v| v.trim().to_owned()).collect();
        if values.iter().any(String::is_empty) {
            return Err(format!(
                "invalid --{}: \"{text}\" has an empty value; write values separated by commas, \
                 e.g. 1,10,100",
                flag_name(field)
            ));
        }
        Ok(Some((field, values)))
    }

    /// These flags with `field` set to `value` (one run of a list).
    pub fn with(&self, field: &str, value: &str) -> Self {
        let given = self
            .given
            .iter()
            .map(|(f, text)| {
                (
                    *f,
                    if *f == field {
                        value.to_owned()
                    } else {
                        text.clone()
                    },
                )
            })
            .collect();
        Self { given }
    }

    /// Applies every given flag to `config`; the error names the flag.
    pub fn apply(&self, config: &mut Config) -> Result<(), String> {
        for (field, text) in &self.given {
            config
                .set_field(field, text)
                .map_err(|e| format!("invalid --{}: {}", flag_name(e.field), e.message))?;
        }
        Ok(())
    }
}

/// The help line of a field's flag: what it means, and the names it takes.
fn flag_help(field: &Field) -> String {
    match field.kind {
        FieldKind::Choice(names) => format!("{} One of: {}.", field.help, names.join(", ")),
        FieldKind::Switch => format!("{} true or false.", field.help),
        FieldKind::Whole | FieldKind::Real => field.help.to_owned(),
    }
}

impl Args for ExperimentFlags {
    fn augment_args(command: clap::Command) -> clap::Command {
        Config::FIELDS.iter().fold(command, |command, field| {
            command.arg(
                Arg::new(field.name)
                    .long(flag_name(field.name))
                    .value_name(field.name.to_uppercase())
                    .help(flag_help(field))
                    .allow_negative_numbers(true),
            )
        })
    }

    fn augment_args_for_update(command: clap::Command) -> clap::Command {
        Self::augment_args(command)
    }
}

impl FromArgMatches for ExperimentFlags {
    fn from_arg_matches(matches: &ArgMatches) -> Result<Self, clap::Error> {
        let given = Config::FIELDS
            .iter()
            .filter_map(|f| Some((f.name, matches.get_one::<String>(f.name)?.clone())))
            .collect();
        Ok(Self { given })
    }

    fn update_from_arg_matches(&mut self, matches: &ArgMatches) -> Result<(), clap::Error> {
        *self = Self::from_arg_matches(matches)?;
        Ok(())
    }
}

/// The runs of a list in one flag (`grokflow run --alpha 1,10,100`).
#[derive(Clone, Debug)]
pub struct RunList {
    /// The field the list is for.
    pub field: &'static str,
    /// Each value as typed, with the arguments of its run.
    pub runs: Vec<(String, RunArgs)>,
}

impl RunArgs {
    /// The preset's configuration with every given flag applied, validated.
    pub fn config(&self) -> Result<Config, String> {
        let c = self.template()?.with_derived_sizes();
        c.validate().map_err(|e| flag_error(&e))?;
        Ok(c)
    }

    /// The preset's configuration with every given flag applied, not yet validated (a data
    /// file still has to supply the sizes).
    pub fn template(&self) -> Result<Config, String> {
        let flags = &self.experiment;
        let mut c = match (&self.config, self.preset) {
            (Some(spec), _) => spec.config,
            (None, Some(p)) => p.config,
            (None, None) => FIG1A_SMALL.config,
        };
        flags.apply(&mut c)?;
        if flags.has("task") {
            // A task alone starts from its small preset; switching the task of a preset
            // takes the loss the task needs.
            let start = task_preset(c.task).config;
            if self.config.is_none() && self.preset.is_none() {
                c = start;
                flags.apply(&mut c)?;
            }
            if !flags.has("loss") {
                c.loss = start.loss;
            }
        }
        if self.data.is_some() {
            c.task = Task::File;
            if !flags.has("train_fraction") {
                c.train_fraction = 0.8;
            }
        }
        Ok(c)
    }

    /// One run per value when a flag holds a list (`--alpha 1,10,100`), each run's
    /// configuration checked; `None` for a single run.
    pub fn one_per_value(&self) -> Result<Option<RunList>, String> {
        let Some((field, values)) = self.experiment.varied()? else {
            return Ok(None);
        };
        let runs = values
            .into_iter()
            .map(|value| {
                let run = RunArgs {
                    experiment: self.experiment.with(field, &value),
                    ..self.clone()
                };
                // A data file supplies the sizes only when it is read.
                if run.data.is_none() {
                    run.config()?;
                }
                Ok((value, run))
            })
            .collect::<Result<_, String>>()?;
        Ok(Some(RunList { field, runs }))
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

fn parse_view(s: &str) -> Result<View, String> {
    View::from_name(s).ok_or_else(|| one_of(View::ALL.map(View::name)))
}

fn parse_precision(s: &str) -> Result<Precision, String> {
    Precision::from_name(s).ok_or_else(|| one_of(Precision::ALL.map(Precision::name)))
}

fn parse_experiment_file(path: &str) -> Result<ExperimentSpec, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("cannot read {path}: {e}"))?;
    ExperimentSpec::from_json(&text).map_err(|e| format!("{path}: {e}"))
}

fn one_of<const N: usize>(names: [&str; N]) -> String {
    format!("choose one of {}", names.join(", "))
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
    fn help_lists_every_field_and_every_name() {
        use clap::CommandFactory;
        let mut cli = Cli::command();
        let help = cli
            .find_subcommand_mut("run")
            .expect("run")
            .render_long_help()
            .to_string();
        for field in Config::FIELDS {
            assert!(
                help.contains(&format!("--{}", flag_name(field.name))),
                "{}",
                field.name
            );
            if let FieldKind::Choice(names) = field.kind {
                for name in names {
                    assert!(help.contains(name), "--{}: {name}", field.name);
                }
            }
        }
        for p in Precision::ALL {
            assert!(help.contains(p.name()), "--precision: {}", p.name());
        }
    }

    fn runs(args: &[&str]) -> Result<Vec<Config>, String> {
        let mut full = vec!["grokflow", "run"];
        full.extend_from_slice(args);
        let cli = Cli::try_parse_from(full).map_err(|e| e.to_string())?;
        let Some(Command::Run(run)) = cli.command else {
            return Err("not a run".to_owned());
        };
        let list = run.one_per_value()?.ok_or("no list")?;
        list.runs.iter().map(|(_, r)| r.config()).collect()
    }

    #[test]
    fn a_list_in_one_flag_is_one_run_per_value() {
        let configs = runs(&[
            "--preset",
            "fig2-small",
            "--alpha",
            "1, 10,100",
            "--seed",
            "3",
        ])
        .expect("valid");
        let alphas: Vec<f64> = configs.iter().map(|c| c.alpha).collect();
        assert_eq!(alphas, [1.0, 10.0, 100.0]);
        assert!(
            configs
                .iter()
                .all(|c| c.seed == 3 && c.task == Task::ModAdd)
        );
        let tasks = runs(&["--task", "sparse-cls,misgrok"]).expect("valid");
        assert_eq!(tasks[1].task, Task::Misgrok);
    }

    #[test]
    fn lists_are_refused_with_the_flag_named() {
        let cases: [(&[&str], &str); 3] = [
            (
                &["--alpha", "1,10", "--lambda", "1e-3,1e-2"],
                "only one flag",
            ),
            (&["--alpha", "1,,10"], "invalid --alpha"),
            (&["--alpha", "1,-10"], "invalid --alpha"),
        ];
        for (args, message) in cases {
            let err = runs(args).expect_err(message);
            assert!(err.contains(message), "{err}");
        }
    }

    #[test]
    fn a_task_alone_starts_from_its_small_preset() {
        let c = parse(&["--task", "sparse-reg"]).expect("valid");
        assert_eq!(c.loss, grokflow_core::Loss::Squared);
        let c = parse(&["--task", "mod-add", "--d", "11"]).expect("valid");
        assert_eq!(
            (c.loss, c.d, c.n + c.n_test),
            (grokflow_core::Loss::CrossEntropy, 11, 121)
        );
    }
}
