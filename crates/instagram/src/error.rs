//! One typed error for both of Instagram's error shapes, with a category and a hint for the user.

use super::Flavor;
use serde::Deserialize;
use std::fmt;
use std::time::Duration;

/// How long to wait after a rate limit when Instagram does not say
/// (`estimated_time_to_regain_access` absent or 0).
pub(crate) const DEFAULT_RATE_LIMIT_WAIT: Duration = Duration::from_secs(5 * 60);

/// Graph error codes that mean "rate limited": the app-level ones (4, 17,
/// 32, 613) and Instagram's own per-account limit (80002).
const RATE_LIMIT_CODES: &[i64] = &[4, 17, 32, 613, 80002];

/// What kind of failure this is, which decides the advice we give.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ErrorKind {
    /// Code 190: the token is expired, revoked or unreadable (why:
    /// [`ApiError::revocation`]).
    NeedsReauth,
    /// Meta switched the app's API access off: a Data Use Checkup left
    /// undone, or long inactivity. The app's dashboard, not a new token, fixes it.
    AppRestricted,
    /// The authorization code was already used, expired or never issued.
    CodeRejected,
    RedirectMismatch,
    InvalidSecret,
    /// Unknown app id or the account has no role on the app.
    InvalidApp,
    /// The Basic Display API is gone.
    RetiredApi,
    /// Code 2500, "Unknown path components: /v20.0/me": most often a Graph
    /// API version Meta no longer serves.
    UnknownPath,
    /// A refresh of a token younger than 24 hours.
    RefreshTooEarly,
    /// "Unsupported request - method type: get" on the Instagram Login API:
    /// a token or endpoint that does not belong to it.
    UnsupportedRequest,
    Permission,
    /// Code 341, "Application limit reached": a temporary limit on the app.
    AppLimit,
    /// Code 368, "Temporarily blocked for policies violations".
    PolicyBlock,
    RateLimited,
    BadParameter,
    /// 5xx or `is_transient`: worth trying again.
    Transient,
    /// HTML, truncated or otherwise unreadable body.
    NotJson,
    /// Connect, DNS, TLS or timeout.
    Network,
    /// A token endpoint answered with a redirect, which is not followed.
    Redirected,
    /// An answer past a size limit, or a transfer too slow or too long
    /// (see `limits`); not retried, since the same would happen again.
    Limit,
    /// Writing a download on this machine failed (a full disk, a folder's
    /// permissions, something planted under the file's name).
    Disk,
    /// A readable answer that makes no sense from Instagram (a token of the
    /// wrong shape, an expiry in the past): nothing of it is kept.
    Malformed,
    Other,
}

impl ErrorKind {
    /// What to do next, in words that fit the TUI and the command line
    /// alike; the command line adds its command (see `command_hint`).
    pub fn hint(self) -> &'static str {
        match self {
            ErrorKind::NeedsReauth => "the token is expired or was revoked: authorize again",
            ErrorKind::AppRestricted => {
                "Meta has switched off this app's API access (a Data Use Checkup or long inactivity): open the app's dashboard on developers.facebook.com, do what it asks, then authorize again"
            }
            ErrorKind::CodeRejected => {
                "a code works once and for one hour: authorize again to get a fresh one"
            }
            ErrorKind::RedirectMismatch => {
                "the redirect URI must match the app setting character for character — check the trailing slash"
            }
            ErrorKind::InvalidSecret => {
                "copy the app secret again from the Meta dashboard (Instagram › API setup) and save it"
            }
            ErrorKind::InvalidApp => {
                "check the app id, and that your Instagram account has a role (tester) on the app"
            }
            ErrorKind::RetiredApi => {
                "the Basic Display API was retired on 2024-12-04: switch the API to instagram-login"
            }
            ErrorKind::UnknownPath => {
                "Meta most likely no longer serves the Graph API version instatui asks for: set INSTATUI_GRAPH_VERSION to a current one (instatui's default is v25.0) or to none, and check the endpoint overrides"
            }
            ErrorKind::RefreshTooEarly => {
                "Instagram refreshes a token only once it is 24 hours old: try again later (the token status says from when)"
            }
            ErrorKind::UnsupportedRequest => {
                "Instagram did not take this request on the Instagram Login API: authorize again (a token of the retired Basic Display API does not work here) and check the endpoint overrides"
            }
            ErrorKind::Permission => {
                "the app lacks a permission for this: check the scopes you granted and authorize again"
            }
            ErrorKind::RateLimited => {
                "Instagram is rate limiting this app: wait a few minutes, then try again"
            }
            ErrorKind::AppLimit => {
                "Meta has put a temporary limit on this app (too many calls, or downtime): wait, try again later, and make fewer calls meanwhile"
            }
            ErrorKind::PolicyBlock => {
                "Meta has temporarily blocked this for a policy violation: wait before trying again, and read the alerts on the app's dashboard (developers.facebook.com)"
            }
            ErrorKind::BadParameter => {
                "Instagram refused a parameter: check the app settings and the endpoint overrides"
            }
            ErrorKind::Transient => "Instagram had a temporary problem: try again shortly",
            ErrorKind::NotJson => {
                "the answer was not Instagram's JSON (a proxy or captive portal?): check the network and try again"
            }
            ErrorKind::Network => {
                "could not reach Instagram: check the connection or proxy and try again"
            }
            ErrorKind::Redirected => {
                "check INSTATUI_BASE_URL and the endpoint overrides: they must name Instagram's hosts (or your test server) exactly"
            }
            ErrorKind::Limit => {
                "instatui stopped there to protect memory and time: check the connection, INSTATUI_BASE_URL, the endpoint overrides and any proxy, then try again"
            }
            ErrorKind::Disk => "nothing went wrong at Instagram; run it again once that is fixed",
            ErrorKind::Malformed => {
                "that is not what Instagram answers, so nothing was stored or handed on: check INSTATUI_BASE_URL, the endpoint overrides and any proxy, then try again"
            }
            ErrorKind::Other => "see Instagram's message for details",
        }
    }

    /// The subcommand that does what `hint` advises, for the command line.
    pub fn command_hint(self) -> Option<&'static str> {
        match self {
            ErrorKind::NeedsReauth
            | ErrorKind::CodeRejected
            | ErrorKind::Permission
            | ErrorKind::UnsupportedRequest => Some("instatui authorize --open"),
            ErrorKind::InvalidSecret | ErrorKind::RedirectMismatch | ErrorKind::InvalidApp => {
                Some("instatui setup --app-id … --redirect-uri …")
            }
            ErrorKind::RetiredApi => {
                Some("instatui setup --flavor instagram-login --app-id … --redirect-uri …")
            }
            _ => None,
        }
    }

    /// Whether an idempotent request may be sent again as is.
    pub fn is_retryable(self) -> bool {
        matches!(self, ErrorKind::Transient | ErrorKind::Network)
    }
}

/// A failed call. `Display` is one line: Instagram's own words, the numbers
/// that identify the error, and what to do next.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiError {
    pub kind: ErrorKind,
    pub status: Option<u16>,
    pub code: Option<i64>,
    pub subcode: Option<i64>,
    pub error_type: Option<String>,
    pub message: String,
    pub fbtrace_id: Option<String>,
    pub is_transient: bool,
    /// For a rate limit: seconds to wait before the next call, from the
    /// usage header's `estimated_time_to_regain_access` (a `u32` keeps the
    /// error small).
    pub retry_after_secs: Option<u32>,
}

impl std::error::Error for ApiError {}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.message.trim_end_matches('.'))?;
        let ids = self.identifiers();
        if !ids.is_empty() {
            write!(f, " ({ids})")?;
        }
        match self.rate_limit_wait() {
            Some(wait) => write!(
                f,
                " — rate limited: try again in {} min",
                minutes_rounded_up(wait)
            ),
            None => write!(f, " — {}", self.kind.hint()),
        }
    }
}

impl ApiError {
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> Self {
        ApiError {
            kind,
            status: None,
            code: None,
            subcode: None,
            error_type: None,
            message: message.into(),
            fbtrace_id: None,
            is_transient: false,
            retry_after_secs: None,
        }
    }

    pub fn hint(&self) -> &'static str {
        self.kind.hint()
    }

    /// How long to wait before calling again, when this is a rate limit.
    pub fn rate_limit_wait(&self) -> Option<Duration> {
        (self.kind == ErrorKind::RateLimited).then(|| {
            self.retry_after_secs
                .map_or(DEFAULT_RATE_LIMIT_WAIT, |s| Duration::from_secs(s.into()))
        })
    }

    /// The same error as seen with `flavor` configured: on the Instagram
    /// Login API "method type: get" does not mean "switch to it".
    pub(crate) fn in_flavor(mut self, flavor: Flavor) -> Self {
        if self.kind == ErrorKind::RetiredApi
            && flavor == Flavor::InstagramLogin
            && says_unsupported_get(&self.message)
        {
            self.kind = ErrorKind::UnsupportedRequest;
        }
        self
    }

    /// The field Graph refused in this request: code 100 with "Tried
    /// accessing nonexisting field (NAME) on node type (…)", what a field
    /// the host does not have gets (one such field fails the whole request).
    pub fn unsupported_field(&self) -> Option<&str> {
        if self.code != Some(100) {
            return None;
        }
        let (_, rest) = self.message.split_once("nonexisting field (")?;
        let (name, _) = rest.split_once(')')?;
        Some(name.trim()).filter(|n| !n.is_empty())
    }

    /// Instagram refusing to refresh a short-lived token ("Only a long-lived
    /// access token can be refreshed; exchange the short-lived one first"):
    /// such a token is exchanged for a long-lived one instead. The answer
    /// carries only code 100, which every refused parameter gets, so its
    /// words are what tells it apart; they are read here, with the rest of
    /// the classification, and callers branch on this.
    pub fn refuses_short_lived_token(&self) -> bool {
        self.kind == ErrorKind::BadParameter
            && self.message.to_ascii_lowercase().contains("short-lived")
    }

    /// The same error as an answer to `refresh_access_token`, where a valid
    /// token (no 190) refused with code 10 or 100 is one under 24 hours
    /// old: Meta documents the rule but no code or words of its own for
    /// it, and two wordings are seen ("Tokens can only be refreshed when
    /// they are at least 24 hours old", code 100; "(#10) The access token
    /// must be at least 24 hours old to be refreshed"), so the code decides,
    /// never the words. The one other code-100 refusal of a refresh, the
    /// short-lived token's, stays itself ([`ApiError::refuses_short_lived_token`]).
    pub(crate) fn in_refresh(mut self) -> Self {
        let young = match self.kind {
            ErrorKind::Permission => self.code == Some(10),
            ErrorKind::BadParameter => self.code == Some(100) && !self.refuses_short_lived_token(),
            _ => false,
        };
        if young {
            self.kind = ErrorKind::RefreshTooEarly;
        }
        self
    }

    /// Why a token was refused before its time, for code 190: by Meta's
    /// documented subcode when the answer carries one, else by its words
    /// (Instagram's answers mostly carry none). `None` for other errors.
    pub fn revocation(&self) -> Option<Revocation> {
        if self.kind != ErrorKind::NeedsReauth {
            return None;
        }
        let by_subcode = match self.subcode {
            Some(458) => Some(Revocation::AppRemoved),
            Some(459) => Some(Revocation::SecurityCheck),
            Some(460) => Some(Revocation::PasswordChanged),
            Some(463) => Some(Revocation::SessionExpired),
            Some(464) => Some(Revocation::Unconfirmed),
            Some(467) => Some(Revocation::LoggedOut),
            _ => None,
        };
        if let Some(r) = by_subcode {
            return Some(r);
        }
        let msg = self.message.to_ascii_lowercase();
        Some(if msg.contains("changed their password") {
            Revocation::PasswordChanged
        } else if msg.contains("session has expired") {
            Revocation::SessionExpired
        } else if msg.contains("logged out") {
            Revocation::LoggedOut
        } else if msg.contains("has not authorized application") {
            Revocation::AppRemoved
        } else if msg.contains("checkpoint") {
            Revocation::SecurityCheck
        } else {
            Revocation::Invalid
        })
    }

    /// `HTTP 400, code 190/463`: what a support request would quote.
    pub fn identifiers(&self) -> String {
        let mut parts = Vec::new();
        if let Some(status) = self.status {
            parts.push(format!("HTTP {status}"));
        }
        match (self.code, self.subcode) {
            (Some(code), Some(sub)) => parts.push(format!("code {code}/{sub}")),
            // The OAuth host repeats the HTTP status as its code.
            (Some(code), None) if Some(code) != self.status.map(i64::from) => {
                parts.push(format!("code {code}"))
            }
            _ => {}
        }
        parts.join(", ")
    }

    /// Builds the error for a non-success answer or an unreadable body.
    pub fn from_response(status: u16, content_type: Option<&str>, body: &[u8]) -> Self {
        if let Some(err) = ApiError::from_error_body(status, body) {
            return err;
        }
        let mut err = not_json(status, content_type, body);
        if status >= 500 {
            // A 5xx page from a proxy is still worth retrying.
            err.kind = ErrorKind::Transient;
            err.is_transient = true;
        } else if status == 429 {
            err.kind = ErrorKind::RateLimited;
        }
        err
    }

    /// Instagram's error object in an answer of any status, classified; `None`
    /// when the body is not one.
    pub(crate) fn from_error_body(status: u16, body: &[u8]) -> Option<Self> {
        let mut err = parse_error_body(body)?;
        err.status = Some(status);
        err.kind = classify(&err);
        Some(err)
    }

    /// A 2xx answer that could not be decoded as the expected JSON.
    pub fn unreadable(status: u16, content_type: Option<&str>, body: &[u8]) -> Self {
        not_json(status, content_type, body)
    }

    pub fn network(err: &reqwest::Error) -> Self {
        // Without the URL: query strings carry access tokens and secrets.
        let what = if err.is_timeout() {
            "the request timed out"
        } else if err.is_connect() {
            "could not connect"
        } else {
            "the connection failed"
        };
        let detail = err_chain(err);
        ApiError::new(ErrorKind::Network, format!("{what} ({detail})"))
    }
}

/// Why Instagram no longer takes a token (code 190 and its subcodes, see
/// Meta's "Handling Errors" guide): each has its own plain reason.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Revocation {
    /// 460: the user changed their password (or Meta reset the session).
    PasswordChanged,
    /// 463: the token's time ran out.
    SessionExpired,
    /// 467: the user logged out, which ends the session the token was for.
    LoggedOut,
    /// 458: the user removed the app from their account.
    AppRemoved,
    /// 459: Instagram wants the user to log in and pass a security check.
    SecurityCheck,
    /// 464: the account is not confirmed.
    Unconfirmed,
    /// 190 with nothing more: invalid, unreadable or revoked.
    Invalid,
}

impl Revocation {
    /// The reason in plain words, for a line or a notification.
    pub fn reason(self) -> &'static str {
        match self {
            Revocation::PasswordChanged => {
                "the password was changed (or Instagram reset the session for security)"
            }
            Revocation::SessionExpired => "the session expired",
            Revocation::LoggedOut => "the user logged out of Instagram",
            Revocation::AppRemoved => "the app was removed from the Instagram account",
            Revocation::SecurityCheck => {
                "Instagram wants a login on instagram.com to clear a security check"
            }
            Revocation::Unconfirmed => "the Instagram account is not confirmed",
            Revocation::Invalid => "Instagram no longer accepts the token",
        }
    }

    /// A stable word for JSON and the state file.
    pub fn as_str(self) -> &'static str {
        match self {
            Revocation::PasswordChanged => "password_changed",
            Revocation::SessionExpired => "session_expired",
            Revocation::LoggedOut => "logged_out",
            Revocation::AppRemoved => "app_removed",
            Revocation::SecurityCheck => "security_check",
            Revocation::Unconfirmed => "unconfirmed",
            Revocation::Invalid => "invalid",
        }
    }

    /// The inverse of [`Revocation::as_str`]; an unknown word reads as `Invalid`.
    pub fn parse(word: &str) -> Revocation {
        [
            Revocation::PasswordChanged,
            Revocation::SessionExpired,
            Revocation::LoggedOut,
            Revocation::AppRemoved,
            Revocation::SecurityCheck,
            Revocation::Unconfirmed,
        ]
        .into_iter()
        .find(|r| r.as_str() == word)
        .unwrap_or(Revocation::Invalid)
    }
}

/// Meta's words when it switches an app's API access off: "API access
/// deactivated. To reactivate, go to the app dashboard." (inactivity),
/// "…complete Data Use Checkup", "API access blocked".
fn says_app_restricted(msg: &str) -> bool {
    msg.contains("api access deactivated")
        || msg.contains("data use checkup")
        || msg.contains("api access blocked")
}

/// `90s` → 2: a wait is never announced shorter than it is.
pub(crate) fn minutes_rounded_up(d: Duration) -> u64 {
    d.as_secs().div_ceil(60).max(1)
}

/// The innermost cause, in plain words: `Connection refused (os error 111)`
/// becomes `connection refused`. The layers above it (`client error
/// (Connect)`, `tcp connect error`) say nothing a user can act on.
fn err_chain(err: &reqwest::Error) -> String {
    use std::error::Error as _;
    let mut innermost = None;
    let mut source = err.source();
    while let Some(s) = source {
        innermost = Some(s.to_string());
        source = s.source();
    }
    let Some(text) = innermost else {
        return "no further detail".to_string();
    };
    let text = match text.rfind(" (os error ") {
        Some(at) if text.ends_with(')') => &text[..at],
        _ => text.as_str(),
    };
    let mut chars = text.chars();
    match chars.next() {
        Some(first) if chars.clone().next().is_some_and(char::is_lowercase) => {
            first.to_lowercase().chain(chars).collect()
        }
        _ => text.to_string(),
    }
}

fn not_json(status: u16, content_type: Option<&str>, body: &[u8]) -> ApiError {
    let text = String::from_utf8_lossy(body);
    let looks_html =
        content_type.is_some_and(|c| c.contains("html")) || text.trim_start().starts_with('<');
    let preview: String = text
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .chars()
        .take(60)
        .collect();
    let what = if body.is_empty() {
        "an empty answer".to_string()
    } else if looks_html {
        format!("HTML instead of JSON: \"{preview}…\"")
    } else {
        format!(
            "an unreadable or cut-off answer ({} bytes): \"{preview}…\"",
            body.len()
        )
    };
    ApiError {
        status: Some(status),
        ..ApiError::new(ErrorKind::NotJson, format!("Instagram sent {what}"))
    }
}

#[derive(Deserialize)]
struct GraphBody {
    error: GraphError,
}

#[derive(Deserialize)]
struct GraphError {
    #[serde(default)]
    message: Option<String>,
    #[serde(default, rename = "type")]
    error_type: Option<String>,
    #[serde(default)]
    code: Option<i64>,
    #[serde(default)]
    error_subcode: Option<i64>,
    #[serde(default)]
    fbtrace_id: Option<String>,
    #[serde(default)]
    is_transient: Option<bool>,
}

#[derive(Deserialize)]
struct OAuthBody {
    #[serde(default)]
    error_type: Option<String>,
    #[serde(default)]
    code: Option<i64>,
    error_message: String,
}

/// Both shapes: `{"error":{…}}` from the Graph host and
/// `{"error_type","code","error_message"}` from the OAuth host.
fn parse_error_body(body: &[u8]) -> Option<ApiError> {
    if let Ok(graph) = serde_json::from_slice::<GraphBody>(body) {
        let e = graph.error;
        return Some(ApiError {
            kind: ErrorKind::Other,
            status: None,
            code: e.code,
            subcode: e.error_subcode,
            error_type: e.error_type,
            message: e
                .message
                .unwrap_or_else(|| "Instagram reported an error without a message".to_string()),
            fbtrace_id: e.fbtrace_id,
            is_transient: e.is_transient.unwrap_or(false),
            retry_after_secs: None,
        });
    }
    if let Ok(oauth) = serde_json::from_slice::<OAuthBody>(body) {
        return Some(ApiError {
            code: oauth.code,
            error_type: oauth.error_type,
            ..ApiError::new(ErrorKind::Other, oauth.error_message)
        });
    }
    None
}

/// Graph's "Unsupported request - method type: get": the Basic Display API's
/// retirement, or on the Instagram Login API a token or endpoint that is not
/// its own (see `ApiError::in_flavor`). Read in one place for both.
fn says_unsupported_get(message: &str) -> bool {
    message
        .to_ascii_lowercase()
        .contains("unsupported request - method type: get")
}

fn classify(err: &ApiError) -> ErrorKind {
    let msg = err.message.to_ascii_lowercase();
    let status = err.status.unwrap_or(0);
    if says_unsupported_get(&msg)
        || msg.contains("invalid scope: user_profile")
        || msg.contains("invalid scope: user_media")
    {
        return ErrorKind::RetiredApi;
    }
    if says_app_restricted(&msg) {
        return ErrorKind::AppRestricted;
    }
    if err.code == Some(190) {
        return ErrorKind::NeedsReauth;
    }
    // Meta's code for a path it does not know, which a version it stopped
    // serving makes of every path.
    if err.code == Some(2500) {
        return ErrorKind::UnknownPath;
    }
    if msg.contains("authorization code has")
        || msg.contains("matching code was not found")
        || err.subcode == Some(36009)
    {
        return ErrorKind::CodeRejected;
    }
    if msg.contains("redirect_uri") || msg.contains("redirect uri") {
        return ErrorKind::RedirectMismatch;
    }
    if msg.contains("client secret") || msg.contains("app secret") {
        return ErrorKind::InvalidSecret;
    }
    if msg.contains("invalid platform app") || msg.contains("insufficient developer role") {
        return ErrorKind::InvalidApp;
    }
    // Meta's "Handling Errors" codes: 341 "Application limit reached"
    // (temporary), 368 "Temporarily blocked for policies violations".
    if err.code == Some(341) {
        return ErrorKind::AppLimit;
    }
    if err.code == Some(368) {
        return ErrorKind::PolicyBlock;
    }
    if err.code.is_some_and(|c| RATE_LIMIT_CODES.contains(&c)) || status == 429 {
        return ErrorKind::RateLimited;
    }
    if err.code == Some(10) || matches!(err.code, Some(200..=299)) {
        return ErrorKind::Permission;
    }
    if status >= 500 || err.is_transient {
        return ErrorKind::Transient;
    }
    if err.code == Some(100) {
        return ErrorKind::BadParameter;
    }
    ErrorKind::Other
}
