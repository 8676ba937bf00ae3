//! `insights` and `comments`: a post's numbers, the account's totals and a post's comments, behind
//! the permissions the user opted into (exit 3 naming the command that adds a missing one).

use super::feed::usable_token;
use super::output::print_json;
use super::{CliError, Context};
use crate::instagram::engagement::{
    self, ACCOUNT_METRICS, COMMENTS_SCOPE, Comment, INSIGHTS_SCOPE, Insight, InsightsState,
};
use crate::instagram::{ApiError, ErrorKind};
use crate::localtime;
use crate::sanitize;
use crate::store::{State, StoredToken};
use serde::Serialize;
use std::collections::BTreeMap;

/// Comments a run lists at most: pages of 50, so at most 20 calls.
const MAX_COMMENTS: usize = 1_000;
const COMMENTS_PAGE: u32 = 50;

/// Exit 3 for a permission the token was granted without, naming the
/// commands that add it (`setup --scopes …`, then `authorize`).
pub(crate) fn missing_scope(state: &State, scope: &str, what: &str) -> CliError {
    CliError::needs_auth(format!(
        "the token was granted without {scope}, which {what} needs: {}",
        crate::credentials::how_to_add_scope(state.app(), scope)
    ))
}

/// Refuses before any call when the token's recorded permissions lack
/// `scope` (an exchange that listed none says nothing either way).
fn check_granted(state: &State, t: &StoredToken, scope: &str, what: &str) -> Result<(), CliError> {
    if !t.permissions.is_empty() && !t.permissions.iter().any(|p| p == scope) {
        return Err(missing_scope(state, scope, what));
    }
    Ok(())
}

fn refusal(state: &State, err: ApiError, scope: &str, what: &str) -> CliError {
    if err.kind == ErrorKind::Permission
        && InsightsState::of(&err).is_none_or(|s| s == InsightsState::MissingPermission)
    {
        missing_scope(state, scope, what)
    } else {
        CliError::from(err)
    }
}

/// `insights --json` for a post.
#[derive(Serialize)]
struct PostInsights {
    post_id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    media_product_type: Option<String>,
    /// `ok`, `not_ready` (Instagram has no numbers yet, up to 48 h),
    /// `not_enough_viewers` or `album_item`.
    state: &'static str,
    /// Metric name → number (`null` when Instagram sent none);
    /// `ig_reels_avg_watch_time` is in milliseconds.
    metrics: BTreeMap<String, Option<u64>>,
    fetched_at: String,
}

/// `insights --json` for the account.
#[derive(Serialize)]
struct AccountInsights {
    user_id: String,
    days: u32,
    since: String,
    until: String,
    metrics: BTreeMap<String, Option<u64>>,
    fetched_at: String,
}

fn metric_map(insights: &[Insight]) -> BTreeMap<String, Option<u64>> {
    insights.iter().map(|i| (i.name.clone(), i.value)).collect()
}

fn rfc3339(at: time::OffsetDateTime) -> String {
    at.format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default()
}

/// How a metric reads in the table.
fn label(name: &str) -> &str {
    match name {
        "views" => "views",
        "reach" => "reach",
        "saved" | "saves" => "saves",
        "shares" => "shares",
        "total_interactions" => "interactions",
        "accounts_engaged" => "accounts engaged",
        "ig_reels_avg_watch_time" => "avg watch time",
        other => other,
    }
}

fn shown_value(name: &str, value: Option<u64>) -> String {
    match value {
        None => "—".to_string(),
        Some(ms) if name == "ig_reels_avg_watch_time" => format!("{:.1} s", ms as f64 / 1000.0),
        Some(n) => n.to_string(),
    }
}

pub(super) async fn insights(
    ctx: &Context,
    post: Option<String>,
    days: u32,
    json: bool,
) -> Result<(), CliError> {
    let state = ctx.load()?;
    let t = usable_token(ctx, &state)?;
    let profile = ctx.account(&state).and_then(|a| a.profile.as_ref());
    let what = "insights";
    check_granted(&state, &t, INSIGHTS_SCOPE, what)?;
    let client = ctx.client(&state)?;
    let now = crate::clock::now();
    let result = match post {
        Some(id) => post_insights(&state, &client, &t, id.trim(), json, now).await,
        None => account_insights(&state, profile, &client, &t, days, json, now).await,
    };
    if let Some(usage) = client.rate_usage() {
        let _ = ctx.update(|s| {
            let id = ctx.target(s)?;
            s.record_rate_usage(id.as_ref(), Some(usage));
            Ok::<_, CliError>(())
        });
    }
    result
}

async fn post_insights(
    state: &State,
    client: &crate::instagram::Client,
    t: &StoredToken,
    id: &str,
    json: bool,
    now: time::OffsetDateTime,
) -> Result<(), CliError> {
    if id.is_empty() || !id.bytes().all(|b| b.is_ascii_digit()) {
        return Err(CliError::usage(format!(
            "--post takes a post's id (digits, as 'instatui feed --json' lists them), not '{}'",
            sanitize::line(id)
        )));
    }
    // Reels add the watch time, which other posts refuse: the post says
    // which it is.
    let media = client.media(&t.value, id).await?;
    let metrics = engagement::media_metrics(media.media_product_type.as_deref());
    let (state_name, numbers) = match client.media_insights(&t.value, id, &metrics).await {
        Ok(numbers) if numbers.is_empty() => ("not_ready", numbers),
        Ok(numbers) => ("ok", numbers),
        Err(err) => match InsightsState::of(&err) {
            Some(InsightsState::NotEnoughViewers) => ("not_enough_viewers", Vec::new()),
            Some(InsightsState::AlbumItem) => ("album_item", Vec::new()),
            _ => return Err(refusal(state, err, INSIGHTS_SCOPE, "insights")),
        },
    };
    if json {
        return print_json(&PostInsights {
            post_id: id.to_string(),
            media_product_type: media.media_product_type.clone(),
            state: state_name,
            metrics: metric_map(&numbers),
            fetched_at: rfc3339(now),
        });
    }
    match state_name {
        "not_ready" => println!(
            "No numbers yet for post {id}: Instagram computes them within 48 hours of posting."
        ),
        "not_enough_viewers" => println!(
            "No numbers for post {id}: Instagram shows insights once enough people have seen it."
        ),
        "album_item" => println!(
            "No numbers for {id}: items inside an album have none; ask for the album's own id."
        ),
        _ => {
            println!("Post {id}, lifetime:");
            for insight in &numbers {
                println!(
                    "  {:<16} {}",
                    label(&insight.name),
                    shown_value(&insight.name, insight.value)
                );
            }
        }
    }
    Ok(())
}

async fn account_insights(
    state: &State,
    profile: Option<&crate::instagram::Profile>,
    client: &crate::instagram::Client,
    t: &StoredToken,
    days: u32,
    json: bool,
    now: time::OffsetDateTime,
) -> Result<(), CliError> {
    let until = now.unix_timestamp();
    let since = until - i64::from(days) * 86_400;
    let owner = profile
        .and_then(|p| p.user_id.as_deref())
        .unwrap_or(t.user_id.as_str())
        .to_string();
    let numbers = client
        .account_insights(&t.value, &owner, ACCOUNT_METRICS, since, until)
        .await
        .map_err(|err| refusal(state, err, INSIGHTS_SCOPE, "insights"))?;
    if json {
        return print_json(&AccountInsights {
            user_id: owner,
            days,
            since: rfc3339(now - time::Duration::days(i64::from(days))),
            until: rfc3339(now),
            metrics: metric_map(&numbers),
            fetched_at: rfc3339(now),
        });
    }
    let who = profile.and_then(|p| p.username.as_deref()).map_or_else(
        || format!("user {owner}"),
        |u| format!("@{}", sanitize::line(u)),
    );
    println!("{who}, the last {days} days:");
    if numbers.is_empty() {
        println!("  no numbers yet (Instagram's can lag up to 48 hours)");
    }
    for insight in &numbers {
        println!(
            "  {:<16} {}",
            label(&insight.name),
            shown_value(&insight.name, insight.value)
        );
    }
    Ok(())
}

/// `comments --json`.
#[derive(Serialize)]
struct Comments {
    post_id: String,
    /// Oldest first, as Instagram lists them; each with its `replies`.
    comments: Vec<Comment>,
    /// More than [`MAX_COMMENTS`]: the rest were not fetched.
    truncated: bool,
}

pub(super) async fn comments(ctx: &Context, post: &str, json: bool) -> Result<(), CliError> {
    let state = ctx.load()?;
    let t = usable_token(ctx, &state)?;
    let what = "comments";
    check_granted(&state, &t, COMMENTS_SCOPE, what)?;
    let id = post.trim();
    if id.is_empty() || !id.bytes().all(|b| b.is_ascii_digit()) {
        return Err(CliError::usage(format!(
            "comments takes a post's id (digits, as 'instatui feed --json' lists them), not '{}'",
            sanitize::line(id)
        )));
    }
    let client = ctx.client(&state)?;
    let mut all: Vec<Comment> = Vec::new();
    let mut after: Option<String> = None;
    let mut seen = std::collections::HashSet::new();
    let truncated = loop {
        let page = client
            .comments_page(&t.value, id, after.as_deref(), COMMENTS_PAGE)
            .await
            .map_err(|err| refusal(&state, err, COMMENTS_SCOPE, what))?;
        let next = page.next_cursor().map(str::to_string);
        let empty = page.data.is_empty();
        all.extend(page.data);
        if all.len() >= MAX_COMMENTS {
            all.truncate(MAX_COMMENTS);
            break next.is_some();
        }
        match next {
            // A cursor seen before would loop forever; an empty page that
            // still says "more" is taken at its word only once.
            Some(cursor) if !empty && seen.insert(cursor.clone()) => after = Some(cursor),
            _ => break false,
        }
    };
    if let Some(usage) = client.rate_usage() {
        let _ = ctx.update(|s| {
            let id = ctx.target(s)?;
            s.record_rate_usage(id.as_ref(), Some(usage));
            Ok::<_, CliError>(())
        });
    }
    if json {
        return print_json(&Comments {
            post_id: id.to_string(),
            comments: all,
            truncated,
        });
    }
    if all.is_empty() {
        println!("No comments on post {id}.");
        return Ok(());
    }
    let offset = localtime::offset();
    for comment in &all {
        println!("{}", comment_line(comment, offset, ""));
        for reply in &comment.replies {
            println!("{}", comment_line(reply, offset, "  ↳ "));
        }
    }
    if truncated {
        eprintln!("note: only the first {MAX_COMMENTS} comments were fetched");
    }
    Ok(())
}

fn comment_line(comment: &Comment, offset: time::UtcOffset, indent: &str) -> String {
    let when = comment.posted_at().map_or_else(
        || "????-??-??".to_string(),
        |t| localtime::date_in(t, offset),
    );
    let who = comment.username.as_deref().map_or_else(
        || "(someone)".to_string(),
        |u| format!("@{}", sanitize::line(u)),
    );
    let likes = match comment.like_count {
        Some(n) if n > 0 => format!("  ♥ {n}"),
        _ => String::new(),
    };
    let text = comment.text.as_deref().map_or_else(
        || "(no text)".to_string(),
        |t| sanitize::line(t).into_owned(),
    );
    format!("{indent}{when} {who}: {text}{likes}")
}
