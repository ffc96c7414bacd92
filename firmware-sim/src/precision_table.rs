//! `firmware-sim precision`: the study as a table on stdout, in CSV and in Markdown.

use std::fmt::Write as _;
use std::path::PathBuf;
use std::time::Instant;

use grokflow_core::study::{self, Row, Scheme};
use grokflow_core::{Config, DecayWarning, Precision, preset};

/// The columns; the final test metric is the accuracy or, for regression, the loss.
fn header(config: &Config) -> [&'static str; 10] {
    [
        "format",
        "rounding",
        "scheme",
        "t_fit",
        "t_grok",
        if config.is_classification() {
            "final_test_acc"
        } else {
            "final_test_loss"
        },
        "max_swamped",
        "decay_below_threshold",
        "verdict",
        "why",
    ]
}

fn time(t: Option<f64>) -> String {
    t.map_or_else(|| "—".to_owned(), |t| format!("{t:.4}"))
}

/// `row`'s line; `reference` is the f64 run of its scheme (None: the row is that run).
fn cells(row: &Row, reference: Option<&Row>) -> [String; 10] {
    let (verdict, why) = match reference {
        Some(reference) => {
            let (holds, why) = study::judge(&reference.summary, &row.summary);
            (if holds { "holds" } else { "breaks" }, why)
        }
        None => (
            "reference",
            study::over_budget(&row.summary)
                .unwrap_or_else(|| "the f64 run of this scheme".to_owned()),
        ),
    };
    let last = row.summary.last;
    let final_test = if row.summary.config.is_classification() {
        last.and_then(|m| m.test_acc)
            .map_or_else(|| "—".to_owned(), |a| format!("{a:.3}"))
    } else {
        last.map_or_else(|| "—".to_owned(), |m| format!("{:.2e}", m.test_loss))
    };
    [
        row.precision.format_name().to_owned(),
        row.precision.rounding_name().to_owned(),
        row.scheme.name().to_owned(),
        time(row.summary.transitions.t_fit()),
        time(row.summary.transitions.t_grok()),
        final_test,
        format!("{:.3}", row.max_swamped),
        if row.decay_threshold_warning {
            "yes"
        } else {
            "no"
        }
        .to_owned(),
        verdict.to_owned(),
        why,
    ]
}

/// Runs the study on `preset_name`, each row for at most `budget` gradient evaluations
/// (default: [`study::default_budget`]), and writes the table.
pub fn run(
    preset_name: &str,
    csv: Option<PathBuf>,
    markdown: Option<PathBuf>,
    threads: Option<usize>,
    budget: Option<u64>,
) -> Result<(), String> {
    let preset = preset(preset_name).ok_or_else(|| format!("unknown preset {preset_name:?}"))?;
    let config = preset.config.with_derived_sizes();
    let threads =
        threads.unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()));
    let cases = study::all_cases();
    if budget == Some(0) {
        return Err("--budget must be at least 1 gradient evaluation".to_owned());
    }
    let budget = budget.unwrap_or_else(|| study::default_budget(&config));
    let start = Instant::now();
    eprintln!(
        "{} rows of {} (ηλ = {:e}) on {threads} threads, at most {budget} gradient \
         evaluations a row…",
        cases.len(),
        preset.name,
        config.lr * config.lambda
    );
    for warning in Precision::ALL
        .into_iter()
        .filter_map(|p| DecayWarning::for_paper_update(&config, p))
    {
        eprintln!("warning: {warning}");
    }
    let rows = study::run(&config, &cases, threads, budget, &|row: &Row| {
        let outcome = study::over_budget(&row.summary).unwrap_or_else(|| {
            row.summary
                .transitions
                .t_grok()
                .map_or("no grokking".to_owned(), |t| format!("t_grok {t:.1}"))
        });
        eprintln!(
            "  [{:6.1} s] {:<10} {:<10} {outcome} ({} gradient evaluations)",
            start.elapsed().as_secs_f64(),
            row.precision.name(),
            row.scheme.name(),
            row.summary.gradient_evals,
        );
    });
    let naive_reference = study::reference_for(&rows, Scheme::Naive)
        .ok_or("the f64 run of the paper's update did not run")?;
    // Every case gets a line, in case order: a scheme that does not apply says so.
    let table: Vec<[String; 10]> = cases
        .iter()
        .filter_map(|&(precision, scheme)| {
            if let Some(reason) = scheme.not_applicable(&config) {
                let dash = || "—".to_owned();
                return Some([
                    precision.format_name().to_owned(),
                    precision.rounding_name().to_owned(),
                    scheme.name().to_owned(),
                    dash(),
                    dash(),
                    dash(),
                    dash(),
                    dash(),
                    "does not apply".to_owned(),
                    reason.to_owned(),
                ]);
            }
            let row = rows
                .iter()
                .find(|r| r.precision == precision && r.scheme == scheme)?;
            let reference = study::reference_for(&rows, scheme).filter(|r| r != &row);
            Some(cells(row, reference))
        })
        .collect();

    let header = header(&config);
    let mut md = format!(
        "Precision study on `{}` (ηλ = {:e}, {} steps of the paper's update per row, at most \
         {budget} gradient evaluations a row). {}.\n\n",
        preset.name,
        config.lr * config.lambda,
        naive_reference.summary.steps,
        study::rule(&config)
    );
    let _ = writeln!(md, "| {} |", header.join(" | "));
    let _ = writeln!(md, "|{}", "---|".repeat(header.len()));
    for row in &table {
        let _ = writeln!(md, "| {} |", row.join(" | "));
    }
    print!("{md}");
    let mut text = header.join(",");
    text.push('\n');
    for row in &table {
        let fields: Vec<String> = row.iter().map(|c| c.replace(',', ";")).collect();
        text.push_str(&fields.join(","));
        text.push('\n');
    }
    let csv = csv.unwrap_or_else(|| PathBuf::from(format!("target/precision-{}.csv", preset.name)));
    let markdown =
        markdown.unwrap_or_else(|| PathBuf::from(format!("target/precision-{}.md", preset.name)));
    for (path, content) in [(&csv, &text), (&markdown, &md)] {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
        }
        std::fs::write(path, content)
            .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    }
    eprintln!(
        "wrote {} and {} in {:.1} s",
        csv.display(),
        markdown.display(),
        start.elapsed().as_secs_f64()
    );
    Ok(())
}
