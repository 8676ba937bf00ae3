//! Insights and comments: `/{media-id}/insights`, `/{ig-user-id}/insights` (`metric_type=total_value`)
//! and `/{media-id}/comments` with its `replies`, in the shapes of Meta's reference, behind their scopes.

use super::feed::{InsightsCase, Post, mix};
use super::fields::{self, Field, FieldsError};
use super::graph::GraphRequest;
use super::render::timestamp;
use super::respond::{GraphError, graph_ok};
use super::state::{Shared, TokenGrant};
use super::users::User;
use axum::response::Response;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde_json::{Map, Value, json};
use time::{Duration, OffsetDateTime};

/// The permission insights need.
pub const INSIGHTS_SCOPE: &str = "instagram_business_manage_insights";
/// The permission comments need.
pub const COMMENTS_SCOPE: &str = "instagram_business_manage_comments";

/// Comments per page when `limit` is absent, and the most one page holds.
const COMMENTS_DEFAULT_LIMIT: usize = 25;
const COMMENTS_MAX_LIMIT: usize = 50;

/// The media metrics the fake knows (Instagram Login, late 2026), with the
/// title and description Meta's reference gives them.
const MEDIA_METRICS: &[(&str, &str, &str)] = &[
    (
        "views",
        "Views",
        "The number of times the media was played or displayed.",
    ),
    (
        "reach",
        "Accounts reached",
        "The number of unique accounts that have seen the media.",
    ),
    ("saved", "Saved", "The number of saves of the media."),
    ("shares", "Shares", "The number of shares of the media."),
    ("likes", "Likes", "The number of likes on the media."),
    (
        "comments",
        "Comments",
        "The number of comments on the media.",
    ),
    (
        "total_interactions",
        "Interactions",
        "The number of likes, saves, comments and shares on the media, minus the number of unlikes, unsaves and deleted comments.",
    ),
    (
        "ig_reels_avg_watch_time",
        "Average watch time",
        "The average amount of time spent playing the reel.",
    ),
];

/// Account metrics asked with `metric_type=total_value`.
const ACCOUNT_METRICS: &[(&str, &str, &str)] = &[
    (
        "views",
        "Views",
        "The number of times your content was played or displayed.",
    ),
    (
        "reach",
        "Accounts reached",
        "The number of unique accounts that have seen your content, at least once.",
    ),
    (
        "accounts_engaged",
        "Accounts engaged",
        "The number of accounts that have interacted with your content.",
    ),
    (
        "total_interactions",
        "Content interactions",
        "The total number of post interactions, story interactions, reels interactions, video interactions and live video interactions.",
    ),
    (
        "likes",
        "Likes",
        "The number of likes on your posts, reels and videos.",
    ),
    (
        "comments",
        "Comments",
        "The number of comments on your posts, reels, videos and live videos.",
    ),
    (
        "saves",
        "Saves",
        "The number of saves of your posts, reels and videos.",
    ),
    (
        "shares",
        "Shares",
        "The number of shares of your posts, stories, reels, videos and live videos.",
    ),
];

fn require_scope(grant: &TokenGrant, scope: &str) -> Result<(), GraphError> {
    if grant.scopes.iter().any(|s| s == scope) {
        Ok(())
    } else {
        // What Instagram answers a token granted without the permission.
        Err(GraphError::no_permission())
    }
}

fn metric_list<'a>(request: &'a GraphRequest) -> Result<Vec<&'a str>, GraphError> {
    let raw = request.param("metric").unwrap_or_default();
    let metrics: Vec<&str> = raw
        .split(',')
        .map(str::trim)
        .filter(|m| !m.is_empty())
        .collect();
    if metrics.is_empty() {
        return Err(GraphError::param("(#100) The parameter metric is required"));
    }
    Ok(metrics)
}

fn unknown_metric(index: usize, known: &[(&str, &str, &str)]) -> GraphError {
    let names: Vec<&str> = known.iter().map(|(n, _, _)| *n).collect();
    GraphError::param(format!(
        "(#100) metric[{index}] must be one of the following values: {}",
        names.join(", ")
    ))
}

/// One post's lifetime number for `metric`: fixed per post, in proportion
/// to its likes, so that the numbers agree with each other.
fn media_value(post: &Post, metric: &str) -> u64 {
    let seed = mix(post.like_count ^ post.timestamp.unix_timestamp() as u64);
    let likes = post.like_count;
    let comments = post.comments_count;
    let saved = likes / 9 + seed % 7;
    let shares = likes / 14 + (seed >> 8) % 5;
    let reach = likes * 11 + (seed >> 16) % 400;
    match metric {
        "views" => reach * 2 + (seed >> 24) % 900,
        "reach" => reach,
        "saved" => saved,
        "shares" => shares,
        "likes" => likes,
        "comments" => comments,
        "total_interactions" => likes + comments + saved + shares,
        // Milliseconds.
        "ig_reels_avg_watch_time" => 4_000 + (seed >> 32) % 9_000,
        _ => 0,
    }
}

/// `GET /{media-id}/insights?metric=…` for one of the token user's posts.
pub(crate) fn media_insights(
    app: &Shared,
    request: &GraphRequest,
    grant: &TokenGrant,
    id: &str,
) -> Result<Response, GraphError> {
    let user = app.user(grant.user);
    if user.account.child(id).is_some() {
        // Meta: "Insights data is not available for any media within an album".
        return Err(GraphError::new(
            10,
            "OAuthException",
            "(#10) Media Insights are not available for media within an album",
        ));
    }
    let post = user
        .account
        .post(id)
        .ok_or_else(|| GraphError::unknown_object(id, "get"))?;
    require_scope(grant, INSIGHTS_SCOPE)?;
    let metrics = metric_list(request)?;
    for (index, metric) in metrics.iter().enumerate() {
        if !MEDIA_METRICS.iter().any(|(n, _, _)| n == metric) {
            return Err(unknown_metric(index, MEDIA_METRICS));
        }
        if *metric == "ig_reels_avg_watch_time" && post.product != "REELS" {
            return Err(GraphError::param(format!(
                "(#100) The Media Insights API does not support the {metric} metric for this media product type."
            )));
        }
    }
    match post.insights {
        InsightsCase::NotEnoughViewers => {
            return Err(GraphError::new(
                10,
                "OAuthException",
                "(#10) Not enough viewers for the media to show insights",
            ));
        }
        // Not computed yet (up to 48 hours): an empty set, not zeros.
        InsightsCase::Empty => return Ok(graph_ok(&json!({ "data": [] }))),
        InsightsCase::Numbers => {}
    }
    let data: Vec<Value> = metrics
        .iter()
        .filter_map(|metric| MEDIA_METRICS.iter().find(|(n, _, _)| n == metric))
        .map(|(name, title, description)| {
            json!({
                "name": name,
                "period": "lifetime",
                "values": [{ "value": media_value(post, name) }],
                "title": title,
                "description": description,
                "id": format!("{}/insights/{name}/lifetime", post.id),
            })
        })
        .collect();
    Ok(graph_ok(&json!({ "data": data })))
}

/// Reads `since`/`until` (Unix seconds); the last 24 hours by default.
fn window(request: &GraphRequest, now: OffsetDateTime) -> Result<(i64, i64), GraphError> {
    let read = |name: &str| -> Result<Option<i64>, GraphError> {
        match request.param(name) {
            None | Some("") => Ok(None),
            Some(raw) => raw.trim().parse::<i64>().map(Some).map_err(|_| {
                GraphError::param(format!("(#100) Param {name} must be a UNIX timestamp"))
            }),
        }
    };
    let until = read("until")?.unwrap_or(now.unix_timestamp());
    let since = read("since")?.unwrap_or(until - 86_400);
    if since >= until {
        return Err(GraphError::param(
            "(#100) The since timestamp must be before the until timestamp",
        ));
    }
    if until - since > 30 * 86_400 {
        return Err(GraphError::param(
            "(#100) There cannot be more than 30 days (2592000 s) between since and until",
        ));
    }
    Ok((since, until))
}

/// The account's total for `metric` over `days` days (a day's worth of each,
/// fixed per account).
fn account_value(user: &User, metric: &str, days: u64) -> u64 {
    let seed = mix(user.followers ^ metric.len() as u64);
    let per_day = match metric {
        "views" => 900 + seed % 700,
        "reach" => 310 + seed % 200,
        "accounts_engaged" => 40 + seed % 30,
        "total_interactions" => 95 + seed % 60,
        "likes" => 70 + seed % 40,
        "comments" => 6 + seed % 5,
        "saves" => 9 + seed % 6,
        "shares" => 4 + seed % 4,
        _ => 0,
    };
    per_day * days
}

/// `GET /{ig-user-id}/insights?metric=…&period=day&metric_type=total_value&since=&until=`.
pub(crate) fn account_insights(
    app: &Shared,
    request: &GraphRequest,
    grant: &TokenGrant,
) -> Result<Response, GraphError> {
    require_scope(grant, INSIGHTS_SCOPE)?;
    let metrics = metric_list(request)?;
    for (index, metric) in metrics.iter().enumerate() {
        if !ACCOUNT_METRICS.iter().any(|(n, _, _)| n == metric) {
            return Err(unknown_metric(index, ACCOUNT_METRICS));
        }
    }
    if request.param("period") != Some("day") {
        return Err(GraphError::param(
            "(#100) param period must be one of {day, week, days_28, month, lifetime, total_over_range}",
        ));
    }
    if request.param("metric_type") != Some("total_value") {
        return Err(GraphError::param(
            "(#100) The following metrics (views, accounts_engaged, total_interactions) should be specified with parameter metric_type=total_value",
        ));
    }
    let now = app.lock().now();
    let (since, until) = window(request, now)?;
    let days = ((until - since + 86_399) / 86_400).max(1) as u64;
    let user = app.user(grant.user);
    let data: Vec<Value> = metrics
        .iter()
        .filter_map(|metric| ACCOUNT_METRICS.iter().find(|(n, _, _)| n == metric))
        .map(|(name, title, description)| {
            json!({
                "name": name,
                "period": "day",
                "title": title,
                "description": description,
                "total_value": { "value": account_value(user, name, days) },
                "id": format!("{}/insights/{name}/day", user.user_id),
            })
        })
        .collect();
    Ok(graph_ok(&json!({ "data": data })))
}

/// Commenters' usernames; some comments are the account's own replies.
const COMMENTERS: &[&str] = &[
    "alpine.anna",
    "trailmix_tom",
    "fjell_and_fog",
    "nordlys.nina",
    "basecamp_ben",
    "wanderlust.wei",
];

/// Comment texts: plain, emoji, right-to-left, a long one and one carrying a
/// terminal escape (which the app must show as text, never act on).
const COMMENT_TEXTS: &[&str] = &[
    "Wow, the light here 😍",
    "Where is this? Need to go!",
    "ما أجمل هذا المنظر 🌄",
    "That fog though 🌫️🔥",
    "Saved for my next trip ✨",
    "\u{1b}[31mred alert\u{1b}[0m this is stunning",
    "How early did you have to get up for this? I tried the same trail last autumn and the clouds never lifted once, not even for a minute.",
    "🙌🙌🙌",
];

struct FakeComment {
    id: String,
    text: String,
    username: String,
    timestamp: OffsetDateTime,
    like_count: u64,
    replies: Vec<FakeComment>,
}

/// The comments of `post`, oldest first as Instagram lists them; one in
/// four has replies.
fn comments_of(user: &User, post: &Post) -> Vec<FakeComment> {
    let base: u64 = post.id.parse::<u64>().unwrap_or(17_000_000_000_000_000) % 1_000_000_000;
    (0..post.comments_count)
        .map(|j| {
            let seed = mix(base ^ (j << 32));
            let id = (18_000_000_000_000_000 + base * 100 + j * 7).to_string();
            let replies = if j % 4 == 1 {
                (0..1 + seed % 3)
                    .map(|k| FakeComment {
                        id: (18_100_000_000_000_000 + base * 100 + j * 7 + k).to_string(),
                        text: if k == 0 {
                            "Thank you! 🙏".to_string()
                        } else {
                            COMMENT_TEXTS[((seed >> 8) + k) as usize % COMMENT_TEXTS.len()]
                                .to_string()
                        },
                        username: if k == 0 {
                            user.username.clone()
                        } else {
                            COMMENTERS[(k as usize + 2) % COMMENTERS.len()].to_string()
                        },
                        timestamp: post.timestamp + Duration::minutes((j as i64 + 1) * 37 + 90),
                        like_count: k,
                        replies: Vec::new(),
                    })
                    .collect()
            } else {
                Vec::new()
            };
            FakeComment {
                id,
                text: COMMENT_TEXTS[(seed % COMMENT_TEXTS.len() as u64) as usize].to_string(),
                username: COMMENTERS[((seed >> 12) % COMMENTERS.len() as u64) as usize].to_string(),
                timestamp: post.timestamp + Duration::minutes((j as i64 + 1) * 37),
                like_count: (seed >> 20) % 25,
                replies,
            }
        })
        .collect()
}

const COMMENT_FIELDS: &[&str] = &[
    "id",
    "text",
    "username",
    "timestamp",
    "like_count",
    "replies",
    "hidden",
    "parent_id",
];

fn comment_fields(request: &GraphRequest) -> Result<Vec<Field>, GraphError> {
    let fields = match request.param("fields") {
        None | Some("") => vec![field("id"), field("text"), field("timestamp")],
        Some(raw) => fields::parse(raw).map_err(|e| match e {
            FieldsError::Duplicate(name) => GraphError::duplicate_field(&name),
            FieldsError::Syntax(near) => GraphError::param(format!(
                "(#100) Syntax error in the fields parameter near \"{near}\""
            )),
        })?,
    };
    check_comment_fields(&fields)?;
    Ok(fields)
}

fn field(name: &str) -> Field {
    Field {
        name: name.to_string(),
        sub: None,
    }
}

fn check_comment_fields(fields: &[Field]) -> Result<(), GraphError> {
    for f in fields {
        if !COMMENT_FIELDS.contains(&f.name.as_str()) {
            return Err(GraphError::param(format!(
                "(#100) Tried accessing nonexisting field ({}) on node type (IGCommentFromUser)",
                f.name
            )));
        }
        if let Some(sub) = &f.sub {
            if f.name != "replies" {
                return Err(GraphError::param(format!(
                    "(#100) Field {} is not an edge and takes no sub-fields",
                    f.name
                )));
            }
            check_comment_fields(sub)?;
        }
    }
    Ok(())
}

fn render_comment(comment: &FakeComment, fields: &[Field]) -> Map<String, Value> {
    let mut out = Map::new();
    for f in fields {
        let value = match f.name.as_str() {
            "id" => Value::from(comment.id.as_str()),
            "text" => Value::from(comment.text.as_str()),
            "username" => Value::from(comment.username.as_str()),
            "timestamp" => Value::from(timestamp(comment.timestamp)),
            "like_count" => Value::from(comment.like_count),
            "hidden" => Value::from(false),
            "replies" => {
                // Only comments that have replies carry the edge.
                if comment.replies.is_empty() {
                    continue;
                }
                let sub = f.sub.clone().unwrap_or_else(|| vec![field("id")]);
                let data: Vec<Value> = comment
                    .replies
                    .iter()
                    .map(|r| Value::Object(render_comment(r, &sub)))
                    .collect();
                json!({ "data": data })
            }
            _ => continue,
        };
        out.insert(f.name.clone(), value);
    }
    out
}

fn comment_cursor(index: usize) -> String {
    URL_SAFE_NO_PAD.encode(format!("CMT:{index}"))
}

fn comment_index(cursor: &str) -> Option<usize> {
    let bytes = URL_SAFE_NO_PAD.decode(cursor.trim_end_matches('=')).ok()?;
    String::from_utf8(bytes)
        .ok()?
        .strip_prefix("CMT:")?
        .parse()
        .ok()
}

/// `GET /{media-id}/comments?fields=…&limit=…&after=…`.
pub(crate) fn comments(
    app: &Shared,
    request: &GraphRequest,
    grant: &TokenGrant,
    id: &str,
) -> Result<Response, GraphError> {
    let user = app.user(grant.user);
    let post = user
        .account
        .post(id)
        .ok_or_else(|| GraphError::unknown_object(id, "get"))?;
    require_scope(grant, COMMENTS_SCOPE)?;
    let fields = comment_fields(request)?;
    let limit = match request.param("limit") {
        None | Some("") => COMMENTS_DEFAULT_LIMIT,
        Some(raw) => raw
            .trim()
            .parse::<usize>()
            .map_err(|_| GraphError::param("(#100) Param limit must be a number"))?
            .clamp(1, COMMENTS_MAX_LIMIT),
    };
    let all = comments_of(user, post);
    let start = match request.param("after") {
        Some(after) => {
            comment_index(after).ok_or_else(|| GraphError::param("(#100) Invalid after cursor"))?
                + 1
        }
        None => 0,
    };
    let end = (start + limit).min(all.len());
    let page = all.get(start..end).unwrap_or_default();
    if page.is_empty() {
        return Ok(graph_ok(&json!({ "data": [] })));
    }
    let data: Vec<Value> = page
        .iter()
        .map(|c| Value::Object(render_comment(c, &fields)))
        .collect();
    let mut paging = Map::new();
    paging.insert(
        "cursors".into(),
        json!({ "before": comment_cursor(start), "after": comment_cursor(end - 1) }),
    );
    if end < all.len() {
        paging.insert(
            "next".into(),
            Value::from(super::graph::page_url(
                app,
                request,
                "after",
                &comment_cursor(end - 1),
            )),
        );
    }
    Ok(graph_ok(&json!({ "data": data, "paging": paging })))
}
