//! The largest sizes a configuration may ask for.

/// Largest input dimension accepted (2²⁴; the paper's largest is 10⁵).
pub const MAX_DIM: usize = 1 << 24;
/// Largest number of training or test points accepted.
pub const MAX_SAMPLES: usize = 1 << 20;
/// Largest depth of the diagonal net.
pub const MAX_DEPTH: u32 = 8;
/// Largest matrix size for matrix completion (2d² parameters).
pub const MAX_MATRIX: usize = 1024;
/// Largest modulus for modular addition.
pub const MAX_MODULUS: usize = 1024;
/// Largest hidden width of the MLP.
pub const MAX_WIDTH: usize = 1 << 16;
