//! The TUI against hostile posts: a timestamp past year 9999 and captions,
//! usernames and links full of terminal control sequences, drawn into a
//! `TestBackend` the way a start from the feed cache draws them.

use crate::common::hostile;
use crate::common::tui::*;
use crossterm::event::KeyCode;
use instatui::app::{App, Level, Msg, Screen};
use instatui::instagram::Media;
use instatui::runtime::FeedCache;
use instatui::store::{RefreshOutcome, State};
use ratatui::Terminal;
use ratatui::backend::TestBackend;

fn draw(app: &App, width: u16, height: u16) -> String {
    let mut terminal = Terminal::new(TestBackend::new(width, height)).expect("terminal");
    terminal
        .draw(|f| instatui::ui::render(app, f))
        .expect("draw");
    terminal.backend().to_string()
}

/// Post 0 of the usual test feed with `edit` applied.
fn post_with(edit: impl FnOnce(&mut serde_json::Value)) -> Media {
    let mut value = serde_json::to_value(media(0)).expect("json");
    edit(&mut value);
    serde_json::from_value(value).expect("still a post")
}

/// An app on the feed screen started the way the TUI starts: the feed comes
/// out of the on-disk cache before any page arrives.
fn started_from_cache(items: Vec<Media>) -> App {
    started_on(state_authorized(), items)
}

fn started_on(stored: State, items: Vec<Media>) -> App {
    let dir = tempfile::tempdir().expect("tempdir");
    let cache = FeedCache::new(dir.path().to_path_buf());
    cache
        .save(
            1,
            USER_ID,
            &instatui::app::feed::CachedFeed {
                items,
                ..Default::default()
            },
            NOW,
        )
        .expect("the cache is written");
    let (feed, saved_at) = cache.load(USER_ID).expect("and read back");
    let mut app = app_with(stored);
    instatui::app::update::start(&mut app);
    send(
        &mut app,
        [
            Msg::Resize(100, 30),
            Msg::FeedCacheLoaded {
                user_id: USER_ID.into(),
                feed,
                saved_at,
            },
        ],
    );
    app
}

#[test]
fn a_cached_post_from_year_9999_does_not_stop_the_tui_starting() {
    let far = post_with(|p| p["timestamp"] = "9999-12-31T23:59:59-1000".into());
    let mut app = started_from_cache(vec![far, media(1)]);
    let screen = draw(&app, 100, 30);
    assert!(screen.contains("9999-12-31"), "{screen}");
    assert!(screen.contains("post 1"), "the rest of the feed: {screen}");
    // The detail pane spells the time out with its own offset.
    send(&mut app, [code(KeyCode::Enter)]);
    let screen = draw(&app, 100, 30);
    assert!(screen.contains("9999-12-31 23:59 -10:00"), "{screen}");
}

#[test]
fn control_sequences_from_instagram_never_reach_the_screen() {
    let evil = hostile::text();
    let post = post_with(|p| {
        p["caption"] = evil.clone().into();
        p["permalink"] = format!("https://www.instagram.com/p/x/{evil}").into();
        p["username"] = evil.clone().into();
        p["media_product_type"] = evil.clone().into();
    });
    let mut stored = state_authorized();
    if let Some(profile) = active_of(&mut stored).profile.as_mut() {
        profile.username = Some(evil.clone());
    }
    active_of(&mut stored).last_refresh = Some(RefreshOutcome {
        at: NOW,
        ok: false,
        message: Some(evil.clone()),
    });
    let mut app = started_on(stored, vec![post, media(1)]);
    // Wide enough for the whole text in the detail pane and the header.
    let (w, h) = (200, 50);
    send(&mut app, [Msg::Resize(w, h)]);

    let screen = draw(&app, w, h);
    hostile::assert_safe("feed list", &screen);
    assert!(screen.contains("w00w01w02"), "{screen}");

    send(&mut app, [code(KeyCode::Enter)]);
    let screen = draw(&app, w, h);
    hostile::assert_safe("detail pane", &screen);
    hostile::assert_words_kept("detail pane", &screen, hostile::SEQUENCES.len());

    app.set_status(Level::Error, format!("Instagram said: {evil}"));
    let screen = draw(&app, w, h);
    hostile::assert_safe("status line", &screen);

    app.screen = Screen::Token;
    let screen = draw(&app, w, h);
    hostile::assert_safe("token screen", &screen);
    assert!(screen.contains("failed at"), "{screen}");
}

/// A megabyte of one character and then combining marks or zero-width
/// spaces: width never grows, so fitting char by char re-measured the whole
/// text for every character (minutes; a frozen TUI at every start).
fn megabyte_captions() -> Vec<String> {
    vec![
        format!("a{}b", "\u{301}".repeat(500_000)),
        format!("x{}y", "\u{200b}".repeat(350_000)),
        "larch ".repeat(180_000),
    ]
}

#[test]
fn a_megabyte_caption_is_drawn_in_the_list_and_the_detail_pane() {
    let posts: Vec<Media> = megabyte_captions()
        .into_iter()
        .map(|caption| post_with(|p| p["caption"] = caption.into()))
        .chain([media(1)])
        .collect();
    let mut app = started_from_cache(posts);
    let screen = draw(&app, 100, 30);
    assert!(screen.contains("post 1"), "{screen}");
    // The detail pane of each, scrolled a little.
    send(&mut app, [code(KeyCode::Enter)]);
    for _ in 0..3 {
        let screen = draw(&app, 100, 30);
        assert!(screen.contains("Post"), "{screen}");
        send(&mut app, [key('J'), key('j')]);
    }
}

#[test]
fn a_megabyte_paste_lands_whole_in_the_field() {
    let mut app = app_with(state_configured());
    instatui::app::update::start(&mut app);
    let code = "AQBx-hBsH3a9".repeat(90_000);
    let pasted = redirect_url(&code, STATE);
    send(&mut app, [Msg::Paste(pasted.clone())]);
    assert_eq!(app.authorize.paste.value(), pasted);
    let screen = draw(&app, 100, 30);
    assert!(screen.contains("code="), "{screen}");
}
