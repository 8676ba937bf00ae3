//! What an account is now, in one value every surface reads: from its stored token, its last refresh and its last live check.

use super::{AccountWatch, CheckOutcome};
use crate::instagram::Revocation;
use crate::lifetime::{EXPIRING_WITHIN, REFRESH_MIN_AGE, RefreshPolicy};
use crate::store::{Account, TokenKind};
use time::OffsetDateTime;

/// An account's condition. The order of the checks in [`condition`] is the
/// order of precedence: what stops the token working wins over what only
/// needs a refresh.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Condition {
    Healthy,
    /// The refresh policy wants a refresh now.
    RefreshDue,
    /// Under Instagram's 24 hours: a refresh is accepted from then.
    RefreshableFrom(OffsetDateTime),
    /// Under 7 days left and still not refreshed (nothing is refreshing it,
    /// or its refreshes fail): it dies at `expires_at` without the user.
    ExpiringSoon {
        expires_at: OffsetDateTime,
    },
    Expired {
        at: OffsetDateTime,
    },
    /// Instagram refused the token before its time (code 190).
    Revoked {
        reason: Revocation,
        message: String,
    },
    /// A short-lived token: only an exchange within the hour or a new
    /// authorize gives a token that lasts.
    ShortLived {
        expires_at: OffsetDateTime,
    },
    /// Meta switched the app's API access off (Data Use Checkup, inactivity).
    AppRestricted {
        message: String,
    },
    RateLimited {
        until: OffsetDateTime,
    },
    /// The token belongs to the retired Basic Display API.
    RetiredApi {
        message: String,
    },
    /// This machine's clock says the token expired at `expires_at`, yet
    /// Instagram took it at `accepted_at` (by the same clock): the clock
    /// is off, not the token.
    ClockOff {
        expires_at: OffsetDateTime,
        accepted_at: OffsetDateTime,
    },
    /// The last live check could not reach Instagram (or it answered
    /// nonsense): the last good check was at `since` (`None`: never).
    NotChecked {
        since: Option<OffsetDateTime>,
        message: String,
    },
}

/// How much a condition needs the user, for "worse" and "recovered".
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    /// Fine, or fine once time passes.
    Fine,
    /// Trouble that may pass on its own (a rate limit, Instagram down).
    Passing,
    /// It dies unless someone acts soon.
    Warning,
    /// It no longer works: only the user can fix it.
    Broken,
}

impl Condition {
    /// One word (snake case) for JSON, the state file and tests.
    pub fn key(&self) -> &'static str {
        match self {
            Condition::Healthy => "healthy",
            Condition::RefreshDue => "refresh_due",
            Condition::RefreshableFrom(_) => "refreshable_later",
            Condition::ExpiringSoon { .. } => "expiring_soon",
            Condition::Expired { .. } => "expired",
            Condition::Revoked { .. } => "revoked",
            Condition::ShortLived { .. } => "short_lived",
            Condition::AppRestricted { .. } => "app_restricted",
            Condition::RateLimited { .. } => "rate_limited",
            Condition::RetiredApi { .. } => "retired_api",
            Condition::NotChecked { .. } => "not_checked",
            Condition::ClockOff { .. } => "clock_off",
        }
    }

    pub fn severity(&self) -> Severity {
        match self {
            Condition::Healthy | Condition::RefreshDue | Condition::RefreshableFrom(_) => {
                Severity::Fine
            }
            Condition::RateLimited { .. } | Condition::NotChecked { .. } => Severity::Passing,
            Condition::ExpiringSoon { .. } | Condition::ClockOff { .. } => Severity::Warning,
            Condition::Expired { .. }
            | Condition::Revoked { .. }
            | Condition::ShortLived { .. }
            | Condition::AppRestricted { .. }
            | Condition::RetiredApi { .. } => Severity::Broken,
        }
    }

    /// Only a new authorize (logging in as the account) helps: exit 3.
    pub fn needs_authorize(&self) -> bool {
        matches!(
            self,
            Condition::Expired { .. } | Condition::Revoked { .. } | Condition::ShortLived { .. }
        )
    }

    /// Whether the user must act (shown first, counted in the header).
    pub fn needs_user(&self) -> bool {
        self.severity() >= Severity::Warning
    }

    /// Whether the token still works: a dead one shows no countdown and is
    /// neither refreshed nor used.
    pub fn token_works(&self) -> bool {
        !matches!(
            self,
            Condition::Expired { .. }
                | Condition::Revoked { .. }
                | Condition::AppRestricted { .. }
                | Condition::RetiredApi { .. }
        )
    }

    /// A word or two for a list: what needs the user in capitals (it must
    /// stand out without colour), the rest in lower case.
    pub fn word(&self) -> &'static str {
        match self {
            Condition::Healthy => "healthy",
            Condition::RefreshDue => "refresh due",
            Condition::RefreshableFrom(_) => "refreshable tomorrow",
            Condition::ExpiringSoon { .. } => "EXPIRING SOON",
            Condition::Expired { .. } => "EXPIRED",
            Condition::Revoked { .. } => "REVOKED",
            Condition::ShortLived { .. } => "NEEDS A NEW AUTHORIZE",
            Condition::AppRestricted { .. } => "APP SWITCHED OFF",
            Condition::RateLimited { .. } => "rate limited",
            Condition::RetiredApi { .. } => "RETIRED API",
            Condition::NotChecked { .. } => "not checked",
            Condition::ClockOff { .. } => "CLOCK OFF",
        }
    }

    /// A short phrase: `healthy`, `revoked: the password was changed`.
    pub fn summary(&self) -> String {
        let at = crate::localtime::format_local;
        match self {
            Condition::Healthy => "healthy".into(),
            Condition::RefreshDue => "refresh due".into(),
            Condition::RefreshableFrom(t) => format!("refreshable from {}", at(*t)),
            Condition::ExpiringSoon { expires_at } => {
                format!("expires {} and nothing has refreshed it", at(*expires_at))
            }
            Condition::Expired { at: t } => format!("expired {}", at(*t)),
            Condition::Revoked { reason, .. } => format!("revoked: {}", reason.reason()),
            Condition::ShortLived { expires_at } => format!(
                "short-lived token (expires {}): needs a new authorize",
                at(*expires_at)
            ),
            Condition::AppRestricted { .. } => {
                "the app is switched off by Meta (Data Use Checkup or inactivity)".into()
            }
            Condition::RateLimited { until } => format!("rate limited until {}", at(*until)),
            Condition::RetiredApi { .. } => "a token of the retired Basic Display API".into(),
            Condition::NotChecked { since: Some(t), .. } => {
                format!("could not check (last good check {})", at(*t))
            }
            Condition::NotChecked { since: None, .. } => "could not check".into(),
            Condition::ClockOff {
                expires_at,
                accepted_at,
            } => format!(
                "this machine's clock is off: it says the token expired {}, yet Instagram took it {}",
                at(*expires_at),
                at(*accepted_at)
            ),
        }
    }

    /// Instagram's own words, when the condition came from an answer.
    pub fn message(&self) -> Option<&str> {
        match self {
            Condition::Revoked { message, .. }
            | Condition::AppRestricted { message }
            | Condition::RetiredApi { message }
            | Condition::NotChecked { message, .. } => Some(message),
            _ => None,
        }
    }

    /// The one command line (or page) that fixes it, for `name` (a
    /// username or user id) under app `app_id`; `None` when nothing is to do.
    pub fn fix(&self, name: &str, app_id: Option<&str>) -> Option<String> {
        match self {
            Condition::Healthy | Condition::RefreshableFrom(_) => None,
            Condition::RefreshDue | Condition::ExpiringSoon { .. } => {
                Some(format!("instatui refresh --account {name}"))
            }
            Condition::Expired { .. } | Condition::Revoked { .. } | Condition::ShortLived { .. } => {
                Some(format!("instatui authorize --account {name} --open"))
            }
            Condition::AppRestricted { .. } => Some(match app_id {
                Some(id) => format!("open https://developers.facebook.com/apps/{id}/dashboard/"),
                None => "open https://developers.facebook.com/apps/".into(),
            }),
            Condition::RetiredApi { .. } => Some(
                "instatui setup --flavor instagram-login --app-id … --redirect-uri …, then instatui authorize --open"
                    .into(),
            ),
            Condition::RateLimited { .. } | Condition::NotChecked { .. } => {
                Some(format!("instatui status --account {name}"))
            }
            Condition::ClockOff { .. } => {
                Some("set this machine's clock right (timedatectl set-ntp true), then instatui doctor".into())
            }
        }
    }
}

/// `account`'s condition at `now`, from its token, its last refresh and
/// `watch`, what instatui last learnt of it live. A check or a refreshing
/// failure older than the token (a new authorize since) no longer counts.
pub fn condition(
    account: &Account,
    watch: Option<&AccountWatch>,
    now: OffsetDateTime,
) -> Condition {
    let t = &account.token;
    let check = watch
        .and_then(|w| w.check.as_ref())
        .filter(|c| c.at >= t.obtained_at);
    if t.expires_at <= now {
        // Instagram took it after its expiry by this clock: the clock is
        // wrong (a token is never accepted after it died).
        return match check {
            Some(c) if c.outcome == CheckOutcome::Ok && c.at >= t.expires_at => {
                Condition::ClockOff {
                    expires_at: t.expires_at,
                    accepted_at: c.at,
                }
            }
            _ => Condition::Expired { at: t.expires_at },
        };
    }
    // What the last check leaves open: trouble that may pass (Instagram
    // down, a rate limit) says nothing about the token, so what the clock
    // knows for sure and needs the user (a short-lived or expiring token)
    // still wins over it.
    let mut passing = None;
    if let Some(check) = check {
        match &check.outcome {
            CheckOutcome::Ok => {}
            CheckOutcome::Revoked { reason, message } => {
                return Condition::Revoked {
                    reason: Revocation::parse(reason),
                    message: message.clone(),
                };
            }
            CheckOutcome::AppRestricted { message } => {
                return Condition::AppRestricted {
                    message: message.clone(),
                };
            }
            CheckOutcome::RetiredApi { message } => {
                return Condition::RetiredApi {
                    message: message.clone(),
                };
            }
            CheckOutcome::RateLimited { until } if *until > now => {
                passing = Some(Condition::RateLimited { until: *until });
            }
            CheckOutcome::RateLimited { .. } => {}
            CheckOutcome::Failed { message } => {
                passing = Some(Condition::NotChecked {
                    since: watch
                        .and_then(|w| w.last_ok)
                        .filter(|at| *at >= t.obtained_at),
                    message: message.clone(),
                });
            }
        }
    }
    let by_clock = by_clock(account, now);
    match passing {
        Some(p) if by_clock.severity() < Severity::Warning => p,
        _ => by_clock,
    }
}

/// What the clock alone says of a live token.
fn by_clock(account: &Account, now: OffsetDateTime) -> Condition {
    let t = &account.token;
    if t.kind == TokenKind::Short {
        return Condition::ShortLived {
            expires_at: t.expires_at,
        };
    }
    if t.expires_at - now < EXPIRING_WITHIN {
        return Condition::ExpiringSoon {
            expires_at: t.expires_at,
        };
    }
    if now < t.obtained_at.saturating_add(REFRESH_MIN_AGE) {
        return Condition::RefreshableFrom(t.obtained_at.saturating_add(REFRESH_MIN_AGE));
    }
    if RefreshPolicy::DEFAULT.due(t, now) {
        return Condition::RefreshDue;
    }
    Condition::Healthy
}

#[cfg(test)]
mod tests {
    use super::super::Check;
    use super::*;
    use crate::secret::Secret;
    use crate::store::StoredToken;
    use time::Duration;
    use time::macros::datetime;

    fn account(obtained: OffsetDateTime) -> Account {
        Account {
            app_id: Some("1".into()),
            token: StoredToken {
                kind: TokenKind::Long,
                value: Secret::new("IGAAlonglonglonglonglong"),
                user_id: "17".into(),
                permissions: vec![],
                obtained_at: obtained,
                expires_at: obtained + Duration::days(60),
            },
            profile: None,
            last_refresh: None,
            rate_usage: None,
        }
    }

    fn checked(at: OffsetDateTime, outcome: CheckOutcome) -> AccountWatch {
        AccountWatch {
            check: Some(Check { at, outcome }),
            last_ok: None,
            ..AccountWatch::default()
        }
    }

    #[test]
    fn the_clock_alone_moves_a_token_from_young_to_due_to_expiring_to_expired() {
        let t0 = datetime!(2026-01-01 0:00 UTC);
        let a = account(t0);
        let at = |d: i64| condition(&a, None, t0 + Duration::days(d));
        assert_eq!(at(0), Condition::RefreshableFrom(t0 + Duration::days(1)));
        assert_eq!(at(2), Condition::Healthy);
        assert_eq!(at(3), Condition::RefreshDue);
        assert_eq!(
            at(54),
            Condition::ExpiringSoon {
                expires_at: t0 + Duration::days(60)
            }
        );
        assert!(at(54).needs_user() && !at(54).needs_authorize());
        assert_eq!(
            at(61),
            Condition::Expired {
                at: t0 + Duration::days(60)
            }
        );
        assert!(at(61).needs_authorize() && !at(61).token_works());
    }

    #[test]
    fn a_revoked_check_counts_until_a_new_token_comes() {
        let t0 = datetime!(2026-01-01 0:00 UTC);
        let a = account(t0);
        let w = checked(
            t0 + Duration::days(5),
            CheckOutcome::Revoked {
                reason: "password_changed".into(),
                message: "changed their password".into(),
            },
        );
        let now = t0 + Duration::days(6);
        let c = condition(&a, Some(&w), now);
        assert!(c.needs_authorize(), "{c:?}");
        assert_eq!(
            c.summary(),
            "revoked: the password was changed (or Instagram reset the session for security)"
        );
        assert_eq!(
            c.fix("shop", Some("1")).as_deref(),
            Some("instatui authorize --account shop --open")
        );
        // Authorized again after the check: the old verdict is void.
        let again = account(t0 + Duration::days(7));
        assert_eq!(
            condition(&again, Some(&w), t0 + Duration::days(7)),
            Condition::RefreshableFrom(t0 + Duration::days(8))
        );
    }

    #[test]
    fn instagram_down_is_could_not_check_never_revoked() {
        let t0 = datetime!(2026-01-01 0:00 UTC);
        let a = account(t0);
        let mut w = checked(
            t0 + Duration::days(2),
            CheckOutcome::Failed {
                message: "could not connect".into(),
            },
        );
        w.last_ok = Some(t0 + Duration::days(1));
        let c = condition(&a, Some(&w), t0 + Duration::days(2));
        assert_eq!(c.key(), "not_checked");
        assert!(!c.needs_authorize() && !c.needs_user() && c.token_works());
        let limited = checked(
            t0 + Duration::days(2),
            CheckOutcome::RateLimited {
                until: t0 + Duration::days(2) + Duration::minutes(5),
            },
        );
        assert_eq!(
            condition(&a, Some(&limited), t0 + Duration::days(2)).key(),
            "rate_limited"
        );
        // Once the wait is over it is what the clock says.
        assert_eq!(
            condition(
                &a,
                Some(&limited),
                t0 + Duration::days(2) + Duration::hours(1)
            ),
            Condition::Healthy
        );
    }

    #[test]
    fn instagram_down_does_not_hide_a_token_that_is_running_out() {
        let t0 = datetime!(2026-01-01 0:00 UTC);
        let a = account(t0);
        let now = t0 + Duration::days(55);
        let down = checked(
            now,
            CheckOutcome::Failed {
                message: "could not connect".into(),
            },
        );
        assert_eq!(
            condition(&a, Some(&down), now),
            Condition::ExpiringSoon {
                expires_at: t0 + Duration::days(60)
            }
        );
        let limited = checked(
            now,
            CheckOutcome::RateLimited {
                until: now + Duration::minutes(5),
            },
        );
        assert_eq!(condition(&a, Some(&limited), now).key(), "expiring_soon");
    }

    #[test]
    fn instagram_taking_a_token_the_clock_calls_dead_means_the_clock_is_off() {
        let t0 = datetime!(2026-01-01 0:00 UTC);
        let a = account(t0);
        let later = t0 + Duration::days(400);
        let ok = checked(later, CheckOutcome::Ok);
        let c = condition(&a, Some(&ok), later);
        assert_eq!(c.key(), "clock_off");
        assert!(c.needs_user() && !c.needs_authorize() && c.token_works());
        // Without a check after the expiry, it is what the clock says.
        let before = checked(t0 + Duration::days(2), CheckOutcome::Ok);
        assert_eq!(condition(&a, Some(&before), later).key(), "expired");
    }

    #[test]
    fn meta_switching_the_app_off_points_at_the_dashboard() {
        let t0 = datetime!(2026-01-01 0:00 UTC);
        let a = account(t0);
        let w = checked(
            t0 + Duration::days(2),
            CheckOutcome::AppRestricted {
                message: "API access deactivated".into(),
            },
        );
        let c = condition(&a, Some(&w), t0 + Duration::days(2));
        assert!(c.needs_user() && !c.needs_authorize() && !c.token_works());
        assert_eq!(
            c.fix("shop", Some("42")).as_deref(),
            Some("open https://developers.facebook.com/apps/42/dashboard/")
        );
    }
}
