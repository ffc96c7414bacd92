//! Read-only views of a data set in caller-owned memory, and the two passes over a feature
//! matrix that every step of a linear model needs: `X·w` and `Xᵀ·g`.

use crate::config::error::ConfigError;
use crate::data::bits::{WORD_BITS, sign_row_dot, unpack_pair, words_per_row};
use crate::data::sign_tables::{self, TABLE_MIN_ROWS};
use crate::numbers::linalg::{LANES, reduce};
use crate::numbers::scalar::Scalar;

/// `⟨w, x⟩` for one real row; coordinate `j` goes to lane `j mod 8`.
#[inline]
fn real_row_dot<S: Scalar>(row: &[f32], w: &[S]) -> S {
    let mut lanes = [S::ZERO; LANES];
    for (xc, wc) in row.chunks(LANES).zip(w.chunks(LANES)) {
        for ((lane, &xj), &wj) in lanes.iter_mut().zip(xc).zip(wc) {
            *lane = S::from_f32(xj).mul_add(wj, *lane);
        }
    }
    reduce(lanes)
}

/// The inputs of `n` examples, stored in their narrowest exact form.
#[derive(Clone, Copy, Debug)]
pub enum Features<'a> {
    /// Rows of `X` in {±1}^d, one bit each (set = +1), rows padded to whole words.
    Signs(&'a [u64]),
    /// Rows of `X` in ℝ^d, f32, row-major.
    Reals(&'a [f32]),
    /// One index pair `(a, b)` per example, both `< d`, packed as `a << 32 | b`: the
    /// one-hot pair `e_a ‖ e_b` of modular addition, or the entry `(i, j)` of a matrix.
    Pairs(&'a [u64]),
}

/// A labelled data set: `n` rows of dimension `d`, labels ±1 or real targets.
#[derive(Clone, Copy, Debug)]
pub struct Dataset<'a> {
    features: Features<'a>,
    labels: &'a [f32],
    d: usize,
}

impl<'a> Dataset<'a> {
    /// A view of `labels.len()` rows of dimension `d`. Fails if the feature storage does not
    /// hold exactly that many rows.
    pub fn new(features: Features<'a>, labels: &'a [f32], d: usize) -> Result<Self, ConfigError> {
        let n = labels.len();
        let (buffer, expected, actual) = match features {
            Features::Signs(bits) => ("sign features", n * words_per_row(d), bits.len()),
            Features::Reals(x) => ("real features", n * d, x.len()),
            Features::Pairs(pairs) => ("index pairs", n, pairs.len()),
        };
        if expected != actual {
            return Err(ConfigError::BufferLength {
                buffer,
                expected,
                actual,
            });
        }
        Ok(Self {
            features,
            labels,
            d,
        })
    }

    /// Number of rows.
    pub fn len(&self) -> usize {
        self.labels.len()
    }

    /// True when there are no rows.
    pub fn is_empty(&self) -> bool {
        self.labels.is_empty()
    }

    /// Input dimension (for index pairs: the range of each index).
    pub fn dim(&self) -> usize {
        self.d
    }

    /// Labels (±1) or regression targets.
    pub fn labels(&self) -> &'a [f32] {
        self.labels
    }

    /// The stored inputs.
    pub fn features(&self) -> Features<'a> {
        self.features
    }

    /// Rows `start..start + len` as a data set of their own (clipped to the rows there are).
    pub fn rows(&self, start: usize, len: usize) -> Dataset<'a> {
        let n = self.len();
        let (start, end) = (start.min(n), start.saturating_add(len).min(n));
        let per_row = match self.features {
            Features::Signs(_) => words_per_row(self.d),
            Features::Reals(_) => self.d,
            Features::Pairs(_) => 1,
        };
        let range = start * per_row..end * per_row;
        let features = match self.features {
            Features::Signs(bits) => Features::Signs(bits.get(range).unwrap_or_default()),
            Features::Reals(x) => Features::Reals(x.get(range).unwrap_or_default()),
            Features::Pairs(pairs) => Features::Pairs(pairs.get(range).unwrap_or_default()),
        };
        Dataset {
            features,
            labels: self.labels.get(start..end).unwrap_or_default(),
            d: self.d,
        }
    }

    /// The rows in consecutive blocks of at most `block` rows (one block when `block ≥ n`;
    /// none when the set is empty).
    pub fn blocks(&self, block: usize) -> impl Iterator<Item = Dataset<'a>> + use<'a> {
        let data = *self;
        let block = block.max(1);
        (0..self.len().div_ceil(block)).map(move |b| data.rows(b * block, block))
    }

    /// The index pair of example `i` (None for feature matrices or out of range).
    #[inline]
    pub fn pair(&self, i: usize) -> Option<(usize, usize)> {
        match self.features {
            Features::Pairs(pairs) => pairs.get(i).map(|&w| unpack_pair(w)),
            _ => None,
        }
    }

    /// Entry `(i, j)` of `X` as f64 (for reference solvers and tests; not a hot path).
    /// Out-of-range indices, and index-pair inputs, read as 0.
    pub fn entry(&self, i: usize, j: usize) -> f64 {
        if j >= self.d {
            return 0.0;
        }
        match self.features {
            Features::Signs(bits) => {
                let word = bits
                    .get(i * words_per_row(self.d) + j / WORD_BITS)
                    .copied()
                    .unwrap_or(0);
                if (word >> (j % WORD_BITS)) & 1 == 1 {
                    1.0
                } else {
                    -1.0
                }
            }
            Features::Reals(x) => x.get(i * self.d + j).map_or(0.0, |&v| f64::from(v)),
            Features::Pairs(_) => 0.0,
        }
    }

    /// `out[i] = ⟨w, x_i⟩` for every row, in eight interleaved partial sums (sign matrices
    /// of at least 128 rows: one table sum per 64 coordinates, see `sign_tables`).
    /// `w` has length `d`, `out` length `n` (shorter slices truncate the work; index pairs
    /// are not a feature matrix and leave `out` unchanged).
    pub fn matvec<S: Scalar>(&self, w: &[S], out: &mut [S]) {
        match self.features {
            Features::Signs(bits) if self.len() >= TABLE_MIN_ROWS => {
                sign_tables::matvec(bits, words_per_row(self.d), w, out);
            }
            Features::Signs(bits) => {
                let row_words = words_per_row(self.d).max(1);
                for (row, o) in bits.chunks_exact(row_words).zip(out.iter_mut()) {
                    *o = sign_row_dot(row, w);
                }
            }
            Features::Reals(x) => {
                for (row, o) in x.chunks_exact(self.d.max(1)).zip(out.iter_mut()) {
                    *o = real_row_dot(row, w);
                }
            }
            Features::Pairs(_) => {}
        }
    }

    /// `out[j] = Σ_i g[i]·x_ij`, summed in row order (sign matrices of at least 128 rows:
    /// one table sum per 64 rows, see `sign_tables`). `g` has length `n`, `out` length `d`.
    pub fn matvec_transposed<S: Scalar>(&self, g: &[S], out: &mut [S]) {
        match self.features {
            Features::Signs(bits) if self.len() >= TABLE_MIN_ROWS => {
                sign_tables::matvec_transposed(bits, words_per_row(self.d), g, out);
            }
            Features::Signs(bits) => {
                let row_words = words_per_row(self.d).max(1);
                // One word column at a time: its 64 sums stay in registers while every row
                // streams past, instead of `out` going through the cache once per row.
                for (column, oc) in out.chunks_mut(WORD_BITS).enumerate() {
                    let mut sums = [S::ZERO; WORD_BITS];
                    let words = bits.iter().skip(column).step_by(row_words);
                    for (&word, &gi) in words.zip(g) {
                        // Two 32-bit halves, so each lane tests a constant mask (vector ops).
                        let (low, high) = sums.split_at_mut(WORD_BITS / 2);
                        for (half, part) in [(word as u32, low), ((word >> 32) as u32, high)] {
                            for (bit, sum) in part.iter_mut().enumerate() {
                                *sum += gi.negate_if(half & (1 << bit) == 0);
                            }
                        }
                    }
                    for (o, &sum) in oc.iter_mut().zip(&sums) {
                        *o = sum;
                    }
                }
            }
            Features::Reals(x) => {
                out.fill(S::ZERO);
                for (row, &gi) in x.chunks_exact(self.d.max(1)).zip(g) {
                    for (&xj, oj) in row.iter().zip(out.iter_mut()) {
                        *oj = S::from_f32(xj).mul_add(gi, *oj);
                    }
                }
            }
            Features::Pairs(_) => out.fill(S::ZERO),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// X = [[+1, −1, +1], [−1, −1, +1]] as bits and as reals must give the same products.
    #[test]
    fn signs_and_reals_agree_with_hand_computation() {
        let bits = [0b101u64, 0b100u64];
        let reals = [1.0f32, -1.0, 1.0, -1.0, -1.0, 1.0];
        let labels = [1.0f32, -1.0];
        let w = [0.5f64, 2.0, -1.0];
        let g = [1.0f64, 3.0];
        for features in [Features::Signs(&bits), Features::Reals(&reals)] {
            let data = Dataset::new(features, &labels, 3).expect("sizes match");
            let mut f = [0.0; 2];
            data.matvec(&w, &mut f);
            assert_eq!(f, [0.5 - 2.0 - 1.0, -0.5 - 2.0 - 1.0]);
            let mut xt_g = [0.0; 3];
            data.matvec_transposed(&g, &mut xt_g);
            assert_eq!(xt_g, [1.0 - 3.0, -1.0 - 3.0, 1.0 + 3.0]);
            assert_eq!(data.entry(1, 0), -1.0);
            assert_eq!(data.entry(0, 2), 1.0);
        }
    }

    #[test]
    fn rows_cross_word_boundaries() {
        // d = 70 needs two words per row; only bit 69 of row 0 is set.
        let d = 70;
        let bits = [0u64, 1 << 5];
        let labels = [1.0f32];
        let data = Dataset::new(Features::Signs(&bits), &labels, d).expect("sizes match");
        let mut w = [0.0f64; 70];
        w[69] = 1.0;
        w[0] = 0.25;
        let mut f = [0.0];
        data.matvec(&w, &mut f);
        assert_eq!(f[0], 1.0 - 0.25);
    }

    /// The direct passes (vector sign flips, word-column blocking) give exactly the sums of
    /// their definitions: eight lanes for X·w, row order for Xᵀg. Sizes straddle the eight
    /// lanes and the 64-bit words.
    #[test]
    fn direct_passes_sum_in_the_order_of_the_definition() {
        let mut rng = crate::numbers::rng::Rng::new(3, crate::numbers::rng::Stream::Train);
        for (n, d) in [(1, 1), (3, 7), (4, 64), (5, 65), (9, 130), (13, 200)] {
            let row_words = words_per_row(d);
            let bits: std::vec::Vec<u64> = (0..n * row_words).map(|_| rng.next_u64()).collect();
            let labels = std::vec![1.0f32; n];
            let w: std::vec::Vec<f32> = (0..d).map(|_| rng.normal() as f32).collect();
            let g: std::vec::Vec<f32> = (0..n).map(|_| rng.normal() as f32).collect();
            let data = Dataset::new(Features::Signs(&bits), &labels, d).expect("sizes");

            let mut f = std::vec![0.0f32; n];
            data.matvec(&w, &mut f);
            for (i, &fi) in f.iter().enumerate() {
                // Lane j mod 8, each lane summed in order, lanes reduced pairwise.
                let mut lanes = [0.0f32; LANES];
                for j in 0..d {
                    lanes[j % LANES] += if data.entry(i, j) > 0.0 { w[j] } else { -w[j] };
                }
                let want = reduce(lanes);
                assert_eq!(fi.to_bits(), want.to_bits(), "n={n} d={d} i={i}");
            }

            let mut xt_g = std::vec![0.0f32; d];
            data.matvec_transposed(&g, &mut xt_g);
            for (j, &got) in xt_g.iter().enumerate() {
                let mut want = 0.0f32;
                for (i, &gi) in g.iter().enumerate() {
                    want += if data.entry(i, j) > 0.0 { gi } else { -gi };
                }
                assert_eq!(got.to_bits(), want.to_bits(), "n={n} d={d} j={j}");
            }
        }
    }

    /// The table method on sizes that straddle its 64-row blocks and 64-column words, with
    /// small integers so that every summation order gives the exact answer.
    #[test]
    fn table_passes_are_exact_on_integers() {
        let mut rng = crate::numbers::rng::Rng::new(4, crate::numbers::rng::Stream::Train);
        // d = 600: ten words, one whole visit of WORDS_PER_VISIT words and a partial one.
        for (n, d) in [
            (128, 1),
            (128, 64),
            (129, 70),
            (130, 200),
            (200, 9),
            (131, 600),
        ] {
            assert!(n >= TABLE_MIN_ROWS);
            let row_words = words_per_row(d);
            let mut bits: std::vec::Vec<u64> = (0..n * row_words).map(|_| rng.next_u64()).collect();
            // Padding bits past d are zero in stored data.
            if d % WORD_BITS != 0 {
                for row in bits.chunks_exact_mut(row_words) {
                    if let Some(last) = row.last_mut() {
                        *last &= (1u64 << (d % WORD_BITS)) - 1;
                    }
                }
            }
            let labels = std::vec![1.0f32; n];
            let w: std::vec::Vec<f64> = (0..d).map(|j| (j % 17) as f64 - 8.0).collect();
            let g: std::vec::Vec<f64> = (0..n).map(|i| (i % 13) as f64 - 6.0).collect();
            let data = Dataset::new(Features::Signs(&bits), &labels, d).expect("sizes");

            let mut f = std::vec![0.0f64; n];
            data.matvec(&w, &mut f);
            for (i, &fi) in f.iter().enumerate() {
                let want: f64 = (0..d).map(|j| data.entry(i, j) * w[j]).sum();
                assert_eq!(fi, want, "n={n} d={d} i={i}");
            }
            let mut xt_g = std::vec![0.0f64; d];
            data.matvec_transposed(&g, &mut xt_g);
            for (j, &got) in xt_g.iter().enumerate() {
                let want: f64 = (0..n).map(|i| data.entry(i, j) * g[i]).sum();
                assert_eq!(got, want, "n={n} d={d} j={j}");
            }
        }
    }

    #[test]
    fn wrong_sizes_are_refused() {
        let labels = [1.0f32, 1.0];
        let err = Dataset::new(Features::Reals(&[0.0; 5]), &labels, 3).expect_err("5 != 6");
        assert_eq!(
            err,
            ConfigError::BufferLength {
                buffer: "real features",
                expected: 6,
                actual: 5
            }
        );
    }
}
