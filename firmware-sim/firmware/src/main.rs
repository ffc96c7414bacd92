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

use core::cell::RefCell;

mod clock;

#[cfg(target_arch = "arm")]
use cortex_m_rt::entry;
#[cfg(target_arch = "arm")]
use cortex_m_semihosting::{debug, hio};
use critical_section::Mutex;
use firmware_sim::run_in;
use grokflow_core::{Layout, StaticStorage, Status};
#[cfg(target_arch = "riscv32")]
use riscv_rt::entry;
#[cfg(target_arch = "riscv32")]
use riscv_semihosting::{debug, hio};

// `BOARD` and its scalar type `S`, written by build.rs.
include!(concat!(env!("OUT_DIR"), "/board.rs"));

const LAYOUT: Layout = Layout::new(&BOARD.config);

/// The experiment's buffers, in .bss (so the ELF reports them as RAM use).
static STORAGE: Mutex<
    RefCell<StaticStorage<S, { LAYOUT.words }, { LAYOUT.reals }, { LAYOUT.work }>>,
> = Mutex::new(RefCell::new(StaticStorage::new()));

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
    let result = critical_section::with(|cs| {
        let Ok(mut storage) = STORAGE.borrow(cs).try_borrow_mut() else {
            return Ok(None);
        };
        let StaticStorage { words, reals, work } = &mut *storage;
        run_in(&BOARD.config, words, reals, work, |line| {
            print(&[&line.to_ascii()])
        })
        .map(|end| Some(end.status))
    });
    // Under QEMU's -icount: what the run cost, for instructions per step.
    let instructions = clock::instructions().saturating_sub(start);
    print(&[b"# instructions ", &firmware_sim::decimal(instructions)]);
    let code = match result {
        Ok(Some(Status::Finished)) => debug::EXIT_SUCCESS,
        Ok(Some(Status::Diverged { .. })) => {
            print(&[b"# ended: diverged"]);
            debug::EXIT_FAILURE
        }
        Ok(Some(_)) => {
            print(&[b"# ended before t_max"]);
            debug::EXIT_FAILURE
        }
        Ok(None) => {
            print(&[b"# error: the storage is already in use"]);
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
