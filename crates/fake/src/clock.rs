//! `/__fake/clock`: moving the fake's clock from outside its process, so that a person can age tokens
//! past Instagram's 24 hours and try `refresh` by hand against `instatui fake-server`.

use super::respond::{json_response, text_response};
use super::state::Shared;
use axum::http::StatusCode;
use axum::response::Response;
use time::Duration;
use time::format_description::well_known::Rfc3339;

/// The control path; never a Graph or OAuth path (those have no `__`).
pub const CLOCK_PATH: &str = "/__fake/clock";

/// The longest single move: a hundred years, as instatui's own durations.
const LIMIT_SECS: i64 = 100 * 365 * 86_400;

/// `GET` says the fake's time; `POST ?advance=25h` moves it forward first
/// (`7d`, `36h`, `90m`, `45s`, `1d12h`, or seconds). Answers
/// `{"now":"…","advanced_by_seconds":N}`, N counting every move so far.
pub(crate) fn handle(app: &Shared, method: &str, query: &str) -> Response {
    let advance = url::form_urlencoded::parse(query.as_bytes())
        .find(|(k, _)| k == "advance")
        .map(|(_, v)| v.into_owned());
    match (method, advance) {
        ("GET" | "HEAD", None) => {}
        ("POST", Some(text)) => match parse_duration(&text) {
            Ok(by) => {
                let mut inner = app.lock();
                inner.clock_offset = inner.clock_offset.saturating_add(by);
            }
            Err(message) => return refuse(StatusCode::BAD_REQUEST, &message),
        },
        ("POST", None) => {
            return refuse(
                StatusCode::BAD_REQUEST,
                "say how far to move the clock: POST /__fake/clock?advance=25h",
            );
        }
        _ => {
            return refuse(
                StatusCode::METHOD_NOT_ALLOWED,
                "GET says the fake's time; POST /__fake/clock?advance=25h moves it forward",
            );
        }
    }
    let inner = app.lock();
    let now = inner.now().format(&Rfc3339).unwrap_or_default();
    let body = serde_json::json!({
        "now": now,
        "advanced_by_seconds": inner.clock_offset.whole_seconds(),
    });
    json_response(StatusCode::OK, body.to_string())
}

fn refuse(status: StatusCode, message: &str) -> Response {
    text_response(status, "text/plain; charset=utf-8", format!("{message}\n"))
}

/// `25h`, `1d12h`, `90m`, `45s` or seconds; forward only: the fake's
/// tokens were issued on its clock, which never runs backwards.
fn parse_duration(text: &str) -> Result<Duration, String> {
    let text = text.trim();
    let bad = || format!("'{text}' is not a duration: write it like 25h, 7d, 90m or 1d12h");
    if let Ok(secs) = text.parse::<i64>() {
        return within(secs).ok_or_else(bad);
    }
    let mut secs: i64 = 0;
    let mut number = String::new();
    for c in text.chars() {
        if c.is_ascii_digit() {
            number.push(c);
            continue;
        }
        let unit = match c {
            'd' => 86_400,
            'h' => 3_600,
            'm' => 60,
            's' => 1,
            _ => return Err(bad()),
        };
        let n: i64 = number.parse().map_err(|_| bad())?;
        number.clear();
        secs = n
            .checked_mul(unit)
            .and_then(|s| secs.checked_add(s))
            .ok_or_else(bad)?;
    }
    if !number.is_empty() || text.is_empty() {
        return Err(bad());
    }
    within(secs).ok_or_else(bad)
}

fn within(secs: i64) -> Option<Duration> {
    (0..=LIMIT_SECS)
        .contains(&secs)
        .then(|| Duration::seconds(secs))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_as_instatui_writes_them() {
        assert_eq!(parse_duration("25h"), Ok(Duration::hours(25)));
        assert_eq!(parse_duration("1d12h"), Ok(Duration::hours(36)));
        assert_eq!(parse_duration("90m"), Ok(Duration::minutes(90)));
        assert_eq!(parse_duration("45"), Ok(Duration::seconds(45)));
        for bad in ["", "h", "-5", "-1h", "25x", "3h4", "99999999999999999d"] {
            assert!(parse_duration(bad).is_err(), "{bad}");
        }
    }
}
