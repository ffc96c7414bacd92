//! Fig. 3 at CI scale (`fig3-small`, and `mc-tiny`, the microcontroller's size): observed
//! entries are fitted at once while the others stay near 0 (test MSE on a plateau); after
//! ln α / λ the low-rank completion appears, test MSE falls to near 0, W becomes rank 1 and
//! ‖θ‖² → ‖X*‖_* (the min-norm factorisation).

use grokflow_core::experiment::Experiment;
use grokflow_core::{Config, FIG3_SMALL, MC_TINY, Scalar, Status};
use grokflow_tests::{between, run};

fn completes<S: Scalar>(config: Config) {
    let (summary, records) = run::<S>(&config, false);
    assert_eq!(summary.status, Status::Finished);
    let t_pred = summary.t_predicted.expect("λ > 0");

    // Independent of the run. At U = V = αI the tangent kernel of W_ab and W_a'b' vanishes
    // unless {a, b} = {a', b'}, so the kernel phase fits the observed entries and their
    // transposes (W is symmetric) and leaves every other entry at 0: the plateau is the mean
    // of X*² over test entries whose transpose was not observed. And X*_ij = ij/d² = vvᵀ with
    // v_i = i/d, so ‖X*‖_* = ‖v‖².
    let experiment = Experiment::<f64>::new(&config).expect("valid");
    let data = experiment.data();
    let observed: std::collections::HashSet<(usize, usize)> = (0..data.train.len())
        .filter_map(|i| data.train.pair(i))
        .collect();
    let plateau: f64 = (0..data.test.len())
        .filter_map(|i| {
            data.test
                .pair(i)
                .map(|(a, b)| (a, b, data.test.labels()[i]))
        })
        .filter(|&(a, b, _)| !observed.contains(&(b, a)))
        .map(|(_, _, y)| f64::from(y).powi(2))
        .sum::<f64>()
        / data.test.len() as f64;
    let d = config.d as f64;
    let nuclear: f64 = (0..config.d).map(|i| (i as f64 / d).powi(2)).sum();

    // Observed entries fitted within a few time units; the rest stay at 0 through the kernel
    // phase, so the test MSE sits at the plateau.
    let t_fit = summary.transitions.t_fit().expect("fits");
    assert!(t_fit < 10.0, "t_fit = {t_fit}");
    for m in between(&records, 10.0, 0.5 * t_pred) {
        assert!(
            m.train_loss < 0.01 * plateau,
            "t = {}: train {}",
            m.t,
            m.train_loss
        );
        assert!(
            (m.test_loss / plateau - 1.0).abs() < 0.05,
            "t = {}: test MSE {} vs plateau {plateau}",
            m.t,
            m.test_loss
        );
    }

    // Late: completion, rank one, minimum nuclear norm.
    let last = records.last().expect("records");
    assert!(
        last.test_loss < 0.01 * plateau,
        "final test MSE {}",
        last.test_loss
    );
    let [s1, s2, _] = last.singular_values.expect("spectrum");
    assert!(s2 < 1e-3 * s1, "singular values {s1}, {s2}");
    assert!(
        (last.param_norm / nuclear.sqrt() - 1.0).abs() < 0.05,
        "‖θ‖ = {} vs √‖X*‖_* = {}",
        last.param_norm,
        nuclear.sqrt()
    );
    // The switch comes after ln α / λ (the paper's fig. 3 puts it at 1.3–3.9 × ln α / λ).
    let t_grok = summary.transitions.t_grok().expect("completes");
    assert!(
        t_grok > t_pred && t_grok < 4.0 * t_pred,
        "t_grok {t_grok}, ln α / λ {t_pred}"
    );
}

fn completion<S: Scalar>() {
    completes::<S>(FIG3_SMALL.config);
}

fn tiny_completion<S: Scalar>() {
    completes::<S>(MC_TINY.config);
}

grokflow_tests::in_f32_and_f64!(completion, tiny_completion);
