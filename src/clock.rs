//! The current time, with an optional skew for trying instatui against a fake whose clock was moved.

use time::OffsetDateTime;

/// `INSTATUI_CLOCK_SKEW=25h` makes instatui live 25 hours ahead (`-2d` behind):
/// handy when a test server's clock was advanced, useless otherwise.
pub(crate) const SKEW_ENV: &str = "INSTATUI_CLOCK_SKEW";

/// Now, to the second (sub-second digits only clutter state.json).
pub fn now() -> OffsetDateTime {
    let skew = std::env::var(SKEW_ENV)
        .ok()
        .and_then(|s| parse_skew(&s))
        .unwrap_or(time::Duration::ZERO);
    let now = OffsetDateTime::now_utc() + skew;
    now.replace_nanosecond(0).unwrap_or(now)
}

fn parse_skew(text: &str) -> Option<time::Duration> {
    let text = text.trim();
    match text.strip_prefix('-') {
        Some(rest) => crate::lifetime::parse_duration(rest).ok().map(|d| -d),
        None => crate::lifetime::parse_duration(text.trim_start_matches('+')).ok(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn skews_parse_both_ways() {
        assert_eq!(parse_skew("25h"), Some(time::Duration::hours(25)));
        assert_eq!(parse_skew("-2d"), Some(time::Duration::days(-2)));
        assert_eq!(parse_skew("+1d"), Some(time::Duration::days(1)));
        assert_eq!(parse_skew("soon"), None);
    }
}
