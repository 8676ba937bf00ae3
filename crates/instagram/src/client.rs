//! The HTTP client: every call of the flow, with timeouts, retries for idempotent GETs and rate-usage tracking.

use super::backoff::Patience;
use super::engagement::{self, CommentPage, Insight};
use super::error::{ApiError, ErrorKind};
use super::flavor::Node;
use super::limits::{self, Limits};
use super::model::{self, LongToken, Media, MediaPage, Profile, ShortToken};
use super::{Endpoints, Flavor, RateUsage};
use crate::secret::Secret;
use serde::de::DeserializeOwned;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use time::OffsetDateTime;

/// Whose media to list: the token's own account. The id the code exchange
/// answers with is app-scoped and not an IG User node; Meta documents
/// `/me/media` (or `/me`'s `user_id`).
pub const ME: &str = "me";

/// What a comment is asked for, its replies' the same but their own replies.
const COMMENT_FIELDS: &str =
    "id,text,username,timestamp,like_count,replies{id,text,username,timestamp,like_count}";

/// The page size we ask for; Instagram's default is 25.
pub const PAGE_LIMIT: u32 = 100;
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);
/// API calls: the first try and up to three more.
const API_TRIES: u32 = 4;

/// Cheap to clone: clones share the connection pool and the usage figures.
#[derive(Clone)]
pub struct Client {
    http: reqwest::Client,
    /// For the token endpoints: follows no redirect. A 307/308 would send
    /// the app secret and the code again, to whatever host it names.
    token_http: reqwest::Client,
    endpoints: Endpoints,
    flavor: Flavor,
    retry_delay: Duration,
    limits: Limits,
    usage: Arc<Mutex<Option<RateUsage>>>,
    refused: Arc<Refused>,
    /// Instagram's rate-limit answer and until when it asked to wait: data
    /// calls before then are not sent (clones share it).
    paused: Arc<Mutex<Option<(Instant, ApiError)>>>,
    /// Whether a walk through the pages waits out a rate limit (the CLI)
    /// or gives up at once with the time to wait (the TUI, which waits
    /// on its own clock).
    patience: Option<Patience>,
    /// Stamps the rate usage each answer reports; the app passes its own
    /// (which may be skewed for trying instatui against a moved fake clock).
    clock: fn() -> OffsetDateTime,
}

/// What the code exchange names: the app as registered in the Meta app
/// dashboard. Borrowed from wherever the app keeps its configuration.
#[derive(Debug, Clone, Copy)]
pub struct AppRegistration<'a> {
    pub app_id: &'a str,
    pub app_secret: &'a Secret,
    /// Sent verbatim: it must match the registered URI character for character.
    pub redirect_uri: &'a str,
}

/// Now, to the second: the clock when the app passes none.
fn now_to_the_second() -> OffsetDateTime {
    let now = OffsetDateTime::now_utc();
    now.replace_nanosecond(0).unwrap_or(now)
}

/// The optional field Instagram refused, per kind of object: from then on
/// this client (and its clones) asks without the optional fields, so later
/// calls do not fail first. Kept for the life of the process, not stored:
/// a new run asks for everything once more, and gets the fields back as
/// soon as Instagram takes them again, at the cost of one refused call.
#[derive(Debug, Default)]
struct Refused {
    profile: Mutex<Option<String>>,
    media: Mutex<Option<String>>,
}

impl Refused {
    fn slot(&self, node: Node) -> &Mutex<Option<String>> {
        match node {
            Node::Profile => &self.profile,
            Node::Media => &self.media,
        }
    }

    fn get(&self, node: Node) -> Option<String> {
        self.slot(node)
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    fn set(&self, node: Node, field: &str) {
        *self.slot(node).lock().unwrap_or_else(|e| e.into_inner()) = Some(field.to_string());
    }
}

impl std::fmt::Debug for Client {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Client")
            .field("endpoints", &self.endpoints)
            .field("flavor", &self.flavor)
            .finish_non_exhaustive()
    }
}

/// A fetched file: the bytes and the type the server declared.
#[derive(Debug, Clone)]
pub struct Download {
    pub bytes: bytes::Bytes,
    pub content_type: Option<String>,
}

impl Client {
    pub fn new(flavor: Flavor, endpoints: Endpoints) -> Result<Self, ApiError> {
        crate::install_crypto_provider();
        let builder = || {
            reqwest::Client::builder()
                .connect_timeout(CONNECT_TIMEOUT)
                .timeout(REQUEST_TIMEOUT)
                .user_agent(concat!("instatui/", env!("CARGO_PKG_VERSION")))
        };
        let tls_error = |e: reqwest::Error| {
            ApiError::new(
                ErrorKind::Network,
                format!("could not set up HTTPS ({e}); check the system's TLS configuration"),
            )
        };
        let http = builder().build().map_err(tls_error)?;
        let token_http = builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .map_err(tls_error)?;
        Ok(Client {
            http,
            token_http,
            endpoints,
            flavor,
            retry_delay: Duration::from_millis(400),
            limits: Limits::default(),
            usage: Arc::new(Mutex::new(None)),
            refused: Arc::default(),
            paused: Arc::default(),
            patience: None,
            clock: now_to_the_second,
        })
    }

    /// Walks through the pages wait out rate limits within `patience`.
    pub fn with_patience(mut self, patience: Patience) -> Self {
        self.patience = Some(patience);
        self
    }

    /// The first pause between retries; it doubles each time. Tests shorten it.
    pub fn with_retry_delay(mut self, delay: Duration) -> Self {
        self.retry_delay = delay;
        self
    }

    /// The clock that stamps the rate usage (`RateUsage::seen_at`).
    pub fn with_clock(mut self, clock: fn() -> OffsetDateTime) -> Self {
        self.clock = clock;
        self
    }

    /// Other size and speed caps than the defaults. Tests lower them.
    pub fn with_limits(mut self, limits: Limits) -> Self {
        self.limits = limits;
        self
    }

    pub fn limits(&self) -> &Limits {
        &self.limits
    }

    /// The shared connection pool, for streaming downloads.
    pub(crate) fn http(&self) -> &reqwest::Client {
        &self.http
    }

    pub fn flavor(&self) -> Flavor {
        self.flavor
    }

    /// The usage Instagram reported on the latest answer that carried it.
    pub fn rate_usage(&self) -> Option<RateUsage> {
        self.usage.lock().unwrap_or_else(|e| e.into_inner()).clone()
    }

    /// Code → short-lived token. Sent exactly once: a code is single-use, so
    /// a retry could only fail and hide the first answer.
    pub async fn exchange_code<'a>(
        &self,
        app: impl Into<AppRegistration<'a>>,
        code: &str,
    ) -> Result<ShortToken, ApiError> {
        let app = app.into();
        let url = format!("{}/oauth/access_token", self.endpoints.api_base);
        let form = [
            ("client_id", app.app_id),
            ("client_secret", app.app_secret.expose()),
            ("grant_type", "authorization_code"),
            ("redirect_uri", app.redirect_uri),
            ("code", code),
        ];
        let request = self.token_http.post(&url).form(&form);
        let answer = self
            .send(
                request,
                Call::Token("POST /oauth/access_token"),
                self.limits.json_bytes,
            )
            .await?;
        let short = answer.decode(|b| serde_json::from_slice::<ShortToken>(b))?;
        checked_token(&short.access_token, "POST /oauth/access_token")?;
        Ok(short)
    }

    /// Short-lived → long-lived (60 days).
    pub async fn exchange_long_lived(
        &self,
        app_secret: &Secret,
        short_token: &Secret,
    ) -> Result<LongToken, ApiError> {
        let url = format!("{}/access_token", self.endpoints.graph_base);
        let query = [
            ("grant_type", "ig_exchange_token"),
            ("client_secret", app_secret.expose()),
            ("access_token", short_token.expose()),
        ];
        let long = self
            .get_token_json::<LongToken>(&url, &query, "GET /access_token")
            .await?;
        checked_long(long, "GET /access_token")
    }

    /// A fresh 60 days for a long-lived token at least a day old.
    pub async fn refresh(&self, token: &Secret) -> Result<LongToken, ApiError> {
        let url = format!("{}/refresh_access_token", self.endpoints.graph_base);
        let query = [
            ("grant_type", "ig_refresh_token"),
            ("access_token", token.expose()),
        ];
        let long = self
            .get_token_json::<LongToken>(&url, &query, "GET /refresh_access_token")
            .await
            .map_err(ApiError::in_refresh)?;
        checked_long(long, "GET /refresh_access_token")
    }

    /// The optional field Instagram refused for this kind of object in this
    /// process, if it did: the answers since lack the optional fields.
    pub fn refused_field(&self, node: Node) -> Option<String> {
        self.refused.get(node)
    }

    /// Runs `call` with the fields to ask for `node`; when Instagram refuses
    /// one of the optional ones, once more without them, and remembers that.
    async fn with_fields<T, F, Fut>(&self, node: Node, call: F) -> Result<T, ApiError>
    where
        F: Fn(&'static str) -> Fut,
        Fut: std::future::Future<Output = Result<T, ApiError>>,
    {
        let fields = |optional| match node {
            Node::Profile => self.flavor.profile_fields(optional),
            Node::Media => self.flavor.media_fields(optional),
        };
        if self.refused.get(node).is_some() {
            return call(fields(false)).await;
        }
        let err = match call(fields(true)).await {
            Err(err) => err,
            ok => return ok,
        };
        let optional = self.flavor.optional_fields(node);
        match err.unsupported_field() {
            Some(field) if optional.contains(&field) => {
                tracing::warn!(
                    field,
                    "Instagram refused an optional field; asking without the optional ones from now on"
                );
                self.refused.set(node, field);
                call(fields(false)).await
            }
            _ => Err(err),
        }
    }

    /// `/me`, flat or wrapped.
    pub async fn profile(&self, token: &Secret) -> Result<Profile, ApiError> {
        let url = self.endpoints.graph_url("me");
        self.with_fields(Node::Profile, |fields| {
            let query = [("fields", fields), ("access_token", token.expose())];
            let url = &url;
            async move {
                self.get_data(url, &query, "GET /me", model::parse_profile)
                    .await
            }
        })
        .await
    }

    /// One page of the owner's media, newest first: `owner` is [`ME`] or
    /// the `user_id` from `/me`, never the code exchange's id. Pages are requested
    /// against the configured base with the `after` cursor, never by
    /// following `next` (which names the real host).
    pub async fn media_page(
        &self,
        token: &Secret,
        owner: &str,
        after: Option<&str>,
        limit: u32,
    ) -> Result<MediaPage, ApiError> {
        let owner = if owner.is_empty() { ME } else { owner };
        let url = self
            .endpoints
            .graph_url(&format!("{}/media", encode_segment(owner)));
        let limit = limit.to_string();
        self.with_fields(Node::Media, |fields| {
            let mut query = vec![("fields", fields), ("limit", limit.as_str())];
            if let Some(after) = after {
                query.push(("after", after));
            }
            query.push(("access_token", token.expose()));
            let url = &url;
            async move { self.get_json(url, &query, "GET /{user-id}/media").await }
        })
        .await
        .map(|page: MediaPage| MediaPage {
            refused_field: self.refused_field(Node::Media),
            ..page
        })
    }

    /// Page number `page` (from 1) of a walk: like [`Client::media_page`],
    /// but a rate limit this client's patience allows is waited out and
    /// the same page asked again, so nothing fetched before is lost.
    pub(super) async fn media_page_of_walk(
        &self,
        token: &Secret,
        owner: &str,
        after: Option<&str>,
        limit: u32,
        page: usize,
    ) -> Result<MediaPage, ApiError> {
        loop {
            match self.media_page(token, owner, after, limit).await {
                Err(err) => match &self.patience {
                    Some(patience) if patience.wait_out(&err, page).await => {
                        // The wait Instagram asked for is over.
                        *self.paused.lock().unwrap_or_else(|e| e.into_inner()) = None;
                    }
                    _ => return Err(err),
                },
                answer => return answer,
            }
        }
    }

    /// The children of an album.
    pub async fn children(&self, token: &Secret, media_id: &str) -> Result<Vec<Media>, ApiError> {
        let url = self
            .endpoints
            .graph_url(&format!("{}/children", encode_segment(media_id)));
        let query = [
            ("fields", "id,media_type,media_url,thumbnail_url,timestamp"),
            ("access_token", token.expose()),
        ];
        let page: MediaPage = self.get_json(&url, &query, "GET /{id}/children").await?;
        Ok(page.data)
    }

    /// One media object with fresh (re-signed) URLs.
    pub async fn media(&self, token: &Secret, media_id: &str) -> Result<Media, ApiError> {
        let url = self.endpoints.graph_url(&encode_segment(media_id));
        self.with_fields(Node::Media, |fields| {
            let query = [("fields", fields), ("access_token", token.expose())];
            let url = &url;
            async move { self.get_json(url, &query, "GET /{id}").await }
        })
        .await
    }

    /// A post's lifetime numbers (`metrics` from
    /// [`engagement::media_metrics`]); an
    /// empty list is Instagram's "not computed yet".
    pub async fn media_insights(
        &self,
        token: &Secret,
        media_id: &str,
        metrics: &[&str],
    ) -> Result<Vec<Insight>, ApiError> {
        let url = self
            .endpoints
            .graph_url(&format!("{}/insights", encode_segment(media_id)));
        let metric = metrics.join(",");
        let query = [
            ("metric", metric.as_str()),
            ("access_token", token.expose()),
        ];
        self.get_data(
            &url,
            &query,
            "GET /{media-id}/insights",
            engagement::parse_insights,
        )
        .await
    }

    /// The account's totals between `since` and `until` (Unix seconds, at
    /// most 30 days apart), `metric_type=total_value`.
    pub async fn account_insights(
        &self,
        token: &Secret,
        owner: &str,
        metrics: &[&str],
        since: i64,
        until: i64,
    ) -> Result<Vec<Insight>, ApiError> {
        let owner = if owner.is_empty() { ME } else { owner };
        let url = self
            .endpoints
            .graph_url(&format!("{}/insights", encode_segment(owner)));
        let metric = metrics.join(",");
        let (since, until) = (since.to_string(), until.to_string());
        let query = [
            ("metric", metric.as_str()),
            ("period", "day"),
            ("metric_type", "total_value"),
            ("since", since.as_str()),
            ("until", until.as_str()),
            ("access_token", token.expose()),
        ];
        self.get_data(
            &url,
            &query,
            "GET /{ig-user-id}/insights",
            engagement::parse_insights,
        )
        .await
    }

    /// One page of a post's comments, each with its replies.
    pub async fn comments_page(
        &self,
        token: &Secret,
        media_id: &str,
        after: Option<&str>,
        limit: u32,
    ) -> Result<CommentPage, ApiError> {
        let url = self
            .endpoints
            .graph_url(&format!("{}/comments", encode_segment(media_id)));
        let limit = limit.to_string();
        let mut query = vec![("fields", COMMENT_FIELDS), ("limit", limit.as_str())];
        if let Some(after) = after {
            query.push(("after", after));
        }
        query.push(("access_token", token.expose()));
        self.get_json(&url, &query, "GET /{media-id}/comments")
            .await
    }

    /// Downloads a file (a CDN picture), retrying transient failures.
    pub async fn fetch(&self, url: &str) -> Result<Download, ApiError> {
        self.with_retries(|| async {
            let answer = self
                .send(self.http.get(url), Call::Cdn, self.limits.picture_bytes)
                .await?;
            Ok(Download {
                bytes: answer.body,
                content_type: answer.content_type,
            })
        })
        .await
    }

    async fn get_json<T: DeserializeOwned>(
        &self,
        url: &str,
        query: &[(&str, &str)],
        label: &'static str,
    ) -> Result<T, ApiError> {
        self.get_data(url, query, label, |b| serde_json::from_slice::<T>(b))
            .await
    }

    /// A Graph GET for data. After a rate limit none is sent until the wait
    /// Instagram gave is over: the same answer comes back at once, with
    /// the time left.
    async fn get_data<T>(
        &self,
        url: &str,
        query: &[(&str, &str)],
        label: &'static str,
        parse: impl Fn(&[u8]) -> Result<T, serde_json::Error>,
    ) -> Result<T, ApiError> {
        if let Some(err) = self.still_paused() {
            return Err(err);
        }
        let result = self.get_with(Call::Graph(label), url, query, parse).await;
        if let Err(err) = &result
            && let Some(wait) = err.rate_limit_wait()
        {
            *self.paused.lock().unwrap_or_else(|e| e.into_inner()) =
                Some((Instant::now() + wait, err.clone()));
        }
        result
    }

    /// The rate limit still in force, with the seconds left to wait.
    fn still_paused(&self) -> Option<ApiError> {
        let mut paused = self.paused.lock().unwrap_or_else(|e| e.into_inner());
        let (until, err) = paused.as_ref()?;
        let left = until.saturating_duration_since(Instant::now());
        if left.is_zero() {
            *paused = None;
            return None;
        }
        let mut err = err.clone();
        err.retry_after_secs = Some(u32::try_from(left.as_secs().max(1)).unwrap_or(u32::MAX));
        Some(err)
    }

    /// A GET carrying the app secret or a token to refresh: no redirect.
    async fn get_token_json<T: DeserializeOwned>(
        &self,
        url: &str,
        query: &[(&str, &str)],
        label: &'static str,
    ) -> Result<T, ApiError> {
        self.get_with(Call::Token(label), url, query, |b| {
            serde_json::from_slice::<T>(b)
        })
        .await
    }

    async fn get_with<T>(
        &self,
        call: Call,
        url: &str,
        query: &[(&str, &str)],
        parse: impl Fn(&[u8]) -> Result<T, serde_json::Error>,
    ) -> Result<T, ApiError> {
        let http = match call {
            Call::Token(_) => &self.token_http,
            Call::Graph(_) | Call::Cdn => &self.http,
        };
        self.with_retries(|| async {
            let answer = self
                .send(http.get(url).query(query), call, self.limits.json_bytes)
                .await?;
            answer.decode(&parse)
        })
        .await
    }

    async fn with_retries<T, F, Fut>(&self, attempt: F) -> Result<T, ApiError>
    where
        F: Fn() -> Fut,
        Fut: std::future::Future<Output = Result<T, ApiError>>,
    {
        let policy = super::retry::Retry {
            tries: API_TRIES,
            first_pause: self.retry_delay,
        };
        policy.run(attempt).await
    }

    async fn send(
        &self,
        request: reqwest::RequestBuilder,
        call: Call,
        cap: u64,
    ) -> Result<Answer, ApiError> {
        let label = call.label();
        let started = Instant::now();
        let response = request.send().await.map_err(|e| ApiError::network(&e))?;
        let status = response.status().as_u16();
        let header = |name: &str| header_text(&response, name);
        if (300..400).contains(&status) {
            // Only the token client stops at redirects; it must not look
            // like a failure of Instagram's to retry or explain as HTML.
            return Err(redirected(call, status, header("location").as_deref()));
        }
        if let Call::Graph(_) = call {
            super::served::check(
                self.endpoints.graph_version.as_deref(),
                header("facebook-api-version").as_deref(),
            );
        }
        let content_type = header("content-type");
        let usage = RateUsage::from_headers(
            header("x-app-usage").as_deref(),
            header("x-business-use-case-usage").as_deref(),
            (self.clock)(),
        );
        // What this answer says about waiting, should it be a rate limit.
        let regain = usage
            .as_ref()
            .and_then(|u| u.estimated_time_to_regain_access)
            .filter(|m| *m > 0)
            .map(|m| m.saturating_mul(60));
        if let Some(usage) = usage {
            *self.usage.lock().unwrap_or_else(|e| e.into_inner()) = Some(usage);
        }
        let what = match call {
            Call::Cdn => "the picture".to_string(),
            Call::Token(_) | Call::Graph(_) => format!("Instagram's answer ({label})"),
        };
        let body = limits::read_capped(response, cap, &what).await?;
        tracing::debug!(
            call = label,
            status,
            bytes = body.len(),
            ms = started.elapsed().as_millis() as u64,
            "instagram answered"
        );
        let answer = Answer {
            status,
            content_type,
            body,
            flavor: self.flavor,
            regain,
        };
        if !(200..300).contains(&status) {
            return Err(answer.error(ApiError::from_response(
                status,
                answer.content_type.as_deref(),
                &answer.body,
            )));
        }
        Ok(answer)
    }
}

/// What a request is, which decides the HTTP client it goes through and
/// how its failures are worded.
#[derive(Debug, Clone, Copy)]
enum Call {
    /// A token endpoint: the request carries the app secret, a code or a
    /// token, so it follows no redirect.
    Token(&'static str),
    /// A Graph call for data.
    Graph(&'static str),
    /// A file on Instagram's CDN.
    Cdn,
}

impl Call {
    /// The call as logs and messages name it (`GET /me`).
    fn label(self) -> &'static str {
        match self {
            Call::Token(label) | Call::Graph(label) => label,
            Call::Cdn => "GET cdn",
        }
    }
}

struct Answer {
    status: u16,
    content_type: Option<String>,
    body: bytes::Bytes,
    flavor: Flavor,
    /// `estimated_time_to_regain_access` of this answer in seconds, when above 0.
    regain: Option<u32>,
}

impl Answer {
    /// An error as this answer qualifies it: the configured flavour's
    /// advice, and how long a rate limit lasts.
    fn error(&self, mut err: ApiError) -> ApiError {
        if err.kind == ErrorKind::RateLimited {
            err.retry_after_secs = self.regain.or(err.retry_after_secs);
        }
        err.in_flavor(self.flavor)
    }

    fn decode<T>(
        &self,
        parse: impl Fn(&[u8]) -> Result<T, serde_json::Error>,
    ) -> Result<T, ApiError> {
        // Lenient shapes (a profile or a page whose every field is optional)
        // would read an error object as an empty answer.
        if let Some(err) = ApiError::from_error_body(self.status, &self.body) {
            return Err(self.error(err));
        }
        parse(&self.body).map_err(|_| {
            // Some proxies answer 200 with an error object or a page.
            let err =
                ApiError::from_response(self.status, self.content_type.as_deref(), &self.body);
            if err.kind == ErrorKind::Transient {
                ApiError::unreadable(self.status, self.content_type.as_deref(), &self.body)
            } else {
                self.error(err)
            }
        })
    }
}

/// `Ok` when the answer's token has the shape real tokens have
/// (`token::check_shape`); otherwise the answer is malformed and dropped.
fn checked_token(token: &Secret, call: &str) -> Result<(), ApiError> {
    crate::token::check_shape(token.expose()).map_err(|bad| crate::token::malformed(call, bad))
}

/// A long-lived token answer, once its token has the right shape and its
/// expiry makes sense (`token::check_expires_in`): `expires_in: -100` is
/// not "refreshed".
fn checked_long(long: LongToken, call: &str) -> Result<LongToken, ApiError> {
    checked_token(&long.access_token, call)?;
    crate::token::check_expires_in(long.expires_in)
        .map_err(|why| crate::token::senseless_expiry(call, why))?;
    Ok(long)
}

/// A redirect instatui does not follow; only the host it names is shown
/// (its query could carry anything).
fn redirected(call: Call, status: u16, location: Option<&str>) -> ApiError {
    let label = call.label();
    let target = location
        .and_then(|l| url::Url::parse(l).ok())
        .and_then(|u| u.host_str().map(str::to_string))
        .map_or_else(String::new, |host| format!(" to {host}"));
    let message = if let Call::Token(_) = call {
        format!(
            "Instagram's token endpoint ({label}) answered with a redirect{target}, which instatui does not follow: the request carries the app secret, the code or a token"
        )
    } else {
        format!("Instagram's answer to {label} was a redirect{target} that could not be followed")
    };
    ApiError {
        status: Some(status),
        ..ApiError::new(ErrorKind::Redirected, message)
    }
}

fn encode_segment(segment: &str) -> String {
    url::form_urlencoded::byte_serialize(segment.as_bytes()).collect()
}

/// A response header's value as text; `None` when it is missing or not
/// visible ASCII.
pub fn header_text(response: &reqwest::Response, name: &str) -> Option<String> {
    response
        .headers()
        .get(name)
        .and_then(|v| v.to_str().ok())
        .map(str::to_string)
}
