//! Every screen drawn into a `TestBackend` at 80×24 and 40×12, snapshotted with insta;
//! colours checked where they carry meaning; tiny terminals must not panic.

use crate::common::tui::*;
use crossterm::event::KeyCode;
use instatui::app::{App, Msg, Popup, Screen};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::buffer::Buffer;
use ratatui::style::Color;
use time::Duration;

fn draw(app: &App, width: u16, height: u16) -> Terminal<TestBackend> {
    let mut terminal = Terminal::new(TestBackend::new(width, height)).expect("terminal");
    terminal
        .draw(|f| instatui::ui::render(app, f))
        .expect("draw");
    terminal
}

/// Snapshots `app` at both sizes, as `<name>@80x24` and `<name>@40x12`.
fn snap(name: &str, app: &App) {
    for (w, h) in [(80, 24), (40, 12)] {
        let mut app = app.clone();
        // The app pages the feed by its own idea of the terminal size.
        instatui::app::update(&mut app, Msg::Resize(w, h), NOW);
        let terminal = draw(&app, w, h);
        insta::assert_snapshot!(format!("{name}@{w}x{h}"), terminal.backend());
    }
}

// ---------------------------------------------------------------- builders

fn credentials_empty() -> App {
    app_with(state_empty())
}

fn credentials_with_error() -> App {
    let mut app = app_with(state_empty());
    app.credentials.app_id.set("my-app");
    app.credentials.app_secret.set(APP_SECRET);
    app.credentials.redirect_uri.set("https://example.org/auth");
    send(&mut app, [key('s')]);
    app
}

fn authorize_before() -> App {
    let mut app = app_with(state_configured());
    instatui::app::update::start(&mut app);
    app
}

fn authorize_running() -> App {
    let mut app = authorize_before();
    send(
        &mut app,
        [Msg::Paste(redirect_url(CODE, STATE)), code(KeyCode::Enter)],
    );
    app
}

fn authorize_failed() -> App {
    let mut app = authorize_running();
    let generation = app.authorize.running.expect("running");
    send(
        &mut app,
        [Msg::CodeExchanged {
            generation,
            result: Err(code_used()),
        }],
    );
    app
}

fn on_token(state: instatui::store::State) -> App {
    let mut app = app_with(state);
    app.screen = Screen::Token;
    app
}

fn token_valid() -> App {
    on_token(state_authorized())
}

fn token_young() -> App {
    on_token(state_with_token(
        Duration::hours(3),
        Duration::days(60) - Duration::hours(3),
    ))
}

fn token_expired() -> App {
    on_token(state_with_token(Duration::days(62), -Duration::days(2)))
}

fn feed_with(items: usize, complete: bool) -> App {
    let mut app = app_with(state_authorized());
    let effects = instatui::app::update::start(&mut app);
    let Some(instatui::app::Effect::FetchFeedPage { generation, .. }) = effects.first() else {
        panic!("{effects:?}");
    };
    send(
        &mut app,
        [Msg::FeedPage {
            generation: *generation,
            after: None,
            result: Ok(page(0..items, if complete { None } else { Some("P2") })),
        }],
    );
    app
}

fn feed_list() -> App {
    let mut app = feed_with(60, false);
    send(&mut app, [key('j'), key('j'), key('j')]);
    app
}

fn feed_detail() -> App {
    let mut app = feed_with(60, false);
    send(
        &mut app,
        [
            key('j'),
            key('j'),
            key('j'),
            key('j'),
            key('j'),
            key('j'),
            key('j'),
            key('j'),
            key('j'),
            key('j'),
            code(KeyCode::Enter),
        ],
    );
    app
}

fn feed_filter() -> App {
    let mut app = feed_with(40, true);
    send(&mut app, [key('/')]);
    type_str(&mut app, "sunset");
    app
}

fn feed_empty() -> App {
    feed_with(0, true)
}

fn feed_error() -> App {
    let mut app = app_with(state_authorized());
    let effects = instatui::app::update::start(&mut app);
    let Some(instatui::app::Effect::FetchFeedPage { generation, .. }) = effects.first() else {
        panic!("{effects:?}");
    };
    send(
        &mut app,
        [Msg::FeedPage {
            generation: *generation,
            after: None,
            result: Err(fixture_error(400, "error_graph_permission.json")),
        }],
    );
    app
}

fn help_popup() -> App {
    let mut app = feed_with(20, true);
    send(&mut app, [key('?')]);
    assert_eq!(app.popup, Some(Popup::Help));
    app
}

fn demo_consent() -> App {
    let mut app = authorize_before();
    app.demo = true;
    send(&mut app, [key('o')]);
    assert_eq!(app.popup, Some(Popup::DemoConsent));
    app
}

/// Three accounts: the active one healthy, one refreshed and due again, one
/// expired after a failed refresh; nothing installed keeps them alive.
fn accounts_list() -> App {
    let mut state = state_authorized();
    let other = |id: &str, name: &str, age: i64, left: Duration| {
        let mut token = long_token(Duration::days(age), left);
        token.user_id = id.into();
        instatui::store::Account {
            app_id: Some(APP_ID.into()),
            token,
            profile: serde_json::from_value(serde_json::json!({"username": name})).ok(),
            last_refresh: None,
            rate_usage: None,
        }
    };
    let mut due = other("17840000000000001", "second_shop", 54, Duration::days(6));
    due.last_refresh = Some(instatui::store::RefreshOutcome {
        at: NOW - Duration::days(54),
        ok: true,
        message: None,
    });
    let mut dead = other("17840000000000002", "old_cafe", 62, -Duration::days(2));
    dead.last_refresh = Some(instatui::store::RefreshOutcome {
        at: NOW - Duration::days(3),
        ok: false,
        message: Some("Error validating access token".into()),
    });
    state.accounts.extend([due, dead]);
    let mut app = app_with(state);
    send(
        &mut app,
        [
            Msg::KeepAlive(instatui::app::keepalive::KeepAliveState::Missing),
            key('5'),
            key('j'),
        ],
    );
    app
}

fn accounts_remove() -> App {
    let mut app = accounts_list();
    send(&mut app, [key('x')]);
    assert_eq!(app.popup, Some(Popup::ConfirmRemoveAccount));
    app
}

/// One person authorized under two apps (issue 24): two accounts with one
/// username and one professional id, the second app's selected.
fn accounts_two_apps() -> App {
    let mut state = state_authorized();
    let mut second = state.accounts[0].clone();
    second.app_id = Some("424242".into());
    if let Some(profile) = &mut second.profile {
        profile.id = Some("5550001".into());
    }
    state.apps.push(instatui::store::AppConfig {
        app_id: "424242".into(),
        ..app_config()
    });
    state.accounts.push(second);
    let mut app = app_with(state);
    send(
        &mut app,
        [
            Msg::KeepAlive(instatui::app::keepalive::KeepAliveState::Missing),
            key('5'),
            key('j'),
        ],
    );
    app
}

fn every_screen() -> Vec<(&'static str, App)> {
    vec![
        ("credentials_empty", credentials_empty()),
        ("credentials_error", credentials_with_error()),
        ("authorize_before", authorize_before()),
        ("authorize_running", authorize_running()),
        ("authorize_failed", authorize_failed()),
        ("token_valid", token_valid()),
        ("token_young", token_young()),
        ("token_expired", token_expired()),
        ("feed_list", feed_list()),
        ("feed_detail", feed_detail()),
        ("feed_filter", feed_filter()),
        ("feed_empty", feed_empty()),
        ("feed_error", feed_error()),
        ("help", help_popup()),
        ("demo_consent", demo_consent()),
        ("accounts_list", accounts_list()),
        ("accounts_remove", accounts_remove()),
    ]
}

// ---------------------------------------------------------------- snapshots

#[test]
fn credentials_snapshots() {
    snap("credentials_empty", &credentials_empty());
    snap("credentials_error", &credentials_with_error());
}

#[test]
fn authorize_snapshots() {
    snap("authorize_before", &authorize_before());
    snap("authorize_running", &authorize_running());
    snap("authorize_failed", &authorize_failed());
}

#[test]
fn token_snapshots() {
    snap("token_valid", &token_valid());
    snap("token_young", &token_young());
    snap("token_expired", &token_expired());
}

#[test]
fn feed_snapshots() {
    snap("feed_list", &feed_list());
    snap("feed_detail", &feed_detail());
    snap("feed_filter", &feed_filter());
    snap("feed_empty", &feed_empty());
    snap("feed_error", &feed_error());
}

#[test]
fn accounts_snapshots() {
    snap("accounts_list", &accounts_list());
    snap("accounts_remove", &accounts_remove());
}

/// The narrow list tells one person's two accounts apart by their apps
/// (`@name@APP_ID`, the name cut before the app), and only the active one
/// is marked active, though both have its user id.
#[test]
fn one_username_under_two_apps_is_told_apart_on_a_narrow_accounts_list() {
    let app = accounts_two_apps();
    snap("accounts_two_apps", &app);
    let mut app = app.clone();
    instatui::app::update(&mut app, Msg::Resize(40, 12), NOW);
    let screen = draw(&app, 40, 12).backend().to_string();
    assert!(screen.contains("@424242 "), "{screen}");
    assert!(screen.contains(&format!("@{APP_ID} ")), "{screen}");
    assert_eq!(screen.matches("(active)").count(), 1, "{screen}");
}

#[test]
fn popup_snapshots() {
    snap("help", &help_popup());
    snap("demo_consent", &demo_consent());
}

#[test]
fn tiny_terminals_do_not_panic() {
    for (name, app) in every_screen() {
        for (w, h) in [(1, 1), (2, 2), (10, 3), (3, 10), (0, 0)] {
            let mut app = app.clone();
            instatui::app::update(&mut app, Msg::Resize(w, h), NOW);
            let result = std::panic::catch_unwind(|| draw(&app, w, h));
            assert!(result.is_ok(), "{name} panicked at {w}x{h}");
        }
    }
}

// ---------------------------------------------------------------- facts that hold at every size

#[test]
fn secrets_never_reach_the_screen() {
    for (name, app) in every_screen() {
        for (w, h) in [(80, 24), (40, 12), (200, 50)] {
            let text = draw(&app, w, h).backend().to_string();
            assert!(
                !text.contains(APP_SECRET),
                "{name}@{w}x{h}: app secret shown"
            );
            assert!(!text.contains(LONG), "{name}@{w}x{h}: token shown");
        }
    }
}

#[test]
fn the_selected_post_is_always_on_screen() {
    // Paging by the app's idea of the list height must keep the selection
    // visible with the filter bar and with the detail pane below the list.
    for (w, h) in [(80, 24), (40, 12), (100, 30)] {
        let mut app = feed_with(60, true);
        instatui::app::update(&mut app, Msg::Resize(w, h), NOW);
        for setup in [
            vec![],
            vec![key('/'), key('p'), code(KeyCode::Enter)],
            vec![code(KeyCode::Enter)],
        ] {
            let mut app = app.clone();
            send(&mut app, setup);
            for _ in 0..40 {
                send(&mut app, [key('j')]);
                let selected = app.feed.selected_media().expect("selected").clone();
                let terminal = draw(&app, w, h);
                let buffer = terminal.backend().buffer();
                let highlighted = (0..buffer.area.height)
                    .any(|y| (0..buffer.area.width).any(|x| is_selected(&buffer[(x, y)])));
                assert!(
                    highlighted,
                    "{w}x{h} filter={:?} detail={}: selection {} ({:?}) off screen:\n{}",
                    app.feed.filter.value(),
                    app.feed.detail,
                    app.feed.selected,
                    selected.caption,
                    terminal.backend()
                );
            }
        }
    }
}

/// The list's height comes from the layout the screen is drawn with: PgDn
/// moves by exactly the post rows on screen, whatever takes rows from the
/// list (the filter bar, the detail pane, the token banner, a second
/// status line).
#[test]
fn page_down_moves_by_exactly_the_rows_on_screen() {
    let post_rows = |app: &App, w: u16, h: u16| {
        draw(app, w, h)
            .backend()
            .to_string()
            .lines()
            .filter(|l| l.contains(" IMG post "))
            .count()
    };
    for (w, h) in [(80, 24), (40, 12), (100, 30), (60, 17), (40, 15)] {
        for setup in ["plain", "filter", "detail", "banner", "long status"] {
            let mut app = feed_with(60, true);
            send(&mut app, [Msg::Resize(w, h)]);
            match setup {
                "filter" => {
                    send(&mut app, [key('/'), key('p'), code(KeyCode::Enter)]);
                }
                "detail" => {
                    send(&mut app, [code(KeyCode::Enter)]);
                }
                "banner" => revoke_active(&mut app),
                "long status" => {
                    app.set_status(instatui::app::Level::Info, "a long status ".repeat(12))
                }
                _ => {}
            }
            let rows = post_rows(&app, w, h);
            assert!(rows > 0, "{w}x{h} {setup}");
            assert_eq!(app.feed_rows(), rows, "{w}x{h} {setup}");
            let before = app.feed.selected;
            send(&mut app, [code(KeyCode::PageDown)]);
            assert_eq!(app.feed.selected, before + rows, "{w}x{h} {setup}");
            send(&mut app, [code(KeyCode::PageUp)]);
            assert_eq!(app.feed.selected, before, "{w}x{h} {setup}");
        }
    }
}

// ---------------------------------------------------------------- colours

/// The foreground of the first cell of `needle` in the header's top row.
fn header_colour(buffer: &Buffer, needle: &str) -> Color {
    let row: String = (0..buffer.area.width)
        .map(|x| buffer[(x, 0)].symbol().to_string())
        .collect();
    let byte = row
        .find(needle)
        .unwrap_or_else(|| panic!("{needle:?} not in {row:?}"));
    let column = row[..byte].chars().count() as u16;
    buffer[(column, 0)].fg
}

fn countdown_colour(left: Duration) -> (String, Color) {
    let app = app_with(state_with_token(Duration::days(60) - left, left));
    let terminal = draw(&app, 80, 24);
    let buffer = terminal.backend().buffer().clone();
    let expected = if left > Duration::ZERO {
        format!("{} left", instatui::lifetime::format_remaining(left))
    } else {
        "expired".to_string()
    };
    let colour = header_colour(&buffer, &expected);
    (expected, colour)
}

#[test]
fn the_header_countdown_is_coloured_by_urgency() {
    for (left, colour) in [
        (Duration::days(58), Color::Green),
        (Duration::days(7) + Duration::hours(1), Color::Green),
        (Duration::days(6), Color::Yellow),
        (Duration::hours(30), Color::Yellow),
        (Duration::hours(23), Color::LightRed),
        (Duration::minutes(5), Color::LightRed),
        (-Duration::hours(2), Color::LightRed),
    ] {
        let (text, got) = countdown_colour(left);
        assert_eq!(got, colour, "{text}");
    }
}

#[test]
fn a_rejected_token_is_red_in_the_header() {
    let mut app = app_with(state_authorized());
    revoke_active(&mut app);
    let terminal = draw(&app, 80, 24);
    assert_eq!(
        header_colour(terminal.backend().buffer(), "token revoked"),
        Color::LightRed
    );
}

#[test]
fn the_current_tab_is_highlighted() {
    let app = token_valid();
    let terminal = draw(&app, 80, 24);
    let buffer = terminal.backend().buffer();
    let row: String = (0..80)
        .map(|x| buffer[(x, 1)].symbol().to_string())
        .collect();
    let column = row.find("3 Token").expect("tab") as u16;
    assert!(is_selected(&buffer[(column, 1)]));
    let column = row.find("4 Feed").expect("tab") as u16;
    assert!(!is_selected(&buffer[(column, 1)]));
}

/// The selection shows without colour: reversed and bold.
fn is_selected(cell: &ratatui::buffer::Cell) -> bool {
    cell.modifier
        .contains(ratatui::style::Modifier::REVERSED | ratatui::style::Modifier::BOLD)
}

// ---------------------------------------------------------------- themes

/// Without colour (`NO_COLOR`) and in the light theme: the buffer with its
/// styles, so the snapshots show where reverse, bold and underline carry
/// what colour carries elsewhere.
#[test]
fn no_color_and_light_theme_snapshots() {
    use instatui::ui::theme::Theme;
    for (theme, name) in [(Theme::Plain, "no_color"), (Theme::Light, "light")] {
        for (screen, app) in [
            ("credentials_error", credentials_with_error()),
            ("token_expired", token_expired()),
            ("feed_list", feed_list()),
            ("feed_filter", feed_filter()),
            ("accounts_list", accounts_list()),
        ] {
            for (w, h) in [(80, 24), (40, 12)] {
                let mut app = app.clone();
                app.theme = theme;
                instatui::app::update(&mut app, Msg::Resize(w, h), NOW);
                let terminal = draw(&app, w, h);
                let buffer = terminal.backend().buffer();
                if theme == Theme::Plain {
                    let coloured = buffer
                        .content
                        .iter()
                        .find(|c| c.fg != Color::Reset || c.bg != Color::Reset);
                    assert!(coloured.is_none(), "{screen}: {coloured:?}");
                }
                insta::assert_debug_snapshot!(format!("{name}_{screen}@{w}x{h}"), buffer);
            }
        }
    }
}

#[test]
fn without_colour_the_selection_and_focus_still_show() {
    let mut app = feed_list();
    app.theme = instatui::ui::theme::Theme::Plain;
    let terminal = draw(&app, 80, 24);
    let buffer = terminal.backend().buffer();
    let selected_rows: Vec<u16> = (2..24)
        .filter(|&y| (1..79).all(|x| is_selected(&buffer[(x, y)])))
        .collect();
    assert_eq!(selected_rows.len(), 1, "{selected_rows:?}");
    let column = (0..80)
        .map(|x| buffer[(x, 1)].symbol().to_string())
        .collect::<String>()
        .find("4 Feed")
        .expect("tab") as u16;
    assert!(
        is_selected(&buffer[(column, 1)]),
        "the active tab is reversed"
    );
}

// ---------------------------------------------------------------- errors where the eye is

/// Offline after 60 posts: the failure is in the title and the status line
/// with the key that retries, never a row after the last post, and the
/// title does not claim the 60 are all.
#[test]
fn a_later_page_failing_is_said_in_the_title_and_status_not_as_a_row() {
    let mut app = feed_with(60, false);
    send(&mut app, [key('G')]);
    let next = send(&mut app, [key('G')]);
    let generation = next
        .iter()
        .find_map(|e| match e {
            instatui::app::Effect::FetchFeedPage { generation, .. } => Some(*generation),
            _ => None,
        })
        .or(app.feed.loading)
        .expect("a next page was asked for");
    send(
        &mut app,
        [Msg::FeedPage {
            generation,
            after: Some("cursor".into()),
            result: Err(instatui::instagram::ApiError::new(
                instatui::instagram::ErrorKind::Network,
                "could not connect",
            )),
        }],
    );
    let terminal = draw(&app, 80, 24);
    let screen = terminal.backend().to_string();
    assert!(screen.contains("/60+ posts"), "{screen}");
    assert!(screen.contains("R retries"), "{screen}");
    let rows_with_error = screen
        .lines()
        .filter(|l| l.starts_with("\"│") && l.contains("could not connect"))
        .count();
    assert_eq!(rows_with_error, 0, "{screen}");
    let status = app.status.clone().expect("status");
    assert_eq!(status.level, instatui::app::Level::Error);
    assert!(status.text.contains("could not connect"), "{}", status.text);
    // R is a new attempt: the old error goes, and says what happens now.
    send(&mut app, [key('R')]);
    assert!(
        app.status
            .as_ref()
            .is_some_and(|s| s.text.contains("reloading"))
    );
}

#[test]
fn a_dead_token_is_a_banner_on_every_screen_with_the_same_key_that_fixes_it() {
    let mut app = token_expired();
    let screen = draw(&app, 80, 24).backend().to_string();
    assert!(screen.contains("Press 2 to authorize"), "{screen}");
    assert!(!screen.contains("(now)"), "{screen}");
    for other in [Screen::Feed, Screen::Accounts, Screen::Credentials] {
        app.screen = other;
        let screen = draw(&app, 80, 24).backend().to_string();
        assert!(
            screen.contains("Press 2 to authorize @larch_and_lake again"),
            "{other:?}: {screen}"
        );
    }
    let mut app = token_valid();
    revoke_active(&mut app);
    let screen = draw(&app, 80, 24).backend().to_string();
    assert!(
        screen.contains("revoked: the password was changed"),
        "{screen}"
    );
    assert!(screen.contains("Press 2 to authorize"), "{screen}");
    let tall = draw(&app, 80, 40).backend().to_string();
    assert!(tall.contains("A (or 2) to authorize again"), "{tall}");
    assert!(!tall.contains("s left"), "nothing counts down: {tall}");
}

#[test]
fn the_help_popup_scrolls_where_it_does_not_fit() {
    let mut app = help_popup();
    send(&mut app, [Msg::Resize(40, 12)]);
    let first = draw(&app, 40, 12).backend().to_string();
    assert!(first.contains("j/k scroll"), "{first}");
    assert!(!first.contains("close it"), "{first}");
    for _ in 0..200 {
        send(&mut app, [key('j')]);
    }
    let last = draw(&app, 40, 12).backend().to_string();
    assert!(
        last.contains("close it"),
        "the last line is reachable:\n{last}"
    );
    send(&mut app, [key('k')]);
    let up = draw(&app, 40, 12).backend().to_string();
    assert_ne!(up, last, "one k scrolls back at once, however far j went");
}

#[test]
fn a_long_detail_pane_scrolls_with_shift_j_and_resets_on_another_post() {
    let mut app = feed_detail();
    // Short enough that the details do not fit: J has somewhere to go.
    send(&mut app, [Msg::Resize(80, 16)]);
    let selected = app.feed.selected_media().expect("selected").id.clone();
    let before = draw(&app, 80, 16).backend().to_string();
    send(&mut app, [key('J')]);
    assert_eq!(app.detail_offset(), 3);
    let after = draw(&app, 80, 16).backend().to_string();
    assert_ne!(before, after);
    send(&mut app, [key('K'), key('K')]);
    assert_eq!(app.detail_offset(), 0, "never above the top");
    send(&mut app, [key('J'), key('j')]);
    assert_ne!(app.feed.selected_media().expect("selected").id, selected);
    assert_eq!(app.detail_offset(), 0, "another post starts at its top");
}

#[test]
fn shift_j_stops_at_the_last_line_of_the_details_and_says_where_it_is() {
    let mut app = feed_detail();
    send(&mut app, [Msg::Resize(80, 16)]);
    let id = app.feed.selected_media().expect("selected").id.clone();
    let top = draw(&app, 80, 16).backend().to_string();
    let position = |screen: &str| {
        let line = screen
            .lines()
            .find(|l| l.contains("─ ") && l.contains('/'))?;
        let text = line
            .rsplit("─ ")
            .next()?
            .trim_end_matches(['─', '┘', '"', ' ']);
        let (last, total) = text.split_once('/')?;
        Some((last.parse::<usize>().ok()?, total.parse::<usize>().ok()?))
    };
    let (first_last, total) = position(&top).unwrap_or_else(|| panic!("no position:\n{top}"));
    assert!(first_last < total, "{top}");
    for _ in 0..100 {
        send(&mut app, [key('J')]);
    }
    let bottom = draw(&app, 80, 16).backend().to_string();
    assert!(
        bottom.contains(&format!("id {id}")),
        "the last line shows:\n{bottom}"
    );
    assert_eq!(position(&bottom), Some((total, total)), "{bottom}");
    send(&mut app, [key('K')]);
    let up = draw(&app, 80, 16).backend().to_string();
    assert_ne!(up, bottom, "one K scrolls back at once, however far J went");
    assert_eq!(position(&up), Some((total - 3, total)), "{up}");
}

#[test]
fn filter_matches_are_highlighted_in_the_rows() {
    let app = feed_filter();
    let terminal = draw(&app, 80, 24);
    let buffer = terminal.backend().buffer();
    let marked = buffer.content.iter().filter(|c| {
        c.modifier
            .contains(ratatui::style::Modifier::UNDERLINED | ratatui::style::Modifier::BOLD)
    });
    let text: String = marked.map(|c| c.symbol().to_string()).collect();
    assert!(
        text.to_lowercase().contains(app.feed.filter.value().trim()),
        "{text:?}"
    );
}

#[test]
fn a_reel_with_licensed_music_says_so_in_its_row_and_its_detail() {
    let mut app = app_with(state_authorized());
    let effects = instatui::app::update::start(&mut app);
    let Some(instatui::app::Effect::FetchFeedPage { generation, .. }) = effects.first() else {
        panic!("{effects:?}");
    };
    let mut page = page(0..5, None);
    // What Instagram sends for a reel with licensed music: no `media_url`.
    let reel = &mut page.data[1];
    reel.media_type = Some("VIDEO".into());
    reel.media_product_type = Some("REELS".into());
    reel.media_url = None;
    reel.thumbnail_url = Some("https://cdn.example/1-cover.jpg".into());
    send(
        &mut app,
        [Msg::FeedPage {
            generation: *generation,
            after: None,
            result: Ok(page),
        }],
    );
    let list = draw(&app, 80, 24).backend().to_string();
    let rows: Vec<&str> = list
        .lines()
        .filter(|l| l.contains("(video not available through the API)"))
        .collect();
    assert_eq!(rows.len(), 1, "{list}");
    assert!(
        rows[0].contains("VID") && rows[0].contains("post 1"),
        "{list}"
    );

    send(&mut app, [key('j'), code(KeyCode::Enter)]);
    let detail = draw(&app, 200, 40).backend().to_string();
    assert!(
        detail.contains("the thumbnail is its cover, and d saves only that"),
        "{detail}"
    );
}

fn screen_text(app: &App) -> String {
    let terminal = draw(app, 120, 30);
    let buffer = terminal.backend().buffer();
    let area = buffer.area;
    (0..area.height)
        .map(|y| {
            (0..area.width)
                .map(|x| buffer[(x, y)].symbol())
                .collect::<String>()
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// A due auto-refresh that failed says when the next try is, not
/// "refreshing now"; a short-lived token is not called expired.
#[test]
fn the_auto_refresh_row_tells_a_failed_try_and_a_short_token_apart() {
    let mut app = on_token(state_with_token(Duration::days(4), Duration::days(56)));
    app.token.last_auto_attempt = Some(NOW - Duration::minutes(10));
    let text = screen_text(&app);
    assert!(text.contains("the last try failed; next try"), "{text}");
    assert!(text.contains("(in 50m"), "{text}");
    assert!(!text.contains("refreshing now"), "{text}");

    app.token.refreshing = true;
    assert!(screen_text(&app).contains("refreshing now"));

    let mut state = state_with_token(Duration::minutes(10), Duration::minutes(50));
    active_of(&mut state).token.kind = instatui::store::TokenKind::Short;
    let text = screen_text(&on_token(state));
    assert!(
        text.contains("a short-lived token is not refreshed"),
        "{text}"
    );
    assert!(!text.contains("expired token"), "{text}");
}

/// At 40×12 the Token screen does not fit: j scrolls it to the rows below,
/// and never past the end.
#[test]
fn the_token_screen_scrolls_on_a_small_terminal() {
    let text_at = |app: &App| {
        let terminal = draw(app, 40, 12);
        let buffer = terminal.backend().buffer();
        (0..12)
            .map(|y| (0..40).map(|x| buffer[(x, y)].symbol()).collect::<String>())
            .collect::<Vec<_>>()
            .join("\n")
    };
    let mut app = token_valid();
    instatui::app::update(&mut app, Msg::Resize(40, 12), NOW);
    assert!(!text_at(&app).contains("Time left"), "{}", text_at(&app));
    for _ in 0..6 {
        instatui::app::update(&mut app, key('j'), NOW);
    }
    assert!(text_at(&app).contains("Time left"), "{}", text_at(&app));
    for _ in 0..60 {
        instatui::app::update(&mut app, key('j'), NOW);
    }
    assert!(text_at(&app).contains("Permissions"), "{}", text_at(&app));
}

/// The demo asks for the insights and comments scopes too: the stand-in
/// grows with its wrapped lines, so its last sentence is never cut off by
/// the border.
#[test]
fn the_demo_consent_shows_its_last_sentence_with_every_scope() {
    let mut app = authorize_before();
    if let Some(stored) = app.stored.apps.first_mut() {
        stored.scopes = vec![
            "instagram_business_basic".into(),
            "instagram_business_manage_insights".into(),
            "instagram_business_manage_comments".into(),
        ];
    }
    app.demo = true;
    send(&mut app, [key('o')]);
    assert_eq!(app.popup, Some(Popup::DemoConsent));
    let screen = screen_text(&app);
    assert!(screen.contains("in its address."), "{screen}");
}

/// Adding an account in the demo, the stand-in names only the demo user
/// not stored yet: the one already added is not offered again.
#[test]
fn the_demo_consent_offers_only_the_demo_user_not_added_yet() {
    let mut state = state_authorized();
    if let Some(profile) = active_of(&mut state).profile.as_mut() {
        profile.username = Some(instatui::fake::DEMO_USERNAME.into());
    }
    let mut app = app_with(state);
    app.demo = true;
    send(&mut app, [key('5'), key('n'), key('o')]);
    assert_eq!(app.popup, Some(Popup::DemoConsent));
    let screen = screen_text(&app);
    assert!(
        screen.contains(&format!("(@{})", instatui::fake::SHOP_USERNAME)),
        "{screen}"
    );
    assert!(
        !screen.contains(&format!("@{} or", instatui::fake::DEMO_USERNAME)),
        "{screen}"
    );
    assert!(screen.contains("in its address."), "{screen}");
}
