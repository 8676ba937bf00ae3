//! `keymap.toml`: keys the user adds per screen, field and popup (yazi-style `prepend`), checked for conflicts and unknown actions.
//!
//! A user binding puts a key on one of the place's own actions and wins
//! over the built-in use of that key there; the keys that work everywhere
//! (`Ctrl-C`, `Esc`, and outside fields and popups `1`–`5`, `?`, `q`) stay
//! as they are, and a field keeps its typing and text-editing keys.
//!
//! ```toml
//! [feed]
//! prepend = [
//!   { on = "x", run = "grid" },
//!   { on = "C-r", run = "reload" },
//! ]
//! [credentials.field]
//! prepend = [{ on = "C-n", run = "next-field" }]
//! [popup.keep-alive]
//! prepend = [{ on = "I", run = "install" }]
//! ```

use super::Screen;
use super::keymap::{self, Action, Binding, Key, Place};
use crate::file_error::{FileError, line_of};
use crossterm::event::{KeyCode, KeyEvent};
use serde::Deserialize;
use std::path::{Path, PathBuf};
use toml::Spanned;

/// The file's name in the config dir.
pub const FILE: &str = "keymap.toml";

/// The keys the user added, per screen; empty by default.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct UserKeys {
    bindings: Vec<(Place, Key, Action)>,
}

impl From<Screen> for Place {
    fn from(screen: Screen) -> Place {
        Place::Screen(screen)
    }
}

/// What `run` may name, and the action each name is.
const NAMES: &[(&str, Action)] = &[
    // Credentials
    ("edit", Action::EditField),
    ("next-field", Action::NextField),
    ("prev-field", Action::PrevField),
    ("save", Action::Save),
    ("switch-api", Action::SwitchFlavor),
    ("reveal", Action::ToggleReveal),
    ("discard", Action::Discard),
    ("doctor", Action::Doctor),
    // Authorize
    ("open-browser", Action::OpenBrowser),
    ("copy-url", Action::CopyUrl),
    ("paste", Action::FocusPaste),
    ("new-url", Action::NewAuthorization),
    // Token
    ("refresh", Action::Refresh),
    ("auto-refresh", Action::ToggleAutoRefresh),
    ("reauthorize", Action::Reauthorize),
    ("keep-alive", Action::KeepAlive),
    ("scroll-down", Action::ScrollDown),
    ("scroll-up", Action::ScrollUp),
    // Feed
    ("down", Action::Down),
    ("up", Action::Up),
    ("page-down", Action::PageDown),
    ("page-up", Action::PageUp),
    ("top", Action::Top),
    ("bottom", Action::Bottom),
    ("details", Action::ToggleDetail),
    ("open", Action::OpenPermalink),
    ("prev-item", Action::PrevItem),
    ("next-item", Action::NextItem),
    ("open-media", Action::OpenMedia),
    ("view", Action::ViewPicture),
    ("copy-link", Action::CopyLink),
    ("details-down", Action::DetailDown),
    ("details-up", Action::DetailUp),
    ("grid", Action::ToggleGrid),
    ("more-comments", Action::MoreComments),
    ("replies", Action::ToggleReplies),
    ("download", Action::Download),
    ("filter", Action::Filter),
    ("reload", Action::Reload),
    // Accounts
    ("next-account", Action::NextAccount),
    ("prev-account", Action::PrevAccount),
    ("use", Action::UseAccount),
    ("add", Action::AddAccount),
    ("remove", Action::RemoveAccount),
    // In a field
    ("done-editing", Action::DoneEditing),
    ("exchange", Action::SubmitPaste),
    ("leave", Action::LeavePaste),
    ("keep-filter", Action::KeepFilter),
    ("clear-filter", Action::ClearFilter),
    // Popups and the full-screen picture
    ("close", Action::Close),
    ("quit", Action::Quit),
    ("yes", Action::Yes),
    ("allow", Action::Allow),
    ("deny", Action::Deny),
    ("install", Action::InstallKeepAlive),
    ("copy-cron-line", Action::CopyCronLine),
];

/// An action's name in keymap.toml.
pub(crate) fn action_name(action: Action) -> Option<&'static str> {
    NAMES.iter().find(|(_, a)| *a == action).map(|(n, _)| *n)
}

impl UserKeys {
    /// The action a user key triggers in this place (a screen, a field, a
    /// popup).
    pub(crate) fn lookup(&self, place: impl Into<Place>, event: &KeyEvent) -> Option<Action> {
        let screen = place.into();
        self.bindings
            .iter()
            .find(|(s, key, _)| *s == screen && key.matches(event))
            .map(|(_, _, action)| *action)
    }

    /// The keys of a built-in binding in this place as they now are: the
    /// user's keys for its action first, then its own keys the user did not
    /// take for another action.
    pub(crate) fn keys_of(&self, place: impl Into<Place>, binding: &Binding) -> Vec<Key> {
        let screen = place.into();
        let mut keys: Vec<Key> = self
            .bindings
            .iter()
            .filter(|(s, _, a)| *s == screen && *a == binding.action)
            .map(|(_, k, _)| *k)
            .collect();
        for key in binding.keys {
            let taken = self
                .bindings
                .iter()
                .any(|(s, k, _)| *s == screen && k == key);
            if !taken && !keys.contains(key) {
                keys.push(*key);
            }
        }
        keys
    }

    pub fn is_empty(&self) -> bool {
        self.bindings.is_empty()
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct Raw {
    credentials: Option<RawFieldScreen>,
    authorize: Option<RawFieldScreen>,
    token: Option<RawScreen>,
    feed: Option<RawFieldScreen>,
    accounts: Option<RawScreen>,
    popup: Option<RawPopups>,
}

/// A screen without a field (Token, Accounts), a field, or a popup.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawScreen {
    #[serde(default)]
    prepend: Vec<RawBinding>,
}

/// A screen with a field: its keys, and `[<screen>.field]`'s.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFieldScreen {
    #[serde(default)]
    prepend: Vec<RawBinding>,
    field: Option<RawScreen>,
}

/// `[popup.<name>]`, one per `Place::POPUPS`.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct RawPopups {
    help: Option<RawScreen>,
    confirm: Option<RawScreen>,
    doctor: Option<RawScreen>,
    demo_consent: Option<RawScreen>,
    keep_alive: Option<RawScreen>,
    picture: Option<RawScreen>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawBinding {
    on: Spanned<String>,
    run: Spanned<String>,
}

/// A key as written in `on`: one character, `C-x` (Ctrl), or a named key
/// (`Enter`, `Tab`, `S-Tab`, `Space`, `Up`, `Down`, `Left`, `Right`,
/// `PgUp`, `PgDn`, `Home`, `End`, `Backspace`, `Delete`).
fn parse_key(text: &str) -> Option<Key> {
    let (ctrl, base) = match text.strip_prefix("C-") {
        Some(rest) if !rest.is_empty() => (true, rest),
        _ => (false, text),
    };
    let code = match base {
        "Enter" => KeyCode::Enter,
        "Tab" => KeyCode::Tab,
        "S-Tab" => KeyCode::BackTab,
        "Space" => KeyCode::Char(' '),
        "Up" | "↑" => KeyCode::Up,
        "Down" | "↓" => KeyCode::Down,
        "Left" | "←" => KeyCode::Left,
        "Right" | "→" => KeyCode::Right,
        "PgUp" => KeyCode::PageUp,
        "PgDn" => KeyCode::PageDown,
        "Home" => KeyCode::Home,
        "End" => KeyCode::End,
        "Backspace" => KeyCode::Backspace,
        "Delete" => KeyCode::Delete,
        "Esc" => KeyCode::Esc,
        other => {
            let mut chars = other.chars();
            match (chars.next(), chars.next()) {
                // Drawn in the help, footers and hints as it is: no control,
                // bidi or zero-width character, which would reorder or hide
                // what is around it.
                (Some(c), None)
                    if crate::sanitize::line(other) == other
                        && unicode_width::UnicodeWidthChar::width(c).is_some_and(|w| w > 0) =>
                {
                    KeyCode::Char(c)
                }
                _ => return None,
            }
        }
    };
    Some(Key { code, ctrl })
}

/// Parses and checks keymap.toml's text.
pub fn parse(text: &str) -> Result<UserKeys, FileError> {
    let raw: Raw = toml::from_str(text).map_err(|e| FileError {
        line: e.span().map_or(0, |s| line_of(text, s.start)),
        key: None,
        message: e.message().trim().to_string(),
    })?;
    let with_field = |screen: Screen, raw: Option<RawFieldScreen>| {
        let raw = raw.unwrap_or_default();
        [
            (Place::Screen(screen), raw.prepend),
            (Place::Field(screen), raw.field.unwrap_or_default().prepend),
        ]
    };
    let popups = raw.popup.unwrap_or_default();
    let mut places: Vec<(Place, Vec<RawBinding>)> = Vec::new();
    places.extend(with_field(Screen::Credentials, raw.credentials));
    places.extend(with_field(Screen::Authorize, raw.authorize));
    places.push((
        Place::Screen(Screen::Token),
        raw.token.unwrap_or_default().prepend,
    ));
    places.extend(with_field(Screen::Feed, raw.feed));
    places.push((
        Place::Screen(Screen::Accounts),
        raw.accounts.unwrap_or_default().prepend,
    ));
    for (place, listed) in [
        (Place::Help, popups.help),
        (Place::Confirm, popups.confirm),
        (Place::Doctor, popups.doctor),
        (Place::DemoConsent, popups.demo_consent),
        (Place::KeepAlive, popups.keep_alive),
        (Place::Picture, popups.picture),
    ] {
        places.push((place, listed.unwrap_or_default().prepend));
    }
    let mut keys = UserKeys::default();
    // Where each (place, key) was bound, for the conflict's sentence.
    let mut lines: Vec<(Place, Key, Action, usize)> = Vec::new();
    for (place, listed) in places {
        for binding in listed {
            let line = line_of(text, binding.on.span().start);
            let written = binding.on.get_ref().clone();
            let fail = |message: String| FileError {
                line,
                key: Some(crate::sanitize::line(&written).into_owned()),
                message,
            };
            let key = parse_key(&written).ok_or_else(|| {
                fail("is not a key: write one character, C-x for Ctrl, or Enter, Tab, S-Tab, Space, Up, Down, Left, Right, PgUp, PgDn, Home, End, Backspace, Delete".into())
            })?;
            refuse_reserved(place, key).map_err(fail)?;
            let run = binding.run.get_ref();
            let offered: Vec<&'static str> = place
                .bindings()
                .iter()
                .filter_map(|b| action_name(b.action))
                .collect();
            let action = NAMES
                .iter()
                .find(|(name, _)| name == run && offered.contains(name))
                .map(|(_, a)| *a)
                .ok_or_else(|| {
                    fail(format!(
                        "{} has no action \"{}\": choose one of {}",
                        place.describe(),
                        crate::sanitize::line(run),
                        offered.join(", ")
                    ))
                })?;
            if let Some((_, _, other, at)) = lines
                .iter()
                .find(|(p, k, a, _)| *p == place && *k == key && *a != action)
            {
                return Err(fail(format!(
                    "is bound on {} to both {} (line {at}) and {}: keep one",
                    place.describe(),
                    action_name(*other).unwrap_or("?"),
                    action_name(action).unwrap_or("?"),
                )));
            }
            lines.push((place, key, action, line));
            if !keys.bindings.contains(&(place, key, action)) {
                keys.bindings.push((place, key, action));
            }
        }
    }
    Ok(keys)
}

/// The keys a place never gives away: `Ctrl-C` and `Esc` anywhere; on a
/// screen also the keys of every screen (`1`–`5`, `?`, `q`); in a field
/// the characters it types and the keys that edit its text.
fn refuse_reserved(place: Place, key: Key) -> Result<(), String> {
    let global = match place {
        Place::Screen(_) => keymap::GLOBAL,
        _ => &[],
    };
    if let Some(b) = keymap::ALWAYS
        .iter()
        .chain(global)
        .find(|b| b.keys.contains(&key))
    {
        return Err(format!(
            "works on every screen ({}) and stays so: choose another key",
            b.description
        ));
    }
    if let Place::Field(_) = place {
        if !key.ctrl && matches!(key.code, KeyCode::Char(_)) {
            return Err(
                "types into the field: choose a Ctrl key (C-n) or a named key (Tab, Enter, Up, …)"
                    .into(),
            );
        }
        if let Some(b) = keymap::TEXT_EDITING.iter().find(|b| b.keys.contains(&key)) {
            return Err(format!(
                "edits the text in every field ({}): choose another key",
                b.description
            ));
        }
    }
    Ok(())
}

/// What was read: the keys, and the sentence to show when the file was not
/// usable (the keys are then the built-in ones only).
#[derive(Debug, Clone, Default)]
pub struct Loaded {
    pub keys: UserKeys,
    pub warning: Option<String>,
}

/// `<dir>/keymap.toml`.
pub fn path(config_dir: &Path) -> PathBuf {
    config_dir.join(FILE)
}

/// Reads `<dir>/keymap.toml`: none is the built-in keys, silently; an
/// unreadable or invalid one is the built-in keys with a warning.
pub fn load(config_dir: &Path) -> Loaded {
    let file = path(config_dir);
    let text = match std::fs::read_to_string(&file) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Loaded::default(),
        Err(e) => {
            return Loaded {
                keys: UserKeys::default(),
                warning: Some(format!(
                    "could not read {}: {e}; using the built-in keys until it is readable",
                    file.display()
                )),
            };
        }
    };
    match parse(&text) {
        Ok(keys) => Loaded {
            keys,
            warning: None,
        },
        Err(e) => Loaded {
            keys: UserKeys::default(),
            warning: Some(format!(
                "{}; using the built-in keys until it is fixed (`instatui config` checks it)",
                e.sentence(&file)
            )),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crossterm::event::KeyModifiers;

    fn press(c: char) -> KeyEvent {
        KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE)
    }

    /// Every table keymap.toml takes, with its place, in the docs' order.
    fn tables() -> Vec<(String, Place)> {
        let mut out = Vec::new();
        for screen in Screen::ALL {
            let name = screen.title().to_lowercase();
            out.push((name.clone(), Place::Screen(screen)));
            if !keymap::editing(screen).is_empty() {
                out.push((format!("{name}.field"), Place::Field(screen)));
            }
        }
        for (name, place) in Place::POPUPS {
            out.push((format!("popup.{name}"), place));
        }
        out
    }

    #[test]
    fn a_prepended_key_runs_its_action_and_wins_over_the_built_in_one() {
        let keys = parse(
            "[feed]\nprepend = [\n  { on = \"x\", run = \"grid\" },\n  { on = \"r\", run = \"reload\" },\n]\n",
        )
        .expect("parses");
        assert_eq!(
            keys.lookup(Screen::Feed, &press('x')),
            Some(Action::ToggleGrid)
        );
        assert_eq!(keys.lookup(Screen::Feed, &press('r')), Some(Action::Reload));
        // Only on that screen.
        assert_eq!(keys.lookup(Screen::Token, &press('r')), None);
        // The built-in `r` (replies) lost its key; grid keeps `t` after `x`.
        let replies = keymap::for_screen(Screen::Feed)
            .iter()
            .find(|b| b.action == Action::ToggleReplies)
            .expect("replies");
        assert!(keys.keys_of(Screen::Feed, replies).is_empty());
        let grid = keymap::for_screen(Screen::Feed)
            .iter()
            .find(|b| b.action == Action::ToggleGrid)
            .expect("grid");
        let names: Vec<String> = keys
            .keys_of(Screen::Feed, grid)
            .iter()
            .map(Key::name)
            .collect();
        assert_eq!(names, ["x", "t"]);
    }

    #[test]
    fn one_key_for_two_actions_on_one_screen_is_a_sentence_with_line_and_key() {
        let err = parse("[feed]\nprepend = [\n  { on = \"x\", run = \"grid\" },\n  { on = \"x\", run = \"reload\" },\n]\n")
            .expect_err("a conflict");
        assert_eq!(err.line, 4);
        assert_eq!(err.key.as_deref(), Some("x"));
        assert_eq!(
            err.sentence(Path::new("/c/keymap.toml")),
            "/c/keymap.toml, line 4, key `x`: is bound on the Feed screen to both grid (line 3) and reload: keep one"
        );
        // The same key on two screens is no conflict.
        parse("[feed]\nprepend = [{ on = \"x\", run = \"grid\" }]\n[token]\nprepend = [{ on = \"x\", run = \"refresh\" }]\n")
            .expect("two screens");
    }

    #[test]
    fn an_unknown_action_is_a_sentence_naming_the_screens_actions() {
        let err =
            parse("[token]\nprepend = [{ on = \"x\", run = \"gird\" }]\n").expect_err("unknown");
        assert_eq!((err.line, err.key.as_deref()), (2, Some("x")));
        assert!(
            err.message.starts_with(
                "the Token screen has no action \"gird\": choose one of refresh, auto-refresh"
            ),
            "{err:?}"
        );
        // An action of another screen is unknown here.
        assert!(parse("[token]\nprepend = [{ on = \"x\", run = \"grid\" }]\n").is_err());
    }

    #[test]
    fn keys_that_work_everywhere_and_non_keys_are_refused() {
        for on in ["q", "?", "1", "C-c", "Esc"] {
            let err = parse(&format!(
                "[feed]\nprepend = [{{ on = \"{on}\", run = \"grid\" }}]\n"
            ))
            .expect_err(on);
            assert!(err.message.contains("every screen"), "{on}: {err:?}");
        }
        let err = parse("[feed]\nprepend = [{ on = \"xy\", run = \"grid\" }]\n").expect_err("xy");
        assert!(err.message.contains("is not a key"), "{err:?}");
        // Drawn in the help and footers as it is: nothing that reorders or
        // hides the text around it (a bidi override, a zero-width joiner).
        for hidden in ["\\u202E", "\\u200D", "\\uFE0F"] {
            let text = format!("[feed]\nprepend = [{{ on = \"{hidden}\", run = \"grid\" }}]\n");
            let err = parse(&text).expect_err(hidden);
            assert!(err.message.contains("is not a key"), "{hidden}: {err:?}");
        }
        let err = parse("[feeds]\n").expect_err("no such screen");
        assert!(err.message.contains("unknown field"), "{err:?}");
        assert_eq!(err.line, 1);
    }

    /// docs/tui.md's table of the names `run` takes, one row per table of
    /// keymap.toml.
    fn names_table() -> String {
        let mut out = String::new();
        for (table, place) in tables() {
            let names: Vec<String> = place
                .bindings()
                .iter()
                .filter_map(|b| action_name(b.action))
                .map(|n| format!("`{n}`"))
                .collect();
            out.push_str(&format!("| `[{table}]` | {} |\n", names.join(" ")));
        }
        out
    }

    #[test]
    fn the_docs_list_every_action_name() {
        let docs = include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/docs/tui.md"));
        let table = names_table();
        assert!(
            docs.contains(&table),
            "docs/tui.md's keymap.toml actions drifted; they should read:\n{table}"
        );
    }

    #[test]
    fn every_action_in_every_place_has_a_name() {
        for (table, place) in tables() {
            for b in place.bindings() {
                assert!(
                    action_name(b.action).is_some(),
                    "[{table}]: {:?} has no keymap.toml name",
                    b.action
                );
            }
        }
    }

    #[test]
    fn a_field_or_popup_key_runs_its_action_there_only() {
        use crossterm::event::KeyModifiers;
        let keys = parse(
            "[credentials.field]\nprepend = [{ on = \"C-n\", run = \"next-field\" }]\n[popup.keep-alive]\nprepend = [{ on = \"I\", run = \"install\" }]\n",
        )
        .expect("parses");
        let ctrl_n = KeyEvent::new(KeyCode::Char('n'), KeyModifiers::CONTROL);
        assert_eq!(
            keys.lookup(Place::Field(Screen::Credentials), &ctrl_n),
            Some(Action::NextField)
        );
        assert_eq!(keys.lookup(Screen::Credentials, &ctrl_n), None);
        assert_eq!(
            keys.lookup(Place::KeepAlive, &press('I')),
            Some(Action::InstallKeepAlive)
        );
        assert_eq!(keys.lookup(Place::Doctor, &press('I')), None);
    }

    #[test]
    fn a_field_keeps_its_typing_and_editing_keys_and_the_sentences_say_where() {
        for (on, says) in [
            ("x", "types into the field"),
            (
                "C-w",
                "edits the text in every field (delete the word before)",
            ),
            ("Home", "edits the text in every field"),
            ("Esc", "works on every screen"),
        ] {
            let err = parse(&format!(
                "[feed.field]\nprepend = [{{ on = \"{on}\", run = \"keep-filter\" }}]\n"
            ))
            .expect_err(on);
            assert!(err.message.contains(says), "{on}: {err:?}");
        }
        // `q` is free in a popup (only a screen keeps it).
        parse("[popup.confirm]\nprepend = [{ on = \"q\", run = \"close\" }]\n")
            .expect("q in a popup");
        let err = parse("[popup.doctor]\nprepend = [{ on = \"x\", run = \"install\" }]\n")
            .expect_err("not the doctor's");
        assert_eq!(
            err.sentence(Path::new("/c/keymap.toml")),
            "/c/keymap.toml, line 2, key `x`: the doctor popup has no action \"install\": choose one of doctor, scroll-down, scroll-up, close"
        );
        let err = parse("[authorize.field]\nprepend = [\n  { on = \"C-x\", run = \"exchange\" },\n  { on = \"C-x\", run = \"leave\" },\n]\n")
            .expect_err("a conflict");
        assert_eq!(
            err.message,
            "is bound on the Authorize screen's fields to both exchange (line 3) and leave: keep one"
        );
        assert!(parse("[token.field]\n").is_err(), "Token has no field");
        assert!(parse("[popup.nope]\n").is_err());
    }
}
