//! Layer 3, data: how inputs are stored (±1 signs as bits, index pairs in words, reals),
//! read-only [`Dataset`] views with the two passes `X·w` and `Xᵀ·g` (by table lookup for
//! large sign matrices), and the seeded tasks that fill caller-owned buffers.

pub(crate) mod bits;
pub(crate) mod dataset;
pub(crate) mod layout;
pub(crate) mod sign_tables;
pub(crate) mod task;

pub use bits::{WORD_BITS, pack_pair, unpack_pair, words_per_row};
pub use dataset::{Dataset, Features};
pub use task::{TaskData, generate, view};
