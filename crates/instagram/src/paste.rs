//! Reads what the user pasted back: a bare code, a code with `#_`, or the whole redirect URL.

use std::fmt;
use url::Url;

/// A code ready for the exchange, and what we noticed on the way.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pasted {
    pub code: String,
    /// The `state` the redirect carried, when a URL was pasted.
    pub state: Option<String>,
    /// Things worth telling the user that do not stop the exchange.
    pub warnings: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PasteError {
    Empty,
    /// The redirect carried `error=…`: the user pressed Cancel.
    Cancelled {
        description: String,
    },
    /// The redirect's `state` is not the one we issued.
    StateMismatch,
    /// A redirect URL without `state`: nothing ties it to our authorization.
    NoState,
    /// No authorization is waiting for a code: its `state` was used by an
    /// exchange already, or none was started.
    NotPending,
    /// A URL without a `code` parameter.
    NoCode,
    /// Something that cannot be a code; the text says what it looked like.
    NotACode(String),
}

impl std::error::Error for PasteError {}

impl fmt::Display for PasteError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PasteError::Empty => f.write_str(
                "nothing was pasted: paste the code, or the whole address the browser landed on after Allow",
            ),
            PasteError::Cancelled { description } => write!(
                f,
                "you cancelled in the browser (Instagram said: {description}): authorize again and choose Allow"
            ),
            PasteError::StateMismatch => f.write_str(
                "this redirect belongs to another authorization (its state does not match: an old tab, or a link someone sent you): open the newest authorize URL and try again",
            ),
            PasteError::NoState => f.write_str(
                "this address carries no state=, so nothing shows it answers the authorization instatui started (it may come from someone else's link): paste the whole address the browser shows after Allow, or authorize again",
            ),
            PasteError::NotPending => f.write_str(
                "no authorization is waiting for a code (the last one was already exchanged, or none was started): authorize again, then paste the new address",
            ),
            PasteError::NoCode => f.write_str(
                "that address has no code= in it: paste the address the browser shows after you press Allow",
            ),
            PasteError::NotACode(what) => write!(
                f,
                "that does not look like an authorization code ({what}): paste the code or the whole redirect URL"
            ),
        }
    }
}

/// Parses a paste. `expected_state` is the state of the pending
/// authorization (`None`: none is pending, so nothing can be exchanged);
/// `redirect_uri` the configured one, to warn when a URL came back elsewhere.
///
/// The `state` is what ties a redirect to the authorization this user
/// started: a redirect URL must carry the pending one. A bare code carries
/// none; it is taken, with a warning, only while an authorization is pending.
pub fn parse_paste(
    input: &str,
    expected_state: Option<&str>,
    redirect_uri: Option<&str>,
) -> Result<Pasted, PasteError> {
    let text = unwrap_decorations(input);
    if text.is_empty() {
        return Err(PasteError::Empty);
    }
    if looks_like_url_or_query(&text) {
        parse_redirect(&text, expected_state, redirect_uri)
    } else {
        let code = parse_bare_code(&text)?;
        if expected_state.is_none() {
            return Err(PasteError::NotPending);
        }
        Ok(Pasted {
            code,
            state: None,
            warnings: vec![BARE_CODE_WARNING.to_string()],
        })
    }
}

/// Said whenever a bare code is exchanged.
pub(crate) const BARE_CODE_WARNING: &str = "a bare code carries no state to check: it was taken as the answer to the pending authorization (paste the whole address to have it checked)";

/// Strips whitespace, quotes and `<…>` that terminals, chat apps and mail
/// clients wrap around a copied URL, in any nesting.
fn unwrap_decorations(input: &str) -> String {
    let mut text = input.trim();
    loop {
        let before = text;
        for (open, close) in [
            ('"', '"'),
            ('\'', '\''),
            ('`', '`'),
            ('<', '>'),
            ('(', ')'),
            ('[', ']'),
        ] {
            if text.len() >= 2 && text.starts_with(open) && text.ends_with(close) {
                text = text[open.len_utf8()..text.len() - close.len_utf8()].trim();
            }
        }
        if text == before {
            break;
        }
    }
    // A long URL copied from a wrapped terminal line arrives with line breaks.
    text.split_whitespace().collect()
}

/// `code=…` alone is a bare code with its name; anything with a scheme, a
/// query or another parameter is a redirect and must carry the state.
fn looks_like_url_or_query(text: &str) -> bool {
    text.contains("://")
        || text.contains('?')
        || text.contains('&')
        || text.contains("error=")
        || text.contains("state=")
        || (text.contains("code=") && !text.starts_with("code="))
}

fn parse_redirect(
    text: &str,
    expected_state: Option<&str>,
    redirect_uri: Option<&str>,
) -> Result<Pasted, PasteError> {
    let (url, pairs) = split_query(text);
    let get = |name: &str| {
        pairs
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
    };
    let state = get("state").map(|s| strip_fragment_marker(&s).to_string());

    if let Some(error) = get("error") {
        let description = get("error_description")
            .or_else(|| get("error_reason"))
            .unwrap_or(error);
        return Err(PasteError::Cancelled { description });
    }
    let code = get("code").ok_or(PasteError::NoCode)?;
    let code = parse_bare_code(&code)?;
    let Some(got) = state.as_deref() else {
        return Err(PasteError::NoState);
    };
    match expected_state {
        None => return Err(PasteError::NotPending),
        Some(expected) if expected != got => return Err(PasteError::StateMismatch),
        Some(_) => {}
    }

    let mut warnings = Vec::new();
    if let (Some(url), Some(configured)) = (url.as_ref(), redirect_uri)
        && let Some(warning) = redirect_mismatch(url, configured)
    {
        warnings.push(warning);
    }
    Ok(Pasted {
        code,
        state,
        warnings,
    })
}

/// The URL (when the paste was one) and its query pairs, decoded. Accepts a
/// URL without scheme and a bare `?code=…&state=…`.
fn split_query(text: &str) -> (Option<Url>, Vec<(String, String)>) {
    let before_query = text.split('?').next().unwrap_or_default();
    let bare_host = !before_query.contains('=') && !before_query.is_empty();
    let candidates = [text.to_string(), format!("https://{text}")];
    for candidate in candidates
        .iter()
        .filter(|c| c.contains("://"))
        .filter(|c| text.contains("://") || (bare_host && c.starts_with("https://")))
    {
        if let Ok(url) = Url::parse(candidate)
            && url.has_host()
        {
            let pairs = url
                .query_pairs()
                .map(|(k, v)| (k.into_owned(), v.into_owned()))
                .collect();
            return (Some(url), pairs);
        }
    }
    let query = text.split_once('?').map_or(text, |(_, q)| q);
    let query = query.split('#').next().unwrap_or_default();
    let pairs = url::form_urlencoded::parse(query.as_bytes())
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    (None, pairs)
}

/// Compares origin and path with the configured redirect URI.
fn redirect_mismatch(url: &Url, configured: &str) -> Option<String> {
    let configured_url = Url::parse(configured.trim()).ok()?;
    let same = url.scheme() == configured_url.scheme()
        && url.host_str() == configured_url.host_str()
        && url.port_or_known_default() == configured_url.port_or_known_default()
        && url.path() == configured_url.path();
    if same {
        return None;
    }
    let landed = format!(
        "{}://{}{}",
        url.scheme(),
        url.host_str().unwrap_or_default(),
        url.path()
    );
    Some(format!(
        "this address ({landed}) is not the configured redirect URI ({configured}): the exchange fails unless they match character for character"
    ))
}

fn strip_fragment_marker(text: &str) -> &str {
    let text = text.split('#').next().unwrap_or_default();
    text.strip_suffix("%23_").unwrap_or(text)
}

fn parse_bare_code(text: &str) -> Result<String, PasteError> {
    let code = strip_fragment_marker(text.trim());
    let code = code.strip_prefix("code=").unwrap_or(code);
    if code.is_empty() {
        return Err(PasteError::Empty);
    }
    if code.starts_with("IGQ") || code.starts_with("IGAA") || code.starts_with("EAA") {
        return Err(PasteError::NotACode(
            "it looks like an access token, which instatui gets for you".to_string(),
        ));
    }
    if let Some(bad) = code
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | '~')))
    {
        // `{:?}` of a char escapes it ('\u{1b}'): a control character is
        // named, never sent to the terminal.
        return Err(PasteError::NotACode(format!("it contains {bad:?}")));
    }
    if code.len() < 16 {
        return Err(PasteError::NotACode(format!(
            "{} characters is too short; codes are about 150",
            code.len()
        )));
    }
    Ok(code.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    const CODE: &str = "AQBx-hBsH3a9_YkJ8mL4tZ0pQrS7uVwXyZaBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789";
    const STATE: &str = "9f2c7d61b0a84e3f";
    const REDIRECT: &str = "https://www.example.org/auth/";

    fn ok(input: &str) -> Pasted {
        parse_paste(input, Some(STATE), Some(REDIRECT))
            .unwrap_or_else(|e| panic!("{input:?} should parse: {e}"))
    }

    #[test]
    fn accepts_every_real_world_form() {
        let url = format!("{REDIRECT}?code={CODE}&state={STATE}#_");
        let forms = [
            CODE.to_string(),
            format!("{CODE}#_"),
            format!("{CODE}#"),
            format!("  {CODE}#_\n"),
            format!("\"{CODE}#_\""),
            format!("'{CODE}'"),
            format!("`{CODE}`"),
            format!("<{CODE}>"),
            format!("code={CODE}"),
            format!("{CODE}%23_"),
            url.clone(),
            format!("{url}\n"),
            format!("\r\n  {url}  \r\n"),
            format!("<{url}>"),
            format!("\"{url}\""),
            format!("'<{url}>'"),
            format!("{REDIRECT}?code={CODE}&state={STATE}"),
            format!("{REDIRECT}?state={STATE}&code={CODE}#_"),
            format!("www.example.org/auth/?code={CODE}&state={STATE}#_"),
            format!("?code={CODE}&state={STATE}#_"),
            format!("code={CODE}&state={STATE}#_"),
            // Wrapped by a narrow terminal in the middle of the code.
            format!(
                "{REDIRECT}?code={}\n{}&state={STATE}#_",
                &CODE[..30],
                &CODE[30..]
            ),
            format!("{REDIRECT}?code={CODE}&state={STATE}%23_"),
        ];
        assert!(forms.len() >= 20);
        for form in forms {
            let pasted = ok(&form);
            assert_eq!(pasted.code, CODE, "{form:?}");
            if pasted.state.is_none() {
                assert_eq!(pasted.warnings, [BARE_CODE_WARNING], "{form:?}");
            }
        }
    }

    #[test]
    fn the_fixture_redirect_parses_with_state() {
        let raw = include_str!("../../../tests/fixtures/instagram/redirect_success.txt");
        let pasted = ok(raw);
        assert_eq!(pasted.state.as_deref(), Some(STATE));
        assert!(pasted.warnings.is_empty());
        assert!(!pasted.code.ends_with("#_"));
    }

    #[test]
    fn percent_encoded_code_is_decoded() {
        let p = ok(&format!(
            "{REDIRECT}?code=AQB%2Dabc_defghijklmnopqrstuv&state={STATE}"
        ));
        assert_eq!(p.code, "AQB-abc_defghijklmnopqrstuv");
    }

    #[test]
    fn cancel_is_explained() {
        let raw = include_str!("../../../tests/fixtures/instagram/redirect_denied.txt");
        let err = parse_paste(raw, Some(STATE), Some(REDIRECT)).unwrap_err();
        assert_eq!(
            err,
            PasteError::Cancelled {
                description: "The user denied your request".into()
            }
        );
        assert!(err.to_string().starts_with("you cancelled in the browser"));
    }

    #[test]
    fn a_foreign_state_is_refused() {
        let url = format!("{REDIRECT}?code={CODE}&state=0000aaaa#_");
        assert_eq!(
            parse_paste(&url, Some(STATE), Some(REDIRECT)),
            Err(PasteError::StateMismatch)
        );
        // Without a pending authorization nothing may be exchanged: its
        // state was used up, or none was issued.
        assert_eq!(
            parse_paste(&url, None, Some(REDIRECT)),
            Err(PasteError::NotPending)
        );
        let ours = format!("{REDIRECT}?code={CODE}&state={STATE}#_");
        assert_eq!(
            parse_paste(&ours, None, Some(REDIRECT)),
            Err(PasteError::NotPending),
            "a used state is not accepted again"
        );
    }

    #[test]
    fn a_redirect_without_state_is_refused_with_an_explanation() {
        for url in [
            format!("{REDIRECT}?code={CODE}"),
            format!("{REDIRECT}?code={CODE}#_"),
            format!("?code={CODE}"),
            format!("code={CODE}&x=1"),
        ] {
            let err = parse_paste(&url, Some(STATE), Some(REDIRECT)).unwrap_err();
            assert_eq!(err, PasteError::NoState, "{url}");
            assert!(err.to_string().contains("carries no state="));
        }
    }

    #[test]
    fn a_bare_code_needs_a_pending_authorization() {
        assert_eq!(
            parse_paste(CODE, None, Some(REDIRECT)),
            Err(PasteError::NotPending)
        );
        assert_eq!(ok(CODE).warnings, [BARE_CODE_WARNING]);
    }

    #[test]
    fn another_redirect_path_warns() {
        for other in [
            "https://www.example.org/auth",
            "http://www.example.org/auth/",
            "https://example.org/auth/",
            "https://www.example.org:8443/auth/",
        ] {
            let p = ok(&format!("{other}?code={CODE}&state={STATE}#_"));
            assert_eq!(p.warnings.len(), 1, "{other}");
            assert!(p.warnings[0].contains("character for character"));
        }
    }

    #[test]
    fn wrong_pastes_say_what_was_expected() {
        assert_eq!(parse_paste("", None, None), Err(PasteError::Empty));
        assert_eq!(parse_paste("  \n\"\" ", None, None), Err(PasteError::Empty));
        assert_eq!(parse_paste("#_", None, None), Err(PasteError::Empty));
        assert_eq!(
            parse_paste(&format!("{REDIRECT}?state={STATE}"), Some(STATE), None),
            Err(PasteError::NoCode)
        );
        for wrong in [
            "hello",
            "IGQWRNb2ZAhYTFkX0V4YW1wbGVTaG9ydExpdmVkVG9rZW4xMjM0NTY3ODkw",
            "AQB{not}a*code!!!!!!!!!!!!!",
            "AQBcodecode\x1b[2Jcodecodecodecode",
        ] {
            let err = parse_paste(wrong, None, None).unwrap_err();
            assert!(matches!(err, PasteError::NotACode(_)), "{wrong}: {err:?}");
            assert!(!err.to_string().chars().any(char::is_control), "{err}");
            assert!(err.to_string().contains("paste the code"));
        }
    }

    #[test]
    fn never_panics_on_odd_input() {
        for odd in [
            "<",
            ">",
            "\"",
            "?",
            "://",
            "code=",
            "?code=#_",
            "é€𝄞",
            "<<>>",
            "''",
        ] {
            let _ = parse_paste(odd, Some(STATE), Some(REDIRECT));
        }
    }
}
