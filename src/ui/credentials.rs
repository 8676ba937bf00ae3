//! The Credentials screen: one line per field, its check under it, the cursor where typing goes.

use super::theme;
use crate::app::App;
use crate::app::credentials::{Check, FieldId};
use ratatui::Frame;
use ratatui::layout::{Position, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph, Wrap};

const LABEL_WIDTH: u16 = 14;

pub(super) fn render(app: &App, frame: &mut Frame, area: Rect) {
    let mut title = vec![Span::styled(" Meta app credentials ", theme::title())];
    if app.credentials.is_dirty(&app.stored) {
        title.push(Span::styled(
            "· unsaved: s saves, Esc discards ",
            theme::level(crate::app::Level::Warning),
        ));
    }
    let block = Block::bordered()
        .title(Line::from(title))
        .border_style(theme::dim());
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let form = &app.credentials;
    let value_width = inner.width.saturating_sub(LABEL_WIDTH + 1) as usize;
    let mut lines: Vec<Line> = Vec::new();
    let mut cursor: Option<Position> = None;

    for id in FieldId::ORDER {
        let focused = form.focus == Some(id);
        let marker = if focused || (form.focus.is_none() && form.cursor == id) {
            "›"
        } else {
            " "
        };
        let label = Span::styled(
            format!(
                "{marker}{:<width$}",
                id.label(),
                width = LABEL_WIDTH as usize - 1
            ),
            if focused { theme::key() } else { Style::new() },
        );
        let style = if focused {
            theme::focused_field()
        } else {
            theme::field()
        };
        let shown = match form.field(id) {
            None => format!("‹ {} ›", form.flavor.as_str()),
            Some(field) => {
                let masked = id == FieldId::AppSecret && !form.reveal_secret;
                let (shown, column) = super::field::visible(field, value_width, masked);
                // Not being edited: the value from its start, cut with "…"
                // (its cursor sits at the end, which showed only the tail).
                let shown = if focused || masked {
                    shown
                } else {
                    crate::text::fit(field.value(), value_width)
                };
                if focused {
                    cursor = Some(Position::new(
                        inner.x + LABEL_WIDTH + column,
                        inner.y + lines.len() as u16,
                    ));
                }
                shown
            }
        };
        let shown = crate::text::pad(&shown, value_width);
        lines.push(Line::from(vec![label, Span::styled(shown, style)]));

        let check = if form.show_checks {
            form.check(id)
        } else {
            Check::Ok
        };
        let note = match check {
            Check::Ok if id == FieldId::Flavor => Some((
                "←/→ to switch; instagram-login is the current API".to_string(),
                theme::dim(),
            )),
            Check::Ok if id == FieldId::AppSecret && focused => {
                Some(("hidden; Ctrl-R shows it".to_string(), theme::dim()))
            }
            Check::Ok => None,
            Check::Warning(w) => Some((format!("⚠ {w}"), theme::level(crate::app::Level::Warning))),
            Check::Error(e) => Some((format!("✗ {e}"), theme::level(crate::app::Level::Error))),
        };
        let mut notes: Vec<(String, Style)> = note.into_iter().collect();
        if id == FieldId::Scopes {
            // The saved scopes a stored token lacks: only a new authorize adds them.
            let key = crate::app::credentials::authorize_key();
            notes.extend(
                crate::credentials::scope_gaps(&app.stored, None)
                    .iter()
                    .map(|gap| {
                        (
                            format!(
                                "⚠ {}: authorize again to get it ({key} goes to Authorize)",
                                gap.sentence()
                            ),
                            theme::level(crate::app::Level::Warning),
                        )
                    }),
            );
        }
        for (text, style) in notes {
            // Wrapped, not cut: the advice is at the end of the message.
            let indent = " ".repeat(LABEL_WIDTH as usize);
            for piece in textwrap::wrap(&text, value_width.max(1)) {
                lines.push(Line::from(vec![
                    Span::raw(indent.clone()),
                    Span::styled(piece.into_owned(), style),
                ]));
            }
        }
    }
    let form_height = lines.len() as u16;
    let mut help: Vec<Line> = vec![Line::default()];
    help.push(Line::from(Span::styled(
        "Find these in the Meta dashboard: your app › Instagram › API setup with Instagram login. \
         The redirect URI must match the registered one character for character.",
        theme::dim(),
    )));
    if app.demo {
        help.push(Line::from(Span::styled(
            "Demo: these belong to the embedded fake Instagram. Press s to save them.",
            theme::level(crate::app::Level::Warning),
        )));
    }
    frame.render_widget(Paragraph::new(lines), inner);
    let help_area = Rect {
        y: inner.y + form_height.min(inner.height),
        height: inner.height.saturating_sub(form_height),
        ..inner
    };
    frame.render_widget(Paragraph::new(help).wrap(Wrap { trim: false }), help_area);
    if let Some(position) = cursor
        && inner.contains(position)
    {
        frame.set_cursor_position(position);
    }
}
