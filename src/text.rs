//! Text measured in terminal columns: cutting to a width, and hard-wrapping long URLs.

use unicode_width::UnicodeWidthStr;

/// Cuts `text` to `width` columns, ending in an ellipsis when cut. Control
/// characters and escape sequences are filtered first ([`crate::sanitize`]):
/// what is measured is what a terminal shows.
pub fn fit(text: &str, width: usize) -> String {
    let text = crate::sanitize::line(text);
    let text = text.as_ref();
    if text.width() <= width {
        return text.to_string();
    }
    // Measured as a string, not per character: an emoji followed by a
    // variation selector is two columns, though each char alone says one.
    let mut out = String::new();
    for c in text.chars() {
        out.push(c);
        if out.width() + 1 > width {
            out.pop();
            break;
        }
    }
    if width > 0 {
        out.push('…');
    }
    out
}

/// Splits `text` into pieces at most `width` columns wide, without losing a
/// character a terminal shows: a URL stays complete and copyable across lines.
pub fn chunks(text: &str, width: usize) -> Vec<String> {
    let text = crate::sanitize::line(text);
    let width = width.max(1);
    let mut lines = Vec::new();
    let mut line = String::new();
    for c in text.chars() {
        line.push(c);
        if line.width() > width && line.chars().count() > 1 {
            line.pop();
            lines.push(std::mem::take(&mut line));
            line.push(c);
        }
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
