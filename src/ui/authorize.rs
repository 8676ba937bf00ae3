//! The Authorize screen: numbered steps, the whole URL (wrapped, never cut), the paste field and progress.

use super::theme;
use crate::app::authorize::{STEP_TITLES, StepProgress};
use crate::app::{App, Level};
use crate::sanitize;
use crate::text;
use ratatui::Frame;
use ratatui::layout::{Position, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph, Wrap};

pub(super) fn render(app: &App, frame: &mut Frame, area: Rect) {
    let block = Block::bordered()
        .title(Span::styled(" Authorize instatui ", theme::title()))
        .border_style(theme::dim());
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let width = inner.width.saturating_sub(3) as usize;
    let mut lines: Vec<Line> = Vec::new();

    let Some(app_config) = app.stored.app() else {
        lines.push(Line::from("Save the app credentials first: press 1."));
        frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), inner);
        return;
    };
    let open_hint = if app.demo {
        "o shows the (demo) consent page, c copies the URL"
    } else {
        "o opens it, c copies it"
    };
    let full = inner.width as usize;
    lines.extend(numbered(
        "1. ",
        &format!("Open this URL in a browser and log in ({open_hint}):"),
        full,
    ));
    match app.authorize_url() {
        Some(url) => {
            for piece in text::chunks(&url, width) {
                lines.push(Line::from(Span::styled(
                    format!("   {piece}"),
                    Style::new().add_modifier(Modifier::UNDERLINED),
                )));
            }
        }
        None => lines.push(Line::from(Span::styled("   (preparing…)", theme::dim()))),
    }
    lines.extend(numbered(
        "2. ",
        &format!(
            "Press Allow. The browser lands on {}?code=…#_: your own address, so an error page \
             there is fine. An error on instagram.com itself means the setup is wrong: \
             \"Invalid platform app\" (the Meta app ID was used: take the Instagram app ID), \
             \"Invalid redirect_uri\" (not registered character for character) or \
             \"Invalid scope\": fix it on screen 1.",
            app_config.redirect_uri
        ),
        full,
    ));
    lines.extend(numbered(
        "3. ",
        "Paste that whole address, or just the code, and press Enter:",
        full,
    ));
    let paste_row = lines.len();
    let focused = app.authorize.paste_focused;
    let field = &app.authorize.paste;
    let field_width = inner.width.saturating_sub(5) as usize;
    let (visible, cursor_column) = super::field::visible(field, field_width, false);
    let shown = if field.value().is_empty() && !focused {
        text::pad("press p (or just paste)", field_width)
    } else {
        text::pad(&visible, field_width)
    };
    lines.push(Line::from(vec![
        Span::styled(" › ", if focused { theme::key() } else { theme::dim() }),
        Span::styled(
            shown,
            if focused {
                theme::focused_field()
            } else {
                theme::field()
            },
        ),
    ]));
    // Everything is wrapped here, so the rows are counted exactly.
    if let Some(error) = &app.authorize.error {
        lines.extend(hanging(
            "   ✗ ",
            &sanitize::line(error),
            full,
            theme::level(Level::Error),
        ));
    }
    for warning in &app.authorize.warnings {
        lines.extend(hanging(
            "   ⚠ ",
            &sanitize::line(warning),
            full,
            theme::level(Level::Warning),
        ));
    }
    let blank = lines.len();
    lines.push(Line::default());
    for (title, step) in STEP_TITLES.iter().zip(app.authorize.steps.iter()) {
        let (mark, style, detail) = match step {
            StepProgress::Pending => ("·", theme::dim(), String::new()),
            StepProgress::Running => ("…", theme::level(Level::Info), "running".to_string()),
            StepProgress::Done(d) => ("✓", theme::level(Level::Success), d.clone()),
            StepProgress::Failed(e) => ("✗", theme::level(Level::Error), e.clone()),
        };
        let text = if detail.is_empty() {
            (*title).to_string()
        } else {
            format!("{title}: {}", sanitize::line(&detail))
        };
        lines.extend(hanging(&format!(" {mark} "), &text, full, style));
    }
    // Short of room, the blank line above the steps goes first.
    let height = usize::from(inner.height);
    if lines.len() > height {
        lines.remove(blank);
    }

    let row_of_paste = paste_row as u16;
    // On a short terminal the URL could push the paste field off screen:
    // once past the URL, scroll so that the field stays visible with the
    // line under it, or, once something happened (an error, a step), with
    // as much as fits of what is under it. Before any paste, the URL
    // matters most and stays at the top.
    let happened = app.authorize.error.is_some()
        || !app.authorize.warnings.is_empty()
        || app
            .authorize
            .steps
            .iter()
            .any(|s| *s != StepProgress::Pending);
    let lift = if happened || focused {
        let under = if happened {
            lines.len().saturating_sub(paste_row)
        } else {
            2
        };
        let overflow = (paste_row + under).saturating_sub(height);
        u16::try_from(overflow)
            .unwrap_or(u16::MAX)
            .min(row_of_paste)
    } else {
        0
    };
    frame.render_widget(Paragraph::new(lines).scroll((lift, 0)), inner);
    if focused {
        let x = inner.x + 3 + cursor_column;
        let position = Position::new(x, inner.y + row_of_paste.saturating_sub(lift));
        if inner.contains(position) {
            frame.set_cursor_position(position);
        }
    }
}

/// `text` wrapped to `width` after `first`, later rows indented as deep,
/// all in `style`.
fn hanging(first: &str, text: &str, width: usize, style: Style) -> Vec<Line<'static>> {
    let indent = " ".repeat(unicode_width::UnicodeWidthStr::width(first));
    let options = textwrap::Options::new(width.max(indent.len() + 1))
        .initial_indent(first)
        .subsequent_indent(&indent)
        .break_words(true)
        .word_splitter(textwrap::WordSplitter::NoHyphenation);
    textwrap::wrap(text, options)
        .into_iter()
        .map(|piece| Line::from(Span::styled(piece.into_owned(), style)))
        .collect()
}

/// A numbered step wrapped to `width` with a hanging indent, the number in
/// the key colour. Wrapped here rather than by the paragraph, so the rows
/// above the paste field can be counted.
fn numbered(number: &'static str, text: &str, width: usize) -> Vec<Line<'static>> {
    let options = textwrap::Options::new(width.max(number.len() + 1))
        .initial_indent(number)
        .subsequent_indent("   ")
        .break_words(true);
    textwrap::wrap(text, options)
        .into_iter()
        .enumerate()
        .map(|(i, piece)| {
            let piece = piece.into_owned();
            match piece.strip_prefix(number) {
                Some(rest) if i == 0 => Line::from(vec![
                    Span::styled(number, theme::key()),
                    Span::raw(rest.to_string()),
                ]),
                _ => Line::from(piece),
            }
        })
        .collect()
}
