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
    pub(crate) fn visual_cursor(&self) -> usize {
        self.input.visual_cursor()
    }

    pub(crate) fn visual_scroll(&self, width: usize) -> usize {
        self.input.visual_scroll(width)
    }

    /// Cursor position in characters.
    pub(crate) fn cursor(&self) -> usize {
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
    pub(crate) fn handle_key(&mut self, key: &KeyEvent) -> bool {
        match editing_request(key) {
            Some(request) => {
                self.input.handle(request);
                true
            }
            None => false,
        }
    }
}

/// What `key` asks of a field: tui-input's own key map, where ours keeps
/// three differences. Ctrl-U deletes to the start, not the whole line;
/// Ctrl- or Alt-Backspace deletes a word; and a Ctrl or Alt letter other
/// than Ctrl-W, -K, -A, -E is a command of the screen (Ctrl-B, Ctrl-F,
/// Ctrl-H, Ctrl-Y, Alt-B… edit nothing here). Other modifiers (Shift,
/// Super, Alt on an arrow) do not change an editing key.
fn editing_request(key: &KeyEvent) -> Option<InputRequest> {
    let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
    let alt = key.modifiers.contains(KeyModifiers::ALT);
    let modifiers = match key.code {
        KeyCode::Char('u') if ctrl => return Some(InputRequest::DeleteFromStart),
        KeyCode::Char('w' | 'k' | 'a' | 'e') if ctrl => KeyModifiers::CONTROL,
        KeyCode::Char(_) if ctrl || alt => return None,
        KeyCode::Backspace if ctrl || alt => return Some(InputRequest::DeletePrevWord),
        KeyCode::Left | KeyCode::Right if ctrl => KeyModifiers::CONTROL,
        _ => KeyModifiers::NONE,
    };
    let key = KeyEvent::new(key.code, modifiers);
    tui_input::backend::crossterm::to_input_request(&crossterm::event::Event::Key(key))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(code: KeyCode) -> KeyEvent {
        KeyEvent::new(code, KeyModifiers::NONE)
    }

    /// The key map as it was written by hand before tui-input's took its
    /// place: every key, under every mix of modifiers, still does the same.
    fn by_hand(key: &KeyEvent) -> Option<InputRequest> {
        let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
        let alt = key.modifiers.contains(KeyModifiers::ALT);
        Some(match key.code {
            KeyCode::Char('w') if ctrl => InputRequest::DeletePrevWord,
            KeyCode::Char('u') if ctrl => InputRequest::DeleteFromStart,
            KeyCode::Char('k') if ctrl => InputRequest::DeleteTillEnd,
            KeyCode::Char('a') if ctrl => InputRequest::GoToStart,
            KeyCode::Char('e') if ctrl => InputRequest::GoToEnd,
            KeyCode::Char(_) if ctrl || alt => return None,
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
            _ => return None,
        })
    }

    #[test]
    fn every_key_edits_as_it_did() {
        let mut codes: Vec<KeyCode> = ('a'..='z')
            .chain(['A', 'Z', '1', ' ', '/', 'é', '語'])
            .map(KeyCode::Char)
            .collect();
        codes.extend([
            KeyCode::Backspace,
            KeyCode::Delete,
            KeyCode::Left,
            KeyCode::Right,
            KeyCode::Up,
            KeyCode::Down,
            KeyCode::Home,
            KeyCode::End,
            KeyCode::PageUp,
            KeyCode::Tab,
            KeyCode::BackTab,
            KeyCode::Enter,
            KeyCode::Esc,
            KeyCode::Insert,
            KeyCode::F(2),
        ]);
        let (ctrl, alt, shift) = (
            KeyModifiers::CONTROL,
            KeyModifiers::ALT,
            KeyModifiers::SHIFT,
        );
        let mixes = [
            KeyModifiers::NONE,
            shift,
            ctrl,
            alt,
            ctrl | alt,
            ctrl | shift,
            alt | shift,
            ctrl | alt | shift,
            KeyModifiers::SUPER,
            KeyModifiers::META,
        ];
        for code in codes {
            for modifiers in mixes {
                let key = KeyEvent::new(code, modifiers);
                assert_eq!(editing_request(&key), by_hand(&key), "{key:?}");
            }
        }
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
