//! The `instatui` binary against a hostile Instagram: what a user sees when
//! bodies never end, paging loops or a redirect points elsewhere.

use crate::common::cli::Machine;
use instatui::fake::{DEMO_USER_ID, Fault};

fn media_path() -> String {
    "/me/media".to_string()
}

#[test]
fn feed_on_an_endless_body_ends_with_one_clear_line() {
    let m = Machine::demo();
    m.authorized();
    m.control().inject_on(&media_path(), Fault::Endless, 10);
    let run = m.run(&["feed", "--all"]);
    assert_eq!(run.code, 1, "{run:?}");
    assert_eq!(run.stderr.trim().lines().count(), 1, "{run:?}");
    assert!(run.stderr.contains("was larger than 8 MiB"), "{run:?}");
    assert_eq!(m.requests_to("/media"), 1, "not retried");
}

/// Real posts of the fake (with working CDN URLs), as JSON values.
fn real_posts(m: &Machine, n: usize) -> Vec<serde_json::Value> {
    let run = m.run(&["feed", "--json", "--limit", &n.to_string()]);
    assert_eq!(run.code, 0, "{run:?}");
    serde_json::from_str(&run.stdout).expect("feed --json")
}

/// A page of `posts` whose `after` cursor is `after`, with a `next`.
fn canned_page(posts: &[serde_json::Value], after: &str) -> Fault {
    let body = serde_json::json!({
        "data": posts,
        "paging": {
            "cursors": {"before": "B", "after": after},
            "next": format!("https://graph.instagram.com/v21.0/{DEMO_USER_ID}/media?after={after}"),
        }
    });
    Fault::Canned {
        status: 200,
        content_type: "application/json".into(),
        body: body.to_string(),
    }
}

/// Pages whose cursors go A, B, A, B… for as long as asked.
fn alternating(m: &Machine) -> Vec<serde_json::Value> {
    let posts = real_posts(m, 4);
    m.control().inject_on(
        &media_path(),
        Fault::Cycle(vec![
            canned_page(&posts[..2], "A"),
            canned_page(&posts[2..], "B"),
        ]),
        1_000,
    );
    posts
}

#[test]
fn feed_all_stops_when_the_cursors_go_in_a_circle() {
    let m = Machine::demo();
    m.authorized();
    alternating(&m);
    let before = m.requests_to("/media");
    let run = m.run(&["feed", "--all", "--json"]);
    assert_eq!(run.code, 0, "{run:?}");
    // First page (→ B), B's page (→ A), A's page again (→ B: seen): stop.
    assert_eq!(
        m.requests_to("/media") - before,
        3,
        "was: ~23 requests/s forever"
    );
    assert!(run.stderr.contains("went in a circle"), "{run:?}");
    let listed: Vec<serde_json::Value> = serde_json::from_str(&run.stdout).expect("json");
    assert_eq!(listed.len(), 4, "what arrived is listed, once each");
}

#[test]
fn feed_all_stops_at_an_empty_page_that_announces_more() {
    let m = Machine::demo();
    m.authorized();
    // Empty pages whose cursors never repeat back to back.
    m.control().inject_on(
        &media_path(),
        Fault::Cycle(vec![canned_page(&[], "E1"), canned_page(&[], "E2")]),
        1_000,
    );
    let before = m.requests_to("/media");
    let run = m.run(&["feed", "--all"]);
    assert_eq!(run.code, 0, "{run:?}");
    assert_eq!(m.requests_to("/media") - before, 1, "{run:?}");
    assert!(run.stderr.contains("no new posts"), "{run:?}");
    assert!(run.stdout.contains("No posts"), "{run:?}");
}

#[test]
fn download_all_and_since_stop_when_the_cursors_go_in_a_circle() {
    let m = Machine::demo();
    m.authorized();
    alternating(&m);
    let out = m.out("all");
    let before = m.requests_to("/media");
    let run = m.run(&["download", "--all", "--out", out.to_str().expect("utf8")]);
    assert_eq!(run.code, 0, "{run:?}");
    assert_eq!(m.requests_to("/media") - before, 3);
    assert!(run.stderr.contains("went in a circle"), "{run:?}");
    assert!(run.stdout.contains("from 4 posts"), "{run:?}");

    let out = m.out("since");
    let before = m.requests_to("/media");
    let run = m.run(&[
        "download",
        "--since",
        "2000-01-01",
        "--out",
        out.to_str().expect("utf8"),
    ]);
    assert_eq!(run.code, 0, "{run:?}");
    assert_eq!(m.requests_to("/media") - before, 3);
    assert!(run.stderr.contains("went in a circle"), "{run:?}");
}

// ---------------------------------------------------------------- OAuth state

/// The landed address with its `state` swapped for `state`, or dropped.
fn with_state(landed: &str, state: Option<&str>) -> String {
    let mut url = url::Url::parse(landed).expect("a URL");
    let pairs: Vec<(String, String)> = url
        .query_pairs()
        .filter(|(k, _)| k != "state")
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    {
        let mut q = url.query_pairs_mut();
        q.clear();
        for (k, v) in &pairs {
            q.append_pair(k, v);
        }
        if let Some(state) = state {
            q.append_pair("state", state);
        }
    }
    url.to_string()
}

fn exchange_stdin(m: &Machine, pasted: &str) -> crate::common::cli::Run {
    let pasted = pasted.to_string();
    m.run_with(&["exchange"], |c| {
        c.write_stdin(pasted);
    })
}

#[test]
fn exchange_refuses_an_address_without_state() {
    let m = Machine::demo();
    m.setup();
    let landed = m.authorize_in_browser();
    let run = exchange_stdin(&m, &with_state(&landed, None));
    assert_eq!(run.code, 1, "{run:?}");
    assert!(run.stderr.contains("carries no state="), "{run:?}");
    assert_eq!(m.requests_to("/oauth/access_token"), 0, "nothing sent");
    // The right address still works: nothing was used up.
    let run = exchange_stdin(&m, &landed);
    assert_eq!(run.code, 0, "{run:?}");
}

#[test]
fn after_an_exchange_its_state_is_used_up() {
    let m = Machine::demo();
    m.setup();
    let landed = m.authorize_in_browser();
    assert_eq!(exchange_stdin(&m, &landed).code, 0);
    let token = m.raw_token();
    let sent = m.requests_to("/oauth/access_token");

    // The same address again, and one with a state instatui never issued
    // (was: sent to Instagram; a foreign one replaced the stored token).
    for pasted in [
        landed.clone(),
        with_state(&landed, Some("0000aaaa1111bbbb2222cccc3333dddd")),
    ] {
        let run = exchange_stdin(&m, &pasted);
        assert_eq!(run.code, 1, "{run:?}");
        assert!(
            run.stderr
                .contains("no authorization is waiting for a code"),
            "{run:?}"
        );
    }
    // A bare code has no state to check: refused too, with nothing pending.
    let code = url::Url::parse(&landed)
        .expect("url")
        .query_pairs()
        .find(|(k, _)| k == "code")
        .map(|(_, v)| v.into_owned())
        .expect("code");
    let run = exchange_stdin(&m, &code);
    assert_eq!(run.code, 1, "{run:?}");
    assert_eq!(m.requests_to("/oauth/access_token"), sent, "nothing sent");
    assert_eq!(m.raw_token(), token, "the stored token stays");
}

#[test]
fn a_foreign_state_is_refused_while_an_authorization_is_pending() {
    let m = Machine::demo();
    m.setup();
    let landed = m.authorize_in_browser();
    let run = exchange_stdin(
        &m,
        &with_state(&landed, Some("0000aaaa1111bbbb2222cccc3333dddd")),
    );
    assert_eq!(run.code, 1, "{run:?}");
    assert!(run.stderr.contains("another authorization"), "{run:?}");
    assert_eq!(m.requests_to("/oauth/access_token"), 0);
}

#[test]
fn exchange_reads_the_address_from_stdin_and_warns_about_argv() {
    let m = Machine::demo();
    m.setup();
    // `-` and no argument read stdin; nothing about ps is said.
    let landed = m.authorize_in_browser();
    let run = m.run_with(&["exchange", "-"], |c| {
        c.write_stdin(format!("  {landed}\n"));
    });
    assert_eq!(run.code, 0, "{run:?}");
    assert!(!run.stderr.contains("'ps'"), "{run:?}");

    // On the command line it still works, with a warning.
    let landed = m.authorize_in_browser();
    let run = m.run(&["exchange", &landed]);
    assert_eq!(run.code, 0, "{run:?}");
    assert!(
        run.stderr
            .contains("warning: the code on the command line is visible to other users in 'ps'"),
        "{run:?}"
    );

    // Nothing on stdin: a usage error that says how.
    m.authorize_in_browser();
    let run = m.run(&["exchange"]);
    assert_eq!(run.code, 2, "{run:?}");
    assert!(run.stderr.contains("nothing was pasted"), "{run:?}");
}

// ---------------------------------------------------------------- bad posts

#[test]
fn one_malformed_post_is_skipped_and_reported() {
    let m = Machine::demo();
    m.authorized();
    let mut posts = real_posts(&m, 3);
    // A caption that is a number, an id that is null, a post that is a string.
    posts.insert(1, serde_json::json!({"id": "1790", "caption": 5}));
    posts.push(serde_json::json!({"id": null, "media_type": "IMAGE"}));
    posts.push(serde_json::json!("not a post"));
    let body = serde_json::json!({"data": posts}).to_string();
    m.control().inject_on(
        &media_path(),
        Fault::Canned {
            status: 200,
            content_type: "application/json".into(),
            body,
        },
        1,
    );
    let run = m.run(&["feed", "--all", "--json"]);
    assert_eq!(run.code, 0, "was: the whole page unreadable: {run:?}");
    let listed: Vec<serde_json::Value> = serde_json::from_str(&run.stdout).expect("json");
    assert_eq!(listed.len(), 3, "{run:?}");
    assert!(
        run.stderr
            .contains("3 posts could not be read and were skipped"),
        "{run:?}"
    );
}

#[test]
fn a_profile_that_is_not_an_object_keeps_the_stored_one() {
    let m = Machine::demo();
    m.authorized();
    let stored = m.account()["profile"].clone();
    assert!(stored["username"].is_string(), "{stored}");
    for body in ["[]", "[{}]", "\"me\"", "{}", "{\"data\":[]}", "null"] {
        m.control().inject_on(
            "/me",
            Fault::Canned {
                status: 200,
                content_type: "application/json".into(),
                body: body.into(),
            },
            1,
        );
        let run = m.run(&["profile"]);
        assert_eq!(run.code, 1, "{body}: {run:?}");
        assert_eq!(run.stderr.trim().lines().count(), 1, "{body}: {run:?}");
        assert_eq!(
            m.account()["profile"],
            stored,
            "{body}: the stored profile stays"
        );
    }
}

// ---------------------------------------------------------------- files on disk

fn file_names(dir: &std::path::Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .expect("the folder")
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

#[test]
fn a_planted_part_link_is_never_followed() {
    let m = Machine::demo();
    m.authorized();
    // The name the newest post's file gets, from a first download elsewhere.
    let first = m.out("first");
    let run = m.run(&[
        "download",
        "--limit",
        "1",
        "--out",
        first.to_str().expect("utf8"),
    ]);
    assert_eq!(run.code, 0, "{run:?}");
    let saved = file_names(&first);
    let (stem, _) = saved[0].rsplit_once('.').expect("an extension");

    // Someone who can write to the folder plants `<stem>.part` pointing at a
    // file of the user's.
    let out = m.out("planted");
    std::fs::create_dir_all(&out).expect("folder");
    let victim = m.out("victim.txt");
    std::fs::write(&victim, b"precious").expect("victim");
    let link = out.join(format!("{stem}.part"));
    std::os::unix::fs::symlink(&victim, &link).expect("symlink");

    let run = m.run(&[
        "download",
        "--limit",
        "1",
        "--out",
        out.to_str().expect("utf8"),
    ]);
    assert!(
        std::fs::read(&victim).expect("victim") == b"precious",
        "was: the download was written into the link's target"
    );
    assert_ne!(run.code, 0, "{run:?}");
    assert!(run.stderr.contains("is a symbolic link"), "{run:?}");
    assert!(
        run.stderr
            .contains("never writes through: remove it — nothing went wrong at Instagram"),
        "{run:?}"
    );
    assert!(
        std::fs::symlink_metadata(&link).is_ok_and(|m| m.file_type().is_symlink()),
        "the link is left for the user to see"
    );
    assert_eq!(
        file_names(&out),
        [format!("{stem}.part")],
        "nothing else written"
    );

    // Once removed, the download goes through.
    std::fs::remove_file(&link).expect("remove");
    let run = m.run(&[
        "download",
        "--limit",
        "1",
        "--out",
        out.to_str().expect("utf8"),
    ]);
    assert_eq!(run.code, 0, "{run:?}");
    assert_eq!(file_names(&out), saved);
}

#[test]
fn posts_whose_ids_make_the_same_file_name_are_all_saved() {
    let m = Machine::demo();
    m.authorized();
    // Four posts, one time, ids that differ only where a file name cannot.
    let mut posts = real_posts(&m, 4);
    for (post, id) in posts.iter_mut().zip(["77/1", "77:1", "77_1", "77 1"]) {
        post["id"] = id.into();
        post["timestamp"] = "2026-11-20T10:00:00+0000".into();
        post["media_type"] = "IMAGE".into();
    }
    let body = serde_json::json!({ "data": posts });
    m.control().inject_on(
        &media_path(),
        Fault::Canned {
            status: 200,
            content_type: "application/json".into(),
            body: body.to_string(),
        },
        1,
    );
    let out = m.out("same-names");
    let run = m.run(&["download", "--all", "--out", out.to_str().expect("utf8")]);
    assert_eq!(run.code, 0, "{run:?}");
    assert!(run.stdout.contains("4 saved"), "{run:?}");
    let names = file_names(&out);
    assert_eq!(
        names.len(),
        4,
        "was: one file for the four posts: {names:?}"
    );
    assert!(names.iter().all(|n| !n.ends_with(".part")), "{names:?}");
}

/// Makes `path` look last written `secs` seconds ago.
fn age(path: &std::path::Path, secs: u64) {
    let then = std::time::SystemTime::now() - std::time::Duration::from_secs(secs);
    std::fs::File::options()
        .write(true)
        .open(path)
        .and_then(|f| f.set_modified(then))
        .expect("aged");
}

#[test]
fn temp_files_left_by_killed_writes_are_removed_at_start() {
    let m = Machine::demo();
    m.authorized();
    let config = m.config_dir();
    let state = std::fs::read(m.state_path()).expect("state.json");
    // What a process killed between writing and renaming leaves: the whole
    // state, app secret included.
    let state_temps = [".state.json.Kx7Qp2.tmp", ".state.json.a1B2c3.tmp"].map(|n| config.join(n));
    for temp in &state_temps {
        std::fs::write(temp, &state).expect("plant");
    }
    let cache = m.out("cache-dir");
    std::fs::create_dir_all(cache.join("media")).expect("cache");
    let old_feed = cache.join(".tmpOld111");
    let old_picture = cache.join("media/.tmpOld333");
    let fresh = cache.join(".tmpNew222");
    for (path, secs) in [(&old_feed, 120), (&old_picture, 120), (&fresh, 0)] {
        std::fs::write(path, b"{").expect("plant");
        age(path, secs);
    }
    let status = |m: &Machine| {
        m.run_with(&["status"], |c| {
            c.env("INSTATUI_CACHE_DIR", &cache);
        })
    };

    // Another process is saving: its lock keeps state.json's temp files.
    let lock = std::fs::File::options()
        .read(true)
        .write(true)
        .open(config.join("state.lock"))
        .expect("lock file");
    lock.lock().expect("locked");
    let run = status(&m);
    assert_eq!(run.code, 0, "{run:?}");
    assert!(state_temps.iter().all(|t| t.exists()), "kept while locked");
    lock.unlock().expect("unlocked");

    let run = status(&m);
    assert_eq!(run.code, 0, "{run:?}");
    for temp in &state_temps {
        assert!(
            !temp.exists(),
            "was: left with the app secret: {}",
            temp.display()
        );
    }
    assert!(
        !old_feed.exists() && !old_picture.exists(),
        "the caches' old ones go"
    );
    assert!(fresh.exists(), "a fresh one may be another process's write");
    assert_eq!(std::fs::read(m.state_path()).expect("state.json"), state);
}

// ---------------------------------------------------------------- failed saves

/// Holds state.json's lock as another process's long save would: every
/// save of this machine's commands waits its 5 s, then fails.
fn hold_the_lock(m: &Machine) -> std::fs::File {
    let lock = std::fs::File::options()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .open(m.config_dir().join("state.lock"))
        .expect("lock file");
    lock.lock().expect("locked");
    lock
}

/// The file a failed save's message says the token is kept in, and the token.
fn kept_token(run: &crate::common::cli::Run) -> (std::path::PathBuf, String) {
    // One line for the failure (a `refresh` also warns that its run could
    // not be recorded for keep-alive status).
    let errors: Vec<&str> = run
        .stderr
        .lines()
        .filter(|l| !l.starts_with("warning: "))
        .collect();
    assert_eq!(errors.len(), 1, "one line: {run:?}");
    let line = errors[0];
    let path = line
        .split_once("kept in ")
        .and_then(|(_, rest)| rest.split_once(" (readable by you only)"))
        .map(|(path, _)| std::path::PathBuf::from(path))
        .unwrap_or_else(|| panic!("where the token is kept: {run:?}"));
    assert!(
        line.contains(&format!("instatui login --with-token < {}", path.display())),
        "{run:?}"
    );
    assert_eq!(
        crate::common::cli::mode(&path) & 0o777,
        0o600,
        "readable by the user only"
    );
    let token = std::fs::read_to_string(&path).expect("the kept token");
    let token = token.trim().to_string();
    assert!(!token.is_empty());
    assert!(
        !run.stderr.contains(&token) && !run.stdout.contains(&token),
        "never printed"
    );
    (path, token)
}

#[test]
fn a_refreshed_token_that_cannot_be_saved_is_kept_and_can_be_stored() {
    let m = Machine::demo();
    m.authorized();
    let before = m.raw_token();
    // A day on, on both clocks: Instagram refreshes it.
    m.control().advance_clock(25 * crate::common::cli::HOUR);
    let lock = hold_the_lock(&m);
    let run = m.run_with(&["refresh"], |c| {
        c.env("INSTATUI_CLOCK_SKEW", "25h");
    });
    assert_eq!(run.code, 1, "{run:?}");
    assert!(
        run.stderr.contains(
            "the refreshed token could not be saved (another instatui process is writing"
        ),
        "{run:?}"
    );
    let (path, kept) = kept_token(&run);
    assert_ne!(kept, before, "the refreshed one (was: thrown away)");
    assert_eq!(m.raw_token(), before, "nothing half-written");
    drop(lock);

    // What the message says to do, once the other process is done.
    let run = m.run_with(&["login", "--with-token"], |c| {
        c.write_stdin(std::fs::read(&path).expect("kept"));
        c.env("INSTATUI_CLOCK_SKEW", "25h");
    });
    assert_eq!(run.code, 0, "{run:?}");
    assert_eq!(m.raw_token(), kept);
    let token = m.token_json();
    assert_eq!(token["status"], "valid", "{token}");
}

#[test]
fn a_token_from_an_exchange_that_cannot_be_saved_is_kept_and_can_be_stored() {
    let m = Machine::demo();
    m.setup();
    let landed = m.authorize_in_browser();
    let lock = hold_the_lock(&m);
    let run = m.run_with(&["exchange"], |c| {
        c.write_stdin(landed.clone());
    });
    assert_eq!(run.code, 1, "{run:?}");
    assert!(
        run.stderr.contains("the new token could not be saved ("),
        "{run:?}"
    );
    let (path, _) = kept_token(&run);
    assert!(m.account().is_null(), "{}", m.state());
    drop(lock);
    // The code is used up; the kept token is not.
    let run = m.run_with(&["login", "--with-token"], |c| {
        c.write_stdin(std::fs::read(&path).expect("kept"));
    });
    assert_eq!(run.code, 0, "{run:?}");
    assert!(m.account()["token"]["value"].is_string(), "{}", m.state());
}

#[test]
fn a_300_character_post_id_still_yields_a_saved_file() {
    let m = Machine::demo();
    m.authorized();
    let mut posts = real_posts(&m, 2);
    let ids = ["9".repeat(300), format!("{}8", "9".repeat(299))];
    for (post, id) in posts.iter_mut().zip(&ids) {
        post["id"] = id.as_str().into();
        post["media_type"] = "IMAGE".into();
    }
    let body = serde_json::json!({ "data": posts });
    m.control().inject_on(
        &media_path(),
        Fault::Canned {
            status: 200,
            content_type: "application/json".into(),
            body: body.to_string(),
        },
        1,
    );
    let out = m.out("long-ids");
    let run = m.run(&["download", "--all", "--out", out.to_str().expect("utf8")]);
    assert_eq!(run.code, 0, "was: File name too long: {run:?}");
    assert!(run.stdout.contains("2 saved"), "{run:?}");
    let names = file_names(&out);
    assert_eq!(names.len(), 2, "{names:?}");
    assert!(names.iter().all(|n| n.len() < 255), "{names:?}");
}

/// Permission bits with the sticky bit.
fn full_mode(path: &std::path::Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path)
        .expect("exists")
        .permissions()
        .mode()
        & 0o7777
}

/// A `--config-dir` that is shared (a 1777 temp folder, a 0777 one) is
/// refused in one sentence and left as it was: never chmod'ed to 0700,
/// nothing written in it; the screens say the same and end cleanly.
#[test]
fn a_shared_config_dir_is_refused_and_never_chmoded() {
    use std::os::unix::fs::PermissionsExt;
    let m = Machine::demo();
    for mode in [0o1777, 0o777] {
        let shared = m.out(&format!("shared-{mode:o}"));
        std::fs::create_dir_all(&shared).expect("mkdir");
        std::fs::set_permissions(&shared, std::fs::Permissions::from_mode(mode)).expect("chmod");
        let dir = shared.to_str().expect("utf8 path");
        for args in [
            &["--config-dir", dir, "status"][..],
            &[
                "--config-dir",
                dir,
                "setup",
                "--app-id",
                instatui::fake::DEMO_APP_ID,
                "--redirect-uri",
                instatui::fake::DEMO_REDIRECT_URI,
            ][..],
        ] {
            let run = m.run(args);
            assert_eq!(run.code, 2, "{mode:o} {args:?}: {run:?}");
            let expected = format!(
                "error: {dir} is writable by every user (mode {mode:04o}), so instatui will not \
                 keep its secrets in it nor change its permissions: pass --config-dir \
                 {dir}/instatui to use a folder of instatui's own"
            );
            assert_eq!(run.stderr.trim(), expected, "{args:?}");
            assert_eq!(full_mode(&shared), mode, "{args:?}");
            assert_eq!(
                std::fs::read_dir(&shared).expect("list").count(),
                0,
                "nothing written in {dir}"
            );
        }
        // The folder it suggests works, and is instatui's own (0700).
        let own = shared.join("instatui");
        let own_dir = own.to_str().expect("utf8 path");
        let run = m.run(&[
            "--config-dir",
            own_dir,
            "setup",
            "--app-id",
            instatui::fake::DEMO_APP_ID,
            "--redirect-uri",
            instatui::fake::DEMO_REDIRECT_URI,
        ]);
        assert_eq!(run.code, 0, "{run:?}");
        assert_eq!(full_mode(&own), 0o700);
        assert_eq!(full_mode(&shared), mode);
    }
    // The screens: the same sentence, exit 2, the terminal never left raw.
    let shared = m.out("shared-1777");
    let dir = shared.to_str().expect("utf8 path");
    let ended = crate::common::pty::Pty::spawn(&m, &["--config-dir", dir]).wait_exit();
    assert_eq!(ended.status.code(), Some(2));
    let text = String::from_utf8_lossy(&ended.output);
    assert!(
        text.contains("so instatui will not keep its secrets in it nor change its permissions"),
        "{text}"
    );
    assert!(!ended.left_raw);
    assert_eq!(full_mode(&shared), 0o1777);
}
