//! The Graph host: `/me`, `/{user-id}`, `/me/media`, `/{user-id}/media` (not the app-scoped id), `/{media-id}`,
//! `/{media-id}/children`, `/{id}/insights`, `/{media-id}/comments`, the token exchange and refresh, with paging and usage headers.

use super::cdn::Signer;
use super::engagement;
use super::fields::{self, Field, FieldsError};
use super::render::{self, Renderer, default_fields};
use super::respond::{GraphError, graph_ok};
use super::state::{Shared, TokenGrant};
use super::tokens;
use super::users::User;
use axum::http::HeaderValue;
use axum::response::Response;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde_json::{Map, Value, json};
use time::Duration;

/// The page size when `limit` is absent, and the most one page holds.
pub(crate) const DEFAULT_LIMIT: usize = 25;
pub(crate) const MAX_LIMIT: usize = 100;

/// A Graph request with its version prefix already removed from `segments`.
pub(crate) struct GraphRequest<'a> {
    pub method: &'a str,
    /// The path as sent (version included), for `paging.next`.
    pub raw_path: &'a str,
    pub segments: Vec<&'a str>,
    /// The version prefix the path carried (`v25.0`), if any.
    pub version: Option<&'a str>,
    pub params: Vec<(String, String)>,
    pub token: Option<String>,
}

impl GraphRequest<'_> {
    pub(crate) fn param(&self, name: &str) -> Option<&str> {
        self.params
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
}

/// Answers a Graph request, errors included, with the usage headers.
pub(crate) fn handle(app: &Shared, request: &GraphRequest) -> Response {
    let count = count_call(app);
    // Usage is counted per user: the token's, else the first user's.
    let user_id = request
        .token
        .as_deref()
        .and_then(|t| app.lock().tokens.get(t).map(|g| g.user))
        .map_or_else(
            || app.config.user_id.clone(),
            |u| app.user(u).user_id.clone(),
        );
    let (served, retired) = {
        let inner = app.lock();
        let retired = request
            .version
            .is_some_and(|v| inner.retired_versions.iter().any(|r| r == v));
        (inner.served_version.clone(), retired)
    };
    let outcome = if retired {
        Err(GraphError::new(
            2500,
            "OAuthException",
            format!("Unknown path components: {}", request.raw_path),
        ))
    } else {
        route(app, request)
    };
    let mut response = match outcome {
        Ok(response) => response,
        Err(error) => error.into_response(),
    };
    let usage = format!(
        r#"{{"call_count":{},"total_time":{},"total_cputime":{}}}"#,
        count.min(100),
        ((count * 4).div_ceil(5)).min(100),
        count.div_ceil(2).min(100)
    );
    let business = format!(
        r#"{{"{}":[{{"type":"instagram","call_count":{},"total_cputime":{},"total_time":{},"estimated_time_to_regain_access":0}}]}}"#,
        user_id,
        count.min(100),
        count.div_ceil(2).min(100),
        ((count * 4).div_ceil(5)).min(100),
    );
    let headers = response.headers_mut();
    for (name, value) in [
        ("x-app-usage", usage),
        ("x-business-use-case-usage", business),
        (
            "facebook-api-version",
            match (served, request.version) {
                (Some(served), Some(_)) => served,
                (_, Some(asked)) => asked.to_string(),
                // Unversioned: the app's default version, on the real host.
                (_, None) => "v21.0".to_string(),
            },
        ),
    ] {
        if let Ok(value) = HeaderValue::from_str(&value) {
            headers.insert(name, value);
        }
    }
    response
}

/// Counts this call; returns the calls of the last hour on the fake clock.
fn count_call(app: &Shared) -> usize {
    let mut inner = app.lock();
    let now = inner.now();
    inner.graph_calls.retain(|t| now - *t < Duration::HOUR);
    inner.graph_calls.push(now);
    inner.graph_calls.len()
}

fn route(app: &Shared, request: &GraphRequest) -> Result<Response, GraphError> {
    let token = request.token.as_deref();
    let segments = request.segments.as_slice();
    if request.method != "GET" {
        let id = segments.first().copied().unwrap_or_default();
        let method = request.method.to_ascii_lowercase();
        return Err(GraphError::unknown_object(id, &method));
    }
    match segments {
        ["access_token"] => tokens::exchange(app, &request.params, token),
        ["refresh_access_token"] => tokens::refresh(app, &request.params, token),
        ["me"] => {
            let grant = tokens::authenticate(app, token)?;
            profile(app, request, &grant)
        }
        ["me", "media"] => {
            let grant = tokens::authenticate(app, token)?;
            media_list(app, request, &grant)
        }
        [id] => {
            let grant = tokens::authenticate(app, token)?;
            object(app, request, &grant, id)
        }
        [id, "media"] => {
            let grant = tokens::authenticate(app, token)?;
            // The user id only: the app-scoped id of the code exchange is
            // not an IG User node (Meta documents `/me/media`).
            if *id != app.user(grant.user).user_id {
                if app.users.iter().any(|u| u.user_id == *id) {
                    return Err(GraphError::no_permission());
                }
                return Err(GraphError::unknown_object(id, "get"));
            }
            media_list(app, request, &grant)
        }
        [id, "insights"] => {
            let grant = tokens::authenticate(app, token)?;
            let user = app.user(grant.user);
            if *id == "me" || is_user(user, id) {
                return engagement::account_insights(app, request, &grant);
            }
            if app.users.iter().any(|u| is_user(u, id)) {
                return Err(GraphError::no_permission());
            }
            engagement::media_insights(app, request, &grant, id)
        }
        [id, "comments"] => {
            let grant = tokens::authenticate(app, token)?;
            engagement::comments(app, request, &grant, id)
        }
        [id, "children"] => {
            let grant = tokens::authenticate(app, token)?;
            children(app, request, &grant, id)
        }
        _ => Err(GraphError::new(
            2500,
            "IGApiException",
            format!("Unknown path components: {}", request.raw_path),
        )),
    }
}

/// Whether `id` is the user's own id or app-scoped id.
fn is_user(user: &User, id: &str) -> bool {
    id == user.user_id || id == user.app_scoped_id
}

fn requested_fields(request: &GraphRequest) -> Result<Vec<Field>, GraphError> {
    let Some(raw) = request.param("fields") else {
        return Ok(default_fields());
    };
    match fields::parse(raw) {
        Ok(fields) if fields.is_empty() => Ok(default_fields()),
        Ok(fields) => Ok(fields),
        Err(FieldsError::Duplicate(name)) => Err(GraphError::duplicate_field(&name)),
        Err(FieldsError::Syntax(near)) => Err(GraphError::param(format!(
            "(#100) Syntax error in the fields parameter near \"{near}\""
        ))),
    }
}

/// The fields a test made the fake refuse.
fn refused(app: &Shared) -> Vec<String> {
    app.lock().refused_fields.clone()
}

fn renderer<'a>(app: &'a Shared, grant: &TokenGrant) -> Renderer<'a> {
    let (now, epoch) = {
        let inner = app.lock();
        (inner.now(), inner.cdn_epoch)
    };
    Renderer {
        user: app.user(grant.user),
        signer: Signer::new(app, now, epoch),
        flavor: grant.flavor,
    }
}

fn profile(
    app: &Shared,
    request: &GraphRequest,
    grant: &TokenGrant,
) -> Result<Response, GraphError> {
    let fields = requested_fields(request)?;
    render::check_profile_fields(&fields, grant.flavor, &refused(app))?;
    Ok(graph_ok(&renderer(app, grant).profile(&fields)))
}

fn object(
    app: &Shared,
    request: &GraphRequest,
    grant: &TokenGrant,
    id: &str,
) -> Result<Response, GraphError> {
    let user = app.user(grant.user);
    if is_user(user, id) {
        return profile(app, request, grant);
    }
    if app.users.iter().any(|u| is_user(u, id)) {
        // Another user's profile: not for this token.
        return Err(GraphError::no_permission());
    }
    let fields = requested_fields(request)?;
    // Only the token user's own posts: another user's answer as unknown.
    if let Some(post) = user.account.post(id) {
        render::check_media_fields(&fields, grant.flavor, &refused(app))?;
        return Ok(graph_ok(&renderer(app, grant).post(post, &fields)));
    }
    if let Some((parent, child)) = user.account.child(id) {
        render::check_media_fields(&fields, grant.flavor, &refused(app))?;
        return Ok(graph_ok(
            &renderer(app, grant).child(parent, child, &fields),
        ));
    }
    Err(GraphError::unknown_object(id, "get"))
}

fn children(
    app: &Shared,
    request: &GraphRequest,
    grant: &TokenGrant,
    id: &str,
) -> Result<Response, GraphError> {
    let post = app
        .user(grant.user)
        .account
        .post(id)
        .ok_or_else(|| GraphError::unknown_object(id, "get"))?;
    let fields = requested_fields(request)?;
    render::check_media_fields(&fields, grant.flavor, &refused(app))?;
    let renderer = renderer(app, grant);
    let data: Vec<Value> = post
        .children
        .iter()
        .map(|c| Value::Object(renderer.child(post, c, &fields)))
        .collect();
    Ok(graph_ok(&json!({ "data": data })))
}

/// An opaque cursor naming the post it points at.
pub(crate) fn cursor(media_id: &str) -> String {
    URL_SAFE_NO_PAD.encode(format!("AQHR:{media_id}"))
}

/// The place in `listed` of the post `cursor` names.
fn cursor_index(user: &User, listed: &[usize], cursor: &str) -> Option<usize> {
    let bytes = URL_SAFE_NO_PAD.decode(cursor.trim_end_matches('=')).ok()?;
    let text = String::from_utf8(bytes).ok()?;
    let post = user.account.index_of(text.strip_prefix("AQHR:")?)?;
    listed.iter().position(|&i| i == post)
}

/// The user's posts (indexes into their feed) in the order `/media` lists
/// them: the pinned ones first, then the rest newest first, none of the
/// posts held back as not published yet.
fn listing(app: &Shared, user_index: usize, user: &User) -> Vec<usize> {
    let (pinned, unpublished) = {
        let inner = app.lock();
        let unpublished = if user_index == 0 {
            inner.unpublished
        } else {
            0
        };
        (inner.pinned.clone(), unpublished)
    };
    let pinned: Vec<usize> = pinned
        .iter()
        .filter_map(|id| user.account.index_of(id))
        .filter(|&i| i >= unpublished)
        .collect();
    let total = user.account.posts.len();
    pinned
        .iter()
        .copied()
        .chain((unpublished.min(total)..total).filter(|i| !pinned.contains(i)))
        .collect()
}

pub(crate) fn page_url(app: &Shared, request: &GraphRequest, key: &str, cursor: &str) -> String {
    let mut query = url::form_urlencoded::Serializer::new(String::new());
    for (k, v) in &request.params {
        if k != "after" && k != "before" {
            query.append_pair(k, v);
        }
    }
    query.append_pair(key, cursor);
    format!("{}{}?{}", app.base_url, request.raw_path, query.finish())
}

fn media_list(
    app: &Shared,
    request: &GraphRequest,
    grant: &TokenGrant,
) -> Result<Response, GraphError> {
    let fields = requested_fields(request)?;
    render::check_media_fields(&fields, grant.flavor, &refused(app))?;
    let limit = match request.param("limit") {
        None | Some("") => DEFAULT_LIMIT,
        Some(raw) => raw
            .trim()
            .parse::<usize>()
            .map_err(|_| GraphError::param("(#100) Param limit must be a number"))?
            .clamp(1, MAX_LIMIT),
    };
    let user = app.user(grant.user);
    let listed = listing(app, grant.user, user);
    let total = listed.len();
    let bad_cursor = |name: &str| GraphError::param(format!("(#100) Invalid {name} cursor"));
    let (start, end) = if let Some(after) = request.param("after") {
        let start = cursor_index(user, &listed, after).ok_or_else(|| bad_cursor("after"))? + 1;
        (start, (start + limit).min(total))
    } else if let Some(before) = request.param("before") {
        let end = cursor_index(user, &listed, before).ok_or_else(|| bad_cursor("before"))?;
        (end.saturating_sub(limit), end)
    } else {
        (0, limit.min(total))
    };
    let posts: Vec<&crate::feed::Post> = listed
        .get(start..end)
        .unwrap_or_default()
        .iter()
        .filter_map(|&i| user.account.posts.get(i))
        .collect();
    let (Some(first), Some(last)) = (posts.first(), posts.last()) else {
        return Ok(graph_ok(&json!({ "data": [] })));
    };
    let renderer = renderer(app, grant);
    let data: Vec<Value> = posts
        .iter()
        .map(|p| Value::Object(renderer.post(p, &fields)))
        .collect();
    let (before, after) = (cursor(&first.id), cursor(&last.id));
    let mut paging = Map::new();
    paging.insert(
        "cursors".into(),
        json!({ "before": before, "after": after }),
    );
    if end < total {
        paging.insert(
            "next".into(),
            Value::from(page_url(app, request, "after", &after)),
        );
    }
    if start > 0 {
        paging.insert(
            "previous".into(),
            Value::from(page_url(app, request, "before", &before)),
        );
    }
    Ok(graph_ok(&json!({ "data": data, "paging": paging })))
}
