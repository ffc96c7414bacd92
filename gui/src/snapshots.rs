//! The parameter snapshots of a run on its log-time grid, kept within a fixed count and
//! memory, for the time slider.

use crate::thinning::keep_every_other;
use crate::weights::Weights;

/// Most snapshots kept per run.
pub const MAX_SNAPSHOTS: usize = 256;
/// Most bytes of snapshots kept per run (the live run and every pinned one each).
pub const MAX_SNAPSHOT_BYTES: usize = 64 << 20;
/// Snapshots taken per decade of t at most (the worker skips records closer than this).
pub const SNAPSHOTS_PER_DECADE: f64 = 32.0;

/// The parameters at one time.
#[derive(Clone, Debug, PartialEq)]
pub struct Snapshot {
    /// `log10 t`; `-∞` for `t = 0`.
    pub log10_t: f64,
    /// The parameters.
    pub weights: Weights,
}

/// Snapshots in time order, thinned as the records are: when the count or the memory bound
/// is passed, every other one is dropped (the first and the last stay), so the kept ones
/// stay spread over the whole log-time axis.
#[derive(Clone, Debug, Default)]
pub struct Snapshots {
    kept: Vec<Snapshot>,
    bytes: usize,
}

impl Snapshots {
    /// Adds a snapshot taken after the last one.
    pub fn push(&mut self, snapshot: Snapshot) {
        self.bytes += snapshot.weights.bytes();
        self.kept.push(snapshot);
        while self.kept.len() > 2
            && (self.kept.len() > MAX_SNAPSHOTS || self.bytes > MAX_SNAPSHOT_BYTES)
        {
            self.thin();
        }
    }

    fn thin(&mut self) {
        keep_every_other(&mut self.kept);
        self.bytes = self.kept.iter().map(|s| s.weights.bytes()).sum();
    }

    /// The latest snapshot at or before `log10_t` (the first one if none is).
    pub fn at(&self, log10_t: f64) -> Option<&Snapshot> {
        let after = self.kept.partition_point(|s| s.log10_t <= log10_t);
        self.kept.get(after.saturating_sub(1))
    }

    /// The most recent snapshot.
    pub fn last(&self) -> Option<&Snapshot> {
        self.kept.last()
    }

    /// How many are kept.
    pub fn len(&self) -> usize {
        self.kept.len()
    }

    /// True when none is kept.
    pub fn is_empty(&self) -> bool {
        self.kept.is_empty()
    }

    /// Bytes held.
    pub fn bytes(&self) -> usize {
        self.bytes
    }

    /// Every kept snapshot, oldest first.
    pub fn iter(&self) -> impl Iterator<Item = &Snapshot> {
        self.kept.iter()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stems(log10_t: f64, len: usize) -> Snapshot {
        Snapshot {
            log10_t,
            weights: Weights::Stems {
                points: vec![[0.0, log10_t]; len],
                norm: 1.0,
            },
        }
    }

    #[test]
    fn snapshots_stay_within_count_and_memory_and_span_the_run() {
        let mut s = Snapshots::default();
        s.push(stems(f64::NEG_INFINITY, 10));
        for i in 0..10_000 {
            s.push(stems(-2.0 + f64::from(i) * 1e-3, 10));
            assert!(s.len() <= MAX_SNAPSHOTS);
        }
        assert!(s.len() > MAX_SNAPSHOTS / 2);
        let times: Vec<f64> = s.iter().map(|x| x.log10_t).collect();
        assert_eq!(times[0], f64::NEG_INFINITY);
        assert_eq!(times.last().copied(), Some(-2.0 + 9999.0 * 1e-3));
        assert!(times.windows(2).all(|w| w[0] < w[1]));

        // Large snapshots: the memory bound decides.
        let mut big = Snapshots::default();
        let len = MAX_SNAPSHOT_BYTES / 16 / 20;
        for i in 0..200 {
            big.push(stems(f64::from(i), len));
            assert!(big.bytes() <= MAX_SNAPSHOT_BYTES);
        }
        assert!(big.len() >= 10);
    }

    #[test]
    fn lookup_returns_the_latest_snapshot_not_after_the_time() {
        let mut s = Snapshots::default();
        for t in [f64::NEG_INFINITY, -1.0, 0.0, 1.0] {
            s.push(stems(t, 1));
        }
        assert_eq!(s.at(0.5).map(|x| x.log10_t), Some(0.0));
        assert_eq!(s.at(1.0).map(|x| x.log10_t), Some(1.0));
        assert_eq!(s.at(-5.0).map(|x| x.log10_t), Some(f64::NEG_INFINITY));
        assert_eq!(s.at(9.0).map(|x| x.log10_t), Some(1.0));
    }
}
