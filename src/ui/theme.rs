//! Colours and styles, in one place so every screen speaks the same language.
//!
//! Meaning never rests on colour alone: the selection and the active tab are
//! reversed and bold, the focused field is reversed, errors are bold, so the
//! screen reads the same with `NO_COLOR`. Essential text is drawn in the
//! terminal's own foreground or in a colour checked for contrast against the
//! xterm, Tango and Solarized palettes (see the tests below); palette 7 and 8
//! (grey) only ever carry decoration.

use crate::app::Level;
use crate::lifetime::TokenStatus;
use ratatui::style::{Color, Modifier, Style};
use std::cell::Cell;

/// Which colours the screen uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Theme {
    /// Accents for a dark background.
    #[default]
    Dark,
    /// Accents for a light background.
    Light,
    /// No colour at all (`NO_COLOR`, `--theme plain`): only bold, reverse,
    /// underline and dim.
    Plain,
}

/// `--theme` and `INSTATUI_THEME`: a theme, or auto. Its names are the
/// flag's possible values and what the variable reads (in any case).
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ThemeChoice {
    /// Plain with NO_COLOR set, light or dark as COLORFGBG says, else dark.
    Auto,
    /// Accents for a dark background.
    Dark,
    /// Accents for a light background.
    Light,
    /// No colour at all: only bold, reverse, underline and dim.
    Plain,
}

impl ThemeChoice {
    /// The theme asked for; `None` for auto.
    pub fn theme(self) -> Option<Theme> {
        match self {
            ThemeChoice::Auto => None,
            ThemeChoice::Dark => Some(Theme::Dark),
            ThemeChoice::Light => Some(Theme::Light),
            ThemeChoice::Plain => Some(Theme::Plain),
        }
    }
}

impl Theme {
    /// The theme for `--theme` (`None`: auto). `NO_COLOR` (any non-empty
    /// value, <https://no-color.org>) wins over auto; `COLORFGBG` (set by
    /// rxvt, Konsole and others) tells a light background from a dark one.
    pub(crate) fn choose(
        asked: Option<Theme>,
        no_color: Option<&str>,
        colorfgbg: Option<&str>,
    ) -> Theme {
        if let Some(theme) = asked {
            return theme;
        }
        if no_color.is_some_and(|v| !v.is_empty()) {
            return Theme::Plain;
        }
        // "15;0" is light text on black; "0;15" dark text on white. The
        // background is the last field; 7 and 15 are the light greys.
        let background = colorfgbg.and_then(|v| v.rsplit(';').next()?.trim().parse::<u8>().ok());
        match background {
            Some(7 | 15) => Theme::Light,
            _ => Theme::Dark,
        }
    }

    /// Whether nothing but the terminal itself can tell the background:
    /// auto, no `NO_COLOR`, no readable `COLORFGBG`. Then the answer to the
    /// background-colour question (OSC 11) decides.
    pub(crate) fn left_to_terminal(
        asked: Option<Theme>,
        no_color: Option<&str>,
        colorfgbg: Option<&str>,
    ) -> bool {
        let background = colorfgbg.and_then(|v| v.rsplit(';').next()?.trim().parse::<u8>().ok());
        asked.is_none() && no_color.is_none_or(str::is_empty) && background.is_none()
    }

    /// From the environment of this process, and whether the terminal's
    /// background colour may still change it (`left_to_terminal`).
    pub(crate) fn from_env(asked: Option<Theme>) -> (Theme, bool) {
        let no_color = std::env::var("NO_COLOR").ok();
        let colorfgbg = std::env::var("COLORFGBG").ok();
        (
            Theme::choose(asked, no_color.as_deref(), colorfgbg.as_deref()),
            Theme::left_to_terminal(asked, no_color.as_deref(), colorfgbg.as_deref()),
        )
    }

    /// Its name, as `--theme` takes it.
    pub fn as_str(self) -> &'static str {
        match self {
            Theme::Dark => "dark",
            Theme::Light => "light",
            Theme::Plain => "plain",
        }
    }

    fn accent(self, on_dark: Color, on_light: Color) -> Style {
        match self {
            Theme::Dark => Style::new().fg(on_dark),
            Theme::Light => Style::new().fg(on_light),
            Theme::Plain => Style::new(),
        }
    }

    /// Titles sit in dim borders: they cancel the border's faintness.
    pub(crate) fn title(self) -> Style {
        self.accent(Color::LightMagenta, Color::Magenta)
            .add_modifier(Modifier::BOLD)
            .remove_modifier(Modifier::DIM)
    }

    /// Decoration only (borders, secondary hints): the terminal's own
    /// foreground, faint.
    pub(crate) fn dim(self) -> Style {
        // Not palette 8: it is the background itself in Solarized Dark.
        Style::new().add_modifier(Modifier::DIM)
    }

    pub(crate) fn key(self) -> Style {
        self.accent(Color::Cyan, Color::Blue)
            .add_modifier(Modifier::BOLD)
    }

    /// The selected row and the active tab: reversed, so it shows without colour.
    pub(crate) fn selected(self) -> Style {
        Style::new().add_modifier(Modifier::REVERSED | Modifier::BOLD)
    }

    pub(crate) fn focused_field(self) -> Style {
        Style::new().add_modifier(Modifier::REVERSED)
    }

    pub(crate) fn field(self) -> Style {
        match self {
            Theme::Dark => Style::new().bg(Color::Black).fg(Color::Gray),
            Theme::Light | Theme::Plain => Style::new().add_modifier(Modifier::UNDERLINED),
        }
    }

    pub(crate) fn level(self, level: Level) -> Style {
        match level {
            Level::Info => Style::new(),
            Level::Success => match self {
                Theme::Dark => Style::new().fg(Color::Green),
                // No green reads well on white: the text's own ✓ marks it.
                Theme::Light | Theme::Plain => Style::new(),
            },
            Level::Warning => self.accent(Color::Yellow, Color::Magenta),
            Level::Error => self
                .accent(Color::LightRed, Color::Red)
                .add_modifier(Modifier::BOLD),
        }
    }

    /// Comfortable, under 7 days, under 24 hours or expired.
    pub(crate) fn countdown(self, status: TokenStatus, seconds_left: i64) -> Style {
        match status {
            TokenStatus::Expired => self.level(Level::Error).add_modifier(Modifier::REVERSED),
            _ if seconds_left < 86_400 => self.level(Level::Error),
            TokenStatus::Expiring => self.level(Level::Warning).add_modifier(Modifier::BOLD),
            TokenStatus::Valid => self.level(Level::Success),
            TokenStatus::None => self.dim(),
        }
    }
}

thread_local! {
    /// The theme of the frame being drawn on this thread. Set once per frame
    /// by `ui::render_with_previews` from `App::theme`, so the widget
    /// functions need not pass it along; drawing is synchronous, and tests
    /// drawing other themes on other threads do not see each other's.
    static CURRENT: Cell<Theme> = const { Cell::new(Theme::Dark) };
}

/// Makes `theme` the one the functions below use on this thread.
pub(crate) fn set_current(theme: Theme) {
    CURRENT.with(|c| c.set(theme));
}

fn current() -> Theme {
    CURRENT.with(Cell::get)
}

pub(crate) fn title() -> Style {
    current().title()
}

pub(crate) fn dim() -> Style {
    current().dim()
}

pub(crate) fn key() -> Style {
    current().key()
}

pub(crate) fn selected() -> Style {
    current().selected()
}

pub(crate) fn focused_field() -> Style {
    current().focused_field()
}

pub(crate) fn field() -> Style {
    current().field()
}

pub(crate) fn level(level: Level) -> Style {
    current().level(level)
}

pub(crate) fn countdown(status: TokenStatus, seconds_left: i64) -> Style {
    current().countdown(status, seconds_left)
}

#[cfg(test)]
mod tests;
