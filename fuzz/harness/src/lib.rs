//! What grokflow promises for any input, one function per input surface.
//!
//! Each function takes raw bytes and panics only if a promise is broken: a panic inside
//! grokflow, a non-finite number presented as a result, an error that does not name what is
//! wrong, or a loaded value that validation would refuse. The cargo-fuzz targets in
//! `fuzz/fuzz_targets` feed them coverage-guided input (`cargo +nightly fuzz run <target>`);
//! `tests/slice.rs` replays the corpus and a bounded, seeded set of mutations on stable.

mod cli_args;
mod config_run;
mod data_file;
mod experiment_file;

pub use cli_args::cli_args;
pub use config_run::config_run;
pub use data_file::data_file;
pub use experiment_file::experiment_file;

/// A property check over raw input bytes (panics when a promise is broken).
pub type Target = fn(&[u8]);

/// Every target, by the name of its fuzz target and corpus directory.
pub const TARGETS: [(&str, Target); 4] = [
    ("cli_args", cli_args),
    ("config_run", config_run),
    ("data_file", data_file),
    ("experiment_file", experiment_file),
];

/// Names of [`grokflow_core::Config`] fields, which every configuration error must name.
const CONFIG_FIELDS: [&str; 21] = [
    "task",
    "d",
    "n",
    "n_test",
    "k",
    "gamma",
    "train_fraction",
    "truth",
    "width",
    "activation",
    "zero_output_init",
    "depth",
    "alpha",
    "lambda",
    "loss",
    "integrator",
    "lr",
    "tol",
    "t_max",
    "points_per_decade",
    "seed",
];

/// Runs at most `max_steps` steps of `experiment`, checking that every record is finite and
/// that a divergence, if any, is reported with a finite time.
fn run_bounded<S: grokflow_core::Scalar>(
    experiment: &mut grokflow_core::experiment::Experiment<S>,
    max_steps: usize,
) {
    use core::ops::ControlFlow;
    let mut simulation = match experiment.simulation() {
        Ok(simulation) => simulation,
        // Limits of the number format (an initial scale that underflows in S) are checked
        // here rather than by `Config::validate`; the error must still name the field.
        Err(e) => {
            assert!(CONFIG_FIELDS.contains(&e.field()), "{e}");
            return;
        }
    };
    let mut check = |m: &grokflow_core::Metrics| {
        assert!(m.is_finite(), "non-finite record {m:?}");
        ControlFlow::Continue(())
    };
    for _ in 0..max_steps {
        if simulation.step(&mut check).is_terminal() {
            break;
        }
    }
    if let grokflow_core::Status::Diverged { t, .. } = simulation.status() {
        assert!(t.is_finite(), "divergence at t = {t}");
    }
}
