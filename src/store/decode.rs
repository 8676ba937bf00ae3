//! Turning the bytes of `state.json` into a current [`State`], or saying in one line why not.

use super::migrate;
use super::schema::{STATE_VERSION, State};
use std::path::Path;

/// Why a `state.json` cannot be used as is; either way it is moved aside.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Unreadable {
    /// Not JSON, or not this schema. The reason is one line with string
    /// values redacted, since they could be secrets.
    Corrupt(String),
    /// Written by a newer instatui with this schema version.
    Newer(u64),
}

impl Unreadable {
    /// The one-line message for the user.
    pub(crate) fn notice(&self, file_name: &str, moved_to: &Path) -> String {
        match self {
            Unreadable::Corrupt(reason) => format!(
                "{file_name} could not be read ({reason}); it was moved to {}. Run 'instatui setup' again.",
                moved_to.display()
            ),
            Unreadable::Newer(version) => format!(
                "{file_name} was written by a newer instatui (version {version}); it was moved to {}. \
                 Upgrade instatui to use it, or run 'instatui setup' again.",
                moved_to.display()
            ),
        }
    }
}

/// Reads the bytes as a `serde_json::Value` first to learn the version
/// (none means 0), refuses newer versions, migrates older ones, and then
/// checks the schema.
pub(crate) fn decode(bytes: &[u8]) -> Result<State, Unreadable> {
    decode_repaired(bytes).map(|(state, _)| state)
}

/// [`decode`], then mended where a hand edit or an older instatui left it
/// inconsistent (see [`State::repair`]), with one line saying what was.
pub(crate) fn decode_repaired(bytes: &[u8]) -> Result<(State, Option<String>), Unreadable> {
    let mut state = decode_as_is(bytes)?;
    let named_active = serde_json::from_slice::<serde_json::Value>(bytes)
        .ok()
        .and_then(|v| v.get("active").and_then(|a| a.as_str()).map(str::to_string));
    let notice = state.repair(named_active.as_deref());
    Ok((state, notice))
}

fn decode_as_is(bytes: &[u8]) -> Result<State, Unreadable> {
    let value: serde_json::Value =
        serde_json::from_slice(bytes).map_err(|e| corrupt(&e.to_string()))?;
    let object = value
        .as_object()
        .ok_or_else(|| corrupt("the file does not hold a JSON object"))?;
    let version = match object.get("version") {
        None => 0,
        Some(v) => v
            .as_u64()
            .ok_or_else(|| corrupt("its version is not a whole number"))?,
    };
    if version > u64::from(STATE_VERSION) {
        return Err(Unreadable::Newer(version));
    }
    let version = u32::try_from(version).map_err(|_| Unreadable::Newer(version))?;
    if version == STATE_VERSION {
        // Straight from the bytes, so the reason carries a line and column.
        return serde_json::from_slice(bytes).map_err(|e| corrupt(&e.to_string()));
    }
    let migrated = migrate::migrate(value, version).map_err(|e| corrupt(&e))?;
    serde_json::from_value(migrated).map_err(|e| corrupt(&e.to_string()))
}

const MAX_REASON_CHARS: usize = 200;

fn corrupt(reason: &str) -> Unreadable {
    let line = redact(reason)
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    let line = if line.chars().count() > MAX_REASON_CHARS {
        let cut: String = line.chars().take(MAX_REASON_CHARS).collect();
        format!("{cut}…")
    } else {
        line
    };
    Unreadable::Corrupt(line)
}

/// serde quotes offending values in its messages (`invalid type: string
/// "…"`, ``unknown variant `…` ``). A token pasted into the wrong field
/// would end up there, so every quoted value is replaced by `…`.
fn redact(reason: &str) -> String {
    const VARIANT: &str = "unknown variant `";
    let mut out = String::with_capacity(reason.len());
    let mut rest = reason;
    loop {
        let quote = rest.find('"');
        let variant = rest.find(VARIANT);
        match (quote, variant) {
            (Some(q), v) if v.is_none_or(|v| q < v) => {
                out.push_str(&rest[..q]);
                out.push_str("\"…\"");
                rest = skip_quoted(&rest[q + 1..]);
            }
            (_, Some(v)) => {
                out.push_str(&rest[..v + VARIANT.len()]);
                out.push_str("…`");
                let after = &rest[v + VARIANT.len()..];
                rest = match ["`, expected", "`, there are no variants"]
                    .iter()
                    .filter_map(|end| after.find(end))
                    .min()
                {
                    Some(end) => &after[end + 1..],
                    None => "",
                };
            }
            _ => {
                out.push_str(rest);
                return out;
            }
        }
    }
}

/// Skips past the closing, unescaped `"` of a Debug-quoted string.
fn skip_quoted(s: &str) -> &str {
    let mut escaped = false;
    for (i, c) in s.char_indices() {
        match c {
            _ if escaped => escaped = false,
            '\\' => escaped = true,
            '"' => return &s[i + 1..],
            _ => {}
        }
    }
    ""
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redacts_quoted_strings_and_variants() {
        assert_eq!(
            redact(r#"invalid type: string "IGQ\"secret", expected u32 at line 2 column 9"#),
            r#"invalid type: string "…", expected u32 at line 2 column 9"#
        );
        assert_eq!(
            redact("unknown variant `IGQsecret`, expected `short` or `long` at line 3"),
            "unknown variant `…`, expected `short` or `long` at line 3"
        );
        assert_eq!(redact("missing field `app_id`"), "missing field `app_id`");
    }

    #[test]
    fn a_secret_in_the_wrong_place_does_not_reach_the_reason() {
        let bytes = br#"{"version": 4, "accounts": [{"token": {"kind": "IGQWRsecretvalue", "value": "x",
            "user_id": "1", "obtained_at": "2026-01-01T00:00:00Z", "expires_at": "2026-01-01T00:00:00Z"}}]}"#;
        let Err(Unreadable::Corrupt(reason)) = decode(bytes) else {
            panic!("decoded");
        };
        assert!(!reason.contains("IGQWRsecretvalue"), "{reason}");
        assert!(reason.contains("line"), "{reason}");
        let bytes = br#"{"version": 4, "settings": {"auto_refresh": "IGQWRsecretvalue"}}"#;
        let Err(Unreadable::Corrupt(reason)) = decode(bytes) else {
            panic!("decoded");
        };
        assert!(!reason.contains("IGQWRsecretvalue"), "{reason}");
    }

    #[test]
    fn versions() {
        assert_eq!(decode(br#"{"version": 7}"#), Err(Unreadable::Newer(7)));
        assert!(matches!(
            decode(br#"{"version": -1}"#),
            Err(Unreadable::Corrupt(_))
        ));
        assert!(matches!(decode(b"[]"), Err(Unreadable::Corrupt(_))));
        assert_eq!(decode(b"{}"), Ok(State::default()));
    }

    #[test]
    fn reasons_are_one_line() {
        let Err(Unreadable::Corrupt(reason)) = decode(b"{\n\"version\": 1,\n") else {
            panic!("decoded");
        };
        assert!(!reason.contains('\n'));
        assert!(!reason.is_empty());
    }
}
