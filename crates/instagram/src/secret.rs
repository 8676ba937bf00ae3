//! A string that must never leak: app secrets and access tokens.

use serde::{Deserialize, Serialize};
use std::fmt;

/// Holds a secret value. `Debug` and `Display` never show it; call
/// [`Secret::expose`] at the single place the raw value is needed (an HTTP
/// form, `token --reveal`).
#[derive(Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Self {
        Secret(value.into())
    }

    pub fn expose(&self) -> &str {
        &self.0
    }

    /// First four and last four characters, enough to tell two tokens apart.
    /// Short values are hidden completely, since four plus four would reveal
    /// most of them.
    pub fn masked(&self) -> String {
        let chars: Vec<char> = self.0.chars().collect();
        if chars.is_empty() {
            return String::new();
        }
        if chars.len() < 16 {
            return "•".repeat(8);
        }
        let head: String = chars[..4].iter().collect();
        let tail: String = chars[chars.len() - 4..].iter().collect();
        format!("{head}…{tail}")
    }
}

/// The shortest piece of a secret [`Secret::mask_in`] hides wherever it
/// appears: shorter runs are common in any text and tell little.
pub const MASK_RUN: usize = 12;

impl Secret {
    /// `text` with every run of [`MASK_RUN`] or more characters of this
    /// secret replaced by [`Secret::masked`], line breaks inside a run
    /// included (a token folded over two lines), so a command's output can
    /// be kept and cut to any width afterwards without showing any of it.
    /// Line breaks are kept, so the lines stay where they were.
    pub fn mask_in(&self, text: &str) -> String {
        let secret: Vec<char> = self.0.chars().collect();
        if secret.len() < MASK_RUN || text.is_empty() {
            return text.to_string();
        }
        let grams: std::collections::HashSet<&[char]> = secret.windows(MASK_RUN).collect();
        let chars: Vec<char> = text.chars().collect();
        // The text without its line breaks, and where each character came from.
        let (joined, at): (Vec<char>, Vec<usize>) = chars
            .iter()
            .enumerate()
            .filter(|(_, c)| !matches!(c, '\n' | '\r'))
            .map(|(i, c)| (*c, i))
            .unzip();
        // Every window of MASK_RUN characters found in the secret is hidden:
        // together they cover every longer run, whatever its length.
        let mut hidden = vec![false; chars.len()];
        for (start, window) in joined.windows(MASK_RUN).enumerate() {
            if grams.contains(window) {
                for i in &at[start..start + MASK_RUN] {
                    hidden[*i] = true;
                }
            }
        }
        let mask = self.masked();
        let mut out = String::with_capacity(text.len());
        let mut in_run = false;
        for (c, hide) in chars.iter().zip(&hidden) {
            let line_break = matches!(c, '\n' | '\r');
            if *hide && !line_break {
                if !in_run {
                    out.push_str(&mask);
                    in_run = true;
                }
                continue;
            }
            if !line_break {
                in_run = false;
            }
            out.push(*c);
        }
        out
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(<redacted>)")
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.masked())
    }
}

impl From<&str> for Secret {
    fn from(value: &str) -> Self {
        Secret::new(value)
    }
}

impl From<String> for Secret {
    fn from(value: String) -> Self {
        Secret::new(value)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_and_display_never_show_the_value() {
        let s = Secret::new("IGQWRNb2ZAhYTFkX0V4YW1wbGVTaG9ydExpdmVk");
        assert!(!format!("{s:?}").contains("YW1w"));
        assert_eq!(format!("{s}"), "IGQW…dmVk");
    }

    #[test]
    fn any_run_of_twelve_characters_is_hidden_wherever_it_is() {
        let token = Secret::new("IGAAabcdefghijklmnopqrstuvwxyz0123456789");
        let raw = token.expose();
        let shown = token.mask_in(&format!("{}{raw} done", "x".repeat(150)));
        assert!(!shown.contains("abcdefgh"), "{shown}");
        assert!(shown.ends_with("IGAA…6789 done"), "{shown}");
        // A piece of it, cut anywhere.
        let piece = &raw[7..7 + MASK_RUN];
        assert!(!token.mask_in(&format!("at {piece}!")).contains(piece));
        // Folded over lines: hidden, the lines kept.
        let folded = format!("a {}\n{}\r\n{} b", &raw[..15], &raw[15..30], &raw[30..]);
        let shown = token.mask_in(&folded);
        assert_eq!(shown.lines().count(), 3, "{shown:?}");
        for part in [&raw[4..15], &raw[15..30], &raw[30..]] {
            assert!(!shown.contains(part), "{part} in {shown:?}");
        }
        // Eleven characters, or other text, stay.
        let eleven = &raw[3..14];
        assert_eq!(token.mask_in(eleven), eleven);
        assert_eq!(token.mask_in("nothing here"), "nothing here");
    }

    #[test]
    fn short_values_are_fully_masked() {
        assert_eq!(Secret::new("abc123").masked(), "••••••••");
        assert_eq!(Secret::new("").masked(), "");
    }
}
