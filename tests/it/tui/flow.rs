//! The whole TUI driven headlessly: keys and pastes in, effects run by the real
//! executor against the embedded fake Instagram over loopback, the screen read back.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use instatui::app::{App, Effect, Msg, Screen};
use instatui::fake::{self, FakeConfig, FakeInstagram, Fault};
use instatui::runtime::{Executor, FeedCache, demo_app};
use instatui::store::{Store, TokenKind};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use std::path::PathBuf;
use std::time::Duration;

const WIDTH: u16 = 100;
const HEIGHT: u16 = 30;
/// A guard against a hung flow, not a means of synchronisation.
const SETTLE_LIMIT: Duration = Duration::from_secs(20);

struct Harness {
    app: App,
    executor: Executor,
    terminal: Terminal<TestBackend>,
    fake: FakeInstagram,
    config_dir: PathBuf,
    _scratch: tempfile::TempDir,
}

impl Harness {
    async fn demo(post_count: usize) -> Harness {
        let fake = FakeInstagram::start(FakeConfig {
            post_count,
            ..FakeConfig::demo()
        })
        .await
        .expect("fake instagram");
        let scratch = tempfile::tempdir().expect("tempdir");
        let config_dir = scratch.path().join("config");
        let executor = Executor::new(
            Store::at(&config_dir),
            FeedCache::new(scratch.path().join("cache")),
            Some(fake.control()),
        );
        let mut app = demo_app(&fake.base_url());
        let terminal = Terminal::new(TestBackend::new(WIDTH, HEIGHT)).expect("terminal");
        let mut effects = instatui::app::update(&mut app, Msg::Resize(WIDTH, HEIGHT), now());
        effects.extend(instatui::app::update::start(&mut app));
        let mut harness = Harness {
            app,
            executor,
            terminal,
            fake,
            config_dir,
            _scratch: scratch,
        };
        harness.run(effects);
        harness.draw();
        harness
    }

    fn store(&self) -> Store {
        Store::at(&self.config_dir)
    }

    fn run(&mut self, effects: Vec<Effect>) {
        for effect in effects {
            self.executor.run(&self.app, effect);
        }
    }

    fn send(&mut self, msg: Msg) {
        self.executor.send(&mut self.app, msg, now());
        self.draw();
    }

    fn press(&mut self, code: KeyCode) {
        self.send(Msg::Key(KeyEvent::new(code, KeyModifiers::NONE)));
    }

    fn press_char(&mut self, c: char) {
        self.press(KeyCode::Char(c));
    }

    fn type_str(&mut self, text: &str) {
        for c in text.chars() {
            self.press_char(c);
        }
    }

    fn paste(&mut self, text: &str) {
        self.send(Msg::Paste(text.to_string()));
    }

    /// Runs tasks' answers through `update` until nothing is in flight, then
    /// waits for the state writer to catch up.
    async fn settle(&mut self) {
        tokio::time::timeout(
            SETTLE_LIMIT,
            self.executor.settle(&mut self.app, now, |_| {}),
        )
        .await
        .unwrap_or_else(|_| panic!("did not settle; screen:\n{}", self.screen()));
        self.draw();
        self.executor.flush_saves().await;
    }

    fn draw(&mut self) {
        let app = &self.app;
        self.terminal
            .draw(|f| instatui::ui::render(app, f))
            .expect("draw");
    }

    fn screen(&self) -> String {
        self.terminal.backend().to_string()
    }

    /// Saves the demo credentials, lets the stand-in consent page allow, and
    /// leaves its redirect in the paste field.
    async fn up_to_the_redirect(&mut self) {
        assert_eq!(self.app.screen, Screen::Credentials);
        self.press_char('s');
        assert_eq!(self.app.screen, Screen::Authorize, "{}", self.screen());
        assert!(self.screen().contains("Authorize instatui"));
        self.press_char('o');
        assert!(
            self.screen().contains("Instagram (demo stand-in)"),
            "{}",
            self.screen()
        );
        self.press(KeyCode::Enter);
        self.settle().await;
        let pasted = self.app.authorize.paste.value().to_string();
        assert!(pasted.starts_with(fake::DEMO_REDIRECT_URI), "{pasted}");
        assert!(pasted.contains("code="), "{pasted}");
        assert!(self.app.authorize.paste_focused);
    }
}

fn now() -> time::OffsetDateTime {
    instatui::clock::now()
}

fn assert_feed_drawn(h: &Harness) {
    let screen = h.screen();
    assert!(screen.contains("Feed ·"), "{screen}");
    if h.app.feed.visible().is_empty() {
        assert!(
            screen.contains("Loading posts") || screen.contains("No posts"),
            "{screen}"
        );
        return;
    }
    let rows = screen
        .lines()
        .filter(|l| [" IMG ", " VID ", " ALB "].iter().any(|m| l.contains(m)))
        .count();
    assert!(rows > 0, "blank list:\n{screen}");
    // The selected post is among the rows drawn, highlighted.
    let buffer = h.terminal.backend().buffer();
    let highlighted = (0..buffer.area.height).any(|y| {
        (0..buffer.area.width).any(|x| {
            let reversed = ratatui::style::Modifier::REVERSED | ratatui::style::Modifier::BOLD;
            buffer[(x, y)].modifier.contains(reversed) && y > 1
        })
    });
    assert!(highlighted, "selection off screen:\n{screen}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn demo_flow_from_credentials_to_150_posts() {
    let mut h = Harness::demo(150).await;
    h.up_to_the_redirect().await;

    h.press(KeyCode::Enter);
    assert!(h.app.authorize.running.is_some());
    h.settle().await;
    assert_eq!(h.app.screen, Screen::Token, "{}", h.screen());
    let screen = h.screen();
    assert!(screen.contains("@larch_and_lake"), "{screen}");
    assert!(screen.contains("left"), "{screen}");
    assert!(screen.contains("long-lived"), "{screen}");

    h.press_char('4');
    assert_eq!(h.app.screen, Screen::Feed);
    h.settle().await;
    assert_feed_drawn(&h);
    assert!(!h.app.feed.items.is_empty(), "{}", h.screen());

    let keys = [
        KeyCode::Char('j'),
        KeyCode::PageDown,
        KeyCode::Char('j'),
        KeyCode::Char('G'),
    ];
    for step in 0..200 {
        if h.app.feed.complete && h.app.feed.selected + 1 == h.app.feed.items.len() {
            break;
        }
        h.press(keys[step % keys.len()]);
        assert_feed_drawn(&h);
        h.settle().await;
        assert_feed_drawn(&h);
        assert!(h.app.feed.error.is_none(), "{}", h.screen());
    }
    assert!(h.app.feed.complete, "{}", h.screen());
    assert_eq!(h.app.feed.items.len(), 150);
    let mut ids: Vec<_> = h.app.feed.items.iter().map(|m| m.id.clone()).collect();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), 150, "no post twice");
    assert!(
        h.screen().contains("Feed · 150/150 posts"),
        "{}",
        h.screen()
    );

    h.press(KeyCode::Enter);
    assert!(h.app.feed.detail);
    let media = h.app.feed.selected_media().expect("selected").clone();
    let screen = h.screen();
    assert!(screen.contains(" Post "), "{screen}");
    let first_words: String = media
        .caption_first_line()
        .split_whitespace()
        .take(2)
        .collect::<Vec<_>>()
        .join(" ");
    assert!(
        screen.contains(&first_words),
        "{first_words:?} not in\n{screen}"
    );
    assert!(screen.contains(&format!("id {}", media.id)), "{screen}");

    // What the writer put on disk.
    let loaded = h.store().load().expect("load");
    assert_eq!(loaded.notice, None);
    let token = loaded.state.token().cloned().expect("token on disk");
    assert_eq!(token.kind, TokenKind::Long);
    assert_eq!(Some(&token), h.app.stored.token());
    // The account is keyed by the professional id once the profile said
    // it; the exchange's app-scoped id stays on the profile.
    assert_eq!(token.user_id, fake::DEMO_USER_ID);
    let profile = loaded.state.profile().cloned().expect("profile on disk");
    assert_eq!(
        profile.id,
        Some(fake::FakeConfig::demo().app_scoped_id()),
        "the app-scoped id is kept"
    );
    assert_eq!(profile.username.as_deref(), Some(fake::DEMO_USERNAME));
    assert_eq!(
        loaded.state.app().map(|a| a.app_id.clone()),
        Some(fake::DEMO_APP_ID.to_string())
    );
    assert!(loaded.state.pending_authorization.is_none());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refused_optional_field_still_shows_the_posts_and_says_what_is_missing() {
    let mut h = Harness::demo(150).await;
    h.fake.control().refuse_field("media_product_type");
    h.up_to_the_redirect().await;
    h.press(KeyCode::Enter);
    h.settle().await;
    h.press_char('4');
    h.settle().await;
    assert_feed_drawn(&h);
    assert!(h.app.feed.error.is_none(), "{}", h.screen());
    assert!(!h.app.feed.items.is_empty(), "{}", h.screen());
    let screen = h.screen();
    assert!(
        screen.contains("Instagram refused the field media_product_type"),
        "{screen}"
    );
    // The pages after it are asked for without the optional fields at once.
    for _ in 0..3 {
        h.press_char('G');
        h.settle().await;
    }
    assert_eq!(h.app.feed.items.len(), 150, "{}", h.screen());
    let refused = h
        .fake
        .control()
        .requests()
        .iter()
        .filter(|r| r.path.ends_with("/media") && r.query.contains("media_product_type"))
        .count();
    assert_eq!(refused, 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn quitting_during_a_slow_exchange_leaves_a_valid_state_file() {
    let mut h = Harness::demo(10).await;
    h.up_to_the_redirect().await;
    h.fake.control().inject_on(
        "/oauth/access_token",
        Fault::Slow(Duration::from_secs(60)),
        1,
    );
    h.press(KeyCode::Enter);
    assert_eq!(h.executor.in_flight(), 1);
    // The loop is not blocked: keys still act while the exchange hangs.
    h.press_char('?');
    assert!(h.screen().contains(" Keys "), "{}", h.screen());
    h.press(KeyCode::Esc);
    h.press_char('q');
    assert!(h.app.quit);
    assert_eq!(h.executor.in_flight(), 1, "the exchange is still out");
    h.executor.flush_saves().await;

    let loaded = h.store().load().expect("load");
    assert_eq!(loaded.notice, None, "state.json reads back cleanly");
    assert_eq!(loaded.state, h.app.stored);
    assert!(loaded.state.app().is_some());
    assert!(loaded.state.pending_authorization.is_some());
    assert!(loaded.state.token().is_none());
    let raw = std::fs::read_to_string(h.store().path()).expect("read");
    assert!(
        serde_json::from_str::<serde_json::Value>(&raw).is_ok(),
        "{raw}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_used_code_shows_instagrams_message_and_keeps_the_state() {
    let mut h = Harness::demo(10).await;
    h.up_to_the_redirect().await;
    let before = h.store().load().expect("load").state;
    h.fake.control().inject_on(
        "/oauth/access_token",
        Fault::Canned {
            status: 400,
            content_type: "application/json".into(),
            body: r#"{"error_type":"OAuthException","code":400,"error_message":"This authorization code has been used"}"#.into(),
        },
        1,
    );
    h.press(KeyCode::Enter);
    h.settle().await;
    assert_eq!(h.app.screen, Screen::Authorize);
    let screen = h.screen();
    assert!(
        screen.contains("This authorization code has been used"),
        "{screen}"
    );
    assert!(screen.contains("✗"), "{screen}");
    assert!(h.app.stored.token().is_none());
    let after = h.store().load().expect("load");
    assert_eq!(after.notice, None);
    assert_eq!(after.state, before, "nothing on disk changed");
    // The paste is still there to inspect; typing still works.
    let redirect = h.app.authorize.paste.value().to_string();
    assert!(redirect.contains("code="));
    h.press_char('p');
    h.type_str("xyz");
    assert!(h.app.authorize.paste.value().ends_with("xyz"));
    // The canned answer never reached the real exchange, so pasting the same
    // redirect again goes through.
    h.paste(&redirect);
    assert_eq!(h.app.authorize.paste.value(), redirect);
    h.press(KeyCode::Enter);
    h.settle().await;
    assert_eq!(h.app.screen, Screen::Token, "{}", h.screen());
    assert!(h.store().load().expect("load").state.token().is_some());
}

/// A redirect URI Instagram does not know: its own error page, not a
/// redirect. The demo says Instagram's reason, not just "400 Bad Request".
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_demo_consent_page_shows_instagrams_reason_for_refusing() {
    let mut h = Harness::demo(3).await;
    // Move to the redirect URI, enter it, add a character, save.
    h.press(KeyCode::Tab);
    h.press(KeyCode::Tab);
    h.press(KeyCode::Enter);
    h.press(KeyCode::End);
    h.type_str("x");
    h.press(KeyCode::Enter);
    assert_eq!(h.app.screen, Screen::Authorize, "{}", h.screen());
    h.press_char('o');
    h.press(KeyCode::Enter);
    h.settle().await;
    let status = h.app.status.clone().expect("status").text;
    assert!(status.contains("Invalid redirect_uri"), "{status}");
    assert!(!h.app.authorize.paste_focused, "nothing to paste: {status}");
}

#[test]
fn demo_downloads_go_to_a_named_folder_that_outlives_the_demo() {
    // The demo's config dir is thrown away on quit; its downloads are not.
    let app = demo_app("http://127.0.0.1:9");
    let dir = app.download_dir.expect("a download folder");
    assert_eq!(dir, instatui::runtime::demo_download_dir());
    assert!(dir.starts_with(std::env::temp_dir()), "{}", dir.display());
    assert_eq!(
        dir.file_name().and_then(|n| n.to_str()),
        Some("instatui-demo-downloads")
    );
}

/// The demo's two users, each with their own feed: a switch shows the
/// other account's cached list at once (read off the disk by the
/// executor), and removing an account deletes its cache file.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_account_keeps_its_own_cached_feed_across_switches() {
    let mut h = Harness::demo(30).await;
    let cache_dir = h.config_dir.parent().expect("scratch").join("cache");
    let cache_files = || -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(&cache_dir)
            .map(|d| {
                d.flatten()
                    .map(|e| e.file_name().to_string_lossy().into_owned())
                    .filter(|n| n.starts_with("feed-"))
                    .collect()
            })
            .unwrap_or_default();
        names.sort();
        names
    };
    let ids =
        |h: &Harness| -> Vec<String> { h.app.feed.items.iter().map(|m| m.id.clone()).collect() };
    h.up_to_the_redirect().await;
    h.press(KeyCode::Enter);
    h.settle().await;
    h.press_char('4');
    h.settle().await;
    let larch = ids(&h);
    assert_eq!(larch.len(), 30, "{}", h.screen());

    // A second account: 5, n, the stand-in logs in as the shop.
    h.press_char('5');
    h.press_char('n');
    h.press_char('o');
    assert!(h.screen().contains("Adding an account"), "{}", h.screen());
    h.press(KeyCode::Enter);
    h.settle().await;
    h.press(KeyCode::Enter);
    h.settle().await;
    assert!(
        h.screen()
            .contains(&format!("authorized as @{}", fake::SHOP_USERNAME)),
        "{}",
        h.screen()
    );
    h.press_char('4');
    h.settle().await;
    let shop = ids(&h);
    assert_eq!(shop.len(), 12, "{}", h.screen());
    assert!(shop.iter().all(|id| !larch.contains(id)));
    assert!(h.screen().contains("speckled mugs"), "{}", h.screen());
    assert_eq!(cache_files().len(), 2, "one file per account");

    // Back to the first account: its own list, from its cache, before the
    // Feed screen asks for anything.
    h.press_char('5');
    assert_eq!(
        h.app.account_rows()[1].username(),
        Some(fake::DEMO_USERNAME)
    );
    h.press_char('j');
    h.press(KeyCode::Enter);
    h.settle().await;
    assert!(h.app.feed.cached_at.is_some(), "shown from the cache");
    assert_eq!(ids(&h), larch);
    h.press_char('4');
    h.settle().await;
    assert_eq!(ids(&h), larch, "refreshed, still its own posts");
    assert!(!h.screen().contains("speckled mugs"), "{}", h.screen());

    // Removing the shop deletes its cache, and only its.
    h.press_char('5');
    h.press_char('k');
    h.press_char('x');
    h.press_char('y');
    h.settle().await;
    assert_eq!(h.app.stored.all_accounts().len(), 1);
    assert_eq!(cache_files().len(), 1, "{:?}", cache_files());
}

/// Issue 22's "Done when", walked by a new user in `--demo` with keys only:
/// the profile header, `t` to the grid, moves through it, `Enter` on a post
/// whose insights and comments the fake serves; asserted on the drawn screen.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn demo_walk_profile_header_grid_and_a_posts_insights_and_comments() {
    let mut h = Harness::demo(64).await;
    h.up_to_the_redirect().await;
    h.press(KeyCode::Enter);
    h.settle().await;
    assert_eq!(h.app.screen, Screen::Token, "{}", h.screen());

    // The profile header over the list: name, @username, type and counts.
    h.press_char('4');
    h.settle().await;
    let screen = h.screen();
    for shown in [
        "Larch & Lake",
        "@larch_and_lake · business",
        "64 posts · 1207 followers · 180 following",
        "7 d: ",
        "Feed · 1/64 posts",
    ] {
        assert!(screen.contains(shown), "{shown:?} not in\n{screen}");
    }

    // `t`: the grid, three tiles a row at 100 columns, the header still on top.
    h.press_char('t');
    h.settle().await;
    let screen = h.screen();
    assert!(screen.contains("Grid · 1/64"), "{screen}");
    assert!(screen.contains("1207 followers"), "{screen}");
    let first_row = screen
        .lines()
        .find(|l| l.contains("Golden hour over the larches"))
        .unwrap_or_else(|| panic!("no tile row:\n{screen}"));
    // `││` is where a tile starts: after the outer border or the tile before it.
    assert_eq!(first_row.matches("││").count(), 3, "3 tiles: {first_row}");

    // Moves by tile and by row; the selected tile carries its date.
    let posted = |h: &Harness, i: usize| {
        let media = &h.app.feed.items[i];
        // Tests never read the local offset (instatui::localtime::init): UTC.
        let at = media
            .posted_at()
            .expect("a date")
            .to_offset(time::UtcOffset::UTC);
        format!(" {} ", at.date())
    };
    h.press_char('l');
    assert!(h.screen().contains("Grid · 2/64"), "{}", h.screen());
    h.press_char('j');
    let screen = h.screen();
    assert!(screen.contains("Grid · 5/64"), "{screen}");
    assert!(screen.contains(&posted(&h, 4)), "{screen}");
    h.press_char('k');
    h.settle().await;
    let screen = h.screen();
    assert!(screen.contains("Grid · 2/64"), "{screen}");
    assert!(screen.contains(&posted(&h, 1)), "{screen}");
    assert!(
        !screen.contains(&posted(&h, 4)),
        "one date, the selected tile's: {screen}"
    );

    // Enter: the post's details, with its insights and comments.
    h.press(KeyCode::Enter);
    h.settle().await;
    let screen = h.screen();
    let post = h.app.feed.selected_media().expect("selected").id.clone();
    assert!(screen.contains(" Post "), "{screen}");
    assert!(screen.contains("Three days on the ridge"), "{screen}");
    let insights = screen
        .lines()
        .find(|l| l.contains("Insights "))
        .unwrap_or_else(|| panic!("no insights:\n{screen}"));
    for metric in [" views", " reach", " saves", " shares"] {
        assert!(insights.contains(metric), "{metric}: {insights}");
    }
    assert!(screen.contains("interactions (just now)"), "{screen}");
    assert!(
        screen.contains("Comments  20 shown, m for more"),
        "{screen}"
    );
    let comments = screen
        .lines()
        .filter(|l| l.contains(" @") && l.contains("♥"))
        .count();
    assert!(comments >= 2, "{screen}");
    // Asked of Instagram for that post only: its numbers once, a page of comments.
    let requests = h.fake.control().requests();
    let asked = |what: &str| -> Vec<String> {
        requests
            .iter()
            .map(|r| r.path.clone())
            .filter(|p| p.ends_with(what) && !p.contains(fake::DEMO_USER_ID))
            .collect()
    };
    let insights = asked("/insights");
    assert_eq!(insights.len(), 1, "{insights:?}");
    assert!(
        insights[0].ends_with(&format!("/{post}/insights")),
        "{insights:?}"
    );
    let comments = asked("/comments");
    assert_eq!(comments.len(), 1, "{comments:?}");
    assert!(
        comments[0].ends_with(&format!("/{post}/comments")),
        "{comments:?}"
    );
}
