//! The two passes over a ±1 feature matrix stored as bits that every gradient needs,
//! `X·w` and `Xᵀ·g`, alone: their throughput against the machine's add rate is the roofline
//! figure in the README.
//!
//! `cargo bench -p grokflow-benches --bench passes`

use divan::Bencher;
use grokflow_core::{Dataset, Features, Rng, Stream, words_per_row};

fn main() {
    divan::main();
}

/// (d, n) of fig 1a.
const D: usize = 100_000;
const N: usize = 256;

struct Problem {
    bits: Vec<u64>,
    labels: Vec<f32>,
    w: Vec<f32>,
    g: Vec<f32>,
}

fn problem() -> Problem {
    let mut rng = Rng::new(1, Stream::Train);
    Problem {
        bits: (0..N * words_per_row(D)).map(|_| rng.next_u64()).collect(),
        labels: vec![1.0; N],
        w: (0..D).map(|_| rng.normal() as f32).collect(),
        g: (0..N).map(|_| rng.normal() as f32).collect(),
    }
}

/// Times `pass(data, out)` on fig 1a's matrix with an output of `out_len`, n·d signed adds.
fn bench_pass(bencher: Bencher, out_len: usize, pass: impl Fn(&Dataset<'_>, &Problem, &mut [f32])) {
    let p = problem();
    let data = Dataset::new(Features::Signs(&p.bits), &p.labels, D).expect("sizes");
    let mut out = vec![0.0f32; out_len];
    bencher
        .counter(divan::counter::ItemsCount::new(N * D))
        .bench_local(|| pass(&data, &p, &mut out));
}

/// `out = X·w`.
#[divan::bench]
fn matvec(bencher: Bencher) {
    bench_pass(bencher, N, |data, p, out| {
        data.matvec(divan::black_box(&p.w), out);
    });
}

/// `out = Xᵀ·g`.
#[divan::bench]
fn matvec_transposed(bencher: Bencher) {
    bench_pass(bencher, D, |data, p, out| {
        data.matvec_transposed(divan::black_box(&p.g), out);
    });
}
