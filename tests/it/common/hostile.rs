//! Text made to hurt a terminal: the classic control and escape sequences,
//! and the check that none of them (nor what is left of one) got through.
#![allow(dead_code)]

/// Each sequence with what it would do when printed raw.
pub(crate) const SEQUENCES: &[(&str, &str)] = &[
    ("CSI clear screen, home", "\x1b[2J\x1b[H"),
    ("CSI colour", "\x1b[31;1m"),
    ("OSC 0 window title, BEL", "\x1b]0;owned-title\x07"),
    ("OSC 2 window title, ST", "\x1b]2;owned-title\x1b\\"),
    (
        "OSC 52 clipboard write, BEL",
        "\x1b]52;c;ZWNobyBvd25lZA==\x07",
    ),
    (
        "OSC 52 clipboard write, ST",
        "\x1b]52;c;ZWNobyBvd25lZA==\x1b\\",
    ),
    ("OSC 8 hyperlink", "\x1b]8;;https://evil.example/\x1b\\"),
    ("DCS request", "\x1bP$qm\x1b\\"),
    ("APC graphics", "\x1b_Gf=100;AAAA\x1b\\"),
    ("8-bit CSI clear", "\u{9b}2J"),
    ("8-bit OSC title", "\u{9d}0;owned-title\u{9c}"),
    ("ESC c full reset", "\x1bc"),
    ("line-drawing charset", "\x1b(0"),
    ("BEL", "\x07"),
    ("backspaces over text", "\x08\x08\x08"),
    ("carriage return", "\r"),
    ("right-to-left override", "\u{202E}"),
    ("NUL and DEL", "\0\x7f"),
];

/// What is left of a sequence whose ESC alone was dropped.
const RESIDUE: &[&str] = &[
    "[2J",
    "[31;1m",
    "]0;",
    "]2;",
    "]52;",
    "]8;",
    "owned-title",
    "ZWNobyBvd25lZA",
    "$qm",
    "Gf=100",
];

/// `w0<seq 0>w1<seq 1>…wN`: every sequence between two words that must survive.
pub(crate) fn text() -> String {
    let mut out = String::new();
    for (i, (_, seq)) in SEQUENCES.iter().enumerate() {
        out.push_str(&format!("w{i:02}{seq}"));
    }
    out.push_str(&format!("w{:02}", SEQUENCES.len()));
    out
}

/// Panics with `what` if `shown` holds a control character (other than a
/// line break), a bidi override, or the remains of a sequence.
pub(crate) fn assert_safe(what: &str, shown: &str) {
    assert_no_controls(what, shown);
    for residue in RESIDUE {
        assert!(
            !shown.contains(residue),
            "{what}: `{residue}` left over in:\n{shown}"
        );
    }
}

/// No control character (other than a line break) and no bidi override:
/// what JSON output must hold to, its escaped text aside.
pub(crate) fn assert_no_controls(what: &str, shown: &str) {
    let bad: Vec<String> = shown
        .chars()
        .filter(|c| {
            (c.is_control() && *c != '\n')
                || matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
        })
        .map(|c| format!("U+{:04X}", c as u32))
        .collect();
    assert!(bad.is_empty(), "{what}: raw {bad:?} in:\n{shown}");
}

/// The words around the sequences all made it.
pub(crate) fn assert_words_kept(what: &str, shown: &str, upto: usize) {
    for i in 0..=upto {
        assert!(
            shown.contains(&format!("w{i:02}")),
            "{what}: w{i:02} lost in:\n{shown}"
        );
    }
}
