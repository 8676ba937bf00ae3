//! The status line and the key hints, built from the keymap that dispatches keys.

use super::theme;
use crate::app::keymap::{self, Binding};
use crate::app::{App, Screen};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};

pub fn render_status(app: &App, frame: &mut Frame, area: Rect) {
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
            format!(" {}", status.text),
            theme::level(status.level),
        )),
        None => Line::default(),
    };
    frame.render_widget(Paragraph::new(line).wrap(Wrap { trim: false }), area);
}

pub fn render_keys(app: &App, frame: &mut Frame, area: Rect) {
    let pairs: Vec<(&str, &str)> = if app.editing() {
        editing_hints(app.screen)
    } else {
        keymap::for_screen(app.screen)
            .iter()
            .chain(keymap::GLOBAL)
            .filter(|b: &&Binding| b.footer)
            .map(|b| (b.label, b.description))
            .collect()
    };
    let mut spans = vec![Span::raw(" ")];
    for (key, description) in pairs {
        spans.push(Span::styled(key, theme::key()));
        spans.push(Span::raw(format!(" {description}  ")));
    }
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
}

/// While a field takes the keys, only the keys that leave or submit it matter.
fn editing_hints(screen: Screen) -> Vec<(&'static str, &'static str)> {
    match screen {
        Screen::Credentials => vec![
            ("Tab", "next field"),
            ("Enter", "save"),
            ("C-r", "show/hide secret"),
            ("Esc", "done editing"),
        ],
        Screen::Authorize => vec![("Enter", "exchange"), ("Esc", "leave field")],
        Screen::Feed => vec![("Enter", "keep filter"), ("Esc", "clear filter")],
        Screen::Token => vec![],
    }
}
