//! The status line and the key hints, built from the keymap that dispatches keys.

use super::theme;
use crate::app::keymap::Action;
use crate::app::keymap::{self, Binding};
use crate::app::{App, Screen};
use crate::sanitize;
use crate::text;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use unicode_width::UnicodeWidthStr;

pub(super) fn render_status(app: &App, frame: &mut Frame, area: Rect) {
    if let Some((done, total)) = app.feed.download {
        let line = Line::from(Span::styled(
            format!(" downloading: {done}/{total} files…"),
            theme::level(crate::app::Level::Info),
        ));
        frame.render_widget(Paragraph::new(line), area);
        return;
    }
    let Some(status) = &app.status else {
        return;
    };
    // Wrapped here between words; what does not fit the rows there are
    // ends in "…" at a word boundary, so a cut message shows it is cut.
    let text = format!(" {}", sanitize::lines(&status.text));
    let width = usize::from(area.width).max(1);
    let rows = usize::from(area.height).max(1);
    let options = textwrap::Options::new(width)
        .break_words(true)
        .word_splitter(textwrap::WordSplitter::NoHyphenation);
    let mut wrapped: Vec<String> = textwrap::wrap(&text, options)
        .into_iter()
        .map(std::borrow::Cow::into_owned)
        .collect();
    if wrapped.len() > rows {
        let rest = wrapped.split_off(rows - 1).join(" ");
        wrapped.push(text::fit_words(&rest, width).unwrap_or_else(|| text::fit(&rest, width)));
    }
    let lines: Vec<Line> = wrapped
        .into_iter()
        .map(|row| Line::from(Span::styled(row, theme::level(status.level))))
        .collect();
    frame.render_widget(Paragraph::new(lines), area);
}

pub(super) fn render_keys(app: &App, frame: &mut Frame, area: Rect) {
    let mut pairs: Vec<(String, &str)> = if app.editing() {
        // A field's keys as keymap.toml made them, too.
        let place = keymap::Place::Field(app.screen);
        keymap::editing(app.screen)
            .iter()
            .filter(|b: &&Binding| b.footer)
            .filter_map(|b| {
                let first = app.user_keys.keys_of(place, b).first()?.name();
                Some((first, b.description))
            })
            .collect()
    } else {
        // The screen's keys as keymap.toml made them: a key the user added
        // is the one shown.
        let screen = keymap::for_screen(app.screen).iter().filter_map(|b| {
            let first = app
                .user_keys
                .keys_of(keymap::Place::Screen(app.screen), b)
                .first()?
                .name();
            Some((b, first))
        });
        let global = keymap::GLOBAL.iter().map(|b| (b, b.short_label()));
        screen
            .chain(global)
            .filter(|(b, _)| b.footer && offered(app, b.action))
            .map(|(b, key)| (key, b.description))
            .collect()
    };
    if app.screen == Screen::Authorize && app.stored.app().is_none() && !app.editing() {
        pairs.insert(0, ("1".to_string(), "enter the app's credentials first"));
    }
    // Whole entries or none: an entry cut in the middle of a word reads as
    // another key's description. Later entries give way first.
    let width = usize::from(area.width);
    let mut used = 1;
    let mut spans = vec![Span::raw(" ")];
    for (key, description) in pairs {
        let entry = format!(" {description}  ");
        let needed = key.as_str().width() + entry.trim_end().width();
        if used + needed > width {
            break;
        }
        used += key.as_str().width() + entry.as_str().width();
        spans.push(Span::styled(key, theme::key()));
        spans.push(Span::raw(entry));
    }
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
}

/// Whether the footer offers `action` now: never what cannot be done yet
/// (authorizing without an app, a refresh Instagram would refuse).
fn offered(app: &App, action: Action) -> bool {
    match action {
        Action::OpenBrowser | Action::CopyUrl | Action::FocusPaste | Action::NewAuthorization => {
            app.stored.app().is_some()
        }
        Action::Refresh => app.refresh_blocker().is_none(),
        _ => true,
    }
}
