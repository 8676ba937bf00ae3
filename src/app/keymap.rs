//! Every key binding, per screen. The same lists dispatch keys, fill the footer and build the help popup.

use super::Screen;
use super::user_keys::UserKeys;
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use unicode_width::UnicodeWidthStr;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Action {
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
    /// Run doctor's checks (`D`).
    Doctor,
    // Authorize
    OpenBrowser,
    CopyUrl,
    FocusPaste,
    NewAuthorization,
    // Token
    Refresh,
    ToggleAutoRefresh,
    Reauthorize,
    KeepAlive,
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
    DetailDown,
    DetailUp,
    MoreComments,
    ToggleReplies,
    ToggleGrid,
    // Token
    ScrollDown,
    ScrollUp,
    CopyLink,
    ViewPicture,
    // Accounts
    NextAccount,
    PrevAccount,
    UseAccount,
    AddAccount,
    RemoveAccount,
    // In a field (the field itself takes the text-editing keys)
    DoneEditing,
    SubmitPaste,
    LeavePaste,
    KeepFilter,
    ClearFilter,
    /// A key the field edits with (listed for help; `Field` handles it).
    EditText,
    // Popups and the full-screen picture
    Close,
    Yes,
    Allow,
    Deny,
    InstallKeepAlive,
    CopyCronLine,
}

/// A key as written in help: the code and whether Ctrl is held.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Key {
    pub(crate) code: KeyCode,
    pub(crate) ctrl: bool,
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
    /// How the key is written in the footer, the help and docs/tui.md.
    pub(crate) fn name(&self) -> String {
        let base = match self.code {
            KeyCode::Char(' ') => "Space".to_string(),
            KeyCode::Char(c) => c.to_string(),
            KeyCode::Enter => "Enter".into(),
            KeyCode::Esc => "Esc".into(),
            KeyCode::Tab => "Tab".into(),
            KeyCode::BackTab => "S-Tab".into(),
            KeyCode::Up => "↑".into(),
            KeyCode::Down => "↓".into(),
            KeyCode::Left => "←".into(),
            KeyCode::Right => "→".into(),
            KeyCode::PageUp => "PgUp".into(),
            KeyCode::PageDown => "PgDn".into(),
            KeyCode::Home => "Home".into(),
            KeyCode::End => "End".into(),
            other => format!("{other:?}"),
        };
        if self.ctrl { format!("C-{base}") } else { base }
    }

    pub(crate) fn matches(&self, event: &KeyEvent) -> bool {
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
pub(crate) struct Binding {
    pub(crate) keys: &'static [Key],
    pub(crate) description: &'static str,
    pub(crate) action: Action,
    /// Shown in the footer (the rest only in help).
    pub(crate) footer: bool,
}

const fn bind(
    keys: &'static [Key],
    description: &'static str,
    action: Action,
    footer: bool,
) -> Binding {
    Binding {
        keys,
        description,
        action,
        footer,
    }
}

impl Binding {
    /// Every key that triggers it, as `j/↓`: help and docs/tui.md list them all.
    pub(crate) fn keys_label(&self) -> String {
        keys_label(self.keys)
    }

    /// The first key only, where room is short (the footer).
    pub(crate) fn short_label(&self) -> String {
        self.keys.first().map(Key::name).unwrap_or_default()
    }
}

/// Keys as `j/↓`.
fn keys_label(keys: &[Key]) -> String {
    keys.iter().map(Key::name).collect::<Vec<_>>().join("/")
}

/// Keys handled before any screen's bindings, also while editing or in a popup.
pub(crate) const ALWAYS: &[Binding] = &[
    bind(
        &[ctrl('c')],
        "quit, even while editing",
        Action::Quit,
        false,
    ),
    bind(
        &[code(KeyCode::Esc)],
        "back out: field, popup, filter, details",
        Action::Close,
        false,
    ),
];

/// While a Credentials field takes the keys: what moves, saves or leaves.
const EDIT_CREDENTIALS: &[Binding] = &[
    bind(
        &[code(KeyCode::Tab), code(KeyCode::Down)],
        "next field",
        Action::NextField,
        true,
    ),
    bind(
        &[code(KeyCode::BackTab), code(KeyCode::Up)],
        "previous field",
        Action::PrevField,
        false,
    ),
    bind(
        &[code(KeyCode::Enter), ctrl('s')],
        "save",
        Action::Save,
        true,
    ),
    bind(&[ctrl('r')], "show/hide secret", Action::ToggleReveal, true),
    bind(
        &[code(KeyCode::Esc)],
        "done editing",
        Action::DoneEditing,
        true,
    ),
    bind(
        &[code(KeyCode::Left), code(KeyCode::Right), k(' ')],
        "switch the API (on its line)",
        Action::SwitchFlavor,
        false,
    ),
];

const EDIT_AUTHORIZE: &[Binding] = &[
    bind(
        &[code(KeyCode::Enter)],
        "exchange",
        Action::SubmitPaste,
        true,
    ),
    bind(
        &[code(KeyCode::Esc)],
        "leave the field",
        Action::LeavePaste,
        true,
    ),
];

const EDIT_FEED: &[Binding] = &[
    bind(
        &[code(KeyCode::Enter)],
        "keep the filter",
        Action::KeepFilter,
        true,
    ),
    bind(
        &[code(KeyCode::Esc)],
        "clear the filter",
        Action::ClearFilter,
        true,
    ),
];

/// While a field takes the keys: what leaves or submits it. The rest type
/// (see `TEXT_EDITING`).
pub(crate) fn editing(screen: Screen) -> &'static [Binding] {
    match screen {
        Screen::Credentials => EDIT_CREDENTIALS,
        Screen::Authorize => EDIT_AUTHORIZE,
        Screen::Feed => EDIT_FEED,
        Screen::Token | Screen::Accounts => &[],
    }
}

const fn ctrl_code(code: KeyCode) -> Key {
    Key { code, ctrl: true }
}

/// Every field's line-editing keys, handled by `Field` (a test presses
/// each one in a field and sees it act).
pub(crate) const TEXT_EDITING: &[Binding] = &[
    bind(
        &[code(KeyCode::Left), code(KeyCode::Right)],
        "move the cursor",
        Action::EditText,
        false,
    ),
    bind(
        &[ctrl_code(KeyCode::Left), ctrl_code(KeyCode::Right)],
        "move by a word",
        Action::EditText,
        false,
    ),
    bind(
        &[
            code(KeyCode::Home),
            code(KeyCode::End),
            ctrl('a'),
            ctrl('e'),
        ],
        "to the start / the end",
        Action::EditText,
        false,
    ),
    bind(
        &[code(KeyCode::Backspace), code(KeyCode::Delete)],
        "delete before / under the cursor",
        Action::EditText,
        false,
    ),
    bind(
        &[ctrl('w'), ctrl_code(KeyCode::Backspace)],
        "delete the word before",
        Action::EditText,
        false,
    ),
    bind(
        &[ctrl('u'), ctrl('k')],
        "delete to the start / the end",
        Action::EditText,
        false,
    ),
];

/// One line of the help popup.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum HelpRow {
    Heading(String),
    /// `keys` is the key column, blank on a description's later lines.
    Key {
        keys: String,
        text: String,
    },
}

/// The key column: two spaces, the keys padded to nine, a space.
const HELP_KEYS_WIDTH: usize = 12;

/// The help popup's lines for `screen`, descriptions wrapped to fit
/// `width` columns, so none is cut off.
pub(crate) fn help_rows(user: &UserKeys, screen: Screen, width: u16) -> Vec<HelpRow> {
    let mut rows = vec![HelpRow::Heading(format!("{} screen", screen.title()))];
    let add = |rows: &mut Vec<HelpRow>, keys: &str, what: &str| {
        let keys = format!("  {keys:<9} ");
        let options = textwrap::Options::new(usize::from(width).max(HELP_KEYS_WIDTH + 8))
            .initial_indent(&keys)
            .subsequent_indent("            ");
        for (n, line) in textwrap::wrap(what, options).into_iter().enumerate() {
            let indent = if n == 0 {
                keys.as_str()
            } else {
                "            "
            };
            rows.push(HelpRow::Key {
                keys: if n == 0 {
                    keys.clone()
                } else {
                    indent.to_string()
                },
                text: line.strip_prefix(indent).unwrap_or(&line).to_string(),
            });
        }
    };
    // A key doing the same everywhere (q in the help) is listed once.
    let mut listed: Vec<(String, &str)> = Vec::new();
    // A place's keys as keymap.toml made them (`None`: not rebindable).
    let mut section = |rows: &mut Vec<HelpRow>, place: Option<Place>, bindings: &[Binding]| {
        for b in bindings {
            let label = match place {
                Some(place) => keys_label(&user.keys_of(place, b)),
                None => b.keys_label(),
            };
            if label.is_empty() {
                continue;
            }
            let entry = (label, b.description);
            if !listed.contains(&entry) {
                add(rows, &entry.0, entry.1);
                listed.push(entry);
            }
        }
    };
    // The screen's own keys first.
    section(&mut rows, Some(Place::Screen(screen)), for_screen(screen));
    if !editing(screen).is_empty() {
        rows.push(HelpRow::Heading("In a field".to_string()));
        section(&mut rows, Some(Place::Field(screen)), editing(screen));
        section(&mut rows, None, TEXT_EDITING);
    }
    for (heading, place) in popups_of(screen) {
        rows.push(HelpRow::Heading((*heading).to_string()));
        section(&mut rows, Some(*place), place.bindings());
    }
    rows.push(HelpRow::Heading("Everywhere".to_string()));
    section(&mut rows, None, GLOBAL);
    section(&mut rows, None, ALWAYS);
    rows.push(HelpRow::Heading("In this help".to_string()));
    section(&mut rows, Some(Place::Help), HELP_POPUP);
    rows
}

/// The popups and views a screen opens, with their keys, for its help.
fn popups_of(screen: Screen) -> &'static [(&'static str, Place)] {
    match screen {
        Screen::Credentials => &[
            ("Asked y/N", Place::Confirm),
            ("Doctor popup", Place::Doctor),
        ],
        Screen::Authorize => &[("The demo's consent page", Place::DemoConsent)],
        Screen::Token => &[("Keep-alive popup", Place::KeepAlive)],
        Screen::Feed => &[("Full-screen picture", Place::Picture)],
        Screen::Accounts => &[("Asked y/N", Place::Confirm)],
    }
}

/// Whether a row starts an entry (a heading, or a key's first line):
/// columns break only there, so no description is split across two.
fn starts_entry(row: &HelpRow) -> bool {
    match row {
        HelpRow::Heading(_) => true,
        HelpRow::Key { keys, .. } => !keys.trim().is_empty(),
    }
}

/// The rows in `columns` columns of about equal height, each break
/// between entries and never right after a heading.
pub(crate) fn help_columns(rows: Vec<HelpRow>, columns: u16) -> Vec<Vec<HelpRow>> {
    if columns < 2 {
        return vec![rows];
    }
    let target = rows.len().div_ceil(usize::from(columns));
    let mut out: Vec<Vec<HelpRow>> = vec![Vec::new()];
    for row in rows {
        let current = out.len() - 1;
        let full = out[current].len() >= target;
        if full && starts_entry(&row) && out.len() < usize::from(columns) {
            // A heading left at the bottom goes with its entries.
            let mut carried = Vec::new();
            if matches!(out[current].last(), Some(HelpRow::Heading(_))) {
                carried.extend(out[current].pop());
            }
            carried.push(row);
            out.push(carried);
        } else {
            out[current].push(row);
        }
    }
    out
}

/// How wide the help's widest line is, unwrapped.
fn help_natural_width(user: &UserKeys, screen: Screen) -> u16 {
    let rows = help_rows(user, screen, u16::MAX);
    let widest = rows
        .iter()
        .map(|row| match row {
            HelpRow::Heading(text) => text.width(),
            HelpRow::Key { keys, text } => keys.width().max(HELP_KEYS_WIDTH) + text.width(),
        })
        .max()
        .unwrap_or(0);
    u16::try_from(widest).unwrap_or(u16::MAX)
}

/// How the help popup is laid out at a terminal size: the drawing and the
/// scrolling keys both use it, so scrolling stops where the text ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct HelpLayout {
    pub(crate) columns: u16,
    /// Each column's width inside the border; descriptions wrap to it.
    pub(crate) column_width: u16,
    pub(crate) lines_per_column: usize,
    /// Lines that fit inside the border.
    pub(crate) visible: usize,
}

/// The narrowest a column gets when two are side by side.
const HELP_MIN_COLUMN_WIDTH: u16 = 38;

impl HelpLayout {
    pub(crate) fn new(user: &UserKeys, screen: Screen, (width, height): (u16, u16)) -> HelpLayout {
        let natural = help_natural_width(user, screen);
        let inside = width.saturating_sub(2);
        let one_column = natural.min(inside);
        let too_tall = help_rows(user, screen, one_column).len() + 2 > usize::from(height);
        let (columns, column_width) = if too_tall && inside >= HELP_MIN_COLUMN_WIDTH * 2 {
            (2, natural.min(inside / 2))
        } else {
            (1, one_column)
        };
        let lines_per_column = help_columns(help_rows(user, screen, column_width), columns)
            .iter()
            .map(Vec::len)
            .max()
            .unwrap_or(0);
        let visible = lines_per_column.min(usize::from(height.saturating_sub(2)));
        HelpLayout {
            columns,
            column_width,
            lines_per_column,
            visible,
        }
    }

    /// How far it can scroll.
    pub(crate) fn overflow(&self) -> usize {
        self.lines_per_column.saturating_sub(self.visible)
    }
}

/// In the help popup.
pub(crate) const HELP_POPUP: &[Binding] = &[
    bind(
        &[k('j'), code(KeyCode::Down)],
        "scroll this help down",
        Action::ScrollDown,
        false,
    ),
    bind(
        &[k('k'), code(KeyCode::Up)],
        "scroll it up",
        Action::ScrollUp,
        false,
    ),
    bind(
        &[code(KeyCode::PageDown)],
        "down by a page",
        Action::PageDown,
        false,
    ),
    bind(
        &[code(KeyCode::PageUp)],
        "up by a page",
        Action::PageUp,
        false,
    ),
    bind(
        &[k('?'), code(KeyCode::Esc)],
        "close it",
        Action::Close,
        false,
    ),
    bind(&[k('q')], "quit", Action::Quit, false),
];

/// A y/N question (drop the token, discard edits, remove an account):
/// any other key answers no.
const CONFIRM: &[Binding] = &[
    bind(&[k('y'), k('Y')], "yes", Action::Yes, true),
    bind(
        &[k('n'), code(KeyCode::Esc)],
        "no (any other key too)",
        Action::Close,
        true,
    ),
];

/// j/k in a popup that scrolls (doctor's, keep-alive's).
const SCROLL_DOWN: Binding = bind(
    &[k('j'), code(KeyCode::Down)],
    "scroll down",
    Action::ScrollDown,
    false,
);
const SCROLL_UP: Binding = bind(
    &[k('k'), code(KeyCode::Up)],
    "scroll up",
    Action::ScrollUp,
    false,
);

/// doctor's report (`D` on Credentials).
const DOCTOR_POPUP: &[Binding] = &[
    bind(&[k('D')], "check again", Action::Doctor, true),
    SCROLL_DOWN,
    SCROLL_UP,
    bind(
        &[code(KeyCode::Esc), code(KeyCode::Enter)],
        "close",
        Action::Close,
        true,
    ),
];

/// The demo's stand-in for Instagram's consent page.
const DEMO_CONSENT: &[Binding] = &[
    bind(
        &[code(KeyCode::Enter), k('a')],
        "allow",
        Action::Allow,
        true,
    ),
    bind(&[k('d')], "deny", Action::Deny, true),
    bind(&[code(KeyCode::Esc)], "close", Action::Close, true),
];

/// The keep-alive popup; any other key closes it and does what it does.
const KEEP_ALIVE_POPUP: &[Binding] = &[
    bind(
        &[k('i')],
        "install keep-alive",
        Action::InstallKeepAlive,
        true,
    ),
    bind(&[k('c')], "copy the cron line", Action::CopyCronLine, true),
    SCROLL_DOWN,
    SCROLL_UP,
    bind(
        &[code(KeyCode::PageDown), k(' ')],
        "down by a page",
        Action::PageDown,
        false,
    ),
    bind(
        &[code(KeyCode::PageUp)],
        "up by a page",
        Action::PageUp,
        false,
    ),
    bind(
        &[k('K'), code(KeyCode::Esc)],
        "close (any other key closes it and acts)",
        Action::Close,
        true,
    ),
];

/// While a picture fills the terminal.
pub(crate) const PICTURE_VIEW: &[Binding] = &[
    bind(
        &[code(KeyCode::Esc), k('v'), k('q')],
        "back to the feed",
        Action::Close,
        true,
    ),
    bind(
        &[k('h'), code(KeyCode::Left)],
        "previous album item",
        Action::PrevItem,
        true,
    ),
    bind(
        &[k('l'), code(KeyCode::Right)],
        "next album item",
        Action::NextItem,
        true,
    ),
];

/// Where a key is pressed: a screen, a field being edited on a screen, or
/// a popup (the full-screen picture counts as one). Each place has its own
/// bindings, and keymap.toml its own table (`[feed]`, `[feed.field]`,
/// `[popup.keep-alive]`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Place {
    Screen(Screen),
    Field(Screen),
    Help,
    /// Every y/N question (`ConfirmDropToken`, `ConfirmDiscard`,
    /// `ConfirmRemoveAccount`).
    Confirm,
    Doctor,
    DemoConsent,
    KeepAlive,
    Picture,
}

impl Place {
    /// Every popup place, as keymap.toml names it under `[popup.…]`.
    pub(crate) const POPUPS: [(&'static str, Place); 6] = [
        ("help", Place::Help),
        ("confirm", Place::Confirm),
        ("doctor", Place::Doctor),
        ("demo-consent", Place::DemoConsent),
        ("keep-alive", Place::KeepAlive),
        ("picture", Place::Picture),
    ];

    /// The place's built-in bindings.
    pub(crate) fn bindings(self) -> &'static [Binding] {
        match self {
            Place::Screen(screen) => for_screen(screen),
            Place::Field(screen) => editing(screen),
            Place::Help => HELP_POPUP,
            Place::Confirm => CONFIRM,
            Place::Doctor => DOCTOR_POPUP,
            Place::DemoConsent => DEMO_CONSENT,
            Place::KeepAlive => KEEP_ALIVE_POPUP,
            Place::Picture => PICTURE_VIEW,
        }
    }

    /// The place a popup's keys are looked up in.
    pub(crate) fn of_popup(popup: super::Popup) -> Place {
        use super::Popup;
        match popup {
            Popup::Help => Place::Help,
            Popup::DemoConsent => Place::DemoConsent,
            Popup::ConfirmDropToken | Popup::ConfirmDiscard | Popup::ConfirmRemoveAccount => {
                Place::Confirm
            }
            Popup::KeepAlive => Place::KeepAlive,
            Popup::Doctor => Place::Doctor,
        }
    }

    /// The place in a sentence: "the Feed screen", "the Credentials screen's fields",
    /// "the keep-alive popup".
    pub(crate) fn describe(self) -> String {
        match self {
            Place::Screen(screen) => format!("the {} screen", screen.title()),
            Place::Field(screen) => format!("the {} screen's fields", screen.title()),
            Place::Picture => "the full-screen picture".to_string(),
            popup => {
                let name = Place::POPUPS
                    .iter()
                    .find(|(_, p)| *p == popup)
                    .map_or("", |(n, _)| n);
                format!("the {name} popup")
            }
        }
    }
}

/// The action a key triggers in a field or a popup: keymap.toml's keys for
/// that place first, then the place's own bindings.
pub(crate) fn lookup_in(user: &UserKeys, place: Place, event: &KeyEvent) -> Option<Action> {
    user.lookup(place, event)
        .or_else(|| find(place.bindings(), event))
}

/// The first key that does `action` in `place` now (keymap.toml's, else the
/// built-in one), as a popup's hint line names it; empty when none does.
pub(crate) fn first_key(user: &UserKeys, place: Place, action: Action) -> String {
    place
        .bindings()
        .iter()
        .find(|b| b.action == action)
        .and_then(|b| user.keys_of(place, b).first().map(Key::name))
        .unwrap_or_default()
}

/// The action `key` triggers in a list of bindings.
pub(crate) fn find(bindings: &[Binding], key: &KeyEvent) -> Option<Action> {
    bindings
        .iter()
        .find(|b| b.keys.iter().any(|k| k.matches(key)))
        .map(|b| b.action)
}

/// The key table of docs/tui.md, made from the lists that dispatch keys, so the
/// two cannot drift (a test compares them).
#[cfg(test)]
pub(crate) fn markdown() -> String {
    let mut out = String::from("| keys | where | what |\n|---|---|---|\n");
    let mut row = |b: &Binding, place: &str| {
        let keys: Vec<String> = b.keys.iter().map(|k| format!("`{}`", k.name())).collect();
        out.push_str(&format!(
            "| {} | {place} | {} |\n",
            keys.join(" "),
            b.description
        ));
    };
    for b in ALWAYS {
        row(b, "anywhere");
    }
    for b in GLOBAL {
        row(b, "outside a field");
    }
    for b in TEXT_EDITING {
        row(b, "in any field (pasting works)");
    }
    for screen in Screen::ALL {
        for b in for_screen(screen) {
            row(b, screen.title());
        }
        for b in editing(screen) {
            row(b, &format!("{}, in a field", screen.title()));
        }
    }
    let mut seen: Vec<&str> = Vec::new();
    for screen in Screen::ALL {
        for (heading, place) in popups_of(screen) {
            if seen.contains(heading) {
                continue;
            }
            seen.push(heading);
            for b in place.bindings() {
                row(b, &heading.to_lowercase());
            }
        }
    }
    for b in HELP_POPUP {
        row(b, "help popup");
    }
    out
}

/// Work on every screen while no field is being edited.
pub(crate) const GLOBAL: &[Binding] = &[
    bind(
        &[k('1')],
        "go to Credentials",
        Action::GoTo(Screen::Credentials),
        false,
    ),
    bind(
        &[k('2')],
        "go to Authorize",
        Action::GoTo(Screen::Authorize),
        false,
    ),
    bind(&[k('3')], "go to Token", Action::GoTo(Screen::Token), false),
    bind(&[k('4')], "go to Feed", Action::GoTo(Screen::Feed), false),
    bind(
        &[k('5')],
        "go to Accounts",
        Action::GoTo(Screen::Accounts),
        false,
    ),
    bind(&[k('?')], "help", Action::Help, true),
    bind(&[k('q')], "quit", Action::Quit, true),
];

const CREDENTIALS: &[Binding] = &[
    bind(
        &[code(KeyCode::Enter), k('e')],
        "edit the field",
        Action::EditField,
        true,
    ),
    bind(
        &[code(KeyCode::Tab), code(KeyCode::Down), k('j')],
        "next field",
        Action::NextField,
        true,
    ),
    bind(
        &[code(KeyCode::BackTab), code(KeyCode::Up), k('k')],
        "previous field",
        Action::PrevField,
        false,
    ),
    bind(&[k('s'), ctrl('s')], "save", Action::Save, true),
    bind(
        &[code(KeyCode::Left), code(KeyCode::Right), k(' ')],
        "switch the API (on its line)",
        Action::SwitchFlavor,
        false,
    ),
    bind(
        &[ctrl('r')],
        "show/hide the secret",
        Action::ToggleReveal,
        false,
    ),
    bind(
        &[code(KeyCode::Esc)],
        "discard unsaved changes",
        Action::Discard,
        false,
    ),
    bind(&[k('D')], "check the setup (doctor)", Action::Doctor, false),
];

const AUTHORIZE: &[Binding] = &[
    bind(&[k('o')], "open the browser", Action::OpenBrowser, true),
    bind(&[k('c')], "copy the URL", Action::CopyUrl, true),
    bind(
        &[k('p'), code(KeyCode::Enter)],
        "paste the redirect",
        Action::FocusPaste,
        true,
    ),
    bind(
        &[k('n')],
        "new authorize URL",
        Action::NewAuthorization,
        false,
    ),
];

const TOKEN: &[Binding] = &[
    bind(&[k('r')], "refresh now", Action::Refresh, true),
    bind(
        &[k('a')],
        "auto-refresh on/off",
        Action::ToggleAutoRefresh,
        true,
    ),
    bind(&[k('A')], "authorize again", Action::Reauthorize, false),
    bind(
        &[k('K')],
        "keep alive: cron line, systemd timer, install",
        Action::KeepAlive,
        false,
    ),
    bind(
        &[k('j'), code(KeyCode::Down)],
        "scroll down (small terminals)",
        Action::ScrollDown,
        false,
    ),
    bind(
        &[k('k'), code(KeyCode::Up)],
        "scroll up",
        Action::ScrollUp,
        false,
    ),
];

const FEED: &[Binding] = &[
    bind(
        &[k('j'), code(KeyCode::Down)],
        "next post",
        Action::Down,
        false,
    ),
    bind(
        &[k('k'), code(KeyCode::Up)],
        "previous post",
        Action::Up,
        false,
    ),
    bind(
        &[code(KeyCode::PageDown), ctrl('d')],
        "page down",
        Action::PageDown,
        false,
    ),
    bind(
        &[code(KeyCode::PageUp), ctrl('u')],
        "page up",
        Action::PageUp,
        false,
    ),
    bind(
        &[k('g'), code(KeyCode::Home)],
        "first post",
        Action::Top,
        false,
    ),
    bind(
        &[k('G'), code(KeyCode::End)],
        "last post",
        Action::Bottom,
        false,
    ),
    bind(
        &[code(KeyCode::Enter)],
        "details",
        Action::ToggleDetail,
        true,
    ),
    bind(&[k('o')], "open permalink", Action::OpenPermalink, true),
    bind(
        &[k('h'), code(KeyCode::Left)],
        "previous album item",
        Action::PrevItem,
        false,
    ),
    bind(
        &[k('l'), code(KeyCode::Right)],
        "next album item",
        Action::NextItem,
        false,
    ),
    bind(&[k('O')], "open the media itself", Action::OpenMedia, false),
    bind(&[k('v')], "full-screen picture", Action::ViewPicture, false),
    bind(&[k('c')], "copy the link", Action::CopyLink, false),
    bind(
        &[k('J')],
        "scroll the details down",
        Action::DetailDown,
        false,
    ),
    bind(&[k('K')], "scroll the details up", Action::DetailUp, false),
    bind(&[k('t')], "grid / list", Action::ToggleGrid, true),
    bind(
        &[k('m')],
        "more comments (details)",
        Action::MoreComments,
        false,
    ),
    bind(
        &[k('r')],
        "show/hide replies to comments",
        Action::ToggleReplies,
        false,
    ),
    bind(&[k('d')], "download", Action::Download, true),
    bind(&[k('/')], "filter", Action::Filter, true),
    bind(&[k('R')], "reload", Action::Reload, false),
];

const ACCOUNTS: &[Binding] = &[
    bind(
        &[k('j'), code(KeyCode::Down)],
        "next account",
        Action::NextAccount,
        false,
    ),
    bind(
        &[k('k'), code(KeyCode::Up)],
        "previous account",
        Action::PrevAccount,
        false,
    ),
    bind(
        &[code(KeyCode::Enter), k('u')],
        "make it the active account",
        Action::UseAccount,
        true,
    ),
    bind(
        &[k('n')],
        "add an account (authorize again)",
        Action::AddAccount,
        true,
    ),
    bind(
        &[k('x'), code(KeyCode::Delete)],
        "remove the account (asks first)",
        Action::RemoveAccount,
        true,
    ),
];

pub(crate) fn for_screen(screen: Screen) -> &'static [Binding] {
    match screen {
        Screen::Credentials => CREDENTIALS,
        Screen::Authorize => AUTHORIZE,
        Screen::Token => TOKEN,
        Screen::Feed => FEED,
        Screen::Accounts => ACCOUNTS,
    }
}

/// The action a key triggers on this screen: keymap.toml's keys first, then
/// the screen's bindings, then those of every screen.
pub(crate) fn lookup(user: &UserKeys, screen: Screen, event: &KeyEvent) -> Option<Action> {
    user.lookup(Place::Screen(screen), event).or_else(|| {
        for_screen(screen)
            .iter()
            .chain(GLOBAL)
            .find(|b| b.keys.iter().any(|key| key.matches(event)))
            .map(|b| b.action)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn help_descriptions_wrap_inside_their_column_and_none_is_cut() {
        for screen in Screen::ALL {
            for size in [(80, 24), (40, 12), (60, 40), (200, 60)] {
                let layout = HelpLayout::new(&UserKeys::default(), screen, size);
                let rows = help_rows(&UserKeys::default(), screen, layout.column_width);
                let mut words = String::new();
                for row in &rows {
                    let (width, text) = match row {
                        HelpRow::Heading(text) => (text.width(), text),
                        HelpRow::Key { keys, text } => (keys.width() + text.width(), text),
                    };
                    assert!(
                        width <= usize::from(layout.column_width),
                        "{screen:?} at {size:?}: {row:?} is wider than {}",
                        layout.column_width
                    );
                    words.push_str(text);
                    words.push(' ');
                }
                let shown = for_screen(screen)
                    .iter()
                    .chain(GLOBAL)
                    .chain(editing(screen))
                    .chain(HELP_POPUP)
                    .chain(
                        popups_of(screen)
                            .iter()
                            .flat_map(|(_, p)| p.bindings().iter()),
                    );
                for b in shown {
                    for word in b.description.split_whitespace() {
                        assert!(
                            words.contains(word),
                            "{screen:?} at {size:?}: {word:?} is cut"
                        );
                    }
                }
            }
        }
    }

    #[test]
    fn the_docs_key_table_is_the_keymap() {
        let docs = include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/docs/tui.md"));
        let table = markdown();
        assert!(
            docs.contains(&table),
            "docs/tui.md's key table drifted from the keymap; it should read:\n{table}"
        );
    }

    #[test]
    fn at_80x24_no_description_is_split_across_the_columns() {
        for screen in Screen::ALL {
            let layout = HelpLayout::new(&UserKeys::default(), screen, (80, 24));
            let columns = help_columns(
                help_rows(&UserKeys::default(), screen, layout.column_width),
                layout.columns,
            );
            for column in columns.iter().skip(1) {
                assert!(
                    column.first().is_some_and(starts_entry),
                    "{screen:?}: a column starts inside a description: {:?}",
                    column.first()
                );
            }
            for column in &columns {
                assert!(
                    !matches!(column.last(), Some(HelpRow::Heading(_))),
                    "{screen:?}: a heading ends a column"
                );
            }
        }
    }

    #[test]
    fn the_help_names_directions_right_and_lists_the_field_keys() {
        let rows = help_rows(&UserKeys::default(), Screen::Credentials, 200);
        let text = |keys: &str| {
            rows.iter().find_map(|r| match r {
                HelpRow::Key { keys: k, text } if k.trim() == keys => Some(text.clone()),
                _ => None,
            })
        };
        assert_eq!(text("S-Tab/↑").as_deref(), Some("previous field"));
        assert_eq!(text("Tab/↓").as_deref(), Some("next field"));
        assert_eq!(
            text("C-w/C-Backspace").as_deref(),
            Some("delete the word before")
        );
        assert_eq!(
            text("C-u/C-k").as_deref(),
            Some("delete to the start / the end")
        );
    }

    #[test]
    fn every_text_editing_key_acts_in_a_field() {
        use crossterm::event::KeyEvent;
        for b in TEXT_EDITING {
            for key in b.keys {
                let mods = if key.ctrl {
                    KeyModifiers::CONTROL
                } else {
                    KeyModifiers::NONE
                };
                let event = KeyEvent::new(key.code, mods);
                // Cursor in the middle of two words, so every key has
                // something to move over or delete.
                let mut field = super::super::field::TextField::new("");
                field.set("alpha beta gamma");
                field.handle_key(&KeyEvent::new(KeyCode::Left, KeyModifiers::NONE));
                field.handle_key(&KeyEvent::new(KeyCode::Left, KeyModifiers::CONTROL));
                let before = (field.value().to_string(), field.cursor());
                field.handle_key(&event);
                assert_ne!(
                    (field.value().to_string(), field.cursor()),
                    before,
                    "{} ({}) does nothing in a field",
                    key.name(),
                    b.description
                );
            }
        }
    }

    #[test]
    fn no_key_does_two_things_in_a_field_or_a_popup() {
        use super::super::Popup;
        let mut lists: Vec<(String, &[Binding])> = Screen::ALL
            .iter()
            .map(|s| (format!("{s:?} field"), editing(*s)))
            .collect();
        for popup in [
            Popup::Help,
            Popup::DemoConsent,
            Popup::ConfirmDropToken,
            Popup::KeepAlive,
            Popup::Doctor,
        ] {
            lists.push((format!("{popup:?}"), Place::of_popup(popup).bindings()));
        }
        lists.push(("picture".into(), PICTURE_VIEW));
        for (place, list) in lists {
            for (i, a) in list.iter().enumerate() {
                for b in &list[i + 1..] {
                    for key in a.keys {
                        assert!(!b.keys.contains(key), "{place}: {} twice", key.name());
                    }
                }
            }
        }
    }

    #[test]
    fn no_key_does_two_things_on_one_screen() {
        for screen in Screen::ALL {
            let bindings: Vec<&Binding> = for_screen(screen).iter().chain(GLOBAL).collect();
            for (i, a) in bindings.iter().enumerate() {
                for b in &bindings[i + 1..] {
                    for key in a.keys {
                        assert!(
                            !b.keys.contains(key),
                            "{screen:?}: {} is both {:?} and {:?}",
                            key.name(),
                            a.action,
                            b.action
                        );
                    }
                }
            }
        }
    }
}
