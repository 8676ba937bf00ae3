//! The live check: one cheap `/me` call per account, read as a verdict on its token (or as "could not check").

use super::{Check, CheckOutcome};
use crate::instagram::{ApiError, Client, ErrorKind, Profile};
use crate::secret::Secret;
use time::OffsetDateTime;

/// Asks `/me` with `token` and reads the answer. Instagram down, a proxy
/// page, a timeout: "could not check", never "revoked".
pub async fn check(client: &Client, token: &Secret) -> (Check, Option<Profile>) {
    let result = client.profile(token).await;
    let at = crate::clock::now();
    match result {
        Ok(profile) => (
            Check {
                at,
                outcome: CheckOutcome::Ok,
            },
            Some(profile),
        ),
        Err(err) => (
            Check {
                at,
                outcome: outcome_of(&err, at),
            },
            None,
        ),
    }
}

/// The verdict an error gives on the token (used for refreshes too).
pub fn outcome_of(err: &ApiError, now: OffsetDateTime) -> CheckOutcome {
    let message = crate::sanitize::line(&err.message).into_owned();
    match err.kind {
        ErrorKind::NeedsReauth => CheckOutcome::Revoked {
            reason: err
                .revocation()
                .map_or("invalid", |r| r.as_str())
                .to_string(),
            message,
        },
        ErrorKind::AppRestricted => CheckOutcome::AppRestricted { message },
        ErrorKind::RetiredApi | ErrorKind::UnsupportedRequest => {
            CheckOutcome::RetiredApi { message }
        }
        ErrorKind::RateLimited => {
            let wait = err
                .rate_limit_wait()
                .and_then(|d| time::Duration::try_from(d).ok())
                .unwrap_or(time::Duration::minutes(5));
            CheckOutcome::RateLimited {
                until: now.saturating_add(wait),
            }
        }
        _ => CheckOutcome::Failed {
            message: err.to_string(),
        },
    }
}
