//! What the terminal says about itself, and the picture protocol that follows from it: pure, tested over recorded answers.
//!
//! The query asks for the terminal's name and version (XTVERSION), whether
//! it speaks kitty's graphics protocol, its cell size in pixels, and ends
//! with the primary device attributes (DA1), which every terminal answers
//! and which list sixel as attribute 4. Terminals answer in order, so once
//! the DA1 answer is in, every other answer is too: nothing is left to
//! arrive late and be read as key presses.

use super::ImageMode;
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui_image::picker::ProtocolType;

/// The query, written as one piece. DA1 comes last: its answer ends the wait.
const QUERY: [&str; 6] = [
    // XTVERSION: name and version, e.g. `kitty(0.26.5)`, `XTerm(379)`.
    "\x1b[>0q",
    // Kitty graphics: a one-pixel query image; kitty answers `OK`.
    "\x1b_Gi=31,s=1,v=1,a=q,t=d,f=24;AAAA\x1b\\",
    // Cell size in pixels (`6;h;w t`), then the text area (`4;h;w t`).
    "\x1b[16t",
    "\x1b[14t",
    // The background colour (OSC 11), for `--theme auto`.
    super::background::QUERY,
    // Primary device attributes: the answer every terminal gives.
    "\x1b[c",
];

/// The query bytes; inside tmux each escape is doubled and the whole sent
/// through (`allow-passthrough`) to the terminal tmux runs in.
pub(crate) fn query(through_tmux: bool) -> String {
    let plain: String = QUERY.concat();
    if through_tmux {
        format!("\x1bPtmux;{}\x1b\\", plain.replace('\x1b', "\x1b\x1b"))
    } else {
        plain
    }
}

/// What the terminal answered.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub(crate) struct Answers {
    /// The XTVERSION text, e.g. `kitty(0.26.5)`.
    pub version: Option<String>,
    /// The kitty graphics query was answered `OK`.
    pub(crate) kitty_graphics: bool,
    /// DA1's attributes; `Some` once it was answered (the end of the answers).
    pub(crate) attributes: Option<Vec<u16>>,
    /// One cell in pixels (width, height).
    pub(crate) cell_pixels: Option<(u16, u16)>,
    /// The text area in pixels (width, height).
    pub(crate) window_pixels: Option<(u16, u16)>,
    /// The background colour (OSC 11).
    pub(crate) background: Option<super::background::Rgb>,
}

impl Answers {
    pub(crate) fn complete(&self) -> bool {
        self.attributes.is_some()
    }

    pub(crate) fn sixel(&self) -> bool {
        self.attributes.as_ref().is_some_and(|a| a.contains(&4))
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    Ground,
    Esc,
    /// Inside `ESC [`.
    Csi,
    /// Inside a string: `ESC P` (DCS), `ESC _` (APC) or `ESC ]` (OSC).
    Str(u8),
    /// An `ESC` inside a string: `\` ends it.
    StrEsc(u8),
}

/// Longest answer kept; anything longer is not one of ours.
const MAX_SEQUENCE: usize = 512;

/// Reads the terminal's bytes one at a time, takes the answers out and
/// keeps everything else as typed input (keys pressed while waiting).
#[derive(Debug, Clone)]
pub(crate) struct Scanner {
    state: State,
    sequence: Vec<u8>,
    pub(crate) answers: Answers,
    typed: Vec<u8>,
}

impl Default for Scanner {
    fn default() -> Self {
        Scanner {
            state: State::Ground,
            sequence: Vec::new(),
            answers: Answers::default(),
            typed: Vec::new(),
        }
    }
}

impl Scanner {
    pub(crate) fn new() -> Self {
        Self::default()
    }

    #[cfg(test)]
    pub(crate) fn push_all(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.push(b);
        }
    }

    pub(crate) fn push(&mut self, byte: u8) {
        match self.state {
            State::Ground => {
                if byte == 0x1b {
                    self.state = State::Esc;
                } else {
                    self.typed.push(byte);
                }
            }
            State::Esc => match byte {
                b'[' => {
                    self.sequence.clear();
                    self.state = State::Csi;
                }
                b'P' | b'_' | b']' => {
                    self.sequence.clear();
                    self.state = State::Str(byte);
                }
                0x1b => self.typed.push(0x1b),
                _ => {
                    // Alt+key: typed input.
                    self.typed.extend([0x1b, byte]);
                    self.state = State::Ground;
                }
            },
            State::Csi => {
                self.sequence.push(byte);
                if (0x40..=0x7e).contains(&byte) {
                    let sequence = std::mem::take(&mut self.sequence);
                    if !self.csi_answer(&sequence) {
                        // A key such as an arrow: typed input.
                        self.typed.push(0x1b);
                        self.typed.push(b'[');
                        self.typed.extend(&sequence);
                    }
                    self.state = State::Ground;
                } else if self.sequence.len() > MAX_SEQUENCE {
                    self.sequence.clear();
                    self.state = State::Ground;
                }
            }
            State::Str(kind) => {
                if byte == 0x1b {
                    self.state = State::StrEsc(kind);
                } else if byte == 0x07 {
                    self.string_answer(kind);
                } else if self.sequence.len() < MAX_SEQUENCE {
                    self.sequence.push(byte);
                }
            }
            State::StrEsc(kind) => {
                if byte == b'\\' {
                    self.string_answer(kind);
                } else {
                    // Not a string terminator: the string was cut off.
                    self.sequence.clear();
                    self.state = State::Esc;
                    self.push(byte);
                }
            }
        }
    }

    /// Takes a CSI answer in; `false` when it is not an answer.
    fn csi_answer(&mut self, sequence: &[u8]) -> bool {
        let Some((&last, body)) = sequence.split_last() else {
            return false;
        };
        let text = String::from_utf8_lossy(body);
        let numbers = |s: &str| -> Option<Vec<u16>> {
            s.split(';')
                .filter(|p| !p.is_empty())
                .map(|p| p.parse().ok())
                .collect()
        };
        match last {
            b'c' if text.starts_with('?') => {
                self.answers.attributes = Some(numbers(&text[1..]).unwrap_or_default());
                true
            }
            b't' => {
                match numbers(&text).as_deref() {
                    Some([6, h, w]) if *h > 0 && *w > 0 => {
                        self.answers.cell_pixels = Some((*w, *h));
                    }
                    Some([4, h, w]) if *h > 0 && *w > 0 => {
                        self.answers.window_pixels = Some((*w, *h));
                    }
                    _ => {}
                }
                true
            }
            _ => false,
        }
    }

    fn string_answer(&mut self, kind: u8) {
        let text = String::from_utf8_lossy(&self.sequence).into_owned();
        self.sequence.clear();
        self.state = State::Ground;
        match kind {
            b'P' => {
                if let Some(version) = text.strip_prefix(">|") {
                    self.answers.version = Some(version.to_string());
                }
            }
            b'_' => {
                if let Some(rest) = text.strip_prefix("Gi=31") {
                    self.answers.kitty_graphics = rest.ends_with(";OK");
                }
            }
            b']' => {
                if let Some(colour) = super::background::parse(&text) {
                    self.answers.background = Some(colour);
                }
            }
            _ => {}
        }
    }

    /// Whether a lone `ESC` waits for its next byte (a key or an answer).
    #[cfg(test)]
    pub(crate) fn pending_escape(&self) -> bool {
        self.state == State::Esc
    }

    /// The `ESC` pressed on its own: no answer follows it.
    pub(crate) fn escape_alone(&mut self) {
        if self.state == State::Esc {
            self.typed.push(0x1b);
            self.state = State::Ground;
        }
    }

    /// The keys typed so far, taken out.
    pub(crate) fn take_keys(&mut self) -> Vec<KeyEvent> {
        keys(&std::mem::take(&mut self.typed))
    }
}

/// Decodes what was typed during the query into key presses: characters,
/// Enter, Tab, Backspace, Esc, arrows and Ctrl+letter. Anything rarer is
/// dropped (a key pressed in the few milliseconds the answers take).
pub(crate) fn keys(bytes: &[u8]) -> Vec<KeyEvent> {
    let mut keys = Vec::new();
    let text = String::from_utf8_lossy(bytes);
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        let key = match c {
            '\r' | '\n' => KeyEvent::from(KeyCode::Enter),
            '\t' => KeyEvent::from(KeyCode::Tab),
            '\x7f' | '\x08' => KeyEvent::from(KeyCode::Backspace),
            '\x1b' => match chars.peek() {
                Some('[') => {
                    chars.next();
                    let mut sequence = String::new();
                    for c in chars.by_ref() {
                        sequence.push(c);
                        if ('\x40'..='\x7e').contains(&c) {
                            break;
                        }
                    }
                    match sequence.as_str() {
                        "A" => KeyEvent::from(KeyCode::Up),
                        "B" => KeyEvent::from(KeyCode::Down),
                        "C" => KeyEvent::from(KeyCode::Right),
                        "D" => KeyEvent::from(KeyCode::Left),
                        _ => continue,
                    }
                }
                Some(&next) if next != '\x1b' => {
                    chars.next();
                    KeyEvent::new(KeyCode::Char(next), KeyModifiers::ALT)
                }
                _ => KeyEvent::from(KeyCode::Esc),
            },
            c @ '\x01'..='\x1a' => KeyEvent::new(
                KeyCode::Char((b'a' + (c as u8 - 1)) as char),
                KeyModifiers::CONTROL,
            ),
            c if c.is_control() => continue,
            c => KeyEvent::from(KeyCode::Char(c)),
        };
        keys.push(key);
    }
    keys
}

/// Where instatui runs, from the environment and from tmux.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub(crate) struct Place {
    pub(crate) term: String,
    pub(crate) term_program: String,
    pub(crate) lc_terminal: String,
    pub(crate) konsole: bool,
    pub(crate) wezterm: bool,
    /// Inside GNU screen (which passes no graphics through).
    pub screen: bool,
    pub(crate) tmux: Option<Tmux>,
}

/// What tmux says about the pane and the terminal it runs in.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub(crate) struct Tmux {
    /// `allow-passthrough` is on for the pane.
    pub(crate) passthrough: bool,
    /// The outer terminal's XTVERSION as tmux saw it (`#{client_termtype}`).
    pub(crate) outer: String,
    /// Where the pane starts on the outer terminal (column, row).
    pub(crate) origin: (u16, u16),
}

impl Tmux {
    /// The format asked of `tmux display -p`, read by `parse`.
    pub(crate) const FORMAT: &str =
        "#{allow-passthrough}\t#{client_termtype}\t#{pane_left}\t#{pane_top}";

    pub(crate) fn parse(output: &str) -> Tmux {
        let mut parts = output.trim_end_matches(['\n', '\r']).split('\t');
        let mut next = || parts.next().unwrap_or_default().trim();
        let passthrough = next();
        let outer = next().to_string();
        let left = next().parse().unwrap_or(0);
        let top = next().parse().unwrap_or(0);
        Tmux {
            passthrough: matches!(passthrough, "1" | "on" | "all"),
            outer,
            origin: (left, top),
        }
    }
}

/// Whether and how to ask the terminal.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Ask {
    Plain,
    /// Through tmux to the terminal it runs in.
    ThroughTmux,
    /// Asking is pointless (screen, tmux without passthrough): nothing
    /// would answer, or only the multiplexer.
    No,
}

pub(crate) fn how_to_ask(place: &Place) -> Ask {
    match &place.tmux {
        Some(tmux) if tmux.passthrough => Ask::ThroughTmux,
        Some(_) => Ask::No,
        None if place.screen => Ask::No,
        None => Ask::Plain,
    }
}

/// A terminal told apart by its XTVERSION answer or its environment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Terminal {
    Kitty(Version),
    Ghostty,
    WezTerm,
    Iterm2,
    Konsole,
    Foot,
    XTerm,
    /// Terminals whose sixel leaves pieces behind (Contour, Alacritty forks).
    BadSixel,
    Other,
}

/// A dotted version, for comparing kitty's.
pub(crate) type Version = (u32, u32, u32);

/// Kitty draws pictures placed by Unicode placeholders from this version on.
pub(crate) const KITTY_PLACEHOLDERS: Version = (0, 28, 0);

fn version_in(text: &str) -> Version {
    let mut parts = text
        .split(|c: char| !c.is_ascii_digit())
        .filter(|p| !p.is_empty())
        .map(|p| p.parse().unwrap_or(0));
    (
        parts.next().unwrap_or(0),
        parts.next().unwrap_or(0),
        parts.next().unwrap_or(0),
    )
}

/// Names the terminal from its XTVERSION text (`kitty(0.26.5)`).
pub(crate) fn terminal_named(version: &str) -> Terminal {
    let lower = version.to_ascii_lowercase();
    let rest = |prefix: &str| lower.strip_prefix(prefix).map(str::to_string);
    if let Some(v) = rest("kitty") {
        return Terminal::Kitty(version_in(&v));
    }
    let named = [
        ("ghostty", Terminal::Ghostty),
        ("wezterm", Terminal::WezTerm),
        ("iterm2", Terminal::Iterm2),
        ("konsole", Terminal::Konsole),
        ("foot", Terminal::Foot),
        ("xterm", Terminal::XTerm),
        ("contour", Terminal::BadSixel),
        ("alacritty", Terminal::BadSixel),
    ];
    named
        .iter()
        .find(|(name, _)| lower.starts_with(name))
        .map_or(Terminal::Other, |(_, t)| *t)
}

/// The terminal that draws: its own answer first, then what tmux saw, then
/// the environment (which can be stale inside tmux, so it comes last).
pub(crate) fn terminal_of(place: &Place, answers: &Answers) -> Terminal {
    let told = answers
        .version
        .as_deref()
        .or(place.tmux.as_ref().map(|t| t.outer.as_str()))
        .filter(|v| !v.is_empty());
    if let Some(version) = told {
        let named = terminal_named(version);
        if named != Terminal::Other {
            return named;
        }
    }
    if place.tmux.is_some() {
        return Terminal::Other;
    }
    let program = place.term_program.to_ascii_lowercase();
    if place.wezterm || program == "wezterm" {
        Terminal::WezTerm
    } else if program == "iterm.app" || place.lc_terminal.eq_ignore_ascii_case("iterm2") {
        Terminal::Iterm2
    } else if place.konsole {
        Terminal::Konsole
    } else if program == "ghostty" {
        Terminal::Ghostty
    } else {
        Terminal::Other
    }
}

/// The protocol to draw with and why; `hint` goes to the status line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Decision {
    pub(crate) protocol: ProtocolType,
    pub(crate) why: String,
    pub(crate) hint: Option<String>,
}

/// The tmux advice, when passthrough is off and pictures could be better.
pub(crate) const TMUX_HINT: &str = "inside tmux pictures are half-blocks: `set -g allow-passthrough on` in ~/.tmux.conf (then restart instatui) lets the terminal draw them";

/// Chooses how pictures are drawn. `font_known`: the cell size in pixels
/// is known, without which only half-blocks come out the right size.
pub(crate) fn decide(
    mode: ImageMode,
    place: &Place,
    answers: &Answers,
    font_known: bool,
) -> Decision {
    let blocked_by_tmux = place.tmux.as_ref().is_some_and(|t| !t.passthrough);
    let forced = match mode {
        ImageMode::Kitty => Some(ProtocolType::Kitty),
        ImageMode::Sixel => Some(ProtocolType::Sixel),
        ImageMode::Iterm2 => Some(ProtocolType::Iterm2),
        ImageMode::Halfblocks | ImageMode::Off => Some(ProtocolType::Halfblocks),
        ImageMode::Auto => None,
    };
    if let Some(protocol) = forced {
        let hint = (blocked_by_tmux && protocol != ProtocolType::Halfblocks).then(|| {
            "inside tmux, pictures need `set -g allow-passthrough on` in ~/.tmux.conf".to_string()
        });
        return Decision {
            protocol,
            why: "asked for with --images".into(),
            hint,
        };
    }
    let half = |why: &str| Decision {
        protocol: ProtocolType::Halfblocks,
        why: why.into(),
        hint: None,
    };
    if place.tmux.is_none() && place.screen {
        return half("GNU screen passes no pictures through");
    }
    if blocked_by_tmux {
        let outer = place.tmux.as_ref().map_or("", |t| t.outer.as_str());
        // A terminal known to draw only text gets no advice.
        let worth_it = !matches!(
            terminal_named(outer),
            Terminal::Konsole | Terminal::BadSixel
        );
        return Decision {
            hint: worth_it.then(|| TMUX_HINT.to_string()),
            ..half("tmux's allow-passthrough is off")
        };
    }
    let terminal = terminal_of(place, answers);
    let chosen = match terminal {
        Terminal::Kitty(version) if version >= KITTY_PLACEHOLDERS => {
            (ProtocolType::Kitty, "kitty 0.28 or later")
        }
        Terminal::Kitty(_) => (
            ProtocolType::Halfblocks,
            "kitty before 0.28 shows placeholder boxes instead of pictures",
        ),
        Terminal::Ghostty => (ProtocolType::Kitty, "ghostty draws kitty placeholders"),
        Terminal::WezTerm => (
            ProtocolType::Iterm2,
            "WezTerm draws iTerm2 pictures cleanly",
        ),
        Terminal::Iterm2 => (ProtocolType::Iterm2, "iTerm2"),
        Terminal::Konsole => (
            ProtocolType::Halfblocks,
            "Konsole's sixel leaves pieces behind",
        ),
        Terminal::BadSixel => (
            ProtocolType::Halfblocks,
            "this terminal's sixel leaves pieces behind",
        ),
        Terminal::Foot | Terminal::XTerm | Terminal::Other if answers.sixel() => {
            (ProtocolType::Sixel, "the terminal reports sixel")
        }
        _ if ["mintty", "rio", "bobcat"]
            .contains(&place.term_program.to_ascii_lowercase().as_str()) =>
        {
            (
                ProtocolType::Iterm2,
                "a terminal that draws iTerm2 pictures",
            )
        }
        _ => (ProtocolType::Halfblocks, "no graphics protocol reported"),
    };
    if chosen.0 != ProtocolType::Halfblocks && !font_known {
        return half("the cell size in pixels is unknown");
    }
    Decision {
        protocol: chosen.0,
        why: chosen.1.into(),
        hint: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::preview::background::Rgb;

    /// Answers recorded from real terminals (Debian 12, under Xvfb).
    const KITTY_0_26: &[u8] =
        b"\x1bP>|kitty(0.26.5)\x1b\\\x1b_Gi=31;OK\x1b\\\x1b[6;20;9t\x1b[4;400;639t\x1b[?62;c";
    const XTERM: &[u8] = b"\x1bP>|XTerm(379)\x1b\\\x1b[?64;1;2;6;9;15;16;17;18;21;22;28c";
    const XTERM_VT340: &[u8] = b"\x1bP>|XTerm(379)\x1b\\\x1b[?63;1;2;4;6;9;15;16;22;28c";
    /// tmux 3.3a with passthrough on, in an xterm -ti vt340: tmux's own DA1
    /// is not asked for; the outer terminal's answers come through.
    const TMUX_VT340: &[u8] = b"\x1bP>|XTerm(379)\x1b\\\x1b[?63;1;2;4;6;9;15;16;22;28c";

    fn scan(bytes: &[u8]) -> Scanner {
        let mut s = Scanner::new();
        s.push_all(bytes);
        s
    }

    fn auto(place: &Place, answers: &[u8]) -> ProtocolType {
        decide(ImageMode::Auto, place, &scan(answers).answers, true).protocol
    }

    #[test]
    fn recorded_answers_are_read() {
        let kitty = scan(KITTY_0_26);
        assert_eq!(kitty.answers.version.as_deref(), Some("kitty(0.26.5)"));
        assert!(kitty.answers.kitty_graphics);
        assert_eq!(kitty.answers.cell_pixels, Some((9, 20)));
        assert_eq!(kitty.answers.window_pixels, Some((639, 400)));
        assert!(kitty.answers.complete());
        assert!(!kitty.answers.sixel());
        let mut vt340 = scan(XTERM_VT340);
        assert!(vt340.answers.sixel());
        assert!(!scan(XTERM).answers.sixel());
        assert!(vt340.take_keys().is_empty(), "answers are never keys");
    }

    #[test]
    fn kitty_gets_placeholders_only_from_0_28() {
        let place = Place::default();
        assert_eq!(auto(&place, KITTY_0_26), ProtocolType::Halfblocks);
        let new = b"\x1bP>|kitty(0.35.2)\x1b\\\x1b_Gi=31;OK\x1b\\\x1b[6;20;9t\x1b[?62;c";
        assert_eq!(auto(&place, new), ProtocolType::Kitty);
        let exactly = b"\x1bP>|kitty(0.28.0)\x1b\\\x1b[?62;c";
        assert_eq!(auto(&place, exactly), ProtocolType::Kitty);
    }

    #[test]
    fn sixel_where_device_attributes_say_so_also_for_term_xterm() {
        let place = Place {
            term: "xterm".into(),
            ..Place::default()
        };
        assert_eq!(auto(&place, XTERM_VT340), ProtocolType::Sixel);
        assert_eq!(auto(&place, XTERM), ProtocolType::Halfblocks);
        let foot = b"\x1bP>|foot(1.13.1)\x1b\\\x1b[?62;4;22c";
        assert_eq!(auto(&place, foot), ProtocolType::Sixel);
        let konsole = b"\x1bP>|Konsole 23.08.1\x1b\\\x1b[?62;1;4c";
        assert_eq!(auto(&place, konsole), ProtocolType::Halfblocks);
        assert_eq!(auto(&place, b"\x1b[?1;2c"), ProtocolType::Halfblocks);
    }

    #[test]
    fn iterm2_and_wezterm_by_name_or_environment() {
        let wez =
            b"\x1bP>|WezTerm 20240203-110809-5046fc22\x1b\\\x1b_Gi=31;OK\x1b\\\x1b[?65;4;6;18;22c";
        assert_eq!(auto(&Place::default(), wez), ProtocolType::Iterm2);
        let iterm = Place {
            term_program: "iTerm.app".into(),
            ..Place::default()
        };
        assert_eq!(auto(&iterm, b"\x1b[?62;4c"), ProtocolType::Iterm2);
        let ghostty = b"\x1bP>|ghostty 1.1.3\x1b\\\x1b_Gi=31;OK\x1b\\\x1b[?62;22c";
        assert_eq!(auto(&Place::default(), ghostty), ProtocolType::Kitty);
    }

    #[test]
    fn without_a_cell_size_only_half_blocks_fit() {
        let answers = scan(XTERM_VT340).answers;
        let d = decide(ImageMode::Auto, &Place::default(), &answers, false);
        assert_eq!(d.protocol, ProtocolType::Halfblocks);
        let forced = decide(ImageMode::Sixel, &Place::default(), &answers, false);
        assert_eq!(
            forced.protocol,
            ProtocolType::Sixel,
            "asked for is asked for"
        );
    }

    #[test]
    fn tmux_passthrough_decides_and_off_says_how_to_turn_it_on() {
        let on = Place {
            term: "tmux-256color".into(),
            tmux: Some(Tmux::parse("1\tXTerm(379)\n")),
            ..Place::default()
        };
        assert_eq!(how_to_ask(&on), Ask::ThroughTmux);
        assert_eq!(auto(&on, TMUX_VT340), ProtocolType::Sixel);
        let old_kitty = Place {
            tmux: Some(Tmux::parse("1\tkitty(0.26.5)")),
            ..on.clone()
        };
        assert_eq!(auto(&old_kitty, b"\x1b[?62;c"), ProtocolType::Halfblocks);
        let off = Place {
            tmux: Some(Tmux::parse("0\tkitty(0.35.1)")),
            ..on.clone()
        };
        assert_eq!(how_to_ask(&off), Ask::No);
        let d = decide(ImageMode::Auto, &off, &Answers::default(), true);
        assert_eq!(d.protocol, ProtocolType::Halfblocks);
        assert!(
            d.hint
                .as_deref()
                .is_some_and(|h| h.contains("set -g allow-passthrough on"))
        );
        let forced = decide(ImageMode::Sixel, &off, &Answers::default(), true);
        assert!(
            forced.hint.is_some(),
            "a forced protocol would draw nothing"
        );
        let screen = Place {
            screen: true,
            ..Place::default()
        };
        assert_eq!(how_to_ask(&screen), Ask::No);
        assert_eq!(auto(&screen, b""), ProtocolType::Halfblocks);
    }

    #[test]
    fn the_query_ends_with_device_attributes_and_wraps_for_tmux() {
        assert!(query(false).ends_with("\x1b[c"));
        let wrapped = query(true);
        assert!(wrapped.starts_with("\x1bPtmux;\x1b\x1b[>0q"));
        assert!(wrapped.ends_with("\x1b\x1b[c\x1b\\"));
    }

    #[test]
    fn the_background_answer_is_read_whether_it_ends_with_st_or_bel() {
        let st = scan(b"\x1b]11;rgb:ffff/ffff/ffff\x1b\\\x1b[?62;4c");
        assert_eq!(st.answers.background, Some(Rgb(65535, 65535, 65535)));
        assert!(st.answers.complete());
        let mut bel = scan(b"j\x1b]11;rgb:00/2b/36\x07\x1b[?1;2c");
        assert_eq!(bel.answers.background, Some(Rgb(0, 0x2b2b, 0x3636)));
        assert_eq!(bel.take_keys(), vec![KeyEvent::from(KeyCode::Char('j'))]);
        // A terminal that does not know the question says nothing of it.
        assert_eq!(scan(b"\x1b[?62c").answers.background, None);
        assert!(query(false).contains("\x1b]11;?\x1b\\\x1b[c"));
    }

    #[test]
    fn keys_typed_between_answers_are_kept_in_order() {
        let mut bytes = b"j".to_vec();
        bytes.extend_from_slice(b"\x1bP>|XTerm(379)\x1b\\");
        bytes.extend_from_slice(b"\x1b[B\r");
        bytes.extend_from_slice(b"\x1b[?63;4c");
        bytes.extend_from_slice("é\x03".as_bytes());
        let mut s = scan(&bytes);
        assert!(s.answers.complete());
        assert_eq!(
            s.take_keys(),
            vec![
                KeyEvent::from(KeyCode::Char('j')),
                KeyEvent::from(KeyCode::Down),
                KeyEvent::from(KeyCode::Enter),
                KeyEvent::from(KeyCode::Char('é')),
                KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL),
            ]
        );
        assert!(s.take_keys().is_empty(), "taken once");
    }

    #[test]
    fn a_lone_escape_is_a_key_once_nothing_follows() {
        let mut s = scan(b"\x1b");
        assert!(s.pending_escape());
        s.escape_alone();
        assert_eq!(s.take_keys(), vec![KeyEvent::from(KeyCode::Esc)]);
        let mut alt = scan(b"\x1bx");
        assert_eq!(
            alt.take_keys(),
            vec![KeyEvent::new(KeyCode::Char('x'), KeyModifiers::ALT)]
        );
    }

    #[test]
    fn answers_split_across_reads_and_junk_do_not_confuse() {
        let mut s = Scanner::new();
        for chunk in KITTY_0_26.chunks(3) {
            s.push_all(chunk);
        }
        assert_eq!(s.answers, scan(KITTY_0_26).answers);
        let mut junk = scan(&b"\x1bP".repeat(300));
        junk.push_all(XTERM_VT340);
        assert!(junk.answers.complete() && junk.answers.sixel());
        assert_eq!(terminal_named("XTerm(379)"), Terminal::XTerm);
        assert_eq!(terminal_named("kitty(0.26.5)"), Terminal::Kitty((0, 26, 5)));
        assert_eq!(Tmux::parse(""), Tmux::default());
        assert_eq!(Tmux::parse("1\tXTerm(379)\t81\t0\n").origin, (81, 0));
    }
}
