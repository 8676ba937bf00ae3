//! One-line text fields on screen: the visible slice, masked or not, and where the cursor goes.

use crate::app::field::TextField;
use unicode_width::UnicodeWidthChar;

/// What a field `width` columns wide shows, and the cursor's column in it.
/// A masked field shows one bullet per character, scrolled the same way.
pub(super) fn visible(field: &TextField, width: usize, masked: bool) -> (String, u16) {
    let width = width.max(1);
    if masked {
        let count = field.value().chars().count();
        let cursor = field.cursor().min(count);
        let scroll = cursor.saturating_sub(width - 1);
        let shown = "•".repeat(count.saturating_sub(scroll).min(width));
        return (shown, (cursor - scroll) as u16);
    }
    // tui-input scrolls in columns; skip whole characters worth that many.
    let scroll = field.visual_scroll(width - 1);
    let mut skipped = 0;
    let shown: String = field
        .value()
        .chars()
        .skip_while(|c| {
            let skip = skipped < scroll;
            if skip {
                skipped += c.width().unwrap_or(0);
            }
            skip
        })
        .collect();
    let column = field.visual_cursor().saturating_sub(skipped);
    (shown, column.min(width - 1) as u16)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_values_scroll_to_keep_the_cursor_in_view() {
        let field = TextField::new("abcdefghij");
        let (shown, column) = visible(&field, 5, false);
        assert_eq!(column, 4);
        assert!(shown.starts_with("ghij"), "{shown}");
        let (masked, column) = visible(&field, 5, true);
        assert_eq!(masked, "••••");
        assert_eq!(column, 4);
    }

    #[test]
    fn short_values_stay_put() {
        let field = TextField::new("abc");
        assert_eq!(visible(&field, 10, false), ("abc".to_string(), 3));
        assert_eq!(visible(&field, 10, true), ("•••".to_string(), 3));
        assert_eq!(visible(&TextField::default(), 0, false), (String::new(), 0));
    }
}
