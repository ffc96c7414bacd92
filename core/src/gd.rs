//! The paper's discrete update: full-batch gradient descent with weight decay.

use crate::scalar::Scalar;

/// `θ ← θ(1 − ηλ) − η∇L(θ)`, with every operation in the run's number format.
#[inline]
pub(crate) fn gd_update<S: Scalar>(params: &mut [S], grad: &[S], lr: S, lambda: S) {
    let decay = S::ONE - lr * lambda;
    for (p, &g) in params.iter_mut().zip(grad) {
        *p = *p * decay - lr * g;
    }
}

#[cfg(test)]
mod tests {
    use super::gd_update;

    #[test]
    fn update_is_the_papers_formula() {
        let mut p = [2.0f64, -1.0];
        gd_update(&mut p, &[0.5, 0.25], 0.1, 0.2);
        assert_eq!(p, [2.0 * 0.98 - 0.05, -0.98 - 0.025]);
    }
}
