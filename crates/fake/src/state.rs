//! The fake's mutable world: clock, who is signed in, issued codes and tokens, faults, recorded requests.

use super::cdn::CdnFiles;
use super::config::FakeConfig;
use super::control::{Consent, Fault, RecordedRequest};
use super::users::{self, User};
use std::collections::HashMap;
use std::sync::{Mutex, MutexGuard};
use time::{Duration, OffsetDateTime};

/// Which API a code or token belongs to, known from the scopes it was issued
/// for (the fake's own, named apart from the client's `Flavor`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum GrantApi {
    InstagramLogin,
    BasicDisplay,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Lifetime {
    Short,
    Long,
}

#[derive(Clone, Debug)]
pub(crate) struct CodeGrant {
    /// The user who logged in (index into `Shared::users`).
    pub user: usize,
    pub redirect_uri: String,
    pub scopes: Vec<String>,
    pub flavor: GrantApi,
    pub expires_at: OffsetDateTime,
    pub used: bool,
}

#[derive(Clone, Debug)]
pub(crate) struct TokenGrant {
    /// Whose token it is (index into `Shared::users`).
    pub user: usize,
    pub lifetime: Lifetime,
    pub flavor: GrantApi,
    pub scopes: Vec<String>,
    pub issued_at: OffsetDateTime,
    pub expires_at: OffsetDateTime,
    pub revoked: bool,
}

pub(crate) struct PendingFault {
    pub prefix: Option<String>,
    pub fault: Fault,
    pub remaining: usize,
    /// Uses so far, to step through a `Fault::Cycle`.
    pub used: usize,
}

pub(crate) struct Inner {
    pub clock_offset: Duration,
    pub consent: Consent,
    /// Who the browser is logged in as at the authorize page (index into
    /// `Shared::users`): the next code is theirs.
    pub signed_in: usize,
    pub faults: Vec<PendingFault>,
    pub requests: Vec<RecordedRequest>,
    pub codes: HashMap<String, CodeGrant>,
    pub tokens: HashMap<String, TokenGrant>,
    /// Bumped by `expire_cdn_urls`: signatures of older epochs are refused.
    pub cdn_epoch: u32,
    /// Fake-clock instants of recent Graph calls, for `X-App-Usage`.
    pub graph_calls: Vec<OffsetDateTime>,
    /// Fields answered as nonexisting (`FakeControl::refuse_field`).
    pub refused_fields: Vec<String>,
    /// Every request waits this long before it is answered (`FakeControl::set_latency`).
    pub latency: std::time::Duration,
    /// Requests being answered now, and the most there were at once.
    pub in_flight: usize,
    pub peak_in_flight: usize,
    /// The version every versioned Graph answer names in
    /// `facebook-api-version` (`FakeControl::serve_api_version`); `None`
    /// names the one asked for.
    pub served_version: Option<String>,
    /// Versions answered with code 2500 `Unknown path components`
    /// (`FakeControl::retire_api_version`).
    pub retired_versions: Vec<String>,
    /// Post ids listed first, in this order, as Instagram lists pinned
    /// posts (`FakeControl::pin_posts`).
    pub pinned: Vec<String>,
    /// How many of the first user's newest posts are not published yet
    /// (`FakeControl::hold_back_newest`).
    pub unpublished: usize,
}

/// Everything the request handlers share.
pub(crate) struct Shared {
    pub config: FakeConfig,
    pub base_url: String,
    /// Every user who can log in; the first is the configured one.
    pub users: Vec<User>,
    pub cdn: CdnFiles,
    /// Random per server, keys the CDN URL signatures.
    pub cdn_salt: u64,
    inner: Mutex<Inner>,
}

impl Shared {
    pub(crate) fn new(config: FakeConfig, base_url: String) -> Shared {
        let users = users::from_config(&config);
        let cdn = CdnFiles::for_users(&users);
        Shared {
            config,
            base_url,
            users,
            cdn,
            cdn_salt: rand::random(),
            inner: Mutex::new(Inner {
                clock_offset: Duration::ZERO,
                consent: Consent::Allow,
                signed_in: 0,
                faults: Vec::new(),
                requests: Vec::new(),
                codes: HashMap::new(),
                tokens: HashMap::new(),
                cdn_epoch: 0,
                graph_calls: Vec::new(),
                refused_fields: Vec::new(),
                latency: std::time::Duration::ZERO,
                in_flight: 0,
                peak_in_flight: 0,
                served_version: None,
                retired_versions: Vec::new(),
                pinned: Vec::new(),
                unpublished: 0,
            }),
        }
    }

    /// The user a token or code belongs to (the first when out of range,
    /// which cannot happen: indexes come from `users`).
    pub(crate) fn user(&self, index: usize) -> &User {
        self.users.get(index).unwrap_or(&self.users[0])
    }

    /// The index of the user `name` names (username, user id or app-scoped id).
    pub(crate) fn find_user(&self, name: &str) -> Option<usize> {
        self.users.iter().position(|u| u.is_named(name))
    }

    pub(crate) fn lock(&self) -> MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }
}

impl Inner {
    /// The fake's clock: real time plus the offset tests advanced it by.
    pub(crate) fn now(&self) -> OffsetDateTime {
        OffsetDateTime::now_utc() + self.clock_offset
    }
}
