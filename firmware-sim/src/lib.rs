//! # firmware-sim
//!
//! The experiments microcontrollers run, sized at compile time for each emulated board
//! ([`Board`], [`BOARDS`]; static storage, no heap): sparse classification on the diagonal
//! net, modular addition on the tiny MLP and matrix completion; and the compact trace they
//! print, one line per grid time with the exact bits of the metrics and a hash of the
//! parameters. The same code runs on the host, so the traces can be compared bit for bit.
//!
//! `no_std` without the default `host` feature: builds for `thumbv6m-none-eabi`,
//! `thumbv7m-none-eabi`, `thumbv7em-none-eabihf` and `riscv32imac-unknown-none-elf`.
#![cfg_attr(not(test), no_std)]
#![forbid(unsafe_code)]
#![deny(missing_docs)]

use core::fmt;
use core::hash::Hasher;
use core::ops::ControlFlow;

use grokflow_core::{
    Config, ConfigError, Integrator, Layout, Metrics, Precision, References, Scalar, Simulation,
    StaticStorage, Status, Task, Transitions, generate,
};

/// An emulated board: its Rust target, its QEMU machine, its memory, and the largest problem
/// chosen to fit it.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Board {
    /// Rust target triple.
    pub target: &'static str,
    /// QEMU machine (`qemu-system-arm -machine …` or `qemu-system-riscv32 -machine …`).
    pub machine: &'static str,
    /// Memory map of the firmware build (`firmware/memory/<memory>.x`).
    pub memory: &'static str,
    /// What it is.
    pub description: &'static str,
    /// Cargo feature of the firmware crate that selects it (and names its snapshot).
    pub feature: &'static str,
    /// The number format the firmware computes in.
    pub precision: Precision,
    /// Flash in bytes.
    pub flash: usize,
    /// RAM in bytes.
    pub ram: usize,
    /// The experiment it runs.
    pub config: Config,
    /// Emulated only when named or with `--all`, not by a plain `firmware-sim qemu`: its
    /// emulation takes many minutes (the soft-float MLP), and another board already shows
    /// the same bits.
    pub on_request: bool,
}

const SMALL: Config = Config {
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

/// BBC micro:bit (nRF51, Cortex-M0, software float, 16 KiB RAM): d = 128, n = 48, whose
/// 10.6 KB of buffers leave room for the stack.
pub const MICROBIT: Board = Board {
    target: "thumbv6m-none-eabi",
    machine: "microbit",
    memory: "microbit",
    description: "micro:bit, Cortex-M0, soft float",
    feature: "microbit",
    precision: Precision::F32,
    flash: 256 * 1024,
    ram: 16 * 1024,
    config: SMALL,
    on_request: false,
};

/// Stellaris LM3S6965 (Cortex-M3, software float, 64 KiB RAM): d = 384, n = 96 (36 KB).
pub const LM3S6965: Board = Board {
    target: "thumbv7m-none-eabi",
    machine: "lm3s6965evb",
    memory: "lm3s6965",
    description: "LM3S6965, Cortex-M3, soft float",
    feature: "lm3s6965",
    precision: Precision::F32,
    flash: 256 * 1024,
    ram: 64 * 1024,
    config: Config {
        d: 384,
        n: 96,
        n_test: 128,
        ..SMALL
    },
    on_request: false,
};

/// ARM MPS2 with AN386 (Cortex-M4F, hardware f32, 4 MiB RAM): `fig1a-small` itself.
pub const AN386: Board = Board {
    target: "thumbv7em-none-eabihf",
    machine: "mps2-an386",
    memory: "an386",
    description: "MPS2-AN386, Cortex-M4F, hardware f32",
    feature: "an386",
    precision: Precision::F32,
    flash: 4 * 1024 * 1024,
    ram: 4 * 1024 * 1024,
    config: grokflow_core::FIG1A_SMALL.config,
    on_request: false,
};

/// The LM3S6965 again, computing in bf16 with stochastic rounding (emulated in software: f32
/// soft-float routines and the rounding on the bits) at the micro:bit's size: the rounding
/// stream, a counter mixed with the run's seed, must draw the same bits on the board as on
/// the host. To t = 400, past the transition (t ≈ 250): the flow's error estimate sees bf16's
/// rounding of the gradients, so its steps are 13× shorter than in f32, and the whole run
/// to t = 1000 took 4.5 minutes of QEMU with the emulation through f64.
pub const LM3S6965_BF16_SR: Board = Board {
    description: "LM3S6965, Cortex-M3, bf16 stochastic rounding",
    feature: "lm3s6965-bf16-sr",
    precision: Precision::Bf16Sr,
    config: Config {
        t_max: 400.0,
        ..SMALL
    },
    ..LM3S6965
};

/// The LM3S6965 training the tiny MLP of `mlp-tiny` (modular addition mod 17) in
/// soft float to the end (t = 6000, the transition included): on request only, since it
/// takes 5 minutes of QEMU; [`AN386_MLP`] runs its first part in CI.
pub const LM3S6965_MLP: Board = Board {
    description: "LM3S6965, Cortex-M3, soft float",
    feature: "lm3s6965-mlp",
    config: grokflow_core::MLP_TINY.config,
    on_request: true,
    ..LM3S6965
};

/// The AN386 training the tiny MLP of `mlp-tiny` with its FPU, to t = 200 (past the fit at
/// t ≈ 150; the transition, at t ≈ 2600, is [`LM3S6965_MLP`]'s): that board's trace up to
/// t = 200, bit for bit, in a fifth of its emulation time. A product's multiply-add is a
/// correctly rounded fma in integer arithmetic on every board (`MulAdd`), about 200
/// instructions, which is why the whole run is left to the board on request.
pub const AN386_MLP: Board = Board {
    feature: "an386-mlp",
    config: Config {
        t_max: 200.0,
        ..grokflow_core::MLP_TINY.config
    },
    ..AN386
};

/// `mlp-tiny` with the paper's update (`gd`, η = 0.5) to t = 100 (200 steps), the first part of
/// the precision study's runs: enough to show the board's bits equal the host's, whose
/// full-length study then speaks for the board. In bf16 the decay is lost from the first
/// step on (ηλ = 10⁻³ is below bf16's threshold 2⁻⁹: `1 − ηλ` rounds to 1, and the swamping
/// detector counts 65% of the parameters unchanged in step 1).
const MLP_TINY_GD_PREFIX: Config = Config {
    integrator: Integrator::Gd,
    t_max: 100.0,
    ..grokflow_core::MLP_TINY.config
};

/// The AN386 training the tiny MLP in bf16 with round-to-nearest and no remedy: the run that
/// never groks on the host. bf16 is f32 arithmetic on the FPU with the rounding done on the
/// bits.
pub const AN386_MLP_BF16: Board = Board {
    description: "MPS2-AN386, Cortex-M4F, bf16",
    feature: "an386-mlp-bf16",
    precision: Precision::Bf16,
    config: MLP_TINY_GD_PREFIX,
    ..AN386
};

/// The same in bf16 with the remedy the study shows holds for the MLP and that costs the
/// board least: Kahan-compensated updates (`gd-kahan`; stochastic rounding draws a 64-bit
/// hash per rounding, [`AN386_MLP_BF16_SR`]).
pub const AN386_MLP_BF16_KAHAN: Board = Board {
    description: "MPS2-AN386, Cortex-M4F, bf16 with Kahan updates",
    feature: "an386-mlp-bf16-kahan",
    config: Config {
        integrator: Integrator::GdKahan,
        ..MLP_TINY_GD_PREFIX
    },
    ..AN386_MLP_BF16
};

/// [`AN386_MLP_BF16`] to the preset's end, t = 6000 (12 000 steps; on request).
pub const AN386_MLP_BF16_FULL: Board = Board {
    feature: "an386-mlp-bf16-full",
    config: Config {
        t_max: grokflow_core::MLP_TINY.config.t_max,
        ..MLP_TINY_GD_PREFIX
    },
    on_request: true,
    ..AN386_MLP_BF16
};

/// [`AN386_MLP_BF16_KAHAN`] to the preset's end, t = 6000, its transition included (on
/// request).
pub const AN386_MLP_BF16_KAHAN_FULL: Board = Board {
    feature: "an386-mlp-bf16-kahan-full",
    config: Config {
        t_max: grokflow_core::MLP_TINY.config.t_max,
        ..AN386_MLP_BF16_KAHAN.config
    },
    on_request: true,
    ..AN386_MLP_BF16_KAHAN
};

/// The other remedy, stochastic rounding, for its cost on the board (on request).
pub const AN386_MLP_BF16_SR: Board = Board {
    description: "MPS2-AN386, Cortex-M4F, bf16 stochastic rounding",
    feature: "an386-mlp-bf16-sr",
    precision: Precision::Bf16Sr,
    on_request: true,
    ..AN386_MLP_BF16
};

/// [`AN386_MLP_BF16`] on the Cortex-M3, whose f32 is software too (on request: the cost of
/// bf16 without an FPU).
pub const LM3S6965_MLP_BF16: Board = Board {
    description: "LM3S6965, Cortex-M3, bf16",
    feature: "lm3s6965-mlp-bf16",
    precision: Precision::Bf16,
    config: MLP_TINY_GD_PREFIX,
    on_request: true,
    ..LM3S6965
};

/// The LM3S6965 completing the 20 × 20 matrix of `mc-tiny`.
pub const LM3S6965_MC: Board = Board {
    description: "LM3S6965, Cortex-M3, soft float",
    feature: "lm3s6965-mc",
    config: grokflow_core::MC_TINY.config,
    ..LM3S6965
};

/// QEMU's RISC-V `virt` machine (RV32IMAC, software float) with the memory of a small
/// RISC-V microcontroller (256 KiB flash, 64 KiB RAM, as a CH32V307 or a GD32VF103 with
/// more RAM): the LM3S6965's experiment.
pub const RISCV32_VIRT: Board = Board {
    target: "riscv32imac-unknown-none-elf",
    machine: "virt",
    memory: "riscv32-virt",
    description: "QEMU virt, RV32IMAC, soft float",
    feature: "riscv32-virt",
    ..LM3S6965
};

/// Every firmware build, smallest board first.
pub const BOARDS: [Board; 14] = [
    MICROBIT,
    LM3S6965,
    LM3S6965_BF16_SR,
    LM3S6965_MLP,
    LM3S6965_MLP_BF16,
    LM3S6965_MC,
    RISCV32_VIRT,
    AN386,
    AN386_MLP,
    AN386_MLP_BF16,
    AN386_MLP_BF16_KAHAN,
    AN386_MLP_BF16_SR,
    AN386_MLP_BF16_FULL,
    AN386_MLP_BF16_KAHAN_FULL,
];

impl Board {
    /// Whether the board is a RISC-V core (else a Cortex-M).
    pub fn is_riscv(&self) -> bool {
        self.target.starts_with("riscv32")
    }

    /// The QEMU program that emulates the board.
    pub fn emulator(&self) -> &'static str {
        if self.is_riscv() {
            "qemu-system-riscv32"
        } else {
            "qemu-system-arm"
        }
    }

    /// The Debian package of [`Board::emulator`].
    pub fn emulator_package(&self) -> &'static str {
        if self.is_riscv() {
            "qemu-system-misc"
        } else {
            "qemu-system-arm"
        }
    }
}

/// The (backwards-compatible) default firmware experiment: the micro:bit's.
pub const CONFIG: Config = MICROBIT.config;

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

impl TraceLine {
    /// Parses a line written by the `Display` impl (None for anything else, e.g. comments).
    pub fn parse(line: &str) -> Option<Self> {
        let mut fields = line.split_whitespace();
        let step = fields.next()?.parse().ok()?;
        let mut hex = || u64::from_str_radix(fields.next()?, 16).ok();
        let line = Self {
            step,
            t: hex()?,
            train_loss: hex()?,
            test_loss: hex()?,
            test_acc: hex()?,
            params: hex()?,
        };
        fields.next().is_none().then_some(line)
    }

    /// The quantities of the line with their names, in trace order (for reporting a difference).
    pub fn fields(&self) -> [(&'static str, u64); 6] {
        [
            ("step", self.step),
            ("t", self.t),
            ("train_loss", self.train_loss),
            ("test_loss", self.test_loss),
            ("test_acc", self.test_acc),
            ("params", self.params),
        ]
    }
}

/// Bytes in the longest trace line: a 20-digit step and five 16-digit hex fields, each after
/// a space.
pub const TRACE_LINE_MAX: usize = 20 + 5 * 17;

/// A trace line as ASCII text, at most [`TRACE_LINE_MAX`] bytes, without a line break.
pub type TraceText = heapless::Vec<u8, TRACE_LINE_MAX>;

impl TraceLine {
    /// `step t train_loss test_loss test_acc params`, integers in decimal, bits in hex.
    ///
    /// Written without `core::fmt`, whose formatting code can panic, so that the firmware,
    /// which links no panic path at all, can print it.
    pub fn to_ascii(&self) -> TraceText {
        let mut text = TraceText::new();
        // Pushing into a full line drops the byte (nothing can panic here); the widest line
        // fits exactly, as a test checks, so no byte is ever dropped.
        let mut push = |byte| {
            let _ = text.push(byte);
        };
        decimal(self.step).iter().for_each(|&d| push(d));
        for bits in [
            self.t,
            self.train_loss,
            self.test_loss,
            self.test_acc,
            self.params,
        ] {
            push(b' ');
            for shift in (0..16).rev() {
                let nibble = ((bits >> (4 * shift)) & 0xf) as u8;
                push(if nibble < 10 {
                    b'0' + nibble
                } else {
                    b'a' + nibble - 10
                });
            }
        }
        text
    }
}

/// `value` in decimal ASCII digits (at most 20), written without `core::fmt` (see
/// [`TraceLine::to_ascii`]).
pub fn decimal(mut value: u64) -> heapless::Vec<u8, 20> {
    let mut digits = [0u8; 20];
    let mut count = 0;
    for slot in digits.iter_mut().rev() {
        *slot = b'0' + (value % 10) as u8;
        value /= 10;
        count += 1;
        if value == 0 {
            break;
        }
    }
    let mut text = heapless::Vec::new();
    // At most 20 digits: every push fits.
    for &d in digits.iter().skip(20 - count) {
        let _ = text.push(d);
    }
    text
}

impl fmt::Display for TraceLine {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let text = self.to_ascii();
        f.write_str(core::str::from_utf8(&text).map_err(|_| fmt::Error)?)
    }
}

/// How a run ended.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct RunEnd {
    /// Finished, or why not.
    pub status: Status,
    /// Integrator steps taken.
    pub steps: u64,
    /// Transition times found.
    pub transitions: Transitions,
}

/// Runs [`CONFIG`] in `storage` and hands every trace line to `emit`.
pub fn run<S: Scalar>(
    storage: &mut Storage<S>,
    emit: impl FnMut(&TraceLine),
) -> Result<RunEnd, ConfigError> {
    let StaticStorage { words, reals, work } = storage;
    run_in(&CONFIG, words, reals, work, emit)
}

/// Runs `config` in caller-owned buffers (sized by [`Layout::new`]) and hands every trace
/// line to `emit`: the same code on a board and on the host.
pub fn run_in<S: Scalar>(
    config: &Config,
    words: &mut [u64],
    reals: &mut [f32],
    work: &mut [S],
    mut emit: impl FnMut(&TraceLine),
) -> Result<RunEnd, ConfigError> {
    let data = generate(config, words, reals)?;
    let mut sim = Simulation::new(config, &data, References::default(), work)?;
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
    Ok(RunEnd {
        status: sim.status(),
        steps: sim.steps(),
        transitions: sim.transitions(),
    })
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
        let status = run(&mut storage, |line| lines.push(*line))
            .expect("valid")
            .status;
        assert_eq!(status, Status::Finished);
        let last = lines.last().expect("trace");
        assert_eq!(f64::from_bits(last.t), CONFIG.t_max);
        assert!(f64::from_bits(last.test_acc) >= 0.95);
    }

    #[test]
    fn trace_lines_parse_back() {
        let mut storage = Box::new(Storage::<f32>::new());
        let mut lines = Vec::new();
        run(&mut storage, |line| lines.push(*line)).expect("valid");
        for line in &lines {
            let text = line.to_string();
            assert_eq!(TraceLine::parse(&text), Some(*line));
            // The same digits `format!` writes.
            let expected = format!(
                "{} {:016x} {:016x} {:016x} {:016x} {:016x}",
                line.step, line.t, line.train_loss, line.test_loss, line.test_acc, line.params
            );
            assert_eq!(text, expected);
        }
        let widest = TraceLine {
            step: u64::MAX,
            ..lines[0]
        };
        assert_eq!(widest.to_ascii().len(), TRACE_LINE_MAX);
        assert_eq!(TraceLine::parse(&widest.to_string()), Some(widest));
        assert_eq!(TraceLine::parse("# a comment"), None);
        assert_eq!(TraceLine::parse("1 2 3"), None);
    }

    #[test]
    fn every_board_fits_its_ram() {
        for board in BOARDS {
            let layout = Layout::new(&board.config);
            let bytes = 8 * layout.words + 4 * layout.reals + 4 * layout.work;
            // A quarter of the RAM stays free for stack and runtime, at least 4 KiB and at
            // most 12 KiB: the deepest stack the core takes is the table passes' 8 KiB in f32
            // (README, "Using the core"), plus 4 KiB for the runtime.
            let reserve = (board.ram / 4).clamp(4096, 12 * 1024).min(board.ram / 2);
            assert!(bytes + reserve <= board.ram, "{}: {bytes} B", board.machine);
            assert_eq!(board.config.validate(), Ok(()));
        }
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
