//! Fig. 1b at CI scale (`fig1b-small`): the kernel predictor generalises, the late one does
//! not, so test accuracy is high early and drops after t ≈ ln α / λ.

use grokflow_core::{FIG1B_SMALL, Scalar, Status};
use grokflow_tests::{between, run};

fn misgrokking<S: Scalar>() {
    let config = FIG1B_SMALL.config;
    let (summary, records) = run::<S>(&config, false);
    assert_eq!(summary.status, Status::Finished);
    let t_pred = summary.t_predicted.expect("λ > 0");
    assert!(summary.transitions.t_fit().expect("fits") <= 1.0);

    // Kernel phase: the max-L2-margin direction aligns with w*, test accuracy ≥ 95%.
    for m in between(&records, 1.0, 0.2 * t_pred) {
        let acc = m.test_acc.expect("classification");
        assert!(acc >= 0.95, "t = {}: test acc {acc}", m.t);
    }
    // After the transition the sparse predictor takes over: accuracy drops 20 points or
    // more, after (not before) the predicted time scale, while training stays fitted.
    let t_drop = summary.transitions.t_drop().expect("test accuracy drops");
    assert!(
        t_drop > 0.5 * t_pred,
        "t_drop {t_drop}, ln α / λ = {t_pred}"
    );
    let last = records.last().expect("records");
    assert!(last.test_acc.expect("classification") < 0.8);
    assert_eq!(last.train_acc, Some(1.0));
}

grokflow_tests::in_f32_and_f64!(misgrokking);
