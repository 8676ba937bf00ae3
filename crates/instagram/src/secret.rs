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
    fn short_values_are_fully_masked() {
        assert_eq!(Secret::new("abc123").masked(), "••••••••");
        assert_eq!(Secret::new("").masked(), "");
    }
}
