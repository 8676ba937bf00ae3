//! The Token screen: what the token is, a live countdown, and whether it can be refreshed.

use super::theme;
use crate::app::token_status::AUTO_RETRY_AFTER;
use crate::app::{App, Level};
use crate::lifetime::{self, TokenStatus};
use crate::localtime;
use crate::sanitize;
use crate::store::TokenKind;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph, Wrap};
use time::Duration;

/// `59d 23h 59m 58s`: the Token screen ticks every second.
pub(super) fn precise(d: Duration) -> String {
    let s = d.whole_seconds().max(0);
    let (days, hours, mins, secs) = (s / 86_400, s / 3600 % 24, s / 60 % 60, s % 60);
    if days > 0 {
        format!("{days}d {hours:02}h {mins:02}m {secs:02}s")
    } else {
        format!("{hours:02}h {mins:02}m {secs:02}s")
    }
}

/// How wide a row's label column is: a space and 18 columns.
const LABEL_WIDTH: usize = 19;

fn row<'a>(label: &'a str, value: impl Into<Span<'a>>) -> Line<'a> {
    Line::from(vec![
        Span::styled(format!(" {label:<18}"), theme::dim()),
        value.into(),
    ])
}

/// A label-and-value row wider than `width` wrapped under its value column
/// rather than under the label (the paragraph would start each further row
/// at the left edge, where it reads as a label of its own at 40 columns);
/// other lines are left to the paragraph.
fn hang(line: Line<'_>, width: usize) -> Vec<Line<'_>> {
    let is_row = line.spans.len() == 2 && line.spans[0].width() == LABEL_WIDTH;
    if !is_row || line.width() <= width || width <= LABEL_WIDTH + 4 {
        return vec![line];
    }
    let (label, value) = (line.spans[0].clone(), &line.spans[1]);
    let options = textwrap::Options::new(width - LABEL_WIDTH)
        .break_words(true)
        .word_splitter(textwrap::WordSplitter::NoHyphenation);
    textwrap::wrap(&value.content, options)
        .into_iter()
        .enumerate()
        .map(|(i, piece)| {
            let lead = if i == 0 {
                label.clone()
            } else {
                Span::raw(" ".repeat(LABEL_WIDTH))
            };
            Line::from(vec![lead, Span::styled(piece.into_owned(), value.style)])
        })
        .collect()
}

pub(super) fn render(app: &App, frame: &mut Frame, area: Rect) {
    let block = Block::bordered()
        .title(Span::styled(" Access token ", theme::title()))
        .border_style(theme::dim());
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let Some(t) = app.stored.token() else {
        let lines = match app.stored.inactive_account_names() {
            // After `setup` of another app: the accounts are all there.
            Some(names) => vec![
                Line::from(format!(
                    " No account is active (stored: {}).",
                    sanitize::line(&names)
                )),
                Line::from(" Press 5 for Accounts and Enter on one to make it active,"),
                Line::from(" or 2 to authorize a new one."),
            ],
            None => vec![
                Line::from(" No token yet."),
                Line::from(" Press 2 to authorize instatui with your Instagram account."),
            ],
        };
        frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), inner);
        return;
    };
    let now = app.now;
    let status = lifetime::status(Some(t), now);
    let left = t.expires_at - now;
    let offset = app.offset;
    let mut lines = vec![
        row(
            "Kind",
            match t.kind {
                TokenKind::Short => format!("{} (1 hour)", t.kind.lifetime()),
                TokenKind::Long => format!("{} (60 days)", t.kind.lifetime()),
            },
        ),
        row(
            "User",
            match app.stored.profile().and_then(|p| p.username.as_deref()) {
                Some(u) => format!("@{u} ({})", t.user_id),
                None => t.user_id.clone(),
            },
        ),
        row("Token", t.value.masked()),
        row("Obtained", localtime::format_in(t.obtained_at, offset)),
        row("Expires", localtime::format_in(t.expires_at, offset)),
    ];
    let condition = app.active_condition();
    // Instagram no longer takes it: nothing to count down to.
    let dead = condition
        .as_ref()
        .filter(|c| !c.token_works() && status != TokenStatus::Expired);
    let countdown = if let Some(c) = dead {
        format!("none: {}", c.summary())
    } else if status == TokenStatus::Expired {
        format!("expired {} ago", precise(now - t.expires_at))
    } else {
        format!("{} left", precise(left))
    };
    let status = if dead.is_some() {
        TokenStatus::Expired
    } else {
        status
    };
    lines.push(row(
        "Time left",
        Span::styled(
            countdown,
            theme::countdown(status, left.whole_seconds()).add_modifier(Modifier::BOLD),
        ),
    ));
    lines.push(row(
        "Refreshable from",
        match lifetime::refreshable_from(t) {
            _ if dead.is_some() => "never: Instagram no longer takes this token".to_string(),
            _ if status == TokenStatus::Expired => {
                "never: an expired token cannot be refreshed".to_string()
            }
            Some(from) if from > now => format!(
                "{} (in {})",
                localtime::format_in(from, offset),
                lifetime::format_remaining(from - now)
            ),
            Some(from) => format!("{} (now)", localtime::format_in(from, offset)),
            None => "never: short-lived tokens are exchanged, not refreshed".to_string(),
        },
    ));
    lines.push(row(
        "Last refresh",
        match app.stored.last_refresh() {
            None => Span::raw("never"),
            Some(r) if r.ok => Span::styled(
                format!("ok at {}", localtime::format_in(r.at, offset)),
                theme::level(Level::Success),
            ),
            Some(r) => Span::styled(
                format!(
                    "failed at {}: {}",
                    localtime::format_in(r.at, offset),
                    r.message.as_deref().unwrap_or("no detail")
                ),
                theme::level(Level::Error),
            ),
        },
    ));
    lines.push(row(
        "Auto-refresh",
        match lifetime::RefreshPolicy::DEFAULT.next_refresh_at(t) {
            _ if dead.is_some() => "nothing to refresh: a dead token is not refreshed".to_string(),
            _ if !app.auto_refresh_on() => "off (a turns it on)".to_string(),
            Some(at) if at > now => format!(
                "on: next refresh {} (in {})",
                localtime::format_in(at, offset),
                lifetime::format_remaining(at - now)
            ),
            Some(_) if status == TokenStatus::Expired => {
                "on (an expired token cannot be refreshed)".to_string()
            }
            Some(_) if app.token.refreshing => "on: refreshing now".to_string(),
            Some(_) => match app.token.last_auto_attempt {
                // The try at `tried` failed (the Last refresh row says why).
                Some(tried) if tried + AUTO_RETRY_AFTER > now => format!(
                    "on: the last try failed; next try {} (in {})",
                    localtime::format_in(tried + AUTO_RETRY_AFTER, offset),
                    lifetime::format_remaining(tried + AUTO_RETRY_AFTER - now)
                ),
                _ => "on: due, refreshing shortly".to_string(),
            },
            None if t.kind == TokenKind::Short && status != TokenStatus::Expired => {
                "on, but a short-lived token is not refreshed: authorize again (2) for a 60-day one"
                    .to_string()
            }
            None => "on (an expired token cannot be refreshed)".to_string(),
        },
    ));
    // Outside the TUI, a timer keeps a live token alive: say how to set one
    // up (a dead token needs A instead, said below).
    if status != TokenStatus::Expired {
        lines.push(row(
            "Keep alive",
            if app.demo {
                Span::raw("not needed in the demo")
            } else {
                keep_alive(app)
            },
        ));
    }
    lines.push(row(
        "Rate usage",
        app.stored
            .rate_usage()
            .map_or_else(|| "not reported yet".to_string(), |u| u.summary()),
    ));
    if !t.permissions.is_empty() {
        lines.push(row("Permissions", t.permissions.join(", ")));
    }
    lines.push(Line::default());
    if let Some(c) = dead {
        lines.push(Line::from(Span::styled(
            format!(" Instagram no longer takes this token: {}", c.summary()),
            theme::level(Level::Error),
        )));
        if let Some(message) = c.message() {
            lines.push(Line::from(format!(" Instagram said: {message}")));
        }
        if c.needs_authorize() {
            lines.push(Line::from(
                " r cannot help: press A (or 2) to authorize again.",
            ));
        } else if let Some(fix) = c.fix(
            app.stored
                .profile()
                .and_then(|p| p.username.as_deref())
                .unwrap_or(&t.user_id),
            app.stored.app().map(|a| a.app_id.as_str()),
        ) {
            lines.push(Line::from(format!(" r cannot help: {fix}")));
        }
    } else if status == TokenStatus::Expired {
        lines.push(Line::from(Span::styled(
            " This token has expired and cannot be refreshed. Press A to authorize again.",
            theme::level(Level::Error),
        )));
    } else {
        match app.refresh_blocker() {
            Some(reason) if app.token.refreshing => {
                lines.push(Line::from(Span::styled(
                    format!(" r: {reason}"),
                    theme::level(Level::Info),
                )));
            }
            Some(reason) => lines.push(Line::from(vec![
                Span::styled(" r refresh: unavailable — ", theme::dim()),
                Span::styled(reason, theme::level(Level::Warning)),
            ])),
            None => lines.push(Line::from(vec![
                Span::styled(" r", theme::key()),
                Span::styled(" refreshes now for another 60 days", Style::new()),
            ])),
        }
    }
    // The username and the last refresh's message came from Instagram.
    let lines: Vec<Line> = lines
        .into_iter()
        .map(sanitize::tui_line)
        .flat_map(|line| hang(line, usize::from(inner.width)))
        .collect();
    // Scrolls where the screen is too small (40×12), never past the end.
    // Rows the wrapped lines take: drawn once off screen, the last row with
    // text is the end (the screen has a few dozen lines, so this is cheap).
    let total = {
        use ratatui::widgets::Widget;
        let area = Rect::new(0, 0, inner.width, 200);
        let mut scratch = ratatui::buffer::Buffer::empty(area);
        Paragraph::new(lines.clone())
            .wrap(Wrap { trim: false })
            .render(area, &mut scratch);
        (0..area.height)
            .rev()
            .find(|&y| (0..area.width).any(|x| scratch[(x, y)].symbol() != " "))
            .map_or(0, |y| usize::from(y) + 1)
    };
    let most = total.saturating_sub(usize::from(inner.height));
    let scroll = usize::from(app.token_scroll).min(most);
    frame.render_widget(
        Paragraph::new(lines)
            .wrap(Wrap { trim: false })
            .scroll((u16::try_from(scroll).unwrap_or(0), 0)),
        inner,
    );
}

/// What keeps the token alive, once the machine was asked (at start-up,
/// off the loop); a warning colour when nothing does and fewer than 7 days
/// are left.
fn keep_alive(app: &App) -> Span<'static> {
    use crate::app::keepalive::KeepAliveState;
    const ADVICE: &str = "K shows the cron line and systemd timer";
    match &app.keep_alive.state {
        KeepAliveState::Unknown => Span::raw(format!("{ADVICE}, or installs one")),
        KeepAliveState::Installed(what) => {
            Span::styled(format!("by {what}"), theme::level(Level::Success))
        }
        KeepAliveState::Outdated(what) => Span::styled(
            format!("by {what}, this account only (older build): K, i updates it"),
            theme::level(Level::Warning),
        ),
        KeepAliveState::Missing => {
            let short = app
                .stored
                .token()
                .is_some_and(|t| t.expires_at - app.now < crate::lifetime::EXPIRING_WITHIN);
            let text = format!("nothing installed: {ADVICE}");
            if short && app.unkept() {
                Span::styled(text, theme::level(Level::Warning))
            } else {
                Span::raw(text)
            }
        }
    }
}
