//! The test-side handle on a running fake: clock, faults, consent, recorded requests.

use super::state::{GrantApi, Lifetime, PendingFault, Shared};
use super::tokens;
use std::sync::Arc;
use std::time::Duration;
use time::OffsetDateTime;

/// What the user answers on the consent screen of `/oauth/authorize`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Consent {
    #[default]
    Allow,
    Deny,
}

/// A misbehaviour to answer with instead of (or on top of) the normal answer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Fault {
    /// A proxy's HTML error page, status 502, `text/html`.
    Html502,
    /// A Graph error with `"is_transient": true`, status 500.
    Status500,
    /// The Graph rate-limit error (code 4), status 429.
    RateLimited,
    /// Instagram's per-account rate limit (code 80002), status 400, with a
    /// usage header saying access returns in `minutes` (0: it does not say).
    InstagramRateLimit { minutes: u32 },
    /// Waits, then answers normally.
    Slow(Duration),
    /// The normal answer cut in half, status 200.
    Truncated,
    /// Exactly this answer (replays any fixture).
    Canned {
        status: u16,
        content_type: String,
        body: String,
    },
    /// Status 200 and a JSON-looking body that never ends.
    Endless,
    /// Status 200 and a body of this many bytes, announced in `Content-Length`.
    Huge(u64),
    /// Status 200, then one byte per interval, forever.
    Drip(Duration),
    /// A redirect with this status (307, 308, …) to `location`.
    Redirect { status: u16, location: String },
    /// Each use answers with the next fault of the list, round and round
    /// (alternating paging cursors, say).
    Cycle(Vec<Fault>),
}

/// One request as the fake received it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RecordedRequest {
    pub method: String,
    /// The path as sent, version prefix included.
    pub path: String,
    /// The raw query string, empty when there was none.
    pub query: String,
}

/// A cheap, cloneable handle on a running fake.
#[derive(Clone)]
pub struct FakeControl {
    pub(crate) app: Arc<Shared>,
}

impl FakeControl {
    /// Moves the fake's clock forward; code, token and CDN URL lifetimes follow it.
    pub fn advance_clock(&self, by: Duration) {
        let by = time::Duration::try_from(by).unwrap_or(time::Duration::MAX);
        let mut inner = self.app.lock();
        inner.clock_offset = inner.clock_offset.saturating_add(by);
    }

    /// The fake's clock: real now plus every `advance_clock`.
    pub fn now(&self) -> OffsetDateTime {
        self.app.lock().now()
    }

    /// The next `times` requests (any path) answer with `fault`.
    pub fn inject(&self, fault: Fault, times: usize) {
        self.push_fault(None, fault, times);
    }

    /// The next `times` requests whose path starts with `path_prefix` (with or
    /// without a version prefix such as `/v21.0`) answer with `fault`.
    pub fn inject_on(&self, path_prefix: &str, fault: Fault, times: usize) {
        self.push_fault(Some(path_prefix.to_string()), fault, times);
    }

    fn push_fault(&self, prefix: Option<String>, fault: Fault, times: usize) {
        if times == 0 {
            return;
        }
        self.app.lock().faults.push(PendingFault {
            prefix,
            fault,
            remaining: times,
            used: 0,
        });
    }

    /// From now on every request that asks for `field` (of a post or of
    /// the profile, nested ones included) fails whole, the way Graph
    /// answers a field the host does not have: status 400, code 100,
    /// "(#100) Tried accessing nonexisting field (…) on node type (…)".
    /// Meta labels `media_product_type` Facebook Login only, for one.
    pub fn refuse_field(&self, field: &str) {
        self.app.lock().refused_fields.push(field.to_string());
    }

    /// From now on every versioned Graph answer names `version` (`v21.0`)
    /// in its `facebook-api-version` header, whatever version the request
    /// asked for: what Meta does when asked for a version it no longer
    /// serves but still maps to its oldest one. By default the header names
    /// the version asked for (`v21.0` for an unversioned request).
    pub fn serve_api_version(&self, version: &str) {
        self.app.lock().served_version = Some(version.to_string());
    }

    /// From now on requests under `/{version}/` (`v20.0`) answer as Meta
    /// answers a version it does not serve: status 400, code 2500
    /// "Unknown path components: /v20.0/me".
    pub fn retire_api_version(&self, version: &str) {
        self.app.lock().retired_versions.push(version.to_string());
    }

    /// From now on the first user's posts at these places of their list (0
    /// the newest) are listed first, in this order, whatever their age: how
    /// Instagram lists pinned posts (three at most, as its app allows).
    /// Places past the end are ignored.
    pub fn pin_posts(&self, places: &[usize]) {
        let ids = places
            .iter()
            .filter_map(|&i| self.app.user(0).account.posts.get(i))
            .map(|p| p.id.clone())
            .collect();
        self.app.lock().pinned = ids;
    }

    /// The first user's newest `count` posts are not published yet: their
    /// lists start after them (a pinned one among them is not listed either),
    /// until [`publish_held_back`](Self::publish_held_back).
    pub fn hold_back_newest(&self, count: usize) {
        self.app.lock().unpublished = count;
    }

    /// Publishes the posts [`hold_back_newest`](Self::hold_back_newest)
    /// held back: they head the list, as new posts do.
    pub fn publish_held_back(&self) {
        self.app.lock().unpublished = 0;
    }

    /// Logs the browser in as the user `name` names (username, user id or
    /// the app-scoped id): the next authorization is theirs, as after they
    /// typed their password on Instagram's login form. False (and nothing
    /// changes) when the fake has no such user.
    pub fn sign_in_as(&self, name: &str) -> bool {
        let Some(user) = self.app.find_user(name) else {
            return false;
        };
        self.app.lock().signed_in = user;
        true
    }

    /// The usernames of every user who can log in, the default one first.
    pub fn usernames(&self) -> Vec<String> {
        self.app.users.iter().map(|u| u.username.clone()).collect()
    }

    /// The username of the first user none of `names` names (usernames,
    /// user ids or app-scoped ids, as an account list holds them): who logs
    /// in to add an account.
    pub fn first_user_not_among(&self, names: &[String]) -> Option<String> {
        self.app
            .users
            .iter()
            .find(|u| !names.iter().any(|n| u.is_named(n)))
            .map(|u| u.username.clone())
    }

    /// What `/oauth/authorize` answers from now on.
    pub fn set_consent(&self, consent: Consent) {
        self.app.lock().consent = consent;
    }

    /// Every request received so far, in order.
    pub fn requests(&self) -> Vec<RecordedRequest> {
        self.app.lock().requests.clone()
    }

    /// From now on every request (the CDN's, Graph's, OAuth's) waits `latency`
    /// before it is answered, as over a link with that round trip; requests
    /// wait side by side, so latency, not the fake, bounds how many are
    /// answered a second. Zero (the default) answers at once.
    pub fn set_latency(&self, latency: Duration) {
        self.app.lock().latency = latency;
    }

    /// The most requests the fake was answering at once so far (a request
    /// counts from its arrival until its answer is handed back, its latency
    /// included).
    pub fn peak_in_flight(&self) -> usize {
        self.app.lock().peak_in_flight
    }

    /// Every CDN URL issued so far answers 403 `URL signature expired`.
    pub fn expire_cdn_urls(&self) {
        let mut inner = self.app.lock();
        inner.cdn_epoch = inner.cdn_epoch.wrapping_add(1);
    }

    /// Every token issued so far answers code 190 "…changed their password…".
    pub fn revoke_tokens(&self) {
        for grant in self.app.lock().tokens.values_mut() {
            grant.revoked = true;
        }
    }

    /// Every token issued so far to the user `name` names (username, user
    /// id or app-scoped id) answers code 190 "…changed their
    /// password…", as after that user changed their password; the other
    /// users' tokens, and any token issued later, still work. False (and
    /// nothing changes) when the fake has no such user.
    pub fn revoke_tokens_of(&self, name: &str) -> bool {
        let Some(user) = self.app.find_user(name) else {
            return false;
        };
        for grant in self.app.lock().tokens.values_mut() {
            if grant.user == user {
                grant.revoked = true;
            }
        }
        true
    }

    /// One token answers code 190 "…changed their password…", the user's
    /// other tokens (under another app, say) still work. False (and nothing
    /// changes) when the fake never issued it.
    pub fn revoke_token(&self, token: &str) -> bool {
        match self.app.lock().tokens.get_mut(token) {
            Some(grant) => {
                grant.revoked = true;
                true
            }
            None => false,
        }
    }

    /// Extension: mints a long-lived (60 day) token for the account without
    /// the OAuth dance, as if authorized with `scopes` (comma separated; any
    /// `user_profile`/`user_media` scope makes it a Basic Display token). Lets
    /// tests start from a stored token, including a Basic Display one on a
    /// fake where that API is retired.
    pub fn issue_long_token(&self, scopes: &str) -> String {
        self.mint_long(0, scopes)
    }

    /// [`issue_long_token`](Self::issue_long_token) for the user `name`
    /// names (username, user id or app-scoped id); `None` when the fake has
    /// no such user.
    pub fn issue_long_token_for(&self, name: &str, scopes: &str) -> Option<String> {
        let user = self.app.find_user(name)?;
        Some(self.mint_long(user, scopes))
    }

    fn mint_long(&self, user: usize, scopes: &str) -> String {
        let scopes: Vec<String> = scopes
            .split(',')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(String::from)
            .collect();
        let flavor = if scopes
            .iter()
            .any(|s| s == "user_profile" || s == "user_media")
        {
            GrantApi::BasicDisplay
        } else {
            GrantApi::InstagramLogin
        };
        let mut inner = self.app.lock();
        tokens::mint(
            &mut inner,
            user,
            Lifetime::Long,
            flavor,
            scopes,
            tokens::REFRESHED_EXPIRES_IN,
        )
    }
}
