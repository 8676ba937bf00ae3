//! Text from the network made safe to show on a terminal: the one filter every output path uses.
//!
//! Captions, usernames, links and Instagram's error messages are written by
//! strangers. Printed raw, `ESC ] 52 ; c ; … BEL` writes the clipboard,
//! `ESC ] 0 ; …` the window title, `ESC [ 2 J` clears the screen. Whole escape
//! sequences are removed here (not just their first byte, which would leave
//! `]0;title` behind), other control characters are dropped or turned into
//! spaces, and bidi overrides, which reorder what is shown, are dropped.
//! So are the emoji variation selectors (U+FE0E, U+FE0F): ratatui counts
//! `🏔️` two columns, many terminals draw it in one, and everything after it
//! on the line (a pane's right border) moved; without the selector both
//! count `🏔` one column. JSON output keeps every character, escaped (`json`).

use std::borrow::Cow;
use std::iter::Peekable;
use std::str::Chars;

/// One line: line breaks and tabs become spaces.
pub fn line(text: &str) -> Cow<'_, str> {
    clean(text, false)
}

/// Several lines: `\n` is kept (`\r\n` and a lone `\r` become `\n`), tabs
/// become spaces.
pub fn lines(text: &str) -> Cow<'_, str> {
    clean(text, true)
}

/// A ratatui line with every span filtered as by [`line()`]: for lines that
/// mix our labels with text from the network.
pub(crate) fn tui_line(mut line: ratatui::text::Line<'_>) -> ratatui::text::Line<'_> {
    for span in &mut line.spans {
        let cleaned = match self::line(&span.content) {
            Cow::Owned(text) => Some(text),
            Cow::Borrowed(_) => None,
        };
        if let Some(text) = cleaned {
            span.content = Cow::Owned(text);
        }
    }
    line
}

/// Whether a terminal could act on `c` rather than show it.
fn is_unsafe(c: char) -> bool {
    c.is_control() || is_bidi_control(c)
}

/// Text or emoji presentation (VS15, VS16): terminals and ratatui disagree
/// on how wide they make the character before them. Dropped from what is
/// shown; kept in JSON, where they mean no harm.
fn is_presentation_selector(c: char) -> bool {
    matches!(c, '\u{FE0E}' | '\u{FE0F}')
}

/// Embeddings, overrides and isolates (LRE…RLO, LRI…PDI): they make a
/// terminal show text in another order than it is.
fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

fn clean(text: &str, keep_newlines: bool) -> Cow<'_, str> {
    if !text
        .chars()
        .any(|c| is_unsafe(c) || is_presentation_selector(c))
    {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\x1b' => after_escape(&mut chars),
            // 8-bit CSI, and the 8-bit starts of OSC, DCS, SOS, PM, APC.
            '\u{9b}' => skip_csi(&mut chars),
            '\u{9d}' | '\u{90}' | '\u{98}' | '\u{9e}' | '\u{9f}' => {
                if skip_string(&mut chars) {
                    after_escape(&mut chars);
                }
            }
            '\r' | '\n' => {
                if c == '\r' && chars.peek() == Some(&'\n') {
                    chars.next();
                }
                out.push(if keep_newlines { '\n' } else { ' ' });
            }
            '\t' => out.push(' '),
            c if is_unsafe(c) || is_presentation_selector(c) => {}
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

/// Consumes what follows an ESC, up to the end of its sequence.
fn after_escape(chars: &mut Peekable<Chars<'_>>) {
    loop {
        match chars.next() {
            Some('[') => skip_csi(chars),
            // OSC, DCS, SOS, PM, APC: strings up to a terminator.
            Some(']' | 'P' | 'X' | '^' | '_') if skip_string(chars) => continue,
            Some(']' | 'P' | 'X' | '^' | '_') => {}
            // `ESC ( B` and the like: intermediates, then one final character.
            Some(' '..='/') => {
                while chars.next_if(|c| matches!(c, ' '..='/')).is_some() {}
                chars.next_if(|c| matches!(c, '0'..='~'));
            }
            // `ESC c`, `ESC 7`, … are two characters; a lone ESC at the end is nothing.
            _ => {}
        }
        return;
    }
}

/// Parameters and intermediates, then the final character, as a terminal reads them.
fn skip_csi(chars: &mut Peekable<Chars<'_>>) {
    while chars.next_if(|c| matches!(c, ' '..='?')).is_some() {}
    chars.next_if(|c| matches!(c, '@'..='~'));
}

/// Skips a string sequence's body up to BEL, ST (`ESC \` or 0x9c) or the end
/// of the text. Returns true when it stopped on an ESC that starts another
/// sequence (the ESC is consumed, what follows it is not).
fn skip_string(chars: &mut Peekable<Chars<'_>>) -> bool {
    while let Some(c) = chars.next() {
        match c {
            '\x07' | '\u{9c}' => return false,
            '\x1b' => return chars.next_if_eq(&'\\').is_none(),
            _ => {}
        }
    }
    false
}

/// Serialized JSON with the characters serde leaves raw but a terminal may
/// act on (DEL, C1 controls, bidi overrides) escaped as `\uXXXX`: still the
/// same JSON value, still valid JSON. serde already escapes C0, ESC included.
pub(crate) fn json(text: String) -> String {
    if !text.chars().any(is_unsafe) {
        return text;
    }
    let mut out = String::with_capacity(text.len() + 16);
    for c in text.chars() {
        if is_unsafe(c) && !matches!(c, '\n' | '\t' | '\r') {
            out.push_str(&format!("\\u{:04x}", c as u32));
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// The classic ways to make a terminal do something, each between two words.
    pub(crate) const HOSTILE: &[(&str, &str)] = &[
        ("CSI clear screen", "\x1b[2J\x1b[H"),
        ("CSI colour", "\x1b[31;1m"),
        ("OSC 0 title, BEL", "\x1b]0;owned\x07"),
        ("OSC 2 title, ST", "\x1b]2;owned\x1b\\"),
        ("OSC 52 clipboard, BEL", "\x1b]52;c;ZWNobyBvd25lZA==\x07"),
        ("OSC 52 clipboard, ST", "\x1b]52;c;ZWNobyBvd25lZA==\x1b\\"),
        ("OSC 8 hyperlink", "\x1b]8;;https://evil.example/\x1b\\"),
        ("DCS", "\x1bP1$r0m\x1b\\"),
        ("APC", "\x1b_Gf=100;AAAA\x1b\\"),
        ("8-bit CSI", "\u{9b}2J"),
        ("8-bit OSC", "\u{9d}0;owned\u{9c}"),
        ("bare ESC, reset", "\x1bc"),
        ("charset", "\x1b(0"),
        ("BEL", "\x07"),
        ("backspaces", "\x08\x08\x08"),
        ("carriage return", "\r"),
        ("bidi override", "\u{202E}"),
        ("NUL and DEL", "\0\x7f"),
    ];

    #[test]
    fn every_classic_sequence_is_removed_whole() {
        for (name, seq) in HOSTILE {
            let text = format!("before{seq}after");
            let shown = line(&text);
            assert!(
                shown == "beforeafter" || shown == "before after",
                "{name}: {shown:?}"
            );
        }
    }

    #[test]
    fn plain_text_is_untouched_and_not_copied() {
        let text = "Golden hour 🌲✨ #larch — بحيرة";
        assert!(matches!(line(text), Cow::Borrowed(t) if t == text));
        assert_eq!(line("a\tb\nc"), "a b c");
        assert_eq!(lines("a\r\nb\rc\n"), "a\nb\nc\n");
    }

    /// `🏔️` is two columns to ratatui and one to many terminals; `🏔` is
    /// one to both.
    #[test]
    fn emoji_presentation_selectors_are_dropped() {
        assert_eq!(line("fog 🌫️🏔️ rain 🌧️ sun ☀︎"), "fog 🌫🏔 rain 🌧 sun ☀");
        assert_eq!(lines("🏔️\n☀️"), "🏔\n☀");
    }

    #[test]
    fn an_unterminated_string_swallows_the_rest_and_a_new_escape_ends_it() {
        assert_eq!(line("a\x1b]0;never ends"), "a");
        // ESC inside an OSC that is not `ESC \` starts a new sequence.
        assert_eq!(line("a\x1b]0;t\x1b[2Jb"), "ab");
        assert_eq!(line("a\x1b"), "a");
        assert_eq!(line("a\u{9b}"), "a");
    }

    #[test]
    fn json_escapes_what_serde_leaves_raw() {
        let value = serde_json::json!({"caption": "a\x1b]0;t\x07\u{9b}2J\u{202e}\x7fb"});
        let text = json(serde_json::to_string(&value).expect("json"));
        assert!(!text.chars().any(is_unsafe), "{text}");
        assert!(text.contains("\\u001b"), "ESC escaped by serde: {text}");
        let back: serde_json::Value = serde_json::from_str(&text).expect("valid JSON");
        assert_eq!(back, value, "the same value");
    }

    proptest! {
        /// Whatever comes in, nothing a terminal acts on comes out.
        #[test]
        fn nothing_unsafe_survives(text in "(\\PC|[\\x00-\\x1f\\x7f\\u{80}-\\u{9f}\\u{202a}-\\u{202e}\\[\\]P_\\\\;])*") {
            let one = line(&text);
            prop_assert!(!one.chars().any(is_unsafe), "{one:?}");
            let many = lines(&text);
            prop_assert!(!many.chars().any(|c| c != '\n' && is_unsafe(c)), "{many:?}");
            let escaped = json(serde_json::to_string(&text).expect("json"));
            prop_assert!(!escaped.chars().any(is_unsafe));
            prop_assert_eq!(serde_json::from_str::<String>(&escaped).expect("valid"), text);
        }
    }
}
