//! The explorer driven as a user would: widgets found by role and label, no GPU needed.

use std::time::{Duration, Instant};

use egui::accesskit::Role;
use egui_kittest::Harness;
use egui_kittest::kittest::{NodeT, Queryable};
use grokflow::app::ExplorerApp;
use grokflow::form::Form;
use grokflow::phase_view::Sweep;
use grokflow::weights::Weights;
use grokflow_cli::ExplorerArgs;
use grokflow_core::{Config, Precision, Status};

/// A run small enough to finish in well under a second.
fn small() -> Config {
    Config {
        d: 64,
        n: 16,
        n_test: 64,
        t_max: 100.0,
        ..Config::default()
    }
}

fn harness() -> Harness<'static, ExplorerApp> {
    let mut harness = Harness::builder()
        .with_size([1440.0, 900.0])
        .build_eframe(|cc| ExplorerApp::new(cc, ExplorerArgs::default()));
    harness.state_mut().settings.form = Form::from_config(&small(), Precision::F32, "custom");
    harness.run_steps(2);
    harness
}

/// Steps frames until `done` or the deadline.
fn wait_for(harness: &mut Harness<'static, ExplorerApp>, done: impl Fn(&ExplorerApp) -> bool) {
    let deadline = Instant::now() + Duration::from_secs(60);
    while !done(harness.state()) {
        assert!(Instant::now() < deadline, "timed out");
        harness.step();
        std::thread::sleep(Duration::from_millis(5));
    }
    harness.run_steps(2);
}

#[test]
fn run_button_starts_a_run_that_finishes_with_records() {
    let mut harness = harness();
    harness.get_by_role_and_label(Role::Button, "Run").click();
    harness.run_steps(1);
    wait_for(&mut harness, |app| {
        app.runs()
            .live()
            .is_some_and(|r| r.progress.status == Status::Finished)
    });
    let run = harness.state().runs().live().expect("live run");
    // t = 0 plus 20 records per decade from 0.01 to 100.
    assert_eq!(run.records.len(), 82);
    assert!(run.records.iter().all(|m| m.is_finite()));
    harness.get_by_label("Status: finished");
}

#[test]
fn a_typed_bad_value_is_shown_next_to_its_field_and_never_applied() {
    let mut harness = harness();
    let alpha = harness.get_by_role_and_label(Role::TextInput, "Init scale α");
    alpha.focus();
    alpha.type_text("x");
    harness.run_steps(2);
    harness.get_by_label_contains("\"128x\" is not a number");
    assert!(harness.state().settings.form.parse().is_err());
    // Run is disabled, and clicking it starts nothing.
    harness.get_by_role_and_label(Role::Button, "Run").click();
    harness.run_steps(2);
    assert!(harness.state().runs().live().is_none());
}

/// A configuration that validates but whose start cannot be represented in the chosen
/// format ((10⁶/√2)⁸ overflows f32) ends at once with the reason, instead of "running".
#[test]
fn a_run_that_cannot_start_says_why() {
    let mut harness = harness();
    let config = Config {
        d: 1,
        n: 2,
        n_test: 2,
        k: 1,
        alpha: 1e6,
        depth: 8,
        ..small()
    };
    assert_eq!(config.validate(), Ok(()));
    harness.state_mut().settings.form = Form::from_config(&config, Precision::F32, "custom");
    harness.run_steps(2);
    harness.get_by_role_and_label(Role::Button, "Run").click();
    harness.run_steps(1);
    wait_for(&mut harness, |app| {
        app.runs().live().is_some_and(|r| r.error.is_some())
    });
    harness.get_by_label_contains("Could not start: alpha");
}

#[test]
fn pause_and_step_control_the_run() {
    let mut harness = harness();
    // Five records a second: the run is still going when we pause it.
    harness.state_mut().settings.pace = Some(5.0);
    harness.get_by_role_and_label(Role::Button, "Run").click();
    wait_for(&mut harness, |app| {
        app.runs().live().is_some_and(|r| r.progress.steps > 0)
    });
    harness.get_by_role_and_label(Role::Button, "Pause").click();
    harness.run_steps(3);
    std::thread::sleep(Duration::from_millis(100));
    harness.run_steps(2);
    let paused_at = harness.state().runs().live().expect("run").progress.steps;
    std::thread::sleep(Duration::from_millis(100));
    harness.run_steps(2);
    assert_eq!(
        harness.state().runs().live().expect("run").progress.steps,
        paused_at
    );
    harness.get_by_role_and_label(Role::Button, "Step").click();
    wait_for(&mut harness, |app| {
        app.runs()
            .live()
            .is_some_and(|r| r.progress.steps == paused_at + 1)
    });
}

fn temp_file(name: &str, content: &str) -> String {
    let dir = std::env::temp_dir().join(format!("grokflow-explorer-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("dir");
    let path = dir.join(name);
    std::fs::write(&path, content).expect("write");
    path.to_string_lossy().into_owned()
}

#[test]
fn loading_a_broken_or_newer_file_explains_and_keeps_the_form() {
    let cases = [
        (
            "broken.json",
            "{ not json",
            "not a grokflow experiment file",
        ),
        (
            "newer.json",
            r#"{"format":"grokflow-experiment","version":9,"config":{}}"#,
            "version 9",
        ),
    ];
    for (name, content, needle) in cases {
        let mut harness = harness();
        let before = harness.state().settings.form.clone();
        harness.state_mut().settings.experiment_path = temp_file(name, content);
        harness.get_by_role_and_label(Role::Button, "Load").click();
        harness.run_steps(2);
        let (message, error) = harness.state().message().expect("a message");
        assert!(error && message.contains(needle), "{message}");
        assert_eq!(harness.state().settings.form, before);
    }
}

#[test]
fn save_then_load_restores_the_experiment() {
    let mut harness = harness();
    let path = temp_file("saved.json", "");
    harness.state_mut().settings.experiment_path = path.clone();
    harness.get_by_role_and_label(Role::Button, "Save").click();
    harness.run_steps(2);
    let saved = std::fs::read_to_string(&path).expect("saved file");
    assert!(saved.contains("\"version\": 1"), "{saved}");
    harness.state_mut().settings.form = Form::default();
    harness.get_by_role_and_label(Role::Button, "Load").click();
    harness.run_steps(2);
    assert_eq!(
        harness.state().settings.form.parse(),
        Ok((small(), Precision::F32))
    );
}

#[test]
fn pinning_keeps_a_run_for_comparison() {
    let mut harness = harness();
    harness.get_by_role_and_label(Role::Button, "Run").click();
    wait_for(&mut harness, |app| {
        app.runs()
            .live()
            .is_some_and(|r| r.progress.status == Status::Finished)
    });
    harness.get_by_role_and_label(Role::Button, "Pin").click();
    harness.run_steps(1);
    harness.get_by_role_and_label(Role::Button, "Run").click();
    harness.run_steps(2);
    // The pinned run's curves carry its label in every legend.
    assert!(
        harness
            .query_all_by_label_contains("α=128 λ=0.001")
            .next()
            .is_some()
    );
}

#[test]
fn the_phase_diagram_runs_a_grid_and_can_be_cancelled() {
    let mut harness = harness();
    harness.state_mut().settings.sweep = grokflow::phase_view::SweepSettings {
        alpha: (2.0, 32.0, 2),
        lambda: (1e-2, 3e-2, 2),
        seeds: 1,
        ..Default::default()
    };
    harness
        .get_by_role_and_label(Role::Button, "Phase diagram")
        .click();
    harness.run_steps(2);
    harness
        .get_by_role_and_label(Role::Button, "Run sweep")
        .click();
    let deadline = Instant::now() + Duration::from_secs(60);
    while harness.query_by_label("4 of 4 runs").is_none() {
        assert!(Instant::now() < deadline, "sweep did not finish");
        harness.step();
        std::thread::sleep(Duration::from_millis(10));
    }
    // Clicking a cell runs its configuration in the curves view, and the run is the
    // sweep's run: the same configuration gives the same bits.
    harness.get_by_label("α = 32, λ = 0.03").click();
    harness.run_steps(2);
    wait_for(&mut harness, |app| {
        app.runs()
            .live()
            .is_some_and(|r| r.progress.status == Status::Finished)
    });
    let run = harness.state().runs().live().expect("the cell's run");
    assert_eq!(run.progress.config.alpha, 32.0);
    assert_eq!(harness.state().settings.view, grokflow_cli::View::Curves);
    let cell = harness
        .state()
        .sweep()
        .map_or(&[][..], Sweep::cells)
        .iter()
        .find(|c| c.alpha_index == 1 && c.lambda_index == 1)
        .expect("cell");
    assert_eq!(run.progress.config, cell.config);
    assert_eq!(run.progress.transitions, cell.summary.transitions);
    harness
        .get_by_role_and_label(Role::Button, "Phase diagram")
        .click();
    harness.run_steps(2);
    // A large grid is cancelled long before it finishes.
    harness.state_mut().settings.sweep.alpha.2 = 32;
    harness.state_mut().settings.sweep.lambda.2 = 32;
    harness.run_steps(2);
    harness
        .get_by_role_and_label(Role::Button, "Run sweep")
        .click();
    harness.run_steps(2);
    harness
        .get_by_role_and_label(Role::Button, "Cancel sweep")
        .click();
    let deadline = Instant::now() + Duration::from_secs(30);
    while harness.state().sweep().is_some_and(Sweep::is_running) {
        assert!(Instant::now() < deadline, "cancel did not stop the sweep");
        harness.step();
        std::thread::sleep(Duration::from_millis(10));
    }
    assert!(harness.query_by_label("1024 of 1024 runs").is_none());
}

#[test]
fn every_model_draws_its_curves_and_weights() {
    let configs = [
        small(),
        Config {
            d: 8,
            t_max: 50.0,
            ..grokflow_core::FIG3_SMALL.config
        }
        .with_derived_sizes(),
        Config {
            d: 7,
            width: 8,
            t_max: 5.0,
            ..grokflow_core::FIG2_QUADRATIC_SMALL.config
        }
        .with_derived_sizes(),
    ];
    for config in configs {
        let mut harness = harness();
        harness.state_mut().settings.form = Form::from_config(&config, Precision::F64, "custom");
        harness.run_steps(1);
        harness.get_by_role_and_label(Role::Button, "Run").click();
        wait_for(&mut harness, |app| {
            app.runs()
                .live()
                .is_some_and(|r| r.progress.status == Status::Finished && r.snapshots.len() >= 2)
        });
        harness
            .get_by_role_and_label(Role::Button, "Weights")
            .click();
        harness.run_steps(3);
        harness
            .get_by_role_and_label(Role::Button, "Curves")
            .click();
        harness.run_steps(3);
    }
}

#[test]
fn csv_export_writes_every_record() {
    let mut harness = harness();
    harness.get_by_role_and_label(Role::Button, "Run").click();
    wait_for(&mut harness, |app| {
        app.runs()
            .live()
            .is_some_and(|r| r.progress.status == Status::Finished)
    });
    let base = temp_file("exported", "");
    harness.state_mut().settings.export_path = base.clone();
    harness.get_by_role_and_label(Role::Button, "CSV").click();
    harness.run_steps(2);
    let text = std::fs::read_to_string(format!("{base}.csv")).expect("exported csv");
    assert_eq!(text.lines().count(), 1 + 82);
    assert!(text.starts_with("t,step,train_loss"));
}

/// Time travel: the run keeps parameter snapshots from t = 0 to its end, and Play sweeps
/// the weights view through them in time order. At t = 0 the diagonal net's effective
/// weights are exactly zero (u = v at initialisation, so u^L − v^L = 0); at the end they are
/// not.
#[test]
fn play_shows_the_weights_from_t_0_to_the_end() {
    let mut harness = harness();
    harness.get_by_role_and_label(Role::Button, "Run").click();
    wait_for(&mut harness, |app| {
        app.runs()
            .live()
            .is_some_and(|r| r.progress.status == Status::Finished)
    });
    let run = harness.state().runs().live().expect("live run");
    let snapshots: Vec<_> = run.snapshots.iter().collect();
    // t = 0, then up to 32 per decade over four decades (0.01 to 100) on the 20-per-decade
    // record grid: every record is a snapshot.
    assert_eq!(snapshots.len(), run.records.len());
    let stems = |w: &Weights| match w {
        Weights::Stems { points, .. } => points.iter().map(|p| p[1].abs()).fold(0.0, f64::max),
        _ => panic!("a diagonal net shows stems"),
    };
    assert_eq!(snapshots[0].log10_t, f64::NEG_INFINITY);
    assert_eq!(stems(&snapshots[0].weights), 0.0);
    assert!(stems(&snapshots[snapshots.len() - 1].weights) > 0.0);

    harness
        .get_by_role_and_label(Role::Button, "Weights")
        .click();
    harness.run_steps(2);
    harness.get_by_role_and_label(Role::Button, "Play").click();
    // One frame takes the click, the next shows the playing state.
    harness.run_steps(2);
    let mut shown = Vec::new();
    let deadline = Instant::now() + Duration::from_secs(120);
    while harness
        .query_by_role_and_label(Role::Button, "Stop playback")
        .is_some()
    {
        assert!(Instant::now() < deadline, "playback did not end");
        let label = harness
            .query_by_label_contains("Parameters at t = ")
            .and_then(|n| n.accesskit_node().value())
            .expect("the weights view names its time");
        let t: String = label["Parameters at t = ".len()..]
            .chars()
            .take_while(|c| !c.is_whitespace())
            .collect();
        shown.push(t.parse::<f64>().expect("a time"));
        harness.step();
    }
    assert_eq!(shown.first(), Some(&0.0));
    assert!(shown.windows(2).all(|w| w[0] <= w[1]), "{shown:?}");
    assert!(shown.last().is_some_and(|&t| t > 50.0), "{shown:?}");
    // After the playback the view follows the run again.
    harness.get_by_label_contains("latest: t = 100");
}
