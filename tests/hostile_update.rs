//! The TUI's `update` against a hostile Instagram: pages that loop or come
//! back empty must not keep it asking (messages in, effects out, no server).

mod common;

use common::tui::*;
use instatui::app::feed::MAX_EMPTY_PAGES;
use instatui::app::{App, Effect, Msg};
use time::Duration;

fn feed_app() -> (App, u64) {
    let mut app = app_with(state_authorized());
    let effects = instatui::app::update::start(&mut app);
    let [Effect::FetchFeedPage { generation, .. }] = &effects[..] else {
        panic!("{effects:?}");
    };
    (app, *generation)
}

fn next_fetch(effects: &[Effect]) -> Option<(u64, Option<String>)> {
    effects.iter().find_map(|e| match e {
        Effect::FetchFeedPage {
            generation, after, ..
        } => Some((*generation, after.clone())),
        _ => None,
    })
}

/// Answers the request `fetch` with `page`; returns the next request, if any.
fn answer(
    app: &mut App,
    fetch: (u64, Option<String>),
    page: instatui::instagram::MediaPage,
    now: time::OffsetDateTime,
) -> Option<(u64, Option<String>)> {
    let (generation, after) = fetch;
    let effects = send_at(
        app,
        [Msg::FeedPage {
            generation,
            after,
            result: Ok(page),
        }],
        now,
    );
    next_fetch(&effects)
}

#[test]
fn an_idle_feed_stops_asking_when_pages_come_back_empty() {
    let (mut app, generation) = feed_app();
    // A short first page: the selection is near its end, so the next loads ahead.
    let fetch =
        answer(&mut app, (generation, None), page(0..3, Some("A")), NOW).expect("loads ahead");
    // Empty, yet announcing more: nothing is asked for ahead (was: the
    // next page at once, ~23 requests a second while idle).
    assert_eq!(answer(&mut app, fetch, page(3..3, Some("B")), NOW), None);
    for s in 0..600 {
        let effects = send_at(&mut app, [Msg::Tick], NOW + Duration::seconds(s));
        assert_eq!(next_fetch(&effects), None, "idle at {s} s");
    }
    assert_eq!(app.feed.items.len(), 3);
    assert!(!app.feed.complete, "more may come, when asked");
}

#[test]
fn after_an_empty_page_the_user_at_the_end_asks_again_after_a_backoff() {
    let (mut app, generation) = feed_app();
    let fetch =
        answer(&mut app, (generation, None), page(0..3, Some("A")), NOW).expect("loads ahead");
    assert_eq!(answer(&mut app, fetch, page(3..3, Some("B")), NOW), None);
    send(&mut app, [key('G')]);
    // At the end of the list, within the backoff: still nothing.
    assert_eq!(next_fetch(&send(&mut app, [key('k'), key('j')])), None);
    let later = NOW + Duration::seconds(3);
    let fetch = next_fetch(&send_at(&mut app, [key('k'), key('j')], later))
        .expect("asked again once the backoff is over");
    assert_eq!(fetch.1.as_deref(), Some("B"));
    // A real page resets the backoff and loading ahead resumes.
    let fetch = answer(&mut app, fetch, page(3..6, Some("C")), later).expect("ahead again");
    assert_eq!(fetch.1.as_deref(), Some("C"));
}

#[test]
fn empty_pages_in_a_row_end_loading_until_reload() {
    let (mut app, generation) = feed_app();
    let mut fetch =
        answer(&mut app, (generation, None), page(0..3, Some("c0")), NOW).expect("loads ahead");
    let mut now = NOW;
    for n in 1..=MAX_EMPTY_PAGES {
        let cursor = format!("c{n}");
        assert_eq!(
            answer(&mut app, fetch.clone(), page(3..3, Some(&cursor)), now),
            None
        );
        if n == MAX_EMPTY_PAGES {
            break;
        }
        now += Duration::minutes(5);
        fetch = next_fetch(&send_at(&mut app, [key('G'), key('k'), key('j')], now))
            .expect("the user asks again");
    }
    assert!(app.feed.complete);
    assert!(
        status_text(&app).contains("no new posts"),
        "{}",
        status_text(&app)
    );
    now += Duration::hours(1);
    assert_eq!(
        next_fetch(&send_at(&mut app, [key('k'), key('j')], now)),
        None
    );
    assert!(
        next_fetch(&send_at(&mut app, [key('R')], now)).is_some(),
        "R reloads"
    );
}

#[test]
fn alternating_cursors_stop_with_a_warning() {
    let (mut app, generation) = feed_app();
    let fetch =
        answer(&mut app, (generation, None), page(0..3, Some("A")), NOW).expect("loads ahead");
    let fetch = answer(&mut app, fetch, page(3..6, Some("B")), NOW).expect("loads ahead");
    assert_eq!(fetch.1.as_deref(), Some("B"));
    // B's page points back at A: a circle (was: A, B, A, B… forever).
    assert_eq!(answer(&mut app, fetch, page(6..9, Some("A")), NOW), None);
    assert!(app.feed.complete);
    assert_eq!(app.feed.items.len(), 9, "what arrived is kept");
    assert_eq!(app.feed.pager.posts(), 9);
    assert!(
        status_text(&app).contains("went in a circle"),
        "{}",
        status_text(&app)
    );
    assert_eq!(
        next_fetch(&send(&mut app, [key('G'), key('k'), key('j')])),
        None
    );
}
