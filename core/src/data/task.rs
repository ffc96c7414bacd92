//! Seeded generation of the paper's tasks into caller-owned buffers.

use crate::config::error::{ConfigError, check_len};
use crate::config::{Config, Task, Truth};
use crate::data::bits::sign_row_dot;
use crate::data::layout::{DataLayout, teacher_len};
use crate::data::{Dataset, Features, WORD_BITS, pack_pair, unpack_pair, words_per_row};
use crate::numbers::math;
use crate::numbers::rng::{Rng, Stream};

/// A generated task: training and test sets and the ground truth that labels them.
#[derive(Clone, Copy, Debug)]
pub struct TaskData<'a> {
    /// Training set.
    pub train: Dataset<'a>,
    /// Test set: drawn with an independent stream, or every pair not trained on.
    pub test: Dataset<'a>,
    /// Ground truth: `w*` (length `d`), `X*` (`d × d`, row-major), or empty (mod-add).
    pub teacher: &'a [f32],
}

/// Fills `words` and `reals` (sized by [`Layout::of`](crate::Layout::of)) with the task of `config` and returns
/// views of it. The same seed gives the same data on every target.
pub fn generate<'a>(
    config: &Config,
    words: &'a mut [u64],
    reals: &'a mut [f32],
) -> Result<TaskData<'a>, ConfigError> {
    config.validate()?;
    if config.task == Task::File {
        return Err(ConfigError::Incompatible {
            field: "task",
            reason: "file data is loaded, not generated",
        });
    }
    let layout = DataLayout::of(config)?;
    check_len("words", layout.words, words.len())?;
    check_len("reals", layout.reals, reals.len())?;
    let (d, n, n_test) = (config.d, config.n, config.n_test);

    let (teacher, rest) = reals.split_at_mut(teacher_len(config));
    let mut teacher_rng = Rng::new(config.seed, Stream::Teacher);
    match config.task {
        Task::SparseCls | Task::SparseReg => sparse_teacher(&mut teacher_rng, config.k, teacher),
        Task::Misgrok => unit_teacher(&mut teacher_rng, teacher),
        // The label slots (d² of them) are free until the labels are written.
        Task::MatrixCompletion => match config.truth {
            Truth::Paper => paper_matrix(d, teacher),
            Truth::LowRank => low_rank_matrix(&mut teacher_rng, d, config.k, teacher, rest),
        },
        Task::ModAdd | Task::File => {}
    }
    let (train_y, rest) = rest.split_at_mut(n);
    let (test_y, x_reals) = rest.split_at_mut(n_test);

    let mut train_rng = Rng::new(config.seed, Stream::Train);
    let mut test_rng = Rng::new(config.seed, Stream::Test);
    if config.task.has_pair_inputs() {
        shuffled_pairs(&mut Rng::new(config.seed, Stream::Split), d, words);
        let (train_x, test_x) = words.split_at(n);
        for (pairs, labels) in [(train_x, train_y), (test_x, test_y)] {
            for (&pair, label) in pairs.iter().zip(labels.iter_mut()) {
                let (a, b) = unpack_pair(pair);
                *label = if config.task == Task::ModAdd {
                    ((a + b) % d) as f32
                } else {
                    teacher.get(a * d + b).copied().unwrap_or(0.0)
                };
            }
        }
    } else if config.task.has_sign_features() {
        let (train_x, test_x) = words.split_at_mut(n * words_per_row(d));
        sign_rows(&mut train_rng, d, train_x);
        sign_rows(&mut test_rng, d, test_x);
        sign_labels(train_x, teacher, d, train_y);
        sign_labels(test_x, teacher, d, test_y);
    } else {
        let (train_x, test_x) = x_reals.split_at_mut(n * d);
        for (rng, x, y) in [
            (&mut train_rng, train_x, train_y),
            (&mut test_rng, test_x, test_y),
        ] {
            for (row, label) in x.chunks_exact_mut(d).zip(y.iter_mut()) {
                *label = match config.task {
                    Task::Misgrok => misgrok_row(rng, teacher, config.gamma, row),
                    _ => gaussian_row(rng, teacher, row),
                };
            }
        }
    }
    view(config, words, reals)
}

/// Views of task data already in `words` and `reals` (as left by [`generate`], or filled
/// from a file for [`Task::File`]: `reals` = `w*` (d, zeros when unknown), train labels,
/// test labels, train rows, test rows).
pub fn view<'a>(
    config: &Config,
    words: &'a [u64],
    reals: &'a [f32],
) -> Result<TaskData<'a>, ConfigError> {
    let layout = DataLayout::of(config)?;
    check_len("words", layout.words, words.len())?;
    check_len("reals", layout.reals, reals.len())?;
    let (d, n, n_test) = (config.d, config.n, config.n_test);
    let (teacher, rest) = reals.split_at(teacher_len(config));
    let (train_y, rest) = rest.split_at(n);
    let (test_y, x_reals) = rest.split_at(n_test);
    let (train_x, test_x) = if config.task.has_pair_inputs() {
        let (train, test) = words.split_at(n);
        (Features::Pairs(train), Features::Pairs(test))
    } else if config.task.has_sign_features() {
        let (train, test) = words.split_at(n * words_per_row(d));
        (Features::Signs(train), Features::Signs(test))
    } else {
        let (train, test) = x_reals.split_at(n * d);
        (Features::Reals(train), Features::Reals(test))
    };
    Ok(TaskData {
        train: Dataset::new(train_x, train_y, d)?,
        test: Dataset::new(test_x, test_y, d)?,
        teacher,
    })
}

/// Every pair `(a, b)`, `a, b < d`, in a seeded uniformly random order (Fisher–Yates).
fn shuffled_pairs(rng: &mut Rng, d: usize, words: &mut [u64]) {
    for (k, w) in words.iter_mut().enumerate() {
        *w = pack_pair(k / d.max(1), k % d.max(1));
    }
    for i in (1..words.len()).rev() {
        let j = rng.below(i as u64 + 1) as usize;
        words.swap(i, j.min(i));
    }
}

/// The paper's `X*_ij = i·j/d²`, rank 1 (indices from 0).
fn paper_matrix(d: usize, x: &mut [f32]) {
    let scale = 1.0 / (d as f64 * d as f64);
    for (k, v) in x.iter_mut().enumerate() {
        *v = ((k / d) as f64 * (k % d) as f64 * scale) as f32;
    }
}

/// `X* = (1/√k) Σ_r a_r a_rᵀ` with `a_r ~ N(0, I_d)`: symmetric, positive semi-definite,
/// rank `k`, entries of unit variance. `column` (length ≥ d) holds one `a_r` at a time.
fn low_rank_matrix(rng: &mut Rng, d: usize, k: usize, x: &mut [f32], column: &mut [f32]) {
    x.fill(0.0);
    let scale = 1.0 / math::sqrt(k.max(1) as f64);
    let column = column.get_mut(..d).unwrap_or_default();
    for _ in 0..k {
        for c in column.iter_mut() {
            *c = rng.normal() as f32;
        }
        for (row, &ai) in x.chunks_exact_mut(d).zip(column.iter()) {
            for (v, &aj) in row.iter_mut().zip(column.iter()) {
                *v = (f64::from(*v) + scale * f64::from(ai) * f64::from(aj)) as f32;
            }
        }
    }
}

/// `w*` ∈ {±1} on `k` distinct uniformly chosen coordinates, 0 elsewhere.
fn sparse_teacher(rng: &mut Rng, k: usize, teacher: &mut [f32]) {
    teacher.fill(0.0);
    let d = teacher.len() as u64;
    let mut placed = 0;
    // Rejection on already chosen coordinates: O(d log d) draws even for k = d, no extra memory.
    while placed < k {
        let sign = rng.sign() as f32;
        if let Some(slot) = teacher.get_mut(rng.below(d) as usize)
            && *slot == 0.0
        {
            *slot = sign;
            placed += 1;
        }
    }
}

/// `w*` uniform on the unit sphere.
fn unit_teacher(rng: &mut Rng, teacher: &mut [f32]) {
    let mut draws_norm_sq = 0.0;
    let first: f64 = loop {
        // The Gaussian vector is drawn twice from the same state to normalise without a
        // second buffer: once for the norm, once for the values.
        let start = rng.clone();
        for _ in 0..teacher.len() {
            let z = rng.normal();
            draws_norm_sq += z * z;
        }
        if draws_norm_sq > 0.0 {
            *rng = start;
            break math::sqrt(draws_norm_sq);
        }
    };
    for w in teacher.iter_mut() {
        *w = (rng.normal() / first) as f32;
    }
}

/// Uniform ±1 rows, padding bits cleared.
fn sign_rows(rng: &mut Rng, d: usize, x: &mut [u64]) {
    let row_words = words_per_row(d);
    let tail_bits = d % WORD_BITS;
    for row in x.chunks_exact_mut(row_words.max(1)) {
        for word in row.iter_mut() {
            *word = rng.next_u64();
        }
        if let (Some(last), true) = (row.last_mut(), tail_bits != 0) {
            *last &= (1u64 << tail_bits) - 1;
        }
    }
}

/// `y = sign(⟨w*, x⟩)` with ties broken to +1. `⟨w*, x⟩` is an integer of magnitude ≤ d ≤ 2²⁴,
/// so the f32 sum is exact.
fn sign_labels(x: &[u64], teacher: &[f32], d: usize, y: &mut [f32]) {
    for (row, label) in x.chunks_exact(words_per_row(d).max(1)).zip(y.iter_mut()) {
        *label = if sign_row_dot(row, teacher) >= 0.0 {
            1.0
        } else {
            -1.0
        };
    }
}

/// Fills `row` with `x ~ N(0, I)` (rounded to f32) and returns `⟨w*, x⟩` rounded to f32.
fn gaussian_row(rng: &mut Rng, teacher: &[f32], row: &mut [f32]) -> f32 {
    let mut target = 0.0f64;
    for (x, &w) in row.iter_mut().zip(teacher) {
        *x = rng.normal() as f32;
        target += f64::from(*x) * f64::from(w);
    }
    target as f32
}

/// Fills `row` with `x = z + (γ/2)·y·w*` and returns `y = sign(⟨z, w*⟩)` (ties to +1).
fn misgrok_row(rng: &mut Rng, teacher: &[f32], gamma: f64, row: &mut [f32]) -> f32 {
    let score = f64::from(gaussian_row(rng, teacher, row));
    let label = if score >= 0.0 { 1.0 } else { -1.0 };
    let shift = 0.5 * gamma * label;
    for (x, &w) in row.iter_mut().zip(teacher) {
        *x = (f64::from(*x) + shift * f64::from(w)) as f32;
    }
    label as f32
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Loss;

    fn generated(config: &Config, check: impl FnOnce(&TaskData<'_>)) {
        let layout = crate::Layout::of(config).expect("valid");
        let mut words = std::vec![0u64; layout.words];
        let mut reals = std::vec![0f32; layout.reals];
        let data = generate(config, &mut words, &mut reals).expect("valid");
        check(&data);
    }

    fn score(data: &Dataset<'_>, teacher: &[f32], i: usize) -> f64 {
        (0..data.dim())
            .map(|j| data.entry(i, j) * f64::from(teacher[j]))
            .sum()
    }

    #[test]
    fn sparse_classification_labels_are_the_teachers_signs() {
        let config = Config {
            d: 100,
            n: 50,
            n_test: 60,
            k: 5,
            ..Config::default()
        };
        generated(&config, |data| {
            let support: std::vec::Vec<_> = data.teacher.iter().filter(|&&w| w != 0.0).collect();
            assert_eq!(support.len(), 5);
            assert!(support.iter().all(|&&w| w == 1.0 || w == -1.0));
            for set in [&data.train, &data.test] {
                for i in 0..set.len() {
                    let want = if score(set, data.teacher, i) >= 0.0 {
                        1.0
                    } else {
                        -1.0
                    };
                    assert_eq!(set.labels()[i], want);
                }
            }
            // Balanced ±1 entries: the mean of 50·100 signs is within 4 standard errors of 0.
            let mean: f64 = (0..50)
                .flat_map(|i| (0..100).map(move |j| (i, j)))
                .map(|(i, j)| data.train.entry(i, j))
                .sum::<f64>()
                / 5000.0;
            assert!(mean.abs() < 4.0 / 5000f64.sqrt(), "{mean}");
        });
    }

    #[test]
    fn misgrok_points_have_margin_gamma_over_two_along_the_teacher() {
        // y⟨w*, x⟩ = |⟨w*, z⟩| + (γ/2)‖w*‖² ≥ γ/2 with ‖w*‖ = 1 (up to f32 rounding).
        let config = Config {
            task: Task::Misgrok,
            d: 50,
            n: 40,
            n_test: 40,
            gamma: 6.0,
            ..Config::default()
        };
        generated(&config, |data| {
            let norm: f64 = data.teacher.iter().map(|&w| f64::from(w).powi(2)).sum();
            assert!((norm - 1.0).abs() < 1e-6);
            for i in 0..data.train.len() {
                let y = f64::from(data.train.labels()[i]);
                assert!(y * score(&data.train, data.teacher, i) >= 3.0 - 1e-4);
            }
        });
    }

    #[test]
    fn sparse_regression_targets_are_linear_in_the_inputs() {
        let config = Config {
            task: Task::SparseReg,
            loss: Loss::Squared,
            d: 30,
            n: 20,
            n_test: 10,
            k: 3,
            ..Config::default()
        };
        generated(&config, |data| {
            for i in 0..data.test.len() {
                let y = f64::from(data.test.labels()[i]);
                let want = score(&data.test, data.teacher, i);
                assert!((y - want).abs() <= 1e-6 * (1.0 + want.abs()));
            }
        });
    }

    #[test]
    fn the_test_set_does_not_depend_on_the_training_size() {
        let small = Config {
            d: 70,
            n: 10,
            n_test: 20,
            ..Config::default()
        };
        let large = Config { n: 40, ..small };
        let mut first = std::vec::Vec::new();
        generated(&small, |data| first = data.test.labels().to_vec());
        generated(&large, |data| assert_eq!(data.test.labels(), &first[..]));
    }
}
