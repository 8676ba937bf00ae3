//! Building answers the way Instagram sends them: escaped JSON, both error shapes, usage headers.

use axum::body::Body;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::Response;
use rand::Rng;
use serde::Serialize;

pub(crate) const JSON_TYPE: &str = "application/json; charset=UTF-8";

const TRACE_CHARS: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/// Serialises like Graph does: `/` as `\/` and every non-ASCII character as
/// `\uXXXX` (surrogate pairs beyond the BMP), as in the captured responses.
pub(crate) fn to_graph_json<T: Serialize + ?Sized>(value: &T) -> String {
    let plain = serde_json::to_string(value).unwrap_or_else(|_| "{}".to_string());
    escape_graph_json(&plain)
}

/// Outside strings JSON holds neither `/` nor non-ASCII, so a plain pass is safe.
pub(crate) fn escape_graph_json(plain: &str) -> String {
    let mut out = String::with_capacity(plain.len() + plain.len() / 8);
    for c in plain.chars() {
        match c {
            '/' => out.push_str("\\/"),
            c if c.is_ascii() => out.push(c),
            c => {
                let mut units = [0u16; 2];
                for unit in c.encode_utf16(&mut units) {
                    out.push_str(&format!("\\u{unit:04x}"));
                }
            }
        }
    }
    out
}

pub(crate) fn random_string(len: usize, alphabet: &[u8]) -> String {
    let mut rng = rand::rng();
    (0..len)
        .map(|_| char::from(alphabet[rng.random_range(0..alphabet.len())]))
        .collect()
}

pub(crate) fn fbtrace_id() -> String {
    format!("A{}", random_string(22, TRACE_CHARS))
}

pub(crate) fn json_response(status: StatusCode, body: String) -> Response {
    let mut response = Response::new(Body::from(body));
    *response.status_mut() = status;
    response
        .headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(JSON_TYPE));
    response
}

pub(crate) fn graph_ok<T: Serialize + ?Sized>(value: &T) -> Response {
    json_response(StatusCode::OK, to_graph_json(value))
}

pub(crate) fn text_response(
    status: StatusCode,
    content_type: &'static str,
    body: impl Into<Body>,
) -> Response {
    let mut response = Response::new(body.into());
    *response.status_mut() = status;
    response
        .headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    response
}

/// An error of the OAuth host: `{"error_type","code":400,"error_message"}`, status 400.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct OAuthError(pub String);

impl OAuthError {
    pub(super) fn new(message: impl Into<String>) -> Self {
        OAuthError(message.into())
    }

    pub(super) fn into_response(self) -> Response {
        #[derive(Serialize)]
        struct Body<'a> {
            error_type: &'a str,
            code: u16,
            error_message: &'a str,
        }
        let body = Body {
            error_type: "OAuthException",
            code: 400,
            error_message: &self.0,
        };
        json_response(StatusCode::BAD_REQUEST, to_graph_json(&body))
    }
}

/// An error of the Graph host: `{"error":{"message","type","code","error_subcode","fbtrace_id"}}`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct GraphError {
    pub status: StatusCode,
    pub message: String,
    pub kind: &'static str,
    pub is_transient: Option<bool>,
    pub code: u32,
    pub subcode: Option<u32>,
}

impl GraphError {
    pub(super) fn new(code: u32, kind: &'static str, message: impl Into<String>) -> Self {
        GraphError {
            status: StatusCode::BAD_REQUEST,
            message: message.into(),
            kind,
            is_transient: None,
            code,
            subcode: None,
        }
    }

    pub(super) fn subcode(mut self, subcode: u32) -> Self {
        self.subcode = Some(subcode);
        self
    }

    /// Code 100, a bad parameter.
    pub(super) fn param(message: impl Into<String>) -> Self {
        GraphError::new(100, "OAuthException", message)
    }

    pub(super) fn missing_token() -> Self {
        GraphError::new(
            190,
            "OAuthException",
            "An active access token must be used to query information about the current user.",
        )
    }

    pub(super) fn bad_token() -> Self {
        GraphError::new(
            190,
            "OAuthException",
            "Invalid OAuth access token - Cannot parse access token",
        )
    }

    pub(super) fn password_changed() -> Self {
        GraphError::new(
            190,
            "OAuthException",
            "Error validating access token: The session has been invalidated because the user \
             changed their password or Facebook has changed the session for security reasons.",
        )
    }

    pub(super) fn expired(expired_at: time::OffsetDateTime, now: time::OffsetDateTime) -> Self {
        GraphError::new(
            190,
            "OAuthException",
            format!(
                "Error validating access token: Session has expired on {}. The current time is {}.",
                session_time(expired_at),
                session_time(now)
            ),
        )
    }

    /// What every call of the retired Basic Display API answers.
    pub(super) fn retired() -> Self {
        GraphError::new(
            100,
            "IGApiException",
            "Unsupported request - method type: get",
        )
    }

    pub(super) fn duplicate_field(field: &str) -> Self {
        GraphError::param(format!(
            "Field {field} specified more than once. This is only possible before version 2.1"
        ))
    }

    /// Another user's profile or media asked for with this user's token
    /// (the `error_graph_permission.json` fixture).
    pub(super) fn no_permission() -> Self {
        GraphError::new(
            10,
            "IGApiException",
            "Application does not have permission for this action",
        )
    }

    pub(super) fn unknown_object(id: &str, method: &str) -> Self {
        GraphError::new(
            100,
            "IGApiException",
            format!(
                "Unsupported {method} request. Object with ID '{id}' does not exist, cannot be \
                 loaded due to missing permissions, or does not support this operation"
            ),
        )
        .subcode(33)
    }

    pub(super) fn transient() -> Self {
        let mut error = GraphError::new(
            2,
            "OAuthException",
            "An unexpected error has occurred. Please retry your request later.",
        );
        error.status = StatusCode::INTERNAL_SERVER_ERROR;
        error.is_transient = Some(true);
        error
    }

    pub(super) fn rate_limited() -> Self {
        let mut error = GraphError::new(
            4,
            "OAuthException",
            "(#4) Application request limit reached",
        );
        error.status = StatusCode::TOO_MANY_REQUESTS;
        error.is_transient = Some(true);
        error
    }

    /// Instagram's own per-account limit (the `error_graph_rate_limited_80002.json` fixture).
    pub(super) fn instagram_rate_limited() -> Self {
        let mut error = GraphError::new(
            80002,
            "OAuthException",
            "(#80002) There have been too many calls to this Instagram account. Wait a bit and \
             try again. For more info, please refer to \
             https://developers.facebook.com/docs/graph-api/overview/rate-limiting.",
        );
        error.is_transient = Some(true);
        error
    }

    pub(super) fn body(&self) -> String {
        #[derive(Serialize)]
        struct Outer<'a> {
            error: Inner<'a>,
        }
        #[derive(Serialize)]
        struct Inner<'a> {
            message: &'a str,
            #[serde(rename = "type")]
            kind: &'a str,
            #[serde(skip_serializing_if = "Option::is_none")]
            is_transient: Option<bool>,
            code: u32,
            #[serde(skip_serializing_if = "Option::is_none")]
            error_subcode: Option<u32>,
            fbtrace_id: String,
        }
        to_graph_json(&Outer {
            error: Inner {
                message: &self.message,
                kind: self.kind,
                is_transient: self.is_transient,
                code: self.code,
                error_subcode: self.subcode,
                fbtrace_id: fbtrace_id(),
            },
        })
    }

    pub(super) fn into_response(self) -> Response {
        json_response(self.status, self.body())
    }
}

/// `Wednesday, 26-Oct-22 20:00:00 UTC`, the format of the expiry message.
fn session_time(at: time::OffsetDateTime) -> String {
    let format = time::macros::format_description!(
        "[weekday], [day]-[month repr:short]-[year repr:last_two] [hour]:[minute]:[second] UTC"
    );
    at.to_offset(time::UtcOffset::UTC)
        .format(&format)
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_slashes_and_non_ascii_like_graph() {
        let value = serde_json::json!({"u": "https://x/y", "c": "é👌"});
        let body = to_graph_json(&value);
        assert!(body.contains(r"https:\/\/x\/y"), "{body}");
        assert!(body.contains(r"\u00e9\ud83d\udc4c"), "{body}");
        let back: serde_json::Value = serde_json::from_str(&body).unwrap();
        assert_eq!(back, value);
    }

    #[test]
    fn graph_error_has_the_documented_shape() {
        let body = GraphError::expired(
            time::macros::datetime!(2022-10-26 20:00:00 UTC),
            time::macros::datetime!(2022-10-26 21:51:57 UTC),
        )
        .body();
        let v: serde_json::Value = serde_json::from_str(&body).unwrap();
        assert_eq!(v["error"]["code"], 190);
        // Real expiry bodies carry no subcode (`captured/me_err__400.json`).
        assert!(v["error"].get("error_subcode").is_none(), "{v}");
        assert_eq!(v["error"]["type"], "OAuthException");
        assert_eq!(
            v["error"]["message"],
            "Error validating access token: Session has expired on Wednesday, 26-Oct-22 \
             20:00:00 UTC. The current time is Wednesday, 26-Oct-22 21:51:57 UTC."
        );
        assert_eq!(v["error"]["fbtrace_id"].as_str().map(str::len), Some(23));
    }
}
