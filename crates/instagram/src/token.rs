//! What a token must look like before instatui stores it or hands it on: the characters and length real tokens have.
//!
//! Checked once, here, for every token that comes from outside: the answers
//! of the code exchange, the long-lived exchange and the refresh (in
//! `Client`), and a token pasted into `login --with-token`. A server that
//! answers `IGAA;id>PWNED` is not Instagram, and what it sends would end up
//! in a `.env` a deploy script sources.

use crate::error::{ApiError, ErrorKind};
use std::fmt;

/// Shorter than any token Meta issues (theirs run to 150–250 characters).
pub const MIN_LEN: usize = 20;
/// Meta says token lengths change over time; this is far past any seen,
/// and still small enough for a URL's query and a `.env` line.
pub const MAX_LEN: usize = 4096;

/// Why a value cannot be a token. Never holds the value itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BadShape {
    Empty,
    TooShort(usize),
    TooLong(usize),
    /// A character other than letters, digits, `.`, `_` and `-`.
    Character,
}

impl fmt::Display for BadShape {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            BadShape::Empty => f.write_str("it is empty"),
            BadShape::TooShort(n) => write!(
                f,
                "it is {n} characters long, and real tokens have at least {MIN_LEN}"
            ),
            BadShape::TooLong(n) => write!(
                f,
                "it is {n} characters long, and real tokens have at most {MAX_LEN}"
            ),
            BadShape::Character => f.write_str(
                "it holds a character real tokens never have (they are letters, digits, '.', '_' and '-')",
            ),
        }
    }
}

/// `Ok` when `token` is made of letters, digits, `.`, `_` and `-` only,
/// and is between [`MIN_LEN`] and [`MAX_LEN`] characters long.
pub fn check_shape(token: &str) -> Result<(), BadShape> {
    if token.is_empty() {
        return Err(BadShape::Empty);
    }
    if !token
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-'))
    {
        return Err(BadShape::Character);
    }
    match token.len() {
        n if n < MIN_LEN => Err(BadShape::TooShort(n)),
        n if n > MAX_LEN => Err(BadShape::TooLong(n)),
        _ => Ok(()),
    }
}

/// The longest `expires_in` taken: a long-lived token lives 60 days, and a
/// day on top leaves room for rounding and clocks. More is a server that is
/// not Instagram, and would put the refresh off past the token's real end.
pub const MAX_EXPIRES_IN: i64 = 61 * 86_400;

/// `Ok` when `expires_in` (seconds) could come from Instagram: above zero
/// and at most [`MAX_EXPIRES_IN`].
pub fn check_expires_in(expires_in: i64) -> Result<(), String> {
    if expires_in <= 0 {
        return Err(format!(
            "an expiry of {expires_in} seconds, so the token would be dead on arrival"
        ));
    }
    if expires_in > MAX_EXPIRES_IN {
        return Err(format!(
            "an expiry of {expires_in} seconds, past the 60 days a token lives"
        ));
    }
    Ok(())
}

/// The error for an answer whose token has the wrong shape: nothing of it
/// is stored or handed on.
pub(crate) fn malformed(call: &str, bad: BadShape) -> ApiError {
    ApiError::new(
        ErrorKind::Malformed,
        format!("the answer to {call} carried a token that cannot be one ({bad})"),
    )
}

/// The error for a token answer whose expiry makes no sense.
pub(crate) fn senseless_expiry(call: &str, why: String) -> ApiError {
    ApiError::new(
        ErrorKind::Malformed,
        format!("the answer to {call} carried {why}"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_expiry_must_be_within_sixty_days_and_a_margin() {
        for ok in [1, 3_600, 5_183_944, 5_184_000, MAX_EXPIRES_IN] {
            assert_eq!(check_expires_in(ok), Ok(()), "{ok}");
        }
        for bad in [
            i64::MIN,
            -100,
            0,
            MAX_EXPIRES_IN + 1,
            10 * 365 * 86_400,
            i64::MAX,
        ] {
            assert!(check_expires_in(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn real_looking_tokens_pass() {
        let token = format!("IGAA{}", "Zx9_-.".repeat(30));
        assert_eq!(check_shape(&token), Ok(()));
        assert_eq!(check_shape(&"E".repeat(MAX_LEN)), Ok(()));
    }

    #[test]
    fn anything_a_shell_or_a_file_would_act_on_is_refused() {
        for bad in [
            "IGAA;id>PWNED",
            "IGAAaaaaaaaaaaaaaaaaaaaaaaa;id",
            "IGAAaaaaaaaaaaaaaaaaaaaaaaa$(id)",
            "IGAAaaaaaaaaaaaaaaaaaaaaaaa`id`",
            "IGAAaaaaaaaaaaaaaaaaaaaaaaa id",
            "IGAAaaaaaaaaaaaaaaaaaaaaaaa\nX=1",
            "IGAAaaaaaaaaaaaaaaaaaaaaaaa\u{1b}]0;t\u{7}",
            "IGAAaaaaaaaaaaaaaaaaaaaaaaa'\"",
            "IGAAaaaaaaaaaaaaaaaaaaaaaaaé",
        ] {
            assert_eq!(check_shape(bad), Err(BadShape::Character), "{bad:?}");
        }
        assert_eq!(check_shape(""), Err(BadShape::Empty));
        assert_eq!(check_shape("IGAAshort"), Err(BadShape::TooShort(9)));
        assert_eq!(
            check_shape(&"A".repeat(MAX_LEN + 1)),
            Err(BadShape::TooLong(MAX_LEN + 1))
        );
    }

    #[test]
    fn the_reason_never_shows_the_value() {
        let text = malformed("GET /refresh_access_token", BadShape::Character).to_string();
        assert!(text.contains("cannot be one"), "{text}");
        assert!(!text.contains("PWNED"), "{text}");
    }
}
