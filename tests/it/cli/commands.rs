//! The `instatui` binary end to end, against the embedded fake running in
//! this test process, with every directory in a throw-away temp dir.

use crate::common::cli::{HOUR, Machine, mode};
use instatui::fake::{
    Consent, DEMO_APP_ID, DEMO_APP_SECRET, DEMO_REDIRECT_URI, DEMO_USERNAME, Fault,
};
use serde_json::Value;
use std::collections::HashSet;
use std::path::PathBuf;

#[test]
fn the_whole_flow_from_setup_to_feed() {
    let m = Machine::demo();
    m.setup();
    assert_eq!(mode(&m.state_path()), 0o600, "state.json is private");
    assert_eq!(mode(&m.config_dir()), 0o700, "its directory too");
    assert!(
        !std::fs::read_to_string(m.state_path())
            .unwrap()
            .contains("\"app_secret\": \"\""),
        "the secret is kept"
    );

    let landed = m.authorize_in_browser();
    assert!(landed.starts_with(DEMO_REDIRECT_URI), "{landed}");
    let run = m.run(&["exchange", &landed]);
    assert_eq!(run.code, 0, "{run:?}");
    assert!(run.stdout.contains(&format!("@{DEMO_USERNAME}")), "{run:?}");
    assert!(run.stdout.contains("long-lived"), "{run:?}");
    let first_token = m.raw_token();
    assert_eq!(mode(&m.state_path()), 0o600, "still private after writes");
    assert_eq!(mode(&m.config_dir()), 0o700);

    let token = m.token_json();
    assert_eq!(token["status"], "valid", "{token}");
    assert_eq!(token["kind"], "long");
    assert_eq!(token["username"], DEMO_USERNAME);
    let masked = token["token"].as_str().expect("masked token");
    assert!(masked.contains('…'), "{masked}");
    assert!(masked.len() < 20, "{masked}");
    let expires_before = token["expires_at"].as_str().unwrap().to_string();

    let human = m.run(&["token"]);
    assert_eq!(human.code, 0, "{human:?}");
    assert!(human.stdout.contains("long-lived"), "{human:?}");

    // Too young to refresh: refused here, without asking Instagram.
    let run = m.run(&["refresh"]);
    assert_eq!(run.code, 1, "{run:?}");
    assert!(run.stderr.contains("24 hours"), "{run:?}");
    assert_eq!(m.requests_to("/refresh_access_token"), 0);

    // Not due: a fresh token has 60 days left.
    let run = m.run(&["refresh", "--if-expiring-within", "7d"]);
    assert_eq!(run.code, 0, "{run:?}");
    assert!(run.stdout.contains("not due"), "{run:?}");
    assert_eq!(m.requests_to("/refresh_access_token"), 0);
    // Nor by age: it is not 3 days old.
    let run = m.run(&["refresh", "--if-older-than", "3d"]);
    assert_eq!(run.code, 0, "{run:?}");
    assert!(run.stdout.contains("not due: it is"), "{run:?}");
    // A threshold under Instagram's 24 hours does not make a young token due.
    let run = m.run(&["refresh", "--if-older-than", "1h"]);
    assert_eq!(run.code, 0, "{run:?}");
    assert!(run.stdout.contains("not yet 1d 0h"), "{run:?}");
    assert_eq!(m.requests_to("/refresh_access_token"), 0);

    // A day later (on both clocks) the refresh goes through.
    m.control().advance_clock(25 * HOUR);
    let run = m.run_with(&["refresh"], |c| {
        c.env("INSTATUI_CLOCK_SKEW", "25h");
    });
    assert_eq!(run.code, 0, "{run:?}");
    assert!(run.stdout.contains("Refreshed"), "{run:?}");
    assert_eq!(m.requests_to("/refresh_access_token"), 1);
    let second_token = m.raw_token();
    assert_ne!(second_token, first_token);
    let token = m.token_json();
    let expires_after = token["expires_at"].as_str().unwrap().to_string();
    let parse = |s: &str| {
        time::OffsetDateTime::parse(s, &time::format_description::well_known::Rfc3339)
            .expect("rfc3339")
    };
    assert!(
        parse(&expires_after) > parse(&expires_before) + time::Duration::hours(24),
        "{expires_before} → {expires_after}"
    );
    assert_eq!(m.account()["last_refresh"]["ok"], true);

    // Every post, with the albums' children.
    let run = m.run(&["feed", "--all", "--json"]);
    assert_eq!(run.code, 0, "{run:?}");
    let posts: Vec<Value> = serde_json::from_str(&run.stdout).expect("feed --json");
    assert_eq!(posts.len(), 230);
    let ids: HashSet<&str> = posts.iter().filter_map(|p| p["id"].as_str()).collect();
    assert_eq!(ids.len(), 230);
    let albums: Vec<&Value> = posts
        .iter()
        .filter(|p| p["media_type"] == "CAROUSEL_ALBUM")
        .collect();
    assert!(!albums.is_empty());
    for album in albums {
        let children = album["children"]["data"].as_array().expect("children");
        assert!(children.len() >= 2, "{album}");
    }
    let stamps: Vec<&str> = posts
        .iter()
        .map(|p| p["timestamp"].as_str().expect("timestamp"))
        .collect();
    let mut sorted = stamps.clone();
    sorted.sort_by(|a, b| b.cmp(a));
    assert_eq!(stamps, sorted, "newest first");

    let run = m.run(&["feed", "--limit", "5"]);
    assert_eq!(run.code, 0, "{run:?}");
    assert_eq!(run.stdout.lines().count(), 5, "{run:?}");
    for line in run.stdout.lines() {
        assert!(line.contains("https://"), "a permalink: {line}");
    }

    let run = m.run(&["profile"]);
    assert_eq!(run.code, 0, "{run:?}");
    assert!(run.stdout.contains(DEMO_USERNAME));

    // `--reveal` is the one way to see the raw value: exactly it, nothing else.
    let reveal = m
        .command()
        .args(["token", "--reveal"])
        .output()
        .expect("runs");
    assert_eq!(reveal.status.code(), Some(0));
    assert_eq!(
        String::from_utf8(reveal.stdout).unwrap(),
        format!("{second_token}\n")
    );

    // The policy for cron: four days on, the refreshed token is over 3 days old.
    m.control().advance_clock(96 * HOUR);
    let run = m.run_with(&["refresh", "--if-older-than", "3d"], |c| {
        c.env("INSTATUI_CLOCK_SKEW", "121h");
    });
    assert_eq!(run.code, 0, "{run:?}");
    assert!(run.stdout.contains("Refreshed"), "{run:?}");
    assert_eq!(m.requests_to("/refresh_access_token"), 2);

    // Nothing else ever printed a raw token or the secret.
    let printed = m.printed.borrow();
    for secret in [&first_token, &second_token, &DEMO_APP_SECRET.to_string()] {
        assert!(!printed.contains(secret.as_str()), "leaked: {secret}");
    }
    // Nor did the log file.
    let log = m.home.path().join("data/instatui/instatui.log");
    if let Ok(log) = std::fs::read_to_string(log) {
        for secret in [&first_token, &second_token] {
            assert!(!log.contains(secret.as_str()), "the log leaked a token");
        }
    }
}

#[test]
fn a_code_exchanged_twice_is_refused_and_the_token_kept() {
    let m = Machine::demo();
    m.setup();
    let landed = m.authorize_in_browser();
    let run = m.run(&["exchange", &landed]);
    assert_eq!(run.code, 0, "{run:?}");
    let before = m.account()["token"].clone();

    // The same address again: its state was used up, so it is refused
    // before anything is sent.
    let run = m.run(&["exchange", &landed]);
    assert_eq!(run.code, 1, "{run:?}");
    assert!(
        run.stderr.contains("no authorization is waiting"),
        "{run:?}"
    );
    assert_eq!(m.requests_to("/oauth/access_token"), 1);

    // While a new authorization is pending, the old code pasted bare (it
    // has no state to check) reaches Instagram, which refuses it.
    m.authorize_in_browser();
    let code = url::Url::parse(&landed)
        .expect("url")
        .query_pairs()
        .find(|(k, _)| k == "code")
        .map(|(_, v)| v.into_owned())
        .expect("a code");
    let run = m.run(&["exchange", &code]);
    assert_eq!(run.code, 1, "{run:?}");
    assert!(
        run.stderr
            .contains("Matching code was not found or was already used"),
        "{run:?}"
    );
    assert!(run.stderr.contains("authorize again"), "{run:?}");
    assert_eq!(
        m.account()["token"],
        before,
        "the stored token is unchanged"
    );
    assert_eq!(m.requests_to("/oauth/access_token"), 2);
}

#[test]
fn a_corrupt_state_file_is_moved_aside_and_reported() {
    let m = Machine::demo();
    m.setup();
    let garbage = b"{\"version\": 1, \"app\": {oops not json\n\x00\xff";
    std::fs::write(m.state_path(), garbage).expect("write garbage");
    let run = m.run(&["token"]);
    assert_eq!(run.code, 3, "no token any more: {run:?}");
    assert!(run.stderr.contains("state.json.corrupt-"), "{run:?}");
    let aside: Vec<PathBuf> = std::fs::read_dir(m.config_dir())
        .expect("dir")
        .map(|e| e.expect("entry").path())
        .filter(|p| {
            p.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with("state.json.corrupt-"))
        })
        .collect();
    assert_eq!(aside.len(), 1, "{aside:?}");
    assert_eq!(std::fs::read(&aside[0]).expect("aside"), garbage);
    // Nothing is lost a second time: the next run starts clean, quietly.
    let run = m.run(&["token"]);
    assert_eq!(run.code, 3, "{run:?}");
    assert!(!run.stderr.contains("corrupt"), "{run:?}");
}

#[test]
fn without_a_token_commands_ask_for_authorization() {
    let m = Machine::demo();
    let run = m.run(&["token"]);
    assert_eq!(run.code, 3, "{run:?}");
    let run = m.run(&["feed"]);
    assert_eq!(run.code, 3, "{run:?}");
    assert!(run.stderr.contains("setup"), "{run:?}");
    // With no app stored either, every one of them says to set it up first.
    for args in [
        &["token"][..],
        &["token", "--reveal"],
        &["upgrade"],
        &["refresh"],
    ] {
        let run = m.run(args);
        assert_eq!(run.code, 3, "{args:?}: {run:?}");
        assert!(run.stdout.is_empty() || args == ["token"], "{run:?}");
        assert!(run.stderr.contains("instatui setup"), "{args:?}: {run:?}");
    }

    m.setup();
    let run = m.run(&["feed"]);
    assert_eq!(run.code, 3, "{run:?}");
    assert!(run.stderr.contains("authorize"), "{run:?}");
    let run = m.run(&["refresh"]);
    assert_eq!(run.code, 3, "{run:?}");
    let run = m.run(&["token", "--json"]);
    assert_eq!(run.code, 3, "{run:?}");
    let json: Value = serde_json::from_str(&run.stdout).expect("still JSON");
    assert_eq!(json["status"], "none");
    assert!(m.control().requests().is_empty(), "nothing was asked");
}

#[test]
fn setup_refuses_bad_input_with_exit_2() {
    let m = Machine::demo();
    let run = m.run(&[
        "setup",
        "--app-id",
        "99060262793809a",
        "--redirect-uri",
        DEMO_REDIRECT_URI,
    ]);
    assert_eq!(run.code, 2, "{run:?}");
    assert!(run.stderr.contains("digits"), "{run:?}");

    let run = m.run(&[
        "setup",
        "--app-id",
        DEMO_APP_ID,
        "--redirect-uri",
        "http://example.org/x",
    ]);
    assert_eq!(run.code, 2, "{run:?}");
    assert!(run.stderr.contains("https"), "{run:?}");

    let run = m.run_with(
        &[
            "setup",
            "--app-id",
            DEMO_APP_ID,
            "--redirect-uri",
            DEMO_REDIRECT_URI,
        ],
        |c| {
            c.env_remove("INSTATUI_APP_SECRET").write_stdin("");
        },
    );
    assert_eq!(run.code, 2, "{run:?}");
    assert!(run.stderr.contains("INSTATUI_APP_SECRET"), "{run:?}");
    assert!(!m.state_path().exists(), "nothing was saved");

    // The README's placeholder, kept as typed, is not a secret; nor is a
    // redirect URI that carries the landing address's code.
    let run = m.run_with(
        &[
            "setup",
            "--app-id",
            DEMO_APP_ID,
            "--redirect-uri",
            DEMO_REDIRECT_URI,
        ],
        |c| {
            c.env("INSTATUI_APP_SECRET", "…");
        },
    );
    assert_eq!(run.code, 2, "{run:?}");
    assert!(run.stderr.contains("32 hex digits"), "{run:?}");
    let landed = format!("{DEMO_REDIRECT_URI}?code=AQB&state=abc");
    let run = m.run(&["setup", "--app-id", DEMO_APP_ID, "--redirect-uri", &landed]);
    assert_eq!(run.code, 2, "{run:?}");
    assert!(run.stderr.contains("code="), "{run:?}");
    assert!(!m.state_path().exists(), "nothing was saved");

    // The secret from stdin works.
    let run = m.run_with(
        &[
            "setup",
            "--app-id",
            DEMO_APP_ID,
            "--redirect-uri",
            DEMO_REDIRECT_URI,
        ],
        |c| {
            c.env_remove("INSTATUI_APP_SECRET")
                .write_stdin(format!("{DEMO_APP_SECRET}\n"));
        },
    );
    assert_eq!(run.code, 0, "{run:?}");
    assert_eq!(m.app()["app_secret"], DEMO_APP_SECRET);
}

#[test]
fn a_cancelled_authorization_is_explained() {
    let m = Machine::demo();
    m.setup();
    m.control().set_consent(Consent::Deny);
    let landed = m.authorize_in_browser();
    assert!(landed.contains("error=access_denied"), "{landed}");
    let run = m.run(&["exchange", &landed]);
    assert_eq!(run.code, 1, "{run:?}");
    assert!(run.stderr.contains("you cancelled"), "{run:?}");
    assert_eq!(m.requests_to("/oauth/access_token"), 0);
}

/// `curl "$(instatui authorize)" | instatui exchange`: the exchange starts
/// before the authorize it is fed from has saved its state, so the state is
/// read after the paste, not before.
#[cfg(target_os = "linux")]
#[test]
fn exchange_reads_the_pending_authorization_after_the_paste() {
    use std::io::Write;
    use std::process::Stdio;
    let m = Machine::demo();
    m.setup();
    let mut exchange = m
        .process()
        .arg("exchange")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("exchange starts");
    // Wait until it is blocked reading the paste from stdin (syscall 0 = read, fd 0).
    let syscall = format!("/proc/{}/syscall", exchange.id());
    let waiting = (0..2_000).any(|_| {
        let reading = std::fs::read_to_string(&syscall).is_ok_and(|s| s.starts_with("0 0x0 "));
        if !reading {
            std::thread::yield_now();
            std::thread::park_timeout(std::time::Duration::from_millis(5));
        }
        reading
    });
    assert!(waiting, "exchange never waited for the paste");
    let landed = m.authorize_in_browser();
    let mut stdin = exchange.stdin.take().expect("stdin");
    stdin.write_all(landed.as_bytes()).expect("paste");
    drop(stdin);
    let run = m.finish(exchange.wait_with_output().expect("exchange ends"));
    assert_eq!(run.code, 0, "{run:?}");
    assert_eq!(m.token_json()["kind"], "long");
}

#[test]
fn a_redirect_of_another_authorization_is_refused() {
    let m = Machine::demo();
    m.setup();
    let landed = m.authorize_in_browser();
    let mut url = url::Url::parse(&landed).expect("url");
    let pairs: Vec<(String, String)> = url
        .query_pairs()
        .map(|(k, v)| {
            let v = if k == "state" {
                "0000aaaa0000aaaa0000aaaa0000aaaa".to_string()
            } else {
                v.into_owned()
            };
            (k.into_owned(), v)
        })
        .collect();
    url.query_pairs_mut().clear().extend_pairs(pairs);
    let run = m.run(&["exchange", url.as_str()]);
    assert_eq!(run.code, 1, "{run:?}");
    assert!(run.stderr.contains("state"), "{run:?}");
    assert_eq!(m.requests_to("/oauth/access_token"), 0, "no exchange tried");
    assert!(m.account()["token"].is_null());
}

#[test]
fn revoked_and_expired_tokens_exit_3() {
    let m = Machine::demo();
    m.authorized();
    m.control().revoke_tokens();
    let run = m.run(&["feed"]);
    assert_eq!(run.code, 3, "{run:?}");
    assert!(run.stderr.contains("authorize again"), "{run:?}");

    let run = m.run_with(&["token", "--json"], |c| {
        c.env("INSTATUI_CLOCK_SKEW", "61d");
    });
    assert_eq!(run.code, 3, "{run:?}");
    let json: Value = serde_json::from_str(&run.stdout).expect("JSON");
    assert_eq!(json["status"], "expired");
    let run = m.run_with(&["refresh"], |c| {
        c.env("INSTATUI_CLOCK_SKEW", "61d");
    });
    assert_eq!(run.code, 3, "{run:?}");
    assert_eq!(m.requests_to("/refresh_access_token"), 0);
}

#[test]
fn setup_over_a_corrupt_state_file_says_where_it_went() {
    let m = Machine::demo();
    std::fs::create_dir_all(m.config_dir()).expect("dir");
    std::fs::write(m.state_path(), b"not json at all").expect("garbage");
    let run = m.run(&[
        "setup",
        "--app-id",
        DEMO_APP_ID,
        "--redirect-uri",
        DEMO_REDIRECT_URI,
    ]);
    assert_eq!(run.code, 0, "{run:?}");
    assert!(
        run.stderr.contains("state.json.corrupt-"),
        "the user is told the old file was moved: {run:?}"
    );
    assert_eq!(m.app()["app_id"], DEMO_APP_ID);
}

#[test]
fn a_short_lived_token_is_upgraded_not_refreshed() {
    let m = Machine::demo();
    m.setup();
    let landed = m.authorize_in_browser();
    let run = m.run(&["exchange", "--short-only", &landed]);
    assert_eq!(run.code, 0, "{run:?}");
    assert!(run.stdout.contains("short-lived"), "{run:?}");
    assert_eq!(m.token_json()["kind"], "short");

    let run = m.run(&["refresh"]);
    assert_ne!(run.code, 0, "{run:?}");
    assert!(
        run.stderr.contains("instatui upgrade"),
        "the way out is named: {run:?}"
    );
    assert_eq!(m.requests_to("/refresh_access_token"), 0);

    let run = m.run(&["upgrade"]);
    assert_eq!(run.code, 0, "{run:?}");
    assert!(run.stdout.contains("long-lived"), "{run:?}");
    assert_eq!(m.token_json()["kind"], "long");
    let run = m.run(&["upgrade"]);
    assert_eq!(run.code, 0, "{run:?}");
    assert!(run.stdout.contains("already long-lived"), "{run:?}");
}

#[test]
fn an_interrupted_exchange_keeps_the_short_token_for_upgrade() {
    let m = Machine::demo();
    m.setup();
    let landed = m.authorize_in_browser();
    m.control()
        .inject_on("/access_token", instatui::fake::Fault::Html502, 4);
    let run = m.run(&["exchange", &landed]);
    assert_eq!(run.code, 1, "{run:?}");
    assert!(run.stderr.contains("HTML"), "{run:?}");
    assert!(run.stderr.contains("instatui upgrade"), "{run:?}");
    assert_eq!(m.token_json()["kind"], "short");
    let run = m.run(&["upgrade"]);
    assert_eq!(run.code, 0, "{run:?}");
    assert_eq!(m.token_json()["kind"], "long");
    let run = m.run(&["feed", "--limit", "3"]);
    assert_eq!(run.code, 0, "{run:?}");
    assert_eq!(run.stdout.lines().count(), 3);
}

#[test]
fn feed_limit_zero_is_a_usage_error_not_an_empty_account() {
    let m = Machine::demo();
    m.authorized();
    let run = m.run(&["feed", "--limit", "0"]);
    assert!(
        !run.stdout.contains("No posts"),
        "230 posts, none asked for: {run:?}"
    );
    assert_eq!(run.code, 2, "{run:?}");
    assert!(
        run.stderr
            .contains("--limit must be at least 1 (use --all for every post)"),
        "{run:?}"
    );
    assert!(!run.stderr.contains("18446744073709551615"), "{run:?}");
}

// ------------------------------------------------- conventions (issue 7)

#[test]
fn without_a_terminal_the_screens_say_what_to_use_instead() {
    let m = Machine::demo();
    for args in [&[][..], &["--demo"][..]] {
        let run = m.run(args);
        assert_eq!(run.code, 2, "{run:?}");
        assert!(
            run.stderr
                .contains("instatui needs a terminal for its screens")
                && run.stderr.contains("instatui status"),
            "{run:?}"
        );
        assert!(!run.stderr.contains("os error"), "{run:?}");
    }
}

/// `--demo` runs only the screens on a throw-away dir: a subcommand or a
/// `--config-dir` beside it would be ignored, so it says so and exits 2
/// (it opened the demo's screens instead, or said a terminal was needed).
#[test]
fn demo_with_a_subcommand_or_a_config_dir_says_why_not() {
    let m = Machine::demo();
    let dir = m.out("elsewhere");
    for (args, why) in [
        (
            &["--demo", "status"][..],
            "--demo opens the screens and takes no subcommand",
        ),
        (
            &["--demo", "--config-dir", dir.to_str().unwrap()][..],
            "--demo always uses a throw-away config dir of its own",
        ),
    ] {
        let run = m.run(args);
        assert_eq!(run.code, 2, "{args:?}: {run:?}");
        assert_eq!(run.stderr.trim().lines().count(), 1, "{args:?}: {run:?}");
        assert!(run.stderr.contains(why), "{args:?}: {run:?}");
    }
    assert!(!dir.exists(), "nothing was written there");
}

/// Changing the redirect URI of the stored app needs no secret again;
/// another app id does.
#[test]
fn setup_again_for_the_same_app_keeps_the_stored_secret() {
    let m = Machine::demo();
    m.setup();
    let before = m.state()["apps"][0]["app_secret"].clone();
    assert!(before.is_string(), "{before}");
    let run = m.run_with(
        &[
            "setup",
            "--app-id",
            DEMO_APP_ID,
            "--redirect-uri",
            "https://localhost/other/",
        ],
        |c| {
            c.env_remove("INSTATUI_APP_SECRET");
        },
    );
    assert_eq!(run.code, 0, "{run:?}");
    assert_eq!(m.state()["apps"][0]["app_secret"], before);
    assert_eq!(
        m.state()["apps"][0]["redirect_uri"],
        "https://localhost/other/"
    );

    let run = m.run_with(
        &[
            "setup",
            "--app-id",
            "123456789012345",
            "--redirect-uri",
            DEMO_REDIRECT_URI,
        ],
        |c| {
            c.env_remove("INSTATUI_APP_SECRET");
        },
    );
    assert_eq!(run.code, 2, "{run:?}");
    assert!(run.stderr.contains("no app secret given"), "{run:?}");
    assert_eq!(
        m.state()["apps"][0]["app_id"],
        DEMO_APP_ID,
        "nothing changed"
    );
}

/// INSTATUI_THEME is for the screens: any case works, a bad value is named
/// when the screens start and never stops a subcommand (a cron refresh).
#[test]
fn a_bad_instatui_theme_is_named_and_never_stops_a_subcommand() {
    let m = Machine::demo();
    m.authorized();
    for value in ["Light", "nonsense"] {
        let run = m.run_with(&["status"], |c| {
            c.env("INSTATUI_THEME", value);
        });
        assert_eq!(run.code, 0, "{value}: {run:?}");
    }
    let run = m.run_with(&[], |c| {
        c.env("INSTATUI_THEME", "nonsense");
    });
    assert_eq!(run.code, 2, "{run:?}");
    assert!(
        run.stderr
            .contains("INSTATUI_THEME=nonsense is not a theme"),
        "{run:?}"
    );
}

/// The one object a `--json` command prints on stdout when it fails.
fn error_object(run: &crate::common::cli::Run) -> Value {
    let value: Value = serde_json::from_str(&run.stdout)
        .unwrap_or_else(|e| panic!("stdout is JSON ({e}): {run:?}"));
    assert_eq!(value["error"]["exit"], run.code, "{run:?}");
    assert!(
        value["error"]["message"]
            .as_str()
            .is_some_and(|m| !m.is_empty()),
        "{run:?}"
    );
    value
}

#[test]
fn json_commands_print_an_error_object_when_they_fail() {
    let m = Machine::demo();
    let run = m.run(&["refresh", "--json"]);
    assert_eq!(run.code, 3, "{run:?}");
    assert_eq!(error_object(&run)["error"]["kind"], "needs_auth");

    m.authorized();
    // Too young to refresh: exit 1, and still JSON on stdout.
    let run = m.run(&["refresh", "--json"]);
    assert_eq!(run.code, 1, "{run:?}");
    let value = error_object(&run);
    assert!(
        value["error"]["message"]
            .as_str()
            .is_some_and(|m| m.contains("24 hours")),
        "{run:?}"
    );
    // The one-line error stays on stderr for people.
    assert!(run.stderr.contains("error: "), "{run:?}");

    // A usage error caught by the argument parser, too.
    let run = m.run(&["feed", "--json", "--limit", "0"]);
    assert_eq!(run.code, 2, "{run:?}");
    assert_eq!(error_object(&run)["error"]["kind"], "usage");

    m.control().revoke_tokens();
    for args in [&["profile", "--json"][..], &["feed", "--json"][..]] {
        let run = m.run(args);
        assert_eq!(run.code, 3, "{run:?}");
        error_object(&run);
    }
}

#[test]
fn quiet_hides_step_notes_and_verbose_shows_each_request() {
    let m = Machine::demo();
    m.setup();
    let landed = m.authorize_in_browser();
    let run = m.run_with(&["-q", "exchange"], |c| {
        c.write_stdin(landed.clone());
    });
    assert_eq!(run.code, 0, "{run:?}");
    assert!(run.stderr.is_empty(), "-q: nothing but errors: {run:?}");
    assert!(
        run.stdout.contains("Authorized"),
        "the result stays: {run:?}"
    );

    let run = m.run(&["profile", "-v"]);
    assert_eq!(run.code, 0, "{run:?}");
    assert!(
        run.stderr.contains("instagram answered") && run.stderr.contains("GET /me"),
        "{run:?}"
    );
    let run = m.run(&["profile"]);
    assert!(run.stderr.is_empty(), "{run:?}");
    assert!(
        !m.printed.borrow().contains(&m.raw_token()),
        "no token leaks"
    );
}

#[test]
fn login_with_a_dashboard_token_from_stdin() {
    let m = Machine::demo();
    // As generated in the Meta dashboard: an IGAA… token, no app set up here.
    let pasted = m.control().issue_long_token("instagram_business_basic");
    assert!(pasted.starts_with("IGAA"));
    let run = m.run_with(&["login", "--with-token"], |c| {
        c.write_stdin(format!("{pasted}\n"));
    });
    assert_eq!(run.code, 0, "{run:?}");
    assert!(run.stdout.contains(&format!("@{DEMO_USERNAME}")), "{run:?}");
    // Instagram would not refresh a token under a day old: the expiry is a
    // bound, and the output says so.
    assert!(run.stdout.contains("under a day old"), "{run:?}");
    assert_eq!(m.raw_token(), pasted);
    let token = m.token_json();
    assert_eq!(token["kind"], "long");
    assert_eq!(token["username"], DEMO_USERNAME);
    let left = token["seconds_left"].as_i64().expect("seconds left");
    assert!(
        (58 * 86_400..=59 * 86_400).contains(&left),
        "59 days, the earlier bound: {token}"
    );
    assert_eq!(m.requests_to("/refresh_access_token"), 1);
    let run = m.run(&["feed", "--limit", "3"]);
    assert_eq!(run.code, 0, "{run:?}");
    assert_eq!(run.stdout.lines().count(), 3, "{run:?}");

    // A day later the same token is refreshed at once: a real expiry.
    m.control().advance_clock(25 * HOUR);
    let run = m.run_with(&["login", "--with-token"], |c| {
        c.env("INSTATUI_CLOCK_SKEW", "25h")
            .write_stdin(pasted.clone());
    });
    assert_eq!(run.code, 0, "{run:?}");
    assert!(run.stdout.contains("refreshed right away"), "{run:?}");
    assert_ne!(m.raw_token(), pasted, "the refreshed token is stored");
    assert_eq!(m.account()["last_refresh"]["ok"], true);
    let left = m.token_json()["seconds_left"].as_i64().expect("left");
    assert!(left > 59 * 86_400, "a fresh 60 days: {left}");
    assert!(
        !m.printed.borrow().contains(&pasted),
        "the token never shows"
    );
}

/// The young dashboard token is known by the refusal's code, not by the
/// words "24 hours old": Instagram wording it otherwise still stores the
/// token with its 59-day bound instead of failing the login.
#[test]
fn login_with_a_young_token_worded_otherwise_is_still_young() {
    let m = Machine::demo();
    let pasted = m.control().issue_long_token("instagram_business_basic");
    let body = serde_json::json!({"error": {
        "message": "(#10) This access token cannot be extended yet",
        "type": "OAuthException", "code": 10, "fbtrace_id": "AbCdEf"
    }});
    m.control().inject_on(
        "/refresh_access_token",
        Fault::Canned {
            status: 400,
            content_type: "application/json".into(),
            body: body.to_string(),
        },
        1,
    );
    let run = m.run_with(&["login", "--with-token"], |c| {
        c.write_stdin(format!("{pasted}\n"));
    });
    assert_eq!(run.code, 0, "{run:?}");
    assert!(run.stdout.contains("under a day old"), "{run:?}");
    assert_eq!(m.raw_token(), pasted);
}

#[test]
fn login_refuses_a_bad_token_and_stores_nothing() {
    let m = Machine::demo();
    let bogus = "IGAAbogusbogusbogusbogusbogusbogus";
    let run = m.run_with(&["login", "--with-token"], |c| {
        c.write_stdin(bogus);
    });
    assert_eq!(run.code, 3, "{run:?}");
    assert!(run.stderr.contains("did not accept the token"), "{run:?}");
    assert!(run.stderr.contains("nothing was stored"), "{run:?}");
    assert!(!run.stderr.contains(bogus), "masked: {run:?}");
    assert!(!m.state_path().exists() || m.account()["token"].is_null());

    let run = m.run(&["login", "--with-token"]);
    assert_eq!(run.code, 2, "no token on stdin: {run:?}");
    assert!(run.stderr.contains("stdin"), "{run:?}");
    let run = m.run(&["login"]);
    assert_eq!(run.code, 2, "{run:?}");
    assert!(run.stderr.contains("--with-token"), "{run:?}");
}

#[test]
fn logout_forgets_the_token_and_keeps_the_app_unless_asked() {
    let m = Machine::demo();
    m.authorized();
    let run = m.run(&["logout"]);
    assert_eq!(run.code, 0, "{run:?}");
    assert!(run.stdout.contains(&format!("@{DEMO_USERNAME}")), "{run:?}");
    let state = m.state();
    assert!(
        m.account().is_null() && state["accounts"].is_null(),
        "{state}"
    );
    assert_eq!(m.app()["app_id"], DEMO_APP_ID);
    assert_eq!(m.run(&["feed"]).code, 3);

    let run = m.run(&["logout", "--forget-app"]);
    assert_eq!(run.code, 0, "{run:?}");
    assert!(m.app().is_null());
    let run = m.run(&["logout", "--all"]);
    assert_eq!(run.code, 0, "{run:?}");
    assert!(run.stdout.contains("Nothing to forget"), "{run:?}");
}

#[test]
fn status_says_where_things_stand_and_what_to_do_next() {
    let m = Machine::demo();
    let run = m.run(&["status"]);
    assert_eq!(run.code, 3, "{run:?}");
    assert!(run.stdout.contains("app:          not set up"), "{run:?}");
    assert!(run.stdout.contains("next:") && run.stdout.contains("instatui setup"));

    m.setup();
    let run = m.run(&["status"]);
    assert!(run.stdout.contains("instatui authorize --open"), "{run:?}");

    m.authorized();
    let run = m.run(&["status"]);
    assert_eq!(run.code, 0, "{run:?}");
    for expected in [
        DEMO_APP_ID,
        &format!("@{DEMO_USERNAME}"),
        "long-lived",
        "59d",
        "last refresh: never",
        "state.json",
    ] {
        assert!(run.stdout.contains(expected), "{expected}: {run:?}");
    }
    assert!(!run.stdout.contains(&m.raw_token()));

    let run = m.run(&["status", "--json"]);
    assert_eq!(run.code, 0, "{run:?}");
    let value: Value = serde_json::from_str(&run.stdout).expect("JSON");
    assert_eq!(value["status"], "valid");
    assert_eq!(value["app"]["app_id"], DEMO_APP_ID);
    assert_eq!(value["account"]["username"], DEMO_USERNAME);
    assert_eq!(value["token"]["kind"], "long");
    assert!(value["token"]["seconds_left"].as_i64().unwrap() > 59 * 86_400);
    assert!(value["next"].as_str().is_some_and(|n| !n.is_empty()));
}

#[test]
fn completions_and_man_pages_come_from_the_same_definitions() {
    let m = Machine::demo();
    for (shell, marker) in [
        ("bash", "_instatui()"),
        ("zsh", "#compdef instatui"),
        ("fish", "complete -c instatui"),
    ] {
        let run = m.run(&["completions", shell]);
        assert_eq!(run.code, 0, "{run:?}");
        assert!(run.stdout.contains(marker), "{shell}: {run:?}");
        for sub in ["login", "status", "download", "with-token"] {
            assert!(run.stdout.contains(sub), "{shell} completes {sub}");
        }
    }
    let run = m.run(&["completions", "tcsh"]);
    assert_eq!(run.code, 2, "{run:?}");

    let run = m.run(&["man"]);
    assert_eq!(run.code, 0, "{run:?}");
    assert!(run.stdout.contains(".TH instatui 1"), "{run:?}");
    assert!(
        run.stdout.contains("instatui\\-status"),
        "lists the subcommands"
    );
    let run = m.run(&["man", "download"]);
    assert_eq!(run.code, 0, "{run:?}");
    assert!(
        run.stdout.contains(".TH instatui-download 1  \"instatui "),
        "{run:?}"
    );
    assert!(run.stdout.contains("\\-\\-since"), "its options: {run:?}");
    let run = m.run(&["man", "nope"]);
    assert_eq!(run.code, 2, "{run:?}");
    assert!(
        run.stderr.contains("download"),
        "names the real ones: {run:?}"
    );
    // Nothing of the user's is written for any of this.
    assert!(!m.config_dir().exists());
}

#[test]
fn keep_alive_print_shows_this_machines_lines_and_installs_nothing() {
    let m = Machine::demo();
    m.setup();
    let landed = m.authorize_in_browser();
    let run = m.run_with(&["exchange"], |c| {
        c.write_stdin(landed.clone());
    });
    assert_eq!(run.code, 0, "{run:?}");
    assert!(
        run.stderr.contains("instatui keep-alive install"),
        "said after the first authorization: {run:?}"
    );

    let units = m.out("units");
    let run = m.run_with(&["keep-alive", "print"], |c| {
        c.env("INSTATUI_SYSTEMD_USER_DIR", &units);
    });
    assert_eq!(run.code, 0, "{run:?}");
    let exe = assert_cmd::cargo::cargo_bin("instatui");
    let exe = exe.to_string_lossy();
    let config = m.config_dir();
    let config = config.to_string_lossy();
    let cron: Vec<&str> = run
        .stdout
        .lines()
        .filter(|l| !l.starts_with('#') && l.contains("'keep-alive' 'run'"))
        .collect();
    assert_eq!(cron.len(), 1, "one crontab job: {run:?}");
    let job = cron[0];
    // Five cron fields, then this binary on this config dir, by absolute path.
    assert_eq!(job.split_whitespace().take(5).count(), 5);
    assert!(job.contains(&format!("'{exe}'")), "{job}");
    assert!(job.contains(&format!("'{config}'")), "{job}");
    assert!(job.contains("'--within' '10d'"), "{job}");
    assert!(
        job.contains(">/dev/null") && !job.contains("2>&1"),
        "errors reach cron's mail: {job}"
    );
    for expected in [
        &format!("ExecStart=\"{exe}\""),
        "OnCalendar=",
        "Persistent=true",
        &format!("save as {}", units.join("instatui-keepalive").display()),
        "systemctl --user enable --now",
    ] {
        assert!(run.stdout.contains(expected), "{expected}: {run:?}");
    }
    assert!(!units.exists(), "print writes nothing");
    assert!(!run.stdout.contains(&m.raw_token()));

    let run = m.run(&["keep-alive", "print", "--every", "1d", "--within", "14d"]);
    assert_eq!(run.code, 0, "{run:?}");
    assert!(run.stdout.contains("'14d'"), "{run:?}");
    let run = m.run(&["keep-alive", "print", "--within", "2h"]);
    assert_eq!(run.code, 2, "{run:?}");
}

#[test]
fn fake_server_exports_a_throw_away_config_dir_first() {
    let m = Machine::demo();
    m.authorized();
    let real_token = m.raw_token();
    let (mut server, printed, exports) = start_fake_server(&m, "5");
    assert_eq!(
        exports.first().map(|(k, _)| k.as_str()),
        Some("INSTATUI_CONFIG_DIR"),
        "{printed:?}"
    );
    let scratch = PathBuf::from(&exports[0].1);
    assert!(!scratch.starts_with(m.home.path()), "{printed:?}");
    let setup = printed
        .iter()
        .find(|l| l.starts_with("instatui setup"))
        .expect("a setup line");
    let args: Vec<&str> = setup.split_whitespace().skip(1).collect();

    // Following the lines as printed: the real state is untouched.
    let run = m.run_with(&args, |c| {
        for (name, value) in &exports {
            c.env(name, value);
        }
    });
    assert_eq!(run.code, 0, "{run:?}");
    assert!(scratch.join("state.json").exists());
    assert_eq!(m.raw_token(), real_token, "the real token survives");

    // Ctrl-C stops it and takes the throw-away dir with it.
    let stopped = std::process::Command::new("kill")
        .args(["-INT", &server.id().to_string()])
        .status()
        .expect("kill");
    assert!(stopped.success());
    let status = server.wait().expect("exits");
    assert!(status.success(), "{status:?}");
    assert!(!scratch.exists(), "{}", scratch.display());
}

/// Trying `refresh` by hand against `fake-server`, as its printed hint says:
/// move its clock 25 hours (curl there, plain HTTP here), make instatui's
/// clock agree, refresh.
#[test]
fn refresh_works_against_fake_server_after_moving_its_clock() {
    let m = Machine::demo();
    let (mut server, printed, exports) = start_fake_server(&m, "3");
    let base = exports
        .iter()
        .find(|(k, _)| k == "INSTATUI_BASE_URL")
        .map(|(_, v)| v.clone())
        .expect("a base URL");
    let hint = printed
        .iter()
        .find(|l| l.contains("/__fake/clock?advance=25h"))
        .unwrap_or_else(|| panic!("no clock hint in {printed:#?}"));
    assert!(hint.contains("INSTATUI_CLOCK_SKEW=25h"), "{hint}");
    let run = |args: &[&str], skew: bool| {
        m.run_with(args, |c| {
            for (name, value) in &exports {
                c.env(name, value);
            }
            if skew {
                c.env("INSTATUI_CLOCK_SKEW", "25h");
            }
        })
    };
    let setup = printed
        .iter()
        .find(|l| l.starts_with("instatui setup"))
        .expect("a setup line");
    let args: Vec<&str> = setup.split_whitespace().skip(1).collect();
    assert_eq!(run(&args, false).code, 0);
    let url = run(&["authorize"], false).stdout.trim().to_string();
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client");
    let landed = m.rt.block_on(async {
        let response = http
            .get(format!("{url}&fake_login=larch_and_lake"))
            .send()
            .await
            .expect("authorize page");
        assert_eq!(response.status(), 302);
        response.headers()["location"]
            .to_str()
            .expect("a Location")
            .to_string()
    });
    let exchanged = run(&["exchange", &landed], false);
    assert_eq!(exchanged.code, 0, "{exchanged:?}");

    let moved = m.rt.block_on(async {
        http.post(format!("{base}/__fake/clock?advance=25h"))
            .send()
            .await
            .expect("the clock answers")
            .status()
    });
    assert_eq!(moved, 200);
    let refreshed = run(&["refresh"], true);
    assert_eq!(refreshed.code, 0, "{refreshed:?}");
    let accounts = run(&["accounts"], true);
    assert!(!accounts.stdout.contains("failed"), "{accounts:?}");

    let stopped = std::process::Command::new("kill")
        .args(["-INT", &server.id().to_string()])
        .status()
        .expect("kill");
    assert!(stopped.success());
    assert!(server.wait().expect("exits").success());
}

#[test]
fn a_revoked_token_fails_the_refresh_with_exit_3_and_is_remembered() {
    let m = Machine::demo();
    m.authorized();
    m.control().advance_clock(25 * HOUR);
    m.control().revoke_tokens();
    let run = m.run_with(&["refresh"], |c| {
        c.env("INSTATUI_CLOCK_SKEW", "25h");
    });
    assert_eq!(run.code, 3, "{run:?}");
    assert!(run.stderr.contains("changed their password"), "{run:?}");
    assert_eq!(m.account()["last_refresh"]["ok"], false);
    let human = m.run(&["token"]);
    assert!(human.stdout.contains("failed"), "{human:?}");
}

#[test]
fn force_lets_the_server_judge_a_token_that_looks_young_here() {
    let m = Machine::demo();
    m.authorized();
    // Only the server's clock moved on: this machine still sees a new token.
    let run = m.run(&["refresh"]);
    assert_eq!(run.code, 1, "{run:?}");
    assert!(run.stderr.contains("--force"), "{run:?}");
    assert_eq!(m.requests_to("/refresh_access_token"), 0);

    // Forced too early, Instagram itself refuses, and says so.
    let run = m.run(&["refresh", "--force"]);
    assert_eq!(run.code, 1, "{run:?}");
    assert!(run.stderr.contains("24 hours"), "{run:?}");
    assert_eq!(m.requests_to("/refresh_access_token"), 1);

    m.control().advance_clock(25 * HOUR);
    let before = m.raw_token();
    let run = m.run(&["refresh", "--force"]);
    assert_eq!(run.code, 0, "{run:?}");
    assert_ne!(m.raw_token(), before);
    assert_eq!(m.account()["last_refresh"]["ok"], true);
}

/// `setup` follows the same rule as the TUI's save: the authorize URL in the
/// browser stays good while the app's details are unchanged, and is forgotten
/// once they change.
#[test]
fn setup_again_keeps_the_authorize_url_only_while_nothing_changed() {
    let m = Machine::demo();
    m.setup();
    let landed = m.authorize_in_browser();
    let pending = m.state()["pending_authorization"].clone();
    m.setup();
    assert_eq!(m.state()["pending_authorization"], pending);
    let run = m.run(&["exchange", &landed]);
    assert_eq!(run.code, 0, "{run:?}");

    m.authorize_in_browser();
    assert!(m.state()["pending_authorization"].is_object());
    let run = m.run(&[
        "setup",
        "--app-id",
        DEMO_APP_ID,
        "--redirect-uri",
        DEMO_REDIRECT_URI,
        "--scopes",
        "instagram_business_basic,instagram_business_content_publish",
    ]);
    assert_eq!(run.code, 0, "{run:?}");
    assert!(m.state()["pending_authorization"].is_null());
    assert!(m.account()["token"].is_object(), "the token is kept");
}

/// A second account, as a second authorization would store it: a token the
/// fake accepts, under the same app, for another user, obtained 30 days ago.
fn add_second_account(m: &Machine) -> String {
    let token = m.control().issue_long_token("instagram_business_basic");
    let mut state = m.state();
    let now = time::OffsetDateTime::now_utc();
    let rfc = |t: time::OffsetDateTime| {
        t.format(&time::format_description::well_known::Rfc3339)
            .expect("formats")
    };
    let account = serde_json::json!({
        "app_id": DEMO_APP_ID,
        "token": {
            "kind": "long",
            "value": token,
            "user_id": "17840000000000001",
            "permissions": ["instagram_business_basic"],
            "obtained_at": rfc(now - time::Duration::days(30)),
            "expires_at": rfc(now + time::Duration::days(5)),
        },
        "profile": {"username": "second_shop"},
    });
    state["accounts"]
        .as_array_mut()
        .expect("accounts")
        .push(account);
    std::fs::write(m.state_path(), serde_json::to_vec_pretty(&state).unwrap()).unwrap();
    token
}

#[test]
fn accounts_are_listed_switched_refreshed_together_and_removed() {
    let m = Machine::demo();
    m.authorized();
    add_second_account(&m);

    let run = m.run(&["accounts", "--json"]);
    assert_eq!(run.code, 0, "{run:?}");
    let list: Value = serde_json::from_str(&run.stdout).unwrap();
    let demo_id = m.account()["token"]["user_id"].clone();
    assert_eq!(list["active"], demo_id);
    let names: Vec<&str> = list["accounts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["username"].as_str().unwrap())
        .collect();
    assert_eq!(names, [DEMO_USERNAME, "second_shop"]);
    assert_eq!(list["accounts"][0]["state"], "refreshable tomorrow");
    assert_eq!(list["accounts"][1]["state"], "expiring soon");
    assert_eq!(list["accounts"][1]["active"], false);
    let run = m.run(&["accounts"]);
    assert_eq!(run.stdout.lines().count(), 2, "{run:?}");
    assert!(
        run.stdout.starts_with(&format!("* @{DEMO_USERNAME}")),
        "{run:?}"
    );

    // --account picks another account for one command; the active one stays.
    let run = m.run(&["token", "--json", "--account", "second_shop"]);
    assert_eq!(run.code, 0, "{run:?}");
    let token: Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(token["user_id"], "17840000000000001");
    assert_eq!(token["username"], "second_shop");
    assert_eq!(m.token_json()["username"], DEMO_USERNAME);

    // Unknown names list the known ones.
    let run = m.run(&["accounts", "use", "nobody"]);
    assert_eq!(run.code, 2, "{run:?}");
    assert!(
        run.stderr.contains("second_shop (17840000000000001)"),
        "{run:?}"
    );
    assert!(run.stderr.contains(DEMO_USERNAME), "{run:?}");
    let run = m.run(&["feed", "--account", "nobody"]);
    assert_eq!(run.code, 2, "{run:?}");

    let run = m.run(&["accounts", "use", "@second_shop"]);
    assert_eq!(run.code, 0, "{run:?}");
    assert_eq!(m.token_json()["username"], "second_shop");
    assert_eq!(m.state()["active"], "17840000000000001");
    m.run(&["accounts", "use", DEMO_USERNAME]);

    // refresh --all: the young token is not due yet, the other (a day
    // old on Instagram's clock) is refreshed.
    m.control().advance_clock(25 * HOUR);
    let run = m.run(&["refresh", "--all", "--if-expiring-within", "10d"]);
    assert_eq!(run.code, 0, "{run:?}");
    assert_eq!(run.stdout.lines().count(), 2, "{run:?}");
    assert!(
        run.stdout.contains(&format!("@{DEMO_USERNAME}: not due")),
        "{run:?}"
    );
    assert!(run.stdout.contains("@second_shop: refreshed"), "{run:?}");
    assert_eq!(m.requests_to("/refresh_access_token"), 1);
    // A refresh by hand is not the scheduled run.
    let run = m.run(&["keep-alive", "status", "--json"]);
    let status: Value = serde_json::from_str(&run.stdout).unwrap();
    assert!(status["last_run"].is_null(), "{status}");

    // A day later both are refreshed.
    m.control().advance_clock(25 * HOUR);
    let run = m.run_with(&["refresh", "--all", "--json"], |c| {
        c.env("INSTATUI_CLOCK_SKEW", "50h");
    });
    assert_eq!(run.code, 0, "{run:?}");
    let out: Value = serde_json::from_str(&run.stdout).unwrap();
    let outcomes: Vec<&str> = out["accounts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["outcome"].as_str().unwrap())
        .collect();
    assert_eq!(outcomes, ["refreshed", "refreshed"]);

    // Revoked: exit 3, each account says so.
    m.control().revoke_tokens();
    let run = m.run_with(&["refresh", "--all"], |c| {
        c.env("INSTATUI_CLOCK_SKEW", "75h");
    });
    assert_eq!(run.code, 3, "{run:?}");
    assert_eq!(
        run.stdout.matches("needs a new authorize").count(),
        2,
        "{run:?}"
    );

    // Removing the active account makes the other one active.
    let run = m.run(&["accounts", "remove", DEMO_USERNAME]);
    assert_eq!(run.code, 0, "{run:?}");
    assert!(
        run.stdout
            .contains("@second_shop is the active account now"),
        "{run:?}"
    );
    let run = m.run(&["accounts", "remove", "17840000000000001"]);
    assert_eq!(run.code, 0, "{run:?}");
    assert!(run.stdout.contains("No account is left"), "{run:?}");
    assert!(m.app().is_object(), "the app stays");
    assert!(
        !m.printed
            .borrow()
            .contains(&m.control().issue_long_token("x")[..20])
    );
}

#[test]
fn the_pinned_graph_version_is_sent_and_instatui_graph_version_overrides_it() {
    let m = Machine::demo();
    m.authorized();
    let paths = |m: &Machine| -> Vec<String> {
        m.control()
            .requests()
            .into_iter()
            .map(|r| r.path)
            .filter(|p| p.ends_with("/me/media"))
            .collect()
    };
    let run = m.run_with(&["feed", "--limit", "1"], |c| {
        c.env_remove("INSTATUI_GRAPH_VERSION");
    });
    assert_eq!(run.code, 0, "{run:?}");
    assert_eq!(paths(&m), ["/v25.0/me/media"]);
    let run = m.run_with(&["feed", "--limit", "1"], |c| {
        c.env("INSTATUI_GRAPH_VERSION", "v26.0");
    });
    assert_eq!(run.code, 0, "{run:?}");
    let run = m.run_with(&["feed", "--limit", "1"], |c| {
        c.env("INSTATUI_GRAPH_VERSION", "none");
    });
    assert_eq!(run.code, 0, "{run:?}");
    assert_eq!(
        paths(&m),
        ["/v25.0/me/media", "/v26.0/me/media", "/me/media"]
    );
}

#[test]
fn a_refused_optional_field_still_lists_the_posts_with_a_note() {
    let m = Machine::demo();
    m.authorized();
    m.control().refuse_field("media_product_type");
    let run = m.run(&["feed", "--limit", "5"]);
    assert_eq!(run.code, 0, "{run:?}");
    assert_eq!(run.stdout.lines().count(), 5, "{run:?}");
    assert!(
        run.stderr
            .contains("note: Instagram refused the field media_product_type"),
        "{run:?}"
    );
    let run = m.run(&["feed", "--limit", "5", "--json"]);
    assert_eq!(run.code, 0, "{run:?}");
    let posts: Value = serde_json::from_str(&run.stdout).expect("JSON");
    let posts = posts.as_array().expect("array");
    assert_eq!(posts.len(), 5);
    assert!(posts.iter().all(|p| p.get("media_product_type").is_none()));
}

/// Starts `instatui fake-server --posts POSTS` in `m`'s home and reads what
/// it prints up to its "Ctrl-C" line: the lines, and the `export` pairs.
#[allow(clippy::type_complexity)]
fn start_fake_server(
    m: &Machine,
    posts: &str,
) -> (std::process::Child, Vec<String>, Vec<(String, String)>) {
    use std::io::BufRead;
    let mut server = std::process::Command::new(assert_cmd::cargo::cargo_bin("instatui"))
        .args(["fake-server", "--posts", posts])
        .env("HOME", m.home.path())
        .env("XDG_CONFIG_HOME", m.home.path().join("config"))
        .env_remove("INSTATUI_CONFIG_DIR")
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("fake-server starts");
    let stdout = server.stdout.take().expect("stdout");
    let mut printed = Vec::new();
    for line in std::io::BufReader::new(stdout).lines() {
        let line = line.expect("a line");
        let last = line.contains("Ctrl-C");
        printed.push(line);
        if last {
            break;
        }
    }
    let exports: Vec<(String, String)> = printed
        .iter()
        .filter_map(|l| l.strip_prefix("export "))
        .filter_map(|l| l.split_once('='))
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    (server, printed, exports)
}

/// Meta serving an expired version as its oldest one: the answers name
/// another version in `facebook-api-version`, and instatui says so once per
/// run on stderr (and in the log), however many calls the command made;
/// with the version served as asked, nothing is said.
#[test]
fn another_served_graph_version_is_told_once_per_run() {
    let m = Machine::with_posts(150);
    m.authorized();
    let run = m.run(&["feed", "--all"]);
    assert_eq!(run.code, 0, "{run:?}");
    assert!(!run.stderr.contains("Graph API"), "{run:?}");

    m.control().serve_api_version("v21.0");
    let run = m.run_with(&["feed", "--all"], |c| {
        c.env("INSTATUI_GRAPH_VERSION", "v20.0");
    });
    assert_eq!(run.code, 0, "{run:?}");
    assert!(
        m.requests_to("/me/media") >= 2,
        "several answers named v21.0"
    );
    assert_eq!(
        run.stderr
            .matches(
                "warning: Instagram answered with Graph API v21.0 although v20.0 was asked for"
            )
            .count(),
        1,
        "{run:?}"
    );
    assert!(run.stderr.contains("INSTATUI_GRAPH_VERSION"), "{run:?}");

    // A version Meta no longer serves at all: the error names the variable.
    m.control().retire_api_version("v19.0");
    let run = m.run_with(&["feed", "--limit", "3"], |c| {
        c.env("INSTATUI_GRAPH_VERSION", "v19.0");
    });
    assert_ne!(run.code, 0, "{run:?}");
    assert!(run.stderr.contains("Unknown path components"), "{run:?}");
    assert!(run.stderr.contains("INSTATUI_GRAPH_VERSION"), "{run:?}");
}
