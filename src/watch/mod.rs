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

use crate::store::{AccountId, Store, StoreError};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use time::OffsetDateTime;

/// The file's name in the config dir.
pub const WATCH_FILE: &str = "watch.json";

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct WatchFile {
    #[serde(default)]
    pub notifiers: Vec<notify::Notifier>,
    /// By account: `<app id>:<user id>` (the same person under two apps is
    /// two accounts, each with its own record); a bare user id is a record
    /// from before that, or of an account without an app. See `key`.
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

/// The account's key in [`WatchFile::accounts`].
fn key(id: &AccountId) -> String {
    match &id.app_id {
        Some(app) => format!("{app}:{}", id.user_id),
        None => id.user_id.clone(),
    }
}

impl WatchFile {
    /// The account's record, if any. A record keyed by the user id alone
    /// (written before records were per app) belongs to every account of
    /// that user until each has its own: nothing learnt is lost, and a
    /// verdict found since is the account's alone.
    pub fn account(&self, id: &AccountId) -> Option<&AccountWatch> {
        self.accounts
            .get(&key(id))
            .or_else(|| self.accounts.get(&id.user_id))
    }

    /// The account's own record, started from the user's older record if
    /// there is one (so what was sent is not sent again).
    pub fn entry(&mut self, id: &AccountId) -> &mut AccountWatch {
        let seed = self.accounts.get(&id.user_id).cloned().unwrap_or_default();
        self.accounts.entry(key(id)).or_insert(seed)
    }

    /// Keeps a live check's outcome for the account. Instagram down or a
    /// rate limit never overrides a verdict on the same token (revoked
    /// stays revoked until a new token or a good check): one rule for the
    /// TUI, `status` and `keep-alive run` alike.
    pub fn record_check(&mut self, id: &AccountId, check: Check) {
        let decisive = |o: &CheckOutcome| {
            matches!(
                o,
                CheckOutcome::Revoked { .. }
                    | CheckOutcome::AppRestricted { .. }
                    | CheckOutcome::RetiredApi { .. }
            )
        };
        let keep_old = !decisive(&check.outcome)
            && check.outcome != CheckOutcome::Ok
            && self
                .account(id)
                .and_then(|w| w.check.as_ref())
                .is_some_and(|old| decisive(&old.outcome));
        if keep_old {
            return;
        }
        let entry = self.entry(id);
        if check.outcome == CheckOutcome::Ok {
            entry.last_ok = Some(check.at);
        }
        entry.check = Some(check);
    }

    /// Remembers the account's condition: `since` moves only when it changes.
    pub fn record_condition(&mut self, id: &AccountId, condition: &str, now: OffsetDateTime) {
        let entry = self.entry(id);
        if entry
            .recorded
            .as_ref()
            .is_none_or(|r| r.condition != condition)
        {
            entry.recorded = Some(Recorded {
                condition: condition.to_string(),
                since: now,
            });
        }
    }

    /// Forgets what was said of the account's token (a new one replaced it).
    pub fn forget_check(&mut self, id: &AccountId) {
        self.entry(id).check = None;
    }

    /// Drops the records of accounts no longer stored (removed meanwhile),
    /// and a user's older record once every account of it has its own.
    pub fn keep_only(&mut self, ids: &[AccountId]) {
        let keys: Vec<String> = ids.iter().map(key).collect();
        let legacy: Vec<String> = ids
            .iter()
            .filter(|id| !self.accounts.contains_key(&key(id)))
            .map(|id| id.user_id.clone())
            .collect();
        self.accounts
            .retain(|k, _| keys.contains(k) || legacy.contains(k));
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

#[cfg(test)]
mod tests {
    use super::*;

    fn id(app: &str) -> AccountId {
        AccountId {
            app_id: Some(app.to_string()),
            user_id: "17".to_string(),
        }
    }

    #[test]
    fn revoked_stays_revoked_through_an_outage_for_every_writer() {
        // The CLI's `status` and `keep-alive run` write through here as the
        // TUI does: an outage after a 190 must not turn it into "could not check".
        let mut watch = WatchFile::default();
        let at = OffsetDateTime::UNIX_EPOCH;
        let revoked = CheckOutcome::Revoked {
            reason: "password_changed".into(),
            message: "changed their password".into(),
        };
        watch.record_check(
            &id("1"),
            Check {
                at,
                outcome: revoked.clone(),
            },
        );
        let outage = CheckOutcome::Failed {
            message: "could not reach Instagram".into(),
        };
        watch.record_check(
            &id("1"),
            Check {
                at,
                outcome: outage,
            },
        );
        let kept = watch.account(&id("1")).and_then(|w| w.check.clone());
        assert_eq!(kept.map(|c| c.outcome), Some(revoked));
        // A good check ends it.
        watch.record_check(
            &id("1"),
            Check {
                at,
                outcome: CheckOutcome::Ok,
            },
        );
        let now = watch.account(&id("1")).and_then(|w| w.check.clone());
        assert_eq!(now.map(|c| c.outcome), Some(CheckOutcome::Ok));
    }

    #[test]
    fn an_older_record_by_user_id_is_each_apps_until_it_has_its_own() {
        let mut watch: WatchFile = serde_json::from_str(
            r#"{"accounts":{"17":{"notified":{"state":"revoked","at":"2026-01-01T00:00:00Z"}}}}"#,
        )
        .expect("reads");
        assert!(watch.account(&id("1")).is_some() && watch.account(&id("2")).is_some());
        let at = OffsetDateTime::UNIX_EPOCH;
        watch.record_check(
            &id("1"),
            Check {
                at,
                outcome: CheckOutcome::Ok,
            },
        );
        // App 1's record starts from the older one: what was sent is kept.
        let one = watch.account(&id("1")).expect("its own");
        assert!(one.notified.is_some() && one.last_ok == Some(at));
        assert!(watch.account(&id("2")).expect("the older").check.is_none());
        watch.keep_only(&[id("1"), id("2")]);
        assert!(
            watch.account(&id("2")).is_some(),
            "app 2 has no record of its own yet"
        );
        watch.record_check(
            &id("2"),
            Check {
                at,
                outcome: CheckOutcome::Ok,
            },
        );
        watch.keep_only(&[id("1"), id("2")]);
        let keys: Vec<&str> = watch.accounts.keys().map(String::as_str).collect();
        assert_eq!(keys, ["1:17", "2:17"]);
    }
}
