//! A run past the stability limit stops with a status that says so, never with NaN results.

use grokflow_core::{Config, Integrator, SPARSE_REG_SMALL, Scalar, Status};

/// Squared loss at init has curvature about 2·‖∂f/∂θ‖² ≫ 2/η for η = 1 (the stability limit of
/// gd is η < 2/curvature), so gd must blow up within a few steps.
fn gd_past_the_stability_limit_diverges<S: Scalar>() {
    let config = Config {
        integrator: Integrator::Gd,
        lr: 1.0,
        t_max: 100.0,
        ..SPARSE_REG_SMALL.config
    };
    let (summary, records) = grokflow_tests::run::<S>(&config, false);
    assert!(
        matches!(summary.status, Status::Diverged { .. }),
        "{:?}",
        summary.status
    );
    assert!(!records.is_empty());
    assert!(records.iter().all(|m| m.is_finite()));
}

grokflow_tests::in_f32_and_f64!(gd_past_the_stability_limit_diverges);
