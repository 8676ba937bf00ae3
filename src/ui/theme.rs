//! Colours and styles, in one place so every screen speaks the same language.

use crate::app::Level;
use crate::token::TokenStatus;
use ratatui::style::{Color, Modifier, Style};

pub const ACCENT: Color = Color::Magenta;

pub fn title() -> Style {
    Style::new().fg(ACCENT).add_modifier(Modifier::BOLD)
}

pub fn dim() -> Style {
    Style::new().fg(Color::DarkGray)
}

pub fn key() -> Style {
    Style::new().fg(Color::Cyan).add_modifier(Modifier::BOLD)
}

pub fn selected() -> Style {
    Style::new().bg(Color::Magenta).fg(Color::Black)
}

pub fn focused_field() -> Style {
    Style::new().bg(Color::DarkGray).fg(Color::White)
}

pub fn field() -> Style {
    Style::new().bg(Color::Black).fg(Color::Gray)
}

pub fn level(level: Level) -> Style {
    match level {
        Level::Info => Style::new().fg(Color::Gray),
        Level::Success => Style::new().fg(Color::Green),
        Level::Warning => Style::new().fg(Color::Yellow),
        Level::Error => Style::new().fg(Color::Red),
    }
}

/// Green while comfortable, yellow under 7 days, red under 24 hours and when expired.
pub fn countdown(status: TokenStatus, seconds_left: i64) -> Style {
    match status {
        TokenStatus::Expired => Style::new().fg(Color::Red).add_modifier(Modifier::BOLD),
        _ if seconds_left < 86_400 => Style::new().fg(Color::Red),
        TokenStatus::Expiring => Style::new().fg(Color::Yellow),
        TokenStatus::Valid => Style::new().fg(Color::Green),
        TokenStatus::None => dim(),
    }
}
