//! The vector level changes speed, not results: the same run gives the same bits at every
//! instruction-set level this machine has (`portable`, the loops a board runs, up to AVX-512),
//! in f32 and f64, on one thread and on two. The kernels vectorise across independent outputs
//! with one correctly rounded fma per term (the instruction, or software at the levels that
//! lack it), so every output is the same sum in the same order.
//!
//! One test in its own binary: forcing a level is process-wide.

use grokflow_core::experiment::trajectory;
use grokflow_core::{Activation, Config, FIG2_QUADRATIC_SMALL, Integrator, MLP_TINY, Scalar, simd};

/// Every record and the summary of a run, printed exactly (`{:?}` of an f64 round-trips).
fn trace<S: Scalar>(config: &Config) -> Vec<String> {
    let (summary, records) = trajectory::<S>(config, false).expect("valid");
    let mut lines: Vec<String> = records.iter().map(|m| format!("{m:?}")).collect();
    lines.push(format!(
        "{:?} {} {:?}",
        summary.status, summary.steps, summary.transitions
    ));
    lines
}

/// An MLP whose products are large enough to be shared among threads (p·width·64 ≥ 2²⁰
/// multiply-adds) and whose sizes are not multiples of any vector width.
fn wide_mlp() -> Config {
    Config {
        d: 31,
        width: 1100,
        activation: Activation::Relu,
        train_fraction: 0.4,
        integrator: Integrator::Gd,
        lr: 0.1,
        // Ten steps: the levels without an fma instruction call one per term.
        t_max: 1.0,
        ..FIG2_QUADRATIC_SMALL.config
    }
    .with_derived_sizes()
}

#[test]
fn every_level_and_thread_count_gives_the_bits_of_the_portable_loops() {
    let levels: Vec<simd::Level> = simd::available().collect();
    assert_eq!(levels.first(), Some(&simd::Level::Portable));
    let tiny = Config {
        t_max: 100.0,
        ..MLP_TINY.config
    };
    let configs = [("mlp-tiny", tiny), ("wide MLP", wide_mlp())];
    for (name, config) in configs {
        simd::force(simd::Level::Portable).expect("always available");
        let (want32, want64) = (trace::<f32>(&config), trace::<f64>(&config));
        for &level in &levels {
            simd::force(level).expect("listed as available");
            for threads in [1, 2] {
                let pool = rayon::ThreadPoolBuilder::new()
                    .num_threads(threads)
                    .build()
                    .expect("pool");
                let (got32, got64) =
                    pool.install(|| (trace::<f32>(&config), trace::<f64>(&config)));
                let at = format!("{name} at {} on {threads} threads", level.name());
                assert_eq!(got32, want32, "f32, {at}");
                assert_eq!(got64, want64, "f64, {at}");
            }
        }
    }
    eprintln!(
        "levels compared: {}",
        levels
            .iter()
            .map(|l| l.name())
            .collect::<Vec<_>>()
            .join(", ")
    );
}
