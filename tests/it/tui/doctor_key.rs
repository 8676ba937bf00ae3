//! `D` on Credentials: doctor's checks run by the executor (off the loop)
//! against the fake, the report drawn in a popup, each line ok or what to do.

use crate::common::tui::*;
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use instatui::app::{Effect, Msg, Popup, Screen};
use instatui::doctor::{Check, Verdict};
use instatui::fake::{FakeConfig, FakeInstagram};
use instatui::runtime::{Executor, FeedCache, demo_app};
use instatui::store::Store;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use std::time::Duration;

fn draw(app: &instatui::app::App, width: u16, height: u16) -> String {
    let mut terminal = Terminal::new(TestBackend::new(width, height)).expect("terminal");
    terminal
        .draw(|f| instatui::ui::render(app, f))
        .expect("drawn");
    terminal.backend().to_string()
}

#[test]
fn d_on_credentials_asks_for_the_checks_and_shows_each_line() {
    let mut app = app_with(state_authorized());
    send(&mut app, [Msg::Resize(80, 24), key('1')]);
    assert_eq!(app.screen, Screen::Credentials);
    let effects = send(&mut app, [key('D')]);
    assert!(
        effects
            .iter()
            .any(|e| matches!(e, Effect::RunDoctor { .. })),
        "{effects:?}"
    );
    assert_eq!(app.popup, Some(Popup::Doctor));
    assert!(draw(&app, 80, 24).contains("Checking the setup"));
    // Pressed again while it runs: no second run.
    let again = send(&mut app, [key('D')]);
    assert!(!again.iter().any(|e| matches!(e, Effect::RunDoctor { .. })));

    let checks = vec![
        Check {
            name: "redirect URI",
            verdict: Verdict::Fail,
            text: "it holds code=, so it is the address the browser landed on".into(),
            fix: Some("instatui setup --redirect-uri https://example.org/auth/".into()),
        },
        Check {
            name: "clock",
            verdict: Verdict::Ok,
            text: "within 2 s of Instagram's".into(),
            fix: None,
        },
    ];
    send(&mut app, [Msg::DoctorChecked(checks)]);
    let screen = draw(&app, 80, 24);
    assert!(
        screen.contains("FAIL  redirect URI: it holds code="),
        "{screen}"
    );
    assert!(
        screen.contains("fix: instatui setup --redirect-uri"),
        "{screen}"
    );
    assert!(screen.contains("ok    clock: within 2 s"), "{screen}");
    assert!(!screen.contains("Checking the setup"), "{screen}");
    // At 40x12 it is still there, with its keys.
    let small = draw(&app, 40, 12);
    assert!(small.contains("FAIL"), "{small}");
    send(
        &mut app,
        [Msg::Key(KeyEvent::new(KeyCode::Esc, KeyModifiers::NONE))],
    );
    assert_eq!(app.popup, None);
}

#[test]
fn d_while_editing_a_field_types_a_d() {
    let mut app = app_with(state_authorized());
    send(
        &mut app,
        [
            key('1'),
            Msg::Key(KeyEvent::new(KeyCode::Enter, KeyModifiers::NONE)),
        ],
    );
    let effects = send(&mut app, [key('D')]);
    assert!(
        !effects
            .iter()
            .any(|e| matches!(e, Effect::RunDoctor { .. }))
    );
    assert_eq!(app.popup, None);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_executor_runs_the_checks_against_instagram_and_answers() {
    instatui::install_crypto_provider();
    let fake = FakeInstagram::start(FakeConfig::demo())
        .await
        .expect("fake");
    let scratch = tempfile::tempdir().expect("tempdir");
    let mut executor = Executor::new(
        Store::at(scratch.path().join("config")),
        FeedCache::new(scratch.path().join("cache")),
        Some(fake.control()),
    );
    let mut app = demo_app(&fake.base_url());
    let now = time::OffsetDateTime::now_utc();
    executor.send(&mut app, Msg::Resize(100, 40), now);
    // Nothing saved yet: the redirect URI and scopes say to set the app up.
    executor.send(
        &mut app,
        Msg::Key(KeyEvent::new(KeyCode::Char('D'), KeyModifiers::NONE)),
        now,
    );
    assert!(app.doctor.running);
    tokio::time::timeout(
        Duration::from_secs(20),
        executor.settle(&mut app, time::OffsetDateTime::now_utc, |_| {}),
    )
    .await
    .expect("settles");
    assert!(!app.doctor.running);
    let names: Vec<&str> = app.doctor.checks.iter().map(|c| c.name).collect();
    assert!(
        names.contains(&"clock") && names.contains(&"pictures"),
        "{names:?}"
    );
    let clock = app
        .doctor
        .checks
        .iter()
        .find(|c| c.name == "clock")
        .expect("clock");
    assert_eq!(
        clock.verdict,
        Verdict::Ok,
        "the fake's Date header: {clock:?}"
    );
    let screen = draw(&app, 100, 40);
    assert!(screen.contains("clock:"), "{screen}");
}

#[test]
fn a_doctor_key_added_in_keymap_toml_runs_the_checks_again_and_the_popup_names_it() {
    let mut app = app_with(state_authorized());
    app.user_keys = instatui::app::user_keys::parse(
        "[popup.doctor]\nprepend = [{ on = \"r\", run = \"doctor\" }]\n",
    )
    .expect("keymap.toml parses");
    send(&mut app, [Msg::Resize(80, 24), key('1'), key('D')]);
    assert_eq!(app.popup, Some(Popup::Doctor));
    assert!(
        draw(&app, 80, 24).contains(" r check again"),
        "{}",
        draw(&app, 80, 24)
    );
    send(&mut app, [Msg::DoctorChecked(Vec::new())]);
    let again = send(&mut app, [key('r')]);
    assert!(
        again.iter().any(|e| matches!(e, Effect::RunDoctor { .. })),
        "r runs the checks again: {again:?}"
    );
}
