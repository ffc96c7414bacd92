//! # firmware-sim
//!
//! The experiment a microcontroller runs: a sparse-classification problem sized at compile
//! time ([`CONFIG`], [`Storage`]; no heap), and the compact trace it prints, one line per grid
//! time with the exact bits of the metrics and a hash of the parameters. The same code runs on
//! the host, so the two traces can be compared bit for bit.
//!
//! `no_std`: builds for `thumbv7em-none-eabihf` and `thumbv6m-none-eabi`.
#![cfg_attr(not(test), no_std)]
#![forbid(unsafe_code)]
#![deny(missing_docs)]

use core::fmt;
use core::hash::Hasher;
use core::ops::ControlFlow;

use grokflow_core::{
    Config, ConfigError, Layout, Metrics, References, Scalar, Simulation, StaticStorage, Status,
    Task, generate,
};

/// The firmware experiment: fig. 1a shrunk to fit a few KiB of RAM. With `d = 128` and
/// `n = 48` the kernel phase still generalises poorly (test accuracy about 0.7) and the
/// transition near `ln α / λ ≈ 277` takes test accuracy to 1.
pub const CONFIG: Config = Config {
    task: Task::SparseCls,
    d: 128,
    n: 48,
    n_test: 64,
    alpha: 16.0,
    lambda: 1e-2,
    t_max: 1e3,
    points_per_decade: 10,
    ..grokflow_core::FIG1A_SMALL.config
};

/// Buffer sizes of [`CONFIG`], fixed at compile time.
pub const LAYOUT: Layout = Layout::new(&CONFIG);

/// Static storage for [`CONFIG`] in number format `S`.
pub type Storage<S> = StaticStorage<S, { LAYOUT.words }, { LAYOUT.reals }, { LAYOUT.work }>;

/// One trace line: a grid time with the exact bits of what was measured there.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TraceLine {
    /// Integrator steps so far.
    pub step: u64,
    /// Bits of `t` (f64).
    pub t: u64,
    /// Bits of the train loss (f64).
    pub train_loss: u64,
    /// Bits of the test loss (f64).
    pub test_loss: u64,
    /// Bits of the test accuracy (f64).
    pub test_acc: u64,
    /// FNV-1a hash of the bits of every parameter.
    pub params: u64,
}

impl TraceLine {
    fn new<S: Scalar>(m: &Metrics, params: &[S]) -> Self {
        let mut hasher = fnv::FnvHasher::default();
        for p in params {
            hasher.write_u64(p.to_f64().to_bits());
        }
        Self {
            step: m.step,
            t: m.t.to_bits(),
            train_loss: m.train_loss.to_bits(),
            test_loss: m.test_loss.to_bits(),
            test_acc: m.test_acc.unwrap_or(f64::NAN).to_bits(),
            params: hasher.finish(),
        }
    }
}

/// `step t train_loss test_loss test_acc params`, integers in decimal, bits in hex.
impl fmt::Display for TraceLine {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} {:016x} {:016x} {:016x} {:016x} {:016x}",
            self.step, self.t, self.train_loss, self.test_loss, self.test_acc, self.params
        )
    }
}

/// Runs [`CONFIG`] in `storage` and hands every trace line to `emit`.
pub fn run<S: Scalar>(
    storage: &mut Storage<S>,
    mut emit: impl FnMut(&TraceLine),
) -> Result<Status, ConfigError> {
    let StaticStorage { words, reals, work } = storage;
    let data = generate(&CONFIG, words, reals)?;
    let mut sim = Simulation::new(&CONFIG, &data, References::default(), work)?;
    // Parameters are read after each record, so the line is emitted by stepping one record
    // at a time rather than from inside the observer.
    let mut pending = None;
    while !sim.status().is_terminal() {
        sim.step(&mut |m: &Metrics| {
            pending = Some(*m);
            ControlFlow::Continue(())
        });
        if let Some(m) = pending.take() {
            emit(&TraceLine::new(&m, sim.params()));
        }
    }
    Ok(sim.status())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn static_run_groks_and_fits_the_smallest_board() {
        // micro:bit (Cortex-M0): 16 KiB of RAM; keep 4 KiB for the stack and the runtime.
        const RAM: usize = 16 * 1024;
        const RESERVED: usize = 4 * 1024;
        assert!(core::mem::size_of::<Storage<f32>>() <= RAM - RESERVED);
        let mut storage = Box::new(Storage::<f32>::new());
        let mut lines = Vec::new();
        let status = run(&mut storage, |line| lines.push(*line)).expect("valid");
        assert_eq!(status, Status::Finished);
        let last = lines.last().expect("trace");
        assert_eq!(f64::from_bits(last.t), CONFIG.t_max);
        assert!(f64::from_bits(last.test_acc) >= 0.95);
    }

    #[test]
    fn trace_is_reproducible() {
        let trace = || {
            let mut storage = Box::new(Storage::<f32>::new());
            let mut lines = Vec::new();
            run(&mut storage, |line| lines.push(line.to_string())).expect("valid");
            lines
        };
        assert_eq!(trace(), trace());
    }
}
