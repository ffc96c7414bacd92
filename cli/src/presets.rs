//! `grokflow presets`: every preset with its sizes and what it shows.

use std::fmt::Write as _;

use grokflow_core::{PRESETS, Task};

use crate::number::short;

/// A table of the presets (name, task, sizes, α, λ, horizon; columns as wide as their
/// widest entry), each followed by its description, indented.
pub fn listing() -> String {
    let rows: Vec<[String; 8]> = PRESETS
        .iter()
        .map(|p| {
            let c = p.config;
            let size = match c.task {
                Task::ModAdd => format!("p={} width={}", c.d, c.width),
                _ => format!("d={}", c.d),
            };
            [
                p.name.to_owned(),
                c.task.name().to_owned(),
                size,
                format!("n={}", c.n),
                format!("n_test={}", c.n_test),
                format!("α={}", short(c.alpha)),
                format!("λ={}", short(c.lambda)),
                format!("t_max={}", short(c.t_max)),
            ]
        })
        .collect();
    let mut widths = [0; 8];
    for row in &rows {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.chars().count());
        }
    }
    let mut out = String::new();
    for (p, row) in PRESETS.iter().zip(&rows) {
        let mut line = String::new();
        for (cell, w) in row.iter().zip(widths) {
            // `{:<w$}` pads by chars, so α and λ do not shift the columns.
            let _ = write!(line, "{cell:<w$}  ");
        }
        let _ = writeln!(out, "{}", line.trim_end());
        let _ = writeln!(
            out,
            "{:indent$}{}\n",
            "",
            p.description,
            indent = widths[0] + 2
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_column_starts_at_the_same_place_and_numbers_stay_short() {
        let text = listing();
        let heads: Vec<&str> = text
            .lines()
            .filter(|l| !l.starts_with(' ') && !l.is_empty())
            .collect();
        assert_eq!(heads.len(), PRESETS.len());
        for column in ["n=", "α=", "λ=", "t_max="] {
            let at: Vec<usize> = heads
                .iter()
                .map(|l| {
                    l.find(column)
                        .map(|b| l[..b].chars().count())
                        .expect(column)
                })
                .collect();
            assert!(
                at.windows(2).all(|w| w[0] == w[1]),
                "{column}: {at:?}\n{text}"
            );
        }
        assert!(heads.iter().all(|l| l.chars().count() < 140), "{text}");
    }
}
