//! The status line and the key hints, built from the keymap that dispatches keys.

use super::theme;
use crate::app::App;
use crate::app::keymap::{self, Binding};
use crate::sanitize;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};

pub(super) fn render_status(app: &App, frame: &mut Frame, area: Rect) {
    if let Some((done, total)) = app.feed.download {
        let line = Line::from(Span::styled(
            format!(" downloading: {done}/{total} files…"),
            theme::level(crate::app::Level::Info),
        ));
        frame.render_widget(Paragraph::new(line), area);
        return;
    }
    let line = match &app.status {
        Some(status) => Line::from(Span::styled(
            format!(" {}", sanitize::lines(&status.text)),
            theme::level(status.level),
        )),
        None => Line::default(),
    };
    frame.render_widget(Paragraph::new(line).wrap(Wrap { trim: false }), area);
}

pub(super) fn render_keys(app: &App, frame: &mut Frame, area: Rect) {
    let pairs: Vec<(String, &str)> = if app.editing() {
        keymap::editing(app.screen)
            .iter()
            .map(|(keys, what)| (keys.split('/').next().unwrap_or(keys).to_string(), *what))
            .collect()
    } else {
        keymap::for_screen(app.screen)
            .iter()
            .chain(keymap::GLOBAL)
            .filter(|b: &&Binding| b.footer)
            .map(|b| (b.short_label(), b.description))
            .collect()
    };
    let mut spans = vec![Span::raw(" ")];
    for (key, description) in pairs {
        spans.push(Span::styled(key, theme::key()));
        spans.push(Span::raw(format!(" {description}  ")));
    }
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
}
