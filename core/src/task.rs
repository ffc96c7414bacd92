//! Seeded generation of the paper's tasks into caller-owned buffers.

use crate::config::{Config, Task};
use crate::data::{Dataset, Features, WORD_BITS, sign_row_dot, words_per_row};
use crate::error::ConfigError;
use crate::math;
use crate::rng::{Rng, Stream};
use crate::storage::Layout;

/// A generated task: training and test sets and the ground truth `w*` that labels them.
#[derive(Clone, Copy, Debug)]
pub struct TaskData<'a> {
    /// Training set.
    pub train: Dataset<'a>,
    /// Test set, drawn from the same distribution with an independent stream.
    pub test: Dataset<'a>,
    /// Ground-truth predictor `w*` (length `d`).
    pub teacher: &'a [f32],
}

/// Fills `words` and `reals` (sized by [`Layout::of`]) with the task of `config` and returns
/// views of it. The same seed gives the same data on every target.
pub fn generate<'a>(
    config: &Config,
    words: &'a mut [u64],
    reals: &'a mut [f32],
) -> Result<TaskData<'a>, ConfigError> {
    config.validate()?;
    let layout = Layout::of(config)?;
    check_len("words", layout.words, words.len())?;
    check_len("reals", layout.reals, reals.len())?;
    let (d, n, n_test) = (config.d, config.n, config.n_test);

    let (teacher, rest) = reals.split_at_mut(d);
    let (train_y, rest) = rest.split_at_mut(n);
    let (test_y, x_reals) = rest.split_at_mut(n_test);
    let mut teacher_rng = Rng::new(config.seed, Stream::Teacher);
    match config.task {
        Task::SparseCls | Task::SparseReg => sparse_teacher(&mut teacher_rng, config.k, teacher),
        Task::Misgrok => unit_teacher(&mut teacher_rng, teacher),
    }

    let mut train_rng = Rng::new(config.seed, Stream::Train);
    let mut test_rng = Rng::new(config.seed, Stream::Test);
    if config.task.has_sign_features() {
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

/// Views of task data already in `words` and `reals` (as left by [`generate`]).
pub fn view<'a>(
    config: &Config,
    words: &'a [u64],
    reals: &'a [f32],
) -> Result<TaskData<'a>, ConfigError> {
    let layout = Layout::of(config)?;
    check_len("words", layout.words, words.len())?;
    check_len("reals", layout.reals, reals.len())?;
    let (d, n, n_test) = (config.d, config.n, config.n_test);
    let (teacher, rest) = reals.split_at(d);
    let (train_y, rest) = rest.split_at(n);
    let (test_y, x_reals) = rest.split_at(n_test);
    let (train_x, test_x) = if config.task.has_sign_features() {
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

fn check_len(buffer: &'static str, expected: usize, actual: usize) -> Result<(), ConfigError> {
    if expected == actual {
        Ok(())
    } else {
        Err(ConfigError::BufferLength {
            buffer,
            expected,
            actual,
        })
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
