//! The TUI's keep-alive row and warning, and handing new tokens on, driven
//! through `update` with a fixed clock.

mod common;

use common::tui::*;
use instatui::app::keepalive::KeepAliveState;
use instatui::app::{Effect, Level, Msg, Screen};
use instatui::handoff::{Handoff, HandoffRun, Target};
use time::Duration;

fn token_app(left: Duration) -> instatui::app::App {
    let mut app = app_with(state_with_token(Duration::days(60) - left, left));
    app.screen = Screen::Token;
    // Auto-refresh turned off by the user (it is on by default).
    app.stored.settings.auto_refresh = false;
    app
}

fn render_text(app: &instatui::app::App) -> String {
    let mut terminal =
        ratatui::Terminal::new(ratatui::backend::TestBackend::new(100, 30)).expect("terminal");
    terminal
        .draw(|f| instatui::ui::render(app, f))
        .expect("draw");
    terminal.backend().to_string()
}

#[test]
fn under_seven_days_with_nothing_keeping_it_alive_warns_once() {
    let mut app = token_app(Duration::days(5));
    send(&mut app, [Msg::KeepAlive(KeepAliveState::Missing)]);
    assert_eq!(app.status.as_ref().map(|s| s.level), Some(Level::Warning));
    let status = status_text(&app);
    assert!(
        status.contains("expires in 5d 0h and nothing keeps it alive"),
        "{status}"
    );
    assert!(status.contains("'instatui keep-alive install'"), "{status}");
    let screen = render_text(&app);
    assert!(
        screen.contains("Keep alive        nothing installed: instatui keep-alive install"),
        "{screen}"
    );

    // Once: a later tick does not say it again.
    app.status = None;
    send(&mut app, [Msg::Tick]);
    assert_eq!(app.status, None);
}

#[test]
fn no_warning_when_something_keeps_it_alive_or_time_is_plenty() {
    let mut app = token_app(Duration::days(5));
    send(
        &mut app,
        [Msg::KeepAlive(KeepAliveState::Installed(
            "a systemd user timer".into(),
        ))],
    );
    assert_eq!(app.status, None);
    let screen = render_text(&app);
    assert!(
        screen.contains("Keep alive        by a systemd user timer"),
        "{screen}"
    );

    let mut app = token_app(Duration::days(5));
    app.stored.settings.auto_refresh = true;
    send(
        &mut app,
        [Msg::KeepAlive(KeepAliveState::Missing), Msg::Tick],
    );
    assert_ne!(
        app.status.as_ref().map(|s| s.level),
        Some(Level::Warning),
        "auto-refresh keeps it alive while the TUI runs (and refreshes now)"
    );

    let mut app = token_app(Duration::days(30));
    send(
        &mut app,
        [Msg::KeepAlive(KeepAliveState::Missing), Msg::Tick],
    );
    assert_eq!(app.status, None);

    // Before the machine was asked, nothing is claimed either way.
    let mut app = token_app(Duration::days(5));
    send(&mut app, [Msg::Tick]);
    assert_eq!(app.status, None);
    let screen = render_text(&app);
    assert!(
        screen.contains("Keep alive        instatui keep-alive install (or print"),
        "advice, nothing claimed: {screen}"
    );
}

fn with_handoff(mut app: instatui::app::App) -> instatui::app::App {
    app.stored.handoffs.push(Handoff {
        id: 1,
        account: USER_ID.into(),
        target: Target::Dotenv {
            path: "/srv/site/.env".into(),
            var: "INSTAGRAM_ACCESS_TOKEN".into(),
        },
        last: None,
    });
    app
}

#[test]
fn a_refreshed_token_is_saved_then_handed_on_and_a_failure_shows() {
    let mut app = with_handoff(token_app(Duration::days(57)));
    send(&mut app, [key('r')]);
    let effects = send(
        &mut app,
        [Msg::Refreshed {
            result: Ok(long_answer("IGAArefreshedrefreshedrefreshed")),
        }],
    );
    let save = effects
        .iter()
        .position(|e| matches!(e, Effect::Save(_)))
        .expect("a save");
    let handoff = effects
        .iter()
        .position(|e| matches!(e, Effect::RunHandoffs { ticket, .. } if ticket.token.expose() == "IGAArefreshedrefreshedrefreshed"))
        .expect("handoffs run with the new token");
    assert!(save < handoff, "saved first: {effects:?}");

    let failed = HandoffRun {
        at: NOW,
        ok: false,
        summary:
            "the folder /srv/site does not exist: create it, or give a path in an existing folder"
                .into(),
        exit_code: None,
        output: vec![],
    };
    let effects = send(&mut app, [Msg::HandoffsRan(vec![(1, failed.clone())])]);
    assert_eq!(app.status.as_ref().map(|s| s.level), Some(Level::Error));
    let status = status_text(&app);
    assert!(
        status.contains("handoff 1 failed: the folder /srv/site does not exist"),
        "{status}"
    );
    assert!(status.contains("the token is saved"), "{status}");
    let saved = saves(&effects);
    assert_eq!(saved.last().expect("save").handoffs[0].last, Some(failed));
    assert_eq!(
        saved.last().unwrap().token.as_ref().unwrap().value.expose(),
        "IGAArefreshedrefreshedrefreshed"
    );
}

#[test]
fn without_handoffs_for_the_account_nothing_runs() {
    let mut app = token_app(Duration::days(57));
    app.stored.handoffs.push(Handoff {
        id: 1,
        account: "someone-else".into(),
        target: Target::Exec {
            command: "true".into(),
            timeout_secs: 5,
        },
        last: None,
    });
    send(&mut app, [key('r')]);
    let effects = send(
        &mut app,
        [Msg::Refreshed {
            result: Ok(long_answer("IGAArefreshedrefreshedrefreshed")),
        }],
    );
    assert!(
        !effects
            .iter()
            .any(|e| matches!(e, Effect::RunHandoffs { .. })),
        "{effects:?}"
    );
}
