//! The firmware-sim experiment on a Cortex-M or a RISC-V core: static storage sized for the
//! selected board, the trace over semihosting, and the exit status back to the host
//! (0: finished). The board comes from the Cargo feature that names it (see build.rs).
//!
//! No panic can happen here, and the link proves it: the panic handler calls a function that
//! exists nowhere, so a build in which any panic (a bounds check, an `unwrap`, `core::fmt`'s
//! own checks, …) stays reachable after optimisation fails to link with
//! `undefined symbol: grokflow_firmware_can_panic`. That is why the trace is written with
//! [`TraceLine::to_ascii`] and the messages are fixed strings rather than `hprintln!`.
//!
//! The core is `#![forbid(unsafe_code)]`; this binary is not, because the runtimes' entry
//! points and vector tables are exported symbols and the proof needs an `extern` declaration.
#![no_std]
#![no_main]

mod clock;

#[cfg(target_arch = "arm")]
use cortex_m_rt::entry;
#[cfg(target_arch = "arm")]
use cortex_m_semihosting::{debug, hio};
use firmware_sim::run_in;
use grokflow_core::{Layout, StaticStorage, Status};
#[cfg(target_arch = "riscv32")]
use riscv_rt::entry;
#[cfg(target_arch = "riscv32")]
use riscv_semihosting::{debug, hio};

// `BOARD` and its scalar type `S`, written by build.rs.
include!(concat!(env!("OUT_DIR"), "/board.rs"));

const LAYOUT: Layout = Layout::new(&BOARD.config);

/// The experiment's buffers, in .bss (so the ELF reports them as RAM use). Borrowed once, by
/// `main`, and used with interrupts on: the Cortex-M clock counts SysTick wraps in an
/// interrupt, so the run cannot sit inside a critical section.
static mut STORAGE: StaticStorage<S, { LAYOUT.words }, { LAYOUT.reals }, { LAYOUT.work }> =
    StaticStorage::new();

/// Writes the parts and a line break to the host's stdout; output is best effort.
fn print(parts: &[&[u8]]) {
    if let Ok(mut out) = hio::hstdout() {
        for part in parts {
            let _ = out.write_all(part);
        }
        let _ = out.write_all(b"\n");
    }
}

#[entry]
fn main() -> ! {
    print(&[
        b"# board ",
        BOARD.machine.as_bytes(),
        b" ",
        BOARD.target.as_bytes(),
    ]);
    clock::start();
    let start = clock::instructions();
    // SAFETY: the only reference to STORAGE ever made: `main` runs once and never returns,
    // and nothing else names the static.
    let storage = &raw mut STORAGE;
    let StaticStorage { words, reals, work } = unsafe { &mut *storage };
    let result = run_in(&BOARD.config, words, reals, work, |line| {
        print(&[&line.to_ascii()])
    })
    .map(|end| end.status);
    // Under QEMU's -icount: what the run cost, for instructions per step.
    let instructions = clock::instructions().saturating_sub(start);
    print(&[b"# instructions ", &firmware_sim::decimal(instructions)]);
    let code = match result {
        Ok(Status::Finished) => debug::EXIT_SUCCESS,
        Ok(Status::Diverged { .. }) => {
            print(&[b"# ended: diverged"]);
            debug::EXIT_FAILURE
        }
        Ok(_) => {
            print(&[b"# ended before t_max"]);
            debug::EXIT_FAILURE
        }
        Err(e) => {
            print(&[b"# error in the configuration field ", e.field().as_bytes()]);
            debug::EXIT_FAILURE
        }
    };
    debug::exit(code);
    loop {
        #[cfg(target_arch = "arm")]
        cortex_m::asm::wfi();
        #[cfg(target_arch = "riscv32")]
        riscv::asm::wfi();
    }
}

#[panic_handler]
fn panic(_: &core::panic::PanicInfo) -> ! {
    unsafe extern "C" {
        // Defined nowhere: referencing it makes any reachable panic a link error.
        fn grokflow_firmware_can_panic() -> !;
    }
    // SAFETY: never executed; a binary in which this call is reachable does not link.
    unsafe { grokflow_firmware_can_panic() }
}
