//! What the last `refresh` run did for each account, kept in state.json for `keep-alive status` and the TUI.

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

/// One run of `instatui refresh` (keep-alive's, or by hand).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RefreshRun {
    #[serde(with = "time::serde::rfc3339")]
    pub at: OffsetDateTime,
    #[serde(default)]
    pub accounts: Vec<AccountResult>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccountResult {
    /// The account's app: the same person under two apps is two accounts.
    /// None for an account without one, or a run recorded before.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub app_id: Option<String>,
    pub user_id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub username: Option<String>,
    pub outcome: RunOutcome,
    /// Why it was not refreshed, or what failed, in one line.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RunOutcome {
    Refreshed,
    NotDue,
    Failed,
    /// Expired, revoked or short-lived: only a new authorize helps.
    NeedsAuth,
    /// Written by a newer instatui; read rather than refused.
    #[serde(other)]
    Other,
}

impl RunOutcome {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            RunOutcome::Refreshed => "refreshed",
            RunOutcome::NotDue => "not due",
            RunOutcome::Failed => "failed",
            RunOutcome::NeedsAuth => "needs a new authorize",
            RunOutcome::Other => "unknown",
        }
    }

    pub(crate) fn is_failure(self) -> bool {
        matches!(self, RunOutcome::Failed | RunOutcome::NeedsAuth)
    }
}

impl RefreshRun {
    /// What the run did for the account. A result without an app (recorded
    /// before results were per app) is every account of that user's.
    pub(crate) fn result_of(&self, account: &crate::store::Account) -> Option<&AccountResult> {
        let of_user = |r: &&AccountResult| r.user_id == account.user_id();
        self.accounts
            .iter()
            .filter(of_user)
            .find(|r| r.app_id == account.app_id)
            .or_else(|| {
                self.accounts
                    .iter()
                    .filter(of_user)
                    .find(|r| r.app_id.is_none())
            })
    }
}

impl AccountResult {
    /// `@name: refreshed`, `@name: failed: why`.
    pub(crate) fn summary(&self) -> String {
        let who = crate::store::account_label(self.username.as_deref(), &self.user_id);
        match &self.message {
            Some(m) => format!("{who}: {}: {m}", self.outcome.as_str()),
            None => format!("{who}: {}", self.outcome.as_str()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_outcome_from_a_newer_instatui_still_reads() {
        let run: RefreshRun = serde_json::from_str(
            r#"{"at":"2026-01-01T00:00:00Z","accounts":[{"user_id":"1","outcome":"paused"}]}"#,
        )
        .expect("reads");
        assert_eq!(run.accounts[0].outcome, RunOutcome::Other);
    }

    #[test]
    fn a_result_is_its_apps_and_one_from_before_apps_is_every_apps() {
        let run: RefreshRun = serde_json::from_str(
            r#"{"at":"2026-01-01T00:00:00Z","accounts":[
                {"user_id":"1","outcome":"failed"},
                {"app_id":"a","user_id":"1","outcome":"refreshed"}]}"#,
        )
        .expect("reads");
        let account = |app: &str| -> crate::store::Account {
            serde_json::from_value(serde_json::json!({
                "app_id": app,
                "token": {"value": "t", "user_id": "1", "kind": "long",
                          "obtained_at": "2026-01-01T00:00:00Z",
                          "expires_at": "2026-03-01T00:00:00Z"}
            }))
            .expect("an account")
        };
        let outcome = |app| run.result_of(&account(app)).map(|r| r.outcome);
        assert_eq!(outcome("a"), Some(RunOutcome::Refreshed));
        assert_eq!(outcome("b"), Some(RunOutcome::Failed));
    }
}
