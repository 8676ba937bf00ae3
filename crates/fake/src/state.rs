//! The fake's mutable world: clock, issued codes and tokens, faults, recorded requests.

use super::cdn::CdnFiles;
use super::config::FakeConfig;
use super::control::{Consent, Fault, RecordedRequest};
use super::feed::Account;
use std::collections::HashMap;
use std::sync::{Mutex, MutexGuard};
use time::{Duration, OffsetDateTime};

/// Which API a code or token belongs to, known from the scopes it was issued for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Flavor {
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
    pub redirect_uri: String,
    pub scopes: Vec<String>,
    pub flavor: Flavor,
    pub expires_at: OffsetDateTime,
    pub used: bool,
}

#[derive(Clone, Debug)]
pub(crate) struct TokenGrant {
    pub lifetime: Lifetime,
    pub flavor: Flavor,
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
}

/// Everything the request handlers share.
pub(crate) struct Shared {
    pub config: FakeConfig,
    pub base_url: String,
    pub account: Account,
    pub cdn: CdnFiles,
    /// Random per server, keys the CDN URL signatures.
    pub cdn_salt: u64,
    inner: Mutex<Inner>,
}

impl Shared {
    pub(crate) fn new(config: FakeConfig, base_url: String) -> Shared {
        let account = Account::generate(&config);
        let cdn = CdnFiles::for_account(&account, &config);
        Shared {
            config,
            base_url,
            account,
            cdn,
            cdn_salt: rand::random(),
            inner: Mutex::new(Inner {
                clock_offset: Duration::ZERO,
                consent: Consent::Allow,
                faults: Vec::new(),
                requests: Vec::new(),
                codes: HashMap::new(),
                tokens: HashMap::new(),
                cdn_epoch: 0,
                graph_calls: Vec::new(),
                refused_fields: Vec::new(),
            }),
        }
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
