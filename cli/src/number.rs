//! Numbers as people read them in tables, titles and axis labels.

/// `v` in at most a few characters: plain between 10⁻³ and 10⁵ (`0.001`, `128`, `6000`),
/// otherwise in exponent form (`1e200`, `2.5e-5`).
pub fn short(v: f64) -> String {
    if v == 0.0 || !v.is_finite() || (1e-3..1e5).contains(&v.abs()) {
        return plain(v);
    }
    let text = format!("{v:.3e}");
    let (mantissa, exponent) = text.split_once('e').unwrap_or((&text, "0"));
    let mantissa = mantissa.trim_end_matches('0').trim_end_matches('.');
    format!("{mantissa}e{exponent}")
}

/// `v` without an exponent, rounded to 4 significant digits (never fewer than the integer
/// part), so that log-spaced values stay short.
fn plain(v: f64) -> String {
    if v == 0.0 || !v.is_finite() {
        return if v == 0.0 {
            "0".to_owned()
        } else {
            v.to_string()
        };
    }
    let digits = 3 - v.abs().log10().floor().clamp(-3.0, 4.0) as i32;
    let rounded = format!("{:.*}", digits.max(0) as usize, v);
    if rounded.contains('.') {
        rounded
            .trim_end_matches('0')
            .trim_end_matches('.')
            .to_owned()
    } else {
        rounded
    }
}

/// Above `t = 10^TIME_EXPONENT_FROM`, times are written by their exponent (`10^231.9`): one
/// threshold for the command line's summaries, the explorer's status line and the figures.
/// Below it they are plain numbers; above it, what fig. 4's descent on ln L reaches (10^300
/// and more, beyond an f64) stays readable.
pub const TIME_EXPONENT_FROM: f64 = 6.0;

/// A time given by its `log10`, short (4 significant digits; figures, the time slider):
/// `0`, `0.01`, `3315`, `10^40.2`.
pub fn time(log10_t: f64) -> String {
    if log10_t > TIME_EXPONENT_FROM {
        power_of_ten(log10_t)
    } else {
        plain(10f64.powf(log10_t))
    }
}

/// A time given by its `log10` to 4 decimal places (summaries, the status line): `0`,
/// `0.01`, `3315.1234`, `10^40.2`; `—` for none.
pub fn precise_time(log10_t: Option<f64>) -> String {
    match log10_t {
        None => "—".to_owned(),
        Some(l) if l > TIME_EXPONENT_FROM => power_of_ten(l),
        Some(l) => {
            let scale = 1e4;
            format!("{}", (grokflow_core::from_log10(l) * scale).round() / scale)
        }
    }
}

/// `10^x` with the exponent to 2 decimals, without trailing zeros: `10^7`, `10^231.9`.
fn power_of_ten(log10: f64) -> String {
    let exponent = format!("{log10:.2}");
    format!(
        "10^{}",
        exponent.trim_end_matches('0').trim_end_matches('.')
    )
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
        assert_eq!(time(f64::NEG_INFINITY), "0");
        assert_eq!(time(5.5), "316228");
        assert_eq!(time(400.2), "10^400.2");
        assert_eq!(time(7.0), "10^7");
        assert_eq!(precise_time(Some(-2.0)), "0.01");
        assert_eq!(precise_time(Some(3315.123456_f64.log10())), "3315.1235");
        assert_eq!(precise_time(Some(f64::NEG_INFINITY)), "0");
        assert_eq!(precise_time(Some(231.9)), "10^231.9");
        assert_eq!(precise_time(None), "—");
    }
}
