//! Dense vector kernels shared by the models: dot products in a fixed summation order.

use crate::numbers::scalar::Scalar;

/// Independent partial sums in a dot product. Eight breaks the add-latency chain (and lets
/// the compiler use SIMD lanes) on every target we build for, and the fixed lane order keeps
/// results identical across targets.
pub(crate) const LANES: usize = 8;

/// Sums the lanes in a fixed order.
#[inline]
pub(crate) fn reduce<S: Scalar>(lanes: [S; LANES]) -> S {
    let [a, b, c, d, e, f, g, h] = lanes;
    ((a + b) + (c + d)) + ((e + f) + (g + h))
}

/// `⟨a, b⟩` over the shorter length; element `j` goes to lane `j mod 8`.
#[inline]
pub(crate) fn dot<S: Scalar>(a: &[S], b: &[S]) -> S {
    let mut lanes = [S::ZERO; LANES];
    let (mut ac, mut bc) = (a.chunks_exact(LANES), b.chunks_exact(LANES));
    for (x, y) in (&mut ac).zip(&mut bc) {
        for ((lane, &xi), &yi) in lanes.iter_mut().zip(x).zip(y) {
            *lane += xi * yi;
        }
    }
    for ((lane, &xi), &yi) in lanes.iter_mut().zip(ac.remainder()).zip(bc.remainder()) {
        *lane += xi * yi;
    }
    reduce(lanes)
}

#[cfg(test)]
mod tests {
    use super::dot;

    #[test]
    fn dot_is_exact_on_integers_of_any_length() {
        for len in [0usize, 1, 7, 8, 9, 23] {
            let a: std::vec::Vec<f64> = (0..len).map(|i| i as f64).collect();
            let b: std::vec::Vec<f64> = (0..len).map(|i| (2 * i + 1) as f64).collect();
            let want: f64 = (0..len).map(|i| (i * (2 * i + 1)) as f64).sum();
            assert_eq!(dot(&a, &b), want);
        }
    }
}
