//! The Accounts screen: one entry per account with its countdown and state; failing ones marked `!` and in capitals, not by colour alone.

use super::fit::{self, Cut, Form, Part};
use super::theme;
use super::token::precise;
use crate::app::keepalive::KeepAliveState;
use crate::app::{App, Level};
use crate::localtime;
use crate::sanitize;
use crate::store::Account;
use crate::watch::Condition;
use crate::watch::condition::Severity;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph, Wrap};
use unicode_width::UnicodeWidthStr;

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
    let mut inner = block.inner(area);
    frame.render_widget(block, area);
    // A notifier that failed stays in view under the list, in words (the
    // `!` marks it without colour) until a delivery works again.
    if let Some(failed) = app.failed_notifier_line()
        && inner.height > 1
    {
        let line = Rect {
            y: inner.y + inner.height - 1,
            height: 1,
            ..inner
        };
        inner.height -= 1;
        let text = crate::text::fit(&failed, usize::from(line.width));
        frame.render_widget(
            Paragraph::new(sanitize::tui_line(Line::from(Span::styled(
                text,
                theme::level(Level::Warning),
            )))),
            line,
        );
    }
    if rows.is_empty() {
        let lines = vec![
            Line::from(" No account yet."),
            Line::from(" Press n to add one: it runs the authorize flow."),
        ];
        frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), inner);
        return;
    }
    // The selected account is always on screen: the list starts as late as
    // it must, settled here where the height is known.
    let fit = (usize::from(inner.height) / ROW_LINES).max(1);
    let selected = app.accounts.selected.min(rows.len() - 1);
    let first = (selected + 1).saturating_sub(fit);
    // Every row's name and state fit on its first line, or the state of
    // every row opens its second: one layout for the whole list.
    let width = usize::from(inner.width);
    let wide = rows.iter().all(|a| head_width(app, a) <= width);
    let mut lines = Vec::new();
    for (i, account) in rows.iter().enumerate().skip(first).take(fit) {
        lines.extend(entry(app, account, i == selected, (width, wide)));
    }
    let lines: Vec<Line> = lines.into_iter().map(sanitize::tui_line).collect();
    frame.render_widget(Paragraph::new(lines), inner);
}

/// One account's three lines, each fitted to `width` columns: unless
/// `wide`, the state opens the second line instead of ending the first;
/// shorter forms come next, then free text cut between words. The state is
/// always whole.
fn entry(
    app: &App,
    account: &Account,
    selected: bool,
    (width, wide): (usize, bool),
) -> [Line<'static>; 3] {
    let now = app.now;
    let t = &account.token;
    let active = app.stored.active.as_ref() == Some(&account.id());
    let condition = app.condition_of(account);
    let failing = app.needs_you(account, &condition);
    let state_style = if condition.severity() == Severity::Broken {
        theme::level(Level::Error).add_modifier(Modifier::BOLD)
    } else if failing
        || condition.severity() == Severity::Passing
        || matches!(
            condition,
            Condition::RefreshDue | Condition::ExpiringSoon { .. }
        )
    {
        theme::level(Level::Warning)
    } else {
        theme::level(Level::Success)
    };
    // Under a week left with something refreshing it: only due.
    let state = match condition {
        Condition::ExpiringSoon { .. } if !failing => "refresh due".to_string(),
        _ => condition.word().to_string(),
    };
    let name_style = if selected {
        theme::selected()
    } else {
        Style::new().add_modifier(Modifier::BOLD)
    };
    let marker = Part::fixed(vec![
        Span::raw(if selected { "▶" } else { " " }),
        Span::styled(if failing { "!" } else { " " }, state_style),
    ]);
    let label = sanitize::line(&account.label()).into_owned();
    let (name, app_of_name) = match app.stored.app_telling_apart(account) {
        // `@name@APP_ID` when another account has the name (one person
        // under two apps): a narrow row cuts the name, never the app.
        Some(app_id) => (
            Part::forms([
                Form::from(Span::styled(format!(" {label}"), name_style)).cut(Cut::Anywhere)
            ]),
            Part::fixed(vec![Span::styled(
                format!("@{} ", sanitize::line(app_id)),
                name_style,
            )]),
        ),
        None => (
            Part::forms([
                Form::from(Span::styled(format!(" {label} "), name_style)).cut(Cut::Anywhere)
            ]),
            Part::fixed(Vec::new()),
        ),
    };
    let active_tag = Part::fixed(if active {
        vec![Span::styled("(active) ", theme::level(Level::Info))]
    } else {
        Vec::new()
    });
    let user = Part::forms([
        Form::from(Span::styled(
            format!("  user {}", account.user_id()),
            theme::dim(),
        )),
        Form::none(),
    ]);
    let wide_state = Part::fixed(vec![
        Span::raw("· "),
        Span::styled(state.clone(), state_style),
    ]);
    let first = if wide {
        fit::fit(
            &[marker, name, app_of_name, active_tag, wide_state, user],
            &[5],
            width,
        )
    } else {
        fit::fit(&[marker, name, app_of_name, active_tag, user], &[4], width)
    };

    // Narrow rows start their lines under the name, wide ones a column further.
    let indent = if wide { "    " } else { "   " };
    let countdown_style = theme::countdown(
        crate::lifetime::status(Some(t), now),
        (t.expires_at - now).whole_seconds(),
    );
    // A token Instagram no longer takes has no time left worth counting.
    let dead = !condition.token_works() && t.expires_at > now;
    let precise_countdown = if dead {
        "no time left: Instagram no longer takes it".to_string()
    } else if t.expires_at <= now {
        format!("expired {} ago", precise(now - t.expires_at))
    } else {
        format!("{} left", precise(t.expires_at - now))
    };
    let short_countdown = if dead {
        "not counting down".to_string()
    } else {
        crate::lifetime::countdown(t, now).to_string()
    };
    let shortest_countdown = if dead {
        "dead".to_string()
    } else if t.expires_at <= now {
        format!("expired {} ago", one_unit(now - t.expires_at))
    } else {
        format!("{} left", one_unit(t.expires_at - now))
    };
    let (lead, sep) = if wide {
        (Vec::new(), "")
    } else {
        (vec![Span::styled(state, state_style)], " · ")
    };
    let countdown = Part::forms([
        Form::new(vec![
            Span::styled(sep, theme::dim()),
            Span::styled(precise_countdown, countdown_style),
        ]),
        Form::new(vec![
            Span::styled(sep, theme::dim()),
            Span::styled(short_countdown, countdown_style),
        ]),
        Form::new(vec![
            Span::styled(sep, theme::dim()),
            Span::styled(shortest_countdown, countdown_style),
        ]),
    ]);
    let kind = t.kind.lifetime();
    let kind = Part::forms([
        Form::from(Span::styled(format!(" · {kind}"), theme::dim())),
        Form::none(),
    ]);
    let app_id = Part::forms([
        Form::from(Span::styled(
            format!(" · app {}", account.app_id.as_deref().unwrap_or("none")),
            theme::dim(),
        )),
        Form::none(),
    ]);
    let mut head = vec![Span::raw(indent)];
    head.extend(lead);
    let second = fit::fit(
        &[Part::fixed(head), countdown, kind, app_id],
        &[3, 1, 2, 1],
        width,
    );

    let last = last_refresh(app, account);
    // Keep-alive first: it is short; it gives way before a failure's message.
    let kept = Part::forms(
        keep_alive_forms(app, account, active)
            .into_iter()
            .map(|span| {
                if span.content.is_empty() {
                    Form::none()
                } else {
                    Form::new(vec![span, Span::styled(" · ", theme::dim())])
                }
            })
            .chain([Form::none()]),
    );
    // When Instagram last answered about it: "checked 3 min ago" goes
    // first when room is short.
    let checked = Part::forms([
        match app.checked_ago(account) {
            Some(ago) => Form::new(vec![
                Span::styled(ago, theme::dim()),
                Span::styled(" · ", theme::dim()),
            ]),
            None => Form::none(),
        },
        Form::none(),
    ]);
    let third = fit::fit(
        &[Part::fixed(vec![Span::raw(indent)]), kept, checked, last],
        &[1, 3, 2, 1, 1, 3],
        width,
    );
    [first, second, third]
}

/// Columns the first line takes with the state on it, without the user id.
fn head_width(app: &App, account: &Account) -> usize {
    let active = app.stored.active.as_ref() == Some(&account.id());
    let label = sanitize::line(&app.stored.label_among(account)).width();
    let condition = app.condition_of(account);
    let state = if matches!(condition, Condition::ExpiringSoon { .. })
        && !app.needs_you(account, &condition)
    {
        "refresh due".width()
    } else {
        condition.word().width()
    };
    2 + label + 2 + if active { "(active) ".len() } else { 0 } + "· ".len() + state
}

/// When the token was last refreshed, or how that failed (Instagram's words
/// kept, cut between words where the row ends), in shorter forms.
fn last_refresh(app: &App, account: &Account) -> Part {
    let Some(r) = &account.last_refresh else {
        return Part::fixed(vec![Span::styled("never refreshed", theme::dim())]);
    };
    let at = localtime::format_in(r.at, app.offset);
    let ago = ago(app.now - r.at);
    if r.ok {
        let style = theme::level(Level::Success);
        return Part::forms([
            Form::from(Span::styled(format!("refreshed {at}"), style)),
            Form::from(Span::styled(format!("refreshed {ago}"), style)),
        ]);
    }
    let style = theme::level(Level::Error);
    let message = sanitize::line(r.message.as_deref().unwrap_or("no detail")).into_owned();
    let dated = format!("! refresh failed {at}: ");
    // The date and at least a few words, or the message without the date.
    let keep = dated.chars().count() + 12;
    Part::forms([
        Form::from(Span::styled(format!("{dated}{message}"), style)).cut(Cut::Words(keep)),
        Form::from(Span::styled(format!("! refresh failed: {message}"), style)).cut(Cut::Words(28)),
        Form::from(Span::styled(format!("! failed {ago}: {message}"), style)).cut(Cut::Words(16)),
    ])
}

/// `3d ago`, `5h ago`, `12m ago`, `just now`: one unit, for narrow rows.
fn ago(d: time::Duration) -> String {
    if d < time::Duration::MINUTE {
        "just now".to_string()
    } else {
        format!("{} ago", one_unit(d))
    }
}

/// `3d`, `5h`, `12m`, `40s`: the largest unit only.
fn one_unit(d: time::Duration) -> String {
    let s = d.whole_seconds().max(0);
    match s {
        0..60 => format!("{s}s"),
        60..3600 => format!("{}m", s / 60),
        3600..86_400 => format!("{}h", s / 3600),
        _ => format!("{}d", s / 86_400),
    }
}

/// What keeps the token alive, in a full, a short and a shorter form.
fn keep_alive_forms(app: &App, account: &Account, active: bool) -> [Span<'static>; 3] {
    let full = keep_alive(app, account, active);
    let style = full.style;
    let short = |text: &str| Span::styled(text.to_string(), style);
    if app.demo {
        return [full.clone(), full, short("")];
    }
    let condition = app.condition_of(account);
    if condition.severity() == Severity::Broken {
        let again = short(if condition.needs_authorize() {
            "authorize again (n)"
        } else {
            "see status"
        });
        return [full, again.clone(), again];
    }
    let run = app
        .stored
        .last_run
        .as_ref()
        .and_then(|run| run.result_of(account))
        .map_or_else(String::new, |r| {
            format!(" (last run: {})", r.outcome.as_str())
        });
    match &app.keep_alive.state {
        KeepAliveState::Installed(_) => [
            full,
            short(&format!("kept alive{run}")),
            short("kept alive"),
        ],
        KeepAliveState::Outdated(_) if active => [
            full,
            short(&format!("kept alive{run}; others not (K, i)")),
            short("outdated (K, i)"),
        ],
        KeepAliveState::Outdated(_) => [
            full,
            short("not kept alive: outdated (K, i)"),
            short("not kept alive"),
        ],
        KeepAliveState::Missing if active && app.auto_refresh_on() => {
            [full.clone(), full, short("auto-refresh while open")]
        }
        _ => [full.clone(), full.clone(), full],
    }
}

/// What keeps this account's token alive.
fn keep_alive(app: &App, account: &Account, active: bool) -> Span<'static> {
    if app.demo {
        return Span::styled("keep-alive: not needed in the demo", theme::dim());
    }
    // Keep-alive refreshes; an expired, revoked or short-lived token cannot
    // be: the reason and the fix instead.
    let condition = app.condition_of(account);
    if condition.severity() == Severity::Broken {
        let name = account.username().unwrap_or(account.user_id());
        let fix = if condition.needs_authorize() {
            "authorize again (n)".to_string()
        } else {
            condition
                .fix(name, account.app_id.as_deref())
                .unwrap_or_default()
        };
        return Span::styled(
            format!("{}: {fix}", condition.summary()),
            theme::level(Level::Error),
        );
    }
    let last_run = app
        .stored
        .last_run
        .as_ref()
        .and_then(|run| run.result_of(account).map(|r| r.outcome));
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
        KeepAliveState::Missing if active && app.auto_refresh_on() => {
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
