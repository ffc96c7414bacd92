//! Configurations as any front end could build them, including NaN, infinities and sizes at
//! the ends of their ranges.

use arbitrary::{Arbitrary, Unstructured};
use grokflow_core::experiment::Experiment;
use grokflow_core::{Activation, Config, Integrator, Layout, Loss, Task, Truth};

/// Validation accepts or names one of the config's fields; an accepted config small enough to
/// run here builds and steps with finite records (or a reported divergence).
pub fn config_run(bytes: &[u8]) {
    let Ok(config) = arbitrary_config(&mut Unstructured::new(bytes)) else {
        return;
    };
    if let Err(e) = config.validate() {
        assert!(
            crate::CONFIG_FIELDS.contains(&e.field()),
            "error names {:?}",
            e.field()
        );
        assert!(!e.to_string().is_empty());
        return;
    }
    let layout = Layout::new(&config);
    if layout.words + layout.reals + layout.work > 200_000 {
        return;
    }
    let mut experiment = match Experiment::<f32>::new(&config) {
        Ok(experiment) => experiment,
        // Only the file task has nothing to generate (its data comes with `--data`).
        Err(e) => {
            assert_eq!(
                config.task,
                Task::File,
                "a valid config failed to build: {e}"
            );
            return;
        }
    };
    crate::run_bounded(&mut experiment, 200);
}

/// Mostly small sizes (so runs are cheap), sometimes any value at all.
fn size(u: &mut Unstructured<'_>) -> arbitrary::Result<usize> {
    Ok(if u.ratio(1, 8)? {
        usize::arbitrary(u)?
    } else {
        u.int_in_range(0..=70)?
    })
}

/// Mostly values in the physical range (log-uniform), sometimes any bit pattern.
fn real(u: &mut Unstructured<'_>, low: f64, high: f64) -> arbitrary::Result<f64> {
    Ok(if u.ratio(1, 8)? {
        f64::from_bits(u64::arbitrary(u)?)
    } else {
        let x = f64::from(u.int_in_range(0..=1000u32)?) / 1000.0;
        low * (high / low).powf(x)
    })
}

fn one_of<T: Copy>(u: &mut Unstructured<'_>, options: &[T]) -> arbitrary::Result<T> {
    u.choose(options).copied()
}

fn arbitrary_config(u: &mut Unstructured<'_>) -> arbitrary::Result<Config> {
    Ok(Config {
        task: one_of(u, &Task::ALL)?,
        d: size(u)?,
        n: size(u)?,
        n_test: size(u)?,
        k: size(u)?,
        gamma: real(u, 1e-3, 1e3)?,
        train_fraction: real(u, 1e-3, 1.0)?,
        truth: one_of(u, &Truth::ALL)?,
        width: size(u)?,
        activation: one_of(u, &Activation::ALL)?,
        zero_output_init: bool::arbitrary(u)?,
        depth: u.int_in_range(0..=6)?,
        alpha: real(u, 1e-3, 1e6)?,
        lambda: if u.ratio(1, 6)? {
            0.0
        } else {
            real(u, 1e-6, 1.0)?
        },
        loss: one_of(u, &Loss::ALL)?,
        integrator: one_of(u, &Integrator::ALL)?,
        lr: real(u, 1e-4, 1e3)?,
        tol: real(u, 1e-13, 1.0)?,
        t_max: real(u, 1e-3, 1e4)?,
        points_per_decade: u.int_in_range(0..=1001)?,
        seed: u64::arbitrary(u)?,
    }
    .with_derived_sizes())
}
