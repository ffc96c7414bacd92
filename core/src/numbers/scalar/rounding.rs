//! How a low-precision format rounds an exact result: to nearest (ties to even), or
//! stochastically from a counter-based stream that the host and a microcontroller draw
//! identically.

use core::fmt::Debug;

use crate::numbers::math;

/// A rounding rule for a grid of representable values.
pub trait Rounding: Copy + Debug + Default + PartialEq + Send + Sync + 'static {
    /// Suffix of the format name (`""` or `"-sr"`).
    const SUFFIX: &'static str;
    /// 0 for nearest, 1 for stochastic (indexes a format's two names).
    const INDEX: usize;
    /// Whether a value `fraction` ∈ (0, 1) of a grid step above a grid point rounds up;
    /// `floor_is_odd` tells which neighbour is even (for ties).
    fn round_up(fraction: f64, floor_is_odd: bool) -> bool;

    /// Whether the rule draws random numbers. Then it must see the exact result (the draw is
    /// compared with the distance to the neighbours) and round results one at a time, in
    /// order (each draw advances the stream). Round-to-nearest needs neither: rounding f32's
    /// own rounded sum, difference or product to a format of p ≤ 11 bits gives the same
    /// result as rounding the exact one, since f32's 24 bits are at least 2p + 1 (Figueroa,
    /// "When is double rounding innocuous?", 1995).
    const DRAWS: bool;

    /// Rounds the magnitude bits of a finite f32 to a multiple of `2^dropped` (clearing its
    /// `dropped` lowest bits, 1 ≤ `dropped` ≤ 16), `negative` its sign: the same decision as
    /// [`round`](Self::round) on the value in units of that grid step, in integers.
    fn round_bits(magnitude: u32, dropped: u32, negative: bool) -> u32;

    /// Rounds `significand · 2^−shift` (`significand` < 2²⁴, `shift` ≤ 127) to an integer,
    /// `negative` its sign: the same decision as [`round`](Self::round) on that value (the
    /// formats' subnormals, a fixed grid of steps).
    fn round_steps(significand: u32, shift: u32, negative: bool) -> u32;

    /// Rounds `m` (the exact value in units of the grid spacing) to an integer.
    #[inline]
    fn round(m: f64) -> f64 {
        let floor = math::floor(m);
        let fraction = m - floor;
        let odd = math::floor(floor * 0.5) * 2.0 != floor;
        if fraction > 0.0 && Self::round_up(fraction, odd) {
            floor + 1.0
        } else {
            floor
        }
    }
}

/// Round to nearest, ties to even (IEEE's default).
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Nearest;

/// Stochastic rounding: up with probability equal to the fractional part, so the rounding
/// error is zero in expectation (small updates survive on average instead of vanishing).
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Stochastic;

impl Rounding for Nearest {
    const SUFFIX: &'static str = "";
    const INDEX: usize = 0;
    const DRAWS: bool = false;
    #[inline]
    fn round_bits(magnitude: u32, dropped: u32, _negative: bool) -> u32 {
        // Adding half a step less one, plus the kept part's last bit, carries into the kept
        // part exactly when the dropped part is above half, or at half with an odd kept part.
        let half = 1 << (dropped - 1);
        let odd = (magnitude >> dropped) & 1;
        (magnitude + (half - 1) + odd) & !((1 << dropped) - 1)
    }
    #[inline]
    fn round_steps(significand: u32, shift: u32, _negative: bool) -> u32 {
        // Below half a step (shift > 24) the nearest integer is 0.
        if shift > 24 {
            return 0;
        }
        let (value, half) = (u64::from(significand), 1u64 << (shift - 1));
        let odd = (value >> shift) & 1;
        ((value + (half - 1) + odd) >> shift) as u32
    }
    #[inline]
    fn round_up(fraction: f64, floor_is_odd: bool) -> bool {
        fraction > 0.5 || (fraction == 0.5 && floor_is_odd)
    }
    #[inline]
    fn round(m: f64) -> f64 {
        math::rint(m)
    }
}

impl Rounding for Stochastic {
    const SUFFIX: &'static str = "-sr";
    const INDEX: usize = 1;
    const DRAWS: bool = true;
    #[inline]
    fn round_bits(magnitude: u32, dropped: u32, negative: bool) -> u32 {
        let step = 1 << dropped;
        let rest = magnitude & (step - 1);
        if rest == 0 {
            return magnitude;
        }
        // [`round`]'s rule: towards +∞ when the draw u = k·2⁻⁵³ is below the distance from the
        // neighbour below, which is `rest` steps for a positive value and `step − rest` for a
        // negative one; both sides exact integers.
        let above_lower = if negative { step - rest } else { rest };
        let towards_positive = stream::draw() < u64::from(above_lower) << (53 - dropped);
        let away_from_zero = towards_positive != negative;
        magnitude - rest + if away_from_zero { step } else { 0 }
    }
    #[inline]
    fn round_steps(significand: u32, shift: u32, negative: bool) -> u32 {
        // In 128 bits, exact for every shift up to 127 (the callers' reach 125).
        let shift = shift.min(127);
        let value = u128::from(significand);
        let (whole, rest) = (value >> shift, value & ((1u128 << shift) - 1));
        if rest == 0 {
            return whole as u32;
        }
        let above_lower = if negative {
            (1u128 << shift) - rest
        } else {
            rest
        };
        // u = k·2⁻⁵³ below above_lower·2^−shift, both sides times 2^max(53, shift).
        let k = u128::from(stream::draw());
        let towards_positive = if shift >= 53 {
            k << (shift - 53) < above_lower
        } else {
            k < above_lower << (53 - shift)
        };
        let away_from_zero = towards_positive != negative;
        whole as u32 + u32::from(away_from_zero)
    }
    #[inline]
    fn round_up(fraction: f64, _floor_is_odd: bool) -> bool {
        to_unit(stream::draw()) < fraction
    }
}

/// Seeds the stochastic-rounding stream (the run start does this with the run's seed, so a
/// run rounds the same way every time and on every target).
pub fn reseed(seed: u64) {
    stream::reseed(seed);
}

/// The calling thread's stochastic-rounding stream `(seed, counter)`, so that work moved to
/// another thread can take the stream along ([`set_stream`]).
#[cfg(feature = "parallel")]
pub(crate) fn stream() -> (u64, u64) {
    stream::get()
}

/// Makes `state` the calling thread's stochastic-rounding stream.
#[cfg(feature = "parallel")]
pub(crate) fn set_stream(state: (u64, u64)) {
    stream::set(state);
}

/// SplitMix64's finaliser: a counter-based generator's output for `(seed, counter)`.
#[inline]
fn mix(seed: u64, counter: u64) -> u64 {
    let mut z = seed ^ counter.wrapping_mul(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// A draw `k` < 2⁵³ as the uniform number k·2⁻⁵³ in [0, 1).
#[inline]
fn to_unit(k: u64) -> f64 {
    k as f64 * (1.0 / (1u64 << 53) as f64)
}

/// On the host: one stream per thread, so parallel runs do not disturb each other.
#[cfg(feature = "std")]
mod stream {
    use core::cell::Cell;

    std::thread_local! {
        static STATE: Cell<(u64, u64)> = const { Cell::new((0, 0)) };
    }

    pub(super) fn reseed(seed: u64) {
        STATE.with(|s| s.set((seed, 0)));
    }

    #[cfg(feature = "parallel")]
    pub(super) fn get() -> (u64, u64) {
        STATE.with(Cell::get)
    }

    #[cfg(feature = "parallel")]
    pub(super) fn set(state: (u64, u64)) {
        STATE.with(|s| s.set(state));
    }

    /// The next draw, 53 random bits.
    #[inline]
    pub(super) fn draw() -> u64 {
        STATE.with(|s| {
            let (seed, counter) = s.get();
            s.set((seed, counter.wrapping_add(1)));
            super::mix(seed, counter) >> 11
        })
    }
}

/// On a microcontroller (one thread): plain 32-bit atomics with loads and stores only, which
/// every Cortex-M has (thumbv6m has no read-modify-write atomics).
#[cfg(not(feature = "std"))]
mod stream {
    use core::sync::atomic::{AtomicU32, Ordering};

    static SEED: [AtomicU32; 2] = [AtomicU32::new(0), AtomicU32::new(0)];
    static COUNTER: [AtomicU32; 2] = [AtomicU32::new(0), AtomicU32::new(0)];

    fn read(pair: &[AtomicU32; 2]) -> u64 {
        let [lo, hi] = pair;
        u64::from(lo.load(Ordering::Relaxed)) | (u64::from(hi.load(Ordering::Relaxed)) << 32)
    }

    fn write(pair: &[AtomicU32; 2], value: u64) {
        let [lo, hi] = pair;
        lo.store(value as u32, Ordering::Relaxed);
        hi.store((value >> 32) as u32, Ordering::Relaxed);
    }

    pub(super) fn reseed(seed: u64) {
        write(&SEED, seed);
        write(&COUNTER, 0);
    }

    /// The next draw, 53 random bits.
    #[inline]
    pub(super) fn draw() -> u64 {
        let counter = read(&COUNTER);
        write(&COUNTER, counter.wrapping_add(1));
        super::mix(read(&SEED), counter) >> 11
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nearest_ties_to_even() {
        for (m, want) in [(2.5, 2.0), (3.5, 4.0), (-2.5, -2.0), (2.4, 2.0), (2.6, 3.0)] {
            assert_eq!(Nearest::round(m), want, "{m}");
        }
    }

    #[test]
    fn stochastic_rounding_is_unbiased_and_reproducible() {
        // 10⁵ roundings of 0.25: the mean is 0.25 within 4 standard errors (0.0055).
        const N: usize = 100_000;
        reseed(42);
        let first: f64 = (0..N).map(|_| Stochastic::round(0.25)).sum::<f64>() / N as f64;
        assert!(
            (first - 0.25).abs() < 4.0 * (0.25f64 * 0.75 / N as f64).sqrt(),
            "{first}"
        );
        reseed(42);
        let again: f64 = (0..N).map(|_| Stochastic::round(0.25)).sum::<f64>() / N as f64;
        assert_eq!(first, again);
        assert_eq!(Stochastic::round(3.0), 3.0);
    }
}
