//! `doctor` against the embedded fake: each setup mistake is one line
//! naming the check and the fix, and only a failure exits 1.

use crate::common::cli::{Machine, Run};
use instatui::fake::{DEMO_APP_ID, DEMO_REDIRECT_URI};
use std::os::unix::fs::PermissionsExt;

/// The line of one check.
fn line<'a>(run: &'a Run, check: &str) -> &'a str {
    run.stdout
        .lines()
        .find(|l| l[6..].starts_with(&format!("{check}:")))
        .unwrap_or_else(|| panic!("no {check} line in:\n{}", run.stdout))
}

/// With no scheduler on PATH, so the keep-alive line does not depend on
/// the machine running the tests.
fn doctor(m: &Machine, args: &[&str]) -> Run {
    let empty = m.out("no-tools");
    std::fs::create_dir_all(&empty).unwrap();
    let mut all = vec!["doctor"];
    all.extend_from_slice(args);
    m.run_with(&all, |c| {
        c.env("PATH", &empty);
    })
}

#[test]
fn a_good_setup_passes_with_each_check_named() {
    let m = Machine::with_posts(1);
    m.setup();
    let run = doctor(&m, &[]);
    assert_eq!(run.code, 0, "{}\n{}", run.stdout, run.stderr);
    assert!(
        line(&run, "redirect URI").starts_with("ok"),
        "{}",
        run.stdout
    );
    assert!(line(&run, "scopes").starts_with("ok"));
    // The fake's Date header against this machine's clock.
    assert!(line(&run, "clock").starts_with("ok"), "{}", run.stdout);
    assert!(line(&run, "Graph API version").contains("v25.0"));
    assert!(
        line(&run, "state file").contains("mode 600"),
        "{}",
        run.stdout
    );
    let keep = line(&run, "keep-alive");
    assert!(keep.starts_with("warn"), "{keep}");
    assert!(
        keep.contains("neither systemctl --user nor crontab"),
        "{keep}"
    );
    let notifications = line(&run, "notifications");
    assert!(
        notifications.starts_with("warn") && notifications.contains("none set up"),
        "{notifications}"
    );
    assert!(line(&run, "pictures").contains("not run in a terminal"));

    let json = doctor(&m, &["--json"]);
    assert_eq!(json.code, 0, "{}", json.stderr);
    let v: serde_json::Value = serde_json::from_str(&json.stdout).expect("JSON");
    assert_eq!(v["ok"], true);
    assert_eq!(v["checks"][0]["name"], "redirect URI");
    assert_eq!(v["checks"][0]["verdict"], "ok");
}

#[test]
fn each_setup_mistake_is_one_line_with_its_fix_and_exit_1() {
    let m = Machine::with_posts(1);
    let run = m.run(&[
        "setup",
        "--app-id",
        DEMO_APP_ID,
        "--redirect-uri",
        DEMO_REDIRECT_URI,
        "--scopes",
        "business_basic",
    ]);
    // setup refuses the deprecated name with the one to use...
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr.contains("use instagram_business_basic"),
        "{}",
        run.stderr
    );
    let run = m.run(&[
        "setup",
        "--app-id",
        DEMO_APP_ID,
        "--redirect-uri",
        DEMO_REDIRECT_URI,
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    // A redirect URI copied from the browser's address bar, stored by an
    // older release (setup refuses it now) or by hand.
    let landed = format!("{DEMO_REDIRECT_URI}?code=AQBxyz&state=abc");
    let mut state = m.state();
    for app in state["apps"].as_array_mut().expect("apps") {
        app["redirect_uri"] = landed.clone().into();
        // ...which an older release stored.
        app["scopes"] = serde_json::json!(["business_basic"]);
    }
    std::fs::write(m.state_path(), serde_json::to_vec(&state).unwrap()).unwrap();
    // Readable by everyone.
    std::fs::set_permissions(m.state_path(), std::fs::Permissions::from_mode(0o644)).unwrap();
    // A clock two hours ahead of Instagram's.
    let run = m.run_with(&["doctor"], |c| {
        c.env("INSTATUI_CLOCK_SKEW", "2h");
    });
    assert_eq!(run.code, 1, "{}\n{}", run.stdout, run.stderr);
    let uri = line(&run, "redirect URI");
    assert!(uri.starts_with("FAIL"), "{uri}");
    assert!(
        uri.contains(&format!("--redirect-uri '{DEMO_REDIRECT_URI}'")),
        "{uri}"
    );
    let scopes = line(&run, "scopes");
    assert!(scopes.contains("deprecated"), "{scopes}");
    assert!(
        scopes.contains("--scopes instagram_business_basic"),
        "{scopes}"
    );
    let clock = line(&run, "clock");
    assert!(clock.starts_with("FAIL"), "{clock}");
    assert!(clock.contains("2h 00m ahead of Instagram's"), "{clock}");
    assert!(clock.contains("unset INSTATUI_CLOCK_SKEW"), "{clock}");
    let file = line(&run, "state file");
    assert!(
        file.contains("mode 644") && file.contains("chmod 600"),
        "{file}"
    );
    assert!(
        run.stderr
            .contains("redirect URI, scopes, clock, state file"),
        "{}",
        run.stderr
    );

    // An expired Graph version asked for by the environment.
    let run = m.run_with(&["doctor"], |c| {
        c.env("INSTATUI_GRAPH_VERSION", "v19.0");
    });
    assert!(
        line(&run, "Graph API version").starts_with("FAIL"),
        "{}",
        run.stdout
    );
}

#[test]
fn a_clock_check_without_an_answer_is_one_sentence_and_not_a_failure() {
    let m = Machine::with_posts(1);
    m.setup();
    // Accepts connections and never answers.
    let silent = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let base = format!("http://{}", silent.local_addr().unwrap());
    let run = m.run_with(&["doctor", "--timeout", "1s"], |c| {
        c.env("INSTATUI_BASE_URL", &base);
    });
    let clock = line(&run, "clock");
    assert!(clock.starts_with("skip"), "{clock}");
    assert!(
        clock.contains("did not answer within 1 s (no network?)"),
        "{clock}"
    );
    assert_eq!(clock.lines().count(), 1);
    // Everything else still checked.
    assert!(
        line(&run, "redirect URI").starts_with("ok"),
        "{}",
        run.stdout
    );
    drop(silent);
}

#[test]
fn a_pasted_error_page_is_explained_for_this_setup() {
    let m = Machine::with_posts(1);
    m.setup();
    let run = m.run(&["doctor", "--explain", "Invalid platform app"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stdout.contains("Instagram app ID"), "{}", run.stdout);
    let run = m.run_with(&["doctor", "--explain", "-"], |c| {
        c.write_stdin("<html><body>{\"error_message\": \"Invalid redirect_uri\"}</body></html>");
    });
    assert!(
        run.stdout.contains(&format!("'{DEMO_REDIRECT_URI}'")),
        "{}",
        run.stdout
    );
    let run = m.run(&["doctor", "--explain", "Invalid scope: user_profile"]);
    assert!(
        run.stdout.contains("--flavor instagram-login"),
        "{}",
        run.stdout
    );
    let run = m.run(&["doctor", "--explain", "something else"]);
    assert_eq!(run.code, 1);
    assert!(run.stderr.contains("does not recognise"), "{}", run.stderr);
}
