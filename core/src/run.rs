//! Layer 7, run: the presets, the log-time grid, metrics, transition detection, the memory
//! layout of a run and the [`Simulation`] loop that every front end drives.

pub(crate) mod buffers;
pub(crate) mod decay_warning;
pub(crate) mod grid;
pub(crate) mod metrics;
pub(crate) mod preset;
pub(crate) mod simulation;
pub(crate) mod transition;
pub(crate) mod transition_shape;

pub use buffers::{Layout, StaticStorage};
pub use decay_warning::DecayWarning;
pub use grid::LogGrid;
pub use metrics::{Metrics, References};
pub use preset::{
    FIG1A, FIG1A_SMALL, FIG1B, FIG1B_SMALL, FIG2, FIG2_QUADRATIC, FIG2_QUADRATIC_SMALL, FIG2_SMALL,
    FIG3, FIG3_SMALL, FIG4_DIAGONAL_SMALL, FIG4_SMALL, MC_TINY, MLP_TINY, PRECISION_SMALL, PRESETS,
    Preset, SPARSE_REG_SMALL, preset, task_preset,
};
pub use simulation::{Observer, Simulation, Status};
pub use transition::{
    DROP_ACCURACY, FIT_LOSS_FRACTION, GROK_ACCURACY, GROK_LOSS_FRACTION, LEARNED_LOSS_FRACTION,
    Transitions,
};
pub use transition_shape::TransitionShape;
