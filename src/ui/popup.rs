//! Popups over the screen: help built from the keymap, and the demo's consent page.

use super::theme;
use crate::app::keymap::{self, Action, Place};
use crate::app::{App, Popup};
use crate::sanitize;
use ratatui::Frame;
use ratatui::layout::{Constraint, Flex, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph, Wrap};

pub(super) fn render(app: &App, popup: Popup, frame: &mut Frame) {
    match popup {
        Popup::Help => help(app, frame),
        Popup::DemoConsent => consent(app, frame),
        Popup::ConfirmDropToken => {
            // The account label, as every list and message names it.
            let who = app.stored.active().map_or_else(
                || "this account".to_string(),
                |a| sanitize::line(&app.stored.label_among(a)).into_owned(),
            );
            // The same app id on the other API: its token does not work there.
            let same_app = app
                .stored
                .app()
                .is_some_and(|old| old.app_id == app.credentials.app_id.value().trim());
            let text = if same_app {
                format!(
                    "Another API: this drops the token for {who}, and you will have to authorize again."
                )
            } else {
                format!(
                    "A different app id: {who} is kept under Accounts (5) with its app, and you authorize again for the new one."
                )
            };
            confirm(
                frame,
                &text,
                &format!("{} save   n/Esc keep editing", yes(app)),
            );
        }
        Popup::ConfirmRemoveAccount => {
            let who = app.account_being_removed().map_or_else(
                || "this account".to_string(),
                |a| {
                    format!(
                        "{} (user {})",
                        sanitize::line(&app.stored.label_among(&a)),
                        a.user_id()
                    )
                },
            );
            confirm(
                frame,
                &format!("Forget {who} and its token? Getting it back means authorizing again."),
                &format!("{} forget it   n/Esc keep it", yes(app)),
            );
        }
        Popup::KeepAlive => keep_alive(app, frame),
        Popup::Doctor => doctor(app, frame),
        Popup::ConfirmDiscard => confirm(
            frame,
            "Discard the unsaved changes to the credentials?",
            &format!("{} discard   n/Esc keep them", yes(app)),
        ),
    }
}

/// The ready keep-alive lines for this machine (`K`, and once after an
/// authorization), pre-wrapped so scrolling knows where the text ends.
fn keep_alive(app: &App, frame: &mut Frame) {
    use crate::app::keepalive::{GuideStyle, guide_popup_size};
    let (width, height) = guide_popup_size((frame.area().width, frame.area().height));
    // Top row: under the header; the status line and footer stay in view.
    let screen = frame.area();
    let area = Rect {
        y: screen.y + u16::from(screen.height > height),
        height,
        ..centered(screen, width, height)
    };
    let inner_height = usize::from(height.saturating_sub(2));
    let lines = app.guide_lines(width.saturating_sub(2));
    let most = lines.len().saturating_sub(inner_height);
    let scroll = usize::from(app.keep_alive.scroll).min(most);
    let shown: Vec<Line> = lines
        .into_iter()
        .skip(scroll)
        .take(inner_height)
        .map(|(style, text)| match style {
            GuideStyle::Text => Line::from(text),
            GuideStyle::Heading => Line::from(Span::styled(text, theme::title())),
            GuideStyle::Code => Line::from(Span::styled(text, theme::key())),
        })
        .collect();
    let more = if most > 0 { "j/k scroll  " } else { "" };
    // The keys as keymap.toml made them.
    let (install, copy) = (
        keymap::first_key(&app.user_keys, Place::KeepAlive, Action::InstallKeepAlive),
        keymap::first_key(&app.user_keys, Place::KeepAlive, Action::CopyCronLine),
    );
    let keys = match (app.keep_alive.installing, width < 60) {
        (true, _) => format!(" installing…  {more}Esc close "),
        (false, false) => {
            format!(" {install} install  {copy} copy the cron line  {more}Esc close ")
        }
        // Every key still named at 40 columns.
        (false, true) => format!(
            " {install} install  {copy} copy  {}Esc ",
            if most > 0 { "j/k  " } else { "" }
        ),
    };
    frame.render_widget(Clear, area);
    frame.render_widget(
        Paragraph::new(shown).block(
            Block::bordered()
                .title(Span::styled(" Keep the token alive ", theme::title()))
                .title_bottom(Line::from(Span::styled(keys, theme::key()))),
        ),
        area,
    );
}

/// doctor's report: one entry per check, its verdict first, the fix below.
fn doctor(app: &App, frame: &mut Frame) {
    use crate::doctor::Verdict;
    let screen = frame.area();
    let width = screen.width.min(100);
    let height = screen.height.saturating_sub(2).max(3);
    let area = Rect {
        y: screen.y + u16::from(screen.height > height),
        height,
        ..centered(screen, width, height)
    };
    let mut lines: Vec<Line> = Vec::new();
    if app.doctor.running {
        lines.push(Line::from(
            "Checking the setup… (the clock check waits up to 5 s for Instagram)",
        ));
    }
    for check in &app.doctor.checks {
        let (tag, level) = match check.verdict {
            Verdict::Ok => ("ok  ", crate::app::Level::Success),
            Verdict::Warn => ("warn", crate::app::Level::Warning),
            Verdict::Fail => ("FAIL", crate::app::Level::Error),
            Verdict::Skip => ("skip", crate::app::Level::Info),
        };
        lines.push(Line::from(vec![
            Span::styled(tag, theme::level(level)),
            Span::raw(format!("  {}: {}", check.name, sanitize::line(&check.text))),
        ]));
        if let Some(fix) = &check.fix {
            lines.push(Line::from(vec![
                Span::styled("      fix: ", theme::key()),
                Span::raw(sanitize::line(fix).into_owned()),
            ]));
        }
    }
    // The key as keymap.toml made it.
    let again = keymap::first_key(&app.user_keys, Place::Doctor, Action::Doctor);
    let keys = if width < 60 {
        format!(" {again} again  j/k  Esc ")
    } else {
        format!(" {again} check again  j/k scroll  Esc close ")
    };
    frame.render_widget(Clear, area);
    frame.render_widget(
        Paragraph::new(lines)
            .wrap(Wrap { trim: false })
            .scroll((app.doctor.scroll, 0))
            .block(
                Block::bordered()
                    .title(Span::styled(" Doctor: the setup, checked ", theme::title()))
                    .title_bottom(Line::from(Span::styled(keys, theme::key()))),
            ),
        area,
    );
}

/// A yes/no question; anything but `y` answers no.
fn confirm(frame: &mut Frame, question: &str, keys: &str) {
    let area = centered(frame.area(), 50, 7);
    frame.render_widget(Clear, area);
    frame.render_widget(
        Paragraph::new(Line::from(question.to_string()))
            .wrap(Wrap { trim: false })
            .block(
                Block::bordered()
                    .title(Span::styled(" Are you sure? ", theme::title()))
                    .title_bottom(Line::from(Span::styled(format!(" {keys} "), theme::key())))
                    .border_style(theme::level(crate::app::Level::Warning)),
            ),
        area,
    );
}

fn centered(area: Rect, width: u16, height: u16) -> Rect {
    let [row] = Layout::vertical([Constraint::Length(height.min(area.height))])
        .flex(Flex::Center)
        .areas(area);
    let [cell] = Layout::horizontal([Constraint::Length(width.min(area.width))])
        .flex(Flex::Center)
        .areas(row);
    cell
}

fn help(app: &App, frame: &mut Frame) {
    let screen = frame.area();
    // Too tall for the terminal: two columns side by side if they fit, and
    // scrolling (which the title says) if even that is too tall.
    let layout = keymap::HelpLayout::new(&app.user_keys, app.screen, (screen.width, screen.height));
    let line = |row: keymap::HelpRow| match row {
        keymap::HelpRow::Heading(text) => Line::from(Span::styled(text, theme::title())),
        keymap::HelpRow::Key { keys, text } => {
            Line::from(vec![Span::styled(keys, theme::key()), Span::raw(text)])
        }
    };
    // Columns break between entries, never inside a description.
    let columns_rows = keymap::help_columns(
        keymap::help_rows(&app.user_keys, app.screen, layout.column_width),
        layout.columns,
    );
    let column_width = layout.column_width;
    let columns = layout.columns;
    let per_column = layout.lines_per_column;
    let area = centered(screen, column_width * columns + 2, per_column as u16 + 2);
    let scroll = usize::from(app.help_scroll).min(layout.overflow());
    let title = if layout.overflow() > 0 {
        format!(
            " Keys {}/{} (j/k scroll, Esc closes) ",
            scroll + layout.visible,
            per_column
        )
    } else {
        " Keys (Esc closes) ".to_string()
    };
    frame.render_widget(Clear, area);
    let block = Block::bordered().title(title).border_style(theme::key());
    let inner = block.inner(area);
    frame.render_widget(block, area);
    for (column, rows) in (0..columns).zip(columns_rows) {
        let chunk: Vec<Line> = rows.into_iter().map(line).collect();
        let column_area = Rect {
            x: inner.x + column * column_width,
            width: column_width.min(inner.width.saturating_sub(column * column_width)),
            ..inner
        };
        frame.render_widget(
            Paragraph::new(chunk).scroll((u16::try_from(scroll).unwrap_or(u16::MAX), 0)),
            column_area,
        );
    }
}

fn consent(app: &App, frame: &mut Frame) {
    let scopes = app
        .stored
        .app()
        .map(|a| a.scopes.join(", "))
        .unwrap_or_default();
    // The real page asks who logs in (force_reauth); adding an account,
    // the stand-in says who will.
    #[cfg(feature = "demo")]
    let users = {
        let stored = app.stored.all_accounts();
        let left: Vec<String> = [crate::fake::DEMO_USERNAME, crate::fake::SHOP_USERNAME]
            .into_iter()
            .filter(|name| {
                !stored
                    .iter()
                    .any(|a| a.username().is_some_and(|u| u.eq_ignore_ascii_case(name)))
            })
            .map(|name| format!("@{name}"))
            .collect();
        match left.as_slice() {
            [] => " (every demo user is added already)".to_string(),
            names => format!(" ({})", names.join(" or ")),
        }
    };
    #[cfg(not(feature = "demo"))]
    let users = String::new();
    let who = if app.authorize.adding {
        Line::from(format!(
            "Adding an account: logs in as a demo user not added yet{users}."
        ))
    } else {
        Line::default()
    };
    let lines = vec![
        Line::from(Span::styled("Instagram (demo stand-in)", theme::title())),
        who,
        Line::from(format!(
            "instatui demo would like to access your profile and media ({scopes})."
        )),
        Line::default(),
        Line::from(Span::styled(
            "With a real account this page opens in your browser; afterwards the browser \
             lands on the redirect URI with ?code=… in its address.",
            theme::dim(),
        )),
    ];
    // In the border, so the way out shows however small the terminal.
    let keys = Line::from(vec![
        Span::raw(" "),
        Span::styled("Enter", theme::key()),
        Span::raw(" Allow   "),
        Span::styled("d", theme::key()),
        Span::raw(" Deny   "),
        Span::styled("Esc", theme::key()),
        Span::raw(" close "),
    ]);
    // As tall as its lines once wrapped (the scopes and who logs in vary),
    // so the last sentence stays on screen.
    const WIDTH: u16 = 60;
    let inner = usize::from(WIDTH.min(frame.area().width).saturating_sub(2)).max(1);
    let rows: usize = lines
        .iter()
        .map(|line| {
            let text: String = line.spans.iter().map(|s| s.content.as_ref()).collect();
            textwrap::wrap(&text, inner).len().max(1)
        })
        .sum();
    let height = u16::try_from(rows + 2).unwrap_or(u16::MAX);
    let area = centered(frame.area(), WIDTH, height);
    frame.render_widget(Clear, area);
    frame.render_widget(
        Paragraph::new(lines).wrap(Wrap { trim: false }).block(
            Block::bordered()
                .border_style(theme::key())
                .title_bottom(keys),
        ),
        area,
    );
}

/// The key that answers yes to a y/N question now (`y` unless keymap.toml
/// added another).
fn yes(app: &App) -> String {
    keymap::first_key(&app.user_keys, Place::Confirm, Action::Yes)
}
