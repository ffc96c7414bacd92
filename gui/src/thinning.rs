//! Halving a time-ordered series that has grown past its bound, keeping it spread over the
//! whole log-time axis (the records and the snapshots of a run).

/// Keeps every other item (the first, third, …) and the last: half the density on the
/// log-time grid, both ends kept.
pub fn keep_every_other<T>(items: &mut Vec<T>) {
    let last = items.len().saturating_sub(1);
    let mut index = 0;
    items.retain(|_| {
        let keep = index % 2 == 0 || index == last;
        index += 1;
        keep
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_ends_and_every_other_one_stay() {
        let mut odd: Vec<u32> = (0..7).collect();
        keep_every_other(&mut odd);
        assert_eq!(odd, [0, 2, 4, 6]);
        let mut even: Vec<u32> = (0..6).collect();
        keep_every_other(&mut even);
        assert_eq!(even, [0, 2, 4, 5]);
        let mut empty: Vec<u32> = Vec::new();
        keep_every_other(&mut empty);
        assert!(empty.is_empty());
    }
}
