//! Drawing: the screen is a function of `App`. Nothing here mutates state or fetches.

mod accounts;
mod authorize;
mod credentials;
mod engagement;
mod feed;
mod field;
mod fit;
mod footer;
mod grid;
mod header;
pub(crate) mod layout;
mod popup;
mod profile;
pub mod theme;
mod token;

use crate::app::{App, Screen};
use crate::preview::Previews;
use ratatui::Frame;

/// Draws the whole frame: header, the current screen, status line, key hints, popups.
pub fn render(app: &App, frame: &mut Frame) {
    render_with_previews(app, frame, None);
}

/// As `render`, with the decoded pictures the Feed's detail pane draws.
/// They are the one mutable thing here: a picture keeps its encoding for
/// the area it was last drawn in.
pub fn render_with_previews(app: &App, frame: &mut Frame, previews: Option<&mut Previews>) {
    theme::set_current(app.theme);
    if app.screen == Screen::Feed && app.feed.full_picture {
        // Nothing else is drawn: the picture fits the whole terminal.
        feed::full_picture(app, frame, frame.area(), previews);
        return;
    }
    let areas = layout::frame(app, frame.area());
    header::render(app, frame, areas.header);
    if let (Some(banner_area), Some(text)) = (areas.banner, banner(app)) {
        frame.render_widget(
            ratatui::widgets::Paragraph::new(crate::text::pad(
                &text,
                usize::from(banner_area.width),
            ))
            .style(
                theme::level(crate::app::Level::Error)
                    .add_modifier(ratatui::style::Modifier::REVERSED),
            ),
            banner_area,
        );
    }
    let body = areas.body;
    match app.screen {
        Screen::Credentials => credentials::render(app, frame, body),
        Screen::Authorize => authorize::render(app, frame, body),
        Screen::Token => token::render(app, frame, body),
        Screen::Feed => feed::render(app, frame, body, previews),
        Screen::Accounts => accounts::render(app, frame, body),
    }
    footer::render_status(app, frame, areas.status);
    footer::render_keys(app, frame, areas.keys);
    if let Some(p) = app.popup {
        popup::render(app, p, frame);
    }
}

/// A token that no longer works (or is about to die with nothing
/// refreshing it) is said at the top of every screen but Authorize, where
/// the fix happens, with the fix: one key, `2`, the same everywhere, when a
/// new authorize is what helps. Cached posts must not look like a working
/// account.
fn banner(app: &App) -> Option<String> {
    if app.screen == Screen::Authorize {
        return None;
    }
    let account = app.stored.active()?;
    let c = app.active_condition()?;
    if !app.needs_you(account, &c) {
        return None;
    }
    let what = c.summary();
    // The key first: a narrow screen cuts the reason, never the fix.
    if c.needs_authorize() {
        return Some(format!(
            " ⚠ Press 2 to authorize {} again: {what}",
            account.label()
        ));
    }
    let name = account.username().unwrap_or(account.user_id());
    let fix = c.fix(name, account.app_id.as_deref()).unwrap_or_default();
    Some(match c {
        crate::watch::Condition::ExpiringSoon { .. } => {
            format!(" ⚠ Press 3, then r, to refresh {}: {what}", account.label())
        }
        _ => format!(" ⚠ {fix}: {} {what}", account.label()),
    })
}
