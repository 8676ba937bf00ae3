//! The TUI and another instatui process (a cron `refresh`) writing the same
//! state.json: neither loses the other's change, and the TUI shows the new token.

use crate::common::tui::{active_of, state_of};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use instatui::app::{App, Msg, Screen, update};
use instatui::runtime::{Executor, FeedCache};
use instatui::secret::Secret;
use instatui::store::{State, Store, StoredToken, TokenKind};
use std::time::Duration;
use time::OffsetDateTime;
use time::macros::datetime;

const NOW: OffsetDateTime = datetime!(2026-11-28 12:00 UTC);

fn token(value: &str) -> StoredToken {
    StoredToken {
        kind: TokenKind::Long,
        value: Secret::new(value),
        user_id: "17841405793187218".into(),
        permissions: vec!["instagram_business_basic".into()],
        obtained_at: NOW,
        expires_at: NOW + time::Duration::days(59),
    }
}

fn press(app: &mut App, executor: &mut Executor, c: char) {
    let key = Msg::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE));
    executor.send(app, key, NOW);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_token_refreshed_elsewhere_survives_the_tuis_saves_and_shows_up() {
    let scratch = tempfile::tempdir().expect("tempdir");
    let (store, mut app, mut executor) = seeded(&scratch);

    // The TUI turns auto-refresh on…
    press(&mut app, &mut executor, 'a');
    executor.flush_saves().await;
    assert!(store.load().expect("load").state.settings.auto_refresh);

    // …then cron refreshes the token behind its back…
    cron_refresh(&store);

    // …and the TUI, still holding the old token, saves another change.
    press(&mut app, &mut executor, 'a');
    executor.flush_saves().await;
    let on_disk = store.load().expect("load").state;
    assert_eq!(
        on_disk.token().map(|t| t.value.expose().to_string()),
        Some("IGAAcronrefreshedcronrefreshed".to_string()),
        "the TUI's save must not undo cron's refresh"
    );
    assert!(
        !on_disk.settings.auto_refresh,
        "the TUI's own change landed"
    );

    // The TUI notices the new token on its next look at the file.
    executor.check_store();
    let msg = tokio::time::timeout(Duration::from_secs(10), executor.next())
        .await
        .expect("the change is reported")
        .expect("a message");
    assert!(matches!(msg, Msg::StoreChanged { .. }), "{msg:?}");
    update(&mut app, msg, NOW);
    assert_eq!(
        app.stored.token().map(|t| t.value.expose().to_string()),
        Some("IGAAcronrefreshedcronrefreshed".to_string())
    );
    assert!(!app.stored.settings.auto_refresh, "its own setting is kept");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_change_made_elsewhere_is_noticed_without_saving() {
    let scratch = tempfile::tempdir().expect("tempdir");
    let (store, mut app, mut executor) = seeded(&scratch);
    // The writer has read the file once it answers a flush.
    executor.flush_saves().await;
    cron_refresh(&store);
    executor.check_store();
    let msg = tokio::time::timeout(Duration::from_secs(10), executor.next())
        .await
        .expect("the change is reported")
        .expect("a message");
    update(&mut app, msg, NOW);
    assert_eq!(
        app.stored.token().map(|t| t.value.expose().to_string()),
        Some("IGAAcronrefreshedcronrefreshed".to_string())
    );
    assert!(app.status.is_some_and(|s| s.text.contains("token updated")));
}

/// What `instatui refresh` run by cron does to the file.
fn cron_refresh(store: &Store) {
    store
        .update(|s| {
            active_of(s).token = token("IGAAcronrefreshedcronrefreshed");
            Ok::<_, instatui::store::StoreError>(())
        })
        .expect("cron");
}

fn seeded(scratch: &tempfile::TempDir) -> (Store, App, Executor) {
    let store =
        Store::at(scratch.path().join("config")).with_lock_timeout(Duration::from_millis(100));
    store
        .save(&State {
            // Off, as a user who turned it off left it: `a` turns it on.
            settings: instatui::store::Settings {
                auto_refresh: false,
                ..Default::default()
            },
            ..state_of(None, token("IGAAfirsttokenfirsttokenfirst"), None)
        })
        .expect("seed");
    let mut app = App::new(store.load().expect("load").state, NOW, time::UtcOffset::UTC);
    app.screen = Screen::Token;
    let executor = Executor::new(
        store.clone(),
        FeedCache::new(scratch.path().join("cache")),
        None,
    );
    (store, app, executor)
}

async fn next_msg(executor: &mut Executor) -> Msg {
    tokio::time::timeout(Duration::from_secs(10), executor.next())
        .await
        .expect("a message in time")
        .expect("a message")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_save_that_failed_is_tried_again_not_lost() {
    let scratch = tempfile::tempdir().expect("tempdir");
    let (store, mut app, mut executor) = seeded(&scratch);
    executor.flush_saves().await;

    // Another process holds the lock for longer than the writer waits.
    let lock_file = std::fs::File::options()
        .read(true)
        .write(true)
        .open(scratch.path().join("config/state.lock"))
        .expect("lock file");
    lock_file.lock().expect("hold the lock");
    press(&mut app, &mut executor, 'a');
    let msg = next_msg(&mut executor).await;
    let Msg::Saved(Err(text)) = &msg else {
        panic!("expected a failed save, got {msg:?}");
    };
    assert!(text.contains("tries again"), "{text}");
    assert!(!store.load().expect("load").state.settings.auto_refresh);

    // Once the lock is free, the next look at the file writes the change.
    lock_file.unlock().expect("release");
    executor.check_store();
    executor.flush_saves().await;
    assert!(store.load().expect("load").state.settings.auto_refresh);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_save_that_failed_is_tried_once_more_when_the_tui_ends() {
    let scratch = tempfile::tempdir().expect("tempdir");
    let (store, mut app, mut executor) = seeded(&scratch);
    executor.flush_saves().await;
    let lock_file = std::fs::File::options()
        .read(true)
        .write(true)
        .open(scratch.path().join("config/state.lock"))
        .expect("lock file");
    lock_file.lock().expect("hold the lock");
    press(&mut app, &mut executor, 'a');
    let msg = next_msg(&mut executor).await;
    assert!(matches!(msg, Msg::Saved(Err(_))), "{msg:?}");
    lock_file.unlock().expect("release");
    // Quitting (or a signal) comes before the next once-a-second look: the
    // drain before exit tries the failed save again.
    executor.flush_saves().await;
    assert!(store.load().expect("load").state.settings.auto_refresh);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_new_token_that_cannot_be_saved_is_kept_used_retried_and_at_exit_kept_in_a_file() {
    let scratch = tempfile::tempdir().expect("tempdir");
    let (store, mut app, mut executor) = seeded(&scratch);
    executor.flush_saves().await;
    let lock_file = std::fs::File::options()
        .read(true)
        .write(true)
        .open(scratch.path().join("config/state.lock"))
        .expect("lock file");
    lock_file.lock().expect("hold the lock");

    // A refresh lands (what `on_refreshed` stores), and its save fails.
    let fresh = "IGAArefreshedrefreshedrefreshed";
    let id = app.stored.active.clone().expect("active");
    let effect = app.persist(|s| s.record_refresh(&id, Ok(token(fresh)), NOW));
    executor.run(&app, effect);
    let msg = next_msg(&mut executor).await;
    let Msg::Saved(Err(text)) = &msg else {
        panic!("expected a failed save, got {msg:?}");
    };
    let text = text.clone();
    assert!(
        text.starts_with("the new token is not saved yet: ")
            && text.ends_with("instatui keeps it (and uses it) and tries again every second"),
        "{text}"
    );
    assert!(!text.contains(fresh), "{text}");
    executor.send(&mut app, msg, NOW);
    assert_eq!(
        app.status.as_ref().map(|s| s.text.as_str()),
        Some(text.as_str()),
        "on the status line"
    );
    assert_eq!(
        app.stored.token().map(|t| t.value.expose()),
        Some(fresh),
        "kept in memory: shown and used"
    );

    // Quit while the lock is still held: the last try fails too, and the
    // token goes to a file of its own (was: gone with the process).
    let line = executor
        .finish_saves()
        .await
        .expect("a line about the token");
    assert!(
        line.starts_with("the new token could not be saved ("),
        "{line}"
    );
    assert!(!line.contains(fresh), "{line}");
    let path = line
        .split_once("kept in ")
        .and_then(|(_, rest)| rest.split_once(" (readable by you only)"))
        .map(|(path, _)| std::path::PathBuf::from(path))
        .expect("where");
    assert_eq!(
        std::fs::read_to_string(&path).expect("kept"),
        format!("{fresh}\n")
    );
    assert_ne!(
        store
            .load()
            .expect("load")
            .state
            .token()
            .map(|t| t.value.clone()),
        Some(Secret::new(fresh))
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_broken_file_is_not_taken_in_but_replaced_on_the_next_save() {
    let scratch = tempfile::tempdir().expect("tempdir");
    let (store, mut app, mut executor) = seeded(&scratch);
    executor.flush_saves().await;

    // Someone half-edits state.json by hand.
    std::fs::write(store.path(), b"{\"version\": 1, \"token\": ").expect("garble");
    executor.check_store();
    press(&mut app, &mut executor, 'a');
    // The first message is about the save, not an empty state taken in.
    let msg = next_msg(&mut executor).await;
    let Msg::Saved(Err(text)) = &msg else {
        panic!("expected the moved-aside notice, got {msg:?}");
    };
    assert!(text.contains("moved aside"), "{text}");
    executor.flush_saves().await;
    let on_disk = store.load().expect("load").state;
    assert!(on_disk.settings.auto_refresh);
    assert_eq!(
        on_disk.token(),
        app.stored.token(),
        "the TUI's token is written back"
    );
    let moved = std::fs::read_dir(scratch.path().join("config"))
        .expect("dir")
        .flatten()
        .any(|e| {
            e.file_name()
                .to_string_lossy()
                .starts_with("state.json.corrupt-")
        });
    assert!(moved, "the broken file is kept aside");
}

/// A token obtained `hours` after the seeded one, as a refresh elsewhere writes it.
fn refreshed_later(store: &Store, value: &str, hours: i64) {
    store
        .update(|s| {
            let mut t = token(value);
            t.obtained_at = NOW + time::Duration::hours(hours);
            t.expires_at = t.obtained_at + time::Duration::days(60);
            active_of(s).token = t;
            Ok::<_, instatui::store::StoreError>(())
        })
        .expect("refresh elsewhere");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refresh_between_the_tui_reading_and_its_writer_starting_is_kept() {
    // The TUI reads the file; a CLI `refresh` writes a newer token before
    // the TUI's writer first reads it (the audit's lost update, 4 runs in 5);
    // then the TUI saves a setting from the snapshot with the older token.
    let scratch = tempfile::tempdir().expect("tempdir");
    let store =
        Store::at(scratch.path().join("config")).with_lock_timeout(Duration::from_millis(100));
    store
        .save(&State {
            // Off, as a user who turned it off left it: `a` turns it on.
            settings: instatui::store::Settings {
                auto_refresh: false,
                ..Default::default()
            },
            ..state_of(None, token("IGAAfirsttokenfirsttokenfirst"), None)
        })
        .expect("seed");
    let mut app = App::new(store.load().expect("load").state, NOW, time::UtcOffset::UTC);
    app.screen = Screen::Token;
    refreshed_later(&store, "IGAAnewerbycliIGAAnewerbycli", 1);
    let mut executor = Executor::new(
        store.clone(),
        FeedCache::new(scratch.path().join("cache")),
        None,
    );
    press(&mut app, &mut executor, 'a');
    executor.flush_saves().await;
    let on_disk = store.load().expect("load").state;
    assert_eq!(
        on_disk.token().map(|t| t.value.expose().to_string()),
        Some("IGAAnewerbycliIGAAnewerbycli".to_string()),
        "the older token was written back"
    );
    assert!(on_disk.settings.auto_refresh, "the TUI's change landed");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_tuis_saves_are_merged_against_what_it_started_from() {
    // As above, but `instatui profile` stored the profile between the TUI's
    // read and its writer's: the TUI never touched the profile, so it must
    // not put the old (none) back, and it hears of the new one.
    let scratch = tempfile::tempdir().expect("tempdir");
    let store =
        Store::at(scratch.path().join("config")).with_lock_timeout(Duration::from_millis(100));
    store
        .save(&State {
            // Off, as a user who turned it off left it: `a` turns it on.
            settings: instatui::store::Settings {
                auto_refresh: false,
                ..Default::default()
            },
            ..state_of(None, token("IGAAfirsttokenfirsttokenfirst"), None)
        })
        .expect("seed");
    let started = store.load().expect("load").state;
    let mut app = App::new(started.clone(), NOW, time::UtcOffset::UTC);
    app.screen = Screen::Token;
    store
        .update(|s| {
            active_of(s).profile = Some(
                serde_json::from_value(serde_json::json!({"username": "larch_and_lake"}))
                    .expect("profile"),
            );
            Ok::<_, instatui::store::StoreError>(())
        })
        .expect("profile elsewhere");
    let mut executor = Executor::new(
        store.clone(),
        FeedCache::new(scratch.path().join("cache")),
        None,
    );
    executor.saves_start_from(&started);
    press(&mut app, &mut executor, 'a');
    executor.flush_saves().await;
    let on_disk = store.load().expect("load").state;
    assert_eq!(
        on_disk.profile().and_then(|p| p.username.as_deref()),
        Some("larch_and_lake")
    );
    assert!(on_disk.settings.auto_refresh, "the TUI's change landed");
    let msg = next_msg(&mut executor).await;
    assert!(matches!(msg, Msg::StoreChanged { .. }), "{msg:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_write_right_after_the_tuis_own_is_noticed_even_with_the_same_file_time() {
    let scratch = tempfile::tempdir().expect("tempdir");
    let (store, mut app, mut executor) = seeded(&scratch);
    press(&mut app, &mut executor, 'a');
    executor.flush_saves().await;
    // A refresh elsewhere lands within the same clock tick as the TUI's save:
    // the file's time does not move.
    let time = std::fs::metadata(store.path())
        .and_then(|m| m.modified())
        .expect("mtime");
    refreshed_later(&store, "IGAAnewerbycliIGAAnewerbycli", 1);
    std::fs::File::options()
        .write(true)
        .open(store.path())
        .and_then(|f| f.set_modified(time))
        .expect("set mtime");
    executor.check_store();
    let msg = next_msg(&mut executor).await;
    update(&mut app, msg, NOW);
    assert_eq!(
        app.stored.token().map(|t| t.value.expose().to_string()),
        Some("IGAAnewerbycliIGAAnewerbycli".to_string()),
        "the TUI shows the token on disk"
    );
}

// Accounts changed by `instatui accounts …` and `refresh --all` while the
// TUI is open and saving: the merge works account by account, so none is
// brought back, doubled or lost.

const OTHER_ID: &str = "17840000000000001";

/// Two accounts under one app, the first (`@larch_and_lake`) active, in a
/// store the `instatui` binary is pointed at with `--config-dir`.
fn two_accounts_on_disk(scratch: &tempfile::TempDir) -> (Store, App, Executor) {
    use crate::common::tui::{app_config, long_token, profile};
    let store =
        Store::at(scratch.path().join("config")).with_lock_timeout(Duration::from_millis(500));
    let mut state = state_of(
        Some(app_config()),
        long_token(time::Duration::days(2), time::Duration::days(58)),
        Some(profile()),
    );
    let mut other = long_token(time::Duration::days(3), time::Duration::days(57));
    other.user_id = OTHER_ID.into();
    other.value = Secret::new("IGAAothersothersothersothers");
    state.accounts.push(instatui::store::Account {
        app_id: Some(crate::common::tui::APP_ID.into()),
        token: other,
        profile: serde_json::from_value(serde_json::json!({"username": "second_shop"})).ok(),
        last_refresh: None,
        rate_usage: None,
    });
    state.settings.auto_refresh = false;
    store.save(&state).expect("seed");
    let mut app = App::new(store.load().expect("load").state, NOW, time::UtcOffset::UTC);
    app.screen = Screen::Accounts;
    let executor = Executor::new(
        store.clone(),
        FeedCache::new(scratch.path().join("cache")),
        None,
    );
    executor.saves_start_from(&app.stored);
    (store, app, executor)
}

/// `instatui --config-dir … ARGS`, as typed in another shell.
fn instatui_elsewhere(store: &Store, args: &[&str]) -> String {
    let dir = store.path().parent().expect("dir").to_path_buf();
    let output = std::process::Command::new(assert_cmd::cargo::cargo_bin("instatui"))
        .arg("--config-dir")
        .arg(dir)
        .args(args)
        .env_remove("INSTATUI_CONFIG_DIR")
        .env("XDG_CACHE_HOME", store.path().with_file_name("cache"))
        .env("XDG_DATA_HOME", store.path().with_file_name("data"))
        .output()
        .expect("runs");
    assert!(output.status.success(), "{output:?}");
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// The TUI takes in what the other process wrote, as its once-a-second look does.
async fn notice(app: &mut App, executor: &mut Executor) {
    executor.check_store();
    let msg = next_msg(executor).await;
    assert!(matches!(msg, Msg::StoreChanged { .. }), "{msg:?}");
    executor.send(app, msg, NOW);
}

/// Each account's user id as stored, in file order: a twin shows twice.
fn stored_ids(store: &Store) -> Vec<String> {
    let file: serde_json::Value =
        serde_json::from_slice(&std::fs::read(store.path()).expect("read")).expect("json");
    file["accounts"]
        .as_array()
        .expect("accounts")
        .iter()
        .map(|a| a["token"]["user_id"].as_str().expect("id").to_string())
        .collect()
}

fn screen(app: &App) -> String {
    let mut terminal =
        ratatui::Terminal::new(ratatui::backend::TestBackend::new(100, 30)).expect("terminal");
    terminal
        .draw(|f| instatui::ui::render(app, f))
        .expect("draw");
    terminal.backend().to_string()
}

/// H1 of the review: the active account removed from a shell while the TUI
/// is on Accounts; Enter in the TUI used to write it back with its token.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_active_account_removed_elsewhere_stays_removed_after_enter_in_the_tui() {
    let scratch = tempfile::tempdir().expect("tempdir");
    let (store, mut app, mut executor) = two_accounts_on_disk(&scratch);
    assert!(screen(&app).contains("@larch_and_lake"));
    instatui_elsewhere(&store, &["accounts", "remove", "larch_and_lake"]);
    notice(&mut app, &mut executor).await;
    let shown = screen(&app);
    assert!(
        !shown.contains("@larch_and_lake"),
        "gone from the list: {shown}"
    );
    assert!(shown.contains("@second_shop"), "{shown}");
    executor.send(
        &mut app,
        Msg::Key(KeyEvent::new(KeyCode::Enter, KeyModifiers::NONE)),
        NOW,
    );
    executor.flush_saves().await;
    assert_eq!(stored_ids(&store), [OTHER_ID], "not written back");
    let on_disk = store.load().expect("load").state;
    assert_eq!(on_disk.active_user_id(), Some(OTHER_ID));
    assert_eq!(
        app.stored.active_user_id(),
        Some(OTHER_ID),
        "what every command says"
    );
    assert!(!screen(&app).contains("@larch_and_lake"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_account_removed_elsewhere_while_the_tui_saves_a_setting_stays_removed() {
    let scratch = tempfile::tempdir().expect("tempdir");
    let (store, mut app, mut executor) = two_accounts_on_disk(&scratch);
    instatui_elsewhere(&store, &["accounts", "remove", "second_shop"]);
    // The TUI has not looked yet: it saves from its old snapshot (`a` on
    // Token turns auto-refresh on).
    app.screen = Screen::Token;
    press(&mut app, &mut executor, 'a');
    app.screen = Screen::Accounts;
    executor.flush_saves().await;
    let on_disk = store.load().expect("load").state;
    assert_eq!(stored_ids(&store), [crate::common::tui::USER_ID]);
    assert!(on_disk.settings.auto_refresh, "the TUI's change landed");
    notice(&mut app, &mut executor).await;
    assert!(!screen(&app).contains("@second_shop"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn accounts_use_elsewhere_while_the_tui_saves_a_setting_is_what_both_say() {
    let scratch = tempfile::tempdir().expect("tempdir");
    let (store, mut app, mut executor) = two_accounts_on_disk(&scratch);
    instatui_elsewhere(&store, &["accounts", "use", "second_shop"]);
    app.screen = Screen::Token;
    press(&mut app, &mut executor, 'a');
    executor.flush_saves().await;
    let on_disk = store.load().expect("load").state;
    assert_eq!(on_disk.active_user_id(), Some(OTHER_ID), "the last choice");
    assert_eq!(stored_ids(&store).len(), 2, "none doubled or lost");
    assert!(on_disk.settings.auto_refresh);
    notice(&mut app, &mut executor).await;
    assert_eq!(app.stored.active_user_id(), Some(OTHER_ID));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn refresh_all_elsewhere_while_the_tui_switches_keeps_every_new_token() {
    let scratch = tempfile::tempdir().expect("tempdir");
    let (store, mut app, mut executor) = two_accounts_on_disk(&scratch);
    // What `refresh --all` (cron) writes: every account with a new token.
    let later = NOW + time::Duration::hours(1);
    store
        .update(|s| {
            for account in s.accounts.clone() {
                let mut fresh = account.token.clone();
                fresh.value = Secret::new(format!("IGAAcron{}", account.user_id()));
                fresh.obtained_at = later;
                s.record_refresh(&account.id(), Ok(fresh), later);
            }
            Ok::<_, instatui::store::StoreError>(())
        })
        .expect("refresh --all");
    // Meanwhile Enter on the row under the cursor (@larch_and_lake, active)
    // then ↓ Enter: the TUI switches to @second_shop from its old snapshot.
    executor.send(
        &mut app,
        Msg::Key(KeyEvent::new(KeyCode::Down, KeyModifiers::NONE)),
        NOW,
    );
    executor.send(
        &mut app,
        Msg::Key(KeyEvent::new(KeyCode::Enter, KeyModifiers::NONE)),
        NOW,
    );
    executor.flush_saves().await;
    let on_disk = store.load().expect("load").state;
    assert_eq!(on_disk.active_user_id(), Some(OTHER_ID));
    let mut ids = stored_ids(&store);
    ids.sort();
    assert_eq!(
        ids,
        [OTHER_ID, crate::common::tui::USER_ID],
        "none doubled or lost"
    );
    for account in &on_disk.accounts {
        assert!(
            account.token.value.expose().starts_with("IGAAcron"),
            "cron's token kept for {}",
            account.user_id()
        );
    }
}

/// Issue 24's two-writer sentence with the real command: `refresh --all`
/// (the binary, against the fake, a day later) renews both accounts while
/// the TUI, from the snapshot it read before, makes the other one active.
/// Both new tokens stay, no account is doubled or dropped, and the switch
/// lands.
#[test]
fn refresh_all_run_for_real_while_the_tui_switches_keeps_each_account_once() {
    use crate::common::cli::{HOUR, Machine};
    use instatui::fake::DEMO_USERNAME;
    let m = Machine::demo();
    m.authorized();
    let shop_id = crate::cli::accounts::add_shop_account(&m);
    let store = Store::at(m.config_dir());
    let mut app = App::new(store.load().expect("load").state, NOW, time::UtcOffset::UTC);
    app.screen = Screen::Accounts;
    let demo = app
        .stored
        .accounts
        .iter()
        .find(|a| a.username() == Some(DEMO_USERNAME))
        .map(|a| (a.id(), a.token.value.expose().to_string()))
        .expect("the demo account");
    let shop_token = app
        .stored
        .accounts
        .iter()
        .find(|a| a.user_id() == shop_id)
        .map(|a| a.token.value.expose().to_string())
        .expect("the shop");

    m.control().advance_clock(25 * HOUR);
    let run = m.run_with(&["refresh", "--all"], |c| {
        c.env("INSTATUI_CLOCK_SKEW", "25h");
    });
    assert_eq!(run.code, 0, "{run:?}");
    assert_eq!(run.stdout.matches(": refreshed").count(), 2, "{run:?}");

    let scratch = tempfile::tempdir().expect("tempdir");
    m.rt.block_on(async {
        let mut executor = Executor::new(
            store.clone(),
            FeedCache::new(scratch.path().join("cache")),
            None,
        );
        executor.saves_start_from(&app.stored);
        app.accounts.selected = app
            .account_rows()
            .iter()
            .position(|a| a.is(&demo.0))
            .expect("listed");
        executor.send(
            &mut app,
            Msg::Key(KeyEvent::new(KeyCode::Enter, KeyModifiers::NONE)),
            NOW,
        );
        executor.flush_saves().await;
    });
    let on_disk = store.load().expect("load").state;
    assert_eq!(on_disk.active, Some(demo.0.clone()), "the TUI's switch");
    let mut ids = stored_ids(&store);
    ids.sort();
    let mut expected = vec![demo.0.user_id.clone(), shop_id.clone()];
    expected.sort();
    assert_eq!(ids, expected, "each account once");
    for account in &on_disk.accounts {
        let old = if account.is(&demo.0) {
            &demo.1
        } else {
            &shop_token
        };
        assert_ne!(
            account.token.value.expose(),
            old.as_str(),
            "refresh --all's new token kept for {}",
            account.user_id()
        );
    }
}
