//! The adaptive `flow` integrator follows the gradient flow: exactly under pure decay, and
//! like the paper's `gd` at a small step size otherwise.

use core::ops::ControlFlow;

use grokflow_core::{
    Config, Dataset, Features, Integrator, Layout, Metrics, References, Scalar, Simulation, Status,
    TaskData,
};
use grokflow_tests::run;

/// With all inputs zero the loss gradient vanishes and the flow is dθ/dt = −λθ, so
/// ‖θ(t)‖ = α·e^{−λt} exactly.
fn decay_only_flow_is_exact<S: Scalar>(max_error: f64) {
    let config = Config {
        task: grokflow_core::Task::Misgrok,
        d: 8,
        n: 4,
        n_test: 4,
        alpha: 3.0,
        lambda: 0.05,
        t_max: 100.0,
        ..Config::default()
    };
    let zeros = [0.0f32; 32];
    let labels = [1.0f32, -1.0, 1.0, -1.0];
    let set = Dataset::new(Features::Reals(&zeros), &labels, 8).expect("sizes");
    let teacher = [0.0f32; 8];
    let data = TaskData {
        train: set,
        test: set,
        teacher: &teacher,
    };
    let mut work = vec![S::ZERO; Layout::of(&config).expect("valid").work];
    let mut sim = Simulation::new(&config, &data, References::default(), &mut work).expect("ok");
    let mut worst: f64 = 0.0;
    let status = sim.run(&mut |m: &Metrics| {
        let exact = config.alpha * (-config.lambda * m.t).exp();
        worst = worst.max((m.param_norm / exact - 1.0).abs());
        ControlFlow::Continue(())
    });
    assert_eq!(status, Status::Finished);
    assert!(worst < max_error, "relative error {worst:e}");
}

#[test]
fn decay_only_flow_is_exact_f64() {
    decay_only_flow_is_exact::<f64>(1e-13);
}

#[test]
fn decay_only_flow_is_exact_f32() {
    // f32 rounding of e^{−λh} and of θ at every step: a few hundred ulps at most.
    decay_only_flow_is_exact::<f32>(1e-4);
}

/// On a small grokking problem `flow` and `gd` at η = 0.01 (t_max/η = 10⁵ steps) must tell
/// the same story: the same transition time (within 2%), the same final accuracy, and
/// trajectories that agree within the O(η) discretisation error of `gd`.
fn flow_agrees_with_gd<S: Scalar>() {
    let flow_config = Config {
        d: 500,
        n: 64,
        n_test: 1000,
        lambda: 1e-2,
        t_max: 1000.0,
        ..Config::default()
    };
    let gd_config = Config {
        integrator: Integrator::Gd,
        lr: 0.01,
        ..flow_config
    };
    let (flow, flow_records) = run::<S>(&flow_config, false);
    let (gd, gd_records) = run::<S>(&gd_config, false);
    assert_eq!(flow.status, Status::Finished);
    assert_eq!(gd.status, Status::Finished);
    assert!(
        flow.steps * 100 < gd.steps,
        "flow took {} steps, gd {}",
        flow.steps,
        gd.steps
    );

    let t_flow = flow.transitions.t_grok().expect("flow groks");
    let t_gd = gd.transitions.t_grok().expect("gd groks");
    assert!(
        (t_flow / t_gd - 1.0).abs() < 0.02,
        "t_grok {t_flow} vs {t_gd}"
    );
    let final_acc = |s: &grokflow_core::experiment::Summary| s.last.and_then(|m| m.test_acc);
    assert_eq!(final_acc(&flow), final_acc(&gd));

    // Both record on the same grid: gd at the first step at or after each grid time.
    for m in &flow_records {
        let g = grokflow_tests::at(&gd_records, m.t);
        if m.t == 0.0 || (g.t - m.t) > 1e-9 * m.t.max(1.0) + 0.01 {
            continue;
        }
        let rel = (g.param_norm / m.param_norm - 1.0).abs();
        assert!(
            rel < 0.01,
            "‖θ‖ at t = {}: {} vs {}",
            m.t,
            m.param_norm,
            g.param_norm
        );
        let gap = (g.test_acc.unwrap_or(0.0) - m.test_acc.unwrap_or(0.0)).abs();
        assert!(gap < 0.05, "test acc at t = {}: gap {gap}", m.t);
    }
}

grokflow_tests::in_f32_and_f64!(flow_agrees_with_gd);
