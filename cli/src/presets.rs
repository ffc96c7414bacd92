//! `grokflow presets`: every preset with its sizes and what it shows.

use std::fmt::Write as _;

use grokflow_core::PRESETS;

/// One entry per preset: name, task and sizes on the first line, the description under it.
pub fn listing() -> String {
    let mut out = String::new();
    for p in PRESETS {
        let c = p.config;
        let _ = writeln!(
            out,
            "{:<18} {:<11} d={:<7} n={:<4} n_test={:<6} α={:<5} λ={:<6} t_max={}\n{:18} {}\n",
            p.name,
            c.task.name(),
            c.d,
            c.n,
            c.n_test,
            c.alpha,
            c.lambda,
            c.t_max,
            "",
            p.description
        );
    }
    out
}
