//! Watching every account: what each live check found, the condition each account is in, and who is told when it changes (`watch.json`).
//!
//! `watch.json` sits beside `state.json`, written under the same lock and
//! as privately, but holds no token and no secret: the notifiers, each
//! account's last live check, and what was last sent about it, so the same
//! state is never announced twice.

pub mod check;
pub mod condition;
pub mod notify;

pub use condition::{Condition, condition};

use crate::store::{Store, StoreError};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use time::OffsetDateTime;

/// The file's name in the config dir.
pub const WATCH_FILE: &str = "watch.json";

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct WatchFile {
    #[serde(default)]
    pub notifiers: Vec<notify::Notifier>,
    /// By user id.
    #[serde(default)]
    pub accounts: BTreeMap<String, AccountWatch>,
}

/// What instatui learnt of one account live, and what it told about it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccountWatch {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub check: Option<Check>,
    /// The last check Instagram answered with the profile.
    #[serde(
        default,
        with = "time::serde::rfc3339::option",
        skip_serializing_if = "Option::is_none"
    )]
    pub last_ok: Option<OffsetDateTime>,
    /// The state last announced (`Notified::state`), so it is announced once.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub notified: Option<Notified>,
    /// The condition recorded by the last watch, with since when it holds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub recorded: Option<Recorded>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Check {
    #[serde(with = "time::serde::rfc3339")]
    pub at: OffsetDateTime,
    pub outcome: CheckOutcome,
}

/// What `/me` answered.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "result", rename_all = "snake_case")]
pub enum CheckOutcome {
    Ok,
    Revoked {
        /// `Revocation::as_str`.
        reason: String,
        message: String,
    },
    AppRestricted {
        message: String,
    },
    RateLimited {
        #[serde(with = "time::serde::rfc3339")]
        until: OffsetDateTime,
    },
    RetiredApi {
        message: String,
    },
    /// Instagram could not be asked, or answered something else: no verdict.
    Failed {
        message: String,
    },
}

/// What was last sent about an account.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Notified {
    /// The condition's key, and for a reminder its days left (`expiring_soon:5`).
    pub state: String,
    #[serde(with = "time::serde::rfc3339")]
    pub at: OffsetDateTime,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Recorded {
    /// `Condition::key`.
    pub condition: String,
    #[serde(with = "time::serde::rfc3339")]
    pub since: OffsetDateTime,
}

impl WatchFile {
    /// The account's record, if any.
    pub fn account(&self, user_id: &str) -> Option<&AccountWatch> {
        self.accounts.get(user_id)
    }

    /// Keeps a live check's outcome for the account.
    pub fn record_check(&mut self, user_id: &str, check: Check) {
        let entry = self.accounts.entry(user_id.to_string()).or_default();
        if check.outcome == CheckOutcome::Ok {
            entry.last_ok = Some(check.at);
        }
        entry.check = Some(check);
    }

    /// Remembers the account's condition: `since` moves only when it changes.
    pub fn record_condition(&mut self, user_id: &str, key: &str, now: OffsetDateTime) {
        let entry = self.accounts.entry(user_id.to_string()).or_default();
        if entry.recorded.as_ref().is_none_or(|r| r.condition != key) {
            entry.recorded = Some(Recorded {
                condition: key.to_string(),
                since: now,
            });
        }
    }

    /// Drops the records of accounts no longer stored (removed meanwhile).
    pub fn keep_only(&mut self, user_ids: &[String]) {
        self.accounts.retain(|id, _| user_ids.contains(id));
    }
}

/// Reads `watch.json`; a missing or unreadable file is an empty watch
/// (nothing in it is irreplaceable: the next check fills it again), and a
/// notice says so for an unreadable one.
pub fn load(store: &Store) -> (WatchFile, Option<String>) {
    let path = store.dir().join(WATCH_FILE);
    match std::fs::read(&path) {
        Ok(bytes) => match serde_json::from_slice(&bytes) {
            Ok(watch) => (watch, None),
            Err(e) => (
                WatchFile::default(),
                Some(format!(
                    "{} is unreadable ({e}): its notifiers and checks are ignored until it is fixed or removed",
                    path.display()
                )),
            ),
        },
        Err(_) => (WatchFile::default(), None),
    }
}

/// Lock → read → `f` → write: the same single-writer lock as `state.json`.
/// An unreadable file is not overwritten (its notifiers would be lost).
pub fn update<T>(store: &Store, f: impl FnOnce(&mut WatchFile) -> T) -> Result<T, String> {
    let lock = store.lock().map_err(|e| e.to_string())?;
    let (mut watch, notice) = load(store);
    if let Some(notice) = notice {
        return Err(notice);
    }
    let value = f(&mut watch);
    let mut bytes = serde_json::to_vec_pretty(&watch).map_err(|e| e.to_string())?;
    bytes.push(b'\n');
    store
        .write_side_file(&lock, WATCH_FILE, &bytes)
        .map_err(|e: StoreError| e.to_string())?;
    Ok(value)
}
