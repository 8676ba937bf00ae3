//! The Accounts screen driven by keys through `update`, read off the drawn screen:
//! both countdowns, switching the active account (header, Token and Feed follow), adding
//! one through the authorize flow, removing one after a confirmation that names it.

use crate::common::tui::*;
use crossterm::event::KeyCode;
use instatui::app::{App, Effect, Msg, Popup, Screen};
use instatui::secret::Secret;
use instatui::store::{Account, State};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use time::Duration;

const OTHER_ID: &str = "17840000000000001";
const OTHER_TOKEN: &str = "IGAAothersothersothersothers";

fn draw(app: &App, width: u16, height: u16) -> String {
    let mut terminal = Terminal::new(TestBackend::new(width, height)).expect("terminal");
    terminal
        .draw(|f| instatui::ui::render(app, f))
        .expect("draw");
    terminal.backend().to_string()
}

/// A second shop's account under the same app, refreshed 5 days ago.
fn other_account(left: Duration) -> Account {
    let mut token = long_token(Duration::days(55), left);
    token.user_id = OTHER_ID.into();
    token.value = Secret::new(OTHER_TOKEN);
    Account {
        app_id: Some(APP_ID.into()),
        token,
        profile: Some(
            serde_json::from_value(serde_json::json!({"id": OTHER_ID, "username": "second_shop"}))
                .expect("profile"),
        ),
        last_refresh: None,
        rate_usage: None,
    }
}

fn two_accounts(other_left: Duration) -> State {
    let mut state = state_authorized();
    state.accounts.push(other_account(other_left));
    state
}

fn on_accounts(state: State) -> App {
    let mut app = app_with(state);
    send(&mut app, [key('5')]);
    assert_eq!(app.screen, Screen::Accounts);
    app
}

fn feed_token(effects: &[Effect]) -> Option<String> {
    effects.iter().find_map(|e| match e {
        Effect::FetchFeedPage { token, .. } => Some(token.expose().to_string()),
        _ => None,
    })
}

#[test]
fn both_accounts_show_with_their_countdowns_and_which_is_active() {
    let app = on_accounts(two_accounts(Duration::days(5)));
    let screen = draw(&app, 80, 24);
    assert!(screen.contains("Accounts (2)"), "{screen}");
    assert!(screen.contains("@larch_and_lake (active)"), "{screen}");
    assert!(screen.contains("58d 00h 00m 00s left"), "{screen}");
    assert!(screen.contains("@second_shop · refresh due"), "{screen}");
    assert!(screen.contains("5d 00h 00m 00s left"), "{screen}");
    // The countdown is live: a second later it says so.
    let mut app = app;
    send_at(&mut app, [Msg::Tick], NOW + Duration::seconds(1));
    let screen = draw(&app, 80, 24);
    assert!(screen.contains("4d 23h 59m 59s left"), "{screen}");
}

#[test]
fn an_expired_account_stands_out_without_colour() {
    let mut app = on_accounts(two_accounts(-Duration::days(2)));
    app.theme = instatui::ui::theme::Theme::Plain;
    let screen = draw(&app, 80, 24);
    let row = screen
        .lines()
        .find(|l| l.contains("@second_shop"))
        .expect("row");
    assert!(row.contains("! @second_shop"), "{row}");
    assert!(row.contains("EXPIRED"), "{row}");
    assert!(screen.contains("expired 2d 00h 00m 00s ago"), "{screen}");
    let healthy = screen
        .lines()
        .find(|l| l.contains("@larch_and_lake (active)"))
        .expect("row");
    assert!(!healthy.contains('!'), "{healthy}");
}

#[test]
fn switching_makes_header_token_and_feed_follow_and_never_shows_the_other_feed() {
    // The first account's feed is loaded.
    let (mut app, opened) = on_feed_with_posts(two_accounts(Duration::days(5)));
    assert_eq!(feed_token(&opened).as_deref(), Some(LONG));
    // A second page for the first account is on its way when the user switches.
    send(&mut app, [key('G')]);
    let late = app.feed.loading;

    let effects = send(&mut app, [key('5'), key('j'), code(KeyCode::Enter)]);
    assert_eq!(app.stored.active_user_id(), Some(OTHER_ID));
    let saved = saves(&effects);
    assert_eq!(
        saved.last().and_then(|s| s.active_user_id()),
        Some(OTHER_ID),
        "the switch is saved"
    );
    assert!(
        effects
            .iter()
            .all(|e| !matches!(e, Effect::SaveFeedCache { user_id, .. } if user_id != USER_ID)),
        "the first account's list is cached under its own id only: {effects:?}"
    );
    assert!(status_text(&app).contains("@second_shop is the active account now"));
    let screen = draw(&app, 80, 24);
    assert!(
        screen
            .lines()
            .next()
            .unwrap_or_default()
            .contains("@second_shop"),
        "{screen}"
    );

    // The first account's late page is dropped.
    if let Some(generation) = late {
        send(
            &mut app,
            [Msg::FeedPage {
                generation,
                after: Some("P2".into()),
                result: Ok(page(5..10, None)),
            }],
        );
    }
    assert!(app.feed.items.is_empty(), "no post of the other account");

    let effects = send(&mut app, [key('4')]);
    assert_eq!(feed_token(&effects).as_deref(), Some(OTHER_TOKEN));
    let screen = draw(&app, 80, 24);
    assert!(!screen.contains("post 1"), "{screen}");

    send(&mut app, [key('3')]);
    let screen = draw(&app, 80, 24);
    assert!(
        screen.contains("@second_shop (17840000000000001)"),
        "{screen}"
    );
}

#[test]
fn removing_asks_first_naming_the_account() {
    let mut app = on_accounts(two_accounts(Duration::days(5)));
    // The shop has a handoff; nothing would run it once the shop is gone.
    app.stored.handoffs.push(instatui::handoff::Handoff {
        id: 3,
        account: OTHER_ID.into(),
        app_id: Some(APP_ID.into()),
        target: instatui::handoff::Destination::Exec {
            command: "true".into(),
            timeout_secs: 5,
        },
        last: None,
    });
    send(&mut app, [key('j'), key('x')]);
    assert_eq!(app.popup, Some(Popup::ConfirmRemoveAccount));
    let screen = draw(&app, 80, 24);
    assert!(screen.contains("Forget @second_shop"), "{screen}");
    // Anything but y keeps it.
    let effects = send(&mut app, [key('n')]);
    assert!(saves(&effects).is_empty());
    assert_eq!(app.stored.all_accounts().len(), 2);

    let effects = send(&mut app, [key('x'), key('y')]);
    assert_eq!(saves(&effects).len(), 1);
    assert_eq!(app.stored.all_accounts().len(), 1);
    assert_eq!(app.stored.active_user_id(), Some(USER_ID));
    assert!(
        status_text(&app).contains("forgot @second_shop, its token and its handoff 3"),
        "{}",
        status_text(&app)
    );
    assert!(saves(&effects)[0].handoffs.is_empty(), "its handoff went");
    let screen = draw(&app, 80, 24);
    assert!(screen.contains("Accounts (1)"), "{screen}");
    assert!(!screen.contains("▶  @second_shop"), "{screen}");
}

#[test]
fn removing_the_active_account_picks_another_then_says_none_is_left() {
    let mut app = on_accounts(two_accounts(Duration::days(5)));
    send(&mut app, [key('x')]);
    assert!(draw(&app, 80, 24).contains("Forget @larch_and_lake"));
    send(&mut app, [key('y')]);
    assert_eq!(app.stored.active_user_id(), Some(OTHER_ID));
    assert!(
        status_text(&app).contains("@second_shop is the active account now"),
        "{}",
        status_text(&app)
    );
    send(&mut app, [key('x'), key('y')]);
    assert!(app.stored.all_accounts().is_empty());
    assert!(status_text(&app).contains("no account is left"));
    let screen = draw(&app, 80, 24);
    assert!(screen.contains("Press n to add one"), "{screen}");
    assert!(
        app.stored.app().is_some(),
        "the app stays for the next account"
    );
}

#[test]
fn adding_an_account_runs_the_authorize_flow_with_a_forced_login_and_keeps_the_first() {
    let mut app = on_accounts(state_authorized());
    send(&mut app, [key('n')]);
    assert_eq!(app.screen, Screen::Authorize);
    let url = app.authorize_url().expect("an authorize URL");
    assert!(url.contains("force_reauth=true"), "{url}");
    assert!(status_text(&app).contains("log in to Instagram as the account to add"));

    // Someone else logs in: the first account stays, the new one is active.
    let mut short = short_token();
    short.user_id = OTHER_ID.into();
    send(
        &mut app,
        [Msg::Paste(redirect_url(CODE, STATE)), code(KeyCode::Enter)],
    );
    let generation = app.authorize.running.expect("running");
    send(
        &mut app,
        [Msg::CodeExchanged {
            generation,
            result: Ok(short),
        }],
    );
    assert_eq!(app.stored.active_user_id(), Some(OTHER_ID));
    let ids: Vec<String> = app
        .stored
        .all_accounts()
        .iter()
        .map(|a| a.user_id().to_string())
        .collect();
    assert_eq!(ids, [OTHER_ID, USER_ID]);
    send(&mut app, [key('5')]);
    let screen = draw(&app, 80, 24);
    assert!(screen.contains("Accounts (2)"), "{screen}");
    assert!(screen.contains("@larch_and_lake"), "{screen}");
}

#[test]
fn the_selection_stays_on_screen_and_within_the_list() {
    let mut state = state_authorized();
    for i in 0..8 {
        let mut a = other_account(Duration::days(10 + i));
        a.token.user_id = format!("1784000000000000{i}");
        a.profile = None;
        state.accounts.push(a);
    }
    let mut app = on_accounts(state);
    send(&mut app, std::iter::repeat_with(|| key('j')).take(20));
    assert_eq!(app.accounts.selected, 8);
    let screen = draw(&app, 40, 12);
    assert!(screen.contains('▶'), "{screen}");
    send(&mut app, std::iter::repeat_with(|| key('k')).take(20));
    assert_eq!(app.accounts.selected, 0);
}

fn cache_loads(effects: &[Effect]) -> Vec<String> {
    effects
        .iter()
        .filter_map(|e| match e {
            Effect::LoadFeedCache { user_id } => Some(user_id.clone()),
            _ => None,
        })
        .collect()
}

fn cached(ids: std::ops::Range<usize>) -> instatui::app::feed::CachedFeed {
    instatui::app::feed::CachedFeed {
        items: page(ids, None).data,
        next_cursor: None,
        complete: true,
    }
}

#[test]
fn switching_shows_that_accounts_cached_feed_at_once_and_never_the_others() {
    let mut app = app_with(two_accounts(Duration::days(5)));
    let effects = send(&mut app, [key('5'), key('j'), code(KeyCode::Enter)]);
    assert_eq!(cache_loads(&effects), [OTHER_ID], "its own cache is read");
    // The first account's cache read, answered late, is not shown.
    send(
        &mut app,
        [Msg::FeedCacheLoaded {
            user_id: USER_ID.into(),
            feed: cached(0..3),
            saved_at: NOW,
        }],
    );
    assert!(app.feed.items.is_empty(), "not the other account's posts");
    send(
        &mut app,
        [Msg::FeedCacheLoaded {
            user_id: OTHER_ID.into(),
            feed: cached(40..43),
            saved_at: NOW - Duration::hours(2),
        }],
    );
    let effects = send(&mut app, [key('4')]);
    let screen = draw(&app, 80, 24);
    assert!(screen.contains("cached 2h 00m ago"), "{screen}");
    assert!(screen.contains("post 40"), "{screen}");
    // …and is refreshed with the account's own token.
    assert_eq!(feed_token(&effects).as_deref(), Some(OTHER_TOKEN));
}

#[test]
fn removing_an_account_drops_its_cache_and_reads_the_next_ones() {
    let mut app = on_accounts(two_accounts(Duration::days(5)));
    let effects = send(&mut app, [key('x'), key('y')]);
    let dropped: Vec<&str> = effects
        .iter()
        .filter_map(|e| match e {
            Effect::DropFeedCache { user_id } => Some(user_id.as_str()),
            _ => None,
        })
        .collect();
    assert_eq!(dropped, [USER_ID]);
    assert_eq!(cache_loads(&effects), [OTHER_ID]);
}

#[test]
fn leaving_authorize_gives_up_adding_so_the_next_login_is_the_active_accounts() {
    let mut app = on_accounts(state_authorized());
    send(&mut app, [key('n')]);
    assert!(app.authorize.adding);
    app.demo = true;
    send(&mut app, [key('o')]);
    let effects = send(&mut app, [code(KeyCode::Enter)]);
    assert!(
        effects.iter().any(|e| matches!(
            e,
            Effect::DemoConsent {
                login: instatui::app::msg::DemoLogin::NewAccount { .. },
                ..
            }
        )),
        "{effects:?}"
    );
    // Elsewhere and back: authorizing again is for the active account.
    send(&mut app, [key('3'), key('2'), key('o')]);
    assert!(!app.authorize.adding);
    let effects = send(&mut app, [code(KeyCode::Enter)]);
    assert!(
        effects.iter().any(|e| matches!(
            e,
            Effect::DemoConsent {
                login: instatui::app::msg::DemoLogin::Again(Some(name)),
                ..
            } if name == "larch_and_lake"
        )),
        "{effects:?}"
    );
}

#[test]
fn an_expired_account_is_not_called_kept_alive() {
    let mut app = on_accounts(two_accounts(-Duration::days(2)));
    send(
        &mut app,
        [Msg::KeepAlive(
            instatui::app::keepalive::KeepAliveState::Installed("a systemd user timer".into()),
        )],
    );
    let screen = draw(&app, 140, 24);
    assert!(screen.contains("authorize again (n)"), "{screen}");
    assert_eq!(
        screen.matches("kept alive by a systemd user timer").count(),
        1,
        "only the healthy account: {screen}"
    );
}

/// No account active, as saving another app leaves the file (the store's
/// own transitions are the crate's).
fn park(state: &mut State) {
    state.active = None;
    state.rate_usage = None;
}

/// After `instatui setup` of another app: no account active, `app` current.
fn with_another_app(mut state: State, app: instatui::store::AppConfig) -> State {
    park(&mut state);
    state.current_app = Some(app.app_id.clone());
    state.apps.push(app);
    state
}

/// Finding 2 of the review: Enter on an account of another app, right after
/// saving a new app's credentials, dropped that new app from the file.
#[test]
fn switching_to_another_apps_account_keeps_the_new_app_and_shows_the_accounts() {
    let new_app = instatui::store::AppConfig {
        app_id: "111222333".into(),
        app_secret: Secret::new("fedcba9876543210fedcba9876543210"),
        ..app_config()
    };
    let state = with_another_app(two_accounts(Duration::days(5)), new_app.clone());
    assert_eq!(state.active_user_id(), None);
    let mut app = on_accounts(state);
    // The rows by name: @larch_and_lake first.
    let effects = send(&mut app, [code(KeyCode::Enter)]);
    assert_eq!(app.stored.active_user_id(), Some(USER_ID));
    let saved = saves(&effects);
    let saved = saved.last().expect("the switch is saved");
    // As written to state.json and read back.
    let file: serde_json::Value = serde_json::to_value(saved).expect("serializes");
    let ids: Vec<&str> = file["apps"]
        .as_array()
        .expect("apps")
        .iter()
        .filter_map(|a| a["app_id"].as_str())
        .collect();
    assert!(ids.contains(&"111222333"), "{ids:?}");
    assert!(ids.contains(&APP_ID), "{ids:?}");
    let back: State = serde_json::from_value(file).expect("reads back");
    assert_eq!(back.app().map(|a| a.app_id.as_str()), Some(APP_ID));
    assert!(
        back.apps.contains(&new_app),
        "with its secret: {:?}",
        back.apps
    );
    // Credentials shows the app now current, nothing "unsaved".
    send(&mut app, [key('1')]);
    assert!(!app.credentials.is_dirty(&app.stored));
    let screen = draw(&app, 80, 24);
    assert!(screen.contains(APP_ID), "{screen}");
}

/// The TUI on Feed with the first account's posts loaded, and what opening
/// Feed asked for.
fn on_feed_with_posts(state: State) -> (App, Vec<Effect>) {
    let mut app = app_with(state);
    let opened = send(&mut app, [key('4')]);
    let generation = app.feed.loading.expect("loading");
    send(
        &mut app,
        [Msg::FeedPage {
            generation,
            after: None,
            result: Ok(page(0..5, Some("P2"))),
        }],
    );
    assert_eq!(app.feed.items.len(), 5);
    (app, opened)
}

/// Finding 5 of the review: `instatui accounts use` in a shell while the
/// TUI is on Feed left it on "Loading posts…" until R or 5 then 4.
#[test]
fn an_account_switched_elsewhere_shows_its_cached_feed_and_fetches_it_on_feed() {
    let (mut app, _) = on_feed_with_posts(two_accounts(Duration::days(5)));
    let before = app.stored.clone();
    let after = activate(before.clone(), OTHER_ID);
    let effects = send(
        &mut app,
        [Msg::StoreChanged {
            before: Box::new(before),
            after: Box::new(after),
        }],
    );
    assert_eq!(app.stored.active_user_id(), Some(OTHER_ID));
    assert!(
        status_text(&app).contains("@second_shop the active account"),
        "{}",
        status_text(&app)
    );
    // The list on screen is cached under the first account only.
    assert!(
        effects
            .iter()
            .all(|e| !matches!(e, Effect::SaveFeedCache { user_id, .. } if user_id != USER_ID)),
        "{effects:?}"
    );
    assert_eq!(cache_loads(&effects), [OTHER_ID], "its own cache is read");
    assert_eq!(
        feed_token(&effects).as_deref(),
        Some(OTHER_TOKEN),
        "and its first page fetched with its own token: {effects:?}"
    );
    send(
        &mut app,
        [Msg::FeedCacheLoaded {
            user_id: OTHER_ID.into(),
            feed: cached(40..43),
            saved_at: NOW - Duration::hours(2),
        }],
    );
    let screen = draw(&app, 80, 24);
    assert!(screen.contains("post 40"), "{screen}");
    assert!(
        !screen.contains("post 3"),
        "not the first account's: {screen}"
    );
    let generation = app.feed.loading.expect("the first page is on its way");
    send(
        &mut app,
        [Msg::FeedPage {
            generation,
            after: None,
            result: Ok(page(40..45, None)),
        }],
    );
    let screen = draw(&app, 80, 24);
    assert!(!screen.contains("Loading posts"), "{screen}");
    assert!(screen.contains("post 44"), "{screen}");
}

#[test]
fn the_active_account_removed_elsewhere_hands_the_feed_to_the_next_one() {
    let (mut app, _) = on_feed_with_posts(two_accounts(Duration::days(5)));
    let before = app.stored.clone();
    let mut after = before.clone();
    park(&mut after);
    after.accounts.retain(|a| a.user_id() != USER_ID);
    let after = activate(after, OTHER_ID);
    let effects = send(
        &mut app,
        [Msg::StoreChanged {
            before: Box::new(before),
            after: Box::new(after),
        }],
    );
    assert_eq!(app.stored.active_user_id(), Some(OTHER_ID));
    assert!(
        effects
            .iter()
            .all(|e| !matches!(e, Effect::SaveFeedCache { .. })),
        "the removed account's cache is not written again: {effects:?}"
    );
    assert_eq!(cache_loads(&effects), [OTHER_ID]);
    assert_eq!(feed_token(&effects).as_deref(), Some(OTHER_TOKEN));
}

#[test]
fn an_account_switched_elsewhere_while_on_token_waits_for_feed_to_fetch() {
    let mut app = app_with(two_accounts(Duration::days(5)));
    send(&mut app, [key('3')]);
    let before = app.stored.clone();
    let after = activate(before.clone(), OTHER_ID);
    let effects = send(
        &mut app,
        [Msg::StoreChanged {
            before: Box::new(before),
            after: Box::new(after),
        }],
    );
    assert_eq!(cache_loads(&effects), [OTHER_ID]);
    assert_eq!(feed_token(&effects), None, "nothing fetched off Feed");
    let effects = send(&mut app, [key('4')]);
    assert_eq!(feed_token(&effects).as_deref(), Some(OTHER_TOKEN));
}

/// Finding 8 of the review: after saving another app's credentials no
/// account is active, and Token and Feed said to authorize as if none existed.
#[test]
fn with_accounts_stored_and_none_active_token_and_feed_point_to_accounts() {
    let state = with_another_app(
        two_accounts(Duration::days(5)),
        instatui::store::AppConfig {
            app_id: "111222333".into(),
            ..app_config()
        },
    );
    assert_eq!(state.active_user_id(), None);
    let mut app = app_with(state);
    send(&mut app, [key('3')]);
    let screen = draw(&app, 80, 24);
    assert!(
        screen.contains("No account is active (stored: @larch_and_lake, @second_shop)"),
        "{screen}"
    );
    assert!(
        screen.contains("Press 5 for Accounts and Enter"),
        "{screen}"
    );
    assert!(!screen.contains("No token yet"), "{screen}");
    let effects = send(&mut app, [key('4')]);
    assert_eq!(feed_token(&effects), None);
    let screen = draw(&app, 80, 24);
    assert!(screen.contains("no account is active"), "{screen}");
    assert!(screen.contains("Accounts (5, Enter)"), "{screen}");
}

/// `id` made the active account, as `instatui accounts use` leaves the file
/// (the accounts here share one app).
fn activate(mut state: State, id: &str) -> State {
    park(&mut state);
    if let Some(account) = state.accounts.iter().find(|a| a.user_id() == id) {
        state.current_app = account.app_id.clone();
        state.active = Some(account.id());
    }
    state
}

/// Accounts opens with the cursor on the active account (here the second
/// row), wherever the cursor was left last time.
#[test]
fn accounts_opens_on_the_active_account() {
    let mut state = two_accounts(Duration::days(30));
    state.active = Some(other_account(Duration::days(30)).id());
    let mut app = on_accounts(state);
    assert_eq!(app.account_rows()[1].token.user_id, OTHER_ID);
    assert_eq!(app.accounts.selected, 1, "on the active account");
    send(&mut app, [code(KeyCode::Enter)]);
    assert!(
        status_text(&app).contains("@second_shop is the active account already"),
        "{}",
        status_text(&app)
    );
    // Left on the other row, then opened again: back on the active one.
    send(&mut app, [key('k'), key('3'), key('5')]);
    assert_eq!(app.accounts.selected, 1);
}
