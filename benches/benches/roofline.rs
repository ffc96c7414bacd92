//! The machine's f32 fused multiply-add peak at its widest vector level, on one thread and
//! on every thread of rayon's pool: the roofline that the MLP step's rate is measured against
//! in the README (its products are 3·n·p·width multiply-adds a step).
//!
//! Each thread runs 16 independent chains of vector fmas (more than an fma's latency times
//! its throughput on any x86-64 or AArch64 core), so the count per second is the issue rate.
//!
//! `cargo bench -p grokflow-benches --bench roofline`

use divan::Bencher;
use pulp::{Arch, Simd, WithSimd};

fn main() {
    divan::main();
}

/// Vector fmas per chain and call.
const ROUNDS: usize = 1 << 16;
/// Independent chains.
const CHAINS: usize = 16;

/// `ROUNDS × CHAINS` vector fmas; returns a sum so the work cannot be dropped.
struct Chains;

impl WithSimd for Chains {
    type Output = f32;

    #[inline(always)]
    fn with_simd<S: Simd>(self, simd: S) -> f32 {
        // Unknown to the compiler, so that no chain is folded or found to stand still.
        let (a, b) = divan::black_box((0.5f32, 0.25f32));
        let (a, b) = (simd.splat_f32s(a), simd.splat_f32s(b));
        let mut acc: [S::f32s; CHAINS] =
            core::array::from_fn(|i| simd.splat_f32s(divan::black_box(i as f32)));
        for _ in 0..ROUNDS {
            for x in &mut acc {
                *x = simd.mul_add_f32s(a, *x, b);
            }
        }
        acc.iter().map(|&x| simd.reduce_sum_f32s(x)).sum()
    }
}

/// f32 lanes of the widest vector level.
struct Lanes;

impl WithSimd for Lanes {
    type Output = usize;

    #[inline(always)]
    fn with_simd<S: Simd>(self, _: S) -> usize {
        S::F32_LANES
    }
}

fn multiply_adds_per_call() -> usize {
    ROUNDS * CHAINS * Arch::new().dispatch(Lanes)
}

/// One thread.
#[divan::bench]
fn fma_one_thread(bencher: Bencher) {
    let arch = Arch::new();
    bencher
        .counter(divan::counter::ItemsCount::new(multiply_adds_per_call()))
        .bench_local(|| divan::black_box(arch.dispatch(Chains)));
}

/// Every thread of rayon's pool at once (the count is the whole machine's).
#[divan::bench]
fn fma_all_threads(bencher: Bencher) {
    let arch = Arch::new();
    let threads = rayon::current_num_threads();
    bencher
        .counter(divan::counter::ItemsCount::new(
            multiply_adds_per_call() * threads,
        ))
        .bench_local(|| {
            rayon::broadcast(|_| divan::black_box(arch.dispatch(Chains)));
        });
}
