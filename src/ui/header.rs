//! The two header lines: who and how long the token lasts, then the screen tabs.

use super::fit::{self, Cut, Form, Part};
use super::theme;
use crate::app::{App, Screen};
use crate::lifetime::{self, TokenStatus};
use crate::sanitize;
use ratatui::Frame;
use ratatui::layout::{Alignment, Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

pub(super) fn render(app: &App, frame: &mut Frame, area: Rect) {
    let [top, tabs] = Layout::vertical([Constraint::Length(1), Constraint::Length(1)]).areas(area);
    let account = app
        .stored
        .active()
        .map_or_else(|| "not signed in".to_string(), |a| a.label());
    let flavor = app.stored.app().map_or("no app", |a| a.flavor.as_str());
    let mut countdown = needs_you(app, top.width);
    countdown.push(countdown_span(app));
    let right_width = countdown.iter().map(Span::width).sum::<usize>() as u16 + 1;
    let [left_area, right_area] =
        Layout::horizontal([Constraint::Fill(1), Constraint::Length(right_width)]).areas(top);
    // Where all does not fit (40 columns), the flavour goes first, then the
    // program's name, then the demo mark: the account stays, never cut
    // to a stray separator.
    let demo = Part::forms([
        if app.demo {
            Form::from(Span::styled(
                " · demo",
                theme::level(crate::app::Level::Warning),
            ))
        } else {
            Form::none()
        },
        Form::none(),
    ]);
    let left = [
        Part::forms([
            Form::from(Span::styled(" instatui ", theme::title())),
            Form::from(Span::raw(" ")),
        ]),
        Part::forms([
            Form::from(Span::raw(sanitize::line(&account).into_owned())).cut(Cut::Anywhere)
        ]),
        Part::forms([
            Form::from(Span::styled(format!(" · {flavor}"), theme::dim())),
            Form::none(),
        ]),
        demo,
    ];
    // The countdown's own area starts with a space: the two never touch.
    let room = usize::from(left_area.width);
    frame.render_widget(Paragraph::new(fit::fit(&left, &[2, 0, 3], room)), left_area);
    frame.render_widget(
        Paragraph::new(Line::from(countdown)).alignment(Alignment::Right),
        right_area,
    );

    // Where every name does not fit (40 columns), the other tabs keep only
    // their number, so the current one is always on screen and named.
    let full: usize = Screen::ALL
        .iter()
        .enumerate()
        .map(|(i, s)| format!(" {} {} ", i + 1, s.title()).chars().count() + 1)
        .sum();
    let compact = full > usize::from(tabs.width);
    let mut spans = Vec::new();
    for (i, screen) in Screen::ALL.iter().enumerate() {
        let label = if compact && *screen != app.screen {
            format!(" {} ", i + 1)
        } else {
            format!(" {} {} ", i + 1, screen.title())
        };
        let style = if *screen == app.screen {
            theme::selected()
        } else {
            ratatui::style::Style::new()
        };
        spans.push(Span::styled(label, style));
        spans.push(Span::raw(" "));
    }
    frame.render_widget(Paragraph::new(Line::from(spans)), tabs);
}

/// `1 account needs you: 5`, when any account (the active one or not)
/// needs the user; shorter on a narrow screen.
fn needs_you(app: &App, width: u16) -> Vec<Span<'static>> {
    let n = app.needy_accounts().len();
    if n == 0 {
        return Vec::new();
    }
    let text = if width < 60 {
        format!("{n} need you: 5 ")
    } else if n == 1 {
        "1 account needs you: 5 ".to_string()
    } else {
        format!("{n} accounts need you: 5 ")
    };
    vec![
        Span::styled(text, theme::level(crate::app::Level::Warning)),
        Span::styled("· ", theme::dim()),
    ]
}

/// `59d 23h left`, coloured by urgency; what happened instead when the
/// token no longer works (revoked, the app switched off): it counts nothing.
fn countdown_span(app: &App) -> Span<'static> {
    let Some(t) = app.stored.token() else {
        return Span::styled("no token ", theme::dim());
    };
    if let Some(c) = app
        .active_condition()
        .filter(|c| !c.token_works() && t.expires_at > app.now)
    {
        return Span::styled(
            format!("token {} ", c.word().to_lowercase()),
            theme::countdown(TokenStatus::Expired, 0),
        );
    }
    let status = lifetime::status(Some(t), app.now);
    let left = (t.expires_at - app.now).whole_seconds();
    Span::styled(
        format!("{} ", lifetime::countdown(t, app.now)),
        theme::countdown(status, left),
    )
}
