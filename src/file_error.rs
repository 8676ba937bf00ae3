//! What is wrong in one of the user's TOML files (config.toml, keymap.toml), and where: one sentence with file, line and key.

use std::path::Path;

/// What is wrong in a file the user wrote, and where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileError {
    /// 1-based; 0 when the parser could not say.
    pub line: usize,
    /// The key the line sets (`download.pattern` in config.toml, the key as
    /// written in `on` in keymap.toml), when known.
    pub key: Option<String>,
    pub message: String,
}

impl FileError {
    /// One sentence naming the file, the line and the key.
    pub fn sentence(&self, file: &Path) -> String {
        let mut out = file.display().to_string();
        if self.line > 0 {
            out.push_str(&format!(", line {}", self.line));
        }
        if let Some(key) = &self.key {
            out.push_str(&format!(", key `{key}`"));
        }
        out.push_str(": ");
        out.push_str(&self.message);
        out
    }
}

/// The line (1-based) of a byte offset into `text`; past the end is the
/// last line.
pub(crate) fn line_of(text: &str, at: usize) -> usize {
    text.get(..at.min(text.len()))
        .unwrap_or(text)
        .bytes()
        .filter(|b| *b == b'\n')
        .count()
        + 1
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_sentence_leaves_out_what_is_not_known() {
        let full = FileError {
            line: 3,
            key: Some("theme".into()),
            message: "\"pink\" is not one of auto, dark".into(),
        };
        assert_eq!(
            full.sentence(Path::new("/c/config.toml")),
            "/c/config.toml, line 3, key `theme`: \"pink\" is not one of auto, dark"
        );
        let bare = FileError {
            line: 0,
            key: None,
            message: "expected a table".into(),
        };
        assert_eq!(
            bare.sentence(Path::new("/c/keymap.toml")),
            "/c/keymap.toml: expected a table"
        );
    }

    #[test]
    fn lines_count_from_one_and_an_offset_past_the_end_is_the_last_line() {
        let text = "a = 1\nb = 2\n";
        assert_eq!(line_of(text, 0), 1);
        assert_eq!(line_of(text, 6), 2);
        assert_eq!(line_of(text, 999), 3);
        // Inside a multi-byte character: counted up to the whole text.
        assert_eq!(line_of("é\n", 1), 2);
    }
}
