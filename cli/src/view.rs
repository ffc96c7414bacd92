//! The explorer's views and the names `--view` and the explorer's links give them.

use serde::{Deserialize, Serialize};

/// Which view fills the middle of the explorer's window.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum View {
    /// The curves against log t.
    #[default]
    Curves,
    /// The weights of the model.
    Weights,
    /// The (α, λ) phase diagram (with --screenshot: its default grid, run to the end).
    // Saved window states before 2026-12-07 call it PhaseDiagram.
    #[serde(alias = "PhaseDiagram")]
    Phase,
}

impl View {
    /// Every view, in the explorer's order.
    pub const ALL: [View; 3] = [View::Curves, View::Weights, View::Phase];

    /// The name `--view` and links use.
    pub const fn name(self) -> &'static str {
        match self {
            View::Curves => "curves",
            View::Weights => "weights",
            View::Phase => "phase",
        }
    }

    /// The view [`View::name`] names.
    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|v| v.name() == name)
    }
}
