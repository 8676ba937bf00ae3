//! The rules for changing the state, in one place: the CLI and the TUI's `update` both call these.

use super::schema::{AppConfig, PendingAuthorization, RefreshOutcome, State, StoredToken};
use crate::instagram::{Profile, RateUsage};
use time::OffsetDateTime;

/// What saving credentials changed, for the caller to follow up on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AppChange {
    /// Exactly what was saved before.
    Unchanged,
    /// The same app id with other details (secret, redirect URI, scopes…).
    Edited,
    /// Another app id (or the first one).
    OtherApp,
}

impl State {
    /// Whether saving `app` would make the stored token useless (it belongs
    /// to another app id), so that a front-end can ask first.
    pub fn app_change_drops_token(&self, app: &AppConfig) -> bool {
        self.token.is_some() && !self.is_same_app(app)
    }

    fn is_same_app(&self, app: &AppConfig) -> bool {
        self.app
            .as_ref()
            .is_some_and(|old| old.app_id == app.app_id)
    }

    /// Saves the app's credentials. A token belongs to one app: another app
    /// id drops the token, the profile and the last refresh. Any change drops
    /// the pending authorization, since the authorize URL depends on every
    /// field; saving the same details again keeps it, so a URL already open
    /// in the browser still works.
    pub fn set_app(&mut self, app: AppConfig) -> AppChange {
        let change = if self.app.as_ref() == Some(&app) {
            AppChange::Unchanged
        } else if self.is_same_app(&app) {
            AppChange::Edited
        } else {
            AppChange::OtherApp
        };
        if change == AppChange::OtherApp {
            self.token = None;
            self.profile = None;
            self.last_refresh = None;
        }
        if change != AppChange::Unchanged {
            self.pending_authorization = None;
        }
        self.app = Some(app);
        change
    }

    /// Remembers the `state` of a new authorize URL: only a redirect carrying
    /// it is accepted, so older URLs stop working.
    pub fn begin_authorization(&mut self, state: String, issued_at: OffsetDateTime) {
        self.pending_authorization = Some(PendingAuthorization { state, issued_at });
    }

    /// A code was exchanged for a (short-lived) token: a new authorization.
    /// The authorize URL is used up, and the profile and last refresh belong
    /// to the token it replaces (perhaps another user's).
    pub fn record_authorization(&mut self, token: StoredToken) {
        self.token = Some(token);
        self.pending_authorization = None;
        self.profile = None;
        self.last_refresh = None;
    }

    /// The short-lived token was exchanged for a long-lived one: the same
    /// authorization, so the profile stays.
    pub fn record_upgrade(&mut self, token: StoredToken) {
        self.token = Some(token);
    }

    /// The outcome of a refresh at `at`: a new token replaces the old one;
    /// a failure keeps the old token and records Instagram's message.
    pub fn record_refresh(&mut self, result: Result<StoredToken, String>, at: OffsetDateTime) {
        let outcome = match result {
            Ok(token) => {
                self.token = Some(token);
                RefreshOutcome {
                    at,
                    ok: true,
                    message: None,
                }
            }
            Err(message) => RefreshOutcome {
                at,
                ok: false,
                message: Some(message),
            },
        };
        self.last_refresh = Some(outcome);
    }

    /// Logging out: the token goes, and with it everything learnt through it
    /// (profile, last refresh, rate usage) and any authorize URL still out.
    pub fn forget_token(&mut self) {
        self.token = None;
        self.profile = None;
        self.last_refresh = None;
        self.pending_authorization = None;
        self.rate_usage = None;
    }

    /// Forgetting the app and its secret as well.
    pub fn forget_app(&mut self) {
        self.forget_token();
        self.app = None;
    }

    pub fn record_profile(&mut self, profile: Profile) {
        self.profile = Some(profile);
    }

    /// The usage Instagram reported with the latest answer; an answer that
    /// reported none leaves the last known usage in place.
    pub fn record_rate_usage(&mut self, usage: Option<RateUsage>) {
        if let Some(usage) = usage {
            self.rate_usage = Some(usage);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::instagram::Flavor;
    use crate::secret::Secret;
    use crate::store::TokenKind;
    use time::macros::datetime;

    const NOW: OffsetDateTime = datetime!(2026-11-28 12:00 UTC);

    fn app(id: &str) -> AppConfig {
        AppConfig {
            flavor: Flavor::InstagramLogin,
            app_id: id.to_string(),
            app_secret: Secret::new("0123456789abcdef0123456789abcdef"),
            redirect_uri: "https://localhost/cb/".to_string(),
            scopes: vec!["instagram_business_basic".to_string()],
        }
    }

    fn token(value: &str, kind: TokenKind) -> StoredToken {
        StoredToken {
            kind,
            value: Secret::new(value),
            user_id: "17841405793187218".to_string(),
            permissions: vec![],
            obtained_at: NOW,
            expires_at: NOW + time::Duration::days(60),
        }
    }

    fn profile() -> Profile {
        Profile {
            username: Some("jane".to_string()),
            ..Profile::default()
        }
    }

    fn usage(calls: u32) -> RateUsage {
        RateUsage {
            call_count: Some(calls),
            ..RateUsage::default()
        }
    }

    /// An app with an authorized, refreshed account and an authorize URL out.
    fn authorized() -> State {
        let mut s = State::default();
        s.set_app(app("1"));
        s.record_authorization(token("short", TokenKind::Short));
        s.record_upgrade(token("long", TokenKind::Long));
        s.record_profile(profile());
        s.record_refresh(Ok(token("refreshed", TokenKind::Long)), NOW);
        s.begin_authorization("nonce".to_string(), NOW);
        s
    }

    #[test]
    fn saving_the_same_app_again_keeps_the_authorize_url() {
        let mut s = authorized();
        let before = s.clone();
        assert_eq!(s.set_app(app("1")), AppChange::Unchanged);
        assert_eq!(s, before);
    }

    #[test]
    fn editing_the_app_keeps_the_token_but_not_the_authorize_url() {
        let mut s = authorized();
        let edited = AppConfig {
            redirect_uri: "https://localhost/other/".to_string(),
            ..app("1")
        };
        assert!(!s.app_change_drops_token(&edited));
        assert_eq!(s.set_app(edited.clone()), AppChange::Edited);
        assert_eq!(s.app, Some(edited));
        assert_eq!(s.pending_authorization, None);
        assert_eq!(s.token, authorized().token);
        assert_eq!(s.profile, Some(profile()));
        assert!(s.last_refresh.is_some());
    }

    #[test]
    fn another_app_id_drops_what_belonged_to_the_old_app() {
        let mut s = authorized();
        s.record_rate_usage(Some(usage(5)));
        assert!(s.app_change_drops_token(&app("2")));
        assert_eq!(s.set_app(app("2")), AppChange::OtherApp);
        assert_eq!(s.token, None);
        assert_eq!(s.profile, None);
        assert_eq!(s.last_refresh, None);
        assert_eq!(s.pending_authorization, None);
        // The usage counts calls made under either app.
        assert_eq!(s.rate_usage, Some(usage(5)));
        assert!(!s.app_change_drops_token(&app("3")));
    }

    #[test]
    fn the_first_app_is_another_app() {
        let mut s = State::default();
        assert!(!s.app_change_drops_token(&app("1")));
        assert_eq!(s.set_app(app("1")), AppChange::OtherApp);
    }

    #[test]
    fn a_new_authorization_resets_the_profile_and_the_last_refresh() {
        let mut s = authorized();
        s.record_authorization(token("new", TokenKind::Short));
        assert_eq!(s.token, Some(token("new", TokenKind::Short)));
        assert_eq!(s.pending_authorization, None);
        assert_eq!(s.profile, None);
        assert_eq!(s.last_refresh, None);
        assert_eq!(s.app, Some(app("1")));
    }

    #[test]
    fn an_upgrade_keeps_the_authorization() {
        let mut s = authorized();
        s.record_upgrade(token("long2", TokenKind::Long));
        assert_eq!(s.token, Some(token("long2", TokenKind::Long)));
        assert_eq!(s.profile, Some(profile()));
        assert!(s.pending_authorization.is_some());
        assert!(s.last_refresh.is_some());
    }

    #[test]
    fn begin_authorization_replaces_the_previous_url() {
        let mut s = authorized();
        s.begin_authorization("fresh".to_string(), NOW);
        assert_eq!(
            s.pending_authorization,
            Some(PendingAuthorization {
                state: "fresh".to_string(),
                issued_at: NOW
            })
        );
    }

    #[test]
    fn a_refresh_records_its_outcome_and_keeps_the_token_when_it_failed() {
        let mut s = authorized();
        let later = NOW + time::Duration::days(2);
        s.record_refresh(Err("Instagram said no".to_string()), later);
        assert_eq!(s.token, authorized().token);
        assert_eq!(
            s.last_refresh,
            Some(RefreshOutcome {
                at: later,
                ok: false,
                message: Some("Instagram said no".to_string())
            })
        );
        s.record_refresh(Ok(token("again", TokenKind::Long)), later);
        assert_eq!(s.token, Some(token("again", TokenKind::Long)));
        assert_eq!(
            s.last_refresh,
            Some(RefreshOutcome {
                at: later,
                ok: true,
                message: None
            })
        );
        assert_eq!(s.profile, Some(profile()));
    }

    #[test]
    fn forgetting_the_token_keeps_the_app_and_settings() {
        let mut s = authorized();
        s.record_rate_usage(Some(usage(3)));
        s.settings.auto_refresh = true;
        s.forget_token();
        let expected = State {
            app: Some(app("1")),
            settings: s.settings.clone(),
            ..State::default()
        };
        assert_eq!(s, expected);
        s.forget_app();
        assert_eq!(s.app, None);
        assert!(s.settings.auto_refresh);
    }

    #[test]
    fn rate_usage_carries_over_answers_that_report_none() {
        let mut s = State::default();
        s.record_rate_usage(None);
        assert_eq!(s.rate_usage, None);
        s.record_rate_usage(Some(usage(3)));
        s.record_rate_usage(None);
        assert_eq!(s.rate_usage, Some(usage(3)));
        s.record_rate_usage(Some(usage(4)));
        assert_eq!(s.rate_usage, Some(usage(4)));
    }
}
