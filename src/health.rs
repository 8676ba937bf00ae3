//! How an account's token is doing, in one word a user can act on: shared by `accounts` and the TUI.

use crate::keepalive::RunOutcome;
use crate::lifetime::{EXPIRING_WITHIN, REFRESH_MIN_AGE};
use crate::store::{Account, State, TokenKind};
use time::OffsetDateTime;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Health {
    Healthy,
    /// Under 7 days left and refreshable now.
    RefreshDue,
    /// Under 24 hours old: Instagram refreshes it from tomorrow.
    RefreshableTomorrow,
    Expired,
    /// Instagram refused the token (code 190) before its time.
    Revoked,
    /// Short-lived: only an upgrade within the hour or a new authorize helps.
    NeedsAuthorize,
}

impl Health {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Health::Healthy => "healthy",
            Health::RefreshDue => "refresh due",
            Health::RefreshableTomorrow => "refreshable tomorrow",
            Health::Expired => "expired",
            Health::Revoked => "revoked",
            Health::NeedsAuthorize => "needs a new authorize",
        }
    }

    /// The token cannot be used or kept alive without the user.
    pub(crate) fn is_failing(self) -> bool {
        matches!(
            self,
            Health::Expired | Health::Revoked | Health::NeedsAuthorize
        )
    }
}

/// `account`'s health at `now`; `state` tells whether the last refresh run
/// found it revoked.
pub(crate) fn health(state: &State, account: &Account, now: OffsetDateTime) -> Health {
    let t = &account.token;
    if t.expires_at <= now {
        return Health::Expired;
    }
    let refused = account.last_refresh.as_ref().is_some_and(|r| !r.ok)
        && state.last_run.as_ref().is_some_and(|run| {
            run.accounts
                .iter()
                .any(|r| r.user_id == t.user_id && r.outcome == RunOutcome::NeedsAuth)
                && account
                    .last_refresh
                    .as_ref()
                    .is_some_and(|r| r.at >= t.obtained_at)
        });
    if refused {
        return Health::Revoked;
    }
    if t.kind == TokenKind::Short {
        return Health::NeedsAuthorize;
    }
    if now < t.obtained_at.saturating_add(REFRESH_MIN_AGE) {
        return Health::RefreshableTomorrow;
    }
    if t.expires_at - now < EXPIRING_WITHIN {
        return Health::RefreshDue;
    }
    Health::Healthy
}
