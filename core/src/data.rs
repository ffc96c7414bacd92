//! Read-only views of a data set in caller-owned memory, and the two passes over a feature
//! matrix that every step of a linear model needs: `X·w` and `Xᵀ·g`.

use crate::error::ConfigError;
use crate::linalg::{LANES, reduce};
use crate::scalar::Scalar;

/// Bits per storage word of a sign matrix.
pub const WORD_BITS: usize = 64;

/// Number of `u64` words that hold one row of `d` signs.
pub const fn words_per_row(d: usize) -> usize {
    d.div_ceil(WORD_BITS)
}

/// `⟨w, x⟩` for one row `x` ∈ {±1}^d stored as bits; coordinate `j` goes to lane `j mod 8`.
#[inline]
pub(crate) fn sign_row_dot<S: Scalar>(row: &[u64], w: &[S]) -> S {
    let mut lanes = [S::ZERO; LANES];
    for (&word, wc) in row.iter().zip(w.chunks(WORD_BITS)) {
        let mut bits = word;
        let mut chunks = wc.chunks_exact(LANES);
        for chunk in &mut chunks {
            for (lane, &wj) in lanes.iter_mut().zip(chunk) {
                // A select, not a branch: random signs would mispredict half the time.
                *lane += if bits & 1 == 1 { wj } else { -wj };
                bits >>= 1;
            }
        }
        for (lane, &wj) in lanes.iter_mut().zip(chunks.remainder()) {
            *lane += if bits & 1 == 1 { wj } else { -wj };
            bits >>= 1;
        }
    }
    reduce(lanes)
}

/// `⟨w, x⟩` for one real row; coordinate `j` goes to lane `j mod 8`.
#[inline]
fn real_row_dot<S: Scalar>(row: &[f32], w: &[S]) -> S {
    let mut lanes = [S::ZERO; LANES];
    for (xc, wc) in row.chunks(LANES).zip(w.chunks(LANES)) {
        for ((lane, &xj), &wj) in lanes.iter_mut().zip(xc).zip(wc) {
            *lane += S::from_f32(xj) * wj;
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

/// Packs an index pair for [`Features::Pairs`].
pub const fn pack_pair(a: usize, b: usize) -> u64 {
    ((a as u64) << 32) | (b as u64 & 0xffff_ffff)
}

/// Inverse of [`pack_pair`].
pub const fn unpack_pair(word: u64) -> (usize, usize) {
    ((word >> 32) as usize, (word & 0xffff_ffff) as usize)
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

    /// `out[i] = ⟨w, x_i⟩` for every row, in eight interleaved partial sums.
    /// `w` has length `d`, `out` length `n` (shorter slices truncate the work; index pairs
    /// are not a feature matrix and leave `out` unchanged).
    pub fn matvec<S: Scalar>(&self, w: &[S], out: &mut [S]) {
        match self.features {
            Features::Signs(bits) => {
                let row_words = words_per_row(self.d);
                for (row, o) in bits.chunks_exact(row_words.max(1)).zip(out.iter_mut()) {
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

    /// `out[j] = Σ_i g[i]·x_ij`, summed in row order. `g` has length `n`, `out` length `d`.
    pub fn matvec_transposed<S: Scalar>(&self, g: &[S], out: &mut [S]) {
        out.fill(S::ZERO);
        match self.features {
            Features::Signs(bits) => {
                let row_words = words_per_row(self.d);
                for (row, &gi) in bits.chunks_exact(row_words.max(1)).zip(g) {
                    for (&word, oc) in row.iter().zip(out.chunks_mut(WORD_BITS)) {
                        for (bit, oj) in oc.iter_mut().enumerate() {
                            *oj += if (word >> bit) & 1 == 1 { gi } else { -gi };
                        }
                    }
                }
            }
            Features::Reals(x) => {
                for (row, &gi) in x.chunks_exact(self.d.max(1)).zip(g) {
                    for (&xj, oj) in row.iter().zip(out.iter_mut()) {
                        *oj += S::from_f32(xj) * gi;
                    }
                }
            }
            Features::Pairs(_) => {}
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
