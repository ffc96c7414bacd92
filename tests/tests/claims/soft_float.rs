//! The emulated formats' arithmetic (`SoftFloat`: the operation in f32, rounded on the bits)
//! against its definition, which `quantize` still is: the operation in f64, rounded once to
//! the format. Same bits everywhere, so no board snapshot and no study row depends on which
//! of the two computed it. bfloat16 sums and products with round-to-nearest are checked on
//! every pair of its 2¹⁶ bit patterns (NaNs and infinities included); binary16 and stochastic rounding on a
//! seeded sample plus every pair of a list of edge values, and the row kernels (eight terms
//! side by side) against the scalar operations.

use grokflow_core::{
    Bf16Format, F16Format, Format, MulAdd, Nearest, Rng, Rounding, Scalar, SoftFloat, Stochastic,
    Stream, quantize, reseed,
};

/// The reference: `x op y` in f64 (exact for ×, correctly rounded for + and −), rounded once.
fn reference<F: Format, R: Rounding>(x: f32, y: f32, op: char) -> f32 {
    let (x, y) = (f64::from(x), f64::from(y));
    let exact = match op {
        '+' => x + y,
        '-' => x - y,
        _ => x * y,
    };
    // The rounded value is in the format, hence an f32.
    quantize::<F, R>(exact) as f32
}

fn emulated<F: Format, R: Rounding>(x: f32, y: f32, op: char) -> f32 {
    let (x, y) = (
        SoftFloat::<F, R>::from_f32(x),
        SoftFloat::<F, R>::from_f32(y),
    );
    match op {
        '+' => x + y,
        '-' => x - y,
        _ => x * y,
    }
    .get()
}

fn same(a: f32, b: f32) -> bool {
    a.to_bits() == b.to_bits() || (a.is_nan() && b.is_nan())
}

/// Asserts that `x op y` gave the reference's bits (any NaN for a NaN).
fn assert_same((x, op, y): (f32, char, f32), got: f32, want: f32) {
    assert!(
        same(got, want),
        "{x:e} {op} {y:e}: got {got:e}, want {want:e}"
    );
}

/// Every bit pattern's value (a bf16 is the top half of an f32).
fn bf16(bits: u32) -> f32 {
    f32::from_bits(bits << 16)
}

/// A binary16 bit pattern's value (5 exponent bits, bias 15, 10 fraction bits).
fn f16(bits: u32) -> f32 {
    let (sign, exponent, fraction) = ((bits >> 15) & 1, (bits >> 10) & 0x1F, bits & 0x3FF);
    let magnitude = match exponent {
        0 => fraction as f32 * 2f32.powi(-24),
        0x1F if fraction == 0 => f32::INFINITY,
        0x1F => f32::NAN,
        _ => (1024 + fraction) as f32 * 2f32.powi(exponent as i32 - 25),
    };
    if sign == 1 { -magnitude } else { magnitude }
}

/// Compares `x + y` and `x · y` for every `x` whose pattern is in `xs` and every `y` pattern;
/// returns the first mismatches. (`x − y` is `x + (−y)` in the code, and on the sample below.)
fn walk_pairs<F: Format>(
    value: fn(u32) -> f32,
    xs: std::ops::Range<u32>,
    ys: std::ops::Range<u32>,
) -> Vec<String> {
    let mut mismatches = Vec::new();
    for i in xs {
        let x = value(i);
        for j in ys.clone() {
            let y = value(j);
            for op in ['+', '*'] {
                let (got, want) = (
                    emulated::<F, Nearest>(x, y, op),
                    reference::<F, Nearest>(x, y, op),
                );
                if !same(got, want) && mismatches.len() < 5 {
                    mismatches.push(format!("{x:e} {op} {y:e}: got {got:e}, want {want:e}"));
                }
            }
        }
    }
    mismatches
}

/// Splits the first operand's patterns over the cores.
fn every_pair<F: Format>(value: fn(u32) -> f32) {
    let mismatches =
        grokflow_tests::on_all_cores(1 << 16, |xs| walk_pairs::<F>(value, xs, 0..1 << 16));
    assert!(mismatches.is_empty(), "{mismatches:#?}");
}

#[test]
fn every_bf16_sum_and_product_rounds_as_in_f64() {
    every_pair::<Bf16Format>(bf16);
}

/// Values of every class for `F`: zeros, the smallest and largest subnormals, the smallest
/// normal, 1 and its neighbours, values whose sums and products land halfway between two
/// neighbours, the largest finite value, ∞, NaN; both signs.
fn edge_values(value: fn(u32) -> f32, max_bits: u32, precision: i32) -> Vec<f32> {
    let half_ulp = 2f32.powi(-precision);
    let mut values = vec![
        0.0,
        value(1),
        value(2),
        value(3),
        1.0,
        1.0 + 2.0 * half_ulp,
        1.0 + 4.0 * half_ulp,
        1.0 - half_ulp,
        1.5,
        3.0,
        2.0 * half_ulp,
        half_ulp,
        value(max_bits),
        value(max_bits - 1),
        f32::INFINITY,
        f32::NAN,
    ];
    // Around the smallest normal number and the top of the subnormals.
    for pattern in [0x7F, 0x80, 0x81, 0x3FF, 0x400, 0x401, 0x7FFF] {
        let v = value(pattern);
        if v.is_finite() && v > 0.0 {
            values.push(v);
        }
    }
    let negatives: Vec<f32> = values.iter().map(|v| -v).collect();
    values.extend(negatives);
    values
}

/// `count` seeded random patterns (any class), plus `x · 2^k` pairs whose sums carry,
/// cancel and round at every depth.
fn sample(rng: &mut Rng, value: fn(u32) -> f32, count: usize) -> Vec<(f32, f32)> {
    (0..count)
        .map(|k| {
            let x = value(rng.next_u64() as u32 & 0xFFFF);
            let y = if k % 2 == 0 {
                value(rng.next_u64() as u32 & 0xFFFF)
            } else {
                // Near x in magnitude: sums that cancel or round off at a chosen depth.
                let shift = (rng.next_u64() % 24) as i32 - 12;
                let sign = if rng.next_u64().is_multiple_of(2) {
                    1.0
                } else {
                    -1.0
                };
                sign * x * 2f32.powi(shift) * (1.0 + (rng.next_u64() % 8) as f32 / 8.0)
            };
            (x, y)
        })
        .collect()
}

/// Every pair of edge values and `count` seeded sample pairs from `seed`, all rounded to the
/// format to nearest (so that making them draws nothing).
fn operand_pairs<F: Format>(
    value: fn(u32) -> f32,
    max_bits: u32,
    precision: i32,
    seed: u64,
    count: usize,
) -> Vec<(f32, f32)> {
    let edges = edge_values(value, max_bits, precision);
    let mut pairs: Vec<(f32, f32)> = edges
        .iter()
        .flat_map(|&x| edges.iter().map(move |&y| (x, y)))
        .collect();
    pairs.extend(sample(&mut Rng::new(seed, Stream::Train), value, count));
    let to_format = |x: f32| quantize::<F, Nearest>(x.into()) as f32;
    pairs
        .into_iter()
        .map(|(x, y)| (to_format(x), to_format(y)))
        .collect()
}

/// Every pair of edge values and a seeded sample, with round-to-nearest.
fn nearest_on_edges_and_sample<F: Format>(value: fn(u32) -> f32, max_bits: u32, precision: i32) {
    for (x, y) in operand_pairs::<F>(value, max_bits, precision, 41, 2_000_000) {
        for op in ['+', '-', '*'] {
            assert_same(
                (x, op, y),
                emulated::<F, Nearest>(x, y, op),
                reference::<F, Nearest>(x, y, op),
            );
        }
    }
}

#[test]
fn f16_sums_differences_and_products_round_as_in_f64() {
    // The f16 grid's edges and a sample of 2·10⁶ pairs (the sample reaches the subnormals,
    // where f32's addition rounds to the fixed grid).
    nearest_on_edges_and_sample::<F16Format>(f16, 0x7BFF, 11);
}

#[test]
fn bf16_edge_values_round_as_in_f64() {
    // Covered by the exhaustive test too; kept as the readable list of classes.
    nearest_on_edges_and_sample::<Bf16Format>(bf16, 0x7F7F, 8);
}

/// Stochastic rounding: the same sequence of operations from the same seed gives the same
/// results, so every draw is taken in the same place and compared with the same distance.
fn stochastic_sequence<F: Format>(value: fn(u32) -> f32, max_bits: u32, precision: i32) {
    let pairs = operand_pairs::<F>(value, max_bits, precision, 43, 1_000_000);
    let run = |op_fn: fn(f32, f32, char) -> f32| -> Vec<f32> {
        reseed(7);
        pairs
            .iter()
            .flat_map(|&(x, y)| ['+', '-', '*'].map(|op| op_fn(x, y, op)))
            .collect()
    };
    let got = run(emulated::<F, Stochastic>);
    let want = run(reference::<F, Stochastic>);
    let ops = pairs
        .iter()
        .flat_map(|&(x, y)| ['+', '-', '*'].map(|op| (x, op, y)));
    for ((got, want), operation) in got.into_iter().zip(want).zip(ops) {
        assert_same(operation, got, want);
    }
}

#[test]
fn bf16_stochastic_rounding_draws_as_in_f64() {
    stochastic_sequence::<Bf16Format>(bf16, 0x7F7F, 8);
}

#[test]
fn f16_stochastic_rounding_draws_as_in_f64() {
    stochastic_sequence::<F16Format>(f16, 0x7BFF, 11);
}

/// The row kernels (`scaled_add`, `dot_lanes`: eight terms rounded side by side with
/// round-to-nearest, one by one in order with stochastic rounding) give the scalar
/// operations' bits from the same stream, on rows that mix ordinary values with edge values
/// (which send a group of eight back to the scalar path).
fn row_kernels<F: Format, R: Rounding>(value: fn(u32) -> f32, edges: &[f32]) {
    type S<F, R> = SoftFloat<F, R>;
    let mut rng = Rng::new(47, Stream::Train);
    for trial in 0..20_000 {
        let len = 1 + (rng.next_u64() % 40) as usize;
        let mut pick = || {
            let v = if rng.next_u64().is_multiple_of(16) {
                edges[(rng.next_u64() as usize) % edges.len()]
            } else {
                // 1 to 4 in f16's patterns, 2⁻⁷ to 2⁸ in bf16's, times 2⁻⁴ … 2⁴.
                let pattern = 0x3C00 + (rng.next_u64() as u32 & 0x7FF);
                value(pattern) * 2f32.powi((rng.next_u64() % 9) as i32 - 4)
            };
            // In the format, rounded to nearest so that making it draws nothing.
            S::<F, R>::from_f32(quantize::<F, Nearest>(v.into()) as f32)
        };
        let x: Vec<S<F, R>> = (0..len).map(|_| pick()).collect();
        let y: Vec<S<F, R>> = (0..len).map(|_| pick()).collect();
        let a = pick();
        reseed(trial);
        let mut acc = y.clone();
        S::<F, R>::scaled_add(a, &x, &mut acc);
        let mut lanes = [S::<F, R>::ONE; 8];
        S::<F, R>::dot_lanes(&x, &y, &mut lanes);
        reseed(trial);
        let want_acc: Vec<S<F, R>> = x.iter().zip(&y).map(|(&x, &y)| a * x + y).collect();
        let mut want_lanes = [S::<F, R>::ONE; 8];
        for (k, (&x, &y)) in x.iter().zip(&y).enumerate() {
            want_lanes[k % 8] = x * y + want_lanes[k % 8];
        }
        for (k, (got, want)) in acc.iter().zip(&want_acc).enumerate() {
            assert!(
                same(got.to_f64() as f32, want.to_f64() as f32),
                "{} trial {trial} scaled_add [{k}]: {got:?} against {want:?}",
                S::<F, R>::NAME
            );
        }
        for (k, (got, want)) in lanes.iter().zip(&want_lanes).enumerate() {
            assert!(
                same(got.to_f64() as f32, want.to_f64() as f32),
                "{} trial {trial} dot_lanes [{k}]: {got:?} against {want:?}",
                S::<F, R>::NAME
            );
        }
    }
}

#[test]
fn row_kernels_give_the_scalar_operations_bits() {
    let (bf16_edges, f16_edges) = (edge_values(bf16, 0x7F7F, 8), edge_values(f16, 0x7BFF, 11));
    row_kernels::<Bf16Format, Nearest>(bf16, &bf16_edges);
    row_kernels::<F16Format, Nearest>(f16, &f16_edges);
    row_kernels::<Bf16Format, Stochastic>(bf16, &bf16_edges);
    row_kernels::<F16Format, Stochastic>(f16, &f16_edges);
}
