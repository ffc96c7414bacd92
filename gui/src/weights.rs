//! The parameters in the form each model is best looked at, taken by the worker thread: the
//! effective weights of a diagonal net, the matrix of a factorization with its spectrum, the
//! MLP's first layer in the Fourier basis of Z_p.

use grokflow_core::experiment::Experiment;
use grokflow_core::{ModelKind, Network, Scalar, Simulation};
use rustfft::FftPlanner;
use rustfft::num_complex::Complex;

/// Most stems in the weight view of a large diagonal net.
pub const MAX_STEMS: usize = 2000;

/// A parameter snapshot of a run.
#[derive(Clone, Debug, PartialEq)]
pub enum Weights {
    /// Effective weights `w` of a diagonal net.
    Stems {
        /// `(j, w_j)`: all of them, or the largest and an even sample when `d` is large.
        points: Vec<[f64; 2]>,
        /// ‖w‖₂ over every coordinate (the scale the reference predictors are drawn at).
        norm: f64,
    },
    /// The predicted matrix of a factorization.
    Matrix {
        /// Matrix size.
        d: usize,
        /// `W = UUᵀ − VVᵀ`, row-major.
        w: Vec<f64>,
        /// Its singular values, largest first.
        singular: Vec<f64>,
    },
    /// The MLP's first layer in the Fourier basis of Z_p: for each hidden unit and each
    /// frequency `k = 0..=p/2`, the power `|Σ_a W[a]·e^{−2πi·ka/p}|²` of its weights from
    /// one-hot(a), plus the same for one-hot(b).
    Fourier {
        /// The modulus.
        p: usize,
        /// Hidden units.
        width: usize,
        /// `power[unit · (p/2 + 1) + k]`.
        power: Vec<f64>,
    },
}

impl Weights {
    /// Bytes held (what the bound on kept snapshots counts).
    pub fn bytes(&self) -> usize {
        let floats = match self {
            Weights::Stems { points, .. } => 2 * points.len(),
            Weights::Matrix { w, singular, .. } => w.len() + singular.len(),
            Weights::Fourier { power, .. } => power.len(),
        };
        8 * floats + std::mem::size_of::<Self>()
    }
}

/// What the snapshots of a run are compared with; fixed for the run, sent once.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Reference {
    /// The ground truth: `w*` (diagonal nets) or `X*` row-major (matrix completion).
    pub truth: Vec<f64>,
    /// Max-L2-margin (min-L2-norm) predictor of a diagonal net, when solved.
    pub kernel: Option<Vec<f64>>,
    /// Max-L1-margin (min-L1-norm) predictor of a diagonal net, when solved.
    pub rich: Option<Vec<f64>>,
    /// Observed entries `(row, column)` of matrix completion (the training pairs).
    pub observed: Vec<(usize, usize)>,
}

impl Reference {
    /// The references of `experiment` (after its reference predictors were solved).
    pub fn of<S: Scalar>(experiment: &Experiment<S>) -> Self {
        let data = experiment.data();
        let predictors = experiment.references();
        let completion = experiment.config().task.model() == ModelKind::Factorization;
        Self {
            truth: data.teacher.iter().map(|&v| f64::from(v)).collect(),
            kernel: predictors.map(|p| p.kernel.clone()),
            rich: predictors.map(|p| p.rich.clone()),
            observed: if completion {
                (0..data.train.len())
                    .filter_map(|i| data.train.pair(i))
                    .collect()
            } else {
                Vec::new()
            },
        }
    }
}

/// The parameters of `sim` as the weights view shows them.
pub fn snapshot<S: Scalar>(sim: &Simulation<'_, S>, planner: &mut FftPlanner<f64>) -> Weights {
    let config = sim.config();
    match sim.network() {
        Network::Diagonal(_) => {
            let mut w = vec![S::ZERO; config.d];
            sim.effective_weights(&mut w);
            let w: Vec<f64> = w.iter().map(|v| v.to_f64()).collect();
            Weights::Stems {
                points: stem_indices(&w, MAX_STEMS)
                    .into_iter()
                    .map(|j| [j as f64, w[j]])
                    .collect(),
                norm: w.iter().map(|v| v * v).sum::<f64>().sqrt(),
            }
        }
        Network::Factorization(mf) => {
            let d = config.d;
            let mut w = vec![S::ZERO; d * d];
            mf.matrix(sim.params(), &mut w);
            let mut singular = vec![0.0; d];
            let mut scratch = vec![S::ZERO; d * d];
            mf.singular_values(sim.params(), &mut scratch, &mut singular);
            Weights::Matrix {
                d,
                w: w.iter().map(|v| v.to_f64()).collect(),
                singular,
            }
        }
        Network::Mlp(_) => {
            let (p, width) = (config.d, config.width);
            let layer: Vec<f64> = sim
                .params()
                .iter()
                .take(2 * p * width)
                .map(|v| v.to_f64())
                .collect();
            Weights::Fourier {
                p,
                width,
                power: fourier_power(&layer, p, width, planner),
            }
        }
    }
}

/// The power per frequency `0..=p/2` of each hidden unit's weights from one-hot(a) and from
/// one-hot(b), summed; `layer` is the first layer, row-major `2p × width`.
pub fn fourier_power(
    layer: &[f64],
    p: usize,
    width: usize,
    planner: &mut FftPlanner<f64>,
) -> Vec<f64> {
    let half = p / 2 + 1;
    let fft = planner.plan_fft_forward(p);
    let mut power = vec![0.0; width * half];
    let mut buffer = vec![Complex::new(0.0, 0.0); p];
    for unit in 0..width {
        for operand in 0..2 {
            for (a, z) in buffer.iter_mut().enumerate() {
                let v = layer.get((operand * p + a) * width + unit).copied();
                *z = Complex::new(v.unwrap_or(0.0), 0.0);
            }
            fft.process(&mut buffer);
            for (k, z) in buffer.iter().take(half).enumerate() {
                power[unit * half + k] += z.norm_sqr();
            }
        }
    }
    power
}

/// All indices when `w` is short, else the `max/2` largest |w_j| and an even sample of the
/// rest (so both the sparse support and the bulk are visible), sorted.
pub fn stem_indices(w: &[f64], max: usize) -> Vec<usize> {
    if w.len() <= max {
        return (0..w.len()).collect();
    }
    let mut by_size: Vec<usize> = (0..w.len()).collect();
    by_size.sort_unstable_by(|&a, &b| w[b].abs().total_cmp(&w[a].abs()));
    let mut chosen: Vec<usize> = by_size[..max / 2].to_vec();
    let stride = w.len().div_ceil(max / 2);
    chosen.extend((0..w.len()).step_by(stride.max(1)));
    chosen.sort_unstable();
    chosen.dedup();
    chosen
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stems_keep_the_largest_weights() {
        let mut w = vec![0.001; 10_000];
        w[1234] = 5.0;
        w[9876] = -3.0;
        let idx = stem_indices(&w, 100);
        assert!(idx.len() <= 100);
        assert!(idx.contains(&1234) && idx.contains(&9876));
        assert!(idx.windows(2).all(|p| p[0] < p[1]));
        assert_eq!(stem_indices(&w[..50], 100).len(), 50);
    }

    /// A unit whose weights from a are cos(2π·3a/p) and from b are sin(2π·5b/p) has all its
    /// power at frequencies 3 and 5, p²/4 each (Parseval: Σ_a cos² = p/2, and the DFT puts
    /// half of it at k, half at p − k).
    #[test]
    fn a_pure_frequency_lands_in_its_bin() {
        let (p, width) = (13, 2);
        let mut layer = vec![0.0; 2 * p * width];
        for a in 0..p {
            let phase = 2.0 * std::f64::consts::PI * a as f64 / p as f64;
            layer[a * width] = (3.0 * phase).cos();
            layer[(p + a) * width] = (5.0 * phase).sin();
        }
        let power = fourier_power(&layer, p, width, &mut FftPlanner::new());
        let half = p / 2 + 1;
        for (k, &pw) in power[..half].iter().enumerate() {
            let expected = if k == 3 || k == 5 {
                (p * p) as f64 / 4.0
            } else {
                0.0
            };
            assert!((pw - expected).abs() < 1e-9, "k = {k}: {pw}");
        }
        assert!(
            power[half..].iter().all(|&pw| pw == 0.0),
            "the second unit is zero"
        );
    }
}
