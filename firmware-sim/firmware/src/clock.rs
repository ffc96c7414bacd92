//! Instructions executed, read from a board timer. Meaningful under QEMU's `-icount shift=0`,
//! where virtual time advances one nanosecond per guest instruction and every timer follows
//! virtual time; on hardware the same reading counts cycles instead.

/// RISC-V: `minstret`, the instructions-retired counter, which QEMU derives from the
/// instruction count under `-icount`.
#[cfg(target_arch = "riscv32")]
pub fn start() {}

/// Instructions retired since reset.
#[cfg(target_arch = "riscv32")]
pub fn instructions() -> u64 {
    riscv::register::minstret::read64()
}

#[cfg(target_arch = "arm")]
pub use systick::{instructions, start};

/// Cortex-M: no instruction counter (QEMU does not model the DWT), so SysTick on the core
/// clock, extended to 64 bits by counting its wraps, and calibrated against a loop of a known
/// number of instructions, since each board's clock runs at its own rate.
#[cfg(target_arch = "arm")]
mod systick {
    use core::cell::Cell;

    use cortex_m::peripheral::syst::SystClkSource;
    use cortex_m::peripheral::{SCB, SYST};
    use cortex_m_rt::exception;
    use critical_section::Mutex;

    /// The 24-bit counter's largest value.
    const RELOAD: u32 = 0x00FF_FFFF;
    /// Iterations of the calibration loop (two instructions each).
    const CALIBRATION: u32 = 1 << 20;

    static WRAPS: Mutex<Cell<u64>> = Mutex::new(Cell::new(0));
    /// Ticks of the calibration loop.
    static SCALE: Mutex<Cell<u64>> = Mutex::new(Cell::new(0));

    #[exception]
    fn SysTick() {
        critical_section::with(|cs| {
            let wraps = WRAPS.borrow(cs);
            wraps.set(wraps.get() + 1);
        });
    }

    /// Ticks since [`start`].
    fn ticks() -> u64 {
        critical_section::with(|cs| {
            let mut wraps = WRAPS.borrow(cs).get();
            let mut value = SYST::get_current();
            if SCB::is_pendst_pending() {
                // Wrapped while interrupts were off: count it and read after the wrap.
                wraps += 1;
                value = SYST::get_current();
            }
            wraps * (u64::from(RELOAD) + 1) + u64::from(RELOAD - value)
        })
    }

    /// `iterations` rounds of a two-instruction loop.
    fn spin(iterations: u32) {
        // SAFETY: touches only r0 and the flags.
        unsafe {
            core::arch::asm!(
                "2:",
                "subs r0, #1",
                "bne 2b",
                inout("r0") iterations => _,
                options(nomem, nostack)
            );
        }
    }

    /// Starts SysTick and measures its ticks per instruction.
    pub fn start() {
        let Some(peripherals) = cortex_m::Peripherals::take() else {
            return;
        };
        let mut syst = peripherals.SYST;
        syst.set_clock_source(SystClkSource::Core);
        syst.set_reload(RELOAD);
        syst.clear_current();
        syst.enable_interrupt();
        syst.enable_counter();
        // The cleared counter reads 0 until its first tick loads the reload value.
        while SYST::get_current() == 0 {}
        let before = ticks();
        spin(CALIBRATION);
        let scale = ticks() - before;
        critical_section::with(|cs| SCALE.borrow(cs).set(scale));
    }

    /// Instructions since [`start`] (0 if the clock did not start).
    pub fn instructions() -> u64 {
        let scale = critical_section::with(|cs| SCALE.borrow(cs).get());
        let instructions = u128::from(ticks()) * 2 * u128::from(CALIBRATION);
        u64::try_from(instructions.checked_div(u128::from(scale)).unwrap_or(0)).unwrap_or(u64::MAX)
    }
}
