//! Dense kernels shared by the models: dot products and matrix products in a fixed
//! summation order.

use crate::numbers::math;
use crate::numbers::matrix::{MatMut, MatRef};
use crate::numbers::scalar::Scalar;

pub(crate) use crate::numbers::mul_add::LANES;

/// Sums the lanes in a fixed order.
#[inline]
pub(crate) fn reduce<S: Scalar>(lanes: [S; LANES]) -> S {
    let [a, b, c, d, e, f, g, h] = lanes;
    ((a + b) + (c + d)) + ((e + f) + (g + h))
}

/// `⟨a, b⟩` over the shorter length; element `j` goes to lane `j mod 8` by a multiply-add.
#[inline]
pub(crate) fn dot<S: Scalar>(a: &[S], b: &[S]) -> S {
    let mut lanes = [S::ZERO; LANES];
    S::dot_lanes(a, b, &mut lanes);
    reduce(lanes)
}

/// `sqrt(mean(x²))` in f64 (0 for an empty slice).
pub(crate) fn root_mean_square<S: Scalar>(x: &[S]) -> f64 {
    let sum: f64 = x.iter().map(|v| v.to_f64() * v.to_f64()).sum();
    math::sqrt(sum / x.len().max(1) as f64)
}

/// `Σ x_j`, element `j` into lane `j mod 8`: a sum the compiler can vectorise, in one order.
#[inline]
pub(crate) fn sum<S: Scalar>(x: &[S]) -> S {
    let mut lanes = [S::ZERO; LANES];
    let mut chunks = x.chunks_exact(LANES);
    for chunk in &mut chunks {
        for (lane, &v) in lanes.iter_mut().zip(chunk) {
            *lane += v;
        }
    }
    for (lane, &v) in lanes.iter_mut().zip(chunks.remainder()) {
        *lane += v;
    }
    reduce(lanes)
}

/// Rows of `C` per task when a product is shared among threads: one band per thread, in
/// whole register tiles, so that each thread reads `B` once per group of rows it packs (the
/// MLP's output-layer gradient at width 1024: 22.2 ms a step, 23.8 ms with fixed bands of
/// 32 rows). Every entry is the same sum whatever the split, so the bits do not depend on
/// the number of threads.
#[cfg(feature = "parallel")]
fn rows_per_task(rows: usize) -> usize {
    rows.div_ceil(rayon::current_num_threads().max(1))
        .next_multiple_of(crate::numbers::simd::TILE_ROWS)
}

/// Multiply-adds from which a product is shared among rayon's threads (feature `parallel`).
#[cfg(feature = "parallel")]
const PARALLEL_MIN_TERMS: usize = 1 << 20;

/// `C += A·B` in the order of [`mul_add_in_order`](crate::numbers::matrix::mul_add_in_order), through the format's fastest kernel
/// ([`Scalar::mul_add_matrix`]) and, with the `parallel` feature, enough terms and an IEEE
/// format, shared by rows among threads.
pub(crate) fn mul_add<S: Scalar>(c: MatMut<'_, S>, a: MatRef<'_, S>, b: MatRef<'_, S>) {
    #[cfg(feature = "parallel")]
    if S::IEEE
        && c.rows.saturating_mul(c.cols).saturating_mul(a.cols) >= PARALLEL_MIN_TERMS
        && c.rows > rows_per_task(c.rows)
    {
        use rayon::prelude::*;
        let (rows, cols, row_stride) = (c.rows, c.cols, c.row_stride);
        let band = rows_per_task(rows);
        c.data
            .par_chunks_mut((band * row_stride).max(1))
            .take(rows.div_ceil(band))
            .enumerate()
            .for_each(|(task, data)| {
                let first = task * band;
                let rows = band.min(rows - first);
                let c = MatMut {
                    data,
                    rows,
                    cols,
                    row_stride,
                };
                S::mul_add_matrix(c, a.rows_from(first, rows), b);
            });
        return;
    }
    S::mul_add_matrix(c, a, b);
}

#[cfg(test)]
mod matrix_tests {
    use super::*;

    /// Small integers: every order gives the exact product, checked entry by entry.
    #[test]
    fn products_with_strided_factors_are_exact_on_integers() {
        let (m, k, n) = (5, 3, 7);
        let a: std::vec::Vec<f64> = (0..m * k).map(|x| (x % 5) as f64 - 2.0).collect();
        let b: std::vec::Vec<f64> = (0..k * n).map(|x| (x % 7) as f64 - 3.0).collect();
        let mut c = std::vec![1.0f64; m * n];
        mul_add(
            MatMut::row_major(&mut c, m, n),
            MatRef::row_major(&a, m, k),
            MatRef::row_major(&b, k, n),
        );
        // Aᵀ stored row-major (k × m) and read transposed gives the same product.
        let at: std::vec::Vec<f64> = (0..k * m).map(|x| a[(x % m) * k + x / m]).collect();
        let mut c_t = std::vec![1.0f64; m * n];
        mul_add(
            MatMut::row_major(&mut c_t, m, n),
            MatRef::row_major(&at, k, m).transposed(),
            MatRef::row_major(&b, k, n),
        );
        for i in 0..m {
            for j in 0..n {
                let want = 1.0 + (0..k).map(|l| a[i * k + l] * b[l * n + j]).sum::<f64>();
                assert_eq!(c[i * n + j], want, "i={i} j={j}");
                assert_eq!(c_t[i * n + j], want, "transposed, i={i} j={j}");
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{dot, sum};

    #[test]
    fn dot_is_exact_on_integers_of_any_length() {
        for len in [0usize, 1, 7, 8, 9, 23] {
            let a: std::vec::Vec<f64> = (0..len).map(|i| i as f64).collect();
            let b: std::vec::Vec<f64> = (0..len).map(|i| (2 * i + 1) as f64).collect();
            let want: f64 = (0..len).map(|i| (i * (2 * i + 1)) as f64).sum();
            assert_eq!(dot(&a, &b), want);
            let ones = std::vec![1.0; len];
            assert_eq!(sum(&b), dot(&b, &ones), "sum of {len} integers");
        }
    }
}
