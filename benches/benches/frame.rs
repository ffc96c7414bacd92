//! UI-thread time per frame of the explorer while a d = 10⁴ run is going (layout, plot
//! building and the worker's updates; no GPU rendering). At 30 frames per second a frame has
//! 33 ms.
//!
//! `cargo bench -p grokflow-benches --bench frame`

use std::time::{Duration, Instant};

use divan::Bencher;
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use grokflow::app::ExplorerApp;
use grokflow::form::Form;
use grokflow_cli::{ExplorerArgs, View};
use grokflow_core::{Config, Precision};

fn main() {
    divan::main();
}

fn running(view: View) -> Harness<'static, ExplorerApp> {
    let config = Config {
        d: 10_000,
        n: 256,
        n_test: 1000,
        t_max: 1e7,
        ..Config::default()
    };
    let mut harness = Harness::builder()
        .with_size([1440.0, 900.0])
        .build_eframe(|cc| {
            ExplorerApp::new(
                cc,
                ExplorerArgs {
                    view: Some(view),
                    ..ExplorerArgs::default()
                },
            )
        });
    harness.state_mut().settings.form = Form::from_config(&config, Precision::F32, "custom");
    harness.run_steps(2);
    harness
        .get_by_role_and_label(egui::accesskit::Role::Button, "Run")
        .click();
    // Let the run get past the references and into its curves.
    let start = Instant::now();
    while harness
        .state()
        .runs()
        .live()
        .is_none_or(|r| r.records.len() < 40)
        && start.elapsed() < Duration::from_secs(60)
    {
        harness.step();
        std::thread::sleep(Duration::from_millis(10));
    }
    harness
}

/// One frame of the curves view with a live d = 10⁴ run.
#[divan::bench(sample_count = 50)]
fn curves_frame(bencher: Bencher) {
    let mut harness = running(View::Curves);
    bencher.bench_local(|| harness.step());
}

/// One frame of the weights view (2000 stems) with a live d = 10⁴ run.
#[divan::bench(sample_count = 50)]
fn weights_frame(bencher: Bencher) {
    let mut harness = running(View::Weights);
    bencher.bench_local(|| harness.step());
}
