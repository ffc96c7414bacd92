//! The `grokflow` binary as a script would use it.

use std::path::PathBuf;
use std::process::{Command, Output};

use grokflow_core::experiment_file::ExperimentSpec;
use grokflow_core::{Config, Precision};

fn grokflow(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_grokflow"))
        .args(args)
        .output()
        .expect("the binary runs")
}

fn temp(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("grokflow-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("dir");
    dir.join(name)
}

fn json(output: &Output) -> serde_json::Value {
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).expect("one JSON object")
}

/// A saved experiment reproduces the run of the same flags exactly (every number bit for bit,
/// wall time aside).
#[test]
fn a_saved_experiment_reproduces_the_run() {
    let config = Config {
        d: 500,
        n: 64,
        n_test: 1000,
        lambda: 1e-2,
        t_max: 1000.0,
        ..Config::default()
    };
    let path = temp("experiment.json");
    let spec = ExperimentSpec {
        config,
        precision: Precision::F64,
    };
    std::fs::write(&path, spec.to_json()).expect("write");
    let from_file = json(&grokflow(&[
        "run",
        "--config",
        path.to_str().expect("utf-8"),
        "--json",
        "--no-references",
    ]));
    let from_flags = json(&grokflow(&[
        "run",
        "--d",
        "500",
        "--n",
        "64",
        "--n-test",
        "1000",
        "--lambda",
        "0.01",
        "--t-max",
        "1000",
        "--precision",
        "f64",
        "--json",
        "--no-references",
    ]));
    let strip = |mut v: serde_json::Value| {
        let object = v.as_object_mut().expect("object");
        object.remove("wall_s");
        object.remove("preset");
        v
    };
    assert_eq!(strip(from_file.clone()), strip(from_flags));
    assert_eq!(from_file["precision"], "f64");
    assert!(from_file["t_grok"].is_number());
}

#[test]
fn bad_input_exits_2_and_names_the_problem() {
    let newer = temp("newer.json");
    std::fs::write(&newer, r#"{"format":"grokflow-experiment","version":99}"#).expect("write");
    let cases: [(Vec<&str>, &str); 4] = [
        (vec!["run", "--alpha", "-1"], "--alpha"),
        (
            vec!["run", "--config", newer.to_str().expect("utf-8")],
            "version 99",
        ),
        (vec!["run", "--task", "mod-add", "--width", "0"], "--width"),
        (vec!["run", "--data", "/nonexistent/x.csv"], "cannot read"),
    ];
    for (args, needle) in cases {
        let out = grokflow(&args);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
        assert!(stderr.contains(needle), "{args:?}: {stderr}");
    }
}

/// A level that is not one, or one this machine lacks, is refused before the run (and
/// before the explorer's window opens) with the variable's name and the levels the machine
/// runs.
#[test]
fn an_unknown_vector_level_is_refused() {
    for args in [&["run", "--preset", "fig1a-small"][..], &[]] {
        let out = Command::new(env!("CARGO_BIN_EXE_grokflow"))
            .args(args)
            .env("GROKFLOW_SIMD", "avx9000")
            .output()
            .expect("runs");
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(
            stderr.contains("GROKFLOW_SIMD") && stderr.contains("portable"),
            "{args:?}: {stderr}"
        );
    }
}

#[test]
fn csv_has_the_documented_header_and_one_row_per_record() {
    let csv = temp("trajectory.csv");
    let summary = json(&grokflow(&[
        "run",
        "--d",
        "64",
        "--n",
        "16",
        "--n-test",
        "32",
        "--t-max",
        "10",
        "--csv",
        csv.to_str().expect("utf-8"),
        "--json",
    ]));
    let text = std::fs::read_to_string(&csv).expect("csv");
    let mut lines = text.lines();
    let header = lines.next().expect("header");
    assert!(header.starts_with(
        "t,step,train_loss,train_acc,test_loss,test_acc,param_norm,cos_kernel,cos_rich"
    ));
    // t = 0 and 20 records per decade from 0.01 to 10.
    assert_eq!(lines.count(), 62);
    for key in [
        "log10_t_fit",
        "log10_t_grok",
        "t_fit",
        "t_grok",
        "t_drop",
        "diverged",
    ] {
        assert!(summary.get(key).is_some(), "missing {key}");
    }
}

/// A sweep writes one CSV row per run and a PNG, classifies by the paper's ordering (for a
/// fixed λ, a larger α groks later: t ≈ ln α / λ), and gives the same results on 1 and 2
/// threads.
#[test]
fn sweep_writes_csv_and_png_and_does_not_depend_on_threads() {
    let mut rows = Vec::new();
    for threads in ["1", "2"] {
        let (csv, png) = (
            temp(&format!("sweep{threads}.csv")),
            temp(&format!("sweep{threads}.png")),
        );
        let out = grokflow(&[
            "sweep",
            "--alphas",
            "10:1000:3",
            "--lambdas",
            "2e-3:2e-3:1",
            "--threads",
            threads,
            "--csv",
            csv.to_str().expect("utf-8"),
            "--png",
            png.to_str().expect("utf-8"),
        ]);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let text = std::fs::read_to_string(&csv).expect("csv");
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), 1 + 3, "{text}");
        assert!(std::fs::read(&png).expect("png").starts_with(b"\x89PNG"));
        // Everything but the wall time (last column).
        let results: Vec<String> = lines
            .iter()
            .skip(1)
            .map(|l| {
                l.rsplit_once(',')
                    .map_or(String::new(), |(head, _)| head.to_owned())
            })
            .collect();
        rows.push(results);
    }
    assert_eq!(rows[0], rows[1]);
    let t_grok: Vec<f64> = rows[0]
        .iter()
        .map(|l| {
            l.split(',')
                .nth(5)
                .and_then(|t| t.parse().ok())
                .expect("every cell groks")
        })
        .collect();
    assert!(t_grok[0] < t_grok[1] && t_grok[1] < t_grok[2], "{t_grok:?}");
    // The figure also draws the law's collapse, with the fit the law line prints.
    let svg = temp("sweep.svg");
    let out = grokflow(&[
        "sweep",
        "--alphas",
        "10:1000:3",
        "--lambdas",
        "2e-3:2e-3:1",
        "--csv",
        temp("sweep-svg.csv").to_str().expect("utf-8"),
        "--svg",
        svg.to_str().expect("utf-8"),
    ]);
    assert!(out.status.success());
    let printed =
        String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr);
    let slope = printed
        .split("λ·t_grok = (")
        .nth(1)
        .and_then(|rest| rest.split(')').next())
        .expect("a law line");
    let text = std::fs::read_to_string(&svg).expect("svg");
    for expected in [
        "λ·t_grok against ln α",
        "λ·t = ln α (leading order)",
        "with the lower-order term",
        &format!("fit: {slope}·ln α"),
    ] {
        assert!(text.contains(expected), "{expected} missing from the SVG");
    }
}

/// `sweep --shard I/N` runs disjoint slices whose merge is the whole sweep: the same rows
/// (wall time aside) and the same PNG byte for byte, whatever the slicing and the threads.
/// The merge refuses a missing, repeated, foreign or incomplete shard and names it.
#[test]
fn sharded_sweeps_merge_into_the_whole_sweep() {
    let path = |name: &str| temp(name).to_str().expect("utf-8").to_owned();
    let grid = [
        "--alphas",
        "4:400:3",
        "--lambdas",
        "2e-3:1e-2:2",
        "--seeds",
        "2",
        "--t-max",
        "2000",
    ];
    let sweep = |extra: &[&str]| {
        let out = grokflow(&[&["sweep"], &grid[..], extra].concat());
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    };
    let without_wall_time = |file: &str| -> Vec<String> {
        let text = std::fs::read_to_string(file).expect("csv");
        text.lines()
            .map(|l| l.rsplit_once(',').map_or("", |(head, _)| head).to_owned())
            .collect()
    };
    let (whole_csv, whole_png) = (path("whole.csv"), path("whole.png"));
    sweep(&["--csv", &whole_csv, "--png", &whole_png]);
    let whole_rows = without_wall_time(&whole_csv);
    assert_eq!(whole_rows.len(), 1 + 12);
    for (count, threads) in [(3, "2"), (5, "1")] {
        let shards: Vec<String> = (0..count)
            .map(|i| {
                let file = path(&format!("shard-{i}-of-{count}.csv"));
                sweep(&[
                    "--shard",
                    &format!("{i}/{count}"),
                    "--threads",
                    threads,
                    "--csv",
                    &file,
                ]);
                file
            })
            .collect();
        let (merged_csv, merged_png) = (path("merged.csv"), path("merged.png"));
        // Given in reverse: the order of the files does not matter.
        let mut args = vec!["sweep", "merge", "--csv", &merged_csv, "--png", &merged_png];
        args.extend(shards.iter().rev().map(String::as_str));
        let out = grokflow(&args);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert_eq!(without_wall_time(&merged_csv), whole_rows, "{count} shards");
        assert!(
            std::fs::read(&merged_png).expect("png") == std::fs::read(&whole_png).expect("png"),
            "the merged PNG differs from the whole sweep's ({count} shards)"
        );
        // The law's fit over the same runs, whoever ran them: the same file.
        let law = |csv: &str| std::fs::read_to_string(temp(csv).with_extension("law.json"));
        assert_eq!(
            law("merged.csv").expect("merged law.json"),
            law("whole.csv").expect("whole law.json"),
            "{count} shards"
        );
    }
    let refusal = |shards: &[&str]| {
        let merged = path("refused.csv");
        let out = grokflow(&[&["sweep", "merge", "--csv", &merged][..], shards].concat());
        assert_eq!(out.status.code(), Some(2));
        String::from_utf8_lossy(&out.stderr).into_owned()
    };
    let (s0, s1, s2) = (
        path("shard-0-of-3.csv"),
        path("shard-1-of-3.csv"),
        path("shard-2-of-3.csv"),
    );
    let err = refusal(&[&s0, &s2]);
    assert!(err.contains("shard(s) 1/3 missing"), "{err}");
    let err = refusal(&[&s0, &s1, &s2, &s1]);
    assert!(
        err.contains("shard 1/3 is given twice") && err.contains(&s1),
        "{err}"
    );
    let err = refusal(&[&s0, &s1, &path("shard-2-of-5.csv")]);
    assert!(
        err.contains("mismatched shards") && err.contains("one of 5"),
        "{err}"
    );
    // A slice of another sweep (another horizon).
    let foreign = path("foreign.csv");
    let mut other_horizon = grid;
    other_horizon[7] = "1000";
    let out = grokflow(
        &[
            &["sweep"],
            &other_horizon[..],
            &["--shard", "2/3", "--csv", &foreign],
        ]
        .concat(),
    );
    assert!(out.status.success());
    let err = refusal(&[&s0, &s1, &foreign]);
    assert!(
        err.contains("mismatched shards") && err.contains("--t-max 1000"),
        "{err}"
    );
    // A shard cut short (as Ctrl-C leaves it).
    let text = std::fs::read_to_string(&s2).expect("shard");
    let cut = path("cut.csv");
    std::fs::write(&cut, &text[..text.trim_end().rfind('\n').expect("rows")]).expect("write");
    let err = refusal(&[&s0, &s1, &cut]);
    assert!(err.contains("holds 3 of its 4 runs"), "{err}");
    let err = refusal(&[&s0, &s1, &whole_csv]);
    assert!(err.contains("is not a shard's CSV"), "{err}");
    let out = grokflow(&["sweep", "--shard", "3/3"]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("--shard") && err.contains("0 to N − 1"),
        "{err}"
    );
}

/// Ctrl-C (SIGINT) stops a run between steps: exit status 130, a message saying where it
/// stopped, and a CSV at the requested path holding every row up to there (the rows are kept
/// in a hidden partial file during the run and renamed into place at the end).
#[cfg(unix)]
#[test]
fn an_interrupted_run_leaves_a_valid_partial_csv() {
    use std::process::Stdio;
    use std::time::{Duration, Instant};

    let csv = temp("interrupted.csv");
    let partial = csv.with_file_name(".interrupted.csv.partial");
    let _ = std::fs::remove_file(&csv);
    // gd at η = 10⁻⁴ to t = 10⁴: 10⁸ steps, far longer than the test waits.
    let child = Command::new(env!("CARGO_BIN_EXE_grokflow"))
        .args([
            "run",
            "--integrator",
            "gd",
            "--lr",
            "1e-4",
            "--no-references",
        ])
        .args(["--csv", csv.to_str().expect("utf-8")])
        .stderr(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .expect("the binary runs");
    let deadline = Instant::now() + Duration::from_secs(120);
    let rows =
        || std::fs::read_to_string(&partial).map_or(0, |t| t.lines().count().saturating_sub(1));
    while rows() < 30 {
        assert!(Instant::now() < deadline, "no rows after 120 s");
        std::thread::sleep(Duration::from_millis(50));
    }
    assert!(!csv.exists(), "the target is written only at the end");
    let interrupt = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .expect("kill runs");
    assert!(interrupt.success());
    let output = child.wait_with_output().expect("exits");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(130), "{stderr}");
    assert!(stderr.contains("interrupted at t = "), "{stderr}");
    assert!(!partial.exists());
    let text = std::fs::read_to_string(&csv).expect("csv");
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let header = reader.headers().expect("header").clone();
    let records: Vec<_> = reader.records().map(|r| r.expect("a whole row")).collect();
    assert!(records.len() >= 30);
    assert!(records.iter().all(|r| r.len() == header.len()));
    assert!(
        stderr.contains(&format!("holds the {} rows", records.len())),
        "{stderr}"
    );
    // Times increase row by row: nothing repeated, nothing torn.
    let times: Vec<f64> = records
        .iter()
        .map(|r| r[0].parse().expect("t is a number"))
        .collect();
    assert!(times.windows(2).all(|w| w[0] < w[1]));
}

/// `run --plot` draws the paper-style figure: PNG or SVG by the extension, with the legend,
/// the configuration and the measured transitions named in it; any other extension is
/// refused before the run starts. `sweep --svg` labels its axes with the grid's α and λ.
#[test]
fn figures_name_what_they_show_and_refuse_unknown_formats() {
    let (svg, png) = (temp("run.svg"), temp("run.png"));
    for path in [&svg, &png] {
        let out = grokflow(&[
            "run",
            "--preset",
            "fig1a-small",
            "--json",
            "--plot",
            path.to_str().expect("utf-8"),
        ]);
        let summary = json(&out);
        assert!(summary["t_grok"].as_f64().is_some(), "fig1a-small groks");
    }
    let text = std::fs::read_to_string(&svg).expect("svg");
    for expected in [
        "fig1a-small (sparse-cls)",
        "α=128",
        "train accuracy",
        "test accuracy",
        "t_fit = ",
        "t_grok = ",
        "ln α/λ = 4852",
    ] {
        assert!(text.contains(expected), "{expected} missing from the SVG");
    }
    let image = image::open(&png).expect("png").to_rgb8();
    assert_eq!(image.dimensions(), (1200, 800));

    let pdf = temp("run.pdf");
    let started = std::time::Instant::now();
    let out = grokflow(&[
        "run",
        "--preset",
        "fig1a",
        "--plot",
        pdf.to_str().expect("utf-8"),
    ]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("--plot") && err.contains(".png or .svg"),
        "{err}"
    );
    // Refused before the (minutes-long) full-size run, as is a directory that does not exist.
    assert!(started.elapsed().as_secs() < 30);
    let out = grokflow(&[
        "run",
        "--preset",
        "fig1a",
        "--plot",
        "/nonexistent-dir/run.png",
    ]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("--plot") && err.contains("does not exist"),
        "{err}"
    );
    assert!(started.elapsed().as_secs() < 30);

    let (csv, sweep_svg) = (temp("grid.csv"), temp("grid.svg"));
    let out = grokflow(&[
        "sweep",
        "--alphas",
        "10:1000:3",
        "--lambdas",
        "1e-3:4e-3:2",
        "--t-max",
        "300",
        "--csv",
        csv.to_str().expect("utf-8"),
        "--png",
        temp("grid.png").to_str().expect("utf-8"),
        "--svg",
        sweep_svg.to_str().expect("utf-8"),
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = std::fs::read_to_string(&sweep_svg).expect("svg");
    // plotters writes each text on a line of its own.
    for expected in [
        "α (initialisation scale)",
        "λ (weight decay)",
        "\n10\n",
        "\n100\n",
        "\n1000\n",
        "\n0.004\n",
        "memorise",
    ] {
        assert!(
            text.contains(expected),
            "{expected} missing from the sweep SVG"
        );
    }
}

/// A list in one flag is the runs of its values one by one: the same JSON (wall time aside),
/// the same trajectories in one CSV behind a column naming the value, and one figure naming
/// every run.
#[test]
fn a_list_in_one_flag_runs_each_value_as_a_single_run_would() {
    let without_wall = |mut v: serde_json::Value| {
        v.as_object_mut().expect("object").remove("wall_s");
        v
    };
    let (long, svg) = (temp("list.csv"), temp("list.svg"));
    let out = grokflow(&[
        "run",
        "--preset",
        "fig1a-small",
        "--alpha",
        "1,128",
        "--no-references",
        "--json",
        "--csv",
        long.to_str().expect("utf-8"),
        "--plot",
        svg.to_str().expect("utf-8"),
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let lines: Vec<serde_json::Value> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).expect("a JSON object per line"))
        .collect();
    assert_eq!(lines.len(), 2);
    let long_text = std::fs::read_to_string(&long).expect("long csv");
    let mut expected_rows = Vec::new();
    for (line, alpha) in lines.iter().zip(["1", "128"]) {
        let single = temp(&format!("single-{alpha}.csv"));
        let out = grokflow(&[
            "run",
            "--preset",
            "fig1a-small",
            "--alpha",
            alpha,
            "--no-references",
            "--json",
            "--csv",
            single.to_str().expect("utf-8"),
        ]);
        assert_eq!(
            without_wall(line.clone()),
            without_wall(json(&out)),
            "α = {alpha}"
        );
        let text = std::fs::read_to_string(&single).expect("csv");
        expected_rows.extend(text.lines().skip(1).map(|row| format!("{alpha},{row}")));
    }
    // α = 1 fits by signs at the first step and rises while learning; α = 128 waits.
    assert_eq!(lines[0]["outcome"], "generalise");
    assert_eq!(lines[1]["outcome"], "grok");
    let mut long_lines = long_text.lines();
    assert!(
        long_lines
            .next()
            .expect("header")
            .starts_with("alpha,t,step,")
    );
    assert_eq!(long_lines.collect::<Vec<_>>(), expected_rows);
    let text = std::fs::read_to_string(&svg).expect("svg");
    for expected in [
        "alpha = 1: generalise",
        "alpha = 128: grok",
        "ln α/λ = 4852",
    ] {
        assert!(text.contains(expected), "{expected} missing from the SVG");
    }
}
