//! The single entry point: records each request, applies injected faults, then dispatches by path.

use super::cdn;
use super::clock;
use super::control::{Fault, RecordedRequest};
use super::form;
use super::graph::{self, GraphRequest};
use super::hostile;
use super::oauth;
use super::respond::{GraphError, OAuthError, text_response};
use super::state::{PendingFault, Shared};
use axum::body::{Body, to_bytes};
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::Response;
use std::sync::Arc;

/// What a proxy answers instead of JSON (the `html_proxy_error.html` fixture).
const HTML_502: &str = "<!DOCTYPE html>\n<html><head><title>502 Bad Gateway</title></head><body>\
<h1>Bad Gateway</h1><p>The proxy server received an invalid response from an upstream server.\
</p></body></html>\n";

/// Larger POST bodies are refused; a token exchange is a few hundred bytes.
const MAX_BODY: usize = 1 << 20;

pub(crate) async fn handle(State(app): State<Arc<Shared>>, request: Request) -> Response {
    let method = request.method().as_str().to_string();
    let path = request.uri().path().to_string();
    let query = request.uri().query().unwrap_or_default().to_string();
    // Steering from outside, not a request to Instagram: neither recorded
    // nor faulted.
    if app.config.clock_control && path == clock::CLOCK_PATH {
        return clock::handle(&app, request.method().as_str(), &query);
    }
    // Method and path only: queries and bodies carry tokens and secrets.
    tracing::debug!(%method, %path, "fake instagram request");
    let (fault, latency) = {
        let mut inner = app.lock();
        inner.requests.push(RecordedRequest {
            method,
            path: path.clone(),
            query,
        });
        inner.in_flight += 1;
        inner.peak_in_flight = inner.peak_in_flight.max(inner.in_flight);
        (take_fault(&mut inner.faults, &path), inner.latency)
    };
    let _counted = InFlight(&app);
    if !latency.is_zero() {
        tokio::time::sleep(latency).await;
    }
    match fault {
        None | Some(Fault::Cycle(_)) => answer(&app, request).await,
        Some(Fault::Endless) => hostile::endless(),
        Some(Fault::Huge(len)) => hostile::huge(len),
        Some(Fault::Drip(every)) => hostile::drip(every),
        Some(Fault::Redirect { status, location }) => hostile::redirect(status, &location),
        Some(Fault::Html502) => text_response(StatusCode::BAD_GATEWAY, "text/html", HTML_502),
        Some(Fault::Status500) => GraphError::transient().into_response(),
        Some(Fault::RateLimited) => {
            let mut response = GraphError::rate_limited().into_response();
            response.headers_mut().insert(
                "x-app-usage",
                HeaderValue::from_static(
                    r#"{"call_count":100,"total_time":100,"total_cputime":100}"#,
                ),
            );
            response
        }
        Some(Fault::InstagramRateLimit { minutes }) => {
            let mut response = GraphError::instagram_rate_limited().into_response();
            let usage = format!(
                r#"{{"{}":[{{"type":"instagram","call_count":100,"total_cputime":64,"total_time":71,"estimated_time_to_regain_access":{minutes}}}]}}"#,
                app.config.user_id
            );
            if let Ok(value) = HeaderValue::from_str(&usage) {
                response
                    .headers_mut()
                    .insert("x-business-use-case-usage", value);
            }
            response
        }
        Some(Fault::Slow(delay)) => {
            tokio::time::sleep(delay).await;
            answer(&app, request).await
        }
        Some(Fault::Truncated) => truncate(answer(&app, request).await).await,
        Some(Fault::Canned {
            status,
            content_type,
            body,
        }) => {
            let mut response = Response::new(Body::from(body));
            *response.status_mut() =
                StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
            if let Ok(value) = HeaderValue::from_str(&content_type) {
                response.headers_mut().insert(header::CONTENT_TYPE, value);
            }
            response
        }
    }
}

/// One request being answered: counted out when its answer is handed back
/// (or the client went away).
struct InFlight<'a>(&'a Shared);

impl Drop for InFlight<'_> {
    fn drop(&mut self) {
        let mut inner = self.0.lock();
        inner.in_flight = inner.in_flight.saturating_sub(1);
    }
}

/// Takes one use of the first pending fault that applies to `path`.
fn take_fault(faults: &mut Vec<PendingFault>, path: &str) -> Option<Fault> {
    let unversioned = strip_version(path);
    let index = faults.iter().position(|f| match &f.prefix {
        None => true,
        Some(prefix) => {
            path.starts_with(prefix.as_str()) || unversioned.starts_with(prefix.as_str())
        }
    })?;
    let pending = faults.get_mut(index)?;
    let fault = match &pending.fault {
        Fault::Cycle(list) if !list.is_empty() => list[pending.used % list.len()].clone(),
        other => other.clone(),
    };
    pending.used += 1;
    pending.remaining = pending.remaining.saturating_sub(1);
    if pending.remaining == 0 {
        faults.remove(index);
    }
    Some(fault)
}

/// `/v21.0/me` → `/me`; paths without a version are returned as they are.
fn strip_version(path: &str) -> &str {
    let rest = path.strip_prefix('/').unwrap_or(path);
    let (first, tail) = match rest.split_once('/') {
        Some((first, tail)) => (first, Some(tail)),
        None => (rest, None),
    };
    let is_version = first.strip_prefix('v').is_some_and(|v| {
        let mut parts = v.splitn(2, '.');
        let major = parts.next().unwrap_or_default();
        let minor = parts.next().unwrap_or("0");
        !major.is_empty()
            && !minor.is_empty()
            && major.bytes().all(|b| b.is_ascii_digit())
            && minor.bytes().all(|b| b.is_ascii_digit())
    });
    match tail {
        // Keep the slash in front of the remainder.
        Some(tail) if is_version => &path[path.len() - tail.len() - 1..],
        None if is_version => "/",
        _ => path,
    }
}

async fn truncate(response: Response) -> Response {
    let (mut parts, body) = response.into_parts();
    let bytes = to_bytes(body, usize::MAX).await.unwrap_or_default();
    let half = bytes.slice(..bytes.len() / 2);
    parts.status = StatusCode::OK;
    parts.headers.remove(header::CONTENT_LENGTH);
    Response::from_parts(parts, Body::from(half))
}

fn query_pairs(query: &str) -> Vec<(String, String)> {
    url::form_urlencoded::parse(query.as_bytes())
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect()
}

/// `access_token` from the query, else `Authorization: Bearer …` (or `OAuth …`).
fn bearer(headers: &HeaderMap) -> Option<String> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?.trim();
    let (scheme, token) = value.split_once(' ')?;
    (scheme.eq_ignore_ascii_case("bearer") || scheme.eq_ignore_ascii_case("oauth"))
        .then(|| token.trim().to_string())
}

/// The normal answer, without faults.
async fn answer(app: &Shared, request: Request) -> Response {
    let (parts, body) = request.into_parts();
    let method = parts.method.as_str();
    let path = parts.uri.path();
    let params = query_pairs(parts.uri.query().unwrap_or_default());

    if let Some(file) = path.strip_prefix("/cdn/") {
        if method != "GET" && method != "HEAD" {
            return text_response(
                StatusCode::METHOD_NOT_ALLOWED,
                "text/plain",
                "Method Not Allowed",
            );
        }
        return cdn::serve(app, file, parts.uri.query().unwrap_or_default());
    }
    match path {
        "/oauth/authorize" => return oauth::authorize(app, &params),
        "/oauth/access_token" => {
            if method != "POST" {
                return OAuthError::new("Invalid request: the token endpoint only accepts POST")
                    .into_response();
            }
            let Ok(bytes) = to_bytes(body, MAX_BODY).await else {
                return OAuthError::new("Invalid request: the body could not be read")
                    .into_response();
            };
            let content_type = parts
                .headers
                .get(header::CONTENT_TYPE)
                .and_then(|v| v.to_str().ok());
            return oauth::access_token(app, &form::parse(content_type, &bytes));
        }
        _ => {}
    }

    let unversioned = strip_version(path);
    let token = params
        .iter()
        .find(|(k, _)| k == "access_token")
        .map(|(_, v)| v.clone())
        .or_else(|| bearer(&parts.headers));
    let version = path
        .strip_prefix('/')
        .and_then(|rest| rest.split('/').next())
        .filter(|_| unversioned.len() < path.len());
    let request = GraphRequest {
        method,
        raw_path: path,
        version,
        segments: unversioned.split('/').filter(|s| !s.is_empty()).collect(),
        params,
        token,
    };
    graph::handle(app, &request)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strips_only_version_prefixes() {
        assert_eq!(strip_version("/v21.0/me/media"), "/me/media");
        assert_eq!(strip_version("/v21/me"), "/me");
        assert_eq!(strip_version("/v21.0"), "/");
        assert_eq!(strip_version("/me"), "/me");
        assert_eq!(strip_version("/video/x"), "/video/x");
        assert_eq!(strip_version("/v/x"), "/v/x");
        assert_eq!(strip_version("/"), "/");
        assert_eq!(strip_version(""), "");
    }

    #[test]
    fn faults_are_used_up_in_order_and_by_prefix() {
        let mut faults = vec![
            PendingFault {
                prefix: Some("/me".into()),
                fault: Fault::Html502,
                remaining: 1,
                used: 0,
            },
            PendingFault {
                prefix: None,
                fault: Fault::Truncated,
                remaining: 2,
                used: 0,
            },
        ];
        assert_eq!(
            take_fault(&mut faults, "/cdn/x.jpg"),
            Some(Fault::Truncated)
        );
        assert_eq!(
            take_fault(&mut faults, "/v21.0/me/media"),
            Some(Fault::Html502)
        );
        assert_eq!(take_fault(&mut faults, "/me"), Some(Fault::Truncated));
        assert_eq!(take_fault(&mut faults, "/me"), None);
    }
}
