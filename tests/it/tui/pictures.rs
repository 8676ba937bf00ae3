//! Pictures besides the detail pane's: the profile picture in the Feed header and the grid's
//! tiles, fetched from the (fake) CDN through the executor, drawn in half-blocks; a refused or
//! missing picture leaves the text as it was.

use crate::common::demo::DemoAccount as Harness;
use instatui::app::preview::PreviewOutcome;
use instatui::app::{App, Effect, Msg, Screen};
use instatui::fake::{DEMO_APP_ID, DEMO_APP_SECRET, DEMO_REDIRECT_URI, DEMO_USER_ID};
use instatui::instagram::Flavor;
use instatui::preview::{Painter, Previews};
use instatui::runtime::{Executor, FeedCache};
use instatui::store::{AppConfig, Store, StoredToken, TokenKind};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::layout::Rect;
use std::path::Path;
use std::time::Duration;
use time::{OffsetDateTime, UtcOffset};

const PATIENCE: Duration = Duration::from_secs(20);

/// The demo account on the Feed, its profile (with the picture's URL) as
/// `/me` gave it, pictures on, at `size`.
async fn app_on_feed(h: &Harness, size: (u16, u16)) -> App {
    let now = OffsetDateTime::now_utc();
    let profile = h.client.profile(&h.token).await.expect("the demo's /me");
    assert!(profile.profile_picture_url.is_some());
    let state = crate::common::tui::state_of(
        Some(AppConfig {
            flavor: Flavor::InstagramLogin,
            app_id: DEMO_APP_ID.to_string(),
            app_secret: instatui::secret::Secret::new(DEMO_APP_SECRET),
            redirect_uri: DEMO_REDIRECT_URI.to_string(),
            scopes: Flavor::InstagramLogin.default_scopes(),
        }),
        StoredToken {
            kind: TokenKind::Long,
            value: h.token.clone(),
            user_id: DEMO_USER_ID.to_string(),
            permissions: Flavor::InstagramLogin.default_scopes(),
            obtained_at: now - time::Duration::days(2),
            expires_at: now + time::Duration::days(58),
        },
        Some(profile),
    );
    let mut app = App::new(state, now, UtcOffset::UTC);
    app.base_override = Some(h.fake.base_url());
    app.screen = Screen::Feed;
    app.feed.items = h.posts.clone();
    app.feed.complete = true;
    app.feed.requested = true;
    app.images = true;
    app.size = size;
    app
}

fn executor(dir: &Path) -> Executor {
    let mut executor = Executor::new(
        Store::at(dir.join("config")),
        FeedCache::new(dir.join("cache")),
        None,
    );
    executor.set_picker(Some(Painter::halfblocks()));
    executor
}

/// The pictures asked for by these effects.
fn asked(effects: &[Effect]) -> Vec<String> {
    effects
        .iter()
        .filter_map(|e| match e {
            Effect::LoadPictures { pictures, .. } => {
                Some(pictures.iter().map(|p| p.key.clone()).collect::<Vec<_>>())
            }
            _ => None,
        })
        .flatten()
        .collect()
}

/// Runs `effects`, then feeds the executor's answers to `update` until
/// every picture of `keys` has its answer (ready or failed).
async fn settle(executor: &mut Executor, app: &mut App, effects: Vec<Effect>, keys: &[String]) {
    for effect in effects {
        executor.run(app, effect);
    }
    // What is in memory already has no answer to wait for.
    let mut waiting: Vec<String> = keys
        .iter()
        .filter(|k| !executor.previews_mut().contains(k))
        .cloned()
        .collect();
    let wait = async {
        while !waiting.is_empty() {
            let msg = executor.next().await.expect("the executor answers");
            if let Msg::PreviewLoaded { key, outcome } = &msg
                && *outcome != PreviewOutcome::GaveWay
            {
                waiting.retain(|k| k != key);
            }
            executor.send(app, msg, OffsetDateTime::now_utc());
            // A decoded picture is kept before its answer reaches `update`.
            waiting.retain(|k| !executor.previews_mut().contains(k));
        }
    };
    tokio::time::timeout(PATIENCE, wait)
        .await
        .expect("every picture answered");
}

/// Draws a frame as the loop does: pictures not yet encoded for their size
/// are encoded (here, at once, where the loop uses workers), then drawn.
fn draw(app: &App, previews: &mut Previews) -> Terminal<TestBackend> {
    let (w, h) = app.size;
    let mut terminal = Terminal::new(TestBackend::new(w, h)).expect("terminal");
    for _ in 0..2 {
        terminal
            .draw(|f| instatui::ui::render_with_previews(app, f, Some(&mut *previews)))
            .expect("draw");
        previews.encode_waiting();
    }
    terminal
}

fn row(terminal: &Terminal<TestBackend>, y: u16) -> String {
    let buffer = terminal.backend().buffer();
    (0..buffer.area.width)
        .map(|x| buffer[(x, y)].symbol())
        .collect()
}

/// Cells of `area` drawn as a picture: half-blocks in more than one colour.
fn picture_cells(terminal: &Terminal<TestBackend>, area: Rect) -> usize {
    let buffer = terminal.backend().buffer();
    let mut colours = std::collections::HashSet::new();
    let mut cells = 0;
    for y in area.top()..area.bottom() {
        for x in area.left()..area.right() {
            let cell = &buffer[(x, y)];
            if cell.symbol() == "▀" || cell.symbol() == "▄" {
                cells += 1;
                colours.insert(format!("{:?}{:?}", cell.fg, cell.bg));
            }
        }
    }
    if colours.len() > 1 { cells } else { 0 }
}

/// The profile header's two rows: under the app's own two-row header (a
/// healthy token shows no banner).
fn header_rows(app: &App) -> Rect {
    Rect::new(0, 2, app.size.0, 2)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_profile_picture_is_drawn_in_the_header_beside_the_name() {
    let h = Harness::start().await;
    let dir = tempfile::tempdir().expect("tempdir");
    let mut app = app_on_feed(&h, (100, 30)).await;
    let mut effects = Vec::new();
    app.sync_pictures(&mut effects);
    let keys = asked(&effects);
    assert_eq!(
        keys.len(),
        1,
        "the profile picture alone (no grid): {keys:?}"
    );
    assert!(keys[0].starts_with("profile:"), "{keys:?}");

    let mut executor = executor(dir.path());
    settle(&mut executor, &mut app, effects, &keys).await;
    assert!(
        executor.previews_mut().contains(&keys[0]),
        "decoded and kept"
    );

    let header = header_rows(&app);
    let terminal = draw(&app, executor.previews_mut());
    let picture = Rect::new(header.x, header.y, 4, 2);
    assert!(
        picture_cells(&terminal, picture) >= 4,
        "the picture's cells:\n{}\n{}",
        row(&terminal, header.y),
        row(&terminal, header.y + 1)
    );
    let first = row(&terminal, header.y);
    assert!(
        first.contains("@larch_and_lake") || first.contains('@'),
        "the name beside it: {first}"
    );
    assert!(
        row(&terminal, header.y + 1).contains("followers"),
        "the counts beside it"
    );

    // Nothing asked again while nothing on screen changed.
    let mut again = Vec::new();
    app.sync_pictures(&mut again);
    assert!(asked(&again).is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refused_profile_picture_leaves_the_text_header_as_it_was() {
    let h = Harness::start().await;
    let dir = tempfile::tempdir().expect("tempdir");
    let mut app = app_on_feed(&h, (100, 30)).await;
    // What the header says with pictures off: the text it must keep.
    let mut off = app.clone();
    off.images = false;
    let header = header_rows(&app);
    let text_only = draw(&off, &mut Previews::new(None));

    // The CDN refuses the picture (its signed URL expired, and a profile
    // picture has no post to renew it from).
    h.control().expire_cdn_urls();
    let mut effects = Vec::new();
    app.sync_pictures(&mut effects);
    let keys = asked(&effects);
    let mut executor = executor(dir.path());
    settle(&mut executor, &mut app, effects, &keys).await;
    assert!(!executor.previews_mut().contains(&keys[0]));
    assert!(app.status.is_none(), "not an error the user must read");
    let terminal = draw(&app, executor.previews_mut());
    for y in header.top()..header.bottom() {
        assert_eq!(row(&terminal, y), row(&text_only, y), "row {y}");
    }
    // Failed once: not asked for again on every move.
    let hits = h.cdn_hits();
    let mut effects = Vec::new();
    app.feed.pictures_asked.clear();
    app.sync_pictures(&mut effects);
    settle(&mut executor, &mut app, effects, &[]).await;
    assert_eq!(h.cdn_hits(), hits);

    // A profile without a picture URL: the same text header, nothing asked.
    let mut bare = app_on_feed(&h, (100, 30)).await;
    if let Some(p) = bare.stored.active_mut().and_then(|a| a.profile.as_mut()) {
        p.profile_picture_url = None;
    }
    let mut effects = Vec::new();
    bare.sync_pictures(&mut effects);
    assert!(asked(&effects).is_empty());
    let terminal = draw(&bare, &mut Previews::new(Some(Painter::halfblocks())));
    for y in header.top()..header.bottom() {
        assert_eq!(row(&terminal, y), row(&text_only, y), "row {y}");
    }
}

#[tokio::test]
async fn no_profile_picture_with_pictures_off_or_a_one_line_header() {
    let h = Harness::start().await;
    let mut app = app_on_feed(&h, (100, 30)).await;
    assert!(app.profile_picture().is_some());
    app.images = false;
    assert!(app.profile_picture().is_none(), "pictures off");
    let mut small = app_on_feed(&h, (80, 14)).await;
    assert!(
        small.profile_picture().is_none(),
        "a one-line header at 80×14 has no room"
    );
    let mut effects = Vec::new();
    small.sync_pictures(&mut effects);
    assert!(asked(&effects).is_empty());
    // Drawn with the picture at hand, a one-line header stays text.
    let mut previews = Previews::new(Some(Painter::halfblocks()));
    let key = app_on_feed(&h, (100, 30))
        .await
        .profile_picture()
        .expect("wanted at 100×30")
        .key;
    previews.insert(key, image::DynamicImage::new_rgb8(32, 32));
    let terminal = draw(&small, &mut previews);
    let text = row(&terminal, 2);
    assert!(
        text.starts_with('@'),
        "the one line starts with who: {text}"
    );
}

/// The CDN paths of the pictures these effects ask for.
fn asked_paths(effects: &[Effect]) -> Vec<String> {
    effects
        .iter()
        .filter_map(|e| match e {
            Effect::LoadPictures { pictures, .. } => Some(
                pictures
                    .iter()
                    .map(|p| url_path(&p.url))
                    .collect::<Vec<_>>(),
            ),
            _ => None,
        })
        .flatten()
        .collect()
}

fn url_path(url: &str) -> String {
    let path = url.split('?').next().unwrap_or_default();
    path.find("/cdn/")
        .map_or_else(String::new, |i| path[i..].to_string())
}

/// The paths asked of the fake's CDN so far.
fn cdn_paths(h: &Harness) -> Vec<String> {
    h.control()
        .requests()
        .iter()
        .filter(|r| r.path.starts_with("/cdn/"))
        .map(|r| r.path.clone())
        .collect()
}

/// Waits until the fake's CDN has had this many requests.
async fn wait_for_cdn_hits(h: &Harness, hits: usize) {
    let wait = async {
        while h.cdn_hits() < hits {
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
    };
    tokio::time::timeout(PATIENCE, wait)
        .await
        .expect("the requests arrived");
}

fn press(app: &mut App, code: crossterm::event::KeyCode) -> Vec<Effect> {
    let now = app.now;
    instatui::app::update(app, Msg::Key(crossterm::event::KeyEvent::from(code)), now)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_tile_on_screen_gets_its_picture_a_few_at_a_time() {
    use crossterm::event::KeyCode;
    use instatui::fake::Fault;
    let h = Harness::start().await;
    let dir = tempfile::tempdir().expect("tempdir");
    let mut app = app_on_feed(&h, (80, 24)).await;
    let mut executor = executor(dir.path());
    // The first three pictures hang a while: the rest queue behind them.
    h.control()
        .inject_on("/cdn", Fault::Slow(Duration::from_secs(3)), 3);

    let effects = press(&mut app, KeyCode::Char('t'));
    assert!(app.feed.grid);
    let first = asked(&effects);
    let first_effects = effects.clone();
    let tiles: Vec<&String> = first.iter().filter(|k| k.starts_with("grid:")).collect();
    assert_eq!(tiles.len(), 6, "3 columns × 2 rows at 80×24: {first:?}");
    assert!(first[0].starts_with("profile:"), "{first:?}");
    for effect in effects {
        executor.run(&app, effect);
    }
    wait_for_cdn_hits(&h, 3).await;
    assert_eq!(h.cdn_hits(), 3, "three fetches at once, no more");
    let stalled = cdn_paths(&h);

    // Two screens further on before the queue moved: the tiles scrolled
    // past give way instead of being fetched.
    let effects = press(&mut app, KeyCode::PageDown);
    let middle = asked_paths(&effects);
    for effect in effects {
        executor.run(&app, effect);
    }
    let effects = press(&mut app, KeyCode::PageDown);
    let second = asked(&effects);
    let now_on_screen = asked_paths(&effects);
    let passed: Vec<String> = asked_paths(&first_effects)
        .into_iter()
        .chain(middle)
        .filter(|p| !now_on_screen.contains(p) && !stalled.contains(p))
        .collect();
    assert!(passed.len() >= 6, "{passed:?}");
    settle(&mut executor, &mut app, effects, &second).await;
    let fetched = cdn_paths(&h);
    for path in &passed {
        assert!(
            !fetched.contains(path),
            "{path} was scrolled past before its turn, yet fetched: {fetched:?}"
        );
    }
    for path in &now_on_screen {
        assert!(fetched.contains(path), "{path} on screen was fetched");
    }
    for key in &second {
        assert!(executor.previews_mut().contains(key), "{key} kept");
    }

    // Every tile on screen shows its picture; the selected one its date.
    let terminal = draw(&app, executor.previews_mut());
    let grid_area = Rect::new(0, 4, 80, 24 - 4 - 2);
    assert!(
        picture_cells(&terminal, grid_area) > 6 * 20,
        "pictures in every tile:\n{}",
        (0..24)
            .map(|y| row(&terminal, y))
            .collect::<Vec<_>>()
            .join("\n")
    );

    // Back to the top: those fetched first are in memory, those that gave
    // way are fetched now, once each.
    let hits = h.cdn_hits();
    let effects = press(&mut app, KeyCode::Char('g'));
    let back = asked(&effects);
    let missing = back
        .iter()
        .filter(|k| !executor.previews_mut().contains(k))
        .count();
    assert!((3..=4).contains(&missing), "{back:?}");
    settle(&mut executor, &mut app, effects, &back).await;
    assert_eq!(h.cdn_hits(), hits + missing);
    for key in &back {
        assert!(executor.previews_mut().contains(key), "{key} kept");
    }
}

/// A PNG's signature and IHDR declaring `width`×`height` RGB pixels, then an
/// empty IDAT and IEND: a few dozen bytes an unbounded decoder would reserve
/// every pixel for.
fn png_header_only(width: u32, height: u32) -> Vec<u8> {
    fn crc32(bytes: &[u8]) -> u32 {
        let mut crc = !0_u32;
        for &b in bytes {
            crc ^= u32::from(b);
            for _ in 0..8 {
                crc = if crc & 1 == 1 {
                    (crc >> 1) ^ 0xEDB8_8320
                } else {
                    crc >> 1
                };
            }
        }
        !crc
    }
    fn chunk(out: &mut Vec<u8>, kind: &[u8; 4], data: &[u8]) {
        out.extend_from_slice(&u32::try_from(data.len()).unwrap().to_be_bytes());
        let mut body = kind.to_vec();
        body.extend_from_slice(data);
        out.extend_from_slice(&body);
        out.extend_from_slice(&crc32(&body).to_be_bytes());
    }
    let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
    let mut ihdr = Vec::new();
    ihdr.extend_from_slice(&width.to_be_bytes());
    ihdr.extend_from_slice(&height.to_be_bytes());
    ihdr.extend_from_slice(&[8, 2, 0, 0, 0]);
    chunk(&mut png, b"IHDR", &ihdr);
    chunk(
        &mut png,
        b"IDAT",
        &[0x78, 0x9c, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01],
    );
    chunk(&mut png, b"IEND", &[]);
    png
}

/// A host on loopback answering every request with status 200, `body` and
/// `content_type`: the URL, and how many requests it has had.
async fn serve_200(
    content_type: &'static str,
    body: Vec<u8>,
) -> (String, std::sync::Arc<std::sync::atomic::AtomicUsize>) {
    use std::sync::atomic::{AtomicUsize, Ordering};
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/p/avatar.jpg", listener.local_addr().unwrap());
    let hits = std::sync::Arc::new(AtomicUsize::new(0));
    let counted = hits.clone();
    tokio::spawn(async move {
        while let Ok((mut stream, _)) = listener.accept().await {
            counted.fetch_add(1, Ordering::SeqCst);
            let body = body.clone();
            tokio::spawn(async move {
                let mut request = Vec::new();
                let mut buf = [0_u8; 1024];
                while !request.windows(4).any(|w| w == b"\r\n\r\n") {
                    match stream.read(&mut buf).await {
                        Ok(0) | Err(_) => return,
                        Ok(n) => request.extend_from_slice(&buf[..n]),
                    }
                }
                let head = format!(
                    "HTTP/1.1 200 OK\r\ncontent-type: {content_type}\r\ncontent-length: {}\r\nconnection: close\r\n\r\n",
                    body.len()
                );
                let _ = stream.write_all(head.as_bytes()).await;
                let _ = stream.write_all(&body).await;
                let _ = stream.shutdown().await;
            });
        }
    });
    (url, hits)
}

/// Review finding D5: the profile picture goes the detail pane's way from
/// bytes to pixels. A `profile_picture_url` serving a proxy's page as 200,
/// or a picture declaring 12000×12000 pixels, fails with the pane's own
/// message for the same bytes (the same limits), is never drawn, and
/// nothing of it is kept on disk: the next start asks again.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_hostile_profile_picture_meets_the_panes_limits_and_is_never_cached() {
    let h = Harness::start().await;
    let page = b"<html><body><h1>502 Bad Gateway</h1></body></html>".to_vec();
    for (what, content_type, body) in [
        ("a proxy's page served as 200", "text/html", page),
        (
            "a picture declaring 12000x12000 pixels",
            "image/png",
            png_header_only(12_000, 12_000),
        ),
    ] {
        let dir = tempfile::tempdir().expect("tempdir");
        let (url, hits) = serve_200(content_type, body.clone()).await;
        let the_panes = instatui::preview::decode(&body).expect_err(what);
        for run in 1..=2 {
            let mut app = app_on_feed(&h, (100, 30)).await;
            if let Some(p) = app.stored.active_mut().and_then(|a| a.profile.as_mut()) {
                p.profile_picture_url = Some(url.clone());
            }
            let mut effects = Vec::new();
            app.sync_pictures(&mut effects);
            let keys = asked(&effects);
            assert_eq!(keys.len(), 1, "{what}: {keys:?}");
            let mut executor = executor(dir.path());
            for effect in effects {
                executor.run(&app, effect);
            }
            let outcome = tokio::time::timeout(PATIENCE, async {
                loop {
                    let msg = executor.next().await.expect("the executor answers");
                    if let Msg::PreviewLoaded { key, outcome } = &msg
                        && *key == keys[0]
                    {
                        break outcome.clone();
                    }
                    executor.send(&mut app, msg, OffsetDateTime::now_utc());
                }
            })
            .await
            .expect("the picture answered");
            assert_eq!(outcome, PreviewOutcome::Failed(the_panes.clone()), "{what}");
            assert!(!executor.previews_mut().contains(&keys[0]), "{what}");
            assert_eq!(
                hits.load(std::sync::atomic::Ordering::SeqCst),
                run,
                "{what}: asked of the host again, never served from the disk cache"
            );
            let media = dir.path().join("cache/media");
            let kept = std::fs::read_dir(&media).map_or(0, |d| d.count());
            assert_eq!(kept, 0, "{what}: nothing kept in {}", media.display());
        }
    }
}
