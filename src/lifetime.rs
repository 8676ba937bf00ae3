//! What a stored token means right now (its lifetime): status, time left, when it may be refreshed.

use crate::instagram::{LongToken, ShortToken};
use crate::store::{StoredToken, TokenKind};
use time::{Duration, OffsetDateTime};

/// No token lives longer than this, whatever a server says (ten years).
const MAX_LIFETIME_SECS: i64 = 10 * 365 * 86_400;

/// Short-lived tokens live one hour.
pub(crate) const SHORT_LIFETIME: Duration = Duration::hours(1);
/// A long-lived token lives 60 days from its issue (or its last refresh).
pub(crate) const LONG_LIFETIME: Duration = Duration::days(60);
/// Instagram refuses to refresh a token younger than this.
pub(crate) const REFRESH_MIN_AGE: Duration = Duration::hours(24);
/// Below this much time left a token counts as expiring.
pub(crate) const EXPIRING_WITHIN: Duration = Duration::days(7);
/// The refresh policy: a long-lived token is refreshed once it is this old
/// (and over a day old, Instagram's minimum). Early, so that someone who
/// opens instatui every few weeks never finds a token that lapsed: a lapsed
/// token cannot be refreshed, only authorized again.
pub(crate) const REFRESH_AFTER: Duration = Duration::days(3);

/// The refresh policy, the one place that says when a long-lived token is
/// refreshed: the TUI's auto-refresh and its Token screen row, an
/// account's "refresh due" condition, `refresh --if-older-than …
/// --if-expiring-within …` and `keep-alive run --within …` all ask it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RefreshPolicy {
    /// Due once the token is this old (never under Instagram's 24 hours).
    pub older_than: Option<Duration>,
    /// Due once less than this is left, whatever its age.
    pub expiring_within: Option<Duration>,
}

impl RefreshPolicy {
    /// The policy of the TUI and of an account's condition: over
    /// `REFRESH_AFTER` old, or under `EXPIRING_WITHIN` left.
    pub const DEFAULT: RefreshPolicy = RefreshPolicy {
        older_than: Some(REFRESH_AFTER),
        expiring_within: Some(EXPIRING_WITHIN),
    };

    /// `refresh` without `--if-…`: due whenever Instagram would take it.
    pub const ALWAYS: RefreshPolicy = RefreshPolicy {
        older_than: None,
        expiring_within: None,
    };

    /// The scheduled run's (`keep-alive run --within W`): the default's
    /// age, and in any case within `W` of expiry.
    pub fn scheduled(within: Duration) -> RefreshPolicy {
        RefreshPolicy {
            older_than: Some(REFRESH_AFTER),
            expiring_within: Some(within),
        }
    }

    /// When the policy asks for a refresh, Instagram's 24 hours aside: the
    /// earlier of its two conditions (the token's birth for `ALWAYS`).
    fn wanted_from(&self, token: &StoredToken) -> OffsetDateTime {
        let by_age = self
            .older_than
            .map(|d| token.obtained_at.saturating_add(d.max(REFRESH_MIN_AGE)));
        let by_expiry = self
            .expiring_within
            .map(|d| token.expires_at.saturating_sub(d));
        match (by_age, by_expiry) {
            (Some(a), Some(b)) => a.min(b),
            (Some(a), None) => a,
            (None, Some(b)) => b,
            (None, None) => token.obtained_at,
        }
    }

    /// When the policy refreshes this token (never before Instagram's 24
    /// hours). `None` for a short-lived token and for one that dies before
    /// it could be refreshed.
    pub fn next_refresh_at(&self, token: &StoredToken) -> Option<OffsetDateTime> {
        if token.kind != TokenKind::Long {
            return None;
        }
        let earliest = token.obtained_at.saturating_add(REFRESH_MIN_AGE);
        let at = self.wanted_from(token).max(earliest);
        (at < token.expires_at).then_some(at)
    }

    /// Whether the policy wants a refresh now (and Instagram would take it).
    pub fn due(&self, token: &StoredToken, now: OffsetDateTime) -> bool {
        token.expires_at > now && self.next_refresh_at(token).is_some_and(|at| now >= at)
    }

    /// Why the policy lets this token wait (without "not due"), or `None`
    /// when it asks for a refresh now: what `refresh --if-…` prints. An
    /// expired, short-lived or young token is not its business: what blocks
    /// a refresh says why (`refresh_blocker`).
    pub fn not_due(&self, token: &StoredToken, now: OffsetDateTime) -> Option<String> {
        if *self == RefreshPolicy::ALWAYS || token.expires_at <= now {
            return None;
        }
        if now >= self.wanted_from(token) {
            return None;
        }
        let mut why = Vec::new();
        if let Some(d) = self.older_than {
            why.push(format!(
                "it is {} old, not yet {}",
                format_remaining(now - token.obtained_at),
                format_remaining(d.max(REFRESH_MIN_AGE))
            ));
        }
        if let Some(within) = self.expiring_within {
            why.push(format!(
                "it expires {} ({}), more than {} away",
                crate::localtime::format_local(token.expires_at),
                countdown(token, now),
                format_remaining(within)
            ));
        }
        Some(why.join("; "))
    }

    /// The same policy as `refresh`'s options, for a scheduler of one's
    /// own: `--if-older-than 3d --if-expiring-within 7d`.
    pub fn refresh_args(&self) -> Vec<String> {
        let mut args = Vec::new();
        if let Some(d) = self.older_than {
            args.extend(["--if-older-than".to_string(), duration_arg(d)]);
        }
        if let Some(d) = self.expiring_within {
            args.extend(["--if-expiring-within".to_string(), duration_arg(d)]);
        }
        args
    }
}

/// A duration as `parse_duration` reads it back: `3d`, `36h`, `90m`, `45s`.
pub fn duration_arg(d: Duration) -> String {
    let secs = d.whole_seconds();
    if secs % 86_400 == 0 {
        format!("{}d", secs / 86_400)
    } else if secs % 3600 == 0 {
        format!("{}h", secs / 3600)
    } else if secs % 60 == 0 {
        format!("{}m", secs / 60)
    } else {
        format!("{secs}s")
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum TokenStatus {
    None,
    Valid,
    Expiring,
    Expired,
}

impl TokenStatus {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            TokenStatus::None => "none",
            TokenStatus::Valid => "valid",
            TokenStatus::Expiring => "expiring",
            TokenStatus::Expired => "expired",
        }
    }
}

pub(crate) fn status(token: Option<&StoredToken>, now: OffsetDateTime) -> TokenStatus {
    match token {
        None => TokenStatus::None,
        Some(t) if t.expires_at <= now => TokenStatus::Expired,
        Some(t) if t.expires_at - now < EXPIRING_WITHIN => TokenStatus::Expiring,
        Some(_) => TokenStatus::Valid,
    }
}

/// The earliest moment Instagram accepts a refresh of this token.
pub(crate) fn refreshable_from(token: &StoredToken) -> Option<OffsetDateTime> {
    match token.kind {
        TokenKind::Long => Some(token.obtained_at.saturating_add(REFRESH_MIN_AGE)),
        TokenKind::Short => None,
    }
}

/// Why a refresh would be refused, checked before calling the server. The
/// CLI's exit code and hints branch on the variant, never on the words.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum RefreshBlocker {
    /// No token is stored.
    NoToken,
    /// The token has expired: only a new authorization helps.
    Expired,
    /// A live short-lived token, this long before it expires: it is
    /// exchanged (upgraded), not refreshed.
    ShortLived { left: Duration },
    /// Instagram's 24-hour rule: a refresh is accepted in this long.
    TooYoung { wait: Duration },
}

impl RefreshBlocker {
    /// Whether only a new authorization (or, for a short-lived token, an
    /// exchange) gets a refreshable token; not just a matter of waiting.
    pub(crate) fn needs_authorization(self) -> bool {
        !matches!(self, RefreshBlocker::TooYoung { .. })
    }
}

impl std::fmt::Display for RefreshBlocker {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            RefreshBlocker::NoToken => f.write_str("there is no token yet: authorize first"),
            RefreshBlocker::Expired => {
                f.write_str("the token has expired and cannot be refreshed: authorize again")
            }
            RefreshBlocker::ShortLived { .. } => f.write_str(
                "a short-lived token cannot be refreshed: exchange it for a long-lived one by authorizing again",
            ),
            RefreshBlocker::TooYoung { wait } => write!(
                f,
                "Instagram refreshes a token only once it is 24 hours old: try again in {}",
                format_remaining(*wait)
            ),
        }
    }
}

/// Why a refresh would be refused right now, if it would.
pub(crate) fn refresh_blocker(
    token: Option<&StoredToken>,
    now: OffsetDateTime,
) -> Option<RefreshBlocker> {
    let Some(token) = token else {
        return Some(RefreshBlocker::NoToken);
    };
    if token.expires_at <= now {
        return Some(RefreshBlocker::Expired);
    }
    if token.kind == TokenKind::Short {
        return Some(RefreshBlocker::ShortLived {
            left: token.expires_at - now,
        });
    }
    let from = token.obtained_at.saturating_add(REFRESH_MIN_AGE);
    if now < from {
        return Some(RefreshBlocker::TooYoung { wait: from - now });
    }
    None
}

/// A fresh short-lived token from the code exchange.
pub(crate) fn from_short(short: &ShortToken, now: OffsetDateTime) -> StoredToken {
    StoredToken {
        kind: TokenKind::Short,
        value: short.access_token.clone(),
        user_id: short.user_id.clone(),
        permissions: short.permissions.clone(),
        obtained_at: now,
        expires_at: now.saturating_add(SHORT_LIFETIME),
    }
}

/// A long-lived token (exchange or refresh) replacing `previous`, whose user
/// and permissions it inherits.
pub(crate) fn from_long(
    long: &LongToken,
    previous: &StoredToken,
    now: OffsetDateTime,
) -> StoredToken {
    StoredToken {
        kind: TokenKind::Long,
        value: long.access_token.clone(),
        user_id: previous.user_id.clone(),
        permissions: previous.permissions.clone(),
        obtained_at: now,
        // Clamped: a wild `expires_in` from a server must not overflow the date.
        expires_at: now.saturating_add(Duration::seconds(
            long.expires_in.clamp(0, MAX_LIFETIME_SECS),
        )),
    }
}

/// `3 days`, `24 hours`, `1 hour`: one of the policy's numbers as a
/// sentence says it, for the help texts and messages that name them.
pub(crate) fn in_words(d: Duration) -> String {
    let (n, unit) = if d.whole_hours() % 24 == 0 && d.whole_days() > 1 {
        (d.whole_days(), "day")
    } else if d.whole_minutes() % 60 == 0 {
        (d.whole_hours(), "hour")
    } else {
        (d.whole_minutes(), "minute")
    };
    if n == 1 {
        format!("1 {unit}")
    } else {
        format!("{n} {unit}s")
    }
}

/// `59d 23h`, `5h 02m`, `4m 09s`: two units, the larger first.
pub fn format_remaining(d: Duration) -> String {
    let secs = d.whole_seconds().max(0);
    let (days, hours, mins, s) = (secs / 86_400, secs / 3600 % 24, secs / 60 % 60, secs % 60);
    if days > 0 {
        format!("{days}d {hours}h")
    } else if hours > 0 {
        format!("{hours}h {mins:02}m")
    } else {
        format!("{mins}m {s:02}s")
    }
}

/// How far a token is from its expiry, as data: callers that need the
/// parts match on it, and the words are written only by `Display`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Countdown {
    /// Still valid for this long.
    Left(Duration),
    /// Expired this long ago.
    Expired(Duration),
}

impl std::fmt::Display for Countdown {
    /// `59d 23h left`, or `expired 3h 10m ago`.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Countdown::Left(d) => write!(f, "{} left", format_remaining(*d)),
            Countdown::Expired(d) => write!(f, "expired {} ago", format_remaining(*d)),
        }
    }
}

/// Time left on the token at `now`, or how long ago it expired.
pub(crate) fn countdown(token: &StoredToken, now: OffsetDateTime) -> Countdown {
    if token.expires_at > now {
        Countdown::Left(token.expires_at - now)
    } else {
        Countdown::Expired(now - token.expires_at)
    }
}

/// Parses `7d`, `36h`, `90m`, `45s`, `1d12h` and a bare number of seconds,
/// up to a hundred years.
pub(crate) fn parse_duration(text: &str) -> Result<Duration, String> {
    const LIMIT_SECS: i64 = 100 * 365 * 86_400;
    let text = text.trim();
    let bad = || format!("'{text}' is not a duration: write it like 7d, 36h, 90m or 1d12h");
    let too_long = || format!("'{text}' is longer than a hundred years");
    if text.is_empty() {
        return Err(bad());
    }
    let within = |secs: i64| {
        if secs.abs() > LIMIT_SECS {
            Err(too_long())
        } else {
            Ok(Duration::seconds(secs))
        }
    };
    if let Ok(secs) = text.parse::<i64>() {
        return within(secs);
    }
    let mut total: i64 = 0;
    let mut number = String::new();
    for c in text.chars() {
        if c.is_ascii_digit() {
            number.push(c);
            continue;
        }
        let n: i64 = number.parse().map_err(|_| bad())?;
        number.clear();
        let unit: i64 = match c.to_ascii_lowercase() {
            'w' => 7 * 86_400,
            'd' => 86_400,
            'h' => 3600,
            'm' => 60,
            's' => 1,
            _ => return Err(bad()),
        };
        total = n
            .checked_mul(unit)
            .and_then(|secs| total.checked_add(secs))
            .ok_or_else(too_long)?;
    }
    if !number.is_empty() {
        return Err(bad());
    }
    within(total)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::secret::Secret;
    use time::macros::datetime;

    fn long_token(obtained: OffsetDateTime) -> StoredToken {
        StoredToken {
            kind: TokenKind::Long,
            value: Secret::new("IGAAlonglonglonglonglong"),
            user_id: "1".into(),
            permissions: vec![],
            obtained_at: obtained,
            expires_at: obtained + Duration::days(60),
        }
    }

    #[test]
    fn status_follows_the_clock() {
        let t0 = datetime!(2026-01-01 0:00 UTC);
        let t = long_token(t0);
        assert_eq!(status(None, t0), TokenStatus::None);
        assert_eq!(status(Some(&t), t0), TokenStatus::Valid);
        assert_eq!(
            status(Some(&t), t0 + Duration::days(54)),
            TokenStatus::Expiring
        );
        assert_eq!(
            status(Some(&t), t0 + Duration::days(60)),
            TokenStatus::Expired
        );
    }

    #[test]
    fn refresh_is_blocked_for_young_short_and_expired_tokens() {
        let t0 = datetime!(2026-01-01 0:00 UTC);
        let t = long_token(t0);
        let young = refresh_blocker(Some(&t), t0 + Duration::hours(1))
            .expect("blocked")
            .to_string();
        assert!(young.contains("23h 00m"), "{young}");
        assert_eq!(refresh_blocker(Some(&t), t0 + Duration::hours(24)), None);
        assert!(refresh_blocker(Some(&t), t0 + Duration::days(61)).is_some());
        let short = StoredToken {
            kind: TokenKind::Short,
            ..t.clone()
        };
        assert!(refresh_blocker(Some(&short), t0 + Duration::days(2)).is_some());
        assert!(refresh_blocker(None, t0).is_some());
    }

    #[test]
    fn only_the_24_hour_rule_is_a_matter_of_waiting() {
        let t0 = datetime!(2026-01-01 0:00 UTC);
        let t = long_token(t0);
        let short = StoredToken {
            kind: TokenKind::Short,
            expires_at: t0 + SHORT_LIFETIME,
            ..t.clone()
        };
        let blocker = |t: Option<&StoredToken>, at| refresh_blocker(t, at).expect("blocked");
        assert!(!blocker(Some(&t), t0 + Duration::hours(1)).needs_authorization());
        assert!(blocker(Some(&t), t0 + Duration::days(61)).needs_authorization());
        assert_eq!(
            blocker(Some(&short), t0),
            RefreshBlocker::ShortLived {
                left: SHORT_LIFETIME
            }
        );
        assert!(blocker(Some(&short), t0).needs_authorization());
        assert!(blocker(None, t0).needs_authorization());
    }

    #[test]
    fn the_policy_refreshes_once_older_than_the_threshold_and_never_before_a_day() {
        let t0 = datetime!(2026-01-01 0:00 UTC);
        let t = long_token(t0);
        assert_eq!(
            RefreshPolicy::DEFAULT.next_refresh_at(&t),
            Some(t0 + Duration::days(3))
        );
        assert!(!RefreshPolicy::DEFAULT.due(&t, t0 + Duration::hours(71)));
        assert!(RefreshPolicy::DEFAULT.due(&t, t0 + Duration::days(3)));
        // Day 40, the occasional user: refreshed at once, not lapsed at 60.
        assert!(RefreshPolicy::DEFAULT.due(&t, t0 + Duration::days(40)));
        assert!(!RefreshPolicy::DEFAULT.due(&t, t0 + Duration::days(60)));
        let policy = |older: i64, within: i64| RefreshPolicy {
            older_than: Some(Duration::hours(older)),
            expiring_within: Some(Duration::days(within)),
        };
        // Never under Instagram's 24 hours, whatever the threshold.
        assert_eq!(
            policy(2, 7).next_refresh_at(&t),
            Some(t0 + Duration::hours(24))
        );
        // A long threshold still refreshes in the last week.
        assert_eq!(
            policy(58 * 24, 7).next_refresh_at(&t),
            Some(t0 + Duration::days(53))
        );
        let short = StoredToken {
            kind: TokenKind::Short,
            ..t.clone()
        };
        assert_eq!(RefreshPolicy::DEFAULT.next_refresh_at(&short), None);
        // A token that dies within a day cannot be refreshed at all.
        let brief = StoredToken {
            expires_at: t0 + Duration::hours(20),
            ..t
        };
        assert_eq!(RefreshPolicy::DEFAULT.next_refresh_at(&brief), None);
    }

    #[test]
    fn what_the_policy_waits_for_is_what_refresh_if_says_and_reads_back_as_its_options() {
        let t0 = datetime!(2026-01-01 0:00 UTC);
        let t = long_token(t0);
        let p = RefreshPolicy::DEFAULT;
        assert_eq!(
            p.refresh_args(),
            ["--if-older-than", "3d", "--if-expiring-within", "7d"]
        );
        assert_eq!(
            RefreshPolicy::scheduled(Duration::days(10)).refresh_args()[3],
            "10d"
        );
        for arg in ["3d", "36h", "90m", "45s"] {
            let d = parse_duration(arg).expect("parses");
            assert_eq!(duration_arg(d), arg);
        }
        // Every hour of the token's life: `refresh --if-…` is due exactly
        // when the TUI's policy is (Instagram's 24 hours and death aside,
        // which the blocker reports).
        for h in 0..(61 * 24) {
            let now = t0 + Duration::hours(h);
            let blocked = refresh_blocker(Some(&t), now).is_some();
            assert_eq!(
                p.not_due(&t, now).is_none() && !blocked,
                p.due(&t, now),
                "hour {h}"
            );
        }
        let why = p.not_due(&t, t0 + Duration::days(2)).expect("not due");
        assert!(why.starts_with("it is 2d 0h old, not yet 3d 0h"), "{why}");
        assert_eq!(RefreshPolicy::ALWAYS.not_due(&t, t0), None);
        assert_eq!(
            RefreshPolicy::ALWAYS.next_refresh_at(&t),
            Some(t0 + REFRESH_MIN_AGE)
        );
    }

    #[test]
    fn countdown_reads_naturally() {
        assert_eq!(
            format_remaining(Duration::days(60) - Duration::seconds(1)),
            "59d 23h"
        );
        assert_eq!(format_remaining(Duration::minutes(302)), "5h 02m");
        assert_eq!(format_remaining(Duration::seconds(249)), "4m 09s");
        let t0 = datetime!(2026-01-01 0:00 UTC);
        let t = long_token(t0);
        assert_eq!(
            countdown(&t, t0 + Duration::days(61)).to_string(),
            "expired 1d 0h ago"
        );
    }

    #[test]
    fn durations_parse() {
        assert_eq!(parse_duration("7d"), Ok(Duration::days(7)));
        assert_eq!(parse_duration("36h"), Ok(Duration::hours(36)));
        assert_eq!(parse_duration("1d12h"), Ok(Duration::hours(36)));
        assert_eq!(parse_duration("3600"), Ok(Duration::hours(1)));
        assert!(parse_duration("soon").is_err());
        assert!(parse_duration("7").is_ok());
        assert!(parse_duration("7x").is_err());
        assert!(parse_duration("d").is_err());
        assert!(parse_duration("99999999999999w").is_err());
        assert!(parse_duration("100000000d").is_err());
        assert!(parse_duration("99999999999999999999").is_err());
    }

    #[test]
    fn the_policy_numbers_read_as_a_sentence_says_them() {
        assert_eq!(in_words(REFRESH_AFTER), "3 days");
        assert_eq!(in_words(REFRESH_MIN_AGE), "24 hours");
        assert_eq!(in_words(LONG_LIFETIME), "60 days");
        assert_eq!(in_words(SHORT_LIFETIME), "1 hour");
        assert_eq!(in_words(Duration::minutes(90)), "90 minutes");
    }
}
