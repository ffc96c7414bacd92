//! A link that reproduces a run: the experiment in the query of the web explorer's URL.
//!
//! The parameters are `grokflow run`'s flags without their dashes
//! (`?preset=fig1a-small&alpha=100&lambda=1e-3&precision=f64` is `grokflow run --preset
//! fig1a-small --alpha 100 --lambda 1e-3 --precision f64`), read
//! by the same parser, so a link and a command line give the same configuration and the same
//! error messages; `view` and `at` are the explorer's own flags. A written link names the
//! preset and only the fields that differ from it.

use grokflow_cli::flags::{field_name, flag_name};
use grokflow_cli::{Cli, Command, View, argv};
use grokflow_core::{Config, Precision, preset, task_preset};

/// What a link asks the explorer to show.
#[derive(Clone, Debug, PartialEq)]
pub struct Link {
    /// The preset it starts from ("custom" when it names none).
    pub preset: &'static str,
    /// The experiment, validated.
    pub config: Config,
    /// The number format.
    pub precision: Precision,
    /// The view to open with (the curves when not given).
    pub view: Option<View>,
    /// Where the time slider stands, as `t` (not `log10 t`).
    pub at: Option<f64>,
}

/// The link's parameters besides the experiment's fields.
const OWN: [&str; 4] = ["preset", "precision", "view", "at"];

/// Reads the query of a URL (with or without its leading `?`). An empty query is `Ok(None)`;
/// a broken one an error that names the parameter and what it takes.
pub fn parse(query: &str) -> Result<Option<Link>, String> {
    let query = query.strip_prefix('?').unwrap_or(query);
    if query.is_empty() {
        return Ok(None);
    }
    // The explorer's flags come before the subcommand, the experiment's after it.
    let (mut explorer, mut run) = (Vec::new(), vec!["run".to_owned()]);
    for (key, value) in form_urlencoded::parse(query.as_bytes()) {
        let name = field_name(&key);
        let flags = if name == "view" || name == "at" {
            &mut explorer
        } else {
            &mut run
        };
        match name.as_str() {
            _ if OWN.contains(&name.as_str()) || Config::field(&name).is_some() => {
                // `--at=-2`, one word: a value that starts with `-` is not taken for a flag.
                flags.push(format!("--{}={value}", flag_name(&name)));
            }
            _ => {
                let fields: Vec<_> = Config::FIELDS.iter().map(|f| f.name).collect();
                return Err(format!(
                    "unknown link parameter \"{key}\": it takes {} and the experiment's fields ({})",
                    OWN.join(", "),
                    fields.join(", ")
                ));
            }
        }
    }
    explorer.extend(run);
    let (run, start) = match argv::parse(&explorer)? {
        Cli {
            command: Some(Command::Run(run)),
            explorer,
        } => (run, explorer),
        _ => return Err("the link is not an experiment".to_owned()),
    };
    Ok(Some(Link {
        preset: run.preset_name(),
        config: run.config()?,
        precision: run.precision(),
        view: start.view,
        at: start.at,
    }))
}

/// The query (without `?`) of a link to `config` in `precision`, written against the preset
/// named `preset` (any other name writes it against its task's preset).
pub fn compose(preset_name: &str, config: &Config, precision: Precision, view: View) -> String {
    let named = preset(preset_name);
    let base = named.map_or(task_preset(config.task).config, |p| p.config);
    let mut query = form_urlencoded::Serializer::new(String::new());
    if let Some(p) = named {
        query.append_pair("preset", p.name);
    }
    for field in &Config::FIELDS {
        let (text, base_text) = (config.field_text(field.name), base.field_text(field.name));
        // Without a preset the task says where to start; a task switched from the preset's
        // is written with its loss (switching the task alone takes the task's loss).
        let forced = match field.name {
            "task" => named.is_none(),
            "loss" => config.task != base.task,
            _ => false,
        };
        if let Some(text) = text.filter(|t| forced || Some(t) != base_text.as_ref()) {
            query.append_pair(&flag_name(field.name), &text);
        }
    }
    if precision != Precision::default() {
        query.append_pair("precision", precision.name());
    }
    if view != View::Curves {
        query.append_pair("view", view.name());
    }
    query.finish()
}

#[cfg(test)]
mod tests {
    use super::*;
    use grokflow_core::{FIG1A_SMALL, PRESETS, Task};

    #[test]
    fn every_preset_and_its_edits_come_back_from_their_link() {
        for p in &PRESETS {
            let mut edited = p.config;
            edited.alpha *= 2.0;
            edited.seed += 1;
            for (config, precision, view) in [
                (p.config, Precision::F32, View::Curves),
                (edited, Precision::F64, View::Weights),
            ] {
                let query = compose(p.name, &config, precision, view);
                let link = parse(&query).expect("valid").expect("not empty");
                assert_eq!(link.config, config.with_derived_sizes(), "{query}");
                assert_eq!(
                    (link.preset, link.precision, link.view.unwrap_or_default()),
                    (p.name, precision, view)
                );
            }
        }
    }

    #[test]
    fn a_preset_alone_is_a_short_link() {
        assert_eq!(
            compose(
                "fig1a-small",
                &FIG1A_SMALL.config,
                Precision::F32,
                View::Curves
            ),
            "preset=fig1a-small"
        );
    }

    #[test]
    fn a_custom_experiment_on_another_task_comes_back() {
        let mut config = task_preset(Task::ModAdd).config;
        config.lambda = 2e-3;
        let query = compose("custom", &config, Precision::F32, View::Curves);
        let link = parse(&query).expect("valid").expect("not empty");
        assert_eq!(link.config, config.with_derived_sizes(), "{query}");
        assert_eq!(link.preset, "custom");
    }

    #[test]
    fn links_read_as_the_command_line_does() {
        let link = parse("?preset=fig1b-small&alpha=10&n-test=500&at=1e3&view=phase")
            .expect("valid")
            .expect("not empty");
        assert_eq!(link.config.task, Task::Misgrok);
        assert_eq!((link.config.alpha, link.config.n_test), (10.0, 500));
        assert_eq!((link.view, link.at), (Some(View::Phase), Some(1e3)));
        assert_eq!(parse(""), Ok(None));
    }

    #[test]
    fn a_broken_parameter_is_named() {
        let cases = [
            ("alpha=-1", "alpha"),
            ("alpha=abc", "alpha"),
            ("preset=nope", "preset"),
            ("precision=f8", "precision"),
            ("view=table", "view"),
            ("at=-2", "at"),
            ("colour=red", "colour"),
            ("d=0", "d"),
        ];
        for (query, field) in cases {
            let error = parse(query).expect_err(query);
            assert!(error.contains(field), "{query}: {error}");
        }
    }
}
