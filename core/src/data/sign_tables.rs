//! Products with a ±1 matrix stored as bits by table lookup (the "method of four Russians"):
//! eight signs select one of the 2⁸ signed sums of eight values, so one lookup and one add
//! replace eight adds.
//!
//! For `X·w` the tables hold signed sums of eight weights and each row's bytes index them;
//! for `Xᵀ·g` they hold signed sums of eight slopes and each column's bits (64 rows at a time,
//! gathered by a bit-matrix transpose) index them. Building a table costs 255 adds (eight
//! doublings, each one vector add), and is shared by every row (or column) that reads it, so
//! the method pays off once a pass has a few dozen rows.
//!
//! Sums run in a fixed order on every target, so results stay bit-identical between the host
//! and a microcontroller. The tables live on the stack: 8·256 scalars, 8 KiB in f32. That is
//! why only data sets of at least [`TABLE_MIN_ROWS`] rows use them: a board small enough to
//! lack 8 KiB of stack (the micro:bit's 16 KiB of RAM) cannot hold that many rows anyway.
//!
//! With the `parallel` feature, passes of at least `PARALLEL_MIN_PRODUCTS` (2²²) sign products
//! are shared among rayon's threads without changing any sum.

use crate::data::WORD_BITS;
use crate::numbers::linalg::reduce;
use crate::numbers::scalar::Scalar;

/// Values (rows or weights) per table, one byte of signs.
const GROUP: usize = 8;
/// Entries per table.
const ENTRIES: usize = 1 << GROUP;
/// Tables per block: one 64-bit word of signs.
const TABLES: usize = WORD_BITS / GROUP;

/// Rows from which [`Dataset::matvec`](crate::Dataset::matvec) and
/// [`Dataset::matvec_transposed`](crate::Dataset::matvec_transposed) switch to tables.
/// Four-bit tables (1 KiB) would fit every board but measured 1.2–1.7× slower.
pub(crate) const TABLE_MIN_ROWS: usize = 2 * WORD_BITS;

/// One block of tables: `tables[k][b] = Σ_r ±v[8k + r]`, `+` where bit `r` of `b` is set.
type Tables<S> = [[S; ENTRIES]; TABLES];

/// Fills the tables from up to 64 values (missing values count as zero).
fn fill_tables<S: Scalar>(values: &[S], tables: &mut Tables<S>) {
    for (k, table) in tables.iter_mut().enumerate() {
        let group: [S; GROUP] =
            core::array::from_fn(|r| values.get(GROUP * k + r).copied().unwrap_or(S::ZERO));
        // Entry 0 has every sign negative; setting bit r adds 2·v_r to an entry without it,
        // so each bit doubles the filled part of the table with one vector add.
        let all_minus = group.iter().fold(S::ZERO, |sum, &v| sum - v);
        if let Some(first) = table.first_mut() {
            *first = all_minus;
        }
        let mut filled = 1;
        for &v in &group {
            let twice = v + v;
            let (low, high) = table.split_at_mut(filled);
            for (h, &l) in high.iter_mut().zip(low.iter()) {
                *h = l + twice;
            }
            filled *= 2;
        }
    }
}

/// The sum of one table entry per byte of `signs`, in the fixed pairwise order of the lanes.
#[inline]
fn lookup_sum<S: Scalar>(tables: &Tables<S>, signs: u64) -> S {
    let bytes = signs.to_le_bytes();
    let entry: [S; TABLES] = core::array::from_fn(|k| {
        let byte = usize::from(bytes.get(k).copied().unwrap_or(0));
        tables
            .get(k)
            .and_then(|table| table.get(byte))
            .copied()
            .unwrap_or(S::ZERO)
    });
    reduce(entry)
}

/// Transposes a 64×64 bit matrix in place: bit `c` of word `r` moves to bit `r` of word `c`.
fn transpose(m: &mut [u64; WORD_BITS]) {
    let mut width = WORD_BITS / 2;
    let mut mask: u64 = 0x0000_0000_ffff_ffff;
    while width != 0 {
        for block in m.chunks_exact_mut(2 * width) {
            let (low, high) = block.split_at_mut(width);
            for (a, b) in low.iter_mut().zip(high.iter_mut()) {
                // Swap the upper-column half of row r with the lower-column half of row r + width.
                let t = ((*a >> width) ^ *b) & mask;
                *a ^= t << width;
                *b ^= t;
            }
        }
        width /= 2;
        mask ^= mask << width;
    }
}

/// Rows that [`matvec`] takes through all words before starting on the next rows. Sweeping
/// a whole large data set per word touches one word per row, each row on its own page at
/// fig 1a's size, and page walks then dominate; a block of rows stays within the TLB and
/// the cache at the price of rebuilding the tables once per block (a few percent).
const ROW_CHUNK: usize = 1024;

/// Words of each row that [`matvec`] reads per visit, each word with its own block of
/// tables. At fig 1a's size consecutive rows sit 12.5 KB apart, so every visit is a cache
/// miss the prefetchers do not foresee; eight words are one whole cache line per miss
/// instead of one word (`grokflow run --preset fig1a`: 11.4 s with one, 5.8 s with four,
/// 5.4 s with eight). The sums are the same in any case; the tables take 8·8 KiB of stack
/// in f32, so boards read one word per visit.
#[cfg(feature = "std")]
const WORDS_PER_VISIT: usize = 8;
#[cfg(not(feature = "std"))]
const WORDS_PER_VISIT: usize = 1;

/// Products `n·d` from which a pass is shared among rayon's threads (feature `parallel`).
/// `X·w` is split by rows and `Xᵀg` by word columns: every output is still one sum in the
/// same order, so a split run gives the same bits as a serial one, on any number of threads.
#[cfg(feature = "parallel")]
const PARALLEL_MIN_PRODUCTS: usize = 1 << 22;

/// How many parts to split a pass of `rows × d` into (1: run it here). Emulated formats
/// stay on one thread: stochastic rounding draws from the thread's stream, in order.
fn parts<S: Scalar>(rows: usize, d: usize) -> usize {
    #[cfg(feature = "parallel")]
    if S::IEEE && rows.saturating_mul(d) >= PARALLEL_MIN_PRODUCTS {
        return rayon::current_num_threads().max(1);
    }
    let _ = (rows, d, S::IEEE);
    1
}

/// `out[i] = ⟨w, x_i⟩` for the rows of a sign matrix (`row_words` words per row): each row
/// adds one table sum per word, in word order.
pub(crate) fn matvec<S: Scalar>(bits: &[u64], row_words: usize, w: &[S], out: &mut [S]) {
    let row_words = row_words.max(1);
    let parts = parts::<S>(out.len(), w.len());
    if parts > 1 {
        #[cfg(feature = "parallel")]
        {
            use rayon::prelude::*;
            let rows_per_part = out.len().div_ceil(parts);
            out.par_chunks_mut(rows_per_part)
                .zip(bits.par_chunks(rows_per_part * row_words))
                .for_each(|(o, b)| matvec_rows(b, row_words, w, o));
            return;
        }
    }
    matvec_rows(bits, row_words, w, out);
}

// Never inlined: the caller's frame must not reserve the tables when it takes another path.
#[inline(never)]
fn matvec_rows<S: Scalar>(bits: &[u64], row_words: usize, w: &[S], out: &mut [S]) {
    out.fill(S::ZERO);
    let mut tables: [Tables<S>; WORDS_PER_VISIT] = [[[S::ZERO; ENTRIES]; TABLES]; WORDS_PER_VISIT];
    // `max(1)`: a row has at least one word; written so that no panic path is compiled in.
    let row_words = row_words.max(1);
    for (rows, outs) in bits
        .chunks((row_words * ROW_CHUNK).max(1))
        .zip(out.chunks_mut(ROW_CHUNK))
    {
        for (visit, wv) in w.chunks(WORD_BITS * WORDS_PER_VISIT).enumerate() {
            for (wc, block) in wv.chunks(WORD_BITS).zip(tables.iter_mut()) {
                fill_tables(wc, block);
            }
            let (first, words) = (visit * WORDS_PER_VISIT, wv.len().div_ceil(WORD_BITS));
            for (row, o) in rows.chunks_exact(row_words).zip(outs.iter_mut()) {
                let part = row.get(first..first + words).unwrap_or_default();
                // One table sum per word, in word order.
                for (block, &word) in tables.iter().zip(part) {
                    *o += lookup_sum(block, word);
                }
            }
        }
    }
}

/// `out[j] = Σ_i g[i]·x_ij` for a sign matrix (`row_words` words per row), 64 rows at a time.
pub(crate) fn matvec_transposed<S: Scalar>(bits: &[u64], row_words: usize, g: &[S], out: &mut [S]) {
    let row_words = row_words.max(1);
    let parts = parts::<S>(g.len(), out.len());
    if parts > 1 {
        #[cfg(feature = "parallel")]
        {
            use rayon::prelude::*;
            let words_per_part = crate::data::words_per_row(out.len()).div_ceil(parts);
            out.par_chunks_mut(words_per_part * WORD_BITS)
                .enumerate()
                .for_each(|(part, o)| {
                    matvec_transposed_columns(bits, row_words, g, part * words_per_part, o);
                });
            return;
        }
    }
    matvec_transposed_columns(bits, row_words, g, 0, out);
}

/// [`matvec_transposed`] for the columns from word `first_word` on, as many as `out` holds.
#[inline(never)]
fn matvec_transposed_columns<S: Scalar>(
    bits: &[u64],
    row_words: usize,
    g: &[S],
    first_word: usize,
    out: &mut [S],
) {
    out.fill(S::ZERO);
    let mut tables: Tables<S> = [[S::ZERO; ENTRIES]; TABLES];
    for (block, gb) in g.chunks(WORD_BITS).enumerate() {
        fill_tables(gb, &mut tables);
        let rows = bits.chunks_exact(row_words).skip(block * WORD_BITS);
        for (c, oc) in out.chunks_mut(WORD_BITS).enumerate() {
            let mut columns = [0u64; WORD_BITS];
            for (word, row) in columns.iter_mut().zip(rows.clone().take(gb.len())) {
                *word = row.get(first_word + c).copied().unwrap_or(0);
            }
            transpose(&mut columns);
            for (o, &signs) in oc.iter_mut().zip(&columns) {
                *o += lookup_sum(&tables, signs);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::numbers::rng::{Rng, Stream};

    /// Splitting a large pass among threads gives the serial bits, on any number of threads.
    #[cfg(feature = "parallel")]
    #[test]
    fn split_passes_give_the_serial_bits_on_any_thread_count() {
        let (n, d) = (300, 14_001); // n·d above PARALLEL_MIN_PRODUCTS; d not a whole word
        assert!(n * d >= PARALLEL_MIN_PRODUCTS);
        let row_words = crate::data::words_per_row(d);
        let mut rng = Rng::new(6, Stream::Train);
        let bits: std::vec::Vec<u64> = (0..n * row_words).map(|_| rng.next_u64()).collect();
        let w: std::vec::Vec<f32> = (0..d).map(|_| rng.normal() as f32).collect();
        let g: std::vec::Vec<f32> = (0..n).map(|_| rng.normal() as f32).collect();
        let (mut f_serial, mut xt_serial) = (std::vec![0.0f32; n], std::vec![0.0f32; d]);
        matvec_rows(&bits, row_words, &w, &mut f_serial);
        matvec_transposed_columns(&bits, row_words, &g, 0, &mut xt_serial);
        for threads in [1, 2, 3] {
            let pool = rayon::ThreadPoolBuilder::new()
                .num_threads(threads)
                .build()
                .expect("pool");
            let (mut f, mut xt) = (std::vec![0.0f32; n], std::vec![0.0f32; d]);
            pool.install(|| {
                matvec(&bits, row_words, &w, &mut f);
                matvec_transposed(&bits, row_words, &g, &mut xt);
            });
            let bits_of = |v: &[f32]| v.iter().map(|x| x.to_bits()).collect::<std::vec::Vec<_>>();
            assert_eq!(bits_of(&f), bits_of(&f_serial), "X·w on {threads} threads");
            assert_eq!(
                bits_of(&xt),
                bits_of(&xt_serial),
                "Xᵀg on {threads} threads"
            );
        }
    }

    #[test]
    fn transpose_moves_every_bit_to_its_mirror() {
        let mut rng = Rng::new(5, Stream::Train);
        let m: [u64; WORD_BITS] = core::array::from_fn(|_| rng.next_u64());
        let mut t = m;
        transpose(&mut t);
        for (r, &row) in m.iter().enumerate() {
            for (c, &column) in t.iter().enumerate() {
                assert_eq!((row >> c) & 1, (column >> r) & 1, "r={r} c={c}");
            }
        }
    }

    /// Every entry is the signed sum its index names, exactly (small integers).
    #[test]
    fn table_entries_are_the_signed_sums_their_bits_name() {
        let values: [f64; 11] = core::array::from_fn(|i| (1 + 3 * i) as f64);
        let mut tables = [[0.0f64; ENTRIES]; TABLES];
        fill_tables(&values, &mut tables);
        for (k, table) in tables.iter().enumerate() {
            for (b, &entry) in table.iter().enumerate() {
                let want: f64 = (0..GROUP)
                    .map(|r| {
                        let v = values.get(GROUP * k + r).copied().unwrap_or(0.0);
                        if (b >> r) & 1 == 1 { v } else { -v }
                    })
                    .sum();
                assert_eq!(entry, want, "k={k} b={b}");
            }
        }
    }
}
