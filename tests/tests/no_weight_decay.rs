//! Fig. 4 at CI scale (`fig4-small`): without weight decay, gradient descent on ln L (step
//! η/L in the flow's time) still generalises, but only at astronomically large t; the times
//! are exact in log10 however large they get.

use grokflow_core::{FIG4_SMALL, Scalar, Status};
use grokflow_tests::run;

fn astronomically_late_grokking<S: Scalar>() {
    let (summary, records) = run::<S>(&FIG4_SMALL.config, true);
    assert_eq!(summary.status, Status::Finished);
    // Fitted at once…
    let log10_fit = summary.transitions.log10_t_fit.expect("fits");
    assert!(log10_fit < 0.0, "log10 t_fit = {log10_fit}");
    // …still in the kernel regime (the max-L2-margin direction) and far from generalising a
    // hundred times later and beyond…
    for m in records
        .iter()
        .filter(|m| m.log10_t.is_some_and(|l| l <= 2.0))
    {
        assert!(
            m.test_acc.expect("classification") < 0.8,
            "log10 t {:?}",
            m.log10_t
        );
    }
    // …and past 95% test accuracy only at t > 10^10, with the direction moving from the
    // kernel predictor to the max-L1-margin one as the theory of homogeneous nets says.
    let log10_grok = summary.transitions.log10_t_grok.expect("generalises");
    assert!(log10_grok > 10.0, "log10 t_grok = {log10_grok}");
    let last = records.last().expect("records");
    assert!(last.log10_t.expect("t > 0") >= 200.0);
    assert!(last.test_acc.expect("classification") >= 0.95);
    assert!(last.cos_rich.expect("references") > last.cos_kernel.expect("references"));
    assert!(records.iter().all(|m| m.is_finite()));
}

grokflow_tests::in_f32_and_f64!(astronomically_late_grokking);
