//! Sparse regression at CI scale (`sparse-reg-small`): the kernel phase converges to the
//! min-L2 interpolant, which generalises badly; the rich phase recovers the sparse w*.

use grokflow_core::experiment::Experiment;
use grokflow_core::{SPARSE_REG_SMALL, Scalar, Status, reference};
use grokflow_tests::{at, run};

/// Test error of a linear predictor on x ~ N(0, I): E⟨w − w*, x⟩² = ‖w − w*‖².
fn population_error(w: &[f64], teacher: &[f32]) -> f64 {
    w.iter()
        .zip(teacher)
        .map(|(a, &b)| (a - f64::from(b)).powi(2))
        .sum()
}

fn kernel_then_sparse<S: Scalar>() {
    let config = SPARSE_REG_SMALL.config;
    let (summary, records) = run::<S>(&config, true);
    assert_eq!(summary.status, Status::Finished);

    // The reference min-L2 interpolant, solved independently, generalises badly:
    // its error is a large fraction of ‖w*‖² = k (about 1 − n/d of it).
    let experiment = Experiment::<f64>::new(&config).expect("valid");
    let data = experiment.data();
    let min_l2 = reference::min_norm_l2(&data.train).expect("interpolable");
    let kernel_error = population_error(&min_l2, data.teacher);
    assert!(kernel_error > 0.5 * config.k as f64, "{kernel_error}");

    // Early on, after the fit, the net is that interpolant: direction and test error.
    let t_fit = summary.transitions.t_fit().expect("fits");
    let early = at(&records, t_fit.max(1.0));
    assert!(early.cos_kernel.expect("references") > 0.99);
    assert!(
        (early.test_loss / kernel_error - 1.0).abs() < 0.2,
        "early test loss {} vs min-L2 interpolant {kernel_error}",
        early.test_loss
    );

    // Late: w* is recovered (test error below 0.1% of ‖w*‖², direction = min-L1 = w*).
    let last = records.last().expect("records");
    assert!(
        last.test_loss < 1e-3 * config.k as f64,
        "{}",
        last.test_loss
    );
    assert!(last.cos_rich.expect("references") > 0.999);
    assert!(summary.transitions.t_grok().is_some());
}

grokflow_tests::in_f32_and_f64!(kernel_then_sparse);
