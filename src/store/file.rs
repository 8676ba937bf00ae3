//! The on-disk layout of `state.json`: every app and every account listed alike, the active one named by its user id.
//!
//! [`State`] has the same shape; only the active account is named
//! differently: by its user id on disk (its app is the current app), by
//! its whole identity in memory.

use super::schema::{
    Account, AccountId, AppConfig, EndpointOverrides, PendingAuthorization, Settings, State,
};
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
    /// The id the next handoff gets; absent until one was added (and in
    /// files written before it was kept: then past the highest stored id).
    #[serde(default, skip_serializing_if = "first_id")]
    pub next_handoff_id: u32,
}

fn first_id(next: &u32) -> bool {
    *next <= 1
}

impl From<State> for StateFile {
    fn from(s: State) -> StateFile {
        // The active account's app is the current one.
        let current_app = match &s.active {
            Some(id) => id.app_id.clone(),
            None => s.current_app,
        };
        StateFile {
            version: s.version,
            apps: s.apps,
            current_app,
            accounts: s.accounts,
            active: s.active.map(|id| id.user_id),
            pending_authorization: s.pending_authorization,
            rate_usage: s.rate_usage,
            settings: s.settings,
            endpoints: s.endpoints,
            last_run: s.last_run,
            handoffs: s.handoffs,
            next_handoff_id: s.next_handoff_id,
        }
    }
}

impl From<StateFile> for State {
    fn from(f: StateFile) -> State {
        // The active user id under the current app, else under any app.
        let active: Option<AccountId> = f.active.as_deref().and_then(|user| {
            let of_user = |a: &&Account| a.user_id() == user;
            f.accounts
                .iter()
                .filter(of_user)
                .find(|a| a.app_id == f.current_app)
                .or_else(|| f.accounts.iter().find(of_user))
                .map(Account::id)
        });
        let current_app = match &active {
            Some(id) => id.app_id.clone(),
            None => f.current_app,
        };
        // Never below an id in use: a file from before the counter, or one
        // an older instatui wrote (it drops the key), goes on past them.
        let next_handoff_id = f
            .next_handoff_id
            .max(crate::handoff::past_every_id(&f.handoffs));
        State {
            version: f.version,
            apps: f.apps,
            current_app,
            accounts: f.accounts,
            active,
            pending_authorization: f.pending_authorization,
            rate_usage: f.rate_usage,
            settings: f.settings,
            endpoints: f.endpoints,
            last_run: f.last_run,
            handoffs: f.handoffs,
            next_handoff_id,
        }
    }
}
