//! Vector kernels at the machine's width, chosen at run time (`std` only).
//!
//! The shipped build targets the baseline of its architecture; [`pulp`] detects the wider
//! instruction sets (SSE4.2, AVX2, AVX-512 on x86-64; NEON on AArch64) when the program runs
//! and compiles each kernel once per level. The `unsafe` of the intrinsics lives in `pulp`;
//! this crate keeps `#![forbid(unsafe_code)]`.
//!
//! **Bits do not depend on the level.** Each kernel works across independent outputs (the
//! columns of a product), so every output is the same sum in the same order as in the
//! portable loops of [`matrix`](crate::numbers::matrix), one fused multiply-add per term.
//! The fma is correctly rounded on every level: the FMA3 instruction at AVX2 and AVX-512,
//! NEON's on AArch64, and at SSE4.2 (which has none) `pulp`'s lane-by-lane `mul_add`, a
//! correctly rounded call, never a multiply then an add. [`Level::Portable`] runs the portable
//! loops, which are what a board runs; the tests compare a run's bits at every level the
//! machine has.
//!
//! The level is the best available unless forced: by the environment variable
//! `GROKFLOW_SIMD` (`portable`, `sse4.2`, `avx2`, `avx512`, `neon`) read at first use, or by
//! [`force`].

use core::sync::atomic::{AtomicU8, Ordering};

use std::format;
use std::string::String;

use pulp::{Simd, WithSimd};

use crate::numbers::matrix::{MatMut, MatRef, mul_add_in_order};
use crate::numbers::mul_add::MulAdd;

/// The environment variable that forces a level.
pub const ENV_VAR: &str = "GROKFLOW_SIMD";

/// An instruction-set level the kernels can run at.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Level {
    /// The portable loops, compiled for the target's baseline (SSE2 on x86-64).
    Portable,
    /// x86-64-v2: SSE4.2, 128-bit vectors.
    Sse42,
    /// x86-64-v3: AVX2, 256-bit vectors.
    Avx2,
    /// x86-64-v4: AVX-512, 512-bit vectors.
    Avx512,
    /// AArch64 NEON, 128-bit vectors.
    Neon,
}

impl Level {
    /// Every level, narrowest first.
    pub const ALL: [Level; 5] = [
        Level::Portable,
        Level::Sse42,
        Level::Avx2,
        Level::Avx512,
        Level::Neon,
    ];

    /// The name `GROKFLOW_SIMD` takes.
    pub const fn name(self) -> &'static str {
        match self {
            Level::Portable => "portable",
            Level::Sse42 => "sse4.2",
            Level::Avx2 => "avx2",
            Level::Avx512 => "avx512",
            Level::Neon => "neon",
        }
    }

    /// The level called `name`.
    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|level| level.name() == name)
    }

    /// Whether this machine runs this level.
    pub fn is_available(self) -> bool {
        match self {
            Level::Portable => true,
            #[cfg(target_arch = "x86_64")]
            Level::Sse42 => pulp::x86::V2::try_new().is_some(),
            #[cfg(target_arch = "x86_64")]
            Level::Avx2 => pulp::x86::V3::try_new().is_some(),
            #[cfg(target_arch = "x86_64")]
            Level::Avx512 => pulp::x86::V4::try_new().is_some(),
            #[cfg(target_arch = "aarch64")]
            Level::Neon => pulp::aarch64::Neon::try_new().is_some(),
            #[allow(unreachable_patterns)]
            _ => false,
        }
    }

    /// Runs `op` at this level; `pulp`'s scalar type (which the kernels answer with the
    /// portable loops) when the level is portable or not available.
    #[inline]
    fn dispatch<Op: WithSimd>(self, op: Op) -> Op::Output {
        match self {
            #[cfg(target_arch = "x86_64")]
            Level::Sse42 => on(pulp::x86::V2::try_new(), op),
            #[cfg(target_arch = "x86_64")]
            Level::Avx2 => on(pulp::x86::V3::try_new(), op),
            #[cfg(target_arch = "x86_64")]
            Level::Avx512 => on(pulp::x86::V4::try_new(), op),
            #[cfg(target_arch = "aarch64")]
            Level::Neon => on(pulp::aarch64::Neon::try_new(), op),
            _ => Simd::vectorize(pulp::Scalar::new(), op),
        }
    }
}

/// Runs `op` with `simd` if the machine has it, else with `pulp`'s scalar type.
#[cfg(any(target_arch = "x86_64", target_arch = "aarch64"))]
#[inline]
fn on<S: Simd, Op: WithSimd>(simd: Option<S>, op: Op) -> Op::Output {
    match simd {
        Some(simd) => Simd::vectorize(simd, op),
        None => Simd::vectorize(pulp::Scalar::new(), op),
    }
}

/// The levels this machine runs, narrowest first.
pub fn available() -> impl Iterator<Item = Level> {
    Level::ALL.into_iter().filter(|level| level.is_available())
}

/// The widest level this machine runs.
pub fn best() -> Level {
    available().last().unwrap_or(Level::Portable)
}

/// Why `GROKFLOW_SIMD` or [`force`] was refused.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LevelError(pub String);

impl core::fmt::Display for LevelError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for LevelError {}

/// The level `GROKFLOW_SIMD` asks for (`None` when it is not set), or why it cannot be used.
pub fn from_env() -> Result<Option<Level>, LevelError> {
    let Ok(value) = std::env::var(ENV_VAR) else {
        return Ok(None);
    };
    let names: std::vec::Vec<&str> = available().map(Level::name).collect();
    let choices = names.join(", ");
    match Level::from_name(value.trim()) {
        Some(level) if level.is_available() => Ok(Some(level)),
        Some(level) => Err(LevelError(format!(
            "{ENV_VAR}={}: this machine does not run it; it runs {choices}",
            level.name()
        ))),
        None => Err(LevelError(format!(
            "{ENV_VAR}=\"{value}\" is not a level; choose one of {choices}"
        ))),
    }
}

/// The chosen level as its index in [`Level::ALL`]; `UNSET` until first use.
static CHOSEN: AtomicU8 = AtomicU8::new(UNSET);
const UNSET: u8 = u8::MAX;

/// The level the kernels run at: forced, else `GROKFLOW_SIMD` if valid, else [`best`].
pub fn level() -> Level {
    let chosen = CHOSEN.load(Ordering::Relaxed);
    if let Some(&level) = Level::ALL.get(usize::from(chosen)) {
        return level;
    }
    let level = from_env().ok().flatten().unwrap_or_else(best);
    store(level);
    level
}

fn store(level: Level) {
    let index = Level::ALL.iter().position(|&l| l == level).unwrap_or(0);
    CHOSEN.store(u8::try_from(index).unwrap_or(0), Ordering::Relaxed);
}

/// Makes the kernels run at `level` from now on (in every thread), if the machine runs it.
/// Results do not change, only speed: that is what the level tests check.
pub fn force(level: Level) -> Result<(), LevelError> {
    if !level.is_available() {
        let names: std::vec::Vec<&str> = available().map(Level::name).collect();
        return Err(LevelError(format!(
            "level {} is not available on this machine; it runs {}",
            level.name(),
            names.join(", ")
        )));
    }
    store(level);
    Ok(())
}

/// The IEEE types with vector kernels, mapped onto `pulp`'s vectors of their width.
pub(crate) trait Element: Default + MulAdd + 'static {
    /// A vector of this type at level `S`.
    type Vector<S: Simd>: Copy;
    fn splat_v<S: Simd>(simd: S, x: Self) -> Self::Vector<S>;
    /// `a·b + c` lane by lane, rounded once (a correctly rounded fma on every level).
    fn mul_add_v<S: Simd>(
        simd: S,
        a: Self::Vector<S>,
        b: Self::Vector<S>,
        c: Self::Vector<S>,
    ) -> Self::Vector<S>;
    /// The whole vectors at the start of `x`.
    fn vectors<S: Simd>(x: &[Self]) -> &[Self::Vector<S>];
    /// The whole vectors at the start of `x`, writable.
    fn vectors_mut<S: Simd>(x: &mut [Self]) -> &mut [Self::Vector<S>];
    /// Lanes per vector at level `S`.
    fn lanes<S: Simd>() -> usize;
    /// A vector from the first lanes of `x` (fewer than a vector; the rest zero).
    fn load_part<S: Simd>(simd: S, x: &[Self]) -> Self::Vector<S>;
    /// Writes the first `x.len()` lanes of `v` into `x`.
    fn store_part<S: Simd>(simd: S, x: &mut [Self], v: Self::Vector<S>);
}

macro_rules! element {
    ($t:ty, $v:ident, $splat:ident, $mul_add:ident, $split:ident, $split_mut:ident, $lanes:ident, $load:ident, $store:ident) => {
        impl Element for $t {
            type Vector<S: Simd> = S::$v;
            #[inline(always)]
            fn splat_v<S: Simd>(simd: S, x: Self) -> S::$v {
                simd.$splat(x)
            }
            #[inline(always)]
            fn mul_add_v<S: Simd>(simd: S, a: S::$v, b: S::$v, c: S::$v) -> S::$v {
                // `mul_add`, not `mul_add_e` (which may be a multiply then an add).
                simd.$mul_add(a, b, c)
            }
            #[inline(always)]
            fn vectors<S: Simd>(x: &[Self]) -> &[S::$v] {
                S::$split(x).0
            }
            #[inline(always)]
            fn vectors_mut<S: Simd>(x: &mut [Self]) -> &mut [S::$v] {
                S::$split_mut(x).0
            }
            #[inline(always)]
            fn lanes<S: Simd>() -> usize {
                S::$lanes
            }
            #[inline(always)]
            fn load_part<S: Simd>(simd: S, x: &[Self]) -> S::$v {
                simd.$load(x)
            }
            #[inline(always)]
            fn store_part<S: Simd>(simd: S, x: &mut [Self], v: S::$v) {
                simd.$store(x, v)
            }
        }
    };
}

element!(
    f32,
    f32s,
    splat_f32s,
    mul_add_f32s,
    as_simd_f32s,
    as_mut_simd_f32s,
    F32_LANES,
    partial_load_f32s,
    partial_store_f32s
);
element!(
    f64,
    f64s,
    splat_f64s,
    mul_add_f64s,
    as_simd_f64s,
    as_mut_simd_f64s,
    F64_LANES,
    partial_load_f64s,
    partial_store_f64s
);

/// Rows of `C` a register tile holds.
pub(crate) const TILE_ROWS: usize = 4;
/// Terms `k` per pass over `C`.
const DEPTH: usize = 128;
/// Rows of `C` whose slice of `A` is packed at once (on the stack: 16 or 32 KB).
const GROUP_ROWS: usize = 32;

/// `C += A·B` at the current [`level`], in the order of
/// [`mul_add_in_order`](crate::numbers::matrix::mul_add_in_order).
pub(crate) fn mul_add<E: Element>(c: MatMut<'_, E>, a: MatRef<'_, E>, b: MatRef<'_, E>) {
    level().dispatch(Product { c, a, b });
}

/// Runs `op` compiled for the current [`level`]: what is inlined into it vectorises at that
/// width. Elementwise IEEE operations give the same bits at every width.
pub(crate) fn vectorized<R>(op: impl FnOnce() -> R) -> R {
    level().dispatch(op)
}

/// One product, as the operation `pulp` compiles once per level.
struct Product<'c, 'a, E> {
    c: MatMut<'c, E>,
    a: MatRef<'a, E>,
    b: MatRef<'a, E>,
}

impl<E: Element> WithSimd for Product<'_, '_, E> {
    type Output = ();

    #[inline(always)]
    fn with_simd<S: Simd>(self, simd: S) {
        let Product { mut c, a, b } = self;
        if S::IS_SCALAR {
            mul_add_in_order(c, a, b);
        } else {
            product(simd, &mut c, &a, &b);
        }
    }
}

/// The product in register tiles of `TILE_ROWS` rows × four vectors (with 32 vector
/// registers) or two, then two, one and a last partial vector; `k` runs in passes of `DEPTH`.
/// Within a pass, rows go in groups of `GROUP_ROWS` whose slice of `A` is packed once (tile
/// by tile, in the order the inner loop reads it); within a group the column panels are the
/// outer loop, so a panel of `B` (`DEPTH` terms × one tile's columns, 32 KB in f32 at
/// AVX-512) stays in L1 while every tile of the group uses it, and `B` is read once per
/// group rather than once per tile. Every entry sums `k` in ascending order.
#[inline(always)]
fn product<S: Simd, E: Element>(
    simd: S,
    c: &mut MatMut<'_, E>,
    a: &MatRef<'_, E>,
    b: &MatRef<'_, E>,
) {
    let lanes = E::lanes::<S>();
    let widest = if S::REGISTER_COUNT >= 32 { 4 } else { 2 };
    const TILE: usize = DEPTH * TILE_ROWS;
    // Row g + q·TILE_ROWS + r, term k0 + t at packed[q·TILE + t·TILE_ROWS + r]; zeroed once
    // per product (a tile of fewer rows leaves entries of the one before, which it never
    // reads).
    let mut packed = [E::default(); GROUP_ROWS * DEPTH];
    let mut k0 = 0;
    while k0 < a.cols {
        let depth = DEPTH.min(a.cols - k0);
        let mut g = 0;
        while g < c.rows {
            let group = GROUP_ROWS.min(c.rows - g);
            for (q, tile) in packed.chunks_exact_mut(TILE).enumerate() {
                let i = g + q * TILE_ROWS;
                let rows = TILE_ROWS.min((g + group).saturating_sub(i));
                pack(tile, a, i, rows, k0, depth);
            }
            let mut j = 0;
            while j < c.cols {
                let vectors = [widest, 2, 1]
                    .into_iter()
                    .find(|&v| j + v * lanes <= c.cols)
                    .unwrap_or(0);
                for (q, tile) in packed.chunks_exact(TILE).enumerate() {
                    let i = g + q * TILE_ROWS;
                    let rows = TILE_ROWS.min((g + group).saturating_sub(i));
                    let pass = Pass {
                        packed: tile.get(..depth * TILE_ROWS).unwrap_or_default(),
                        b,
                        k0,
                        i,
                    };
                    if rows == TILE_ROWS {
                        pass.panel::<S, TILE_ROWS>(simd, c, 0, j, vectors);
                    } else {
                        for r in 0..rows {
                            pass.panel::<S, 1>(simd, c, r, j, vectors);
                        }
                    }
                }
                j += if vectors == 0 {
                    c.cols - j
                } else {
                    vectors * lanes
                };
            }
            g += group;
        }
        k0 += depth;
    }
}

/// `A`'s rows `i..i + rows`, terms `k0..k0 + depth`, into `tile` term by term
/// (`tile[t·TILE_ROWS + r] = A(i + r, k0 + t)`), reading whole rows of a row-major `A` and
/// whole runs of a column-major one (the transposed slopes) without an index per entry.
#[inline(always)]
fn pack<E: Element>(
    tile: &mut [E],
    a: &MatRef<'_, E>,
    i: usize,
    rows: usize,
    k0: usize,
    depth: usize,
) {
    let run = |r: usize| a.row(i + r).get(k0..k0 + depth);
    if a.col_stride == 1
        && rows == TILE_ROWS
        && let (Some(r0), Some(r1), Some(r2), Some(r3)) = (run(0), run(1), run(2), run(3))
    {
        let terms = tile.chunks_exact_mut(TILE_ROWS);
        for (((terms, &x0), &x1), (&x2, &x3)) in terms.zip(r0).zip(r1).zip(r2.iter().zip(r3)) {
            terms.copy_from_slice(&[x0, x1, x2, x3]);
        }
        return;
    }
    for (t, terms) in tile.chunks_exact_mut(TILE_ROWS).take(depth).enumerate() {
        let start = i + (k0 + t) * a.col_stride;
        match a.data.get(start..start + TILE_ROWS) {
            Some(run) if a.row_stride == 1 && rows == TILE_ROWS => terms.copy_from_slice(run),
            _ => {
                for (r, x) in terms.iter_mut().take(rows).enumerate() {
                    *x = a.at(i + r, k0 + t);
                }
            }
        }
    }
}

/// One pass of `DEPTH` terms over a band of rows of `C`.
struct Pass<'p, 'b, E> {
    /// `A`'s slice for the band, term-major, `TILE_ROWS` values per term.
    packed: &'p [E],
    b: &'p MatRef<'b, E>,
    /// First term of the pass.
    k0: usize,
    /// First row of the band.
    i: usize,
}

impl<E: Element> Pass<'_, '_, E> {
    /// `ROWS` rows from `i + r0`, one panel from column `j`: `vectors` whole vectors, or
    /// with 0 the last columns as one partial vector.
    #[inline(always)]
    fn panel<S: Simd, const ROWS: usize>(
        &self,
        simd: S,
        c: &mut MatMut<'_, E>,
        r0: usize,
        j: usize,
        vectors: usize,
    ) {
        match vectors {
            4 => self.tile::<S, ROWS, 4>(simd, c, r0, j),
            2 => self.tile::<S, ROWS, 2>(simd, c, r0, j),
            1 => self.tile::<S, ROWS, 1>(simd, c, r0, j),
            _ => self.last::<S, ROWS>(simd, c, r0, j),
        }
    }

    /// `ROWS` rows from `i + r0` and `VECTORS` whole vectors from column `j`, held in
    /// registers through the pass.
    #[inline(always)]
    fn tile<S: Simd, const ROWS: usize, const VECTORS: usize>(
        &self,
        simd: S,
        c: &mut MatMut<'_, E>,
        r0: usize,
        j: usize,
    ) {
        let width = VECTORS * E::lanes::<S>();
        let mut acc = [[E::splat_v(simd, E::default()); VECTORS]; ROWS];
        for (r, acc_r) in acc.iter_mut().enumerate() {
            let row = c.row_mut(self.i + r0 + r);
            if let Some(v) =
                E::vectors::<S>(row.get(j..j + width).unwrap_or_default()).first_chunk::<VECTORS>()
            {
                *acc_r = *v;
            }
        }
        let b = self.b;
        for (t, terms) in self.packed.chunks_exact(TILE_ROWS).enumerate() {
            let start = (self.k0 + t) * b.row_stride + j;
            let b_part = b.data.get(start..start + width).unwrap_or_default();
            let Some(b_k) = E::vectors::<S>(b_part).first_chunk::<VECTORS>() else {
                continue;
            };
            for (acc_r, &a_rk) in acc.iter_mut().zip(terms.iter().skip(r0)) {
                let a_rk = E::splat_v(simd, a_rk);
                for (sum, &b_kv) in acc_r.iter_mut().zip(b_k) {
                    *sum = E::mul_add_v(simd, a_rk, b_kv, *sum);
                }
            }
        }
        for (r, acc_r) in acc.iter().enumerate() {
            let row = c.row_mut(self.i + r0 + r);
            if let Some(v) = E::vectors_mut::<S>(row.get_mut(j..j + width).unwrap_or_default())
                .first_chunk_mut::<VECTORS>()
            {
                *v = *acc_r;
            }
        }
    }

    /// The columns from `j` to the end (fewer than a vector) as one partial vector.
    #[inline(always)]
    fn last<S: Simd, const ROWS: usize>(
        &self,
        simd: S,
        c: &mut MatMut<'_, E>,
        r0: usize,
        j: usize,
    ) {
        let width = c.cols - j;
        let mut acc = [E::splat_v(simd, E::default()); ROWS];
        for (r, acc_r) in acc.iter_mut().enumerate() {
            let row = c.row_mut(self.i + r0 + r);
            *acc_r = E::load_part(simd, row.get(j..j + width).unwrap_or_default());
        }
        let b = self.b;
        for (t, terms) in self.packed.chunks_exact(TILE_ROWS).enumerate() {
            let start = (self.k0 + t) * b.row_stride + j;
            let b_k = E::load_part(simd, b.data.get(start..start + width).unwrap_or_default());
            for (sum, &a_rk) in acc.iter_mut().zip(terms.iter().skip(r0)) {
                *sum = E::mul_add_v(simd, E::splat_v(simd, a_rk), b_k, *sum);
            }
        }
        for (r, acc_r) in acc.iter().enumerate() {
            let row = c.row_mut(self.i + r0 + r);
            E::store_part(simd, row.get_mut(j..j + width).unwrap_or_default(), *acc_r);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::numbers::rng::{Rng, Stream};

    /// Random products at awkward sizes (rows and columns not multiples of the tile) give
    /// the bits of the portable loops at every level this machine runs.
    #[test]
    fn every_level_gives_the_bits_of_the_portable_loops() {
        let mut rng = Rng::new(11, Stream::Train);
        // k = 300 takes three passes of DEPTH terms, m = 70 three groups of GROUP_ROWS.
        for (m, k, n) in [
            (1, 1, 1),
            (3, 5, 7),
            (4, 64, 33),
            (9, 17, 97),
            (13, 40, 130),
            (6, 300, 70),
            (70, 300, 37),
        ] {
            let a: std::vec::Vec<f32> = (0..m * k).map(|_| rng.normal() as f32).collect();
            let b: std::vec::Vec<f32> = (0..k * n).map(|_| rng.normal() as f32).collect();
            let start: std::vec::Vec<f32> = (0..m * n).map(|_| rng.normal() as f32).collect();
            let a_t: std::vec::Vec<f32> = (0..k * m).map(|x| a[(x % m) * k + x / m]).collect();
            let mut want = start.clone();
            mul_add_in_order(
                MatMut::row_major(&mut want, m, n),
                MatRef::row_major(&a, m, k),
                MatRef::row_major(&b, k, n),
            );
            let a64: std::vec::Vec<f64> = a.iter().map(|&x| f64::from(x)).collect();
            let b64: std::vec::Vec<f64> = b.iter().map(|&x| f64::from(x) / 3.0).collect();
            let mut want64 = std::vec![0.5f64; m * n];
            mul_add_in_order(
                MatMut::row_major(&mut want64, m, n),
                MatRef::row_major(&a64, m, k),
                MatRef::row_major(&b64, k, n),
            );
            for level in available() {
                let (mut got, mut got64) = (start.clone(), std::vec![0.5f64; m * n]);
                level.dispatch(Product {
                    c: MatMut::row_major(&mut got, m, n),
                    a: MatRef::row_major(&a, m, k),
                    b: MatRef::row_major(&b, k, n),
                });
                level.dispatch(Product {
                    c: MatMut::row_major(&mut got64, m, n),
                    a: MatRef::row_major(&a64, m, k),
                    b: MatRef::row_major(&b64, k, n),
                });
                // A stored transposed (k × m, as the MLP's slopes are read): same bits.
                let mut got_t = start.clone();
                level.dispatch(Product {
                    c: MatMut::row_major(&mut got_t, m, n),
                    a: MatRef::row_major(&a_t, k, m).transposed(),
                    b: MatRef::row_major(&b, k, n),
                });
                let bits = |v: &[f32]| v.iter().map(|x| x.to_bits()).collect::<std::vec::Vec<_>>();
                assert_eq!(
                    bits(&got),
                    bits(&want),
                    "f32 {} at {m}×{k}×{n}",
                    level.name()
                );
                assert_eq!(
                    bits(&got_t),
                    bits(&want),
                    "f32, A transposed, {} at {m}×{k}×{n}",
                    level.name()
                );
                let bits64 =
                    |v: &[f64]| v.iter().map(|x| x.to_bits()).collect::<std::vec::Vec<_>>();
                assert_eq!(
                    bits64(&got64),
                    bits64(&want64),
                    "f64 {} at {m}×{k}×{n}",
                    level.name()
                );
            }
        }
    }
}
