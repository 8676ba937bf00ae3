//! Access tokens: minting, checking a presented token, long-lived exchange and refresh.

use super::respond::{GraphError, graph_ok, random_string};
use super::state::{GrantApi, Inner, Lifetime, Shared, TokenGrant};
use axum::response::Response;
use serde::Serialize;
use time::Duration;

/// A short-lived token lives one hour.
pub(crate) const SHORT_LIVED_SECS: i64 = 3_600;
/// What the long-lived exchange answers (a few seconds under 60 days, as observed).
pub(crate) const EXCHANGED_EXPIRES_IN: i64 = 5_183_944;
/// What a refresh answers: a fresh 60 days.
pub(crate) const REFRESHED_EXPIRES_IN: i64 = 5_184_000;
/// A long-lived token must be this old before it can be refreshed.
pub(crate) const REFRESH_MIN_AGE: Duration = Duration::hours(24);

const TOKEN_CHARS: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

/// Issues `user` a new token living `secs` seconds on the fake clock.
pub(crate) fn mint(
    inner: &mut Inner,
    user: usize,
    lifetime: Lifetime,
    flavor: GrantApi,
    scopes: Vec<String>,
    secs: i64,
) -> String {
    let prefix = match flavor {
        GrantApi::InstagramLogin => "IGAA",
        GrantApi::BasicDisplay => "IGQWR",
    };
    let token = format!("{prefix}{}", random_string(150, TOKEN_CHARS));
    let now = inner.now();
    inner.tokens.insert(
        token.clone(),
        TokenGrant {
            user,
            lifetime,
            flavor,
            scopes,
            issued_at: now,
            expires_at: now + Duration::seconds(secs),
            revoked: false,
        },
    );
    token
}

/// Checks a token presented to a Graph route: present, known, unexpired, not
/// revoked, and not of the retired API.
pub(crate) fn authenticate(app: &Shared, token: Option<&str>) -> Result<TokenGrant, GraphError> {
    let token = token
        .filter(|t| !t.is_empty())
        .ok_or_else(GraphError::missing_token)?;
    let inner = app.lock();
    let grant = inner.tokens.get(token).ok_or_else(GraphError::bad_token)?;
    let now = inner.now();
    if now >= grant.expires_at {
        return Err(GraphError::expired(grant.expires_at, now));
    }
    if grant.revoked {
        return Err(GraphError::password_changed());
    }
    if app.config.basic_display_retired && grant.flavor == GrantApi::BasicDisplay {
        return Err(GraphError::retired());
    }
    Ok(grant.clone())
}

#[derive(Serialize)]
struct LongToken<'a> {
    access_token: &'a str,
    token_type: &'a str,
    expires_in: i64,
}

/// The `grant_type` a token call must carry, answered as Graph does when
/// it is missing or another.
fn require_grant_type(params: &[(String, String)], wanted: &str) -> Result<(), GraphError> {
    match param(params, "grant_type") {
        Some(given) if given == wanted => Ok(()),
        Some(other) => Err(GraphError::param(format!(
            "Unsupported grant_type: {other}"
        ))),
        None => Err(GraphError::param("Missing grant_type parameter")),
    }
}

fn param<'a>(params: &'a [(String, String)], name: &str) -> Option<&'a str> {
    params
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
}

/// `GET /access_token?grant_type=ig_exchange_token&client_secret&access_token`.
pub(crate) fn exchange(
    app: &Shared,
    params: &[(String, String)],
    token: Option<&str>,
) -> Result<Response, GraphError> {
    require_grant_type(params, "ig_exchange_token")?;
    let secret = param(params, "client_secret")
        .filter(|s| !s.is_empty())
        .ok_or_else(|| GraphError::param("Missing client_secret parameter"))?;
    let grant = authenticate(app, token)?;
    if secret != app.config.app_secret {
        return Err(GraphError::new(
            101,
            "OAuthException",
            "Error validating client secret.",
        ));
    }
    if grant.lifetime != Lifetime::Short {
        return Err(GraphError::param(
            "Only a short-lived access token can be exchanged for a long-lived one",
        ));
    }
    let mut inner = app.lock();
    let token = mint(
        &mut inner,
        grant.user,
        Lifetime::Long,
        grant.flavor,
        grant.scopes,
        EXCHANGED_EXPIRES_IN,
    );
    Ok(graph_ok(&LongToken {
        access_token: &token,
        token_type: "bearer",
        expires_in: EXCHANGED_EXPIRES_IN,
    }))
}

/// `GET /refresh_access_token?grant_type=ig_refresh_token&access_token`. The
/// old token keeps working until its own expiry.
pub(crate) fn refresh(
    app: &Shared,
    params: &[(String, String)],
    token: Option<&str>,
) -> Result<Response, GraphError> {
    require_grant_type(params, "ig_refresh_token")?;
    let grant = authenticate(app, token)?;
    if grant.lifetime != Lifetime::Long {
        return Err(GraphError::param(
            "Only a long-lived access token can be refreshed; exchange the short-lived one first",
        ));
    }
    let mut inner = app.lock();
    if inner.now() - grant.issued_at < REFRESH_MIN_AGE {
        return Err(GraphError::new(
            10,
            "OAuthException",
            "(#10) The access token must be at least 24 hours old to be refreshed",
        ));
    }
    let token = mint(
        &mut inner,
        grant.user,
        Lifetime::Long,
        grant.flavor,
        grant.scopes,
        REFRESHED_EXPIRES_IN,
    );
    Ok(graph_ok(&LongToken {
        access_token: &token,
        token_type: "bearer",
        expires_in: REFRESHED_EXPIRES_IN,
    }))
}
