//! The rules for changing the state, in one place: the CLI and the TUI's `update` both call these.

use super::schema::{Account, AppConfig, PendingAuthorization, RefreshOutcome, State, StoredToken};
use crate::instagram::{Profile, RateUsage};
use time::OffsetDateTime;

/// What saving credentials changed, for the caller to follow up on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum AppChange {
    /// Exactly what was saved before.
    Unchanged,
    /// The same app id with other details (secret, redirect URI, scopes…).
    Edited,
    /// Another app id (or the first one).
    OtherApp,
}

impl State {
    /// Whether saving `app` would put the active account aside (its token
    /// belongs to another app id), so that a front-end can ask first.
    pub(crate) fn app_change_parks_account(&self, app: &AppConfig) -> bool {
        self.token.is_some() && !self.is_same_app(app)
    }

    /// A token belongs to one app id and the API it was issued by: an
    /// instagram-login token does not work on the Basic Display API.
    fn is_same_app(&self, app: &AppConfig) -> bool {
        self.app
            .as_ref()
            .is_some_and(|old| old.app_id == app.app_id && old.flavor == app.flavor)
    }

    /// Saves the app's credentials. A token belongs to one app: another app
    /// id puts the active account (token, profile, last refresh) among the
    /// others, with its app kept for it, ready for an authorization under
    /// the new app; nothing is lost. Any change drops
    /// the pending authorization, since the authorize URL depends on every
    /// field; saving the same details again keeps it, so a URL already open
    /// in the browser still works.
    pub(crate) fn set_app(&mut self, app: AppConfig) -> AppChange {
        let change = if self.app.as_ref() == Some(&app) {
            AppChange::Unchanged
        } else if self.is_same_app(&app) {
            AppChange::Edited
        } else {
            AppChange::OtherApp
        };
        let other_api = change == AppChange::OtherApp
            && self
                .app
                .as_ref()
                .is_some_and(|old| old.app_id == app.app_id);
        if other_api {
            // The same app id on the other API: its token does not work
            // there, and the account cannot keep an app of its own.
            self.token = None;
            self.profile = None;
            self.last_refresh = None;
        } else if change == AppChange::OtherApp {
            self.park_active();
            // Other accounts under the old app keep it.
            if let Some(old) = self.app.take()
                && self
                    .accounts
                    .iter()
                    .any(|a| a.app_id.as_deref() == Some(old.app_id.as_str()))
                && !self.apps.iter().any(|a| a.app_id == old.app_id)
            {
                self.apps.push(old);
            }
        }
        self.apps.retain(|a| a.app_id != app.app_id);
        if change != AppChange::Unchanged {
            self.pending_authorization = None;
        }
        self.app = Some(app);
        change
    }

    /// Remembers the nonce (OAuth `state`) of a new authorize URL: only a
    /// redirect carrying it is accepted, so older URLs stop working.
    pub(crate) fn begin_authorization(&mut self, nonce: String, issued_at: OffsetDateTime) {
        self.pending_authorization = Some(PendingAuthorization { nonce, issued_at });
    }

    /// A code was exchanged for a (short-lived) token: a new authorization.
    /// The authorize URL is used up, and the profile and last refresh belong
    /// to the token it replaces (perhaps another user's).
    ///
    /// Another user's token adds an account: the one active so far is kept
    /// among the others. The same user authorized again replaces their token.
    pub(crate) fn record_authorization(&mut self, token: StoredToken) {
        if self
            .token
            .as_ref()
            .is_some_and(|t| t.user_id != token.user_id)
        {
            self.park_active();
        }
        self.accounts.retain(|a| a.user_id() != token.user_id);
        self.token = Some(token);
        self.pending_authorization = None;
        self.profile = None;
        self.last_refresh = None;
    }

    /// The short-lived token was exchanged for a long-lived one: the same
    /// authorization, so the profile stays.
    pub(crate) fn record_upgrade(&mut self, token: StoredToken) {
        self.token = Some(token);
    }

    /// The outcome of a refresh at `at`: a new token replaces the old one;
    /// a failure keeps the old token and records Instagram's message.
    pub fn record_refresh(&mut self, result: Result<StoredToken, String>, at: OffsetDateTime) {
        if let Some(user_id) = self.active_user_id().map(str::to_string) {
            self.update_account(&user_id, |a| a.record_refresh(result, at));
        }
    }

    /// Logging out: the token goes, and with it everything learnt through it
    /// (profile, last refresh, rate usage) and any authorize URL still out.
    pub(crate) fn forget_token(&mut self) {
        self.token = None;
        self.profile = None;
        self.last_refresh = None;
        self.pending_authorization = None;
        self.rate_usage = None;
    }

    /// Forgetting the app and its secret as well.
    pub(crate) fn forget_app(&mut self) {
        self.forget_token();
        self.app = None;
    }

    pub(crate) fn record_profile(&mut self, profile: Profile) {
        self.profile = Some(profile);
    }

    /// See `carry_over`.
    pub(crate) fn record_rate_usage(&mut self, usage: Option<RateUsage>) {
        carry_over(&mut self.rate_usage, usage);
    }

    /// The active account's user id.
    pub fn active_user_id(&self) -> Option<&str> {
        self.token.as_ref().map(|t| t.user_id.as_str())
    }

    /// The active account, put together from the top level.
    pub(crate) fn active_account(&self) -> Option<Account> {
        let token = self.token.clone()?;
        Some(Account {
            app_id: self.app.as_ref().map(|a| a.app_id.clone()),
            token,
            profile: self.profile.clone(),
            last_refresh: self.last_refresh.clone(),
            rate_usage: self.rate_usage.clone(),
        })
    }

    /// Every account, the active one first.
    pub fn all_accounts(&self) -> Vec<Account> {
        self.active_account()
            .into_iter()
            .chain(self.accounts.iter().cloned())
            .collect()
    }

    /// Every account in a fixed order, by name then user id, the same
    /// from run to run whichever is active: how lists show them.
    pub(crate) fn accounts_by_name(&self) -> Vec<Account> {
        let mut rows = self.all_accounts();
        rows.sort_by_key(|a| (a.username().map(str::to_lowercase), a.user_id().to_string()));
        rows
    }

    /// Accounts are stored but none is active (after `setup` of another
    /// app): their names, `@a, @b`, for advice that says which to pick.
    pub(crate) fn inactive_account_names(&self) -> Option<String> {
        if self.token.is_some() || self.accounts.is_empty() {
            return None;
        }
        let names: Vec<String> = self.accounts_by_name().iter().map(Account::label).collect();
        Some(names.join(", "))
    }

    /// The app an account's token was issued to.
    pub(crate) fn app_of(&self, account: &Account) -> Option<&AppConfig> {
        let id = account.app_id.as_deref()?;
        self.app.iter().chain(&self.apps).find(|a| a.app_id == id)
    }

    /// The user id of the account `name` (a username or a user id) names,
    /// or a one-line message listing the accounts there are.
    pub(crate) fn find_account(&self, name: &str) -> Result<String, String> {
        let accounts = self.all_accounts();
        if let Some(a) = accounts.iter().find(|a| a.is_named(name)) {
            return Ok(a.user_id().to_string());
        }
        if accounts.is_empty() {
            return Err(format!(
                "there is no account '{name}': no account is stored yet (instatui authorize --open adds one)"
            ));
        }
        let known: Vec<String> = accounts
            .iter()
            .map(|a| match a.username() {
                Some(u) => format!("{u} ({})", a.user_id()),
                None => a.user_id().to_string(),
            })
            .collect();
        Err(format!(
            "there is no account '{name}': the accounts are {}",
            known.join(", ")
        ))
    }

    /// Changes one account, active or not, by the rules on [`Account`].
    pub(crate) fn update_account(&mut self, user_id: &str, f: impl FnOnce(&mut Account)) -> bool {
        if self.active_user_id() == Some(user_id)
            && let Some(mut account) = self.active_account()
        {
            f(&mut account);
            self.unpack(account);
            return true;
        }
        match self.accounts.iter_mut().find(|a| a.user_id() == user_id) {
            Some(account) => {
                f(account);
                true
            }
            None => false,
        }
    }

    /// Puts the active account among the others, leaving none active; the
    /// app stays current, ready for another authorization.
    pub(crate) fn park_active(&mut self) {
        if let Some(account) = self.active_account() {
            self.accounts.retain(|a| a.user_id() != account.user_id());
            self.accounts.push(account);
        }
        self.token = None;
        self.profile = None;
        self.last_refresh = None;
        self.rate_usage = None;
    }

    /// Makes `user_id` the active account: its app becomes current (an
    /// authorize URL made for another app is dropped). False when there is
    /// no such account.
    pub(crate) fn switch_account(&mut self, user_id: &str) -> bool {
        if self.active_user_id() == Some(user_id) {
            return true;
        }
        let Some(i) = self.accounts.iter().position(|a| a.user_id() == user_id) else {
            return false;
        };
        self.park_active();
        let i = self
            .accounts
            .iter()
            .position(|a| a.user_id() == user_id)
            .unwrap_or(i);
        let account = self.accounts.remove(i);
        let current = self.app.as_ref().map(|a| a.app_id.clone());
        if account.app_id != current {
            if let Some(old) = self.app.take()
                && !self.apps.iter().any(|a| a.app_id == old.app_id)
            {
                self.apps.push(old);
            }
            self.app = account.app_id.as_deref().and_then(|id| {
                let j = self.apps.iter().position(|a| a.app_id == id)?;
                Some(self.apps.remove(j))
            });
            self.pending_authorization = None;
        }
        self.unpack(account);
        true
    }

    /// Forgets one account, and its handoffs (nothing would ever run them
    /// again). When it was the active one, the first of the others becomes
    /// active; the answer says which, if any.
    pub(crate) fn remove_account(&mut self, user_id: &str) -> Removed {
        crate::handoff::remove_for_account(&mut self.handoffs, user_id);
        if self.active_user_id() == Some(user_id) {
            self.token = None;
            self.profile = None;
            self.last_refresh = None;
            self.rate_usage = None;
            let next = self.accounts.first().map(|a| a.user_id().to_string());
            if let Some(next) = &next {
                self.switch_account(next);
            }
            return Removed::Active { now_active: next };
        }
        let before = self.accounts.len();
        self.accounts.retain(|a| a.user_id() != user_id);
        if self.accounts.len() < before {
            Removed::Inactive
        } else {
            Removed::NotFound
        }
    }
}

/// What [`State::remove_account`] did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Removed {
    NotFound,
    Inactive,
    /// The active account went; this one (if any) is active now.
    Active {
        now_active: Option<String>,
    },
}

impl Account {
    /// A new token replaces the old one; a failure keeps the old token and
    /// records Instagram's message.
    pub(crate) fn record_refresh(
        &mut self,
        result: Result<StoredToken, String>,
        at: OffsetDateTime,
    ) {
        let outcome = match result {
            Ok(token) => {
                self.token = token;
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
}

/// The usage Instagram reported with the latest answer; an answer that
/// reported none leaves the last known usage in place.
fn carry_over(kept: &mut Option<RateUsage>, reported: Option<RateUsage>) {
    if let Some(usage) = reported {
        *kept = Some(usage);
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
        assert!(!s.app_change_parks_account(&edited));
        assert_eq!(s.set_app(edited.clone()), AppChange::Edited);
        assert_eq!(s.app, Some(edited));
        assert_eq!(s.pending_authorization, None);
        assert_eq!(s.token, authorized().token);
        assert_eq!(s.profile, Some(profile()));
        assert!(s.last_refresh.is_some());
    }

    #[test]
    fn another_app_id_keeps_the_account_aside_with_its_app() {
        let mut s = authorized();
        let before = s.active_account().expect("an account");
        assert!(s.app_change_parks_account(&app("2")));
        assert_eq!(s.set_app(app("2")), AppChange::OtherApp);
        assert_eq!(s.token, None);
        assert_eq!(s.profile, None);
        assert_eq!(s.last_refresh, None);
        assert_eq!(s.pending_authorization, None);
        assert_eq!(
            s.accounts,
            std::slice::from_ref(&before),
            "nothing of it is lost"
        );
        assert_eq!(s.app_of(&before), Some(&app("1")));
        assert!(!s.app_change_parks_account(&app("3")));
    }

    #[test]
    fn the_first_app_is_another_app() {
        let mut s = State::default();
        assert!(!s.app_change_parks_account(&app("1")));
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
                nonce: "fresh".to_string(),
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

    /// Several accounts under one or more apps.
    mod accounts {
        use super::*;

        fn account_token(user: &str) -> StoredToken {
            StoredToken {
                kind: TokenKind::Long,
                value: Secret::new(format!("IGAA{user}")),
                user_id: user.to_string(),
                permissions: vec![],
                obtained_at: NOW,
                expires_at: NOW + time::Duration::days(60),
            }
        }

        fn named(user: &str) -> Profile {
            Profile {
                username: Some(format!("name{user}")),
                ..Profile::default()
            }
        }

        /// Users 1 and 2 under app A, user 3 (active) under app B.
        fn three() -> State {
            let mut s = State::default();
            s.set_app(app("A"));
            s.record_authorization(account_token("1"));
            s.record_profile(named("1"));
            s.record_authorization(account_token("2"));
            s.record_profile(named("2"));
            s.park_active();
            s.set_app(app("B"));
            s.record_authorization(account_token("3"));
            s
        }

        #[test]
        fn another_users_authorization_adds_an_account() {
            let s = three();
            assert_eq!(s.active_user_id(), Some("3"));
            let ids: Vec<String> = s
                .all_accounts()
                .iter()
                .map(|a| a.user_id().to_string())
                .collect();
            assert_eq!(ids, ["3", "1", "2"]);
            assert_eq!(s.accounts[0].profile, Some(named("1")));
            assert_eq!(s.accounts[0].app_id.as_deref(), Some("A"));
        }

        #[test]
        fn the_same_user_authorized_again_replaces_their_account() {
            let mut s = three();
            s.switch_account("1");
            s.record_authorization(StoredToken {
                value: Secret::new("IGAAnew"),
                ..account_token("1")
            });
            assert_eq!(s.all_accounts().len(), 3);
            assert_eq!(s.profile, None);
            assert_eq!(s.token.as_ref().unwrap().value.expose(), "IGAAnew");
        }

        #[test]
        fn switching_brings_the_accounts_app_along() {
            let mut s = three();
            s.begin_authorization("nonce".into(), NOW);
            assert!(s.switch_account("2"));
            assert_eq!(s.active_user_id(), Some("2"));
            assert_eq!(s.profile, Some(named("2")));
            assert_eq!(s.app.as_ref().unwrap().app_id, "A");
            assert_eq!(s.apps, [app("B")]);
            // The authorize URL was for app B.
            assert_eq!(s.pending_authorization, None);
            s.begin_authorization("nonce".into(), NOW);
            assert!(s.switch_account("1"));
            assert!(
                s.pending_authorization.is_some(),
                "same app: the URL stays good"
            );
            assert!(!s.switch_account("9"));
            assert_eq!(s.all_accounts().len(), 3);
        }

        #[test]
        fn names_find_accounts_and_unknown_names_list_them() {
            let s = three();
            assert_eq!(s.find_account("name1"), Ok("1".to_string()));
            assert_eq!(s.find_account("@NAME2"), Ok("2".to_string()));
            assert_eq!(s.find_account("3"), Ok("3".to_string()));
            let err = s.find_account("bob").unwrap_err();
            assert!(err.contains("3, name1 (1), name2 (2)"), "{err}");
            assert!(
                State::default()
                    .find_account("bob")
                    .unwrap_err()
                    .contains("no account")
            );
        }

        #[test]
        fn removing_the_active_account_makes_another_active_or_none() {
            let mut s = three();
            assert_eq!(s.remove_account("2"), Removed::Inactive);
            assert_eq!(
                s.remove_account("3"),
                Removed::Active {
                    now_active: Some("1".to_string())
                }
            );
            assert_eq!(s.active_user_id(), Some("1"));
            assert_eq!(s.app.as_ref().unwrap().app_id, "A");
            assert_eq!(s.remove_account("1"), Removed::Active { now_active: None });
            assert_eq!(s.all_accounts(), []);
            assert_eq!(s.remove_account("1"), Removed::NotFound);
        }

        #[test]
        fn accounts_by_name_keep_their_order_whichever_is_active() {
            let mut s = three();
            let order = |s: &State| -> Vec<String> {
                s.accounts_by_name()
                    .iter()
                    .map(|a| a.user_id().to_string())
                    .collect()
            };
            // User 3 has no profile yet: before the named ones.
            assert_eq!(order(&s), ["3", "1", "2"]);
            s.switch_account("2");
            assert_eq!(order(&s), ["3", "1", "2"]);
            assert_eq!(s.inactive_account_names(), None);
            s.set_app(app("C"));
            assert_eq!(
                s.inactive_account_names().as_deref(),
                Some("user 3, @name1, @name2")
            );
        }

        #[test]
        fn refreshing_an_inactive_account_leaves_the_active_one_alone() {
            let mut s = three();
            let active = s.active_account();
            let fresh = StoredToken {
                value: Secret::new("IGAArefreshed"),
                ..account_token("1")
            };
            assert!(s.update_account("1", |a| a.record_refresh(Ok(fresh.clone()), NOW)));
            assert_eq!(s.active_account(), active);
            assert_eq!(s.accounts[0].token, fresh);
            assert!(s.accounts[0].last_refresh.as_ref().unwrap().ok);
        }
    }
}
