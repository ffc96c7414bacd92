//! Layer 8, the host (feature `std`): what needs an allocator or the operating system. A
//! heap-backed [`experiment`] runner and the [`driver`] every front end steps it with, the reference max-margin / min-norm solvers, data sets
//! from files, versioned experiment files, sweeps over threads and the precision study.

pub mod driver;
pub mod experiment;
pub mod experiment_file;
pub mod file_data;
pub mod law_fit;
pub mod outcome;
pub mod reference;
pub mod shard;
pub mod study;
pub mod summary;
pub mod sweep;
