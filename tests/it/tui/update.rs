//! `update` alone: messages in, state and effects out. No terminal, no server.

use crate::common::tui::*;
use crossterm::event::KeyCode;
use instatui::app::authorize::StepProgress;
use instatui::app::credentials::FieldId;
use instatui::app::{Effect, Level, Msg, Popup, Screen};
use instatui::instagram::ErrorKind;
use time::Duration;

// ---------------------------------------------------------------- start-up

#[test]
fn start_screen_follows_the_stored_state() {
    let mut app = app_with(state_empty());
    assert_eq!(app.screen, Screen::Credentials);
    assert!(instatui::app::update::start(&mut app).is_empty());

    let mut app = app_with(State {
        pending_authorization: None,
        ..state_configured()
    });
    assert_eq!(app.screen, Screen::Authorize);
    let effects = instatui::app::update::start(&mut app);
    // A fresh `state` is issued (and saved) so the URL on screen can be checked.
    assert_eq!(saves(&effects).len(), 1);
    assert_eq!(
        app.stored
            .pending_authorization
            .as_ref()
            .map(|p| p.nonce.as_str()),
        Some(STATE)
    );

    let mut app = app_with(state_authorized());
    assert_eq!(app.screen, Screen::Feed);
    let effects = instatui::app::update::start(&mut app);
    assert!(
        matches!(&effects[..], [Effect::FetchFeedPage { after: None, token, .. }]
            if token.expose() == LONG),
        "{effects:?}"
    );
}

use instatui::store::State;

// ---------------------------------------------------------------- credentials

#[test]
fn typing_into_the_credentials_form() {
    let mut app = app_with(state_empty());
    // Nothing is in edit mode until the user enters a field.
    assert_eq!(app.credentials.focus, None);
    assert!(!app.editing());
    send(&mut app, [code(KeyCode::Enter)]);
    assert_eq!(app.credentials.focus, Some(FieldId::AppId));
    assert!(app.editing());
    type_str(&mut app, "1243");
    send(&mut app, [code(KeyCode::Left), key('5')]);
    assert_eq!(app.credentials.app_id.value(), "12453");
    send(
        &mut app,
        [code(KeyCode::Home), key('9'), code(KeyCode::End), key('0')],
    );
    assert_eq!(app.credentials.app_id.value(), "9124530");
    send(
        &mut app,
        [
            code(KeyCode::Backspace),
            code(KeyCode::Home),
            code(KeyCode::Delete),
        ],
    );
    assert_eq!(app.credentials.app_id.value(), "12453");
    send(
        &mut app,
        [code(KeyCode::Right), code(KeyCode::Right), key('x')],
    );
    assert_eq!(app.credentials.app_id.value(), "12x453");
    send(&mut app, [code(KeyCode::End)]);
    type_str(&mut app, " 77");
    send(&mut app, [ctrl('w')]);
    assert_eq!(app.credentials.app_id.value(), "12x453 ");
    send(&mut app, [Msg::Paste("  8899\n".into())]);
    assert_eq!(app.credentials.app_id.value(), "12x453 8899");
}

/// The reported trap: a returning user (token stored, opens on Feed) pressed
/// `1 2 Enter` and lost the 60-day token to a `2` typed into the App ID.
#[test]
fn navigation_keys_never_type_into_a_field_or_drop_the_token() {
    // Typed as text: `\n` is Enter, `\x1b` is Esc.
    for keys in ["12\n", "123", "1\n\x1b2\n"] {
        let press = |c: char| match c {
            '\n' => code(KeyCode::Enter),
            '\x1b' => code(KeyCode::Esc),
            c => key(c),
        };
        let mut app = app_with(state_authorized());
        instatui::app::update::start(&mut app);
        assert_eq!(app.screen, Screen::Feed);
        let effects = send(&mut app, keys.chars().map(press));
        assert_eq!(app.credentials.app_id.value(), APP_ID, "{keys:?}");
        assert!(
            saves(&effects).iter().all(|s| s.token().is_some()),
            "{keys:?}"
        );
        assert_eq!(
            app.stored.token().map(|t| t.value.expose().to_string()),
            Some(LONG.to_string()),
            "{keys:?}"
        );
        assert_ne!(app.screen, Screen::Credentials, "{keys:?}");
    }
}

#[test]
fn saving_another_app_id_asks_then_keeps_the_account_aside() {
    let mut app = app_with(state_authorized());
    app.screen = Screen::Credentials;
    send(&mut app, [key('e'), code(KeyCode::End), key('2')]);
    assert!(app.credentials.is_dirty(&app.stored));
    assert!(
        render_text(&app).contains("unsaved"),
        "{}",
        render_text(&app)
    );
    let effects = send(&mut app, [code(KeyCode::Enter)]);
    assert!(saves(&effects).is_empty(), "{effects:?}");
    assert_eq!(app.popup, Some(Popup::ConfirmDropToken));
    let screen = render_text(&app);
    assert!(screen.contains("is kept"), "{screen}");
    assert!(screen.contains("@larch_and_lake"), "{screen}");
    // Anything but y keeps the token and the edit.
    let effects = send(&mut app, [key('n')]);
    assert!(saves(&effects).is_empty());
    assert!(app.stored.token().is_some());
    assert!(app.credentials.app_id.value().ends_with('2'));
    // Esc offers to discard the edit; y restores what is saved.
    send(&mut app, [code(KeyCode::Esc)]);
    assert_eq!(app.popup, Some(Popup::ConfirmDiscard));
    send(&mut app, [key('y')]);
    assert_eq!(app.credentials.app_id.value(), APP_ID);
    assert!(!app.credentials.is_dirty(&app.stored));
    // Said yes: saved; the account waits under Accounts with the old app.
    send(
        &mut app,
        [key('e'), code(KeyCode::End), key('2'), code(KeyCode::Esc)],
    );
    let effects = send(&mut app, [key('s'), key('y')]);
    let saved = saves(&effects);
    let last = saved.last().expect("saved");
    assert!(last.token().is_none());
    assert_eq!(
        last.accounts.first().map(|a| a.user_id()),
        Some(USER_ID),
        "the account is kept"
    );
    assert!(last.apps.iter().any(|a| a.app_id == APP_ID), "with its app");
    let changed = format!("{APP_ID}2");
    assert_eq!(
        last.app().map(|a| a.app_id.as_str()),
        Some(changed.as_str())
    );
}

/// `q` with unsaved edits asks, as Esc does; only `y` quits, anything else
/// keeps the edits. A number key leaves, keeping the edits, and says so.
#[test]
fn leaving_unsaved_credentials_never_loses_them_silently() {
    let mut app = app_with(state_authorized());
    app.screen = Screen::Credentials;
    send(
        &mut app,
        [key('e'), code(KeyCode::End), key('7'), code(KeyCode::Esc)],
    );
    let effects = send(&mut app, [key('q')]);
    assert_eq!(app.popup, Some(Popup::ConfirmDiscard));
    assert!(effects.is_empty(), "{effects:?}");
    assert!(!app.quit);
    assert!(render_text(&app).contains("Discard the unsaved changes"));
    send(&mut app, [key('n')]);
    assert!(!app.quit);
    assert!(app.credentials.app_id.value().ends_with('7'), "kept");

    send(&mut app, [key('2')]);
    assert_eq!(app.screen, Screen::Authorize);
    assert!(
        status_text(&app).contains("unsaved edits"),
        "{}",
        status_text(&app)
    );
    send(&mut app, [key('4')]);
    assert!(
        status_text(&app).contains("unsaved edits"),
        "a warning stays"
    );
    let effects = send(&mut app, [key('q'), key('y')]);
    assert!(app.quit);
    assert!(effects.contains(&Effect::Quit));
    assert!(saves(&effects).is_empty(), "the edit was not saved");
    assert_eq!(app.credentials.app_id.value(), APP_ID, "discarded");

    // Nothing typed: q quits at once.
    let mut app = app_with(state_authorized());
    app.screen = Screen::Credentials;
    send(&mut app, [key('q')]);
    assert!(app.quit);
}

/// The question before putting the account aside names it as every list
/// does: by its user id while its username is not known (issue 24 item 4:
/// the account label is worked out in one place).
#[test]
fn the_question_names_an_account_without_a_username_by_its_user_id() {
    let mut app = app_with(state_of(
        Some(app_config()),
        long_token(Duration::days(2), Duration::days(58)),
        None,
    ));
    app.screen = Screen::Credentials;
    send(&mut app, [key('e'), code(KeyCode::End), key('2')]);
    send(&mut app, [code(KeyCode::Enter)]);
    assert_eq!(app.popup, Some(Popup::ConfirmDropToken));
    let screen = render_text(&app);
    assert!(screen.contains(&format!("user {USER_ID}")), "{screen}");
}

/// The token was issued by one API: switching the flavour asks, as another
/// app id does.
#[test]
fn switching_the_api_asks_before_dropping_the_token() {
    let mut app = app_with(state_authorized());
    app.screen = Screen::Credentials;
    send(
        &mut app,
        [key('j'), key('j'), key('j'), code(KeyCode::Right)],
    );
    assert_eq!(app.credentials.cursor, FieldId::Flavor);
    let effects = send(&mut app, [key('s')]);
    assert!(saves(&effects).is_empty(), "{effects:?}");
    assert_eq!(app.popup, Some(Popup::ConfirmDropToken));
    assert!(
        render_text(&app).contains("Another API"),
        "{}",
        render_text(&app)
    );
    send(&mut app, [key('n')]);
    assert!(app.stored.token().is_some());
    let effects = send(&mut app, [key('s'), key('y')]);
    let last = saves(&effects).last().copied().cloned().expect("saved");
    assert!(last.token().is_none());
}

/// A paste on Credentials outside a field goes into the field under the
/// cursor, replacing it, instead of vanishing.
#[test]
fn a_paste_outside_a_field_lands_in_the_field_under_the_cursor() {
    let mut app = app_with(state_empty());
    app.screen = Screen::Credentials;
    assert!(!app.editing());
    send(&mut app, [Msg::Paste(" 990602627938098\n".to_string())]);
    assert_eq!(app.credentials.app_id.value(), "990602627938098");
    assert!(
        app.editing(),
        "the field is entered, so Enter/Esc act on it"
    );
    assert!(
        status_text(&app).contains("pasted into App ID"),
        "{}",
        status_text(&app)
    );
}

#[test]
fn a_new_redirect_uri_keeps_the_token_without_asking() {
    let mut app = app_with(state_authorized());
    app.screen = Screen::Credentials;
    send(
        &mut app,
        [
            key('j'),
            key('j'),
            key('e'),
            code(KeyCode::Backspace),
            key('x'),
        ],
    );
    let effects = send(&mut app, [code(KeyCode::Enter)]);
    assert_eq!(app.popup, None);
    let last = saves(&effects).last().copied().cloned().expect("saved");
    assert!(last.token().is_some());
    assert_eq!(
        last.app().map(|a| a.redirect_uri.clone()),
        Some("https://example.org/authx".into())
    );
}

#[test]
fn tab_and_shift_tab_move_the_focus() {
    let mut app = app_with(state_empty());
    send(&mut app, [key('e'), code(KeyCode::Tab)]);
    assert_eq!(app.credentials.focus, Some(FieldId::AppSecret));
    send(&mut app, [code(KeyCode::Tab), code(KeyCode::Tab)]);
    assert_eq!(app.credentials.focus, Some(FieldId::Flavor));
    send(&mut app, [code(KeyCode::BackTab)]);
    assert_eq!(app.credentials.focus, Some(FieldId::RedirectUri));
    // Terminals send Shift-Tab as BackTab with SHIFT held.
    send(&mut app, [shift(KeyCode::BackTab)]);
    assert_eq!(app.credentials.focus, Some(FieldId::AppSecret));
    send(&mut app, [code(KeyCode::BackTab), code(KeyCode::BackTab)]);
    assert_eq!(app.credentials.focus, Some(FieldId::Scopes), "wraps around");
    // Out of the field, Tab moves the marker without entering a field.
    send(&mut app, [code(KeyCode::Esc)]);
    assert!(!app.editing());
    send(&mut app, [code(KeyCode::Tab)]);
    assert_eq!(app.credentials.focus, None);
    assert_eq!(app.credentials.cursor, FieldId::AppId);
    send(&mut app, [code(KeyCode::Down), key('e')]);
    assert_eq!(app.credentials.focus, Some(FieldId::AppSecret));
}

#[test]
fn the_secret_is_masked_unless_revealed() {
    let mut app = app_with(state_empty());
    send(&mut app, [code(KeyCode::Tab), code(KeyCode::Enter)]);
    type_str(&mut app, "s3cr3t");
    assert_eq!(app.credentials.app_secret.value(), "s3cr3t");
    assert!(!app.credentials.reveal_secret);
    let screen = render_text(&app);
    assert!(!screen.contains("s3cr3t"), "{screen}");
    assert!(screen.contains("••••••"), "{screen}");
    send(&mut app, [ctrl('r')]);
    assert!(app.credentials.reveal_secret);
    assert!(render_text(&app).contains("s3cr3t"));
    send(&mut app, [ctrl('r')]);
    assert!(!render_text(&app).contains("s3cr3t"));
    // Ctrl-R does not type an r.
    assert_eq!(app.credentials.app_secret.value(), "s3cr3t");
}

fn render_text(app: &instatui::app::App) -> String {
    let mut terminal =
        ratatui::Terminal::new(ratatui::backend::TestBackend::new(80, 24)).expect("terminal");
    terminal
        .draw(|f| instatui::ui::render(app, f))
        .expect("draw");
    terminal.backend().to_string()
}

fn fill_form(app: &mut instatui::app::App, app_id: &str, secret: &str, redirect: &str) {
    app.credentials.app_id.set(app_id);
    app.credentials.app_secret.set(secret);
    app.credentials.redirect_uri.set(redirect);
}

#[test]
fn enter_with_an_invalid_app_id_saves_nothing() {
    let mut app = app_with(state_empty());
    fill_form(&mut app, "my-app", APP_SECRET, REDIRECT);
    app.credentials.focus = Some(FieldId::RedirectUri);
    let effects = send(&mut app, [code(KeyCode::Enter)]);
    assert!(saves(&effects).is_empty(), "{effects:?}");
    assert_eq!(app.screen, Screen::Credentials);
    assert_eq!(
        app.credentials.focus,
        Some(FieldId::AppId),
        "focus jumps to the bad field"
    );
    let status = app.status.clone().expect("status");
    assert_eq!(status.level, Level::Error);
    assert!(status.text.starts_with("App ID: "), "{}", status.text);
    assert!(status.text.contains("digits only"), "{}", status.text);
    assert!(app.credentials.show_checks);
    assert!(matches!(
        app.credentials.check(FieldId::AppId),
        instatui::app::credentials::Check::Error(_)
    ));
    assert!(app.stored.app().is_none());
}

#[test]
fn enter_with_valid_credentials_saves_and_moves_to_authorize() {
    let mut app = app_with(state_empty());
    fill_form(&mut app, APP_ID, APP_SECRET, REDIRECT);
    let effects = send(&mut app, [key('s')]);
    let saved = saves(&effects);
    assert!(!saved.is_empty());
    let last = saved.last().expect("save");
    assert_eq!(last.app(), Some(&app_config()));
    assert_eq!(
        last.pending_authorization
            .as_ref()
            .map(|p| p.nonce.as_str()),
        Some(STATE)
    );
    assert_eq!(app.screen, Screen::Authorize);
    assert!(!app.editing());
    let url = app.authorize_url().expect("url");
    assert!(url.contains(&format!("state={STATE}")), "{url}");
    assert!(url.contains(&format!("client_id={APP_ID}")), "{url}");
    assert_eq!(app.status.as_ref().map(|s| s.level), Some(Level::Success));
}

#[test]
fn saved_credentials_do_not_count_as_unsaved_edits_afterwards() {
    let mut app = app_with(state_empty());
    // Typed with spaces around and the scopes left empty: saved trimmed,
    // with the API's default scopes.
    fill_form(&mut app, &format!(" {APP_ID} "), APP_SECRET, REDIRECT);
    app.credentials.scopes.set("");
    send(&mut app, [key('s')]);
    assert_eq!(app.screen, Screen::Authorize);
    assert!(!app.credentials.is_dirty(&app.stored));
    send(&mut app, [key('4')]);
    assert!(
        !status_text(&app).contains("unsaved edits"),
        "{}",
        status_text(&app)
    );
}

#[test]
fn a_missing_trailing_slash_warns_but_still_saves() {
    let mut app = app_with(state_empty());
    fill_form(&mut app, APP_ID, APP_SECRET, "https://example.org/auth");
    let effects = send(&mut app, [key('s')]);
    let saved = saves(&effects);
    assert_eq!(
        saved
            .last()
            .and_then(|s| s.app())
            .map(|a| a.redirect_uri.as_str()),
        Some("https://example.org/auth")
    );
    match app.credentials.check(FieldId::RedirectUri) {
        instatui::app::credentials::Check::Warning(w) => {
            assert!(w.contains("trailing slash"), "{w}")
        }
        other => panic!("{other:?}"),
    }
    send(&mut app, [key('1')]);
    let screen = render_text(&app);
    assert!(screen.contains("trailing slash"), "{screen}");
}

#[test]
fn q_quits_only_outside_a_field_and_ctrl_c_always() {
    let mut app = app_with(state_empty());
    let effects = send(&mut app, [key('e'), key('q')]);
    assert!(effects.is_empty());
    assert!(!app.quit);
    assert_eq!(app.credentials.app_id.value(), "q");
    let effects = send(&mut app, [ctrl('c')]);
    assert_eq!(effects, vec![Effect::Quit]);
    assert!(app.quit);

    let mut app = app_with(state_empty());
    send(&mut app, [code(KeyCode::Esc)]);
    let effects = send(&mut app, [key('q')]);
    assert_eq!(effects, vec![Effect::Quit]);
    assert!(app.quit);

    // While the filter takes keys, q types.
    let mut app = app_with(state_authorized());
    instatui::app::update::start(&mut app);
    send(&mut app, [key('/'), key('q')]);
    assert!(!app.quit);
    assert_eq!(app.feed.filter.value(), "q");
    send(&mut app, [ctrl('c')]);
    assert!(app.quit);
}

#[test]
fn digits_switch_screens_only_outside_a_field() {
    let mut app = app_with(state_authorized());
    app.screen = Screen::Credentials;
    assert!(!app.editing());
    send(&mut app, [key('e'), key('3')]);
    assert_eq!(app.screen, Screen::Credentials);
    assert!(app.credentials.app_id.value().ends_with('3'));
    send(&mut app, [code(KeyCode::Esc), code(KeyCode::Backspace)]);
    assert!(
        app.credentials.app_id.value().ends_with('3'),
        "Esc left the field"
    );
    send(&mut app, [key('3')]);
    assert_eq!(app.screen, Screen::Token);
    let effects = send(&mut app, [key('4')]);
    assert_eq!(app.screen, Screen::Feed);
    assert!(
        matches!(&effects[..], [Effect::FetchFeedPage { .. }]),
        "{effects:?}"
    );
    send(&mut app, [key('2')]);
    assert_eq!(app.screen, Screen::Authorize);
    send(&mut app, [key('p'), key('1')]);
    assert_eq!(app.screen, Screen::Authorize, "typing into the paste field");
    assert_eq!(app.authorize.paste.value(), "1");
    send(&mut app, [code(KeyCode::Esc), key('1')]);
    assert_eq!(app.screen, Screen::Credentials);
}

#[test]
fn help_opens_with_question_mark_and_closes_with_esc() {
    let mut app = app_with(state_authorized());
    app.screen = Screen::Token;
    send(&mut app, [key('?')]);
    assert_eq!(app.popup, Some(Popup::Help));
    // Keys go to the popup, not the screen below.
    let effects = send(&mut app, [key('r')]);
    assert!(effects.is_empty());
    send(&mut app, [code(KeyCode::Esc)]);
    assert_eq!(app.popup, None);
    send(&mut app, [key('?'), key('?')]);
    assert_eq!(app.popup, None);
}

// ---------------------------------------------------------------- authorize

fn authorize_app() -> instatui::app::App {
    let mut app = app_with(state_configured());
    instatui::app::update::start(&mut app);
    assert_eq!(app.screen, Screen::Authorize);
    app
}

/// Pastes the redirect and presses Enter; returns the exchange's generation.
fn submit(app: &mut instatui::app::App) -> u64 {
    let effects = send(
        app,
        [Msg::Paste(redirect_url(CODE, STATE)), code(KeyCode::Enter)],
    );
    match &effects[..] {
        [
            Effect::ExchangeCode {
                generation,
                code,
                app: config,
            },
        ] => {
            assert_eq!(code, CODE);
            assert_eq!(config, &app_config());
            *generation
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn a_paste_anywhere_on_authorize_lands_in_the_paste_field() {
    let mut app = authorize_app();
    assert!(!app.editing());
    send(
        &mut app,
        [Msg::Paste(format!("  {}\n", redirect_url(CODE, STATE)))],
    );
    assert!(app.authorize.paste_focused);
    assert_eq!(app.authorize.paste.value(), redirect_url(CODE, STATE));
    // A second paste replaces the first rather than appending.
    send(&mut app, [Msg::Paste("other".into())]);
    assert_eq!(app.authorize.paste.value(), "other");
}

#[test]
fn enter_exchanges_the_code_without_the_fragment() {
    let mut app = authorize_app();
    let generation = submit(&mut app);
    assert_eq!(app.authorize.running, Some(generation));
    assert_eq!(app.authorize.steps[0], StepProgress::Running);
    assert!(!app.editing());
    // A second Enter while running starts nothing.
    let effects = send(&mut app, [key('p'), code(KeyCode::Enter)]);
    assert!(effects.is_empty(), "{effects:?}");
}

#[test]
fn a_cancelled_redirect_is_explained_and_kept() {
    let mut app = authorize_app();
    let denied = fixture("redirect_denied.txt")
        .trim()
        .replace("9f2c7d61b0a84e3f", STATE);
    let effects = send(&mut app, [Msg::Paste(denied.clone()), code(KeyCode::Enter)]);
    assert!(effects.is_empty(), "{effects:?}");
    let error = app.authorize.error.clone().expect("error");
    assert!(error.contains("cancelled"), "{error}");
    assert_eq!(app.authorize.paste.value(), denied);
    assert!(app.authorize.running.is_none());
}

#[test]
fn a_foreign_state_is_refused() {
    let mut app = authorize_app();
    let effects = send(
        &mut app,
        [
            Msg::Paste(redirect_url(CODE, "ffffffffffffffffffffffffffffffff")),
            code(KeyCode::Enter),
        ],
    );
    assert!(effects.is_empty());
    let error = app.authorize.error.clone().expect("error");
    assert!(error.contains("another authorization"), "{error}");
    assert!(app.stored.token().is_none());
}

#[test]
fn the_whole_exchange_ends_on_the_token_screen() {
    let mut app = authorize_app();
    let generation = submit(&mut app);
    let effects = send(
        &mut app,
        [Msg::CodeExchanged {
            generation,
            result: Ok(short_token()),
        }],
    );
    let saved = saves(&effects);
    assert_eq!(saved.len(), 1);
    let token = saved[0].token().expect("short token saved");
    assert_eq!(token.kind, instatui::store::TokenKind::Short);
    assert_eq!(token.value.expose(), SHORT);
    assert!(
        saved[0].pending_authorization.is_none(),
        "a state works once"
    );
    assert!(
        effects.iter().any(|e| matches!(e,
            Effect::ExchangeLongLived { generation: g, short_token, app_secret }
                if *g == generation && short_token.expose() == SHORT && app_secret.expose() == APP_SECRET)),
        "{effects:?}"
    );
    assert!(matches!(app.authorize.steps[0], StepProgress::Done(_)));
    assert_eq!(app.authorize.steps[1], StepProgress::Running);

    let effects = send(
        &mut app,
        [Msg::LongLivedExchanged {
            generation,
            result: Ok(long_answer(LONG)),
        }],
    );
    assert_eq!(
        app.stored
            .token()
            .map(|t| (t.kind, t.value.expose().to_string())),
        Some((instatui::store::TokenKind::Long, LONG.to_string()))
    );
    assert!(
        effects.iter().any(|e| matches!(e, Effect::FetchProfile { generation: g, token } if *g == generation && token.expose() == LONG)),
        "{effects:?}"
    );
    assert_eq!(app.screen, Screen::Authorize);

    let effects = send(
        &mut app,
        [Msg::ProfileFetched {
            generation,
            result: Ok(profile()),
        }],
    );
    assert_eq!(
        saves(&effects).last().and_then(|s| s.profile().cloned()),
        Some(profile())
    );
    assert_eq!(app.screen, Screen::Token);
    assert!(app.authorize.running.is_none());
    assert!(status_text(&app).contains("@larch_and_lake"));
}

#[test]
fn a_used_code_fails_the_step_with_instagrams_words() {
    let mut app = authorize_app();
    let before = app.stored.clone();
    let generation = submit(&mut app);
    let effects = send(
        &mut app,
        [Msg::CodeExchanged {
            generation,
            result: Err(code_used()),
        }],
    );
    assert!(effects.is_empty(), "{effects:?}");
    match &app.authorize.steps[0] {
        StepProgress::Failed(text) => {
            assert!(
                text.contains("This authorization code has been used"),
                "{text}"
            );
            assert!(text.contains("authorize again"), "hint: {text}");
        }
        other => panic!("{other:?}"),
    }
    assert!(app.authorize.running.is_none());
    assert_eq!(app.stored, before, "stored state unchanged");
    assert_eq!(
        app.authorize.paste.value(),
        redirect_url(CODE, STATE),
        "paste kept"
    );
    assert!(status_text(&app).contains("This authorization code has been used"));
    assert_eq!(app.status.as_ref().map(|s| s.level), Some(Level::Error));
}

#[test]
fn stale_exchange_answers_are_dropped() {
    let mut app = authorize_app();
    let generation = submit(&mut app);
    let before = app.stored.clone();
    let effects = send(
        &mut app,
        [
            Msg::CodeExchanged {
                generation: generation + 7,
                result: Ok(short_token()),
            },
            Msg::LongLivedExchanged {
                generation: generation - 1,
                result: Ok(long_answer(LONG)),
            },
            Msg::ProfileFetched {
                generation: generation + 7,
                result: Err(code_used()),
            },
        ],
    );
    assert!(effects.is_empty(), "{effects:?}");
    assert_eq!(app.stored, before);
    assert_eq!(app.authorize.steps[0], StepProgress::Running);
}

#[test]
fn dashboard_mistakes_show_instagrams_message_and_a_hint() {
    for (fixture_name, kind, hint) in [
        (
            "error_oauth_redirect_mismatch.json",
            ErrorKind::RedirectMismatch,
            "trailing slash",
        ),
        (
            "error_oauth_invalid_secret.json",
            ErrorKind::InvalidSecret,
            "app secret",
        ),
        (
            "error_oauth_invalid_scope.json",
            ErrorKind::RetiredApi,
            "retired",
        ),
    ] {
        let err = fixture_error(400, fixture_name);
        assert_eq!(err.kind, kind, "{fixture_name}");
        let message = err.message.clone();
        let mut app = authorize_app();
        let generation = submit(&mut app);
        send(
            &mut app,
            [Msg::CodeExchanged {
                generation,
                result: Err(err),
            }],
        );
        let StepProgress::Failed(text) = &app.authorize.steps[0] else {
            panic!("{:?}", app.authorize.steps);
        };
        assert!(text.contains(message.trim_end_matches('.')), "{text}");
        assert!(text.contains(hint), "{fixture_name}: {text}");
        let screen = render_text(&app);
        assert!(screen.contains("✗"), "{screen}");
    }
}

#[test]
fn a_failed_long_lived_exchange_keeps_the_short_token() {
    let mut app = authorize_app();
    let generation = submit(&mut app);
    send(
        &mut app,
        [Msg::CodeExchanged {
            generation,
            result: Ok(short_token()),
        }],
    );
    send(
        &mut app,
        [Msg::LongLivedExchanged {
            generation,
            result: Err(fixture_error(400, "error_oauth_invalid_secret.json")),
        }],
    );
    assert!(
        matches!(&app.authorize.steps[1], StepProgress::Failed(t) if t.contains("short-lived token is saved"))
    );
    assert_eq!(app.stored.token().map(|t| t.value.expose()), Some(SHORT));
    assert!(app.authorize.running.is_none());
}

// ---------------------------------------------------------------- token

fn token_app(age: Duration, left: Duration) -> instatui::app::App {
    let mut app = app_with(state_with_token(age, left));
    app.screen = Screen::Token;
    app
}

#[test]
fn r_on_a_young_token_explains_the_24_hours() {
    let mut app = token_app(Duration::hours(2), Duration::days(59));
    let effects = send(&mut app, [key('r')]);
    assert!(effects.is_empty(), "{effects:?}");
    let status = status_text(&app);
    assert!(status.contains("24 hours"), "{status}");
    assert!(status.contains("22h 00m"), "{status}");
    assert!(!app.token.refreshing);

    let later = NOW + Duration::hours(23);
    let effects = send_at(&mut app, [key('r')], later);
    assert!(
        matches!(&effects[..], [Effect::Refresh { token }] if token.expose() == LONG),
        "{effects:?}"
    );
    assert!(app.token.refreshing);
    // Not twice.
    assert!(send_at(&mut app, [key('r')], later).is_empty());
}

#[test]
fn a_successful_refresh_saves_the_new_token() {
    let mut app = token_app(Duration::days(3), Duration::days(57));
    send(&mut app, [key('r')]);
    let effects = send(
        &mut app,
        [Msg::Refreshed {
            result: Ok(long_answer("IGAArefreshedrefreshedrefreshed")),
        }],
    );
    let saved = saves(&effects);
    let last = saved.last().expect("save");
    let token = last.token().expect("token");
    assert_eq!(token.value.expose(), "IGAArefreshedrefreshedrefreshed");
    assert_eq!(token.obtained_at, NOW);
    assert_eq!(token.user_id, USER_ID);
    let outcome = last.last_refresh().expect("outcome");
    assert!(outcome.ok);
    assert_eq!(outcome.at, NOW);
    assert!(!app.token.refreshing);
    assert_eq!(app.status.as_ref().map(|s| s.level), Some(Level::Success));
}

#[test]
fn a_rejected_refresh_says_so() {
    let mut app = token_app(Duration::days(3), Duration::days(57));
    send(&mut app, [key('r')]);
    let effects = send(
        &mut app,
        [Msg::Refreshed {
            result: Err(fixture_error(400, "error_graph_password_changed.json")),
        }],
    );
    let last = saves(&effects).last().cloned().cloned().expect("save");
    assert_eq!(last.last_refresh().map(|r| r.ok), Some(false));
    assert_eq!(
        last.token().map(|t| t.value.expose()),
        Some(LONG),
        "old token kept"
    );
    assert_eq!(app.active_condition().map(|c| c.key()), Some("revoked"));
    // Every account is checked again after a 190.
    assert!(
        effects
            .iter()
            .any(|e| matches!(e, Effect::CheckAccounts(_))),
        "{effects:?}"
    );
    let screen = render_text(&app);
    assert!(screen.contains("token revoked"), "{screen}");
    assert!(
        screen.contains("Instagram no longer takes this token"),
        "{screen}"
    );
    assert!(
        screen.contains("changed their password"),
        "Instagram's words: {screen}"
    );
    assert!(!screen.contains("s left"), "nothing counts down: {screen}");
    // And `r` now says why it will not try.
    send(&mut app, [key('r')]);
    assert!(status_text(&app).contains("authorize again"));
}

#[test]
fn a_toggles_auto_refresh_which_refreshes_once_an_hour() {
    let mut app = token_app(Duration::days(54), Duration::days(6));
    // Turned off by the user earlier.
    app.stored.settings.auto_refresh = false;
    assert!(send(&mut app, [Msg::Tick]).is_empty());
    let effects = send(&mut app, [key('a')]);
    let saved = saves(&effects);
    assert!(saved.iter().any(|s| s.settings.auto_refresh), "{effects:?}");
    assert!(app.stored.settings.auto_refresh);
    // Due by the policy: switching on refreshes at once.
    assert_eq!(
        effects
            .iter()
            .filter(|e| matches!(e, Effect::Refresh { .. }))
            .count(),
        1
    );
    // It fails; the next ticks within the hour do not try again.
    send(
        &mut app,
        [Msg::Refreshed {
            result: Err(fixture_error(500, "error_graph_rate_limited.json")),
        }],
    );
    for minutes in [1, 10, 59] {
        let effects = send_at(&mut app, [Msg::Tick], NOW + Duration::minutes(minutes));
        assert!(effects.is_empty(), "{minutes} min: {effects:?}");
    }
    let effects = send_at(&mut app, [Msg::Tick], NOW + Duration::minutes(61));
    assert!(
        matches!(&effects[..], [Effect::Refresh { .. }]),
        "{effects:?}"
    );
    // Off again.
    let effects = send(&mut app, [key('a')]);
    assert!(saves(&effects).iter().all(|s| !s.settings.auto_refresh));
}

#[test]
fn auto_refresh_is_on_by_default_and_refreshes_a_token_over_three_days_old() {
    // Fresh settings: on, without anyone pressing `a`.
    let mut app = app_with(state_with_token(Duration::days(2), Duration::days(58)));
    assert!(app.stored.settings.auto_refresh);
    assert!(
        send(&mut app, [Msg::Tick]).is_empty(),
        "2 days old: not due"
    );
    // A day later the token is 3 days old: one refresh, then quiet within the hour.
    let t = NOW + Duration::days(1);
    let effects = send_at(&mut app, [Msg::Tick], t);
    assert!(
        matches!(&effects[..], [Effect::Refresh { .. }]),
        "{effects:?}"
    );
    send_at(
        &mut app,
        [Msg::Refreshed {
            result: Err(fixture_error(500, "error_graph_rate_limited.json")),
        }],
        t,
    );
    assert!(send_at(&mut app, [Msg::Tick, Msg::Tick], t + Duration::seconds(2)).is_empty());
}

#[test]
fn the_occasional_user_gets_a_refresh_at_start_not_a_lapsed_token() {
    // Opened on day 40: far from the last week, refreshed at start anyway.
    let mut app = app_with(state_with_token(Duration::days(40), Duration::days(20)));
    let effects = instatui::app::update::start(&mut app);
    assert!(
        effects.iter().any(|e| matches!(e, Effect::Refresh { .. })),
        "{effects:?}"
    );
    // Turned off, it is left alone.
    let mut state = state_with_token(Duration::days(40), Duration::days(20));
    state.settings.auto_refresh = false;
    let mut app = app_with(state);
    let effects = instatui::app::update::start(&mut app);
    assert!(
        !effects.iter().any(|e| matches!(e, Effect::Refresh { .. })),
        "{effects:?}"
    );
}

#[test]
fn config_tomls_auto_refresh_holds_for_the_session_and_is_never_written_or_undone() {
    // state.json says on (the default); config.toml says off.
    let mut app = app_with(state_with_token(Duration::days(40), Duration::days(20)));
    app.auto_refresh_from_config = Some(false);
    let effects = instatui::app::update::start(&mut app);
    assert!(
        !effects.iter().any(|e| matches!(e, Effect::Refresh { .. })),
        "config.toml turned it off: {effects:?}"
    );
    // Another process writes state.json (its auto_refresh still on, as it
    // always was): the session stays off.
    let before = app.stored.clone();
    let mut after = before.clone();
    after.settings.images = Some("off".into());
    let effects = send(
        &mut app,
        [Msg::StoreChanged {
            before: Box::new(before),
            after: Box::new(after),
        }],
    );
    assert!(saves(&effects).is_empty(), "{effects:?}");
    send(&mut app, [key('3')]);
    assert!(render_text(&app).contains("off (a turns it on)"));
    assert!(
        send(&mut app, [Msg::Tick]).is_empty(),
        "still off after the outside write"
    );
    // `a` is the user's own choice: on, stored, and refreshing.
    let effects = send(&mut app, [key('a')]);
    assert!(saves(&effects).iter().any(|s| s.settings.auto_refresh));
    assert!(
        effects.iter().any(|e| matches!(e, Effect::Refresh { .. })),
        "{effects:?}"
    );
}

#[test]
fn the_token_screen_says_when_the_next_refresh_happens() {
    let mut app = token_app(Duration::days(1), Duration::days(59));
    let screen = render_text(&app);
    assert!(screen.contains("next refresh"), "{screen}");
    assert!(screen.contains("(in 2d 0h)"), "{screen}");
    app.stored.settings.auto_refresh = false;
    assert!(render_text(&app).contains("off (a turns it on)"));
}

// ---------------------------------------------------------------- feed

fn feed_app() -> (instatui::app::App, u64) {
    let mut app = app_with(state_authorized());
    let effects = instatui::app::update::start(&mut app);
    let [Effect::FetchFeedPage { generation, .. }] = &effects[..] else {
        panic!("{effects:?}");
    };
    (app.clone(), *generation)
}

fn next_fetch(effects: &[Effect]) -> Option<(u64, Option<String>)> {
    effects.iter().find_map(|e| match e {
        Effect::FetchFeedPage {
            generation, after, ..
        } => Some((*generation, after.clone())),
        _ => None,
    })
}

#[test]
fn pages_append_and_load_ahead_of_the_selection() {
    let (mut app, generation) = feed_app();
    let effects = send(
        &mut app,
        [Msg::FeedPage {
            generation,
            after: None,
            result: Ok(page(0..100, Some("P2"))),
        }],
    );
    assert_eq!(app.feed.items.len(), 100);
    assert!(
        effects
            .iter()
            .any(|e| matches!(e, Effect::SaveFeedCache { feed, .. } if feed.items.len() == 100))
    );
    // Fewer than LOAD_AHEAD posts below the selection: the next page is
    // asked for at once, before any key.
    let (generation, after) = next_fetch(&effects).expect("loads ahead");
    assert_eq!(after.as_deref(), Some("P2"));
    assert!(!app.feed.complete);
    // Moving on while it loads asks for nothing more.
    assert!(next_fetch(&send(&mut app, [key('j')])).is_none());

    let selected_id = app.feed.selected_media().map(|m| m.id.clone());
    let effects = send(
        &mut app,
        [Msg::FeedPage {
            generation,
            after: Some("P2".into()),
            result: Ok(page(100..150, None)),
        }],
    );
    assert_eq!(app.feed.items.len(), 150);
    assert!(app.feed.complete);
    assert!(next_fetch(&effects).is_none());
    assert_eq!(app.feed.selected_media().map(|m| m.id.clone()), selected_id);
    assert_eq!(app.feed.items[149].id, media(149).id);
    send(&mut app, [key('G')]);
    assert_eq!(app.feed.selected, 149);
    assert!(
        next_fetch(&send(&mut app, [key('k'), key('G')])).is_none(),
        "complete"
    );
}

#[test]
fn a_short_first_page_without_next_is_complete() {
    let (mut app, generation) = feed_app();
    let effects = send(
        &mut app,
        [Msg::FeedPage {
            generation,
            after: None,
            result: Ok(page(0..5, None)),
        }],
    );
    assert!(app.feed.complete);
    assert!(next_fetch(&effects).is_none());
}

#[test]
fn filter_narrows_by_caption() {
    let (mut app, generation) = feed_app();
    send(
        &mut app,
        [Msg::FeedPage {
            generation,
            after: None,
            result: Ok(page(0..50, None)),
        }],
    );
    send(&mut app, [key('/')]);
    assert!(app.editing());
    type_str(&mut app, "SUNSET");
    assert_eq!(app.feed.visible().len(), 5);
    send(&mut app, [code(KeyCode::Enter)]);
    assert!(!app.editing());
    assert_eq!(app.feed.visible().len(), 5, "Enter keeps the filter");
    send(&mut app, [key('j')]);
    assert_eq!(
        app.feed.selected_media().map(|m| m.id.clone()),
        Some(media(10).id)
    );
    send(&mut app, [key('/'), code(KeyCode::Esc)]);
    assert_eq!(app.feed.visible().len(), 50, "Esc clears");
}

#[test]
fn enter_toggles_detail_and_o_opens_the_permalink() {
    let (mut app, generation) = feed_app();
    send(
        &mut app,
        [Msg::FeedPage {
            generation,
            after: None,
            result: Ok(page(0..10, None)),
        }],
    );
    send(&mut app, [code(KeyCode::Enter)]);
    assert!(app.feed.detail);
    send(&mut app, [code(KeyCode::Enter)]);
    assert!(!app.feed.detail);
    let effects = send(&mut app, [key('j'), key('o')]);
    assert_eq!(
        effects,
        vec![Effect::OpenUrl("https://www.instagram.com/p/P1/".into())]
    );
}

#[test]
fn shift_o_on_a_reel_with_licensed_music_does_not_open_its_cover_as_the_video() {
    let (mut app, generation) = feed_app();
    let mut page = page(0..3, None);
    let reel = &mut page.data[1];
    reel.media_type = Some("VIDEO".into());
    reel.media_url = None;
    reel.thumbnail_url = Some("https://cdn.example/1-cover.jpg".into());
    send(
        &mut app,
        [Msg::FeedPage {
            generation,
            after: None,
            result: Ok(page),
        }],
    );
    let effects = send(&mut app, [key('j'), key('O')]);
    assert!(effects.is_empty(), "{effects:?}");
    let status = status_text(&app);
    assert!(
        status.contains("video not available through the API")
            && status.contains("o opens the post on Instagram"),
        "{status}"
    );
}

#[test]
fn instagrams_rate_limit_pauses_every_call_for_its_wait_then_the_feed_resumes_by_itself() {
    let (mut app, generation) = feed_app();
    // Code 80002 with a usage header saying access returns in 12 minutes.
    let mut limited = fixture_error(400, "error_graph_rate_limited_80002.json");
    limited.retry_after_secs = Some(12 * 60);
    send(
        &mut app,
        [Msg::FeedPage {
            generation,
            after: None,
            result: Err(limited),
        }],
    );
    let status = status_text(&app);
    assert!(
        status.contains("load again by themselves at 2026-11-28 12:12")
            && status.contains("too many calls to this Instagram account"),
        "{status}"
    );
    // R during the wait asks Instagram nothing, and says until when.
    let during = NOW + Duration::minutes(11);
    let effects = send_at(&mut app, [key('R')], during);
    assert_eq!(next_fetch(&effects), None, "{effects:?}");
    assert!(status_text(&app).contains("12:12"), "{}", status_text(&app));
    // Nor does auto-refresh, on a token due for one.
    active_of(&mut app.stored).token = long_token(Duration::days(10), Duration::days(50));
    let effects = send_at(&mut app, [Msg::Tick], during);
    assert!(effects.is_empty(), "{effects:?}");
    // Once the wait is over, the page is asked for again without a key.
    let effects = send_at(&mut app, [Msg::Tick], NOW + Duration::minutes(12));
    assert!(next_fetch(&effects).is_some(), "{effects:?}");
    assert!(
        effects.iter().any(|e| matches!(e, Effect::Refresh { .. })),
        "the refresh held back goes out now: {effects:?}"
    );
}

#[test]
fn stale_feed_pages_are_dropped() {
    let (mut app, first) = feed_app();
    // R reloads: the first request's answer no longer counts.
    let effects = send(&mut app, [key('R')]);
    let (second, after) = next_fetch(&effects).expect("reload");
    assert!(after.is_none());
    assert_ne!(first, second);
    send(
        &mut app,
        [Msg::FeedPage {
            generation: first,
            after: None,
            result: Ok(page(0..3, None)),
        }],
    );
    assert!(app.feed.items.is_empty());
    assert_eq!(app.feed.loading, Some(second));
    send(
        &mut app,
        [Msg::FeedPage {
            generation: second,
            after: None,
            result: Ok(page(0..4, None)),
        }],
    );
    assert_eq!(app.feed.items.len(), 4);
}

#[test]
fn the_cache_shows_until_a_fresh_first_page_replaces_it() {
    let (mut app, generation) = feed_app();
    let saved_at = NOW - Duration::hours(5);
    send(
        &mut app,
        [Msg::FeedCacheLoaded {
            user_id: USER_ID.into(),
            feed: instatui::app::feed::CachedFeed {
                items: (200..203).map(media).collect(),
                ..Default::default()
            },
            saved_at,
        }],
    );
    assert_eq!(app.feed.items.len(), 3);
    assert_eq!(app.feed.cached_at, Some(saved_at));
    assert!(render_text(&app).contains("cached 5h 00m ago"));
    send(
        &mut app,
        [Msg::FeedPage {
            generation,
            after: None,
            result: Ok(page(0..2, None)),
        }],
    );
    assert_eq!(app.feed.items.len(), 2);
    assert_eq!(app.feed.items[0].id, media(0).id);
    assert!(app.feed.cached_at.is_none());
    // A late cache never replaces fresh data.
    send(
        &mut app,
        [Msg::FeedCacheLoaded {
            user_id: USER_ID.into(),
            feed: instatui::app::feed::CachedFeed {
                items: (200..203).map(media).collect(),
                ..Default::default()
            },
            saved_at,
        }],
    );
    assert_eq!(app.feed.items.len(), 2);
}

#[test]
fn a_feed_error_is_shown_and_190_marks_the_token_rejected() {
    let (mut app, generation) = feed_app();
    send(
        &mut app,
        [Msg::FeedPage {
            generation,
            after: None,
            result: Err(fixture_error(400, "error_graph_expired_token.json")),
        }],
    );
    assert!(
        app.feed
            .error
            .as_deref()
            .is_some_and(|e| e.contains("Session has expired"))
    );
    assert_eq!(app.active_condition().map(|c| c.key()), Some("revoked"));
}

#[test]
fn an_expired_token_is_not_sent_to_the_feed() {
    let mut app = app_with(state_with_token(Duration::days(61), -Duration::days(1)));
    let effects = instatui::app::update::start(&mut app);
    assert!(effects.is_empty(), "{effects:?}");
    assert!(
        app.feed
            .error
            .as_deref()
            .is_some_and(|e| e.contains("expired"))
    );
}

#[test]
fn advice_goes_with_its_screen_but_errors_stay_until_read() {
    let mut app = app_with(state_authorized());
    app.screen = Screen::Authorize;
    app.set_status(
        Level::Success,
        "authorized as @larch_and_lake: press 4 to browse the feed",
    );
    send(&mut app, [key('4')]);
    assert_eq!(app.status, None, "the advice was followed");
    app.set_status(Level::Error, "posts did not load (R retries): offline");
    send(&mut app, [key('3')]);
    assert_eq!(app.status.as_ref().map(|s| s.level), Some(Level::Error));
    send(&mut app, [code(KeyCode::Esc)]);
    assert_eq!(app.status, None);
}

/// A start-up warning (state.json moved aside) is not covered by the tip
/// about pictures inside tmux that arrives after it; the tip shows when
/// nothing more important is on the status line.
#[test]
fn a_pictures_tip_never_covers_a_warning() {
    let tip = || Msg::Pictures {
        enabled: false,
        hint: Some("inside tmux pictures are half-blocks".to_string()),
    };
    let mut app = app_with(state_empty());
    app.set_status(
        Level::Warning,
        "state.json could not be read; it was moved to x",
    );
    send(&mut app, [tip()]);
    assert!(
        status_text(&app).contains("moved to"),
        "{}",
        status_text(&app)
    );

    let mut app = app_with(state_empty());
    send(&mut app, [tip()]);
    assert!(status_text(&app).contains("half-blocks"));
}

/// Instagram serving another Graph version than the one asked for shows
/// once, as a warning on the status line (the executor sends it once per
/// process: `instagram::served`).
#[test]
fn a_served_version_that_was_not_asked_for_is_a_warning_on_the_status_line() {
    let mut app = app_with(state_authorized());
    send(
        &mut app,
        [Msg::ServedVersion(
            "Instagram answered with Graph API v21.0 although v20.0 was asked for: set INSTATUI_GRAPH_VERSION".into(),
        )],
    );
    let status = status_text(&app);
    assert!(status.contains("v21.0 although v20.0"), "{status}");
    assert!(status.contains("INSTATUI_GRAPH_VERSION"), "{status}");
    assert_eq!(app.status.as_ref().map(|s| s.level), Some(Level::Warning));
}
