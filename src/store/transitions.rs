//! The rules for changing the state, in one place: the CLI and the TUI's `update` both call these.

use super::schema::{
    Account, AccountId, AppConfig, PendingAuthorization, RefreshOutcome, State, StoredToken,
};
use crate::instagram::{Flavor, Profile, RateUsage};
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
    /// The active account.
    pub fn active(&self) -> Option<&Account> {
        let id = self.active.as_ref()?;
        self.account(id)
    }

    /// The active account, to change it.
    pub fn active_mut(&mut self) -> Option<&mut Account> {
        let id = self.active.clone()?;
        self.account_mut(&id)
    }

    /// The account `id` names.
    pub fn account(&self, id: &AccountId) -> Option<&Account> {
        self.accounts.iter().find(|a| a.is(id))
    }

    /// The account `id` names, to change it.
    pub fn account_mut(&mut self, id: &AccountId) -> Option<&mut Account> {
        self.accounts.iter_mut().find(|a| a.is(id))
    }

    /// The active account's token.
    pub fn token(&self) -> Option<&StoredToken> {
        self.active().map(|a| &a.token)
    }

    /// The active account's profile, once fetched.
    pub fn profile(&self) -> Option<&Profile> {
        self.active().and_then(|a| a.profile.as_ref())
    }

    /// The active account's last refresh.
    pub fn last_refresh(&self) -> Option<&RefreshOutcome> {
        self.active().and_then(|a| a.last_refresh.as_ref())
    }

    /// The active account's rate usage, or what was reported while none was active.
    pub fn rate_usage(&self) -> Option<&RateUsage> {
        match self.active() {
            Some(a) => a.rate_usage.as_ref(),
            None => self.rate_usage.as_ref(),
        }
    }

    /// The current app: the active account's, or the one the next
    /// authorization is for.
    pub fn app(&self) -> Option<&AppConfig> {
        let id = self.current_app.as_deref()?;
        self.apps.iter().find(|a| a.app_id == id)
    }

    /// The app of `account` when there is one, else the current app: the
    /// app a command on that account talks to Instagram as.
    pub(crate) fn app_for(&self, account: Option<&Account>) -> Option<&AppConfig> {
        match account {
            Some(a) => self.app_of(a),
            None => self.app(),
        }
    }

    /// The API flavour a command on `account` (else on the current app)
    /// speaks: its app's, instagram-login when no app is stored. The one
    /// place the flavour of a stored app is looked up.
    pub(crate) fn flavor_for(&self, account: Option<&Account>) -> Flavor {
        self.app_for(account).map(|a| a.flavor).unwrap_or_default()
    }

    /// Whether saving `app` would put the active account aside (its token
    /// belongs to another app id), so that a front-end can ask first.
    pub(crate) fn app_change_parks_account(&self, app: &AppConfig) -> bool {
        self.active.is_some() && !self.is_same_app(app)
    }

    /// A token belongs to one app id and the API it was issued by: an
    /// instagram-login token does not work on the Basic Display API.
    fn is_same_app(&self, app: &AppConfig) -> bool {
        self.app()
            .is_some_and(|old| old.app_id == app.app_id && old.flavor == app.flavor)
    }

    /// Saves the app's credentials. A token belongs to one app: another app
    /// id leaves the active account stored with its app but none active,
    /// ready for an authorization under the new app; nothing is lost. Any
    /// change drops the pending authorization, since the authorize URL
    /// depends on every field; saving the same details again keeps it, so
    /// a URL already open in the browser still works.
    pub(crate) fn set_app(&mut self, app: AppConfig) -> AppChange {
        let change = if self.app() == Some(&app) {
            AppChange::Unchanged
        } else if self.is_same_app(&app) {
            AppChange::Edited
        } else {
            AppChange::OtherApp
        };
        let other_api =
            change == AppChange::OtherApp && self.app().is_some_and(|old| old.app_id == app.app_id);
        if other_api {
            // The same app id on the other API: its token does not work
            // there, and the account cannot keep an app of its own.
            if let Some(id) = self.active.take() {
                let gone = self.accounts.iter().position(|a| a.is(&id));
                if let Some(account) = gone.map(|i| self.accounts.remove(i)) {
                    self.rate_usage = account.rate_usage;
                }
            }
        } else if change == AppChange::OtherApp {
            self.leave_active();
            // The old app stays for the accounts under it; one without
            // any goes, replaced by the new one.
            if let Some(old) = self.current_app.take()
                && !self
                    .accounts
                    .iter()
                    .any(|a| a.app_id.as_deref() == Some(old.as_str()))
            {
                self.apps.retain(|a| a.app_id != old);
            }
        }
        if change != AppChange::Unchanged {
            self.pending_authorization = None;
        }
        self.current_app = Some(app.app_id.clone());
        match self.apps.iter_mut().find(|a| a.app_id == app.app_id) {
            Some(stored) => *stored = app,
            None => self.apps.push(app),
        }
        change
    }

    /// Remembers the nonce (OAuth `state`) of a new authorize URL: only a
    /// redirect carrying it is accepted, so older URLs stop working.
    pub(crate) fn begin_authorization(&mut self, nonce: String, issued_at: OffsetDateTime) {
        self.pending_authorization = Some(PendingAuthorization { nonce, issued_at });
    }

    /// A code was exchanged for a (short-lived) token, or one was pasted: a
    /// new authorization under the current app, whose account becomes the
    /// active one. The authorize URL is used up, and the profile and last
    /// refresh belong to the token it replaces. The same user authorized
    /// again under the same app keeps their account (and its handoffs),
    /// whichever of their ids the token came with; another user's adds one.
    pub(crate) fn record_authorization(&mut self, mut token: StoredToken) -> AccountId {
        let id = self
            .account_of_user(self.current_app.as_deref(), &token.user_id)
            .unwrap_or_else(|| AccountId {
                app_id: self.current_app.clone(),
                user_id: token.user_id.clone(),
            });
        token.user_id = id.user_id.clone();
        let was_active = self.active.as_ref() == Some(&id);
        // Usage reported while none was active was this user's.
        let loose = if self.active.is_none() {
            self.rate_usage.take()
        } else {
            None
        };
        match self.account_mut(&id) {
            Some(account) => {
                account.token = token;
                account.profile = None;
                account.last_refresh = None;
                if !was_active {
                    account.rate_usage = loose;
                }
            }
            None => self.accounts.push(Account {
                app_id: id.app_id.clone(),
                token,
                profile: None,
                last_refresh: None,
                rate_usage: loose,
            }),
        }
        self.active = Some(id.clone());
        self.pending_authorization = None;
        id
    }

    /// The short-lived token was exchanged for a long-lived one: the same
    /// authorization, so the profile stays.
    pub(crate) fn record_upgrade(&mut self, id: &AccountId, token: StoredToken) {
        if let Some(account) = self.account_mut(id) {
            account.token = keyed_as(token, id);
        }
    }

    /// The outcome of a refresh of account `id` at `at`: a new token
    /// replaces the old one; a failure keeps the old token and records
    /// Instagram's message.
    pub fn record_refresh(
        &mut self,
        id: &AccountId,
        result: Result<StoredToken, String>,
        at: OffsetDateTime,
    ) {
        let Some(account) = self.account_mut(id) else {
            return;
        };
        let outcome = match result {
            Ok(token) => {
                account.token = keyed_as(token, id);
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
        account.last_refresh = Some(outcome);
    }

    /// Logging out: the active account goes, with everything learnt
    /// through its token (profile, last refresh, rate usage), and any
    /// authorize URL still out.
    pub(crate) fn forget_token(&mut self) {
        if let Some(id) = self.active.take() {
            self.accounts.retain(|a| !a.is(&id));
        }
        self.pending_authorization = None;
        self.rate_usage = None;
    }

    /// Forgetting the current app and its secret as well.
    pub(crate) fn forget_app(&mut self) {
        self.forget_token();
        if let Some(id) = self.current_app.take() {
            self.apps.retain(|a| a.app_id != id);
        }
    }

    /// The profile of account `id`: once it names the professional
    /// account, that id keys the account (and a twin under the same app is
    /// folded into it). Returns the account's id now.
    pub(crate) fn record_profile(&mut self, id: &AccountId, profile: Profile) -> AccountId {
        match self.account_mut(id) {
            Some(account) => account.profile = Some(profile),
            None => return id.clone(),
        }
        self.settle_identity(id)
    }

    /// The usage reported with an answer for account `id` (none: while no
    /// account was active). See `carry_over`.
    pub(crate) fn record_rate_usage(&mut self, id: Option<&AccountId>, usage: Option<RateUsage>) {
        match id {
            Some(id) => {
                if let Some(account) = self.account_mut(id) {
                    carry_over(&mut account.rate_usage, usage);
                }
            }
            None => carry_over(&mut self.rate_usage, usage),
        }
    }

    /// The active account's user id.
    pub fn active_user_id(&self) -> Option<&str> {
        self.active.as_ref().map(|id| id.user_id.as_str())
    }

    /// Every account, the active one first.
    pub fn all_accounts(&self) -> Vec<Account> {
        let active = self.active();
        active
            .into_iter()
            .chain(self.accounts.iter().filter(|a| Some(a.id()) != self.active))
            .cloned()
            .collect()
    }

    /// Every account in a fixed order, by name then user id, the same
    /// from run to run whichever is active: how lists show them.
    pub(crate) fn accounts_by_name(&self) -> Vec<Account> {
        let mut rows = self.accounts.clone();
        rows.sort_by_key(|a| (a.username().map(str::to_lowercase), a.user_id().to_string()));
        rows
    }

    /// How lists and messages name `account` among the stored ones: its
    /// label (`@name`), or `@name@APP_ID` when another stored account has
    /// the same one (one person authorized under two apps).
    pub(crate) fn label_among(&self, account: &Account) -> String {
        let label = account.label();
        match self.app_telling_apart(account) {
            Some(app) => format!("{label}@{app}"),
            None => label,
        }
    }

    /// The app id that tells `account` apart from another stored account
    /// with the same label; `None` when its label alone does.
    pub(crate) fn app_telling_apart<'a>(&self, account: &'a Account) -> Option<&'a str> {
        let label = account.label();
        let shared = self
            .accounts
            .iter()
            .any(|a| !a.is(&account.id()) && a.label().eq_ignore_ascii_case(&label));
        account.app_id.as_deref().filter(|_| shared)
    }

    /// Accounts are stored but none is active (after `setup` of another
    /// app): their names, `@a, @b`, for advice that says which to pick.
    pub(crate) fn inactive_account_names(&self) -> Option<String> {
        if self.active.is_some() || self.accounts.is_empty() {
            return None;
        }
        let names: Vec<String> = self.accounts_by_name().iter().map(Account::label).collect();
        Some(names.join(", "))
    }

    /// The app an account's token was issued to.
    pub(crate) fn app_of(&self, account: &Account) -> Option<&AppConfig> {
        let id = account.app_id.as_deref()?;
        self.apps.iter().find(|a| a.app_id == id)
    }

    /// The account `name` (a username or either user id, `NAME@APP_ID`
    /// under one app) names, or a one-line message: the accounts there
    /// are, or the candidates when the name fits several (one username
    /// under two apps).
    pub(crate) fn find_account(&self, name: &str) -> Result<AccountId, String> {
        let accounts = self.all_accounts();
        let (who, app) = match name.trim().rsplit_once('@') {
            Some((who, app)) if !who.is_empty() && !app.is_empty() => (who, Some(app)),
            _ => (name, None),
        };
        let found: Vec<&Account> = accounts
            .iter()
            .filter(|a| {
                (a.is_named(who) || a.has_user_id(who.trim()))
                    && app.is_none_or(|app| a.app_id.as_deref() == Some(app))
            })
            .collect();
        match found.as_slice() {
            [one] => return Ok(one.id()),
            [] => {}
            several => {
                let candidates: Vec<String> = several
                    .iter()
                    .map(|a| {
                        let scoped = a
                            .profile
                            .as_ref()
                            .and_then(|p| p.id.as_deref())
                            .filter(|id| *id != a.user_id());
                        format!(
                            "{}@{}{}",
                            a.username().unwrap_or(a.user_id()),
                            a.app_id.as_deref().unwrap_or("-"),
                            scoped
                                .map(|id| format!(" (user id {id})"))
                                .unwrap_or_default()
                        )
                    })
                    .collect();
                return Err(format!(
                    "'{name}' names {} accounts, one per app: {}; say which with NAME@APP_ID (or that account's user id)",
                    several.len(),
                    candidates.join(", ")
                ));
            }
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

    /// Leaves no account active; the app stays current, ready for another
    /// authorization. Nothing of the account is lost.
    fn leave_active(&mut self) {
        self.active = None;
        self.rate_usage = None;
    }

    /// The id for a new handoff, never one given before (a removed one's
    /// included): the counter moves on.
    pub(crate) fn take_handoff_id(&mut self) -> u32 {
        let id = self
            .next_handoff_id
            .max(crate::handoff::past_every_id(&self.handoffs));
        self.next_handoff_id = id.saturating_add(1);
        id
    }

    /// Makes `id` the active account: its app becomes current (an
    /// authorize URL made for another app is dropped). False when there is
    /// no such account.
    pub(crate) fn switch_account(&mut self, id: &AccountId) -> bool {
        if self.account(id).is_none() {
            return false;
        }
        if self.current_app != id.app_id {
            self.pending_authorization = None;
        }
        self.current_app = id.app_id.clone();
        self.active = Some(id.clone());
        true
    }

    /// Forgets one account, and its handoffs (nothing would ever run them
    /// again). When it was the active one, the first of the others becomes
    /// active; the answer says which, if any.
    pub(crate) fn remove_account(&mut self, id: &AccountId) -> Removed {
        let Some(i) = self.accounts.iter().position(|a| a.is(id)) else {
            return Removed::NotFound;
        };
        crate::handoff::remove_for_account(&mut self.handoffs, id);
        self.accounts.remove(i);
        if self.active.as_ref() != Some(id) {
            return Removed::Inactive;
        }
        self.leave_active();
        let next = self.accounts.first().map(Account::id);
        if let Some(next) = &next {
            self.switch_account(next);
        }
        Removed::Active { now_active: next }
    }
}

/// What [`State::remove_account`] did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Removed {
    NotFound,
    Inactive,
    /// The active account went; this one (if any) is active now.
    Active {
        now_active: Option<AccountId>,
    },
}

/// A new token of account `id` keeps the account's key: one from the code
/// exchange carries the app-scoped id, the account may be keyed by the
/// professional one.
fn keyed_as(mut token: StoredToken, id: &AccountId) -> StoredToken {
    token.user_id = id.user_id.clone();
    token
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
        let id = s.record_authorization(token("short", TokenKind::Short));
        s.record_upgrade(&id, token("long", TokenKind::Long));
        s.record_profile(&id, profile());
        s.record_refresh(&id, Ok(token("refreshed", TokenKind::Long)), NOW);
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
        assert_eq!(s.app(), Some(&edited));
        assert_eq!(s.pending_authorization, None);
        assert_eq!(s.token(), authorized().token());
        assert_eq!(s.profile(), Some(&profile()));
        assert!(s.last_refresh().is_some());
    }

    #[test]
    fn another_app_id_keeps_the_account_aside_with_its_app() {
        let mut s = authorized();
        let before = s.active().cloned().expect("an account");
        assert!(s.app_change_parks_account(&app("2")));
        assert_eq!(s.set_app(app("2")), AppChange::OtherApp);
        assert_eq!(s.token(), None);
        assert_eq!(s.profile(), None);
        assert_eq!(s.last_refresh(), None);
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
        assert_eq!(s.token(), Some(&token("new", TokenKind::Short)));
        assert_eq!(s.pending_authorization, None);
        assert_eq!(s.profile(), None);
        assert_eq!(s.last_refresh(), None);
        assert_eq!(s.app(), Some(&app("1")));
    }

    #[test]
    fn an_upgrade_keeps_the_authorization() {
        let mut s = authorized();
        let id = s.active.clone().expect("active");
        s.record_upgrade(&id, token("long2", TokenKind::Long));
        assert_eq!(s.token(), Some(&token("long2", TokenKind::Long)));
        assert_eq!(s.profile(), Some(&profile()));
        assert!(s.pending_authorization.is_some());
        assert!(s.last_refresh().is_some());
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
        let id = s.active.clone().expect("active");
        s.record_refresh(&id, Err("Instagram said no".to_string()), later);
        assert_eq!(s.token(), authorized().token());
        assert_eq!(
            s.last_refresh().cloned(),
            Some(RefreshOutcome {
                at: later,
                ok: false,
                message: Some("Instagram said no".to_string())
            })
        );
        s.record_refresh(&id, Ok(token("again", TokenKind::Long)), later);
        assert_eq!(s.token(), Some(&token("again", TokenKind::Long)));
        assert_eq!(
            s.last_refresh().cloned(),
            Some(RefreshOutcome {
                at: later,
                ok: true,
                message: None
            })
        );
        assert_eq!(s.profile(), Some(&profile()));
    }

    #[test]
    fn forgetting_the_token_keeps_the_app_and_settings() {
        let mut s = authorized();
        let id = s.active.clone();
        s.record_rate_usage(id.as_ref(), Some(usage(3)));
        s.settings.auto_refresh = true;
        s.forget_token();
        let expected = State {
            apps: vec![app("1")],
            current_app: Some("1".to_string()),
            settings: s.settings.clone(),
            ..State::default()
        };
        assert_eq!(s, expected);
        s.forget_app();
        assert_eq!(s.app(), None);
        assert!(s.settings.auto_refresh);
    }

    #[test]
    fn rate_usage_carries_over_answers_that_report_none() {
        let mut s = State::default();
        s.record_rate_usage(None, None);
        assert_eq!(s.rate_usage(), None);
        s.record_rate_usage(None, Some(usage(3)));
        s.record_rate_usage(None, None);
        assert_eq!(s.rate_usage(), Some(&usage(3)));
        s.record_rate_usage(None, Some(usage(4)));
        assert_eq!(s.rate_usage(), Some(&usage(4)));
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
            let one = s.record_authorization(account_token("1"));
            s.record_profile(&one, named("1"));
            let two = s.record_authorization(account_token("2"));
            s.record_profile(&two, named("2"));
            s.set_app(app("B"));
            s.record_authorization(account_token("3"));
            s
        }

        fn id(app: &str, user: &str) -> AccountId {
            AccountId {
                app_id: Some(app.to_string()),
                user_id: user.to_string(),
            }
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
            assert_eq!(s.account(&id("B", "3")).map(Account::user_id), Some("3"));
        }

        #[test]
        fn the_same_user_authorized_again_replaces_their_account() {
            let mut s = three();
            s.switch_account(&id("A", "1"));
            s.record_authorization(StoredToken {
                value: Secret::new("IGAAnew"),
                ..account_token("1")
            });
            assert_eq!(s.all_accounts().len(), 3);
            assert_eq!(s.profile(), None);
            assert_eq!(s.token().unwrap().value.expose(), "IGAAnew");
        }

        #[test]
        fn switching_brings_the_accounts_app_along() {
            let mut s = three();
            s.begin_authorization("nonce".into(), NOW);
            assert!(s.switch_account(&id("A", "2")));
            assert_eq!(s.active_user_id(), Some("2"));
            assert_eq!(s.profile(), Some(&named("2")));
            assert_eq!(s.app().unwrap().app_id, "A");
            assert_eq!(s.apps, [app("A"), app("B")]);
            // The authorize URL was for app B.
            assert_eq!(s.pending_authorization, None);
            s.begin_authorization("nonce".into(), NOW);
            assert!(s.switch_account(&id("A", "1")));
            assert!(
                s.pending_authorization.is_some(),
                "same app: the URL stays good"
            );
            assert!(!s.switch_account(&id("A", "9")));
            assert_eq!(s.all_accounts().len(), 3);
        }

        #[test]
        fn names_find_accounts_and_unknown_names_list_them() {
            let s = three();
            assert_eq!(s.find_account("name1"), Ok(id("A", "1")));
            assert_eq!(s.find_account("@NAME2"), Ok(id("A", "2")));
            assert_eq!(s.find_account("3"), Ok(id("B", "3")));
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
            assert_eq!(s.remove_account(&id("A", "2")), Removed::Inactive);
            assert_eq!(
                s.remove_account(&id("B", "3")),
                Removed::Active {
                    now_active: Some(id("A", "1"))
                }
            );
            assert_eq!(s.active_user_id(), Some("1"));
            assert_eq!(s.app().unwrap().app_id, "A");
            assert_eq!(
                s.remove_account(&id("A", "1")),
                Removed::Active { now_active: None }
            );
            assert_eq!(s.all_accounts(), []);
            assert_eq!(s.remove_account(&id("A", "1")), Removed::NotFound);
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
            s.switch_account(&id("A", "2"));
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
            let active = s.active().cloned();
            let fresh = StoredToken {
                value: Secret::new("IGAArefreshed"),
                ..account_token("1")
            };
            s.record_refresh(&id("A", "1"), Ok(fresh.clone()), NOW);
            assert_eq!(s.active().cloned(), active);
            assert_eq!(s.accounts[0].token, fresh);
            assert!(s.accounts[0].last_refresh.as_ref().unwrap().ok);
        }
    }
}
