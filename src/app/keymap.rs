//! Every key binding, per screen. The same lists dispatch keys, fill the footer and build the help popup.

use super::Screen;
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    Quit,
    Help,
    GoTo(Screen),
    // Credentials
    NextField,
    PrevField,
    EditField,
    Save,
    SwitchFlavor,
    Discard,
    ToggleReveal,
    // Authorize
    OpenBrowser,
    CopyUrl,
    FocusPaste,
    NewAuthorization,
    // Token
    Refresh,
    ToggleAutoRefresh,
    Reauthorize,
    // Feed
    Up,
    Down,
    PageUp,
    PageDown,
    Top,
    Bottom,
    ToggleDetail,
    OpenPermalink,
    Filter,
    Reload,
    PrevItem,
    NextItem,
    Download,
    OpenMedia,
    CopyLink,
}

/// A key as written in help: the code and whether Ctrl is held.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Key {
    pub code: KeyCode,
    pub ctrl: bool,
}

const fn k(c: char) -> Key {
    Key {
        code: KeyCode::Char(c),
        ctrl: false,
    }
}

const fn code(code: KeyCode) -> Key {
    Key { code, ctrl: false }
}

const fn ctrl(c: char) -> Key {
    Key {
        code: KeyCode::Char(c),
        ctrl: true,
    }
}

impl Key {
    pub fn matches(&self, event: &KeyEvent) -> bool {
        let ctrl_held = event.modifiers.contains(KeyModifiers::CONTROL);
        if ctrl_held != self.ctrl {
            return false;
        }
        match (self.code, event.code) {
            // Shift is part of the character itself (G, ?, R).
            (KeyCode::Char(a), KeyCode::Char(b)) => a == b,
            (KeyCode::BackTab, KeyCode::Tab) => event.modifiers.contains(KeyModifiers::SHIFT),
            (a, b) => a == b,
        }
    }
}

#[derive(Debug, Clone, Copy)]
pub struct Binding {
    pub keys: &'static [Key],
    /// How the keys are written in the footer and help.
    pub label: &'static str,
    pub description: &'static str,
    pub action: Action,
    /// Shown in the footer (the rest only in help).
    pub footer: bool,
}

const fn bind(
    keys: &'static [Key],
    label: &'static str,
    description: &'static str,
    action: Action,
    footer: bool,
) -> Binding {
    Binding {
        keys,
        label,
        description,
        action,
        footer,
    }
}

/// Work on every screen while no field is being edited.
pub const GLOBAL: &[Binding] = &[
    bind(
        &[k('1')],
        "1",
        "credentials",
        Action::GoTo(Screen::Credentials),
        false,
    ),
    bind(
        &[k('2')],
        "2",
        "authorize",
        Action::GoTo(Screen::Authorize),
        false,
    ),
    bind(&[k('3')], "3", "token", Action::GoTo(Screen::Token), false),
    bind(&[k('4')], "4", "feed", Action::GoTo(Screen::Feed), false),
    bind(&[k('?')], "?", "help", Action::Help, true),
    bind(&[k('q')], "q", "quit", Action::Quit, true),
];

const CREDENTIALS: &[Binding] = &[
    bind(
        &[code(KeyCode::Enter), k('e')],
        "Enter",
        "edit (or e)",
        Action::EditField,
        true,
    ),
    bind(
        &[code(KeyCode::Tab), code(KeyCode::Down), k('j')],
        "Tab",
        "next field",
        Action::NextField,
        true,
    ),
    bind(
        &[code(KeyCode::BackTab), code(KeyCode::Up), k('k')],
        "S-Tab/↑",
        "previous field",
        Action::PrevField,
        false,
    ),
    bind(&[k('s'), ctrl('s')], "s", "save", Action::Save, true),
    bind(
        &[code(KeyCode::Left), code(KeyCode::Right), k(' ')],
        "←/→",
        "switch the API (on its line)",
        Action::SwitchFlavor,
        false,
    ),
    bind(
        &[ctrl('r')],
        "C-r",
        "show/hide the secret",
        Action::ToggleReveal,
        false,
    ),
    bind(
        &[code(KeyCode::Esc)],
        "Esc",
        "discard unsaved changes",
        Action::Discard,
        false,
    ),
];

const AUTHORIZE: &[Binding] = &[
    bind(
        &[k('o')],
        "o",
        "open the browser",
        Action::OpenBrowser,
        true,
    ),
    bind(&[k('c')], "c", "copy the URL", Action::CopyUrl, true),
    bind(
        &[k('p'), code(KeyCode::Enter)],
        "p",
        "paste the redirect",
        Action::FocusPaste,
        true,
    ),
    bind(
        &[k('n')],
        "n",
        "new authorize URL",
        Action::NewAuthorization,
        false,
    ),
];

const TOKEN: &[Binding] = &[
    bind(&[k('r')], "r", "refresh now", Action::Refresh, true),
    bind(
        &[k('a')],
        "a",
        "auto-refresh on/off",
        Action::ToggleAutoRefresh,
        true,
    ),
    bind(
        &[k('A')],
        "A",
        "authorize again",
        Action::Reauthorize,
        false,
    ),
];

const FEED: &[Binding] = &[
    bind(
        &[k('j'), code(KeyCode::Down)],
        "j/↓",
        "next post",
        Action::Down,
        false,
    ),
    bind(
        &[k('k'), code(KeyCode::Up)],
        "k/↑",
        "previous post",
        Action::Up,
        false,
    ),
    bind(
        &[code(KeyCode::PageDown), ctrl('d')],
        "PgDn",
        "page down",
        Action::PageDown,
        false,
    ),
    bind(
        &[code(KeyCode::PageUp), ctrl('u')],
        "PgUp",
        "page up",
        Action::PageUp,
        false,
    ),
    bind(
        &[k('g'), code(KeyCode::Home)],
        "g",
        "first post",
        Action::Top,
        false,
    ),
    bind(
        &[k('G'), code(KeyCode::End)],
        "G",
        "last post",
        Action::Bottom,
        false,
    ),
    bind(
        &[code(KeyCode::Enter)],
        "Enter",
        "details",
        Action::ToggleDetail,
        true,
    ),
    bind(
        &[k('o')],
        "o",
        "open permalink",
        Action::OpenPermalink,
        true,
    ),
    bind(
        &[k('h'), code(KeyCode::Left)],
        "h/←",
        "previous album item",
        Action::PrevItem,
        false,
    ),
    bind(
        &[k('l'), code(KeyCode::Right)],
        "l/→",
        "next album item",
        Action::NextItem,
        false,
    ),
    bind(
        &[k('O')],
        "O",
        "open the media itself",
        Action::OpenMedia,
        false,
    ),
    bind(&[k('c')], "c", "copy the link", Action::CopyLink, false),
    bind(&[k('d')], "d", "download", Action::Download, true),
    bind(&[k('/')], "/", "filter", Action::Filter, true),
    bind(&[k('R')], "R", "reload", Action::Reload, false),
];

pub fn for_screen(screen: Screen) -> &'static [Binding] {
    match screen {
        Screen::Credentials => CREDENTIALS,
        Screen::Authorize => AUTHORIZE,
        Screen::Token => TOKEN,
        Screen::Feed => FEED,
    }
}

/// The action a key triggers on this screen, screen bindings first.
pub fn lookup(screen: Screen, event: &KeyEvent) -> Option<Action> {
    for_screen(screen)
        .iter()
        .chain(GLOBAL)
        .find(|b| b.keys.iter().any(|key| key.matches(event)))
        .map(|b| b.action)
}
