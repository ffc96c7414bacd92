//! Slices of a sweep's grid, to run on several machines and join afterwards.

/// The `index`-th of `count` deterministic slices of a grid (`index` from 0): the cells
/// `index`, `index + count`, `index + 2·count`, … of [`Grid::cell_config`]'s order. Strided
/// rather than in blocks, so that every slice holds cells from all over the (α, λ) plane
/// and the slices take about the same time.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Shard {
    /// Which slice, `0..count`.
    pub index: usize,
    /// How many slices.
    pub count: usize,
}

impl Shard {
    /// The whole grid as one slice.
    pub const WHOLE: Shard = Shard { index: 0, count: 1 };

    /// Whether cell `cell` belongs to this slice.
    pub fn holds(self, cell: usize) -> bool {
        cell % self.count.max(1) == self.index
    }

    /// How many of the first `cells` cells belong to this slice.
    pub fn len(self, cells: usize) -> usize {
        cells.saturating_sub(self.index).div_ceil(self.count.max(1))
    }

    /// The slice's `i`-th cell.
    pub(crate) fn cell(self, i: usize) -> usize {
        self.index + i * self.count.max(1)
    }
}
