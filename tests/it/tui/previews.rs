//! Picture previews as a user meets them: pictures from the (fake) CDN are
//! decoded and shrunk, drawn in the Feed's detail pane, kept in memory and
//! on disk, re-fetched when their URL expired, and never hold up the keys.

use crate::common::demo::DemoAccount as Harness;
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use image::{DynamicImage, ImageFormat, RgbImage};
use instatui::app::preview::{Preview, PreviewOutcome, PreviewState};
use instatui::app::{App, Effect, Msg, Screen, update};
use instatui::fake::{DEMO_APP_ID, DEMO_APP_SECRET, DEMO_REDIRECT_URI, DEMO_USER_ID, Fault};
use instatui::instagram::{Flavor, Media, MediaType};
use instatui::preview::Painter;
use instatui::preview::{self, MAX_SIDE, Previews};
use instatui::runtime::{Executor, FeedCache};
use instatui::secret::Secret;
use instatui::store::{AppConfig, Store, StoredToken, TokenKind};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use std::io::Cursor;
use std::path::Path;
use std::time::Duration;
use time::macros::datetime;
use time::{OffsetDateTime, UtcOffset};

/// Guards every wait on the executor: a hang fails instead of blocking CI.
const PATIENCE: Duration = Duration::from_secs(20);

const NOW: OffsetDateTime = datetime!(2026-11-28 12:00 UTC);

// ---------------------------------------------------------------- helpers

/// What the picture tests add to the demo account.
trait Pictures {
    fn app(&self) -> App;
    fn index_of(&self, kind: MediaType) -> usize;
}

impl Pictures for Harness {
    /// An app on the Feed screen with the detail pane open and pictures on,
    /// talking to this fake.
    fn app(&self) -> App {
        let mut app = app_with_token(self.token.clone(), OffsetDateTime::now_utc());
        app.base_override = Some(self.fake.base_url());
        app.feed.items = self.posts.clone();
        app.feed.complete = true;
        app
    }

    fn index_of(&self, kind: MediaType) -> usize {
        self.posts
            .iter()
            .position(|m| m.kind() == kind)
            .expect("the demo feed has one")
    }
}

fn app_with_token(token: Secret, now: OffsetDateTime) -> App {
    let state = crate::common::tui::state_of(
        Some(AppConfig {
            flavor: Flavor::InstagramLogin,
            app_id: DEMO_APP_ID.to_string(),
            app_secret: Secret::new(DEMO_APP_SECRET),
            redirect_uri: DEMO_REDIRECT_URI.to_string(),
            scopes: Flavor::InstagramLogin.default_scopes(),
        }),
        StoredToken {
            kind: TokenKind::Long,
            value: token,
            user_id: DEMO_USER_ID.to_string(),
            permissions: Flavor::InstagramLogin.default_scopes(),
            obtained_at: now - time::Duration::days(2),
            expires_at: now + time::Duration::days(58),
        },
        None,
    );
    let mut app = App::new(state, now, UtcOffset::UTC);
    app.screen = Screen::Feed;
    app.feed.detail = true;
    app.images = true;
    app
}

fn executor(cache_dir: &Path) -> Executor {
    let mut executor = Executor::new(
        Store::at(cache_dir.join("config")),
        FeedCache::new(cache_dir.join("cache")),
        None,
    );
    executor.set_picker(Some(Painter::halfblocks()));
    executor
}

fn key(code: KeyCode) -> Msg {
    Msg::Key(KeyEvent::new(code, KeyModifiers::NONE))
}

/// The picture requests among these effects.
fn loads(effects: &[Effect]) -> Vec<(String, Option<usize>, String)> {
    effects
        .iter()
        .filter_map(|e| match e {
            Effect::LoadPreview {
                key, child, url, ..
            } => Some((key.clone(), *child, url.clone())),
            _ => None,
        })
        .collect()
}

/// Asks for the picture in view, as `update` does after every message.
fn sync(app: &mut App) -> Vec<Effect> {
    let mut effects = Vec::new();
    app.sync_preview(&mut effects);
    effects
}

/// Feeds the executor's answers to `update` until the picture for `key`
/// is settled; returns every message seen on the way.
async fn settle(executor: &mut Executor, app: &mut App, key: &str) -> Vec<String> {
    let mut seen = Vec::new();
    let wait = async {
        loop {
            let msg = executor.next().await.expect("the executor answers");
            seen.push(describe(&msg));
            // A request that gave way (the user had scrolled on before its
            // turn) is not the answer: a newer one for the key is on its way.
            let done = matches!(&msg, Msg::PreviewLoaded { key: k, outcome }
                if k == key && *outcome != PreviewOutcome::GaveWay);
            executor.send(app, msg, OffsetDateTime::now_utc());
            if done {
                break;
            }
        }
    };
    tokio::time::timeout(PATIENCE, wait)
        .await
        .unwrap_or_else(|_| panic!("no answer for {key}"));
    seen
}

/// Waits for a condition only the fake can observe (a request arrived).
async fn wait_until(condition: impl Fn() -> bool) {
    let wait = async {
        while !condition() {
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
    };
    tokio::time::timeout(PATIENCE, wait)
        .await
        .expect("the condition came true");
}

fn describe(msg: &Msg) -> String {
    match msg {
        Msg::PreviewLoaded { key, outcome } => format!("loaded {key} {outcome:?}"),
        Msg::PostRefreshed(post) => format!("refreshed {}", post.id),
        other => format!("{other:?}").chars().take(60).collect(),
    }
}

fn png(width: u32, height: u32) -> Vec<u8> {
    let image = RgbImage::from_fn(width, height, |x, y| {
        image::Rgb([
            (x * 255 / width.max(1)) as u8,
            (y * 255 / height.max(1)) as u8,
            128,
        ])
    });
    let mut out = Cursor::new(Vec::new());
    DynamicImage::ImageRgb8(image)
        .write_to(&mut out, ImageFormat::Png)
        .expect("encode png");
    out.into_inner()
}

// ------------------------------------------------------- decode and scale

#[tokio::test]
async fn a_cdn_picture_decodes_within_the_size_limit() {
    let h = Harness::start().await;
    let image_post = &h.posts[h.index_of(MediaType::Image)];
    let url = image_post.media_url.as_deref().expect("an image URL");
    let download = h.client.fetch(url).await.expect("the CDN answers");
    let picture = preview::decode(&download.bytes).expect("a real picture");
    assert!(picture.width() > 0 && picture.height() > 0);
    assert!(picture.width() <= MAX_SIDE && picture.height() <= MAX_SIDE);

    // Every demo picture the first page offers decodes, PNG included.
    let mut formats = std::collections::HashSet::new();
    for item in &h.posts {
        let Some(url) = item.preview_url() else {
            continue;
        };
        let download = h.client.fetch(url).await.expect("the CDN answers");
        formats.insert(download.content_type.clone().unwrap_or_default());
        let picture = preview::decode(&download.bytes)
            .unwrap_or_else(|e| panic!("{} does not decode: {e}", item.id));
        assert!(picture.width() <= MAX_SIDE && picture.height() <= MAX_SIDE);
    }
    assert!(
        formats.len() >= 2,
        "jpeg and png are both served: {formats:?}"
    );
}

#[test]
fn a_large_picture_is_shrunk_keeping_its_aspect() {
    let wide = preview::decode(&png(2000, 1000)).expect("decodes");
    assert_eq!((wide.width(), wide.height()), (MAX_SIDE, MAX_SIDE / 2));

    let tall = preview::decode(&png(300, 1500)).expect("decodes");
    assert_eq!(tall.height(), MAX_SIDE);
    assert_eq!(tall.width(), 144);

    let small = preview::decode(&png(40, 30)).expect("decodes");
    assert_eq!((small.width(), small.height()), (40, 30), "never enlarged");
}

#[test]
fn garbage_is_an_error_message_not_a_panic() {
    for bytes in [
        &b""[..],
        b"<html>Bad gateway</html>",
        b"\xff\xd8\xff\xe0 not really a jpeg",
        &png(20, 20)[..40],
    ] {
        let err = preview::decode(bytes).expect_err("not a picture");
        assert!(err.contains("could not be decoded"), "{err}");
    }
}

// ---------------------------------------------------------------- drawing

fn snapshot_post() -> Media {
    Media {
        id: "17890000000000001".into(),
        caption: Some("Morning fog on the lake".into()),
        media_type: Some("IMAGE".into()),
        media_url: Some("https://cdn.example/lake_n.jpg?oe=1".into()),
        permalink: Some("https://www.instagram.com/p/AbCdEf/".into()),
        timestamp: Some("2026-11-20T18:04:11+0000".into()),
        username: Some("larch_and_lake".into()),
        like_count: Some(42),
        comments_count: Some(3),
        ..Media::default()
    }
}

fn snapshot_app(state: PreviewState) -> App {
    let mut app = app_with_token(Secret::new("IGAAtesttoken"), NOW);
    app.feed.items = vec![snapshot_post()];
    app.feed.complete = true;
    app.feed.preview = Preview {
        key: Some(snapshot_post().id),
        state,
    };
    app
}

fn draw(app: &App, previews: &mut Previews) -> Terminal<TestBackend> {
    let mut terminal = Terminal::new(TestBackend::new(80, 24)).expect("terminal");
    terminal
        .draw(|frame| instatui::ui::render_with_previews(app, frame, Some(previews)))
        .expect("draws");
    terminal
}

#[test]
fn the_detail_pane_draws_the_picture_in_half_blocks() {
    let app = snapshot_app(PreviewState::Ready);
    let mut previews = Previews::new(Some(Painter::halfblocks()));
    let picture = preview::decode(&png(32, 24)).expect("decodes");
    previews.insert(snapshot_post().id, picture);

    let terminal = draw(&app, &mut previews);
    insta::assert_snapshot!(terminal.backend());

    // Half-blocks: upper-half glyphs coloured from the picture.
    let buffer = terminal.backend().buffer();
    let coloured = buffer
        .content()
        .iter()
        .filter(|c| matches!(c.symbol(), "▀" | "▄") && c.fg != ratatui::style::Color::Reset)
        .count();
    assert!(coloured > 20, "only {coloured} picture cells");
}

#[test]
fn the_pane_says_so_while_the_picture_loads() {
    let app = snapshot_app(PreviewState::Loading);
    let mut previews = Previews::new(Some(Painter::halfblocks()));
    let terminal = draw(&app, &mut previews);
    let text = format!("{}", terminal.backend());
    assert!(text.contains("loading the picture"), "{text}");
    assert!(!text.contains('▀') && !text.contains('▄'));

    let failed = snapshot_app(PreviewState::Failed("the CDN said 404".into()));
    let text = format!("{}", draw(&failed, &mut previews).backend());
    assert!(text.contains("no picture: the CDN said 404"), "{text}");
}

/// `v` fits the picture to the whole terminal (nothing else is drawn), and
/// Esc, v or q bring the Feed back; other keys wait while it is open.
#[test]
fn v_shows_the_picture_full_screen_and_esc_v_q_return() {
    let mut app = snapshot_app(PreviewState::Ready);
    app.images = true;
    let mut previews = Previews::new(Some(Painter::halfblocks()));
    previews.insert(
        snapshot_post().id,
        preview::decode(&png(64, 48)).expect("decodes"),
    );
    let cells = |t: &Terminal<TestBackend>| {
        t.backend()
            .buffer()
            .content()
            .iter()
            .filter(|c| matches!(c.symbol(), "▀" | "▄"))
            .count()
    };
    let in_pane = cells(&draw(&app, &mut previews));
    for back in [KeyCode::Esc, KeyCode::Char('v'), KeyCode::Char('q')] {
        update(&mut app, key(KeyCode::Char('v')), NOW);
        assert!(app.feed.full_picture && app.feed.detail);
        update(&mut app, key(KeyCode::Char('j')), NOW);
        update(&mut app, key(KeyCode::Char('4')), NOW);
        let full = draw(&app, &mut previews);
        let text = format!("{}", full.backend());
        assert!(!text.contains("Feed"), "only the picture: {text}");
        assert!(text.contains("Esc/v back"), "how to get back: {text}");
        assert!(
            cells(&full) > in_pane * 2,
            "{} picture cells full screen, {in_pane} in the pane",
            cells(&full)
        );
        update(&mut app, key(back), NOW);
        assert!(!app.feed.full_picture, "{back:?} goes back");
        assert!(!app.quit, "q closes the view, not the app");
        assert_eq!(app.screen, Screen::Feed);
        let text = format!("{}", draw(&app, &mut previews).backend());
        assert!(text.contains("Feed"), "{text}");
    }
}

// ----------------------------------------------------------------- caches

#[test]
fn previews_in_memory_drop_the_least_recently_used_past_the_budget() {
    let mut previews = Previews::new(Some(Painter::halfblocks()));
    // 2048² pixels cost 16 MiB each: four fill the 64 MiB budget.
    let big = || DynamicImage::ImageLuma8(image::GrayImage::new(2048, 2048));
    for id in ["a", "b", "c", "d"] {
        previews.insert(id.to_string(), big());
    }
    assert_eq!(previews.memory().len(), 4);
    assert!(previews.get_mut("a").is_some(), "a is looked at again");
    previews.insert("e".to_string(), big());
    assert!(previews.contains("a"), "recently drawn, kept");
    assert!(!previews.contains("b"), "least recently used, dropped");
    assert!(previews.contains("c") && previews.contains("d") && previews.contains("e"));
    assert!(previews.memory().used_bytes() <= preview::memory::DEFAULT_BUDGET);

    // Without a picker nothing is kept at all.
    let mut off = Previews::new(None);
    off.insert("a".into(), big());
    assert!(!off.enabled() && !off.contains("a"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_second_load_of_the_same_post_comes_from_disk() {
    let h = Harness::start().await;
    let dir = tempfile::tempdir().expect("tempdir");
    let mut app = h.app();
    let effects = sync(&mut app);
    let wanted = loads(&effects);
    assert_eq!(wanted.len(), 1, "one picture wanted: {wanted:?}");
    let key = wanted[0].0.clone();
    assert_eq!(key, h.posts[0].id);

    let mut first = executor(dir.path());
    for effect in effects.clone() {
        first.run(&app, effect);
    }
    settle(&mut first, &mut app, &key).await;
    assert_eq!(app.feed.preview.state, PreviewState::Ready);
    assert!(first.previews_mut().contains(&key));
    assert_eq!(h.cdn_hits(), 1);
    assert!(
        dir.path().join("cache/media").join(&key).is_file(),
        "kept on disk under the media id"
    );
    drop(first);

    // A new run: nothing in memory, the same cache folder. The URLs it holds
    // have expired meanwhile; the id still finds the picture.
    h.control().expire_cdn_urls();
    let requests_before = h.control().requests().len();
    let mut app = h.app();
    let effects = sync(&mut app);
    let mut second = executor(dir.path());
    for effect in effects {
        second.run(&app, effect);
    }
    settle(&mut second, &mut app, &key).await;
    assert_eq!(app.feed.preview.state, PreviewState::Ready);
    assert!(second.previews_mut().contains(&key), "decoded from disk");
    assert_eq!(h.cdn_hits(), 1, "no second CDN request");
    assert_eq!(
        h.control().requests().len(),
        requests_before,
        "no request at all"
    );

    // Within one run the memory answers without a task touching disk or net.
    let mut effects = Vec::new();
    app.feed.preview = Preview::default();
    app.sync_preview(&mut effects);
    for effect in effects {
        second.run(&app, effect);
    }
    settle(&mut second, &mut app, &key).await;
    assert_eq!(app.feed.preview.state, PreviewState::Ready);
    assert_eq!(second.in_flight(), 0);
}

// ------------------------------------------------------------ expired URLs

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_expired_url_fetches_the_post_again_and_the_picture_still_shows() {
    let h = Harness::start().await;
    let dir = tempfile::tempdir().expect("tempdir");
    let mut app = h.app();
    let post = h.posts[0].clone();
    let old_url = post.media_url.clone().expect("a URL");
    h.control().expire_cdn_urls();

    let effects = sync(&mut app);
    assert_eq!(loads(&effects)[0].2, old_url);
    let mut executor = executor(dir.path());
    for effect in effects {
        executor.run(&app, effect);
    }
    let seen = settle(&mut executor, &mut app, &post.id).await;
    assert_eq!(
        seen,
        [
            format!("refreshed {}", post.id),
            format!("loaded {} Ready", post.id)
        ]
    );
    assert_eq!(app.feed.preview.state, PreviewState::Ready);
    assert_eq!(h.post_fetches(&post.id), 1, "GET /{{id}} for fresh URLs");
    assert_eq!(h.cdn_hits(), 2, "the expired URL, then the fresh one");
    let fresh = app.feed.items[0].media_url.clone().expect("a fresh URL");
    assert_ne!(fresh, old_url, "the feed now holds the fresh URL");
    assert!(executor.previews_mut().contains(&post.id));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_expired_url_of_an_album_item_is_renewed_from_its_album() {
    let h = Harness::start().await;
    let dir = tempfile::tempdir().expect("tempdir");
    let mut app = h.app();
    app.feed.selected = h.index_of(MediaType::Album);
    let album = h.posts[app.feed.selected].clone();
    app.feed.child = 1;
    h.control().expire_cdn_urls();

    let effects = sync(&mut app);
    let child = album.children()[1].clone();
    assert_eq!(loads(&effects)[0].0, child.id);
    assert_eq!(loads(&effects)[0].1, Some(1));
    let mut executor = executor(dir.path());
    for effect in effects {
        executor.run(&app, effect);
    }
    settle(&mut executor, &mut app, &child.id).await;
    assert_eq!(app.feed.preview.state, PreviewState::Ready);
    assert_eq!(h.post_fetches(&album.id), 1, "the album, not the child");
    assert_ne!(
        app.feed.items[app.feed.selected].children()[1].preview_url(),
        child.preview_url()
    );
}

// ---------------------------------------------- the loop never waits on pictures

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn keys_are_handled_while_a_picture_request_is_stalled() {
    let h = Harness::start().await;
    let dir = tempfile::tempdir().expect("tempdir");
    let mut app = h.app();
    let mut executor = executor(dir.path());
    h.control()
        .inject_on("/cdn", Fault::Slow(Duration::from_secs(30)), 1);

    let stalled = h.posts[0].id.clone();
    for effect in sync(&mut app) {
        executor.run(&app, effect);
    }
    assert_eq!(app.feed.preview.state, PreviewState::Loading);
    assert_eq!(executor.in_flight(), 1);
    // The request is out (and hangs) before the user moves on.
    wait_until(|| h.cdn_hits() == 1).await;

    // Keys go straight through `update`; nothing awaits the executor.
    let now = OffsetDateTime::now_utc();
    let effects = update(&mut app, key(KeyCode::Char('j')), now);
    assert_eq!(app.feed.selected, 1);
    assert_eq!(loads(&effects)[0].0, h.posts[1].id);
    for effect in effects {
        executor.run(&app, effect);
    }

    // Enter closes the pane: moving then asks for nothing ...
    let effects = update(&mut app, key(KeyCode::Enter), now);
    assert!(!app.feed.detail);
    assert!(loads(&effects).is_empty());
    let effects = update(&mut app, key(KeyCode::Char('j')), now);
    assert_eq!(app.feed.selected, 2);
    assert!(loads(&effects).is_empty());
    // ... and opening it again asks for the post now selected.
    let effects = update(&mut app, key(KeyCode::Enter), now);
    assert!(app.feed.detail);
    assert_eq!(loads(&effects)[0].0, h.posts[2].id);
    for effect in effects {
        executor.run(&app, effect);
    }
    let effects = update(&mut app, key(KeyCode::Char('k')), now);
    assert_eq!(app.feed.selected, 1);
    let wanted = h.posts[1].id.clone();
    assert_eq!(loads(&effects)[0].0, wanted);
    for effect in effects {
        executor.run(&app, effect);
    }
    assert_eq!(app.feed.preview.state, PreviewState::Loading);

    // The picture of the selected post arrives while the first one still hangs.
    let seen = settle(&mut executor, &mut app, &wanted).await;
    assert_eq!(app.feed.preview.key.as_deref(), Some(wanted.as_str()));
    assert_eq!(app.feed.preview.state, PreviewState::Ready, "{seen:?}");
    assert!(
        !seen.iter().any(|m| m.contains(&stalled)),
        "the stalled picture has not answered: {seen:?}"
    );
    assert!(
        executor.in_flight() >= 1,
        "the stalled request is still out"
    );

    // A late answer for a post no longer selected changes nothing.
    update(
        &mut app,
        Msg::PreviewLoaded {
            key: stalled.clone(),
            outcome: PreviewOutcome::Failed("timed out".into()),
        },
        now,
    );
    assert_eq!(app.feed.preview.state, PreviewState::Ready);
    assert_eq!(app.feed.preview.key.as_deref(), Some(wanted.as_str()));
}

#[test]
fn answers_for_other_posts_are_dropped() {
    let mut app = snapshot_app(PreviewState::Loading);
    let now = NOW;
    for outcome in [
        PreviewOutcome::Ready,
        PreviewOutcome::Failed("boom".to_string()),
    ] {
        let effects = update(
            &mut app,
            Msg::PreviewLoaded {
                key: "someone-else".into(),
                outcome,
            },
            now,
        );
        assert!(effects.is_empty());
        assert_eq!(app.feed.preview.state, PreviewState::Loading);
        assert_eq!(app.feed.preview.key, Some(snapshot_post().id));
    }
    update(
        &mut app,
        Msg::PreviewLoaded {
            key: snapshot_post().id,
            outcome: PreviewOutcome::Failed("the CDN said 404".into()),
        },
        now,
    );
    assert_eq!(
        app.feed.preview.state,
        PreviewState::Failed("the CDN said 404".into())
    );
}

// ------------------------------------------------------------ album stepping

#[tokio::test]
async fn album_items_are_stepped_through_with_wrap_around() {
    let h = Harness::start().await;
    let mut app = h.app();
    let index = h
        .posts
        .iter()
        .position(|m| m.kind() == MediaType::Album && m.children().len() == 3)
        .expect("an album of three in the demo feed");
    let album = h.posts[index].clone();
    let children = album.children();
    assert_eq!(children[1].kind(), MediaType::Video, "the demo's item 2");

    // Select the album (from the top, with j).
    let now = OffsetDateTime::now_utc();
    let mut effects = sync(&mut app);
    for _ in 0..index {
        effects = update(&mut app, key(KeyCode::Char('j')), now);
    }
    assert_eq!(app.feed.selected, index);
    assert_eq!(
        loads(&effects),
        [(
            children[0].id.clone(),
            Some(0),
            children[0].media_url.clone().expect("url")
        )]
    );

    let expect = |effects: Vec<Effect>, i: usize| {
        let child = &children[i];
        let url = if child.kind() == MediaType::Video {
            child.thumbnail_url.clone().expect("a video thumbnail")
        } else {
            child.media_url.clone().expect("a picture")
        };
        assert_eq!(
            loads(&effects),
            [(child.id.clone(), Some(i), url)],
            "item {i}"
        );
    };
    let step = |app: &mut App, code: KeyCode| update(app, key(code), now);

    let effects = step(&mut app, KeyCode::Char('l'));
    assert_eq!(app.feed.child, 1);
    expect(effects, 1);
    // A video: its thumbnail, never the mp4.
    assert!(
        !loads(&step(&mut app, KeyCode::Char('h')))[0]
            .2
            .contains(".mp4")
    );
    assert_eq!(app.feed.child, 0);
    expect(step(&mut app, KeyCode::Right), 1);
    expect(step(&mut app, KeyCode::Right), 2);
    expect(step(&mut app, KeyCode::Right), 0);
    assert_eq!(app.feed.child, 0, "wraps to the first");
    expect(step(&mut app, KeyCode::Left), 2);
    assert_eq!(app.feed.child, 2, "wraps to the last");
    expect(step(&mut app, KeyCode::Char('h')), 1);

    // The pane's title names the item.
    let mut previews = Previews::new(Some(Painter::halfblocks()));
    let text = format!("{}", draw(&app, &mut previews).backend());
    assert!(text.contains("item 2/3"), "{text}");

    // Another post starts at its first item; stepping a plain picture does nothing.
    let effects = step(&mut app, KeyCode::Char('j'));
    assert_eq!(app.feed.child, 0);
    let next = &h.posts[index + 1];
    assert_eq!(
        loads(&effects)[0].0,
        next.children().first().unwrap_or(next).id
    );
    if next.kind() != MediaType::Album {
        assert!(loads(&step(&mut app, KeyCode::Char('l'))).is_empty());
        assert_eq!(app.feed.child, 0);
    }
}

#[tokio::test]
async fn a_request_skipped_while_scrolling_does_not_fail_the_post_scrolled_back_to() {
    let h = Harness::start().await;
    let dir = tempfile::tempdir().expect("tempdir");
    let mut app = h.app();
    let mut executor = executor(dir.path());
    let a = h.posts[0].id.clone();
    let now = OffsetDateTime::now_utc();

    // A is asked for, then the user moves on to B before A's turn comes.
    for effect in sync(&mut app) {
        executor.run(&app, effect);
    }
    executor.send(&mut app, key(KeyCode::Char('j')), now);
    // A's request gives way; its answer is on its way to the loop ...
    let held = tokio::time::timeout(PATIENCE, async {
        loop {
            let msg = executor.next().await.expect("answers");
            match &msg {
                Msg::PreviewLoaded { key, .. } if *key == a => break msg,
                _ => {
                    update(&mut app, msg, now);
                }
            }
        }
    })
    .await
    .expect("A answers");
    assert!(
        matches!(
            &held,
            Msg::PreviewLoaded {
                outcome: PreviewOutcome::GaveWay | PreviewOutcome::Failed(_),
                ..
            }
        ),
        "A was not fetched: {held:?}"
    );
    // ... when the user comes back to A, which is asked for again.
    let effects = update(&mut app, key(KeyCode::Char('k')), now);
    assert_eq!(loads(&effects)[0].0, a);
    for effect in effects {
        executor.run(&app, effect);
    }
    update(&mut app, held, now);
    assert_eq!(
        app.feed.preview.state,
        PreviewState::Loading,
        "A's picture is still coming: no error in the pane"
    );
    settle(&mut executor, &mut app, &a).await;
    assert_eq!(app.feed.preview.state, PreviewState::Ready);
    assert_eq!(app.feed.preview.key, Some(a.clone()));
    assert!(executor.previews_mut().contains(&a));
}

/// Start-up never waits on the graphics query (a terminal that never
/// answers used to hold the first posts back by the query's timeout): with
/// the query still unanswered, the cached feed and the first page arrive and
/// are drawn; the picture is asked for once the answer comes.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn posts_arrive_while_the_graphics_query_is_unanswered() {
    let h = Harness::start().await;
    let scratch = tempfile::tempdir().expect("tempdir");
    let now = OffsetDateTime::now_utc();
    let cache = FeedCache::new(scratch.path().join("cache"));
    cache
        .save(
            1,
            DEMO_USER_ID,
            &instatui::app::feed::CachedFeed {
                items: h.posts[..3].to_vec(),
                ..Default::default()
            },
            now,
        )
        .expect("cache of an earlier run");
    let mut executor = Executor::new(Store::at(scratch.path().join("config")), cache, None);
    let mut app = app_with_token(h.token.clone(), now);
    app.base_override = Some(h.fake.base_url());
    app.images = false;

    // The terminal answers only when the test says so.
    let (answer, answered) = std::sync::mpsc::channel::<()>();
    instatui::runtime::start_up(&mut app, &mut executor, move || {
        answered.recv().ok().map(|()| Painter::halfblocks())
    });
    let fresh = |app: &App| {
        app.feed.loading.is_none() && app.feed.cached_at.is_none() && !app.feed.items.is_empty()
    };
    let mut cache_seen = false;
    tokio::time::timeout(PATIENCE, async {
        while !(fresh(&app) && cache_seen) {
            let msg = executor.next().await.expect("channel open");
            assert!(!matches!(msg, Msg::Pictures { .. }), "nobody answered");
            cache_seen |=
                matches!(&msg, Msg::FeedCacheLoaded { feed, .. } if feed.items.len() == 3);
            let effects = update(&mut app, msg, OffsetDateTime::now_utc());
            assert!(loads(&effects).is_empty(), "no picture before the answer");
            for effect in effects {
                executor.run(&app, effect);
            }
        }
    })
    .await
    .expect("the cache and the first page arrive while the query waits");
    assert_eq!(app.feed.items.len(), h.posts.len());
    let mut terminal = Terminal::new(TestBackend::new(100, 30)).expect("terminal");
    terminal
        .draw(|f| instatui::ui::render(&app, f))
        .expect("draw");
    let first = h.posts[0].caption_first_line();
    let words: String = first
        .split_whitespace()
        .take(2)
        .collect::<Vec<_>>()
        .join(" ");
    assert!(
        terminal.backend().to_string().contains(&words),
        "{words:?} not on screen"
    );

    answer.send(()).expect("query waiting");
    let msg = tokio::time::timeout(PATIENCE, executor.next())
        .await
        .expect("the answer arrives")
        .expect("channel open");
    assert!(
        matches!(msg, Msg::Pictures { enabled: true, .. }),
        "{msg:?}"
    );
    let effects = update(&mut app, msg, OffsetDateTime::now_utc());
    assert_eq!(
        loads(&effects).first().map(|(key, ..)| key.clone()),
        Some(h.posts[0].id.clone()),
        "the selected post's picture joins now"
    );
}
