//! The Token screen's logic: manual refresh, auto-refresh and a token Instagram rejected.

use super::{App, Effect, Level};
use crate::instagram::{ApiError, ErrorKind, LongToken};
use crate::lifetime::{self, RefreshPolicy};
use time::{Duration, OffsetDateTime};

/// How long auto-refresh waits after an attempt before it tries again.
/// How long auto-refresh waits after a try before the next one.
pub(crate) const AUTO_RETRY_AFTER: Duration = Duration::hours(1);

#[derive(Debug, Clone, Default)]
pub struct TokenView {
    pub refreshing: bool,
    /// The token the refresh in flight was asked for: an answer arriving
    /// after the token changed (authorized again meanwhile) is dropped.
    pub(crate) refreshing_token: Option<crate::secret::Secret>,
    pub last_auto_attempt: Option<OffsetDateTime>,
}

impl App {
    /// Why `r` would be refused right now, if it would.
    pub(crate) fn refresh_blocker(&self) -> Option<String> {
        if self.token.refreshing {
            return Some("a refresh is already running".to_string());
        }
        // A dead token (revoked, expired, the app switched off) is not
        // refreshed: the condition says what helps instead.
        if let Some(c) = self.active_condition().filter(|c| !c.token_works()) {
            let fix = if c.needs_authorize() {
                "authorize again (A)"
            } else {
                "see the banner for the fix"
            };
            return Some(format!("{}: a refresh cannot help, {fix}", c.summary()));
        }
        lifetime::refresh_blocker(self.stored.token(), self.now).map(|b| b.to_string())
    }

    pub(crate) fn request_refresh(&mut self, effects: &mut Vec<Effect>) {
        if let Some(reason) = self.refresh_blocker() {
            self.set_status(Level::Warning, reason);
            return;
        }
        let Some(t) = self.stored.token() else {
            return;
        };
        self.token.refreshing = true;
        self.token.refreshing_token = Some(t.value.clone());
        effects.push(Effect::Refresh {
            token: t.value.clone(),
        });
        self.set_status(Level::Info, "refreshing the token…");
    }

    /// Called at start and every tick: refreshes by the policy (a long-lived
    /// token over `lifetime::REFRESH_AFTER` old, or under seven days left) when
    /// auto-refresh is on, at most once an hour.
    pub(crate) fn auto_refresh(&mut self, effects: &mut Vec<Effect>) {
        if !self.auto_refresh_on() || self.token.refreshing || self.rate_limited().is_some() {
            return;
        }
        let Some(t) = self.stored.token() else {
            return;
        };
        let due = RefreshPolicy::DEFAULT.due(t, self.now);
        let recently_tried = self
            .token
            .last_auto_attempt
            .is_some_and(|at| self.now - at < AUTO_RETRY_AFTER);
        if due && !recently_tried && self.refresh_blocker().is_none() {
            self.token.last_auto_attempt = Some(self.now);
            self.request_refresh(effects);
        }
    }

    /// Whether auto-refresh is on: config.toml's word for this session,
    /// else the stored toggle.
    pub fn auto_refresh_on(&self) -> bool {
        self.auto_refresh_from_config
            .unwrap_or(self.stored.settings.auto_refresh)
    }

    pub(crate) fn toggle_auto_refresh(&mut self, effects: &mut Vec<Effect>) {
        let on = !self.auto_refresh_on();
        // The user's own choice from now on, stored as always.
        self.auto_refresh_from_config = None;
        effects.push(self.persist(|s| s.settings.auto_refresh = on));
        self.set_status(
            Level::Info,
            if on {
                format!(
                    "auto-refresh on: while instatui runs, the token is refreshed once it is {} old",
                    crate::lifetime::in_words(crate::lifetime::REFRESH_AFTER)
                )
            } else {
                "auto-refresh off".to_string()
            },
        );
        self.auto_refresh(effects);
    }

    pub(crate) fn on_refreshed(
        &mut self,
        result: Result<LongToken, ApiError>,
        effects: &mut Vec<Effect>,
    ) {
        self.token.refreshing = false;
        let asked_for = self.token.refreshing_token.take();
        if asked_for.is_none() || asked_for.as_ref() != self.stored.token().map(|t| &t.value) {
            return;
        }
        let now = self.now;
        let (Some(id), Some(previous)) = (self.stored.active.clone(), self.stored.token().cloned())
        else {
            return;
        };
        match result {
            Ok(long) => {
                let fresh = lifetime::from_long(&long, &previous, now);
                let left = lifetime::countdown(&fresh, now);
                effects.push(self.persist(|s| s.record_refresh(&id, Ok(fresh), now)));
                self.set_status(Level::Success, format!("token refreshed: {left}"));
                self.hand_off(effects);
            }
            Err(err) => {
                let message = err.to_string();
                effects.push(self.persist(|s| s.record_refresh(&id, Err(message.clone()), now)));
                self.note_rejection(&err, effects);
                self.set_status(Level::Error, format!("refresh failed: {message}"));
            }
        }
    }

    /// Remembers a 190 (as the account's condition, so every screen says
    /// the token is dead, and checks every account again), and a rate limit
    /// so nothing asks Instagram again before its wait is over.
    pub(crate) fn note_rejection(&mut self, err: &ApiError, effects: &mut Vec<Effect>) {
        if matches!(err.kind, ErrorKind::NeedsReauth | ErrorKind::AppRestricted) {
            self.note_verdict(err, effects);
        }
        if let Some(wait) = err.rate_limit_wait() {
            let wait = Duration::try_from(wait).unwrap_or(Duration::HOUR);
            self.rate_limited_until = Some(self.now + wait);
        }
    }

    /// When Instagram's rate-limit wait ends, if it has not yet.
    pub(crate) fn rate_limited(&self) -> Option<OffsetDateTime> {
        self.rate_limited_until.filter(|until| self.now < *until)
    }
}
