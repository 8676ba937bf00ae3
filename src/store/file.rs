//! The on-disk layout of schema 3: every app and every account listed alike, the active one named.
//!
//! [`State`] keeps the active account unpacked at its top level; this is
//! the conversion between the two, used by serde on every read and write.

use super::schema::{Account, AppConfig, EndpointOverrides, PendingAuthorization, Settings, State};
use crate::instagram::RateUsage;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct StateFile {
    pub version: u32,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub apps: Vec<AppConfig>,
    /// The app id the next authorization is for.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) current_app: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub accounts: Vec<Account>,
    /// The user id of the active account.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) active: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pending_authorization: Option<PendingAuthorization>,
    /// Usage Instagram reported while no account was active.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rate_usage: Option<RateUsage>,
    #[serde(default)]
    pub settings: Settings,
    #[serde(default, skip_serializing_if = "EndpointOverrides::is_empty")]
    pub endpoints: EndpointOverrides,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_run: Option<crate::keepalive::RefreshRun>,
    /// Where each account's new tokens are handed on to.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub handoffs: Vec<crate::handoff::Handoff>,
}

impl From<State> for StateFile {
    fn from(s: State) -> StateFile {
        let current_app = s.app.as_ref().map(|a| a.app_id.clone());
        let active = s.token.as_ref().map(|t| t.user_id.clone());
        let mut accounts = Vec::with_capacity(s.accounts.len() + 1);
        let mut loose_usage = None;
        match s.token {
            Some(token) => accounts.push(Account {
                app_id: current_app.clone(),
                token,
                profile: s.profile,
                last_refresh: s.last_refresh,
                rate_usage: s.rate_usage,
            }),
            None => loose_usage = s.rate_usage,
        }
        for account in s.accounts {
            if !accounts
                .iter()
                .any(|a: &Account| a.user_id() == account.user_id())
            {
                accounts.push(account);
            }
        }
        // Every stored app is written, the current one first: the layout
        // changes whenever another account is looked at or made active (an
        // app being set up has no account yet), and a credential the user
        // typed is dropped only by the transitions that say so.
        let mut apps: Vec<AppConfig> = Vec::new();
        for app in s.app.into_iter().chain(s.apps) {
            if !apps.iter().any(|a| a.app_id == app.app_id) {
                apps.push(app);
            }
        }
        StateFile {
            version: s.version,
            apps,
            current_app,
            accounts,
            active,
            pending_authorization: s.pending_authorization,
            rate_usage: loose_usage,
            settings: s.settings,
            endpoints: s.endpoints,
            last_run: s.last_run,
            handoffs: s.handoffs,
        }
    }
}

impl From<StateFile> for State {
    fn from(f: StateFile) -> State {
        let mut accounts = f.accounts;
        let mut apps = f.apps;
        let active = f
            .active
            .as_deref()
            .and_then(|id| accounts.iter().position(|a| a.user_id() == id))
            .map(|i| accounts.remove(i));
        // The active account's app is the current one; without an active
        // account, the one named as current.
        let app_id = match &active {
            Some(account) => account.app_id.clone(),
            None => f.current_app,
        };
        let app = app_id
            .and_then(|id| apps.iter().position(|a| a.app_id == id))
            .map(|i| apps.remove(i));
        let mut state = State {
            version: f.version,
            app,
            pending_authorization: f.pending_authorization,
            token: None,
            profile: None,
            last_refresh: None,
            rate_usage: f.rate_usage,
            settings: f.settings,
            endpoints: f.endpoints,
            last_run: f.last_run,
            handoffs: f.handoffs,
            accounts,
            apps,
        };
        if let Some(account) = active {
            state.unpack(account);
        }
        state
    }
}

impl State {
    /// Puts `account` at the top level, as the active one.
    pub(super) fn unpack(&mut self, account: Account) {
        self.token = Some(account.token);
        self.profile = account.profile;
        self.last_refresh = account.last_refresh;
        self.rate_usage = account.rate_usage;
    }

    /// The same state with `user_id` (or no account) active: only where
    /// things are kept changes, not what is kept. The merge lines up three
    /// snapshots this way before comparing them.
    pub(crate) fn arranged_for(&self, user_id: Option<&str>) -> State {
        let mut file = StateFile::from(self.clone());
        let account = user_id.and_then(|id| file.accounts.iter().find(|a| a.user_id() == id));
        match account {
            Some(account) => {
                file.current_app = account.app_id.clone();
                file.active = Some(account.user_id().to_string());
            }
            None => {
                if file.active.take().is_some() {
                    file.rate_usage = None;
                }
            }
        }
        State::from(file)
    }

    /// The same state with `user_id` active when it names an account, else
    /// with none active and `app_id` as the current app: how it was before
    /// [`State::arranged_for`] looked at another account.
    pub(crate) fn arranged_back(&self, user_id: Option<&str>, app_id: Option<&str>) -> State {
        let mut file = StateFile::from(self.arranged_for(user_id));
        if file.active.is_none() {
            file.current_app = app_id.map(str::to_string);
        }
        State::from(file)
    }
}
