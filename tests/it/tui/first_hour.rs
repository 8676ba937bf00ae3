//! Issue 20: the edges a new or returning user met in their first hour,
//! each replayed as the keys (or pastes) they pressed.

use crate::common::tui::*;
use crossterm::event::KeyCode;
use instatui::app::credentials::{Check, FieldId};
use instatui::app::{Effect, Level, Msg, Screen};

// ------------------------------------------------ 1. a paste in the wrong place

/// The user pressed `1` instead of `2` and pasted the landing address: no
/// credential is replaced, the address goes to Authorize and Enter exchanges it.
#[test]
fn a_redirect_pasted_on_credentials_is_offered_to_authorize() {
    for editing in [None, Some(FieldId::AppSecret)] {
        let mut app = app_with(state_configured());
        app.screen = Screen::Credentials;
        app.credentials.cursor = FieldId::AppSecret;
        app.credentials.focus = editing;
        send(
            &mut app,
            [Msg::Paste(format!(" {}\n", redirect_url(CODE, STATE)))],
        );
        assert_eq!(
            app.credentials.app_secret.value(),
            APP_SECRET,
            "{editing:?}"
        );
        assert!(!app.credentials.is_dirty(&app.stored), "{editing:?}");
        assert_eq!(app.screen, Screen::Authorize, "{editing:?}");
        assert!(
            status_text(&app).contains("Enter exchanges it"),
            "{}",
            status_text(&app)
        );
        let effects = send(&mut app, [code(KeyCode::Enter)]);
        assert!(
            effects
                .iter()
                .any(|e| matches!(e, Effect::ExchangeCode { code, .. } if code == CODE)),
            "{effects:?}"
        );
    }
}

/// With no app saved yet, the redirect cannot be exchanged: it is refused
/// with what to do, and the form keeps what the user typed.
#[test]
fn a_redirect_pasted_before_any_app_is_saved_changes_nothing() {
    let mut app = app_with(state_empty());
    app.screen = Screen::Credentials;
    app.credentials.app_id.set(APP_ID);
    send(&mut app, [Msg::Paste(redirect_url(CODE, STATE))]);
    assert_eq!(app.credentials.app_id.value(), APP_ID);
    assert_eq!(app.screen, Screen::Credentials);
    let status = app.status.clone().expect("status");
    assert_eq!(status.level, Level::Warning);
    assert!(
        status.text.contains("save the credentials first"),
        "{}",
        status.text
    );
}

/// The README's `'…'` placeholder, a token or a redirect is not an app
/// secret: the form refuses to save it and says what a secret looks like.
#[test]
fn the_app_secret_is_32_hex_digits() {
    for bad in ["'…'", "…", "IGAAlonglonglonglonglonglonglong", "3f1c9a7e"] {
        let mut app = app_with(state_empty());
        app.screen = Screen::Credentials;
        app.credentials.app_id.set(APP_ID);
        app.credentials.app_secret.set(bad);
        app.credentials.redirect_uri.set(REDIRECT);
        let effects = send(&mut app, [key('s')]);
        assert!(saves(&effects).is_empty(), "{bad}");
        assert_eq!(app.credentials.cursor, FieldId::AppSecret, "{bad}");
        assert!(
            status_text(&app).contains("32 hex digits"),
            "{}",
            status_text(&app)
        );
    }
}

#[test]
fn a_redirect_uri_carrying_a_code_is_refused() {
    let mut app = app_with(state_empty());
    app.credentials.app_id.set(APP_ID);
    app.credentials.app_secret.set(APP_SECRET);
    app.credentials
        .redirect_uri
        .set("https://example.org/auth/?code=AQB&state=abc");
    let effects = send(&mut app, [key('s')]);
    assert!(saves(&effects).is_empty());
    assert!(
        matches!(app.credentials.check(FieldId::RedirectUri), Check::Error(e) if e.contains("code="))
    );
}

/// The warning is read when it matters: right after `s`, not only on
/// coming back to screen 1.
#[test]
fn the_trailing_slash_warning_shows_at_save_time() {
    let mut app = app_with(state_empty());
    app.credentials.app_id.set(APP_ID);
    app.credentials.app_secret.set(APP_SECRET);
    app.credentials.redirect_uri.set("https://example.org/auth");
    let effects = send(&mut app, [key('s')]);
    assert!(!saves(&effects).is_empty(), "still saved");
    assert_eq!(app.screen, Screen::Authorize);
    let status = app.status.clone().expect("status");
    assert_eq!(status.level, Level::Warning);
    assert!(status.text.contains("credentials saved"), "{}", status.text);
    assert!(status.text.contains("trailing slash"), "{}", status.text);
}

// ------------------------------------------------ 2. no freeze after authorizing

/// The reported freeze: the Token screen took 2 s (once ~30 s) to appear
/// after the exchange, because clearing the screen for the new layout asked
/// the terminal where the cursor is (`ESC [ 6n`) and waited for an answer
/// the event reader kept. The binary, with pictures on, goes through the
/// whole authorization and between screens: it never asks, so nothing
/// waits between the exchange's last answer and the next frame.
#[test]
fn authorizing_never_asks_the_terminal_where_the_cursor_is() {
    use crate::common::cli::Machine;
    use crate::common::pty::Pty;
    use crate::tui::done_when::authorize_as;
    let m = Machine::new(instatui::fake::FakeConfig::demo());
    m.setup();
    // Half-blocks ask the terminal nothing at start-up: pictures are on
    // from the first frame.
    let mut pty = Pty::spawn(&m, &["--images", "halfblocks"]);
    pty.wait_for_text("Authorize instatui");
    authorize_as(&m, &mut pty, 0, instatui::fake::DEMO_USERNAME);
    pty.type_keys("4");
    pty.wait_for_text("┌ Feed");
    pty.type_keys("3");
    pty.wait_for_text("┌ Access token");
    let written = String::from_utf8_lossy(&pty.output()).into_owned();
    assert!(
        !written.contains("\x1b[6n"),
        "the cursor position was asked for"
    );
}

// ------------------------------------------------ 4. the first run types

fn started(stored: instatui::store::State) -> instatui::app::App {
    let mut app = app_with(stored);
    instatui::app::update::start(&mut app);
    app
}

fn footer(app: &instatui::app::App, width: u16, height: u16) -> String {
    let mut terminal =
        ratatui::Terminal::new(ratatui::backend::TestBackend::new(width, height)).expect("term");
    terminal
        .draw(|f| instatui::ui::render(app, f))
        .expect("draw");
    let screen = terminal.backend().to_string();
    screen
        .lines()
        .last()
        .unwrap_or_default()
        .trim_matches('"')
        .to_string()
}

/// Typing `990602627938098` on a first run types it: its digits no longer
/// switch screens (`2` went to Authorize, `5` to Accounts).
#[test]
fn on_a_first_run_typing_an_app_id_types_it() {
    let mut app = started(state_empty());
    assert_eq!(app.screen, Screen::Credentials);
    assert!(app.editing(), "the empty App ID field takes the keys");
    type_str(&mut app, APP_ID);
    assert_eq!(app.credentials.app_id.value(), APP_ID);
    assert_eq!(app.screen, Screen::Credentials);
}

/// A returning user's screens open with no field in edit mode, so keys
/// stay commands and nothing stored can be typed over.
#[test]
fn a_returning_user_starts_with_no_field_in_edit_mode() {
    for stored in [state_configured(), state_authorized()] {
        let app = started(stored);
        assert!(!app.editing(), "{:?}", app.screen);
    }
    let mut app = app_with(state_configured());
    app.screen = Screen::Credentials;
    instatui::app::update::start(&mut app);
    assert!(!app.editing());
}

/// Authorize before any app is saved offers nothing it cannot do: it says
/// to press 1 instead of offering the browser, the URL or the paste.
#[test]
fn authorize_without_an_app_offers_only_what_it_can_do() {
    let mut app = started(state_empty());
    send(&mut app, [code(KeyCode::Esc), key('2')]);
    assert_eq!(app.screen, Screen::Authorize);
    let line = footer(&app, 80, 24);
    assert!(
        line.contains("1 enter the app's credentials first"),
        "{line}"
    );
    for offered in ["open the browser", "copy the URL", "paste the redirect"] {
        assert!(!line.contains(offered), "{line}");
    }
}

// ------------------------------------------------ 8. small truths: footers

/// Footers drop whole entries where room is short: no description is cut
/// in the middle of a word (`p p` at 40 columns), at any width.
#[test]
fn footers_drop_whole_entries_rather_than_cutting_words() {
    let app = app_with(state_configured());
    let mut app = app;
    app.screen = Screen::Authorize;
    for width in [40, 52, 64, 80, 100] {
        let line = footer(&app, width, 12);
        let entries = [
            "o open the browser",
            "c copy the URL",
            "p paste the redirect",
            "? help",
            "q quit",
        ];
        let mut rest = line.trim();
        for entry in entries {
            if rest.is_empty() {
                break;
            }
            assert!(rest.starts_with(entry), "{width}: {line:?}");
            rest = rest[entry.len()..].trim_start();
        }
        assert!(rest.is_empty(), "{width}: {line:?}");
    }
}

/// The Token footer does not offer `r` while Instagram would refuse it
/// (a token under 24 hours old, an expired one).
#[test]
fn the_token_footer_offers_r_only_when_a_refresh_can_happen() {
    let mut young = app_with(state_with_token(
        time::Duration::hours(2),
        time::Duration::days(59),
    ));
    young.screen = Screen::Token;
    assert!(!footer(&young, 80, 24).contains("refresh now"));
    let mut old = app_with(state_authorized());
    old.screen = Screen::Token;
    assert!(footer(&old, 80, 24).contains("r refresh now"));
}

// ------------------------------------------------ 6. one status at a time

fn feed_with_posts() -> instatui::app::App {
    let mut app = app_with(state_authorized());
    let effects = instatui::app::update::start(&mut app);
    let generation = effects
        .iter()
        .find_map(|e| match e {
            Effect::FetchFeedPage { generation, .. } => Some(*generation),
            _ => None,
        })
        .expect("a first page asked for");
    send(
        &mut app,
        [Msg::FeedPage {
            generation,
            after: None,
            result: Ok(page(0..5, None)),
        }],
    );
    app
}

/// `o` and `O` say which they opened: the post's page or its media.
#[test]
fn o_and_shift_o_say_what_they_opened() {
    let mut app = feed_with_posts();
    // The media on Instagram's CDN, as real posts have it.
    app.feed.items[0].media_url = Some("https://scontent.cdninstagram.com/v/0.jpg".into());
    send(&mut app, [key('o')]);
    assert!(
        status_text(&app).contains("the post on Instagram"),
        "{}",
        status_text(&app)
    );
    send(&mut app, [key('O')]);
    assert!(
        status_text(&app).contains("picture or video itself"),
        "{}",
        status_text(&app)
    );
}

/// A note ("copied …") expires once its moment is over; a warning stays
/// until read.
#[test]
fn notes_expire_and_warnings_stay() {
    let mut app = feed_with_posts();
    send(&mut app, [key('c')]);
    assert!(
        status_text(&app).starts_with("copied "),
        "{}",
        status_text(&app)
    );
    send_at(&mut app, [Msg::Tick], NOW + time::Duration::seconds(2));
    assert!(app.status.is_some(), "still its moment");
    send_at(&mut app, [Msg::Tick], NOW + time::Duration::seconds(10));
    assert_eq!(app.status, None);

    app.set_status(Level::Warning, "something to read");
    send_at(&mut app, [Msg::Tick], NOW + time::Duration::minutes(5));
    assert_eq!(status_text(&app), "something to read");
}

/// Authorize again after a failed attempt (`Invalid platform app` on the
/// exchange): the old error leaves the status line and the steps.
#[test]
fn a_new_attempt_clears_the_last_attempts_error() {
    let mut app = app_with(state_configured());
    app.screen = Screen::Authorize;
    let effects = send(
        &mut app,
        [Msg::Paste(redirect_url(CODE, STATE)), code(KeyCode::Enter)],
    );
    let generation = effects
        .iter()
        .find_map(|e| match e {
            Effect::ExchangeCode { generation, .. } => Some(*generation),
            _ => None,
        })
        .expect("exchange");
    let invalid = instatui::instagram::ApiError::from_response(
        400,
        Some("application/json"),
        br#"{"error_type":"OAuthException","code":400,"error_message":"Invalid platform app"}"#,
    );
    send(
        &mut app,
        [Msg::CodeExchanged {
            generation,
            result: Err(invalid),
        }],
    );
    assert_eq!(app.status.as_ref().map(|s| s.level), Some(Level::Error));
    send(&mut app, [key('o')]);
    assert!(
        !status_text(&app).contains("Invalid platform app"),
        "{}",
        status_text(&app)
    );
    assert!(
        app.authorize
            .steps
            .iter()
            .all(|s| !matches!(s, instatui::app::authorize::StepProgress::Failed(_))),
        "{:?}",
        app.authorize.steps
    );
}

// ------------------------------------------------ 7. the full-screen picture

fn three_item_album() -> instatui::instagram::Media {
    serde_json::from_value(serde_json::json!({
        "id": "1790000000999", "media_type": "CAROUSEL_ALBUM", "caption": "three",
        "permalink": "https://www.instagram.com/p/A/",
        "children": {"data": [
            {"id": "c1", "media_type": "IMAGE", "media_url": "https://cdn.example/c1.jpg"},
            {"id": "c2", "media_type": "VIDEO", "media_url": "https://cdn.example/c2.mp4"},
            {"id": "c3", "media_type": "IMAGE", "media_url": "https://cdn.example/c3.jpg"}
        ]}
    }))
    .expect("album")
}

fn screen(app: &instatui::app::App, width: u16, height: u16) -> String {
    let mut terminal =
        ratatui::Terminal::new(ratatui::backend::TestBackend::new(width, height)).expect("term");
    terminal
        .draw(|f| instatui::ui::render(app, f))
        .expect("draw");
    terminal.backend().to_string()
}

/// ←/→ in an album's detail pane: the text names the item in view, as the
/// picture shows it, and marks it in the album's list.
#[test]
fn the_detail_pane_follows_the_album_item_in_view() {
    let mut app = feed_with_posts();
    app.feed.items[0] = three_item_album();
    send(&mut app, [Msg::Resize(100, 40), code(KeyCode::Enter)]);
    let first = screen(&app, 100, 40);
    assert!(first.contains("item 1/3 · image"), "{first}");
    assert!(first.contains("https://cdn.example/c1.jpg"), "{first}");
    assert!(first.contains("›1. image c1"), "{first}");
    send(&mut app, [key('l')]);
    let second = screen(&app, 100, 40);
    assert!(second.contains("item 2/3 · video"), "{second}");
    assert!(second.contains("https://cdn.example/c2.mp4"), "{second}");
    assert!(!second.contains("https://cdn.example/c1.jpg"), "{second}");
    assert!(second.contains("›2. video c2"), "{second}");
    assert!(second.contains(" 1. image c1"), "{second}");
}

/// `v` on an album says how to get back and where in the album it is.
#[test]
fn the_full_screen_picture_shows_the_way_back_and_the_album_position() {
    let mut app = feed_with_posts();
    let album: instatui::instagram::Media = serde_json::from_value(serde_json::json!({
        "id": "1790000000999", "media_type": "CAROUSEL_ALBUM", "caption": "three",
        "permalink": "https://www.instagram.com/p/A/",
        "children": {"data": [
            {"id": "c1", "media_type": "IMAGE", "media_url": "https://cdn.example/c1.jpg"},
            {"id": "c2", "media_type": "IMAGE", "media_url": "https://cdn.example/c2.jpg"},
            {"id": "c3", "media_type": "IMAGE", "media_url": "https://cdn.example/c3.jpg"}
        ]}
    }))
    .expect("album");
    app.feed.items[0] = album;
    app.images = true;
    send(&mut app, [key('v'), code(KeyCode::Right)]);
    assert!(app.feed.full_picture);
    let line = footer(&app, 80, 24);
    assert!(line.contains("Esc/v back"), "{line}");
    assert!(line.contains("item 2/3"), "{line}");
}

/// A long Scopes value, not being edited, shows from its first scope and
/// is cut with "…" (it showed its tail, the cursor's end, before).
#[test]
fn a_long_scopes_row_shows_its_start_when_not_edited() {
    let mut state = state_configured();
    state.apps[0].scopes = vec![
        "instagram_business_basic".into(),
        "instagram_business_manage_insights".into(),
        "instagram_business_manage_comments".into(),
    ];
    let mut app = started(state);
    send(&mut app, [key('1')]);
    assert!(!app.editing(), "a returning user edits nothing yet");
    let drawn = screen(&app, 80, 24);
    let row = drawn
        .lines()
        .find(|l| l.contains("Scopes"))
        .unwrap_or_else(|| panic!("no Scopes row:\n{drawn}"));
    let value = row.split("Scopes").nth(1).unwrap_or_default().trim_start();
    assert!(value.starts_with("instagram_business_basic,"), "{row}");
    assert!(row.contains('…'), "{row}");
}

// ------------------------------------------------ 8. emoji and pictures

/// Where each cell of each row lands on a terminal that draws a grapheme
/// as wide as its characters add up to (`wcwidth`: `🏔` one column, U+FE0F
/// none), while ratatui lays the row out by the grapheme's width. The
/// column a terminal puts the last cell of each row at.
fn terminal_column_of_the_last_cell(buffer: &ratatui::buffer::Buffer, y: u16) -> u16 {
    use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};
    let (mut column, mut hidden) = (0u16, 0u16);
    for x in 0..buffer.area.width {
        if hidden > 0 {
            // Covered by the wide grapheme before it: ratatui skips it.
            hidden -= 1;
            continue;
        }
        let symbol = buffer[(x, y)].symbol();
        if x + 1 == buffer.area.width {
            return column;
        }
        hidden = (symbol.width() as u16).saturating_sub(1);
        column += symbol
            .chars()
            .map(|c| c.width().unwrap_or(0) as u16)
            .sum::<u16>();
    }
    column
}

/// `🏔️` (a mountain and the emoji presentation selector) is two columns to
/// ratatui and one to many terminals: the rest of its row, the list's and
/// the detail pane's right border included, moved one column left.
#[test]
fn emoji_with_a_variation_selector_do_not_shift_the_border() {
    let mut app = feed_with_posts();
    app.feed.items[0].caption = Some("Morning fog on the lake 🌫️🏔️".into());
    app.feed.items[1].caption = Some("Rainy day edits 🌧️".into());
    send(&mut app, [Msg::Resize(100, 30), code(KeyCode::Enter)]);
    let mut terminal =
        ratatui::Terminal::new(ratatui::backend::TestBackend::new(100, 30)).expect("term");
    terminal
        .draw(|f| instatui::ui::render(&app, f))
        .expect("draw");
    let buffer = terminal.backend().buffer();
    let drawn = terminal.backend().to_string();
    assert!(drawn.contains("lake 🌫🏔"), "{drawn}");
    for y in 0..30 {
        let column = terminal_column_of_the_last_cell(buffer, y);
        assert_eq!(column, 99, "row {y} ends at column {column}:\n{drawn}");
    }
}

// ------------------------------------------------ 8. restarting keeps the selection

/// Runs the cache's effects (its writes, the selection kept beside it).
fn run_cache_effects(
    executor: &mut instatui::runtime::Executor,
    app: &instatui::app::App,
    effects: Vec<Effect>,
) {
    for effect in effects {
        if matches!(
            effect,
            Effect::SaveFeedCache { .. } | Effect::RememberSelection { .. }
        ) {
            executor.run(app, effect);
        }
    }
}

/// An app on the Feed whose first page (posts 0..5) arrived, and the
/// effects that brought.
fn first_run() -> (instatui::app::App, Vec<Effect>) {
    let mut app = app_with(state_authorized());
    let started = instatui::app::update::start(&mut app);
    let generation = started
        .iter()
        .find_map(|e| match e {
            Effect::FetchFeedPage { generation, .. } => Some(*generation),
            _ => None,
        })
        .expect("a first page asked for");
    let effects = send(
        &mut app,
        [Msg::FeedPage {
            generation,
            after: None,
            result: Ok(page(0..5, None)),
        }],
    );
    (app, effects)
}

/// Select post 3, quit, start again on the cache: post 3 is selected (it
/// was the first post every time).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_restart_keeps_the_selected_post() {
    use instatui::runtime::{Executor, FeedCache};
    use instatui::store::Store;
    let scratch = tempfile::tempdir().expect("tempdir");
    let executor = || {
        Executor::new(
            Store::at(scratch.path().join("config")),
            FeedCache::new(scratch.path().join("cache")),
            None,
        )
    };
    let (mut app, mut effects) = first_run();
    effects.extend(send(&mut app, [key('j'), key('j'), key('j')]));
    let selected = app.feed.selected_media().map(|m| m.id.clone());
    assert_eq!(selected, Some(media(3).id));
    effects.extend(send(&mut app, [key('q')]));
    let mut first = executor();
    run_cache_effects(&mut first, &app, effects);
    first.finish_saves().await;

    let mut app = app_with(state_authorized());
    instatui::app::update::start(&mut app);
    let mut second = executor();
    second.run(
        &app,
        Effect::LoadFeedCache {
            user_id: USER_ID.into(),
        },
    );
    second.settle(&mut app, instatui::clock::now, |_| {}).await;
    assert_eq!(app.feed.items.len(), 5, "the cache was read");
    assert_eq!(
        app.feed.selected_media().map(|m| m.id.clone()),
        Some(media(3).id),
        "post 3 is selected again"
    );

    // Back at the top and quit: the next start is at the top too.
    let mut effects = send(&mut app, [code(KeyCode::Home)]);
    effects.extend(send(&mut app, [key('q')]));
    run_cache_effects(&mut second, &app, effects);
    second.finish_saves().await;
    let mut app = app_with(state_authorized());
    instatui::app::update::start(&mut app);
    let mut third = executor();
    third.run(
        &app,
        Effect::LoadFeedCache {
            user_id: USER_ID.into(),
        },
    );
    third.settle(&mut app, instatui::clock::now, |_| {}).await;
    assert_eq!(app.feed.selected, 0);
}

/// A half-block picture's right edge: the picture scaled to a width that
/// is not whole cells was laid on a transparent (black) canvas of whole
/// cells, and its last column blended with the black: a dark stripe. Every
/// cell of a one-colour picture must be that colour, at several pane sizes.
#[test]
fn half_block_pictures_have_no_dark_stripe_on_their_right_edge() {
    use instatui::app::preview::{Preview, PreviewState};
    use instatui::preview::{Painter, Previews};
    use ratatui::style::Color;
    const RUST: [u8; 3] = [200, 90, 40];
    let mut app = feed_with_posts();
    app.images = true;
    send(&mut app, [code(KeyCode::Enter)]);
    let id = app.feed.items[0].id.clone();
    for (width, height) in [(80, 24), (100, 30), (123, 41), (90, 26)] {
        // Sizes whose fit is rarely whole cells: 4:3 and 1:1, odd and even.
        for (w, h) in [(400, 300), (333, 333), (1080, 1350)] {
            let picture =
                image::DynamicImage::ImageRgb8(image::RgbImage::from_pixel(w, h, image::Rgb(RUST)));
            let mut previews = Previews::new(Some(Painter::halfblocks()));
            previews.insert(id.clone(), picture);
            send(&mut app, [Msg::Resize(width, height)]);
            // Drawn as when the picture arrived (no CDN here).
            app.feed.preview = Preview {
                key: Some(id.clone()),
                state: PreviewState::Ready,
            };
            let mut terminal =
                ratatui::Terminal::new(ratatui::backend::TestBackend::new(width, height))
                    .expect("term");
            terminal
                .draw(|f| instatui::ui::render_with_previews(&app, f, Some(&mut previews)))
                .expect("draw");
            let buffer = terminal.backend().buffer();
            let mut painted = 0;
            for cell in buffer.content() {
                for colour in [cell.fg, cell.bg] {
                    if let Color::Rgb(r, g, b) = colour
                        && matches!(cell.symbol(), "▀" | "▄" | " ")
                    {
                        painted += 1;
                        let off = [r, g, b]
                            .iter()
                            .zip(RUST)
                            .map(|(got, want)| got.abs_diff(want))
                            .max()
                            .unwrap_or(0);
                        assert!(
                            off <= 3,
                            "{width}×{height}, a {w}×{h} picture: a cell of ({r}, {g}, {b}), not the picture's {RUST:?}"
                        );
                    }
                }
            }
            assert!(
                painted > 40,
                "{width}×{height}, a {w}×{h} picture: only {painted} picture cells:\n{}",
                terminal.backend()
            );
        }
    }
}
