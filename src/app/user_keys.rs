//! `keymap.toml`: keys the user adds per screen (yazi-style `prepend`), checked for conflicts and unknown actions.
//!
//! A user binding puts a key on one of the screen's own actions and wins
//! over the built-in use of that key on that screen; the keys that work
//! everywhere (`1`–`5`, `?`, `q`, `Ctrl-C`, `Esc`) stay as they are.
//!
//! ```toml
//! [feed]
//! prepend = [
//!   { on = "x", run = "grid" },
//!   { on = "C-r", run = "reload" },
//! ]
//! ```

use super::Screen;
use super::keymap::{self, Action, Binding, Key};
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
    bindings: Vec<(Screen, Key, Action)>,
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
];

/// An action's name in keymap.toml.
pub(crate) fn action_name(action: Action) -> Option<&'static str> {
    NAMES.iter().find(|(_, a)| *a == action).map(|(n, _)| *n)
}

impl UserKeys {
    /// The action a user key triggers on this screen.
    pub(crate) fn lookup(&self, screen: Screen, event: &KeyEvent) -> Option<Action> {
        self.bindings
            .iter()
            .find(|(s, key, _)| *s == screen && key.matches(event))
            .map(|(_, _, action)| *action)
    }

    /// The keys of a built-in binding on this screen as they now are: the
    /// user's keys for its action first, then its own keys the user did not
    /// take for another action.
    pub(crate) fn keys_of(&self, screen: Screen, binding: &Binding) -> Vec<Key> {
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
    credentials: Option<RawScreen>,
    authorize: Option<RawScreen>,
    token: Option<RawScreen>,
    feed: Option<RawScreen>,
    accounts: Option<RawScreen>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawScreen {
    #[serde(default)]
    prepend: Vec<RawBinding>,
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
                (Some(c), None) if !c.is_control() => KeyCode::Char(c),
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
    let screens = [
        (Screen::Credentials, raw.credentials),
        (Screen::Authorize, raw.authorize),
        (Screen::Token, raw.token),
        (Screen::Feed, raw.feed),
        (Screen::Accounts, raw.accounts),
    ];
    let mut keys = UserKeys::default();
    // Where each (screen, key) was bound, for the conflict's sentence.
    let mut lines: Vec<(Screen, Key, Action, usize)> = Vec::new();
    for (screen, listed) in screens {
        for binding in listed.map(|s| s.prepend).unwrap_or_default() {
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
            if let Some(b) = keymap::ALWAYS
                .iter()
                .chain(keymap::GLOBAL)
                .find(|b| b.keys.contains(&key))
            {
                return Err(fail(format!(
                    "works on every screen ({}) and stays so: choose another key",
                    b.description
                )));
            }
            let run = binding.run.get_ref();
            let offered: Vec<&'static str> = keymap::for_screen(screen)
                .iter()
                .filter_map(|b| action_name(b.action))
                .collect();
            let action = NAMES
                .iter()
                .find(|(name, _)| name == run && offered.contains(name))
                .map(|(_, a)| *a)
                .ok_or_else(|| {
                    fail(format!(
                        "the {} screen has no action \"{}\": choose one of {}",
                        screen.title(),
                        crate::sanitize::line(run),
                        offered.join(", ")
                    ))
                })?;
            if let Some((_, _, other, at)) = lines
                .iter()
                .find(|(s, k, a, _)| *s == screen && *k == key && *a != action)
            {
                return Err(fail(format!(
                    "is bound on the {} screen to both {} (line {at}) and {}: keep one",
                    screen.title(),
                    action_name(*other).unwrap_or("?"),
                    action_name(action).unwrap_or("?"),
                )));
            }
            lines.push((screen, key, action, line));
            if !keys.bindings.contains(&(screen, key, action)) {
                keys.bindings.push((screen, key, action));
            }
        }
    }
    Ok(keys)
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
        let err = parse("[feeds]\n").expect_err("no such screen");
        assert!(err.message.contains("unknown field"), "{err:?}");
        assert_eq!(err.line, 1);
    }

    /// docs/tui.md's table of the names `run` takes, one row per screen.
    fn names_table() -> String {
        let mut out = String::new();
        for screen in Screen::ALL {
            let names: Vec<String> = keymap::for_screen(screen)
                .iter()
                .filter_map(|b| action_name(b.action))
                .map(|n| format!("`{n}`"))
                .collect();
            out.push_str(&format!("| {} | {} |\n", screen.title(), names.join(" ")));
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
    fn every_action_on_a_screen_has_a_name() {
        for screen in Screen::ALL {
            for b in keymap::for_screen(screen) {
                assert!(
                    action_name(b.action).is_some(),
                    "{screen:?}: {:?} has no keymap.toml name",
                    b.action
                );
            }
        }
    }
}
