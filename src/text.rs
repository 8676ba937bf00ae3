//! Text measured in terminal columns: cutting to a width, and hard-wrapping long URLs.

use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

/// Cuts `text` to `width` columns, ending in an ellipsis when cut.
pub fn fit(text: &str, width: usize) -> String {
    if text.width() <= width {
        return text.to_string();
    }
    let mut out = String::new();
    let mut used = 0;
    for c in text.chars() {
        let w = c.width().unwrap_or(0);
        if used + w + 1 > width {
            break;
        }
        used += w;
        out.push(c);
    }
    if width > 0 {
        out.push('…');
    }
    out
}

/// Splits `text` into pieces at most `width` columns wide, without losing a
/// character: a URL stays complete and copyable across lines.
pub fn chunks(text: &str, width: usize) -> Vec<String> {
    let width = width.max(1);
    let mut lines = Vec::new();
    let mut line = String::new();
    let mut used = 0;
    for c in text.chars() {
        let w = c.width().unwrap_or(0);
        if used + w > width && !line.is_empty() {
            lines.push(std::mem::take(&mut line));
            used = 0;
        }
        line.push(c);
        used += w;
    }
    if !line.is_empty() || lines.is_empty() {
        lines.push(line);
    }
    lines
}

/// Pads with spaces to exactly `width` columns (cutting when longer).
pub fn pad(text: &str, width: usize) -> String {
    let cut = fit(text, width);
    let missing = width.saturating_sub(cut.width());
    format!("{cut}{}", " ".repeat(missing))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fit_respects_wide_characters() {
        assert_eq!(fit("hello", 10), "hello");
        assert_eq!(fit("hello world", 6), "hello…");
        assert!(fit("🏔️🏔️🏔️🏔️", 5).width() <= 5);
        assert_eq!(fit("abc", 0), "");
    }

    #[test]
    fn chunks_keep_every_character() {
        let url = "https://example.org/a?b=c&d=e";
        let pieces = chunks(url, 7);
        assert!(pieces.iter().all(|p| p.width() <= 7));
        assert_eq!(pieces.concat(), url);
        assert_eq!(chunks("", 5), vec![String::new()]);
    }

    #[test]
    fn pad_to_width() {
        assert_eq!(pad("ab", 4), "ab  ");
        assert_eq!(pad("abcdef", 4), "abc…");
    }
}
