//! Builders shared by the TUI tests: fixed clock, pinned `state`, canned
//! Instagram answers, and key messages.
#![allow(dead_code)]

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use instatui::app::{App, Effect, Msg};
use instatui::instagram::{ApiError, LongToken, Media, MediaPage, Profile, ShortToken};
use instatui::secret::Secret;
use instatui::store::{Account, AppConfig, PendingAuthorization, State, StoredToken, TokenKind};
use time::macros::datetime;
use time::{Duration, OffsetDateTime, UtcOffset};

pub(crate) const NOW: OffsetDateTime = datetime!(2026-11-28 12:00 UTC);
pub(crate) const STATE: &str = "0123456789abcdef0123456789abcdef";
pub(crate) const APP_ID: &str = "990602627938098";
pub(crate) const APP_SECRET: &str = "3f1c9a7e5b2d4f608a1c3e5b7d9f0a2c";
pub(crate) const REDIRECT: &str = "https://example.org/auth/";
pub(crate) const CODE: &str =
    "AQBx-hBsH3a9_YkJ8mL4tZ0pQrS7uVwXyZaBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789";
pub(crate) const SHORT: &str = "IGQVJshortshortshortshortshort";
pub(crate) const LONG: &str = "IGAAlonglonglonglonglonglonglong";
pub(crate) const USER_ID: &str = "17841405793187218";

fn pinned_state() -> String {
    STATE.to_string()
}

/// An app on `stored`, at the fixed clock, UTC, with the `state` pinned and
/// a base URL that never answers.
pub(crate) fn app_with(stored: State) -> App {
    let mut app = App::new(stored, NOW, UtcOffset::UTC);
    app.new_nonce = pinned_state;
    app.base_override = Some("http://127.0.0.1:9".into());
    app
}

pub(crate) fn app_config() -> AppConfig {
    AppConfig {
        flavor: instatui::instagram::Flavor::InstagramLogin,
        app_id: APP_ID.into(),
        app_secret: Secret::new(APP_SECRET),
        redirect_uri: REDIRECT.into(),
        scopes: vec!["instagram_business_basic".into()],
    }
}

pub(crate) fn pending() -> PendingAuthorization {
    PendingAuthorization {
        nonce: STATE.into(),
        issued_at: NOW,
    }
}

/// A long-lived token obtained `age` before the fixed clock, with `left` remaining.
pub(crate) fn long_token(age: Duration, left: Duration) -> StoredToken {
    StoredToken {
        kind: TokenKind::Long,
        value: Secret::new(LONG),
        user_id: USER_ID.into(),
        permissions: vec!["instagram_business_basic".into()],
        obtained_at: NOW - age,
        expires_at: NOW + left,
    }
}

pub(crate) fn profile() -> Profile {
    serde_json::from_value(serde_json::json!({
        "id": USER_ID, "user_id": USER_ID, "username": "larch_and_lake",
        "account_type": "BUSINESS", "media_count": 150
    }))
    .expect("profile")
}

/// No app saved yet.
pub(crate) fn state_empty() -> State {
    State::default()
}

/// App saved, waiting for authorization.
pub(crate) fn state_configured() -> State {
    State {
        apps: vec![app_config()],
        current_app: Some(APP_ID.into()),
        pending_authorization: Some(pending()),
        ..State::default()
    }
}

/// `app` stored and current, and one account under it, active: its token
/// and (if known) profile.
pub(crate) fn state_of(
    app: Option<AppConfig>,
    token: StoredToken,
    profile: Option<Profile>,
) -> State {
    let account = Account {
        app_id: app.as_ref().map(|a| a.app_id.clone()),
        token,
        profile,
        last_refresh: None,
        rate_usage: None,
    };
    State {
        current_app: account.app_id.clone(),
        apps: app.into_iter().collect(),
        active: Some(account.id()),
        accounts: vec![account],
        ..State::default()
    }
}

/// The active account of `state`, to change it.
pub(crate) fn active_of(state: &mut State) -> &mut Account {
    state.active_mut().expect("an active account")
}

/// Authorized, with a long-lived token `age` old and `left` to go.
pub(crate) fn state_with_token(age: Duration, left: Duration) -> State {
    state_of(Some(app_config()), long_token(age, left), Some(profile()))
}

/// A token 2 days old with 58 days left.
pub(crate) fn state_authorized() -> State {
    state_with_token(Duration::days(2), Duration::days(58))
}

pub(crate) fn short_token() -> ShortToken {
    ShortToken {
        access_token: Secret::new(SHORT),
        user_id: USER_ID.into(),
        permissions: vec!["instagram_business_basic".into()],
    }
}

pub(crate) fn long_answer(value: &str) -> LongToken {
    LongToken {
        access_token: Secret::new(value),
        token_type: Some("bearer".into()),
        expires_in: 5_183_944,
    }
}

/// Post `i`: caption "post {i}" (with "sunset" on every 10th), a day apart.
pub(crate) fn media(i: usize) -> Media {
    let caption = if i.is_multiple_of(10) {
        format!("post {i} sunset over the lake\nsecond line of {i}")
    } else {
        format!("post {i}")
    };
    serde_json::from_value(serde_json::json!({
        "id": format!("1790000000{i:07}"),
        "caption": caption,
        "media_type": "IMAGE",
        "media_url": format!("https://cdn.example/{i}.jpg"),
        "permalink": format!("https://www.instagram.com/p/P{i}/"),
        "timestamp": (datetime!(2026-11-01 10:00 UTC) - Duration::days(i as i64))
            .format(&time::format_description::well_known::Rfc3339).expect("time"),
        "like_count": i * 3,
        "comments_count": i % 7,
    }))
    .expect("media")
}

/// Posts `range` as one page; `next` is the cursor of the following page.
pub(crate) fn page(range: std::ops::Range<usize>, next: Option<&str>) -> MediaPage {
    let data: Vec<serde_json::Value> = range
        .map(|i| serde_json::to_value(media(i)).expect("json"))
        .collect();
    let paging = match next {
        Some(after) => serde_json::json!({
            "cursors": {"before": "B", "after": after},
            "next": format!("https://graph.instagram.com/v21.0/x/media?after={after}"),
        }),
        None => serde_json::json!({"cursors": {"before": "B", "after": "END"}}),
    };
    serde_json::from_value(serde_json::json!({"data": data, "paging": paging})).expect("page")
}

/// An error as Instagram sends it, from the shared fixtures.
pub(crate) fn fixture_error(status: u16, name: &str) -> ApiError {
    let body = fixture(name);
    ApiError::from_response(status, Some("application/json"), body.as_bytes())
}

pub(crate) fn fixture(name: &str) -> String {
    let path = format!(
        "{}/tests/fixtures/instagram/{name}",
        env!("CARGO_MANIFEST_DIR")
    );
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

pub(crate) fn code_used() -> ApiError {
    ApiError::from_response(
        400,
        Some("application/json"),
        br#"{"error_type":"OAuthException","code":400,"error_message":"This authorization code has been used"}"#,
    )
}

pub(crate) fn redirect_url(code: &str, state: &str) -> String {
    format!("{REDIRECT}?code={code}&state={state}#_")
}

pub(crate) fn key(c: char) -> Msg {
    Msg::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE))
}

pub(crate) fn code(code: KeyCode) -> Msg {
    Msg::Key(KeyEvent::new(code, KeyModifiers::NONE))
}

pub(crate) fn ctrl(c: char) -> Msg {
    Msg::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL))
}

pub(crate) fn shift(code: KeyCode) -> Msg {
    Msg::Key(KeyEvent::new(code, KeyModifiers::SHIFT))
}

/// Applies messages at the fixed clock; returns every effect, in order.
pub(crate) fn send(app: &mut App, msgs: impl IntoIterator<Item = Msg>) -> Vec<Effect> {
    send_at(app, msgs, NOW)
}

pub(crate) fn send_at(
    app: &mut App,
    msgs: impl IntoIterator<Item = Msg>,
    now: OffsetDateTime,
) -> Vec<Effect> {
    msgs.into_iter()
        .flat_map(|m| instatui::app::update(app, m, now))
        .collect()
}

pub(crate) fn type_str(app: &mut App, text: &str) -> Vec<Effect> {
    send(app, text.chars().map(key).collect::<Vec<_>>())
}

pub(crate) fn saves(effects: &[Effect]) -> Vec<&State> {
    effects
        .iter()
        .filter_map(|e| match e {
            Effect::Save(s) => Some(s.as_ref()),
            _ => None,
        })
        .collect()
}

pub(crate) fn status_text(app: &App) -> String {
    app.status
        .as_ref()
        .map(|s| s.text.clone())
        .unwrap_or_default()
}

/// Instagram refused the active account's token (code 190, password
/// changed), as a check or any call would have found.
pub(crate) fn revoke_active(app: &mut App) {
    let id = app.stored.active.clone().expect("an active account");
    let at = app.now;
    app.watch.record_check(
        &id,
        instatui::watch::Check {
            at,
            outcome: instatui::watch::CheckOutcome::Revoked {
                reason: "password_changed".into(),
                message: "Error validating access token: The session has been invalidated because the user changed their password".into(),
            },
        },
    );
}
