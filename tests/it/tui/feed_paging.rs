//! Paging a 10,000-post feed through `update` alone, on a simulated clock:
//! the cache of an earlier run kept whole and revalidated from the top, `G`
//! loading to the end, and a held PgDn against a slow server.

use crate::common::tui::*;
use crossterm::event::KeyCode;
use instatui::app::feed::{CachedFeed, Goal};
use instatui::app::{App, Effect, Msg};
use time::Duration;

/// The account the server below pages through.
const POSTS: usize = 10_000;
const PAGE: usize = 100;

/// Cursor of the page that starts at `offset`.
fn cursor(offset: usize) -> String {
    format!("c{offset}")
}

fn offset_of(after: Option<&str>) -> usize {
    after
        .and_then(|a| a.strip_prefix('c'))
        .and_then(|n| n.parse().ok())
        .unwrap_or(0)
}

/// The answer to a page request.
fn answer(generation: u64, after: Option<String>) -> Msg {
    let start = offset_of(after.as_deref());
    let end = (start + PAGE).min(POSTS);
    let next = (end < POSTS).then(|| cursor(end));
    Msg::FeedPage {
        generation,
        after,
        result: Ok(page(start..end, next.as_deref())),
    }
}

fn fetches(effects: &[Effect]) -> Vec<(u64, Option<String>)> {
    effects
        .iter()
        .filter_map(|e| match e {
            Effect::FetchFeedPage {
                generation, after, ..
            } => Some((*generation, after.clone())),
            _ => None,
        })
        .collect()
}

fn cache_saves(effects: &[Effect]) -> Vec<&CachedFeed> {
    effects
        .iter()
        .filter_map(|e| match e {
            Effect::SaveFeedCache { feed, .. } => Some(feed),
            _ => None,
        })
        .collect()
}

/// An authorized app on the Feed at 100×30, with the first request made.
fn started() -> (App, Vec<(u64, Option<String>)>) {
    let mut app = app_with(state_authorized());
    send(&mut app, [Msg::Resize(100, 30)]);
    let effects = instatui::app::update::start(&mut app);
    let asked = fetches(&effects);
    assert_eq!(asked.len(), 1, "{effects:?}");
    (app, asked)
}

fn title(app: &App) -> String {
    let mut terminal =
        ratatui::Terminal::new(ratatui::backend::TestBackend::new(100, 30)).expect("terminal");
    terminal
        .draw(|f| instatui::ui::render(app, f))
        .expect("draw");
    let screen = terminal.backend().to_string();
    screen
        .lines()
        .find(|l| l.contains("Feed ·"))
        .unwrap_or_default()
        .to_string()
}

fn selected_id(app: &App) -> Option<String> {
    app.feed.selected_media().map(|m| m.id.clone())
}

// ------------------------------------------------------------------ cache

/// A scrolled-through feed survives a restart whole: the first fresh page
/// is laid over it (new posts on top), the selected post stays selected,
/// and loading goes on from where the cache ended.
#[test]
fn a_restart_keeps_the_whole_cached_feed_and_revalidates_the_top() {
    let (mut app, asked) = started();
    let (first, after) = asked[0].clone();
    assert_eq!(after, None, "revalidation starts from the top");
    // The cache of the last run: posts 5..1005, loaded up to cursor c1005.
    let cached = CachedFeed {
        items: (5..1005).map(media).collect(),
        next_cursor: Some(cursor(1005)),
        complete: false,
    };
    send(
        &mut app,
        [Msg::FeedCacheLoaded {
            user_id: USER_ID.into(),
            feed: cached,
            saved_at: NOW - Duration::hours(3),
        }],
    );
    assert_eq!(app.feed.items.len(), 1000);
    assert!(title(&app).contains("cached 3h 00m ago"), "{}", title(&app));
    // Far down the cached list while the first page is on its way.
    while app.feed.selected < 720 {
        send(&mut app, [code(KeyCode::PageDown)]);
    }
    let before = selected_id(&app);

    // Five posts were added since: the fresh page is posts 0..100.
    let effects = send(&mut app, [answer(first, None)]);
    assert_eq!(app.feed.items.len(), 1005, "nothing of the cache lost");
    assert_eq!(app.feed.items[0].id, media(0).id, "new posts on top");
    assert_eq!(app.feed.items[1004].id, media(1004).id);
    assert_eq!(selected_id(&app), before, "the selection did not jump");
    assert!(app.feed.cached_at.is_none());
    let saved = cache_saves(&effects);
    assert_eq!(saved.len(), 1);
    assert_eq!(saved[0].items.len(), 1005, "the whole list is cached");
    assert_eq!(saved[0].next_cursor, Some(cursor(1005)));
    // Within LOAD_AHEAD of the end: loading goes on after the cached end.
    assert_eq!(
        fetches(&effects).first().map(|(_, a)| a.clone()),
        Some(Some(cursor(1005)))
    );
}

/// The first page can beat a large cache off the disk: the cached rest
/// then goes under the fresh pages, and a page asked for in between is
/// dropped, since the list now goes on from the cache's end.
#[test]
fn a_cache_read_after_the_first_page_still_fills_in_the_rest() {
    let (mut app, asked) = started();
    let effects = send(&mut app, [answer(asked[0].0, None)]);
    let (ahead, after) = fetches(&effects)[0].clone();
    assert_eq!(after, Some(cursor(100)));
    let effects = send(
        &mut app,
        [Msg::FeedCacheLoaded {
            user_id: USER_ID.into(),
            feed: CachedFeed {
                items: (0..2000).map(media).collect(),
                next_cursor: Some(cursor(2000)),
                complete: false,
            },
            saved_at: NOW - Duration::days(1),
        }],
    );
    assert_eq!(app.feed.items.len(), 2000);
    assert!(app.feed.cached_at.is_none(), "the top is fresh");
    assert!(
        fetches(&effects).is_empty(),
        "1,900 posts below: nothing to load"
    );
    // The page asked for after the first one no longer fits: dropped.
    send(&mut app, [answer(ahead, after)]);
    assert_eq!(app.feed.items.len(), 2000);
    let ids: std::collections::HashSet<_> = app.feed.items.iter().map(|m| &m.id).collect();
    assert_eq!(ids.len(), 2000, "no post twice");
}

/// A big cache's first posts are drawn before the rest is read; the rest
/// then takes the head's place without moving the selection, and a key
/// that went past the head's end lands where it was headed.
#[test]
fn the_head_of_a_big_cache_is_shown_first_and_the_rest_takes_its_place() {
    let (mut app, _asked) = started();
    send(
        &mut app,
        [Msg::FeedCacheHead {
            user_id: USER_ID.into(),
            feed: CachedFeed {
                items: (0..100).map(media).collect(),
                next_cursor: None,
                complete: false,
            },
            saved_at: NOW - Duration::hours(1),
        }],
    );
    assert_eq!(app.feed.items.len(), 100);
    assert!(title(&app).contains("cached 1h 00m ago"), "{}", title(&app));
    send(&mut app, [code(KeyCode::Down), code(KeyCode::Down)]);
    assert_eq!(selected_id(&app), Some(media(2).id));
    // Past the head's end: not lost.
    send(&mut app, [code(KeyCode::End)]);
    send(&mut app, [code(KeyCode::PageDown), code(KeyCode::PageDown)]);
    let headed = app.feed.goal;
    assert!(matches!(headed, Some(Goal::Row(r)) if r > 99), "{headed:?}");
    let effects = send(
        &mut app,
        [Msg::FeedCacheLoaded {
            user_id: USER_ID.into(),
            feed: CachedFeed {
                items: (0..POSTS).map(media).collect(),
                next_cursor: None,
                complete: true,
            },
            saved_at: NOW - Duration::hours(1),
        }],
    );
    assert_eq!(app.feed.items.len(), POSTS);
    let Some(Goal::Row(row)) = headed else {
        unreachable!()
    };
    assert_eq!(app.feed.selected, row, "the keys past the head count");
    assert!(cache_saves(&effects).is_empty(), "nothing new to write");
}

/// Quitting writes what was loaded since the last cache write, so the next
/// start has all of it.
#[test]
fn quitting_writes_the_whole_list_to_the_cache() {
    let (mut app, asked) = started();
    let mut pending = asked;
    // Load five pages in quick succession: written once, at the first.
    let mut written = Vec::new();
    for _ in 0..5 {
        let (generation, after) = pending.remove(0);
        let effects = send(&mut app, [answer(generation, after)]);
        written.extend(cache_saves(&effects).iter().map(|f| f.items.len()));
        pending.extend(fetches(&effects));
        send(&mut app, [code(KeyCode::PageDown), code(KeyCode::PageDown)]);
        pending.extend(fetches(&send(&mut app, [code(KeyCode::PageDown)])));
    }
    assert_eq!(written, [100], "not once per page");
    let effects = send(&mut app, [key('q')]);
    let saved = cache_saves(&effects);
    assert_eq!(saved.len(), 1, "{effects:?}");
    assert_eq!(saved[0].items.len(), 500);
    assert_eq!(saved[0].next_cursor, Some(cursor(500)));
    assert!(matches!(effects.last(), Some(Effect::Quit)));
}

/// Quitting before the cache read came back (the first page beat a big
/// cache off the disk) writes what was loaded over the cached list, not
/// instead of it: a 10,000-post cache still holds 10,000 posts, with the
/// fresh page on top, and the next start goes on after its end.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn quitting_after_the_first_page_keeps_a_ten_thousand_post_cache() {
    let scratch = tempfile::tempdir().expect("tempdir");
    let cache = instatui::runtime::FeedCache::new(scratch.path().join("cache"));
    // The last run loaded everything but the 5 posts added since.
    let cached = CachedFeed {
        items: (5..POSTS).map(media).collect(),
        next_cursor: None,
        complete: true,
    };
    // Written by the last run: this run's writer numbers its own.
    instatui::runtime::FeedCache::new(scratch.path().join("cache"))
        .save(1, USER_ID, &cached, NOW)
        .expect("save");
    let mut executor = instatui::runtime::Executor::new(
        instatui::store::Store::at(scratch.path().join("config")),
        cache.clone(),
        None,
    );
    let (mut app, asked) = started();
    // The first page arrives; the cache's answer is still on its way.
    let mut effects = send(&mut app, [answer(asked[0].0, None)]);
    assert_eq!(app.feed.items.len(), PAGE);
    effects.extend(send(&mut app, [key('q')]));
    assert!(!cache_saves(&effects).is_empty(), "{effects:?}");
    for effect in effects {
        if matches!(effect, Effect::SaveFeedCache { .. }) {
            executor.run(&app, effect);
        }
    }
    executor.finish_saves().await;

    let (feed, _) = cache.load(USER_ID).expect("a cache");
    assert_eq!(feed.items.len(), POSTS, "nothing of the cache lost");
    assert_eq!(feed.items[0].id, media(0).id, "the fresh page on top");
    assert_eq!(feed.items[POSTS - 1].id, media(POSTS - 1).id);
    assert!(feed.complete);
}

/// The one way the cache shrinks: a list that shows posts were deleted.
/// Here the fresh first page covers posts the cache has, minus two.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn posts_deleted_since_leave_the_cache_even_before_it_was_read() {
    let scratch = tempfile::tempdir().expect("tempdir");
    let cache = instatui::runtime::FeedCache::new(scratch.path().join("cache"));
    let cached = CachedFeed {
        items: (0..1_000).map(media).collect(),
        next_cursor: Some(cursor(1_000)),
        complete: false,
    };
    // Written by the last run: this run's writer numbers its own.
    instatui::runtime::FeedCache::new(scratch.path().join("cache"))
        .save(1, USER_ID, &cached, NOW)
        .expect("save");
    let mut executor = instatui::runtime::Executor::new(
        instatui::store::Store::at(scratch.path().join("config")),
        cache.clone(),
        None,
    );
    let (mut app, asked) = started();
    let mut fresh = page(0..PAGE, Some(&cursor(PAGE)));
    fresh
        .data
        .retain(|m| m.id != media(3).id && m.id != media(7).id);
    let effects = send(
        &mut app,
        [Msg::FeedPage {
            generation: asked[0].0,
            after: None,
            result: Ok(fresh),
        }],
    );
    for effect in effects {
        if matches!(effect, Effect::SaveFeedCache { .. }) {
            executor.run(&app, effect);
        }
    }
    executor.finish_saves().await;
    let (feed, _) = cache.load(USER_ID).expect("a cache");
    assert_eq!(feed.items.len(), 998);
    assert!(
        feed.items
            .iter()
            .all(|m| m.id != media(3).id && m.id != media(7).id)
    );
    assert_eq!(feed.next_cursor, Some(cursor(1_000)));
}

// ---------------------------------------------------------------------- G

/// `G` loads page after page in the background, with its progress in the
/// title; the selection follows and lands on the last post.
#[test]
fn g_loads_to_the_end_and_lands_on_the_last_post() {
    let (mut app, asked) = started();
    if let Some(profile) = active_of(&mut app.stored).profile.as_mut() {
        profile.media_count = Some(POSTS as u64);
    }
    let mut pending = fetches(&send(&mut app, [answer(asked[0].0, None)]));
    let effects = send(&mut app, [key('G')]);
    assert!(fetches(&effects).is_empty(), "one request at a time");
    assert_eq!(app.feed.goal, Some(Goal::End));
    let mut requests = 1;
    while let Some((generation, after)) = pending.pop() {
        assert!(pending.is_empty());
        requests += 1;
        if requests == 50 {
            assert!(
                title(&app).contains("loading to the end: 49%"),
                "{}",
                title(&app)
            );
        }
        let effects = send(&mut app, [answer(generation, after)]);
        assert_eq!(
            app.feed.selected + 1,
            app.feed.items.len(),
            "the selection follows the pages"
        );
        pending = fetches(&effects);
    }
    assert_eq!(requests, POSTS / PAGE);
    assert!(app.feed.complete);
    assert_eq!(app.feed.goal, None);
    assert_eq!(selected_id(&app), Some(media(POSTS - 1).id));
    assert!(title(&app).contains("10000/10000 posts"), "{}", title(&app));
}

/// Moving up while `G` loads stops following it: no more pages than the
/// usual few ahead of the selection.
#[test]
fn moving_up_during_g_stops_loading_to_the_end() {
    let (mut app, asked) = started();
    let (generation, after) = fetches(&send(&mut app, [answer(asked[0].0, None)]))[0].clone();
    send(&mut app, [key('G'), key('k')]);
    assert_eq!(app.feed.goal, None);
    let effects = send(&mut app, [answer(generation, after)]);
    assert_eq!(app.feed.selected, 98, "stays where k put it");
    let (generation, after) = fetches(&effects)[0].clone();
    let effects = send(&mut app, [answer(generation, after)]);
    let (generation, after) = fetches(&effects)[0].clone();
    let effects = send(&mut app, [answer(generation, after)]);
    assert_eq!(app.feed.items.len(), 400);
    assert!(
        fetches(&effects).is_empty(),
        "{LOAD_AHEAD} posts ahead is enough",
        LOAD_AHEAD = instatui::app::feed::LOAD_AHEAD
    );
}

// ------------------------------------------------------------ held PgDn

/// What a held PgDn did on the simulated clock.
struct Held {
    /// Rows each press moved the selection (0 when it stayed put).
    moves: Vec<usize>,
    /// The selection when the key was let go, and once the pages caught up.
    at_release: usize,
    settled: usize,
    rows: usize,
    presses: usize,
}

/// Holds PgDn for 5 s at 30 presses a second against a server answering
/// each page after `latency_ms`, starting when the first page is shown.
fn hold_page_down(latency_ms: u64) -> Held {
    let (mut app, asked) = started();
    let rows = app.feed_rows();
    // Requests in flight: (answer due at, generation, after).
    let mut in_flight: Vec<(u64, u64, Option<String>)> = Vec::new();
    let (first, _) = asked[0].clone();
    in_flight.extend(
        fetches(&send(&mut app, [answer(first, None)]))
            .into_iter()
            .map(|(g, a)| (latency_ms, g, a)),
    );
    let presses = 150;
    let press_at = |n: u64| n * 1000 / 30;
    let mut moves = Vec::new();
    let mut at_release = 0;
    let mut pressed = 0;
    for t in 0..60_000u64 {
        let mut effects = Vec::new();
        while let Some(i) = in_flight.iter().position(|(due, ..)| *due <= t) {
            let (_, generation, after) = in_flight.remove(i);
            effects.extend(send(&mut app, [answer(generation, after)]));
        }
        if pressed < presses && press_at(pressed) == t {
            let before = app.feed.selected;
            effects.extend(send(&mut app, [code(KeyCode::PageDown)]));
            moves.push(app.feed.selected - before);
            pressed += 1;
            if pressed == presses {
                at_release = app.feed.selected;
            }
        }
        for (generation, after) in fetches(&effects) {
            in_flight.push((t + latency_ms, generation, after));
        }
        if pressed == presses && in_flight.is_empty() {
            break;
        }
        // Never idle while the selection waits for posts.
        assert!(
            app.feed.goal.is_none() || !in_flight.is_empty(),
            "stalled at {} with nothing loading (t = {t} ms)",
            app.feed.selected
        );
    }
    Held {
        moves,
        at_release,
        settled: app.feed.selected,
        rows,
        presses: presses as usize,
    }
}

/// At 100 ms a request, pages arrive faster than a held PgDn eats them:
/// with a few pages loaded ahead, every press moves a whole page.
#[test]
fn a_held_page_down_never_meets_the_end_at_100_ms() {
    let held = hold_page_down(100);
    assert!(
        held.moves.iter().all(|m| *m == held.rows),
        "a press stopped at a page edge: {:?}",
        held.moves
    );
    assert_eq!(held.at_release, held.presses * held.rows);
}

/// At 300 ms a request, 100 posts a request cannot keep up with 720 rows a
/// second; still no press is lost: the selection keeps moving as each page
/// arrives, pages load back to back, and it ends where the presses took it.
#[test]
fn a_held_page_down_loses_no_press_at_300_ms() {
    let held = hold_page_down(300);
    assert_eq!(held.settled, held.presses * held.rows);
    // Loading never paused: in 5 s, one page per 300 ms.
    assert!(held.at_release >= 1_500, "at {}", held.at_release);
}

// ---------------------------------------------------------------------- R

/// `R` after a failed page asks for that page again (the 200 posts before
/// it stay); otherwise it starts a fresh walk from the first page.
#[test]
fn r_retries_the_failed_page_or_starts_over() {
    let (mut app, asked) = started();
    let (generation, after) = fetches(&send(&mut app, [answer(asked[0].0, None)]))[0].clone();
    let (generation, after) = fetches(&send(&mut app, [answer(generation, after)]))[0].clone();
    assert_eq!(after, Some(cursor(200)));
    send(
        &mut app,
        [Msg::FeedPage {
            generation,
            after,
            result: Err(fixture_error(400, "error_graph_permission.json")),
        }],
    );
    assert!(app.feed.error.is_some());
    let effects = send(&mut app, [key('R')]);
    let (generation, after) = fetches(&effects)[0].clone();
    assert_eq!(after, Some(cursor(200)), "the failed page again");
    send(&mut app, [answer(generation, after)]);
    assert_eq!(app.feed.items.len(), 300);

    let effects = send(&mut app, [key('R')]);
    let (generation, after) = fetches(&effects)[0].clone();
    assert_eq!(after, None, "the top");
    let effects = send(&mut app, [answer(generation, after)]);
    assert_eq!(app.feed.items.len(), 100, "a fresh walk");
    assert_eq!(fetches(&effects)[0].1, Some(cursor(100)));
}
