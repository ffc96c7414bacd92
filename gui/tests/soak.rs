//! A soak test: random user actions for a bounded time, checking that the explorer stays
//! responsive and its memory bounded.
//!
//! `GROKFLOW_SOAK_SECONDS` sets the duration (default 20; CI uses the default). The run it
//! drives records 1000 points per decade over nine decades, so records are thinned
//! (`MAX_RECORDS`) and pins rotate (`MAX_PINNED`) many times within the budget.

use std::time::{Duration, Instant};

use egui::Key;
use egui::accesskit::Role;
use egui_kittest::Harness;
use egui_kittest::kittest::{NodeT, Queryable};
use grokflow::app::ExplorerApp;
use grokflow::form::Form;
use grokflow::run_data::MAX_RECORDS;
use grokflow::runs::MAX_PINNED;
use grokflow_cli::ExplorerArgs;
use grokflow_core::{Config, Precision, Rng, Stream};

/// The longest a frame may take before the window counts as frozen. Not a performance
/// figure (those are in benches/): a liveness bound that a blocking call in the UI thread
/// (joining a worker, waiting on a channel) would exceed.
const FROZEN: Duration = Duration::from_secs(2);

/// Resident memory of this process in bytes (Linux).
fn resident_bytes() -> Option<u64> {
    let statm = std::fs::read_to_string("/proc/self/statm").ok()?;
    let pages: u64 = statm.split_whitespace().nth(1)?.parse().ok()?;
    Some(pages * 4096)
}

fn click_if_enabled(harness: &Harness<'static, ExplorerApp>, label: &str) {
    if let Some(button) = harness.query_by_role_and_label(Role::Button, label)
        && !button.accesskit_node().is_disabled()
    {
        button.click();
    }
}

#[test]
fn random_actions_keep_the_explorer_responsive_and_bounded() {
    let seconds: u64 = std::env::var("GROKFLOW_SOAK_SECONDS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(20);
    let config = Config {
        d: 64,
        n: 16,
        n_test: 64,
        points_per_decade: 1000,
        t_max: 1e7,
        ..Config::default()
    };
    let mut harness = Harness::builder()
        .with_size([1440.0, 900.0])
        .build_eframe(|cc| ExplorerApp::new(cc, ExplorerArgs::default()));
    harness.state_mut().settings.form = Form::from_config(&config, Precision::F32, "custom");
    harness.run_steps(2);
    let mut rng = Rng::new(2024, Stream::Train);
    let start = Instant::now();
    let mut baseline = None;
    let (mut actions, mut most_records, mut slowest) = (0u64, 0, Duration::ZERO);
    let (mut thinned, mut previous) = (0, 0);
    while start.elapsed() < Duration::from_secs(seconds) {
        // Mostly waiting (frames only), so that runs get far enough to be thinned.
        match rng.below(60) {
            0..=1 => click_if_enabled(&harness, "Run"),
            2 => click_if_enabled(&harness, "Pause"),
            3..=4 => click_if_enabled(&harness, "Resume"),
            5 => click_if_enabled(&harness, "Step"),
            6 => click_if_enabled(&harness, "Reset"),
            7..=9 => click_if_enabled(&harness, "Pin"),
            10 => click_if_enabled(&harness, "Clear pinned"),
            11 => harness.get_by_label("Curves").click(),
            12 => harness.get_by_label("Weights").click(),
            13 => {
                let alpha = harness.get_by_role_and_label(Role::TextInput, "Init scale α");
                alpha.focus();
                alpha.type_text(["0", "1", "e", "x", "-", "9"][rng.below(6) as usize]);
            }
            14 => harness.key_press(Key::Backspace),
            _ => {}
        }
        actions += 1;
        for _ in 0..3 {
            let frame = Instant::now();
            harness.step();
            slowest = slowest.max(frame.elapsed());
        }
        assert!(slowest < FROZEN, "a frame took {slowest:?}");
        let app = harness.state();
        let records = app.runs().live().map_or(0, |r| r.records.len());
        most_records = most_records.max(records);
        // A drop from near the cap to about half of it is a thinning (a new run starts at 0).
        if previous > MAX_RECORDS - 200 && records < previous && records > MAX_RECORDS / 3 {
            thinned += 1;
        }
        previous = records;
        assert!(records <= MAX_RECORDS);
        assert!(app.runs().pinned().len() <= MAX_PINNED);
        assert!(
            app.runs()
                .pinned()
                .iter()
                .all(|r| r.records.len() <= MAX_RECORDS)
        );
        // Memory after the first seconds (allocator warm, fonts and textures loaded).
        if baseline.is_none() && start.elapsed() > Duration::from_secs(seconds / 4) {
            baseline = resident_bytes();
        }
    }
    if let (Some(before), Some(after)) = (baseline, resident_bytes()) {
        let grown = after.saturating_sub(before);
        assert!(
            grown < 256 << 20,
            "resident memory grew by {} MiB",
            grown >> 20
        );
    }
    eprintln!(
        "soak: {actions} actions in {seconds} s, slowest frame {slowest:?}, \
         most records in a run {most_records}, thinned {thinned} times"
    );
    assert!(actions > 100);
}
