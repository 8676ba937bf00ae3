//! Issue 10's "done when", end to end against the embedded fake: two accounts under
//! one app kept alive by one `refresh --all` that hands the new token on, and a
//! state file from the 0.1.0 release opening with its token intact.

use crate::common::cli::{HOUR, Machine};
use instatui::fake::{DEMO_APP_ID, DEMO_USERNAME, SHOP_USERNAME};
use serde_json::Value;

/// A second account under the same app, added as a person adds one: the
/// browser logs in as the fake's second user (the shop) on the authorize
/// page, and `exchange` stores its token beside the first. Its user id (the
/// app-scoped id the exchange answers) is returned.
pub(crate) fn add_shop_account(m: &Machine) -> String {
    assert!(m.control().sign_in_as(SHOP_USERNAME));
    let landed = m.authorize_in_browser();
    let run = m.run_with(&["exchange"], |c| {
        c.write_stdin(landed.clone());
    });
    assert_eq!(run.code, 0, "{run:?}");
    let accounts = m.run(&["accounts", "--json"]);
    assert_eq!(accounts.code, 0, "{accounts:?}");
    let list: Value = serde_json::from_str(&accounts.stdout).expect("JSON");
    let rows = list["accounts"].as_array().expect("accounts");
    assert_eq!(rows.len(), 2, "{list}");
    assert_eq!(
        list["active"],
        rows.iter()
            .find(|a| a["username"] == SHOP_USERNAME)
            .map_or(Value::Null, |a| a["user_id"].clone()),
        "the new account is active: {list}"
    );
    let shop = rows
        .iter()
        .find(|a| a["username"] == SHOP_USERNAME)
        .unwrap_or_else(|| panic!("the shop is stored: {list}"));
    shop["user_id"].as_str().expect("user id").to_string()
}

fn token_of(m: &Machine, user_id: &str) -> String {
    m.state()["accounts"]
        .as_array()
        .expect("accounts")
        .iter()
        .find(|a| a["token"]["user_id"] == user_id)
        .and_then(|a| a["token"]["value"].as_str())
        .expect("a token")
        .to_string()
}

#[test]
fn refresh_all_a_day_later_refreshes_both_accounts_and_updates_the_dotenv_handoff() {
    let m = Machine::demo();
    m.authorized();
    let shop_id = add_shop_account(&m);
    let demo_id = m.account()["token"]["user_id"]
        .as_str()
        .expect("user id")
        .to_string();
    let site = m.out("site");
    std::fs::create_dir_all(&site).expect("dir");
    let env_file = site.join(".env");
    std::fs::write(&env_file, "SITE_URL=https://example.com\nSHOP_TOKEN=old\n").expect("env");
    let add = m.run(&[
        "handoff",
        "add",
        "--account",
        SHOP_USERNAME,
        "--dotenv",
        env_file.to_str().expect("utf8"),
        "--var",
        "SHOP_TOKEN",
    ]);
    assert_eq!(add.code, 0, "{add:?}");
    let before = (token_of(&m, &demo_id), token_of(&m, &shop_id));

    // Neither is refreshable yet: nothing is sent, nothing fails.
    let run = m.run(&["refresh", "--all"]);
    assert_eq!(run.code, 0, "{run:?}");
    assert_eq!(m.requests_to("/refresh_access_token"), 0, "{run:?}");

    m.control().advance_clock(25 * HOUR);
    let run = m.run_with(&["refresh", "--all"], |c| {
        c.env("INSTATUI_CLOCK_SKEW", "25h");
    });
    assert_eq!(run.code, 0, "{run:?}");
    assert_eq!(
        run.stdout.lines().count(),
        2,
        "one line per account: {run:?}"
    );
    assert!(
        run.stdout.contains(&format!("@{DEMO_USERNAME}: refreshed")),
        "{run:?}"
    );
    assert!(
        run.stdout.contains(&format!("@{SHOP_USERNAME}: refreshed")),
        "{run:?}"
    );
    assert_eq!(m.requests_to("/refresh_access_token"), 2);
    let after = (token_of(&m, &demo_id), token_of(&m, &shop_id));
    assert_ne!(after.0, before.0, "the first account has a new token");
    assert_ne!(after.1, before.1, "the second account has a new token");
    assert_eq!(
        std::fs::read_to_string(&env_file).expect("env"),
        format!("SITE_URL=https://example.com\nSHOP_TOKEN={}\n", after.1),
        "the handoff holds the second account's new token, the other line untouched"
    );
    // Both new tokens work, each for its own user.
    for name in [DEMO_USERNAME, SHOP_USERNAME] {
        let run = m.run(&["profile", "--account", name]);
        assert_eq!(run.code, 0, "{name}: {run:?}");
        assert!(run.stdout.contains(name), "{name}: {run:?}");
    }
    assert!(!m.printed.borrow().contains(&after.1));
}

#[test]
fn a_state_file_from_the_0_1_0_release_opens_with_its_token_intact() {
    let m = Machine::demo();
    let fixture: Value = serde_json::from_slice(include_bytes!("../../fixtures/state/v1.json"))
        .expect("the fixture is JSON");
    std::fs::create_dir_all(m.config_dir()).expect("dir");
    std::fs::write(
        m.state_path(),
        include_bytes!("../../fixtures/state/v1.json"),
    )
    .expect("writes");

    let token = m.token_json();
    assert_eq!(token["user_id"], fixture["token"]["user_id"]);
    assert_eq!(token["username"], DEMO_USERNAME);
    assert_eq!(token["expires_at"], fixture["token"]["expires_at"]);
    let run = m.run(&["accounts", "--json"]);
    assert_eq!(run.code, 0, "{run:?}");
    let list: Value = serde_json::from_str(&run.stdout).expect("JSON");
    assert_eq!(list["active"], fixture["token"]["user_id"]);
    assert_eq!(list["accounts"].as_array().map(Vec::len), Some(1));

    // The first write moves it to schema 3, the token byte for byte.
    let run = m.run(&["accounts", "use", DEMO_USERNAME]);
    assert_eq!(run.code, 0, "{run:?}");
    assert_eq!(m.state()["version"], 4);
    assert_eq!(
        m.raw_token(),
        fixture["token"]["value"].as_str().expect("token")
    );
    assert_eq!(m.account()["last_refresh"], fixture["last_refresh"]);
}

/// Finding 2 of the review: after `setup` of another app, commands on an
/// account of the first app (reads, and switching to it) left only that
/// app in the file: the new app's id and secret were gone.
#[test]
fn reading_or_switching_to_another_apps_account_keeps_the_app_just_set_up() {
    let m = Machine::demo();
    m.authorized();
    add_shop_account(&m);
    let run = m.run(&[
        "setup",
        "--app-id",
        "111222333",
        "--redirect-uri",
        "https://example.org/auth/",
    ]);
    assert_eq!(run.code, 0, "{run:?}");
    let app_ids = |m: &Machine| -> Vec<String> {
        let mut ids: Vec<String> = m.state()["apps"]
            .as_array()
            .expect("apps")
            .iter()
            .map(|a| a["app_id"].as_str().expect("app id").to_string())
            .collect();
        ids.sort();
        ids
    };
    let both = vec!["111222333".to_string(), DEMO_APP_ID.to_string()];
    assert_eq!(app_ids(&m), both);
    let secret_of = |m: &Machine, id: &str| {
        m.state()["apps"]
            .as_array()
            .expect("apps")
            .iter()
            .find(|a| a["app_id"] == id)
            .map(|a| a["app_secret"].clone())
    };
    let secret = secret_of(&m, "111222333");
    assert!(secret.is_some());

    for args in [
        &["--account", SHOP_USERNAME, "profile"][..],
        &["--account", DEMO_USERNAME, "feed", "--limit", "1"][..],
    ] {
        let run = m.run(args);
        assert_eq!(run.code, 0, "{args:?}: {run:?}");
        assert_eq!(app_ids(&m), both, "after {args:?}");
        let run = m.run(&["status", "--json"]);
        let status: Value = serde_json::from_str(&run.stdout).expect("JSON");
        assert_eq!(status["app"]["app_id"], "111222333", "after {args:?}");
    }

    let run = m.run(&["accounts", "use", SHOP_USERNAME]);
    assert_eq!(run.code, 0, "{run:?}");
    assert_eq!(app_ids(&m), both);
    assert_eq!(secret_of(&m, "111222333"), secret);
    assert_eq!(
        m.app()["app_id"],
        DEMO_APP_ID,
        "the account's app is current"
    );
}

/// Finding 8 of the review: with accounts stored and none active (after
/// `setup` of another app), the advice was to authorize or to run setup.
#[test]
fn with_accounts_stored_and_none_active_the_advice_is_accounts_use() {
    let m = Machine::demo();
    m.authorized();
    add_shop_account(&m);
    let run = m.run(&[
        "setup",
        "--app-id",
        "111222333",
        "--redirect-uri",
        "https://example.org/auth/",
    ]);
    assert_eq!(run.code, 0, "{run:?}");
    let names = format!("@{SHOP_USERNAME}, @{DEMO_USERNAME}");
    for args in [
        &["token"][..],
        &["refresh"][..],
        &["feed", "--limit", "1"][..],
    ] {
        let run = m.run(args);
        assert_eq!(run.code, 3, "{args:?}: {run:?}");
        assert!(
            run.stderr.contains("no account is active")
                || run.stderr.contains("No account is active"),
            "{args:?}: {run:?}"
        );
        assert!(run.stderr.contains(&names), "{args:?}: {run:?}");
        assert!(
            run.stderr.contains("instatui accounts use NAME"),
            "{args:?}: {run:?}"
        );
        assert!(!run.stderr.contains("instatui setup"), "{args:?}: {run:?}");
    }
    let run = m.run(&["status"]);
    assert_eq!(run.code, 3, "{run:?}");
    assert!(
        run.stdout
            .contains(&format!("account:      none active (stored: {names})")),
        "{run:?}"
    );
    let next = run
        .stdout
        .lines()
        .find(|l| l.starts_with("next:"))
        .unwrap_or_default();
    assert!(next.contains("instatui accounts use NAME"), "{run:?}");
    assert_eq!(m.requests_to("/me/media"), 0);
}

/// From finding 12 of the review: the list followed which account was
/// active; it is by username, as in the TUI, whichever is active.
#[test]
fn accounts_are_listed_by_name_whichever_is_active() {
    let m = Machine::demo();
    m.authorized();
    add_shop_account(&m);
    let order = |m: &Machine| -> (Vec<String>, Vec<String>) {
        let run = m.run(&["accounts"]);
        assert_eq!(run.code, 0, "{run:?}");
        let lines = run
            .stdout
            .lines()
            .map(|l| {
                l.split_whitespace()
                    .find(|w| w.starts_with('@'))
                    .unwrap_or("")
                    .to_string()
            })
            .collect();
        let run = m.run(&["accounts", "--json"]);
        let list: Value = serde_json::from_str(&run.stdout).expect("JSON");
        let json = list["accounts"]
            .as_array()
            .expect("accounts")
            .iter()
            .map(|a| format!("@{}", a["username"].as_str().unwrap_or("")))
            .collect();
        (lines, json)
    };
    let expected = vec![format!("@{SHOP_USERNAME}"), format!("@{DEMO_USERNAME}")];
    assert_eq!(order(&m), (expected.clone(), expected.clone()));
    let run = m.run(&["accounts", "use", DEMO_USERNAME]);
    assert_eq!(run.code, 0, "{run:?}");
    assert_eq!(order(&m), (expected.clone(), expected));
}

/// Issue 24: one Instagram account under one app is one account, whichever
/// id its token came with: the exchange's app-scoped id, or `/me`'s
/// professional id that `login --with-token` reads.
#[test]
fn token_reveal_piped_into_login_with_token_keeps_one_account() {
    let m = Machine::demo();
    m.authorized();
    let reveal = m.run(&["token", "--reveal"]);
    assert_eq!(reveal.code, 0, "{reveal:?}");
    let login = m.run_with(&["login", "--with-token"], |c| {
        c.write_stdin(reveal.stdout.clone());
    });
    assert_eq!(login.code, 0, "{login:?}");
    let run = m.run(&["accounts", "--json"]);
    let list: Value = serde_json::from_str(&run.stdout).expect("JSON");
    let rows = list["accounts"].as_array().expect("accounts");
    assert_eq!(rows.len(), 1, "no twin: {list}");
    // Keyed, and handed on, by the professional id (what /{id}/media takes).
    assert_eq!(rows[0]["user_id"], instatui::fake::DEMO_USER_ID);
    assert_eq!(list["active"], instatui::fake::DEMO_USER_ID);
}

/// The demo user authorized under a second app (424242) too, with the
/// app-scoped id 5550001 and the token `SECOND_APP_TOKEN`, as another
/// release's file would hold it (the fake knows one app).
pub(crate) fn same_person_under_a_second_app(m: &Machine) {
    let mut state = m.state();
    let mut app = state["apps"][0].clone();
    app["app_id"] = "424242".into();
    state["apps"].as_array_mut().expect("apps").push(app);
    let mut twin = state["accounts"][0].clone();
    twin["app_id"] = "424242".into();
    twin["token"]["value"] = SECOND_APP_TOKEN.into();
    if let Some(profile) = twin["profile"].as_object_mut() {
        profile.insert("id".into(), "5550001".into());
    }
    state["accounts"]
        .as_array_mut()
        .expect("accounts")
        .push(twin);
    std::fs::write(m.state_path(), state.to_string()).expect("write");
}

pub(crate) const SECOND_APP_TOKEN: &str = "IGAAsecondappsecondappsecondapp";

/// One username under two apps: `--account NAME` and `accounts remove NAME`
/// refuse (exit 2) and list the candidates; `NAME@APP_ID` picks one.
#[test]
fn an_ambiguous_account_name_is_refused_with_the_candidates() {
    let m = Machine::demo();
    m.authorized();
    same_person_under_a_second_app(&m);

    let run = m.run(&["token", "--account", DEMO_USERNAME]);
    assert_eq!(run.code, 2, "{run:?}");
    assert!(
        run.stderr
            .contains(&format!("{DEMO_USERNAME}@{DEMO_APP_ID}")),
        "{run:?}"
    );
    assert!(
        run.stderr
            .contains(&format!("{DEMO_USERNAME}@424242 (user id 5550001)")),
        "{run:?}"
    );
    let run = m.run(&["accounts", "remove", DEMO_USERNAME]);
    assert_eq!(run.code, 2, "{run:?}");
    assert_eq!(
        m.state()["accounts"].as_array().map(Vec::len),
        Some(2),
        "nothing removed"
    );
    let run = m.run(&[
        "token",
        "--json",
        "--account",
        &format!("{DEMO_USERNAME}@424242"),
    ]);
    assert_eq!(run.code, 0, "{run:?}");
    let token: Value = serde_json::from_str(&run.stdout).expect("JSON");
    assert_eq!(token["flavor"], "instagram-login");
    let run = m.run(&["accounts", "remove", "5550001"]);
    assert_eq!(run.code, 0, "the app-scoped id picks one: {run:?}");
    assert_eq!(m.state()["accounts"].as_array().map(Vec::len), Some(1));
}
