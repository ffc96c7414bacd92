//! Numbers as people read them in tables, titles and axis labels.

/// `v` in at most a few characters: plain between 10⁻³ and 10⁵ (`0.001`, `128`, `6000`),
/// otherwise in exponent form (`1e200`, `2.5e-5`).
pub fn short(v: f64) -> String {
    if v == 0.0 || !v.is_finite() || (1e-3..1e5).contains(&v.abs()) {
        // Rounded to 4 significant digits so that log-spaced values stay short.
        let digits = 3 - v.abs().log10().floor().clamp(-3.0, 4.0) as i32;
        let rounded = format!("{:.*}", digits.max(0) as usize, v);
        let trimmed = if rounded.contains('.') {
            rounded.trim_end_matches('0').trim_end_matches('.')
        } else {
            &rounded
        };
        return if v == 0.0 {
            "0".to_owned()
        } else {
            trimmed.to_owned()
        };
    }
    let text = format!("{v:.3e}");
    let (mantissa, exponent) = text.split_once('e').unwrap_or((&text, "0"));
    let mantissa = mantissa.trim_end_matches('0').trim_end_matches('.');
    format!("{mantissa}e{exponent}")
}

/// A time given by its `log10`, as [`short`] writes it while it fits in an f64, and as
/// `1e400` beyond (descent on ln L reaches such times).
pub fn time(log10_t: f64) -> String {
    if log10_t < 300.0 {
        short(10f64.powf(log10_t))
    } else {
        format!("1e{log10_t:.0}")
    }
}

/// A memory size: "12.5 GB", "300 MB", "44 kB".
pub fn bytes(bytes: usize) -> String {
    let b = bytes as f64;
    if b >= 1e9 {
        format!("{:.1} GB", b / 1e9)
    } else if b >= 1e6 {
        format!("{:.0} MB", b / 1e6)
    } else {
        format!("{:.0} kB", b / 1e3)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_stay_short_and_exact_where_they_are_round() {
        for (v, text) in [
            (0.0, "0"),
            (128.0, "128"),
            (0.001, "0.001"),
            (6000.0, "6000"),
            (1e200, "1e200"),
            (2.5e-5, "2.5e-5"),
            (1e-4, "1e-4"),
            (0.0031622776601683794, "0.003162"),
            (31.622776601683793, "31.62"),
            (100000.0, "1e5"),
            (-4.0, "-4"),
        ] {
            assert_eq!(short(v), text, "{v}");
        }
        assert_eq!(time(3.0), "1000");
        assert_eq!(time(400.2), "1e400");
    }
}
