//! The TUI's `update` against a hostile Instagram: pages that loop or come
//! back empty must not keep it asking (messages in, effects out, no server).

use crate::common::tui::*;
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

// ---------------------------------------------------------------- OAuth state

fn exchanges(effects: &[Effect]) -> usize {
    effects
        .iter()
        .filter(|e| matches!(e, Effect::ExchangeCode { .. }))
        .count()
}

fn paste_and_enter(app: &mut App, text: &str) -> Vec<Effect> {
    use crossterm::event::KeyCode;
    send(app, [Msg::Paste(text.to_string()), code(KeyCode::Enter)])
}

#[test]
fn the_tui_refuses_a_redirect_without_state() {
    let mut app = app_with(state_configured());
    instatui::app::update::start(&mut app);
    // Was: exchanged, with a warning on the command line only.
    let effects = paste_and_enter(&mut app, &format!("{REDIRECT}?code={CODE}#_"));
    assert_eq!(exchanges(&effects), 0, "{effects:?}");
    let error = app.authorize.error.clone().unwrap_or_default();
    assert!(error.contains("carries no state="), "{error}");
}

#[test]
fn the_tui_uses_up_the_state_of_an_exchange() {
    let mut app = app_with(state_configured());
    instatui::app::update::start(&mut app);
    let effects = paste_and_enter(&mut app, &redirect_url(CODE, STATE));
    let [Effect::ExchangeCode { generation, .. }] = &effects[..] else {
        panic!("{effects:?}");
    };
    let generation = *generation;
    send(
        &mut app,
        [
            Msg::CodeExchanged {
                generation,
                result: Ok(short_token()),
            },
            Msg::LongLivedExchanged {
                generation,
                result: Ok(long_answer(LONG)),
            },
            Msg::ProfileFetched {
                generation,
                result: Ok(profile()),
            },
        ],
    );
    assert!(app.stored.pending_authorization.is_none(), "used up");

    // Back on Authorize with the same redirect, or a foreign one: refused.
    fn other_state() -> String {
        "fedcba9876543210fedcba9876543210".to_string()
    }
    app.new_nonce = other_state;
    send(&mut app, [key('2')]);
    for pasted in [
        redirect_url(CODE, STATE),
        redirect_url(CODE, "0000aaaa1111bbbb2222cccc3333dddd"),
    ] {
        let effects = paste_and_enter(&mut app, &pasted);
        assert_eq!(exchanges(&effects), 0, "{pasted}: {effects:?}");
        let error = app.authorize.error.clone().unwrap_or_default();
        assert!(error.contains("another authorization"), "{error}");
    }
    assert_eq!(app.stored.token().map(|t| t.value.expose()), Some(LONG));
}

#[test]
fn with_nothing_pending_the_tui_refuses_and_makes_a_fresh_url() {
    let mut app = app_with(state_authorized());
    assert!(app.stored.pending_authorization.is_none());
    // Pasting straight away (the paste lands on Authorize's field).
    app.screen = instatui::app::Screen::Authorize;
    let effects = paste_and_enter(&mut app, &redirect_url(CODE, STATE));
    assert_eq!(exchanges(&effects), 0, "{effects:?}");
    let error = app.authorize.error.clone().unwrap_or_default();
    assert!(error.contains("no authorization is waiting"), "{error}");
    assert!(
        app.stored.pending_authorization.is_some(),
        "a fresh state to authorize with"
    );
}

// ---------------------------------------------------------------- opening links

/// One post whose permalink and media URL are what a hostile server chose.
fn post_linking(permalink: &str, media_url: &str) -> instatui::instagram::MediaPage {
    serde_json::from_value(serde_json::json!({
        "data": [{
            "id": "17900000000000001",
            "media_type": "IMAGE",
            "caption": "look",
            "permalink": permalink,
            "media_url": media_url,
            "timestamp": "2026-11-01T10:00:00+0000",
        }],
    }))
    .expect("page")
}

fn opened(effects: &[Effect]) -> Vec<String> {
    effects
        .iter()
        .filter_map(|e| match e {
            Effect::OpenUrl(url) => Some(url.clone()),
            _ => None,
        })
        .collect()
}

#[test]
fn o_and_shift_o_open_only_instagrams_https_links() {
    for (permalink, media_url) in [
        ("-a/etc/passwd", "--new-window"),
        ("javascript:alert(1)", "file:///etc/passwd"),
        (
            "http://www.instagram.com/p/x/",
            "https://evil.example/x.jpg",
        ),
        (
            "https://instagram.com.evil.example/p/x/",
            "data:text/html,hi",
        ),
    ] {
        let (mut app, generation) = feed_app();
        answer(
            &mut app,
            (generation, None),
            post_linking(permalink, media_url),
            NOW,
        );
        let effects = send(&mut app, [key('o'), key('O')]);
        assert_eq!(
            opened(&effects),
            Vec::<String>::new(),
            "{permalink} {media_url}"
        );
        assert!(
            status_text(&app).starts_with("not opened: "),
            "{}",
            status_text(&app)
        );
    }
    let (mut app, generation) = feed_app();
    answer(
        &mut app,
        (generation, None),
        post_linking(
            "https://www.instagram.com/p/C1a2B3c4D5e/",
            "https://scontent-fra5-1.cdninstagram.com/v/t51.jpg?oe=1",
        ),
        NOW,
    );
    let effects = send(&mut app, [key('o'), key('O')]);
    assert_eq!(
        opened(&effects),
        [
            "https://www.instagram.com/p/C1a2B3c4D5e/",
            "https://scontent-fra5-1.cdninstagram.com/v/t51.jpg?oe=1"
        ]
    );
}

#[test]
fn one_malformed_post_leaves_the_rest_of_the_page_usable() {
    let (mut app, generation) = feed_app();
    let good = serde_json::to_value(media(1)).expect("json");
    let page: instatui::instagram::MediaPage = serde_json::from_value(serde_json::json!({
        "data": [good, {"id": "x", "like_count": {"a": 1}, "caption": ["no"]}],
    }))
    .expect("the page decodes");
    assert_eq!(page.skipped, 1);
    answer(&mut app, (generation, None), page, NOW);
    assert_eq!(app.feed.items.len(), 1);
    assert_eq!(
        status_text(&app),
        "1 post could not be read and was skipped"
    );
}
