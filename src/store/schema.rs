//! What `state.json` holds: the one persisted state shared by the TUI and every subcommand.

use crate::instagram::{Flavor, Profile, RateUsage};
use crate::secret::Secret;
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

/// The schema version this build writes. Older versions are migrated on
/// load; a newer one is refused and moved aside, never overwritten.
pub(crate) const STATE_VERSION: u32 = 4;

/// The state as the program works with it, in the file's shape: every
/// app and every account listed alike, the active account named by its
/// identity. Screens and commands reach an account through [`State::active`]
/// or [`State::account`]; nothing is moved about to make one "the" account.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(from = "super::file::StateFile", into = "super::file::StateFile")]
pub struct State {
    pub version: u32,
    /// Every stored app, in the order they were set up.
    pub apps: Vec<AppConfig>,
    /// The app the next authorization is for; the active account's app
    /// whenever an account is active.
    pub current_app: Option<String>,
    /// Every account, in the order they were added.
    pub accounts: Vec<Account>,
    /// The active account: the one the TUI and every command use.
    pub active: Option<AccountId>,
    /// The `state` parameter of the last authorize URL, checked on return.
    pub pending_authorization: Option<PendingAuthorization>,
    /// Usage Instagram reported while no account was active.
    pub rate_usage: Option<RateUsage>,
    pub settings: Settings,
    pub endpoints: EndpointOverrides,
    /// What the last `refresh` run (keep-alive's or by hand) did per account.
    pub last_run: Option<crate::keepalive::RefreshRun>,
    /// Where each account's new tokens are handed on to.
    pub handoffs: Vec<crate::handoff::Handoff>,
    /// The id the next handoff added gets: past every id ever given, so a
    /// removed handoff's id (in someone's `handoff run 2` cron line) never
    /// reaches a later one. Read from a file without it: the highest
    /// stored id + 1.
    pub next_handoff_id: u32,
}

impl Default for State {
    fn default() -> Self {
        State {
            version: STATE_VERSION,
            apps: Vec::new(),
            current_app: None,
            accounts: Vec::new(),
            active: None,
            pending_authorization: None,
            rate_usage: None,
            settings: Settings::default(),
            endpoints: EndpointOverrides::default(),
            last_run: None,
            handoffs: Vec::new(),
            next_handoff_id: 1,
        }
    }
}

impl State {
    /// Puts every timestamp in UTC, so that the file only ever holds `Z` times
    /// (a time past year 9999 in UTC, from a hand-edited file, stays as it is
    /// rather than panicking).
    pub(crate) fn normalize_to_utc(&mut self) {
        fn utc(t: &mut OffsetDateTime) {
            *t = crate::localtime::utc_or_as_is(*t);
        }
        if let Some(p) = &mut self.pending_authorization {
            utc(&mut p.issued_at);
        }
        if let Some(run) = &mut self.last_run {
            utc(&mut run.at);
        }
        for h in &mut self.handoffs {
            if let Some(last) = &mut h.last {
                utc(&mut last.at);
            }
        }
        if let Some(seen_at) = self.rate_usage.as_mut().and_then(|u| u.seen_at.as_mut()) {
            utc(seen_at);
        }
        for account in &mut self.accounts {
            utc(&mut account.token.obtained_at);
            utc(&mut account.token.expires_at);
            if let Some(r) = &mut account.last_refresh {
                utc(&mut r.at);
            }
            if let Some(seen_at) = account.rate_usage.as_mut().and_then(|u| u.seen_at.as_mut()) {
                utc(seen_at);
            }
        }
    }
}

/// Who an account is: its app and its Instagram user id. The same person
/// under two apps is two accounts (each token belongs to its app).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct AccountId {
    /// None for a token pasted with `login --with-token` before any setup.
    pub app_id: Option<String>,
    pub user_id: String,
}

/// One Instagram user's token under one app, with what was learnt through it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Account {
    /// The app the token was issued to; none for a token pasted with
    /// `login --with-token` before any setup.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub app_id: Option<String>,
    pub token: StoredToken,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub profile: Option<Profile>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_refresh: Option<RefreshOutcome>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rate_usage: Option<RateUsage>,
}

impl Account {
    pub fn user_id(&self) -> &str {
        &self.token.user_id
    }

    /// Its identity: app and user id.
    pub fn id(&self) -> AccountId {
        AccountId {
            app_id: self.app_id.clone(),
            user_id: self.user_id().to_string(),
        }
    }

    /// Whether `id` names it.
    pub fn is(&self, id: &AccountId) -> bool {
        self.app_id == id.app_id && self.user_id() == id.user_id
    }

    pub fn username(&self) -> Option<&str> {
        self.profile.as_ref().and_then(|p| p.username.as_deref())
    }

    /// `@name`, or `user <id>` until the profile is known.
    pub(crate) fn label(&self) -> String {
        account_label(self.username(), self.user_id())
    }

    /// Whether `name` (a username, with or without `@`, or a user id) names it.
    pub(crate) fn is_named(&self, name: &str) -> bool {
        let name = name.trim();
        name == self.token.user_id
            || self
                .username()
                .is_some_and(|u| u.eq_ignore_ascii_case(name.trim_start_matches('@')))
    }
}

/// What the user registered in the Meta app dashboard.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AppConfig {
    #[serde(default)]
    pub flavor: Flavor,
    pub app_id: String,
    pub app_secret: Secret,
    /// Sent verbatim: it must match the registered URI character for character.
    pub redirect_uri: String,
    #[serde(default)]
    pub scopes: Vec<String>,
}

/// The client's view of the app, for the code exchange.
impl<'a> From<&'a AppConfig> for crate::instagram::client::AppRegistration<'a> {
    fn from(app: &'a AppConfig) -> Self {
        crate::instagram::client::AppRegistration {
            app_id: &app.app_id,
            app_secret: &app.app_secret,
            redirect_uri: &app.redirect_uri,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PendingAuthorization {
    /// The OAuth `state` parameter of the authorize URL: a nonce only the
    /// matching redirect carries. Stored as `state`.
    #[serde(rename = "state")]
    pub nonce: String,
    #[serde(with = "time::serde::rfc3339")]
    pub issued_at: OffsetDateTime,
}

/// How an account is named on screen and in messages: `@name`, or
/// `user <id>` until its username is known. The one rule every caller uses.
pub(crate) fn account_label(username: Option<&str>, user_id: &str) -> String {
    username.map_or_else(|| format!("user {user_id}"), |u| format!("@{u}"))
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum TokenKind {
    /// One hour, straight from the code exchange.
    Short,
    /// Sixty days, refreshable once a day old.
    Long,
}

impl TokenKind {
    /// `short` or `long`: the word JSON output and `state.json` use.
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            TokenKind::Short => "short",
            TokenKind::Long => "long",
        }
    }

    /// `short-lived` or `long-lived`: the words people read.
    pub(crate) fn lifetime(self) -> &'static str {
        match self {
            TokenKind::Short => "short-lived",
            TokenKind::Long => "long-lived",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoredToken {
    pub kind: TokenKind,
    pub value: Secret,
    pub user_id: String,
    #[serde(default)]
    pub permissions: Vec<String>,
    #[serde(with = "time::serde::rfc3339")]
    pub obtained_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339")]
    pub expires_at: OffsetDateTime,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RefreshOutcome {
    #[serde(with = "time::serde::rfc3339")]
    pub at: OffsetDateTime,
    pub ok: bool,
    /// Instagram's message and our hint when it failed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Settings {
    /// Refresh while the TUI runs, by the policy of
    /// `lifetime::RefreshPolicy::DEFAULT`. On unless the user turned it off
    /// (version 1 wrote `false` for everyone; see the v1 → v2 migration).
    #[serde(default = "on")]
    pub auto_refresh: bool,
    /// `auto`, `kitty`, `sixel`, `iterm2`, `halfblocks` or `off`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub images: Option<String>,
}

fn on() -> bool {
    true
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            auto_refresh: true,
            images: None,
        }
    }
}

/// Per-host overrides: the client's type, stored as it serializes
/// (`endpoints` in state.json).
pub use crate::instagram::endpoints::EndpointOverrides;
