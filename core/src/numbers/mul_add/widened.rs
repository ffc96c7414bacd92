//! An f32 fma through f64, inlined, for every target whose f64 is in hardware (all but the
//! boards).
//!
//! The product of two f32 is exact in f64 (24 + 24 ≤ 53 bits), so `x·y + z` in f64 is the
//! exact result rounded once, and narrowing it to f32 rounds a second time. Two roundings
//! differ from one only when the first lands exactly halfway between two f32, that is when
//! the 29 bits f64 has beyond f32 read 1000…0; then libm settles it. This is libm's own
//! algorithm for `fmaf` without the instruction, taken out of a function call that is not
//! inlined (on x86-64 libm's call goes through a pointer even to the instruction). The row
//! forms check four terms at once without a branch, so that the compiler computes them side
//! by side in vectors (wasm's 128-bit ones in the web build).

use super::LANES;

/// Terms computed side by side: two f64x2 vectors.
const WIDTH: usize = 4;

/// The bits f64 keeps beyond f32's 24.
const EXTRA_BITS: u64 = (1 << 29) - 1;

/// The extra bits of a sum that lies exactly halfway between two f32.
const HALFWAY: u64 = 1 << 28;

/// `x·y + z` rounded once, the same bits as `libm::fmaf`.
#[inline(always)]
pub(super) fn fmaf(x: f32, y: f32, z: f32) -> f32 {
    let sum = f64::from(x) * f64::from(y) + f64::from(z);
    if sum.to_bits() & EXTRA_BITS == HALFWAY {
        return libm_fmaf(x, y, z);
    }
    sum as f32
}

/// [`fmaf`] on four terms, with one test for a halfway sum among them.
#[inline(always)]
fn fmaf_side_by_side(x: [f32; WIDTH], y: [f32; WIDTH], z: [f32; WIDTH]) -> [f32; WIDTH] {
    let mut sums = [0.0f64; WIDTH];
    for (((sum, &x), &y), &z) in sums.iter_mut().zip(&x).zip(&y).zip(&z) {
        *sum = f64::from(x) * f64::from(y) + f64::from(z);
    }
    let halfway = sums
        .iter()
        .fold(false, |any, s| any | (s.to_bits() & EXTRA_BITS == HALFWAY));
    if halfway {
        let mut out = z;
        for ((out, &x), &y) in out.iter_mut().zip(&x).zip(&y) {
            *out = libm_fmaf(x, y, *out);
        }
        return out;
    }
    sums.map(|s| s as f32)
}

/// `acc[k] = a·x[k] + acc[k]` over the shorter length, each term rounded once.
// Not `#[inline]`: compiled here, at this crate's optimisation level, where the four terms
// become vector code; the web build optimises the crates that call it for size.
pub(super) fn scaled_add(a: f32, x: &[f32], acc: &mut [f32]) {
    let n = x.len().min(acc.len());
    let (x, acc) = (
        x.get(..n).unwrap_or_default(),
        acc.get_mut(..n).unwrap_or_default(),
    );
    let (mut xs, mut accs) = (x.chunks_exact(WIDTH), acc.chunks_exact_mut(WIDTH));
    for (x, acc) in (&mut xs).zip(&mut accs) {
        if let (Ok(x), Ok(acc)) = (
            <[f32; WIDTH]>::try_from(x),
            <&mut [f32; WIDTH]>::try_from(acc),
        ) {
            *acc = fmaf_side_by_side([a; WIDTH], x, *acc);
        }
    }
    for (acc, &x) in accs.into_remainder().iter_mut().zip(xs.remainder()) {
        *acc = fmaf(a, x, *acc);
    }
}

/// `lanes[k mod 8] = x[k]·y[k] + lanes[k mod 8]` in order of `k`, over the shorter length,
/// each term rounded once: a dot product's partial sums.
pub(super) fn dot_lanes(x: &[f32], y: &[f32], lanes: &mut [f32; LANES]) {
    let (mut xs, mut ys) = (x.chunks_exact(LANES), y.chunks_exact(LANES));
    for (x, y) in (&mut xs).zip(&mut ys) {
        for ((x, y), lanes) in x
            .chunks_exact(WIDTH)
            .zip(y.chunks_exact(WIDTH))
            .zip(lanes.chunks_exact_mut(WIDTH))
        {
            if let (Ok(x), Ok(y), Ok(lanes)) = (
                <[f32; WIDTH]>::try_from(x),
                <[f32; WIDTH]>::try_from(y),
                <&mut [f32; WIDTH]>::try_from(lanes),
            ) {
                *lanes = fmaf_side_by_side(x, y, *lanes);
            }
        }
    }
    let rest = xs.remainder().iter().zip(ys.remainder());
    for (lane, (&x, &y)) in lanes.iter_mut().zip(rest) {
        *lane = fmaf(x, y, *lane);
    }
}

/// The rare sum that f64 rounded onto an f32 midpoint: libm finds which side the exact sum
/// is on.
#[cold]
#[inline(never)]
fn libm_fmaf(x: f32, y: f32, z: f32) -> f32 {
    libm::fmaf(x, y, z)
}
