//! Hostile answers for the reliability tests: bodies that never end, are huge or drip, and redirects.

use super::respond::JSON_TYPE;
use axum::body::Body;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::Response;
use bytes::Bytes;
use futures::StreamExt as _;
use std::time::Duration;

/// What the endless and huge bodies are made of: a JSON-looking prefix that
/// never closes, so only a size limit ends the read.
const CHUNK: usize = 64 * 1024;

/// Status 200, JSON, and a body that never ends.
pub(crate) fn endless() -> Response {
    let prefix = Bytes::from_static(b"{\"data\":[\"");
    let filler = Bytes::from(vec![b'a'; CHUNK]);
    let chunks = futures::stream::once(async move { Ok::<_, std::io::Error>(prefix) }).chain(
        futures::stream::repeat_with(move || Ok::<_, std::io::Error>(filler.clone())),
    );
    streamed(StatusCode::OK, Body::from_stream(chunks), None)
}

/// Status 200 and exactly `len` bytes, announced in `Content-Length`.
pub(crate) fn huge(len: u64) -> Response {
    let filler = Bytes::from(vec![b'a'; CHUNK]);
    let full = len / CHUNK as u64;
    let rest = (len % CHUNK as u64) as usize;
    let tail = filler.slice(..rest);
    let chunks = futures::stream::iter(
        (0..full)
            .map(move |_| Ok::<_, std::io::Error>(filler.clone()))
            .chain(std::iter::once(Ok(tail))),
    );
    streamed(StatusCode::OK, Body::from_stream(chunks), Some(len))
}

/// Status 200, then one byte every `every`, forever: alive, never done.
pub(crate) fn drip(every: Duration) -> Response {
    let chunks = futures::stream::unfold((), move |()| async move {
        tokio::time::sleep(every).await;
        Some((Ok::<_, std::io::Error>(Bytes::from_static(b" ")), ()))
    });
    streamed(StatusCode::OK, Body::from_stream(chunks), None)
}

/// A redirect (301, 302, 303, 307 or 308) to `location`.
pub(crate) fn redirect(status: u16, location: &str) -> Response {
    let mut response = Response::new(Body::empty());
    *response.status_mut() = StatusCode::from_u16(status).unwrap_or(StatusCode::TEMPORARY_REDIRECT);
    if let Ok(value) = HeaderValue::from_str(location) {
        response.headers_mut().insert(header::LOCATION, value);
    }
    response
}

fn streamed(status: StatusCode, body: Body, len: Option<u64>) -> Response {
    let mut response = Response::new(body);
    *response.status_mut() = status;
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(JSON_TYPE));
    if let Some(len) = len {
        headers.insert(header::CONTENT_LENGTH, HeaderValue::from(len));
    }
    response
}
