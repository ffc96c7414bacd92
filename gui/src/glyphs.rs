//! Text for the window: the bundled fonts lack a few of the symbols the science texts use.

/// Replaces the symbols the default fonts cannot draw: the double bar of a norm, arrows, and
/// superscripts (written as `^…`).
pub fn for_display(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut in_superscript = false;
    for c in text.chars() {
        let plain = match c {
            '⁰' => Some('0'),
            '¹' => Some('1'),
            '²' => Some('2'),
            '³' => Some('3'),
            '⁴' => Some('4'),
            '⁵' => Some('5'),
            '⁶' => Some('6'),
            '⁷' => Some('7'),
            '⁸' => Some('8'),
            '⁹' => Some('9'),
            '⁻' => Some('-'),
            'ᵀ' => Some('T'),
            _ => None,
        };
        match plain {
            Some(p) => {
                if !in_superscript {
                    out.push('^');
                }
                out.push(p);
                in_superscript = true;
            }
            None => {
                in_superscript = false;
                match c {
                    '‖' => out.push('|'),
                    '→' => out.push_str("->"),
                    _ => out.push(c),
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::for_display;

    #[test]
    fn superscripts_norms_and_arrows_become_plain() {
        assert_eq!(
            for_display("λ = 10⁻³, ‖θ‖² → UUᵀ"),
            "λ = 10^-3, |θ|^2 -> UU^T"
        );
    }
}
