//! A one-line text field: tui-input's buffer plus the keys that edit it.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use tui_input::{Input, InputRequest};

/// `Debug` shows the length, never the text: the same type holds the app
/// secret and pasted authorization codes.
#[derive(Clone, Default)]
pub struct TextField {
    input: Input,
}

impl std::fmt::Debug for TextField {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TextField")
            .field("chars", &self.input.value().chars().count())
            .field("cursor", &self.input.cursor())
            .finish()
    }
}

impl TextField {
    pub fn new(value: impl Into<String>) -> Self {
        let value: String = value.into();
        TextField {
            input: Input::new(value),
        }
    }

    pub fn value(&self) -> &str {
        self.input.value()
    }

    pub fn set(&mut self, value: impl Into<String>) {
        self.input = Input::new(value.into());
    }

    /// Cursor position in terminal columns, and the scroll that keeps it
    /// visible in a field `width` columns wide.
    pub fn visual_cursor(&self) -> usize {
        self.input.visual_cursor()
    }

    pub fn visual_scroll(&self, width: usize) -> usize {
        self.input.visual_scroll(width)
    }

    /// Cursor position in characters.
    pub fn cursor(&self) -> usize {
        self.input.cursor()
    }

    /// Inserts pasted text at the cursor; line breaks, escape sequences and
    /// other control characters become nothing, since every field is one
    /// line of text (a tab becomes a space).
    /// Built in one pass: inserting char by char re-walked the whole value
    /// for each one, so a large paste took the square of its length.
    pub fn paste(&mut self, text: &str) {
        let cursor = self.input.cursor();
        let value = self.input.value();
        let at = value
            .char_indices()
            .nth(cursor)
            .map_or(value.len(), |(i, _)| i);
        let mut next = String::with_capacity(value.len() + text.len());
        next.push_str(&value[..at]);
        let mut inserted = 0;
        // Escape sequences go whole (crate::sanitize), then the line breaks.
        let text = crate::sanitize::lines(text);
        for c in text.chars().filter(|c| *c != '\n') {
            next.push(c);
            inserted += 1;
        }
        next.push_str(&value[at..]);
        self.input = Input::new(next).with_cursor(cursor + inserted);
    }

    /// Applies an editing key. Returns false for keys that are not editing
    /// keys, so the caller can treat them as commands.
    pub fn handle_key(&mut self, key: &KeyEvent) -> bool {
        let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
        let alt = key.modifiers.contains(KeyModifiers::ALT);
        let request = match key.code {
            KeyCode::Char('w') if ctrl => InputRequest::DeletePrevWord,
            KeyCode::Char('u') if ctrl => InputRequest::DeleteFromStart,
            KeyCode::Char('k') if ctrl => InputRequest::DeleteTillEnd,
            KeyCode::Char('a') if ctrl => InputRequest::GoToStart,
            KeyCode::Char('e') if ctrl => InputRequest::GoToEnd,
            KeyCode::Char(_) if ctrl || alt => return false,
            KeyCode::Char(c) => InputRequest::InsertChar(c),
            KeyCode::Backspace if ctrl || alt => InputRequest::DeletePrevWord,
            KeyCode::Backspace => InputRequest::DeletePrevChar,
            KeyCode::Delete => InputRequest::DeleteNextChar,
            KeyCode::Left if ctrl => InputRequest::GoToPrevWord,
            KeyCode::Right if ctrl => InputRequest::GoToNextWord,
            KeyCode::Left => InputRequest::GoToPrevChar,
            KeyCode::Right => InputRequest::GoToNextChar,
            KeyCode::Home => InputRequest::GoToStart,
            KeyCode::End => InputRequest::GoToEnd,
            _ => return false,
        };
        self.input.handle(request);
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(code: KeyCode) -> KeyEvent {
        KeyEvent::new(code, KeyModifiers::NONE)
    }

    #[test]
    fn debug_never_shows_the_text() {
        let f = TextField::new("3f1c9a7e5b2d4f608a1c3e5b7d9f0a2c");
        assert!(!format!("{f:?}").contains("3f1c"));
    }

    #[test]
    fn edits_with_cursor_keys() {
        let mut f = TextField::new("");
        for c in "helo".chars() {
            assert!(f.handle_key(&key(KeyCode::Char(c))));
        }
        f.handle_key(&key(KeyCode::Left));
        f.handle_key(&key(KeyCode::Char('l')));
        assert_eq!(f.value(), "hello");
        f.handle_key(&key(KeyCode::Home));
        f.handle_key(&key(KeyCode::Delete));
        assert_eq!(f.value(), "ello");
        f.handle_key(&key(KeyCode::End));
        f.handle_key(&key(KeyCode::Backspace));
        assert_eq!(f.value(), "ell");
        f.paste(" world\n");
        f.handle_key(&KeyEvent::new(KeyCode::Char('w'), KeyModifiers::CONTROL));
        assert_eq!(f.value(), "ell ");
        assert!(!f.handle_key(&key(KeyCode::Tab)));
    }

    #[test]
    fn a_paste_lands_at_the_cursor_in_one_piece() {
        let mut f = TextField::new("héllo");
        f.handle_key(&key(KeyCode::Home));
        f.handle_key(&key(KeyCode::Right));
        f.paste("ab\r\n\x1b[2Jc");
        assert_eq!(f.value(), "habcéllo");
        assert_eq!(f.cursor(), 4, "after the pasted text");
        // A megabyte paste (quadratic before) lands whole.
        let big = "AQBx-hBsH3a9".repeat(90_000);
        f.set("");
        f.paste(&big);
        assert_eq!(f.value().len(), big.len());
        assert_eq!(f.cursor(), big.chars().count());
    }
}
