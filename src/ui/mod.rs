//! Drawing: the screen is a function of `App`. Nothing here mutates state or fetches.

mod authorize;
mod credentials;
mod feed;
mod field;
mod footer;
mod header;
mod popup;
pub mod theme;
mod token;

use crate::app::{App, Screen};
use crate::preview::Previews;
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout};

/// Draws the whole frame: header, the current screen, status line, key hints, popups.
pub fn render(app: &App, frame: &mut Frame) {
    render_with_previews(app, frame, None);
}

/// As `render`, with the decoded pictures the Feed's detail pane draws.
/// They are the one mutable thing here: a picture keeps its encoding for
/// the area it was last drawn in.
pub fn render_with_previews(app: &App, frame: &mut Frame, previews: Option<&mut Previews>) {
    theme::set_current(app.theme);
    let [header_area, body, status_area, footer_area] = Layout::vertical([
        Constraint::Length(2),
        Constraint::Fill(1),
        Constraint::Length(app.status_rows((frame.area().width, frame.area().height))),
        Constraint::Length(1),
    ])
    .areas(frame.area());
    header::render(app, frame, header_area);
    match app.screen {
        Screen::Credentials => credentials::render(app, frame, body),
        Screen::Authorize => authorize::render(app, frame, body),
        Screen::Token => token::render(app, frame, body),
        Screen::Feed => feed::render(app, frame, body, previews),
    }
    footer::render_status(app, frame, status_area);
    footer::render_keys(app, frame, footer_area);
    if let Some(p) = app.popup {
        popup::render(app, p, frame);
    }
}
