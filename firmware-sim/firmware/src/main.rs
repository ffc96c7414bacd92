//! The firmware-sim experiment on a Cortex-M: static storage sized for the selected board,
//! the trace over semihosting, and the exit status back to the host (0: finished).
//!
//! The core is `#![forbid(unsafe_code)]`; this binary is not, because cortex-m-rt's entry
//! point and vector table are exported symbols.
#![no_std]
#![no_main]

use core::cell::RefCell;

use cortex_m_rt::entry;
use cortex_m_semihosting::{debug, hprintln};
use critical_section::Mutex;
use firmware_sim::{Board, run_in};
use grokflow_core::{Layout, StaticStorage, Status};

#[cfg(feature = "microbit")]
const BOARD: Board = firmware_sim::MICROBIT;
#[cfg(feature = "lm3s6965")]
const BOARD: Board = firmware_sim::LM3S6965;
#[cfg(feature = "an386")]
const BOARD: Board = firmware_sim::AN386;

const LAYOUT: Layout = Layout::new(&BOARD.config);

/// The experiment's buffers, in .bss (so the ELF reports them as RAM use).
static STORAGE: Mutex<
    RefCell<StaticStorage<f32, { LAYOUT.words }, { LAYOUT.reals }, { LAYOUT.work }>>,
> = Mutex::new(RefCell::new(StaticStorage::new()));

#[entry]
fn main() -> ! {
    hprintln!("# board {} {}", BOARD.machine, BOARD.target);
    let result = critical_section::with(|cs| {
        let mut storage = STORAGE.borrow_ref_mut(cs);
        let StaticStorage { words, reals, work } = &mut *storage;
        run_in(&BOARD.config, words, reals, work, |line| {
            hprintln!("{}", line)
        })
    });
    let code = match result {
        Ok(Status::Finished) => debug::EXIT_SUCCESS,
        Ok(status) => {
            hprintln!("# ended: {:?}", status);
            debug::EXIT_FAILURE
        }
        Err(e) => {
            hprintln!("# error: {}", e);
            debug::EXIT_FAILURE
        }
    };
    debug::exit(code);
    loop {
        cortex_m::asm::wfi();
    }
}

#[panic_handler]
fn panic(info: &core::panic::PanicInfo) -> ! {
    hprintln!("# panic: {}", info);
    debug::exit(debug::EXIT_FAILURE);
    loop {
        cortex_m::asm::wfi();
    }
}
