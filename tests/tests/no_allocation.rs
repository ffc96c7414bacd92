//! The step loop allocates nothing: every buffer is sized before the first step. Counted by
//! `allocation-counter` (a counting global allocator) over whole runs of each integrator,
//! records on the metrics grid included.

use std::ops::ControlFlow;

use grokflow_core::experiment::Experiment;
use grokflow_core::{Config, FIG1A_SMALL, Integrator, Metrics, Status};

#[test]
fn whole_runs_allocate_nothing_after_setup() {
    for integrator in [Integrator::Gd, Integrator::Flow, Integrator::GdKahan] {
        let config = Config {
            d: 300,
            n: 160, // above the table-method threshold, so both pass kinds run
            n_test: 200,
            integrator,
            lr: 0.05,
            t_max: if integrator == Integrator::Flow {
                1e4
            } else {
                50.0
            },
            ..FIG1A_SMALL.config
        };
        let mut experiment = Experiment::<f32>::new(&config).expect("valid");
        let mut sim = experiment.simulation().expect("valid");
        let mut records = 0usize;
        let mut count = |_: &Metrics| {
            records += 1;
            ControlFlow::Continue(())
        };
        let mut steps = 0u64;
        let info = allocation_counter::measure(|| {
            while !matches!(
                sim.step(&mut count),
                Status::Finished | Status::Diverged { .. }
            ) {
                steps += 1;
            }
        });
        let allocated = info.count_total;
        assert!(
            steps > 100 && records > 50,
            "{integrator:?}: {steps} steps, {records} records"
        );
        assert_eq!(
            allocated, 0,
            "{integrator:?}: {allocated} allocations in {steps} steps"
        );
    }
}
