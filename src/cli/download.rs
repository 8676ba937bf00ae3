//! `instatui download`: the feed's pictures and videos to a folder, at each host's pace, idempotent;
//! a date range, one kind of media, sidecars.

use super::progress::{self, Listing};
use super::{CliError, Context, DownloadArgs};
use crate::download::mark::Mark;
use crate::download::{self, Outcome};
use crate::instagram::walk::{self, MediaList};
use crate::instagram::{Media, MediaType, VIDEO_UNAVAILABLE, VIDEO_UNAVAILABLE_WHY};
use crate::store;
use time::Date;

/// `--only`: one kind of media.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum Only {
    /// Pictures only.
    Images,
    /// Videos only.
    Videos,
}

impl Only {
    fn media_type(self) -> MediaType {
        match self {
            Only::Images => MediaType::Image,
            Only::Videos => MediaType::Video,
        }
    }
}

pub(super) async fn run(ctx: &Context, args: DownloadArgs) -> Result<(), CliError> {
    // A mistyped date is a usage error, whatever the state of the setup.
    let since = args
        .since
        .as_deref()
        .map(parse_date)
        .transpose()
        .map_err(CliError::usage)?;
    let until = args
        .until
        .as_deref()
        .map(parse_date)
        .transpose()
        .map_err(CliError::usage)?;
    if let (Some(since), Some(until)) = (since, until)
        && since > until
    {
        return Err(CliError::usage(format!(
            "--since {since} is after --until {until}: no post can match; swap them"
        )));
    }
    let range = Range { since, until };
    let only = args.only.map(Only::media_type);
    let state = ctx.load()?;
    let token = super::feed::usable_token(ctx, &state)?;
    let listing = Listing::start(true);
    let client = args.wait.client(ctx, &state, listing.printer())?;
    let dir = crate::config::download_dir(
        args.out.clone(),
        std::env::var_os(crate::config::DOWNLOAD_DIR_ENV),
        &ctx.config,
        || download::default_dir(&store::data_dir(&ctx.store)),
    );
    std::fs::create_dir_all(&dir).map_err(|e| {
        CliError::failed(format!(
            "could not create {}: {e}; choose another folder with --out",
            dir.display()
        ))
    })?;

    // `--new`: the newest post a complete run saved here for this account.
    let account_key = ctx
        .account(&state)
        .and_then(|a| a.profile.as_ref().and_then(|p| p.user_id.clone()))
        .unwrap_or_else(|| token.user_id.clone());
    let mark = if args.new {
        Mark::read(&dir, &account_key).unwrap_or_else(|e| {
            eprintln!("warning: {e}; listing every post (the files already there are skipped)");
            None
        })
    } else {
        None
    };
    let newer = |p: &Media| mark.as_ref().is_none_or(|m| m.is_new(p));

    // The whole feed stops at the count; a range at the first post older
    // than `--since` or the mark, or once the count of posts in it is in
    // (posts newer than `--until` are paged past). The first page's pinned
    // posts, old as they may be, end nothing.
    let limit = if args.new { None } else { args.count.max() };
    let whole = range.is_all() && mark.is_none();
    let mut matched = 0;
    let mut past = walk::Past::default();
    let pages = walk::until(
        client.pages(
            &token.value,
            crate::instagram::client::ME,
            limit.filter(|_| whole),
        ),
        |page| {
            matched += page
                .iter()
                .filter(|p| range.contains(p) && newer(p))
                .count();
            past.reached(page, |p| {
                range.is_past(p) || mark.as_ref().is_some_and(|m| m.is_past(p))
            }) || limit.is_some_and(|l| matched >= l)
        },
    );
    let list = MediaList::gather(pages, |n| listing.set(n))
        .await
        .map_err(|e| args.wait.explain(e))?;
    drop(listing);
    if let Some(note) = list.note() {
        eprintln!("note: {note}");
    }
    // Paging that stopped before the end (a cursor again, 10,000 posts)
    // may have left new posts unlisted: the mark then stays.
    let listed_all = list.stop.is_none();
    let mut posts = list.items;
    if !whole {
        posts.retain(|p| range.contains(p) && newer(p));
        if let Some(limit) = limit {
            posts.truncate(limit);
        }
    }
    let username = ctx
        .account(&state)
        .and_then(|a| a.username().map(str::to_string))
        .or_else(|| posts.iter().find_map(|p| p.username.clone()))
        .unwrap_or_else(|| token.user_id.clone());
    let pattern = ctx.config.download_pattern.clone().unwrap_or_default();
    let mut jobs = pattern.plan(&posts, &username);
    if let Some(kind) = only {
        jobs.retain(|job| job.kind == kind);
        // Sidecars only for the posts something was kept of.
        posts.retain(|p| jobs.iter().any(|j| j.post_id == p.id));
    }
    // One listing for the whole run: a re-run over thousands of files stays linear.
    let existing = download::Existing::scan(&dir);

    let bar = progress::files(jobs.len());
    let results =
        download::run_all(&client, &token.value, &jobs, &dir, &existing, || bar.inc(1)).await;
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
    let unavailable = if covers.is_empty() {
        String::new()
    } else {
        format!("{} only as a cover ({VIDEO_UNAVAILABLE}), ", covers.len())
    };
    let mut failures: Vec<String> = results.into_iter().filter_map(Result::err).collect();
    let mut sidecars = 0;
    if args.sidecars {
        for post in &posts {
            match download::write_sidecar(&dir, &pattern, &username, post) {
                Ok(written) => sidecars += usize::from(written),
                Err(e) => failures.push(e),
            }
        }
    }
    for failure in &failures {
        eprintln!("failed: {}", crate::sanitize::line(failure));
    }
    let sidecars = if args.sidecars {
        format!(", {sidecars} sidecars written")
    } else {
        String::new()
    };
    println!(
        "{saved} saved, {unavailable}{skipped} already there, {} failed{sidecars}, from {} posts, in {}",
        failures.len(),
        posts.len(),
        dir.display()
    );
    // With --only, posts newer than the mark may hold files of the other
    // kind, never saved: the mark stays, so a later plain --new gets them.
    if args.new && failures.is_empty() && listed_all && only.is_none() {
        // Only now, every file on disk: an interrupted or failed run
        // leaves the mark where it was, and the next run fetches it all again.
        if let Some(next) = Mark::after(mark.as_ref(), &account_key, &posts, crate::clock::now())
            && Some(&next) != mark.as_ref()
        {
            next.write(&dir).map_err(|e| {
                CliError::failed(format!(
                    "{e}; the files are saved, but the next 'download --new' fetches them again"
                ))
            })?;
        }
    }
    if failures.is_empty() {
        Ok(())
    } else {
        Err(CliError::failed(format!(
            "{} files could not be saved: run the same command again to retry only those",
            failures.len()
        )))
    }
}

/// The days asked for with `--since` and `--until` (UTC, like the file names).
#[derive(Debug, Clone, Copy)]
struct Range {
    since: Option<Date>,
    until: Option<Date>,
}

impl Range {
    fn is_all(&self) -> bool {
        self.since.is_none() && self.until.is_none()
    }

    fn contains(&self, post: &Media) -> bool {
        let Some(day) = post.posted_at().map(|t| t.date()) else {
            return self.is_all();
        };
        self.since.is_none_or(|s| day >= s) && self.until.is_none_or(|u| day <= u)
    }

    /// Older than `since`: the feed is newest first, so nothing after it can match.
    fn is_past(&self, post: &Media) -> bool {
        let day = post.posted_at().map(|t| t.date());
        matches!((self.since, day), (Some(s), Some(d)) if d < s)
    }
}

fn parse_date(text: &str) -> Result<time::Date, String> {
    let format = time::macros::format_description!("[year]-[month]-[day]");
    time::Date::parse(text.trim(), &format)
        .map_err(|_| format!("'{text}' is not a date: write it like 2026-01-31"))
}
