//! The paper's claims and the project's guarantees, in one test binary: one build of the
//! core's generic code instead of one per file, and the harness spreads every test over the
//! cores instead of running the files one after another. `no_allocation` (a counting global
//! allocator) and `simd_levels` (a forced vector level) are process-wide, so they keep
//! binaries of their own.

mod depth;
mod determinism;
mod divergence;
mod experiment_files;
mod file_data;
mod flow_integrator;
mod layers;
mod matrix_completion;
mod misgrokking;
mod mlp_reference;
mod modular_addition;
mod no_weight_decay;
mod precision_study;
mod robustness;
mod rounding;
mod soft_float;
mod sparse_classification;
mod sparse_regression;
