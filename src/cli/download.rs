//! `instatui download`: the feed's pictures and videos to a folder, four at a time, idempotent.

use super::{CliError, Context, DownloadArgs};
use crate::download::{self, Outcome};
use crate::instagram::client::MediaList;
use crate::instagram::paging::{Pager, Step};
use crate::instagram::{VIDEO_UNAVAILABLE, VIDEO_UNAVAILABLE_WHY};
use crate::store;
use futures::StreamExt;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// Transfers at once: enough to hide latency, few enough to be polite.
const PARALLEL: usize = 4;

pub async fn run(ctx: &Context, args: DownloadArgs) -> Result<(), CliError> {
    // A mistyped date is a usage error, whatever the state of the setup.
    let since = args
        .since
        .as_deref()
        .map(parse_date)
        .transpose()
        .map_err(CliError::usage)?;
    let state = ctx.load()?;
    let token = super::feed::usable_token(&state)?;
    let client = ctx.client(&state)?;
    let dir = args
        .out
        .clone()
        .unwrap_or_else(|| download::default_dir(&store::data_dir(&ctx.store)));
    std::fs::create_dir_all(&dir).map_err(|e| {
        CliError::failed(format!(
            "could not create {}: {e}; choose another folder with --out",
            dir.display()
        ))
    })?;

    let max = if since.is_some() {
        None
    } else {
        args.count.max()
    };
    let list = match since {
        None => {
            client
                .list_media(&token.value, crate::instagram::client::ME, max, |_| {})
                .await?
        }
        Some(since) => posts_since(&client, &token, since).await?,
    };
    if let Some(note) = list.note() {
        eprintln!("note: {note}");
    }
    let mut posts = list.items;
    if let Some(since) = since {
        posts.retain(|p| p.posted_at().is_some_and(|t| t.date() >= since));
        if let Some(limit) = args.count.max() {
            posts.truncate(limit);
        }
    }
    let username = state
        .profile
        .as_ref()
        .and_then(|p| p.username.clone())
        .or_else(|| posts.iter().find_map(|p| p.username.clone()))
        .unwrap_or_else(|| token.user_id.clone());
    let jobs = download::plan(&posts, &username);
    // One listing for the whole run: a re-run over thousands of files stays linear.
    let existing = download::Existing::scan(&dir);

    let bar = ProgressBar::new(jobs.len() as u64);
    bar.set_draw_target(ProgressDrawTarget::stderr());
    if let Ok(style) = ProgressStyle::with_template("{bar:30} {pos}/{len} files {msg}") {
        bar.set_style(style);
    }
    let results: Vec<Result<Outcome, String>> = futures::stream::iter(jobs.iter())
        .map(|job| {
            let (client, token, dir, bar, existing) =
                (&client, &token.value, &dir, &bar, &existing);
            async move {
                let result = download::run_job(client, token, job, dir, existing).await;
                bar.inc(1);
                result
            }
        })
        .buffer_unordered(PARALLEL)
        .collect()
        .await;
    bar.finish_and_clear();

    let saved = results
        .iter()
        .filter(|r| matches!(r, Ok(Outcome::Saved(_))))
        .count();
    let skipped = results
        .iter()
        .filter(|r| matches!(r, Ok(Outcome::Skipped(_))))
        .count();
    let covers: Vec<&std::path::PathBuf> = results
        .iter()
        .filter_map(|r| match r {
            Ok(Outcome::CoverOnly(path)) => Some(path),
            _ => None,
        })
        .collect();
    for cover in &covers {
        let name = cover.file_name().unwrap_or_default().to_string_lossy();
        let stem = cover.file_stem().unwrap_or_default().to_string_lossy();
        let post = stem.strip_suffix(download::COVER_SUFFIX).unwrap_or(&stem);
        println!(
            "{post}: {VIDEO_UNAVAILABLE} ({VIDEO_UNAVAILABLE_WHY}); its cover is saved as {name}"
        );
    }
    let failures: Vec<&String> = results.iter().filter_map(|r| r.as_ref().err()).collect();
    for failure in &failures {
        eprintln!("failed: {failure}");
    }
    let unavailable = if covers.is_empty() {
        String::new()
    } else {
        format!("{} only as a cover ({VIDEO_UNAVAILABLE}), ", covers.len())
    };
    println!(
        "{saved} saved, {unavailable}{skipped} already there, {} failed, from {} posts, in {}",
        failures.len(),
        posts.len(),
        dir.display()
    );
    if failures.is_empty() {
        Ok(())
    } else {
        Err(CliError::failed(format!(
            "{} files could not be saved: run the same command again to retry only those",
            failures.len()
        )))
    }
}

/// Pages until a post older than `since` shows up: the feed is newest
/// first, so nothing after it can match.
async fn posts_since(
    client: &crate::instagram::Client,
    token: &crate::store::StoredToken,
    since: time::Date,
) -> Result<MediaList, CliError> {
    let mut list = MediaList::default();
    let mut pager = Pager::default();
    let mut after: Option<String> = None;
    loop {
        let mut page = client
            .media_page(
                &token.value,
                crate::instagram::client::ME,
                after.as_deref(),
                crate::instagram::client::PAGE_LIMIT,
            )
            .await?;
        let step = pager.after_page(after.as_deref(), &mut page);
        list.skipped += page.skipped;
        list.refused_field = page.refused_field.take().or(list.refused_field.take());
        let reached_older = page
            .data
            .iter()
            .any(|p| p.posted_at().is_some_and(|t| t.date() < since));
        list.items.extend(page.data);
        match step {
            _ if reached_older => return Ok(list),
            Step::Next(cursor) => after = Some(cursor),
            Step::End => return Ok(list),
            Step::Stop(stop) => {
                list.stop = Some(stop);
                return Ok(list);
            }
        }
    }
}

fn parse_date(text: &str) -> Result<time::Date, String> {
    let format = time::macros::format_description!("[year]-[month]-[day]");
    time::Date::parse(text.trim(), &format)
        .map_err(|_| format!("'{text}' is not a date: write it like 2026-01-31"))
}
