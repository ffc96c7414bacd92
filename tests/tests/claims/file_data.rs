//! Bring-your-own data: a data set from `.npz` and `.csv` files, trained with the paper's `gd`
//! update, reproduces a trajectory computed independently with numpy
//! (`tests/data/make_gd_reference.py`, float64).

use grokflow_core::experiment::Experiment;
use grokflow_core::file_data::DataFile;
use grokflow_core::{Config, Integrator, Loss, Metrics, Scalar, Status};
use grokflow_tests::{assert_matches_reference, data, reference_rows};

/// One row of the numpy trajectory: (step, train_loss, test_loss, param_norm).
fn reference() -> Vec<(u64, f64, f64, f64)> {
    reference_rows("gd_reference_trajectory.csv")
        .iter()
        .map(|v| (v[0] as u64, v[2], v[3], v[4]))
        .collect()
}

fn run<S: Scalar>() -> Vec<Metrics> {
    let train = DataFile::load(&data("gd_reference.npz")).expect("npz");
    let test = DataFile::load(&data("gd_reference_test.csv")).expect("csv");
    assert_eq!((train.n, train.d, test.n, test.d), (16, 10, 12, 10));
    // The script's settings: depth-2 diagonal net, α = 2, λ = 0.05, η = 0.05, 400 steps.
    let template = Config {
        integrator: Integrator::Gd,
        loss: Loss::Logistic,
        depth: 2,
        alpha: 2.0,
        lambda: 0.05,
        lr: 0.05,
        t_max: 20.0,
        ..Config::default()
    };
    let mut experiment = Experiment::<S>::from_data(&template, &train, Some(&test)).expect("ok");
    let (summary, records) = experiment.run_collecting().expect("valid");
    assert_eq!(summary.status, Status::Finished);
    records
}

fn matches_numpy<S: Scalar>(max_relative_error: f64) {
    let reference = reference();
    let records = run::<S>();
    assert!(records.len() > 30, "{} records", records.len());
    for m in &records {
        let (step, train_loss, test_loss, norm) = reference[m.step as usize];
        assert_eq!(step, m.step);
        for (what, got, want) in [
            ("train loss", m.train_loss, train_loss),
            ("test loss", m.test_loss, test_loss),
            ("‖θ‖", m.param_norm, norm),
        ] {
            assert_matches_reference(what, step, got, want, max_relative_error);
        }
    }
}

#[test]
fn gd_on_file_data_matches_numpy_f64() {
    // Same data, same update, different summation order: agreement to rounding.
    matches_numpy::<f64>(1e-10);
}

#[test]
fn gd_on_file_data_matches_numpy_f32() {
    // f32 arithmetic against the f64 reference over 400 steps.
    matches_numpy::<f32>(1e-4);
}

#[test]
fn classification_loss_refuses_real_labels() {
    let mut train = DataFile::load(&data("gd_reference.npz")).expect("npz");
    train.y[3] = 0.5;
    let err = Experiment::<f32>::from_data(&Config::default(), &train, None).expect_err("0.5");
    assert!(err.to_string().contains("row 4"), "{err}");
}
