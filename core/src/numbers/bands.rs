//! Work split into bands of rows: each band a task on rayon's threads (feature `parallel`),
//! or all of them in order on the calling thread.
//!
//! A task gets the same rows of every buffer it is given, so tasks write disjoint memory and
//! need nothing but safe borrows. Callers split only work whose every output is computed by
//! one task in one order, so the bits do not depend on the split or on the number of threads.

/// Runs `task(first, bands)` over the rows `0..rows` in bands of `band` rows (the last may be
/// shorter), where `bands[i]` is the band's rows of `buffers[i]` (`row_lens[i]` values per
/// row). With `parallel` (and the feature of that name) the bands are rayon tasks; otherwise
/// they run in order on this thread.
pub(crate) fn for_each_band<T: Send, const N: usize>(
    buffers: [&mut [T]; N],
    row_lens: [usize; N],
    rows: usize,
    band: usize,
    parallel: bool,
    task: impl Fn(usize, [&mut [T]; N]) + Sync,
) {
    let band = band.max(1);
    let tasks = rows.div_ceil(band);
    #[cfg(feature = "parallel")]
    if parallel && tasks > 1 {
        split(buffers, row_lens, (0, rows), band, &task);
        return;
    }
    let _ = parallel;
    let mut rest = buffers;
    for t in 0..tasks {
        let first = t * band;
        let (head, tail) = split_at(rest, row_lens, band.min(rows - first));
        task(first, head);
        rest = tail;
    }
}

/// The rows `span.0..span.1` of `buffers`, halved among rayon's threads down to one band.
#[cfg(feature = "parallel")]
fn split<T: Send, const N: usize>(
    buffers: [&mut [T]; N],
    row_lens: [usize; N],
    (first, end): (usize, usize),
    band: usize,
    task: &(impl Fn(usize, [&mut [T]; N]) + Sync),
) {
    let tasks = (end - first).div_ceil(band);
    if tasks <= 1 {
        task(first, buffers);
        return;
    }
    let middle = first + tasks / 2 * band;
    let (left, right) = split_at(buffers, row_lens, middle - first);
    rayon::join(
        || split(left, row_lens, (first, middle), band, task),
        || split(right, row_lens, (middle, end), band, task),
    );
}

/// Each buffer cut after `rows` rows (or at its end, if shorter).
fn split_at<T, const N: usize>(
    buffers: [&mut [T]; N],
    row_lens: [usize; N],
    rows: usize,
) -> ([&mut [T]; N], [&mut [T]; N]) {
    let mut heads: [&mut [T]; N] = core::array::from_fn(|_| <&mut [T]>::default());
    let mut tails: [&mut [T]; N] = core::array::from_fn(|_| <&mut [T]>::default());
    let parts = buffers
        .into_iter()
        .zip(row_lens)
        .zip(heads.iter_mut().zip(&mut tails));
    for ((buffer, row_len), (head, tail)) in parts {
        (*head, *tail) = buffer.split_at_mut(rows.saturating_mul(row_len).min(buffer.len()));
    }
    (heads, tails)
}

#[cfg(test)]
mod tests {
    use super::for_each_band;

    /// Every row of every buffer is visited once, by the band that starts at the right row,
    /// on one thread and on many.
    #[test]
    fn every_row_is_visited_once_with_its_band() {
        for parallel in [false, true] {
            for (rows, band) in [(0, 4), (1, 4), (7, 3), (64, 16), (97, 48)] {
                let mut a = std::vec![0u32; rows * 3];
                let mut b = std::vec![0u32; rows];
                for_each_band(
                    [&mut a, &mut b],
                    [3, 1],
                    rows,
                    band,
                    parallel,
                    |first, [a, b]| {
                        assert_eq!(first % band, 0);
                        assert_eq!(a.len(), 3 * b.len());
                        assert!(b.len() <= band);
                        for (r, x) in b.iter_mut().enumerate() {
                            *x += (first + r) as u32 + 1;
                        }
                        for (r, row) in a.chunks_mut(3).enumerate() {
                            row.iter_mut().for_each(|x| *x += (first + r) as u32 + 1);
                        }
                    },
                );
                let want: std::vec::Vec<u32> = (1..=rows as u32).collect();
                assert_eq!(b, want, "rows {rows}, band {band}");
                let want3: std::vec::Vec<u32> = want.iter().flat_map(|&x| [x; 3]).collect();
                assert_eq!(a, want3, "rows {rows}, band {band}");
            }
        }
    }
}
