//! Text measured in terminal columns: cutting to a width, and hard-wrapping long URLs.

use unicode_segmentation::UnicodeSegmentation;
use unicode_width::UnicodeWidthStr;

/// Cuts `text` to `width` columns, ending in an ellipsis when cut. Control
/// characters and escape sequences are filtered first ([`crate::sanitize`]):
/// what is measured is what a terminal shows.
///
/// Measured grapheme by grapheme, as ratatui draws them (an emoji with its
/// variation selector is two columns, though each char alone says one), in
/// one pass: a megabyte caption costs a megabyte of work, not its square.
pub fn fit(text: &str, width: usize) -> String {
    let text = crate::sanitize::line(text);
    if text.width() <= width {
        return text.into_owned();
    }
    // Room for the ellipsis.
    let budget = width.saturating_sub(1);
    let mut out = String::new();
    let mut used = 0;
    for grapheme in text.graphemes(true) {
        let w = grapheme.width();
        if used + w > budget {
            break;
        }
        out.push_str(grapheme);
        used += w;
    }
    if width > 0 {
        out.push('…');
    }
    out
}

/// Cuts `text` to `width` columns at a word boundary, ending in an
/// ellipsis when cut: never half a word. `None` when not even the first
/// word fits. Sanitized first, as [`fit`]; one pass.
pub fn fit_words(text: &str, width: usize) -> Option<String> {
    let text = crate::sanitize::line(text);
    if text.width() <= width {
        return Some(text.into_owned());
    }
    // Room for the ellipsis.
    let budget = width.checked_sub(1)?;
    let mut cut = None;
    let mut used = 0;
    for (i, grapheme) in text.grapheme_indices(true) {
        if grapheme.chars().all(char::is_whitespace) && !text[..i].trim_end().is_empty() {
            cut = Some(i);
        }
        used += grapheme.width();
        if used > budget {
            break;
        }
    }
    cut.map(|i| format!("{}…", text[..i].trim_end()))
}

/// Splits `text` into pieces at most `width` columns wide, without losing a
/// character a terminal shows: a URL stays complete and copyable across
/// lines. One pass, grapheme by grapheme.
pub fn chunks(text: &str, width: usize) -> Vec<String> {
    let text = crate::sanitize::line(text);
    let width = width.max(1);
    let mut lines = Vec::new();
    let mut line = String::new();
    let mut used = 0;
    for grapheme in text.graphemes(true) {
        let w = grapheme.width();
        if used + w > width && !line.is_empty() {
            lines.push(std::mem::take(&mut line));
            used = 0;
        }
        line.push_str(grapheme);
        used += w;
    }
    if !line.is_empty() || lines.is_empty() {
        lines.push(line);
    }
    lines
}

/// Pads with spaces to exactly `width` columns (cutting when longer).
pub(crate) fn pad(text: &str, width: usize) -> String {
    let cut = fit(text, width);
    let missing = width.saturating_sub(cut.width());
    format!("{cut}{}", " ".repeat(missing))
}

/// A closed choice's names as a sentence says them: `auto, dark, light or
/// plain`. From the `clap::ValueEnum` itself, so an error message lists
/// exactly what `--help` lists (hidden names left out).
pub fn choices<E: clap::ValueEnum>() -> String {
    let names: Vec<String> = E::value_variants()
        .iter()
        .filter_map(E::to_possible_value)
        .filter(|v| !v.is_hide_set())
        .map(|v| v.get_name().to_string())
        .collect();
    match names.split_last() {
        None => String::new(),
        Some((last, [])) => last.clone(),
        Some((last, rest)) => format!("{} or {last}", rest.join(", ")),
    }
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
    fn fit_words_cuts_between_words_only() {
        assert_eq!(
            fit_words("refresh failed", 20).as_deref(),
            Some("refresh failed")
        );
        assert_eq!(
            fit_words("Error validating access token", 22).as_deref(),
            Some("Error validating…")
        );
        // The space before the cut is not kept; exactly at the boundary fits.
        assert_eq!(fit_words("ab cd ef", 6).as_deref(), Some("ab cd…"));
        assert_eq!(fit_words("ab cd ef", 5).as_deref(), Some("ab…"));
        assert_eq!(fit_words("unbreakable words", 8), None);
        assert_eq!(fit_words("a b", 0), None);
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
    fn a_megabyte_of_text_is_cut_and_split_in_one_pass() {
        // Quadratic before: every char re-measured the whole prefix, which
        // zero-width characters (combining marks, ZWSP) never let fill up.
        let zalgo = format!("a{}b", "\u{301}".repeat(500_000));
        assert_eq!(fit(&zalgo, 1), "…");
        assert_eq!(fit(&zalgo, 3), zalgo);
        let invisible = format!("x{}y and more", "\u{200b}".repeat(400_000));
        assert!(fit(&invisible, 5).width() <= 5);
        assert_eq!(chunks(&invisible, 4).concat(), invisible);
        let long = "larch 🌲 ".repeat(100_000);
        assert!(long.len() > 1_000_000);
        let cut = fit(&long, 48);
        assert!(cut.width() <= 48 && cut.ends_with('…'), "{cut}");
        let pieces = chunks(&long, 80);
        assert!(pieces.iter().all(|p| p.width() <= 80));
        assert_eq!(pieces.concat(), long);
    }

    #[test]
    fn pad_to_width() {
        assert_eq!(pad("ab", 4), "ab  ");
        assert_eq!(pad("abcdef", 4), "abc…");
    }
}
