//! Lines fitted to 80x24 and 40x12: Accounts rows, the header and the status line show
//! whole words (a cut ends in "…"), every account's state whole, no stray separator.

use crate::common::tui::*;
use instatui::app::keepalive::KeepAliveState;
use instatui::app::{App, Msg, Screen};
use instatui::keepalive::{AccountResult, RefreshRun, RunOutcome};
use instatui::store::{Account, RefreshOutcome, TokenKind};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use std::collections::HashSet;
use time::Duration;

/// Instagram's refusal of a young token, word for word.
const TOO_YOUNG: &str =
    "(#10) The access token must be at least 24 hours old before it can be refreshed (HTTP 400)";

fn rows(app: &App, width: u16, height: u16) -> Vec<String> {
    let mut app = app.clone();
    instatui::app::update(&mut app, Msg::Resize(width, height), NOW);
    let mut terminal = Terminal::new(TestBackend::new(width, height)).expect("terminal");
    terminal
        .draw(|f| instatui::ui::render(&app, f))
        .expect("draw");
    let buffer = terminal.backend().buffer();
    (0..height)
        .map(|y| {
            (0..width)
                .map(|x| buffer[(x, y)].symbol().to_string())
                .collect()
        })
        .collect()
}

fn account(id: &str, name: &str, age: Duration, left: Duration) -> Account {
    let mut token = long_token(age, left);
    token.user_id = id.into();
    Account {
        app_id: Some(APP_ID.into()),
        token,
        profile: serde_json::from_value(serde_json::json!({"username": name})).ok(),
        last_refresh: None,
        rate_usage: None,
    }
}

/// Four accounts in every state that has long words: the active one under
/// 24 hours old, one whose refresh failed with Instagram's long message
/// (kept alive by a timer whose last run failed), one short-lived, one
/// refreshed a while ago.
fn long_states() -> App {
    let mut state = state_of(
        Some(app_config()),
        long_token(Duration::hours(3), Duration::days(60)),
        serde_json::from_value(serde_json::json!({"username": "kiln_and_clay"})).ok(),
    );
    let mut failed = account(
        "17840000000000001",
        "larch_and_lake",
        Duration::hours(30),
        Duration::days(59),
    );
    failed.last_refresh = Some(RefreshOutcome {
        at: NOW - Duration::minutes(150),
        ok: false,
        message: Some(TOO_YOUNG.into()),
    });
    let mut short = account(
        "17840000000000002",
        "a_rather_long_username_here",
        Duration::minutes(20),
        Duration::minutes(40),
    );
    short.token.kind = TokenKind::Short;
    let mut refreshed = account(
        "17840000000000003",
        "second_shop",
        Duration::days(20),
        Duration::days(40),
    );
    refreshed.last_refresh = Some(RefreshOutcome {
        at: NOW - Duration::days(20),
        ok: true,
        message: None,
    });
    state.accounts.extend([failed, short, refreshed]);
    state.last_run = Some(RefreshRun {
        at: NOW - Duration::minutes(150),
        accounts: vec![AccountResult {
            app_id: None,
            user_id: "17840000000000001".into(),
            username: Some("larch_and_lake".into()),
            outcome: RunOutcome::Failed,
            message: Some(TOO_YOUNG.into()),
        }],
    });
    let mut app = app_with(state);
    send(
        &mut app,
        [
            Msg::KeepAlive(KeepAliveState::Installed("a systemd user timer".into())),
            key('5'),
        ],
    );
    assert_eq!(app.screen, Screen::Accounts);
    app
}

/// The words a row may show: those of the screen drawn wide enough for
/// every full form, and the numbers of the shorter countdowns.
fn vocabulary(app: &App) -> HashSet<String> {
    let mut words: HashSet<String> = rows(app, 400, 40)
        .iter()
        .flat_map(|row| {
            row.split_whitespace()
                .map(str::to_string)
                .collect::<Vec<_>>()
        })
        .collect();
    words.extend(
        [
            "refresh", "failed", "failed:", "ago:", "ago", "kept", "alive",
        ]
        .map(String::from),
    );
    words
}

fn is_whole(word: &str, vocabulary: &HashSet<String>) -> bool {
    let word = word.trim_matches(|c| c == '│' || c == '▶' || c == '!');
    if word.is_empty() || vocabulary.contains(word) {
        return true;
    }
    // Shorter countdowns and ages: `2d`, `0h`, `40m`, `59s`.
    let unit = word.trim_end_matches(':');
    if let Some(number) = unit.strip_suffix(['d', 'h', 'm', 's'])
        && !number.is_empty()
        && number.bytes().all(|b| b.is_ascii_digit())
    {
        return true;
    }
    // A cut between words keeps the word before the ellipsis whole.
    word.strip_suffix('…')
        .is_some_and(|w| w.is_empty() || vocabulary.contains(w))
}

#[test]
fn account_rows_show_whole_words_and_the_whole_state_at_80x24_and_40x12() {
    let app = long_states();
    let vocabulary = vocabulary(&app);
    let states = [
        "refreshable tomorrow",
        "NEEDS A NEW AUTHORIZE",
        "healthy",
        "refreshable tomorrow",
    ];
    for (width, height) in [(80, 24), (40, 12)] {
        // 40x12 shows one account at a time: each is selected in turn.
        let mut app = app.clone();
        send(&mut app, [key('k'), key('k'), key('k'), key('k')]);
        let mut seen = Vec::new();
        for _ in 0..4 {
            let screen = rows(&app, width, height);
            let body = screen
                .iter()
                .skip_while(|r| !r.starts_with("┌ Accounts"))
                .skip(1)
                .take_while(|r| !r.starts_with('└'));
            for row in body {
                for word in row.split_whitespace() {
                    assert!(
                        is_whole(word, &vocabulary),
                        "{width}x{height}: {word:?} is cut in {row:?}\n{}",
                        screen.join("\n")
                    );
                }
            }
            seen.push(screen.join("\n"));
            send(&mut app, [key('j')]);
        }
        let all = seen.join("\n");
        for state in states {
            assert!(all.contains(state), "{width}x{height}: no {state:?}\n{all}");
        }
        // The failure keeps Instagram's own words, as many as fit.
        assert!(all.contains("(#10) The access"), "{width}x{height}\n{all}");
    }
    // The reviewer's cuts, gone.
    let wide = rows(&app, 80, 24).join("\n");
    assert!(!wide.contains("refreshed 2026-\n"), "{wide}");
    assert!(wide.contains("kept alive (last run: failed)"), "{wide}");
}

#[test]
fn no_account_yet_wraps_between_words_at_40_columns() {
    let mut app = app_with(state_configured());
    send(&mut app, [key('5')]);
    let screen = rows(&app, 40, 12).join("\n");
    assert!(!screen.contains("autho│"), "{screen}");
    assert!(screen.contains("authorize flow."), "{screen}");
}

#[test]
fn the_header_at_40_columns_drops_whole_parts_never_leaving_a_stray_separator() {
    let mut state = state_authorized();
    active_of(&mut state).profile =
        serde_json::from_value(serde_json::json!({"username": "kiln_and_clay"})).ok();
    let app = app_with(state);
    let header = rows(&app, 40, 12).remove(0);
    assert!(
        header.starts_with(" instatui @kiln_and_clay "),
        "{header:?}"
    );
    assert!(header.trim_end().ends_with("58d 0h left"), "{header:?}");
    assert!(!header.contains('·'), "{header:?}");
    assert!(!header.contains("· "), "{header:?}");
    let wide = rows(&app, 80, 24).remove(0);
    assert!(
        wide.contains("@kiln_and_clay · instagram-login"),
        "{wide:?}"
    );

    // The demo's mark stays; the program's name gives way first.
    let mut demo = app.clone();
    demo.demo = true;
    let header = rows(&demo, 40, 12).remove(0);
    assert!(header.contains("@kiln_and_clay · demo"), "{header:?}");
    assert!(!header.contains("·  "), "{header:?}");
}

#[test]
fn a_status_too_long_for_its_rows_ends_in_an_ellipsis_between_words() {
    let mut app = app_with(state_authorized());
    app.set_status(
        instatui::app::Level::Info,
        "@second_shop's token expires in 6d 0h and nothing keeps it alive: keep-alive (K on Token) refreshes every account",
    );
    let screen = rows(&app, 40, 12);
    let status = &screen[9..11];
    assert_eq!(
        status[0].trim_end(),
        " @second_shop's token expires in 6d 0h",
        "{screen:#?}"
    );
    assert_eq!(
        status[1].trim_end(),
        "and nothing keeps it alive: keep-alive…",
        "{screen:#?}"
    );

    // `n` on Accounts says all it says in two rows at 40 columns, one at 80.
    let mut app = app_with(state_authorized());
    send(&mut app, [key('5'), key('n')]);
    assert_eq!(app.screen, Screen::Authorize);
    let text = status_text(&app);
    let narrow = rows(&app, 40, 12)[9..11].join(" ");
    assert!(!narrow.contains('…'), "{narrow:?}");
    assert!(narrow.contains("under 5 Accounts"), "{narrow:?}");
    let wide = rows(&app, 80, 24);
    assert_eq!(wide[22].trim(), text.trim(), "{wide:#?}");
    // And every step shows under it.
    assert!(
        wide.iter().any(|r| r.contains("· Fetch the profile")),
        "{wide:#?}"
    );
}
