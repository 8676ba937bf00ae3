//! The Accounts screen: one entry per account with its countdown and state; failing ones marked `!` and in capitals, not by colour alone.

use super::theme;
use super::token::precise;
use crate::app::keepalive::KeepAliveState;
use crate::app::{App, Level};
use crate::health::Health;
use crate::localtime;
use crate::sanitize;
use crate::store::{Account, TokenKind};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph};

/// Lines each account takes.
const ROW_LINES: usize = 3;

pub(super) fn render(app: &App, frame: &mut Frame, area: Rect) {
    let rows = app.account_rows();
    let block = Block::bordered()
        .title(Span::styled(
            format!(" Accounts ({}) ", rows.len()),
            theme::title(),
        ))
        .border_style(theme::dim());
    let inner = block.inner(area);
    frame.render_widget(block, area);
    if rows.is_empty() {
        let lines = vec![
            Line::from(" No account yet."),
            Line::from(" Press n to add one: it runs the authorize flow."),
        ];
        frame.render_widget(Paragraph::new(lines), inner);
        return;
    }
    // The selected account is always on screen: the list starts as late as
    // it must, settled here where the height is known.
    let fit = (usize::from(inner.height) / ROW_LINES).max(1);
    let selected = app.accounts.selected.min(rows.len() - 1);
    let first = (selected + 1).saturating_sub(fit);
    let mut lines = Vec::new();
    for (i, account) in rows.iter().enumerate().skip(first).take(fit) {
        lines.extend(entry(app, account, i == selected));
    }
    let lines: Vec<Line> = lines.into_iter().map(sanitize::tui_line).collect();
    frame.render_widget(Paragraph::new(lines), inner);
}

/// One account's three lines.
fn entry(app: &App, account: &Account, selected: bool) -> [Line<'static>; 3] {
    let now = app.now;
    let t = &account.token;
    let active = app.stored.active_user_id() == Some(account.user_id());
    let health = app.account_health(account);
    let failing = health.is_failing();
    let state_style = if failing {
        theme::level(Level::Error).add_modifier(Modifier::BOLD)
    } else if health == Health::RefreshDue {
        theme::level(Level::Warning)
    } else {
        theme::level(Level::Success)
    };
    let state = if failing {
        health.as_str().to_uppercase()
    } else {
        health.as_str().to_string()
    };
    let countdown = if t.expires_at <= now {
        format!("expired {} ago", precise(now - t.expires_at))
    } else {
        format!("{} left", precise(t.expires_at - now))
    };
    let name_style = if selected {
        theme::selected()
    } else {
        Style::new().add_modifier(Modifier::BOLD)
    };
    let first = Line::from(vec![
        Span::raw(if selected { "▶" } else { " " }),
        Span::styled(if failing { "!" } else { " " }, state_style),
        Span::styled(format!(" {} ", account.label()), name_style),
        Span::styled(
            if active { "(active) " } else { "" },
            theme::level(Level::Info),
        ),
        Span::raw("· "),
        Span::styled(state, state_style),
        Span::styled(format!("  user {}", account.user_id()), theme::dim()),
    ]);
    let kind = match t.kind {
        TokenKind::Short => "short-lived",
        TokenKind::Long => "long-lived",
    };
    let second = Line::from(vec![
        Span::raw("    "),
        Span::styled(
            countdown,
            theme::countdown(
                crate::lifetime::status(Some(t), now),
                (t.expires_at - now).whole_seconds(),
            ),
        ),
        Span::styled(
            format!(
                " · {kind} · app {}",
                account.app_id.as_deref().unwrap_or("none")
            ),
            theme::dim(),
        ),
    ]);
    let last = match &account.last_refresh {
        None => Span::styled("never refreshed".to_string(), theme::dim()),
        Some(r) if r.ok => Span::styled(
            format!("refreshed {}", localtime::format_in(r.at, app.offset)),
            theme::level(Level::Success),
        ),
        Some(r) => Span::styled(
            format!(
                "! refresh failed {}: {}",
                localtime::format_in(r.at, app.offset),
                r.message.as_deref().unwrap_or("no detail")
            ),
            theme::level(Level::Error),
        ),
    };
    // Keep-alive first: it is short, the refresh message may be cut off.
    let third = Line::from(vec![
        Span::raw("    "),
        keep_alive(app, account, active),
        Span::styled(" · ", theme::dim()),
        last,
    ]);
    [first, second, third]
}

/// What keeps this account's token alive.
fn keep_alive(app: &App, account: &Account, active: bool) -> Span<'static> {
    if app.demo {
        return Span::styled("keep-alive: not needed in the demo", theme::dim());
    }
    // Keep-alive refreshes; an expired, revoked or short-lived token cannot be.
    if app.account_health(account).is_failing() {
        return Span::styled(
            "keep-alive cannot help: authorize again (n)".to_string(),
            theme::level(Level::Error),
        );
    }
    let last_run = app.stored.last_run.as_ref().and_then(|run| {
        run.accounts
            .iter()
            .find(|r| r.user_id == account.user_id())
            .map(|r| r.outcome)
    });
    let run = last_run.map_or_else(String::new, |o| format!(" (last run: {})", o.as_str()));
    match &app.keep_alive.state {
        KeepAliveState::Installed(what) => Span::styled(
            format!("kept alive by {what}{run}"),
            if last_run.is_some_and(|o| o.is_failure()) {
                theme::level(Level::Error)
            } else {
                theme::level(Level::Success)
            },
        ),
        KeepAliveState::Outdated(what) if active => Span::styled(
            format!("kept alive by {what}{run}; others not: K, i updates it"),
            theme::level(Level::Warning),
        ),
        KeepAliveState::Outdated(_) => Span::styled(
            "not kept alive: keep-alive is outdated (K, i updates it)".to_string(),
            theme::level(Level::Warning),
        ),
        KeepAliveState::Missing if active && app.stored.settings.auto_refresh => {
            Span::raw("auto-refresh only while open".to_string())
        }
        KeepAliveState::Missing => {
            let short = account.token.expires_at - app.now < crate::lifetime::EXPIRING_WITHIN;
            let style = if short {
                theme::level(Level::Warning)
            } else {
                Style::new()
            };
            Span::styled("not kept alive".to_string(), style)
        }
        KeepAliveState::Unknown => Span::styled("keep-alive: checking…".to_string(), theme::dim()),
    }
}
