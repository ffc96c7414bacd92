//! Dense matrix products `C += A·B` in one fixed summation order, the MLP's hot loop.
//!
//! Every entry is one sum over `k` in ascending order, one multiply-add per term
//! (`c ← a_ik·b_kj + c` through [`MulAdd`]: fused for f32 and f64, so one rounding per term):
//! vector code can then work across the columns `j` at any width, and threads across the rows
//! `i`, without changing a bit. The loops here are the definition (and the path of every board
//! and every non-IEEE format); f32 and f64 on a host with `std` take the same order through
//! [`simd`](crate::simd); [`linalg::mul_add`](crate::numbers::linalg) picks the path and
//! shares large products among threads.

use crate::numbers::mul_add::MulAdd;

/// A read-only matrix view: entry `(i, k)` at `data[i·row_stride + k·col_stride]`.
#[derive(Clone, Copy, Debug)]
pub struct MatRef<'a, S> {
    /// The entries.
    pub data: &'a [S],
    /// Number of rows.
    pub rows: usize,
    /// Number of columns.
    pub cols: usize,
    /// Distance between rows.
    pub row_stride: usize,
    /// Distance between columns (1 for the right-hand factor `B`).
    pub col_stride: usize,
}

impl<'a, S: Copy + Default> MatRef<'a, S> {
    /// A `rows × cols` matrix stored row by row.
    pub const fn row_major(data: &'a [S], rows: usize, cols: usize) -> Self {
        Self {
            data,
            rows,
            cols,
            row_stride: cols,
            col_stride: 1,
        }
    }

    /// The transpose of this view (no copy).
    pub const fn transposed(self) -> Self {
        Self {
            data: self.data,
            rows: self.cols,
            cols: self.rows,
            row_stride: self.col_stride,
            col_stride: self.row_stride,
        }
    }

    /// Entry `(i, k)` (the default, zero, outside the slice: never a panic).
    #[inline(always)]
    pub fn at(&self, i: usize, k: usize) -> S {
        self.data
            .get(i * self.row_stride + k * self.col_stride)
            .copied()
            .unwrap_or_default()
    }

    /// Row `i` as a slice (for views with `col_stride == 1`; short at the end of the data).
    #[inline(always)]
    pub fn row(&self, i: usize) -> &'a [S] {
        let start = (i * self.row_stride).min(self.data.len());
        let end = start.saturating_add(self.cols).min(self.data.len());
        self.data.get(start..end).unwrap_or_default()
    }

    /// The `rows` rows from `first` on.
    #[cfg(feature = "parallel")]
    #[inline]
    pub(crate) fn rows_from(self, first: usize, rows: usize) -> Self {
        let start = (first * self.row_stride).min(self.data.len());
        Self {
            data: self.data.get(start..).unwrap_or_default(),
            rows,
            ..self
        }
    }
}

/// A writable row-major matrix view: entry `(i, j)` at `data[i·row_stride + j]`.
#[derive(Debug)]
pub struct MatMut<'a, S> {
    /// The entries.
    pub data: &'a mut [S],
    /// Number of rows.
    pub rows: usize,
    /// Number of columns.
    pub cols: usize,
    /// Distance between rows.
    pub row_stride: usize,
}

impl<'a, S: Copy + Default> MatMut<'a, S> {
    /// A `rows × cols` matrix stored row by row.
    pub fn row_major(data: &'a mut [S], rows: usize, cols: usize) -> Self {
        Self {
            data,
            rows,
            cols,
            row_stride: cols,
        }
    }

    /// Row `i` as a mutable slice (short at the end of the data).
    #[inline(always)]
    pub fn row_mut(&mut self, i: usize) -> &mut [S] {
        let start = (i * self.row_stride).min(self.data.len());
        let end = start.saturating_add(self.cols).min(self.data.len());
        self.data.get_mut(start..end).unwrap_or_default()
    }
}

/// Writes the transpose of `src` (`rows × cols`, row-major) into `dst` (`cols × rows`), in
/// 8 × 8 tiles, so that neither side is read or written a whole row apart at every element.
#[inline]
pub(crate) fn transpose<S: Copy + Default>(src: &[S], rows: usize, cols: usize, dst: &mut [S]) {
    const TILE: usize = 8;
    for i0 in (0..rows).step_by(TILE) {
        for j0 in (0..cols).step_by(TILE) {
            if i0 + TILE <= rows
                && j0 + TILE <= cols
                && transpose_tile(src, rows, cols, dst, i0, j0)
            {
                continue;
            }
            let width = TILE.min(cols - j0);
            for i in i0..(i0 + TILE).min(rows) {
                let start = i * cols + j0;
                let src_row = src.get(start..start + width).unwrap_or_default();
                for (j, &x) in (j0..).zip(src_row) {
                    if let Some(y) = dst.get_mut(j * rows + i) {
                        *y = x;
                    }
                }
            }
        }
    }
}

/// One whole 8 × 8 tile from `(i0, j0)` through registers, with the bounds checked once per
/// row (so the compiler can use shuffles); false if the slices are too short for it.
#[inline(always)]
fn transpose_tile<S: Copy + Default>(
    src: &[S],
    rows: usize,
    cols: usize,
    dst: &mut [S],
    i0: usize,
    j0: usize,
) -> bool {
    const TILE: usize = 8;
    let mut tile = [[S::default(); TILE]; TILE];
    for (r, row) in tile.iter_mut().enumerate() {
        match src
            .get((i0 + r) * cols + j0..)
            .and_then(|s| s.first_chunk::<TILE>())
        {
            Some(chunk) => *row = *chunk,
            None => return false,
        }
    }
    for c in 0..TILE {
        match dst
            .get_mut((j0 + c) * rows + i0..)
            .and_then(|d| d.first_chunk_mut::<TILE>())
        {
            Some(out) => {
                for (x, row) in out.iter_mut().zip(&tile) {
                    *x = row.get(c).copied().unwrap_or_default();
                }
            }
            None => return false,
        }
    }
    true
}

/// `C += A·B` with each entry summed over `k` in ascending order, one multiply-add per
/// term: the order every path (vector levels, threads, boards) gives bit for bit.
pub fn mul_add_in_order<S>(mut c: MatMut<'_, S>, a: MatRef<'_, S>, b: MatRef<'_, S>)
where
    S: Default + MulAdd,
{
    for i in 0..c.rows {
        let c_row = c.row_mut(i);
        for k in 0..a.cols {
            S::scaled_add(a.at(i, k), b.row(k), c_row);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::transpose;

    #[test]
    fn transpose_moves_every_entry_at_awkward_sizes() {
        for (rows, cols) in [(1, 1), (3, 17), (8, 8), (9, 64), (64, 97)] {
            let src: std::vec::Vec<u32> = (0..rows * cols).map(|x| x as u32).collect();
            let mut dst = std::vec![u32::MAX; rows * cols];
            transpose(&src, rows, cols, &mut dst);
            for i in 0..rows {
                for j in 0..cols {
                    assert_eq!(
                        dst[j * rows + i],
                        src[i * cols + j],
                        "{rows}×{cols} ({i}, {j})"
                    );
                }
            }
        }
    }
}
