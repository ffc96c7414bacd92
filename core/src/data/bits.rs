//! How the data layer stores inputs in `u64` words: ±1 features one bit each, index pairs
//! two to a word, and the one sparse-vector product every sign-matrix pass reduces to.

use crate::numbers::linalg::{LANES, reduce};
use crate::numbers::scalar::Scalar;

/// Bits per storage word of a sign matrix.
pub const WORD_BITS: usize = 64;

/// Number of `u64` words that hold one row of `d` signs.
pub const fn words_per_row(d: usize) -> usize {
    d.div_ceil(WORD_BITS)
}

/// Packs an index pair for [`Features::Pairs`](crate::Features::Pairs).
pub const fn pack_pair(a: usize, b: usize) -> u64 {
    ((a as u64) << 32) | (b as u64 & 0xffff_ffff)
}

/// Inverse of [`pack_pair`].
pub const fn unpack_pair(word: u64) -> (usize, usize) {
    ((word >> 32) as usize, (word & 0xffff_ffff) as usize)
}

/// `⟨w, x⟩` for one row `x` ∈ {±1}^d stored as bits; coordinate `j` goes to lane `j mod 8`.
#[inline]
pub(crate) fn sign_row_dot<S: Scalar>(row: &[u64], w: &[S]) -> S {
    let mut lanes = [S::ZERO; LANES];
    for (&word, wc) in row.iter().zip(w.chunks(WORD_BITS)) {
        let mut chunks = wc.chunks_exact(LANES);
        let mut shift = 0u32;
        for chunk in &mut chunks {
            // Eight signs in the low bits; each lane tests a constant mask, so the compiler
            // makes the chunk a few vector ops, without branches.
            let bits = (word >> shift) as u32;
            for (lane, (sum, &wj)) in lanes.iter_mut().zip(chunk).enumerate() {
                *sum += wj.negate_if(bits & (1 << lane) == 0);
            }
            shift += LANES as u32;
        }
        // A whole word leaves no remainder (and a shift by 64 would overflow).
        let bits = word.checked_shr(shift).unwrap_or(0) as u32;
        for (lane, (sum, &wj)) in lanes.iter_mut().zip(chunks.remainder()).enumerate() {
            *sum += wj.negate_if(bits & (1 << lane) == 0);
        }
    }
    reduce(lanes)
}
