//! Fig. 4 at CI scale: without weight decay, gradient descent on ln L (step η/L in the flow's
//! time) still generalises, but only at astronomically large t; the times are exact in log10
//! however large they get. `fig4-small` is the paper's ReLU MLP, `fig4-diagonal-small` the
//! diagonal net.

use grokflow_core::{FIG4_DIAGONAL_SMALL, FIG4_SMALL, Metrics, Scalar, Status};
use grokflow_tests::{at, run};

fn astronomically_late_grokking<S: Scalar>() {
    let (summary, records) = run::<S>(&FIG4_DIAGONAL_SMALL.config, true);
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

/// The ReLU MLP (2-homogeneous with its first-layer bias): it fits early and memorises, and
/// the flow then carries its direction towards a max-margin network (the normalised margin
/// grows, as gradient flow on ln L guarantees for homogeneous nets once the data are fitted),
/// which generalises only after more than a hundred decades of t.
fn mlp_groks_astronomically_late<S: Scalar>() {
    let (summary, records) = run::<S>(&FIG4_SMALL.config, false);
    assert_eq!(summary.status, Status::Finished);
    let log10_fit = summary.transitions.log10_t_fit.expect("fits");
    assert!(log10_fit < 4.0, "log10 t_fit = {log10_fit}");
    // Without weight decay nothing pulls the fit apart again.
    for m in records
        .iter()
        .filter(|m| m.log10_t.is_some_and(|l| l >= log10_fit))
    {
        assert_eq!(m.train_acc, Some(1.0), "log10 t {:?}", m.log10_t);
    }
    // Memorised, not generalised, for six decades after the fit…
    let memorised = at(&records, 1e10);
    assert!(memorised.test_acc.expect("classification") < 0.5);
    // …and past 95% only after a hundred more, while the margin grew.
    let log10_grok = summary.transitions.log10_t_grok.expect("generalises");
    assert!(log10_grok > 100.0, "log10 t_grok = {log10_grok}");
    let last = records.last().expect("records");
    assert!(last.test_acc.expect("classification") >= 0.9);
    let margin = |m: &Metrics| m.margin.expect("classification");
    assert!(
        margin(memorised) > 0.0 && margin(last) > 1.1 * margin(memorised),
        "normalised margin {} at t = 10^10, {} at the end",
        margin(memorised),
        margin(last)
    );
    assert!(records.iter().all(|m| m.is_finite()));
}

grokflow_tests::in_f32_and_f64!(astronomically_late_grokking, mlp_groks_astronomically_late);
