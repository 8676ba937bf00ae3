//! Issue 20: the edges a new or returning user met in their first hour,
//! each replayed as the keys (or pastes) they pressed.

use crate::common::tui::*;
use crossterm::event::KeyCode;
use instatui::app::credentials::{Check, FieldId};
use instatui::app::{Effect, Level, Msg, Screen};

// ------------------------------------------------ 1. a paste in the wrong place

/// The user pressed `1` instead of `2` and pasted the landing address: no
/// credential is replaced, the address goes to Authorize and Enter exchanges it.
#[test]
fn a_redirect_pasted_on_credentials_is_offered_to_authorize() {
    for editing in [None, Some(FieldId::AppSecret)] {
        let mut app = app_with(state_configured());
        app.screen = Screen::Credentials;
        app.credentials.cursor = FieldId::AppSecret;
        app.credentials.focus = editing;
        send(
            &mut app,
            [Msg::Paste(format!(" {}\n", redirect_url(CODE, STATE)))],
        );
        assert_eq!(
            app.credentials.app_secret.value(),
            APP_SECRET,
            "{editing:?}"
        );
        assert!(!app.credentials.is_dirty(&app.stored), "{editing:?}");
        assert_eq!(app.screen, Screen::Authorize, "{editing:?}");
        assert!(
            status_text(&app).contains("Enter exchanges it"),
            "{}",
            status_text(&app)
        );
        let effects = send(&mut app, [code(KeyCode::Enter)]);
        assert!(
            effects
                .iter()
                .any(|e| matches!(e, Effect::ExchangeCode { code, .. } if code == CODE)),
            "{effects:?}"
        );
    }
}

/// With no app saved yet, the redirect cannot be exchanged: it is refused
/// with what to do, and the form keeps what the user typed.
#[test]
fn a_redirect_pasted_before_any_app_is_saved_changes_nothing() {
    let mut app = app_with(state_empty());
    app.screen = Screen::Credentials;
    app.credentials.app_id.set(APP_ID);
    send(&mut app, [Msg::Paste(redirect_url(CODE, STATE))]);
    assert_eq!(app.credentials.app_id.value(), APP_ID);
    assert_eq!(app.screen, Screen::Credentials);
    let status = app.status.clone().expect("status");
    assert_eq!(status.level, Level::Warning);
    assert!(
        status.text.contains("save the credentials first"),
        "{}",
        status.text
    );
}

/// The README's `'…'` placeholder, a token or a redirect is not an app
/// secret: the form refuses to save it and says what a secret looks like.
#[test]
fn the_app_secret_is_32_hex_digits() {
    for bad in ["'…'", "…", "IGAAlonglonglonglonglonglonglong", "3f1c9a7e"] {
        let mut app = app_with(state_empty());
        app.screen = Screen::Credentials;
        app.credentials.app_id.set(APP_ID);
        app.credentials.app_secret.set(bad);
        app.credentials.redirect_uri.set(REDIRECT);
        let effects = send(&mut app, [key('s')]);
        assert!(saves(&effects).is_empty(), "{bad}");
        assert_eq!(app.credentials.cursor, FieldId::AppSecret, "{bad}");
        assert!(
            status_text(&app).contains("32 hex digits"),
            "{}",
            status_text(&app)
        );
    }
}

#[test]
fn a_redirect_uri_carrying_a_code_is_refused() {
    let mut app = app_with(state_empty());
    app.credentials.app_id.set(APP_ID);
    app.credentials.app_secret.set(APP_SECRET);
    app.credentials
        .redirect_uri
        .set("https://example.org/auth/?code=AQB&state=abc");
    let effects = send(&mut app, [key('s')]);
    assert!(saves(&effects).is_empty());
    assert!(
        matches!(app.credentials.check(FieldId::RedirectUri), Check::Error(e) if e.contains("code="))
    );
}

/// The warning is read when it matters: right after `s`, not only on
/// coming back to screen 1.
#[test]
fn the_trailing_slash_warning_shows_at_save_time() {
    let mut app = app_with(state_empty());
    app.credentials.app_id.set(APP_ID);
    app.credentials.app_secret.set(APP_SECRET);
    app.credentials.redirect_uri.set("https://example.org/auth");
    let effects = send(&mut app, [key('s')]);
    assert!(!saves(&effects).is_empty(), "still saved");
    assert_eq!(app.screen, Screen::Authorize);
    let status = app.status.clone().expect("status");
    assert_eq!(status.level, Level::Warning);
    assert!(status.text.contains("credentials saved"), "{}", status.text);
    assert!(status.text.contains("trailing slash"), "{}", status.text);
}

// ------------------------------------------------ 2. no freeze after authorizing

/// The reported freeze: the Token screen took 2 s (once ~30 s) to appear
/// after the exchange, because clearing the screen for the new layout asked
/// the terminal where the cursor is (`ESC [ 6n`) and waited for an answer
/// the event reader kept. The binary, with pictures on, goes through the
/// whole authorization and between screens: it never asks, so nothing
/// waits between the exchange's last answer and the next frame.
#[test]
fn authorizing_never_asks_the_terminal_where_the_cursor_is() {
    use crate::common::cli::Machine;
    use crate::common::pty::Pty;
    use crate::tui::done_when::authorize_as;
    let m = Machine::new(instatui::fake::FakeConfig::demo());
    m.setup();
    // Half-blocks ask the terminal nothing at start-up: pictures are on
    // from the first frame.
    let mut pty = Pty::spawn(&m, &["--images", "halfblocks"]);
    pty.wait_for_text("Authorize instatui");
    authorize_as(&m, &mut pty, 0, instatui::fake::DEMO_USERNAME);
    pty.type_keys("4");
    pty.wait_for_text("┌ Feed");
    pty.type_keys("3");
    pty.wait_for_text("┌ Access token");
    let written = String::from_utf8_lossy(&pty.output()).into_owned();
    assert!(
        !written.contains("\x1b[6n"),
        "the cursor position was asked for"
    );
}
