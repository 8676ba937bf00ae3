//! Handoffs end to end: the `instatui` binary against the embedded fake,
//! handing each new token to a .env file and to a command.

use crate::common::cli::{HOUR, Machine, mode};
use std::time::{Duration, Instant};

fn refresh_a_day_later(m: &Machine) -> crate::common::cli::Run {
    m.control().advance_clock(25 * HOUR);
    m.run_with(&["refresh"], |c| {
        c.env("INSTATUI_CLOCK_SKEW", "25h");
    })
}

#[test]
fn a_refresh_updates_the_dotenv_line_and_runs_the_command_with_the_token_in_its_environment() {
    let m = Machine::demo();
    m.authorized();
    let site = m.out("site");
    std::fs::create_dir_all(&site).unwrap();
    let env_file = site.join(".env");
    let theirs_before = b"# build settings\r\nSITE_URL=https://example.com\r\nINSTAGRAM_ACCESS_TOKEN=\"stale\"\r\n\xffODD=bytes";
    std::fs::write(&env_file, theirs_before).unwrap();
    let pushed = m.out("pushed.txt");

    let add = m.run(&["handoff", "add", "--dotenv", env_file.to_str().unwrap()]);
    assert_eq!(add.code, 0, "{add:?}");
    assert!(add.stdout.contains("Added handoff 1"), "{add:?}");
    let command = format!(
        "printf '%s %s %s' \"$INSTAGRAM_ACCESS_TOKEN\" \"$INSTAGRAM_USER_ID\" \"$INSTAGRAM_TOKEN_EXPIRES_AT\" > '{}'; echo pushed",
        pushed.display()
    );
    let add = m.run(&["handoff", "add", "--exec", &command]);
    assert_eq!(add.code, 0, "{add:?}");

    let run = refresh_a_day_later(&m);
    assert_eq!(run.code, 0, "{run:?}");
    let token = m.raw_token();
    let after = std::fs::read(&env_file).unwrap();
    let expected = [
        b"# build settings\r\nSITE_URL=https://example.com\r\nINSTAGRAM_ACCESS_TOKEN=\"".as_slice(),
        token.as_bytes(),
        b"\"\r\n\xffODD=bytes",
    ]
    .concat();
    assert_eq!(after, expected, "only the token line changed");
    let got = std::fs::read_to_string(&pushed).unwrap();
    let fields: Vec<&str> = got.split(' ').collect();
    assert_eq!(fields[0], token, "the command saw the new token");
    assert_eq!(fields[1], m.account()["token"]["user_id"].as_str().unwrap());
    // The professional id, which /{id}/media takes; not the app-scoped one.
    assert_eq!(fields[1], instatui::fake::DEMO_USER_ID);
    assert_eq!(
        fields[2],
        m.account()["token"]["expires_at"].as_str().unwrap()
    );

    let list = m.run(&["handoff", "list"]);
    assert_eq!(list.code, 0, "{list:?}");
    assert_eq!(list.stdout.matches("last run: ok").count(), 2, "{list:?}");
    assert!(list.stdout.contains("| pushed"), "{list:?}");
    let json = m.run(&["handoff", "list", "--json"]);
    let json: serde_json::Value = serde_json::from_str(&json.stdout).expect("JSON");
    assert_eq!(json[1]["last"]["exit_code"], 0);
    assert!(
        !m.printed.borrow().contains(&token),
        "the token is never printed"
    );
}

#[test]
fn a_new_dotenv_file_is_private_and_exchange_hands_the_token_on_too() {
    let m = Machine::demo();
    m.authorized();
    let env_file = m.out(".env");
    let add = m.run(&[
        "handoff",
        "add",
        "--dotenv",
        env_file.to_str().unwrap(),
        "--var",
        "IG_TOKEN",
    ]);
    assert_eq!(add.code, 0, "{add:?}");
    let run = m.run(&["handoff", "run"]);
    assert_eq!(run.code, 0, "{run:?}");
    assert_eq!(mode(&env_file), 0o600);
    assert_eq!(
        std::fs::read_to_string(&env_file).unwrap(),
        format!("IG_TOKEN={}\n", m.raw_token())
    );

    // Authorizing again brings a new token, which reaches the file.
    let first = m.raw_token();
    let landed = m.authorize_in_browser();
    let run = m.run_with(&["exchange"], |c| {
        c.write_stdin(landed.clone());
    });
    assert_eq!(run.code, 0, "{run:?}");
    assert_ne!(m.raw_token(), first);
    assert_eq!(
        std::fs::read_to_string(&env_file).unwrap(),
        format!("IG_TOKEN={}\n", m.raw_token())
    );
}

#[test]
fn a_failing_command_costs_the_exit_code_not_the_token() {
    let m = Machine::demo();
    m.authorized();
    let before = m.raw_token();
    let add = m.run(&[
        "handoff",
        "add",
        "--exec",
        "echo 'cannot reach the CMS' >&2; exit 4",
    ]);
    assert_eq!(add.code, 0, "{add:?}");
    let run = refresh_a_day_later(&m);
    assert_eq!(run.code, 1, "{run:?}");
    assert!(run.stdout.contains("Refreshed"), "{run:?}");
    assert!(
        run.stderr.contains(
            "handoff 1 failed (the token itself is saved): fix it, then 'instatui handoff run 1'"
        ),
        "{run:?}"
    );
    assert!(
        run.stderr.contains("exited 4: cannot reach the CMS"),
        "{run:?}"
    );
    assert_ne!(m.raw_token(), before, "the new token is saved");
    let list = m.run(&["handoff", "list"]);
    assert!(list.stdout.contains("FAILED"), "{list:?}");
    assert!(list.stdout.contains("| cannot reach the CMS"), "{list:?}");
}

#[test]
fn a_command_that_hangs_is_stopped_at_its_timeout() {
    let m = Machine::demo();
    m.authorized();
    let add = m.run(&["handoff", "add", "--exec", "sleep 60", "--timeout", "1s"]);
    assert_eq!(add.code, 0, "{add:?}");
    let started = Instant::now();
    let run = m.run(&["handoff", "run", "1"]);
    assert!(
        started.elapsed() < Duration::from_secs(30),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(run.code, 1, "{run:?}");
    assert!(
        run.stderr
            .contains("did not finish within 1s and was stopped: make the command finish sooner"),
        "{run:?}"
    );
}

#[test]
fn a_dotenv_path_that_cannot_be_written_is_refused_in_one_sentence() {
    let m = Machine::demo();
    m.authorized();
    let missing = m.out("no-such-folder/.env");
    let add = m.run(&["handoff", "add", "--dotenv", missing.to_str().unwrap()]);
    assert_eq!(add.code, 1, "{add:?}");
    assert_eq!(add.stderr.lines().count(), 1, "{add:?}");
    assert!(add.stderr.contains("does not exist: create it"), "{add:?}");

    // An existing folder is not a file to write the line into.
    let folder = m.out("site2");
    std::fs::create_dir_all(&folder).unwrap();
    let add = m.run(&["handoff", "add", "--dotenv", folder.to_str().unwrap()]);
    assert_eq!(add.code, 1, "{add:?}");
    assert_eq!(add.stderr.lines().count(), 1, "{add:?}");
    assert!(
        add.stderr.contains(&format!(
            "{} is a folder: give the path of a file in it, like {}; nothing was added",
            folder.display(),
            folder.join(".env").display()
        )),
        "{add:?}"
    );

    let locked = m.out("locked");
    std::fs::create_dir_all(&locked).unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o500)).unwrap();
    let writable = tempfile::tempfile_in(&locked).is_ok();
    let add = m.run(&[
        "handoff",
        "add",
        "--dotenv",
        locked.join(".env").to_str().unwrap(),
    ]);
    std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o700)).unwrap();
    if !writable {
        // (root writes anywhere; the check only means something otherwise)
        assert_eq!(add.code, 1, "{add:?}");
        assert!(add.stderr.contains("make the folder writable"), "{add:?}");
    }
    let list = m.run(&["handoff", "list", "--json"]);
    let json: serde_json::Value = serde_json::from_str(&list.stdout).expect("JSON");
    assert_eq!(json.as_array().map(Vec::len), Some(usize::from(writable)));

    // A folder that disappears later: the refresh still keeps its token.
    let gone = m.out("gone");
    std::fs::create_dir_all(&gone).unwrap();
    let add = m.run(&[
        "handoff",
        "add",
        "--dotenv",
        gone.join(".env").to_str().unwrap(),
    ]);
    assert_eq!(add.code, 0, "{add:?}");
    std::fs::remove_dir(&gone).unwrap();
    let before = m.raw_token();
    let run = refresh_a_day_later(&m);
    assert_eq!(run.code, 1, "{run:?}");
    assert!(run.stderr.contains("does not exist: create it"), "{run:?}");
    assert_ne!(m.raw_token(), before);

    let remove = m.run(&["handoff", "remove", "99"]);
    assert_eq!(remove.code, 2, "{remove:?}");
    assert!(
        remove.stderr.contains("'instatui handoff list' shows them"),
        "{remove:?}"
    );
}

#[test]
fn a_handoff_runs_with_its_own_accounts_token_and_goes_with_its_account() {
    use instatui::fake::{DEMO_USERNAME, SHOP_USERNAME};
    let m = Machine::demo();
    m.authorized();
    crate::cli::accounts::add_shop_account(&m);
    // The shop is active; the handoff belongs to the first account.
    let seen = m.out("seen.txt");
    let command = format!(
        "printf '%s' \"$INSTAGRAM_USERNAME\" > '{}'; exit 3",
        seen.display()
    );
    let add = m.run(&[
        "--account",
        DEMO_USERNAME,
        "handoff",
        "add",
        "--exec",
        &command,
    ]);
    assert_eq!(add.code, 0, "{add:?}");
    let add = m.run(&[
        "--account",
        DEMO_USERNAME,
        "handoff",
        "add",
        "--exec",
        "exit 4",
    ]);
    assert_eq!(add.code, 0, "{add:?}");

    let run = m.run(&["--account", DEMO_USERNAME, "handoff", "run"]);
    assert_eq!(run.code, 1, "{run:?}");
    assert!(
        run.stderr.contains("handoffs 1 and 2 failed (the tokens themselves are saved): fix them, then 'instatui handoff run 1' and 'instatui handoff run 2'"),
        "{run:?}"
    );
    std::fs::remove_file(&seen).unwrap();

    // What the advice says works with the shop still active.
    let run = m.run(&["handoff", "run", "1"]);
    assert_eq!(run.code, 1, "{run:?}");
    assert!(run.stderr.contains("exited 3"), "it ran: {run:?}");
    assert_eq!(
        std::fs::read_to_string(&seen).unwrap(),
        DEMO_USERNAME,
        "with its own account's token"
    );

    // Listed by name, and --account lists that account's only.
    let list = m.run(&["handoff", "list"]);
    assert!(
        list.stdout.contains(&format!("(@{DEMO_USERNAME})")),
        "{list:?}"
    );
    let list = m.run(&["--account", SHOP_USERNAME, "handoff", "list"]);
    assert_eq!(list.code, 0, "{list:?}");
    assert!(
        list.stdout
            .contains(&format!("No handoffs for @{SHOP_USERNAME}")),
        "{list:?}"
    );

    // Removing the account removes its handoffs, and says so.
    let remove = m.run(&["accounts", "remove", DEMO_USERNAME]);
    assert_eq!(remove.code, 0, "{remove:?}");
    assert!(
        remove.stdout.contains(&format!(
            "Forgot @{DEMO_USERNAME}, its token and its handoffs 1 and 2."
        )),
        "{remove:?}"
    );
    let list = m.run(&["handoff", "list", "--json"]);
    assert_eq!(list.stdout.trim(), "[]", "{list:?}");

    // One an older instatui left behind for a removed account says so, and
    // names the command that clears it.
    let mut state = m.state();
    state["handoffs"] = serde_json::json!([{
        "id": 7, "account": "1000000000000001", "kind": "exec",
        "command": "exit 3", "timeout_secs": 60,
        "last": {"at": "2026-01-01T00:00:00Z", "ok": false, "summary": "exited 3"}
    }]);
    std::fs::write(m.state_path(), state.to_string()).unwrap();
    let list = m.run(&["handoff", "list"]);
    assert!(
        list.stdout.contains("user 1000000000000001, whose account is no longer stored: 'instatui handoff remove 7' removes it"),
        "{list:?}"
    );
    let run = m.run(&["handoff", "run", "7"]);
    assert_eq!(run.code, 1, "{run:?}");
    assert!(
        run.stderr.contains("'instatui handoff remove 7'"),
        "{run:?}"
    );
    assert_eq!(m.run(&["handoff", "remove", "7"]).code, 0);
}

/// Issue 24: a handoff belongs to its account, its app and professional
/// id together. The same person under two apps is two accounts with one
/// professional id: each has its own handoffs, handed its own app's token,
/// with the professional id as `INSTAGRAM_USER_ID` and the app-scoped one
/// only as `INSTAGRAM_APP_SCOPED_USER_ID`; removing one keeps the other's.
#[test]
fn a_handoff_belongs_to_its_accounts_app_and_gets_the_professional_id() {
    use crate::cli::accounts::{SECOND_APP_TOKEN, same_person_under_a_second_app};
    use instatui::fake::{DEMO_APP_ID, DEMO_USER_ID, DEMO_USERNAME};
    let m = Machine::demo();
    m.authorized();
    same_person_under_a_second_app(&m);
    let second = format!("{DEMO_USERNAME}@424242");
    let seen = m.out("seen.txt");
    let command = format!(
        "printf '%s %s %s' \"$INSTAGRAM_ACCESS_TOKEN\" \"$INSTAGRAM_USER_ID\" \"$INSTAGRAM_APP_SCOPED_USER_ID\" > '{}'",
        seen.display()
    );
    let add = m.run(&["--account", &second, "handoff", "add", "--exec", &command]);
    assert_eq!(add.code, 0, "{add:?}");

    // The first app's account (the active one) has none of it.
    let run = m.run(&["handoff", "run"]);
    assert_eq!(run.code, 0, "{run:?}");
    assert!(
        run.stdout
            .contains(&format!("No handoffs for @{DEMO_USERNAME}@{DEMO_APP_ID}")),
        "{run:?}"
    );
    assert!(!seen.exists(), "the first app's token went nowhere");

    let run = m.run(&["--account", &second, "handoff", "run"]);
    assert_eq!(run.code, 0, "{run:?}");
    assert_eq!(
        std::fs::read_to_string(&seen).unwrap(),
        format!("{SECOND_APP_TOKEN} {DEMO_USER_ID} 5550001"),
        "its own app's token, the professional id, the app-scoped one by its own name"
    );
    let list = m.run(&["handoff", "list"]);
    assert!(list.stdout.contains(&format!("(@{second})")), "{list:?}");

    // Removing the first app's account leaves the second's handoff.
    let remove = m.run(&[
        "accounts",
        "remove",
        &format!("{DEMO_USERNAME}@{DEMO_APP_ID}"),
    ]);
    assert_eq!(remove.code, 0, "{remove:?}");
    assert!(
        remove.stdout.contains(&format!(
            "Forgot @{DEMO_USERNAME}@{DEMO_APP_ID} and its token"
        )),
        "{remove:?}"
    );
    let list = m.run(&["handoff", "list", "--json"]);
    let list: serde_json::Value = serde_json::from_str(&list.stdout).expect("JSON");
    assert_eq!(list.as_array().map(Vec::len), Some(1), "{list}");
    assert_eq!(list[0]["app_id"], "424242");
    assert_eq!(list[0]["account"], DEMO_USER_ID);
}

#[test]
fn an_expired_token_is_not_handed_on_and_the_exit_says_authorize() {
    use instatui::fake::DEMO_USERNAME;
    let m = Machine::demo();
    m.authorized();
    let env_file = m.out(".env");
    let add = m.run(&["handoff", "add", "--dotenv", env_file.to_str().unwrap()]);
    assert_eq!(add.code, 0, "{add:?}");
    for args in [&["handoff", "run"][..], &["handoff", "run", "1"][..]] {
        // 61 days on, the 60-day token is dead.
        let run = m.run_with(args, |c| {
            c.env("INSTATUI_CLOCK_SKEW", "61d");
        });
        assert_eq!(run.code, 3, "{run:?}");
        assert_eq!(run.stderr.lines().count(), 1, "{run:?}");
        assert!(
            run.stderr.contains(&format!(
                "@{DEMO_USERNAME}'s token is expired, so nothing was handed on: authorize again"
            )),
            "{run:?}"
        );
        assert!(!env_file.exists(), "nothing written");
    }
}

#[test]
fn ctrl_c_stops_a_running_handoff_with_what_it_started_and_records_it() {
    let m = Machine::demo();
    m.authorized();
    let fifo = m.out("started");
    assert!(
        std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap()
            .success()
    );
    let pid_file = m.out("sleeper");
    // It starts a child of its own, says so on the FIFO, and waits.
    let command = format!(
        "sleep 77 & echo $! > '{}'; echo up > '{}'; wait",
        pid_file.display(),
        fifo.display()
    );
    assert_eq!(m.run(&["handoff", "add", "--exec", &command]).code, 0);
    let env_file = m.out(".env");
    assert_eq!(
        m.run(&["handoff", "add", "--dotenv", env_file.to_str().unwrap()])
            .code,
        0
    );

    let mut cmd = m.process();
    cmd.args(["handoff", "run"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped());
    let child = cmd.spawn().unwrap();
    // Opening the FIFO waits until the command writes to it: it runs.
    let mut line = String::new();
    std::io::BufRead::read_line(
        &mut std::io::BufReader::new(std::fs::File::open(&fifo).unwrap()),
        &mut line,
    )
    .unwrap();
    assert_eq!(line, "up\n");
    let killed = std::process::Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(130), "{stderr}");
    assert!(
        stderr.contains("error: interrupted by Ctrl-C (SIGINT): handoffs 1 and 2 failed"),
        "{stderr}"
    );

    // What the command started is gone too (at most a zombie until init reaps it).
    let sleeper = std::fs::read_to_string(&pid_file).unwrap();
    let stat = std::fs::read_to_string(format!("/proc/{}/stat", sleeper.trim()));
    if let Ok(stat) = stat {
        let state = stat.rsplit(") ").next().unwrap_or("").chars().next();
        assert!(matches!(state, Some('Z' | 'X')), "still running: {stat}");
    }

    // Both outcomes are recorded, and nothing was written after the stop.
    let list = m.run(&["handoff", "list"]);
    assert!(
        list.stdout
            .contains("stopped before it finished, with everything it started, because instatui was interrupted"),
        "{list:?}"
    );
    assert!(
        list.stdout
            .contains("not run: instatui was interrupted first; 'instatui handoff run 2' runs it"),
        "{list:?}"
    );
    assert!(!env_file.exists());
}

#[cfg(unix)]
fn mkfifo(path: &std::path::Path) {
    let c = std::ffi::CString::new(path.to_str().unwrap()).unwrap();
    // SAFETY: a valid NUL-terminated path.
    assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
}

#[cfg(unix)]
#[test]
fn a_fifo_or_a_device_is_never_a_dotenv_target_and_never_blocks_the_handoffs_after_it() {
    let m = Machine::demo();
    m.authorized();
    let site = m.out("fifo-site");
    std::fs::create_dir_all(&site).unwrap();
    let fifo = site.join("pipe.env");
    mkfifo(&fifo);
    for target in [fifo.to_str().unwrap(), "/dev/null"] {
        let add = m.run(&["handoff", "add", "--dotenv", target]);
        assert_eq!(add.code, 1, "{add:?}");
        assert!(add.stderr.contains("not a regular file"), "{add:?}");
        assert!(add.stderr.contains("nothing was added"), "{add:?}");
    }

    // A file when added, a FIFO by the time it is written.
    let env_file = site.join(".env");
    std::fs::write(&env_file, b"X=1\n").unwrap();
    let add = m.run(&["handoff", "add", "--dotenv", env_file.to_str().unwrap()]);
    assert_eq!(add.code, 0, "{add:?}");
    let pushed = m.out("after-fifo.txt");
    let command = format!("echo ran > '{}'", pushed.display());
    let add = m.run(&["handoff", "add", "--exec", &command]);
    assert_eq!(add.code, 0, "{add:?}");
    std::fs::remove_file(&env_file).unwrap();
    mkfifo(&env_file);
    let run = m.run_with(&["handoff", "run"], |c| {
        // A guard against the hang this replaces, not a synchronisation.
        c.timeout(Duration::from_secs(30));
    });
    assert_eq!(
        run.code, 1,
        "was: blocked forever opening the FIFO: {run:?}"
    );
    assert!(
        run.stderr
            .contains("is a named pipe (FIFO), not a regular file"),
        "{run:?}"
    );
    assert_eq!(
        std::fs::read_to_string(&pushed).unwrap(),
        "ran\n",
        "the handoff after it still ran"
    );
    use std::os::unix::fs::FileTypeExt;
    assert!(std::fs::metadata(&env_file).unwrap().file_type().is_fifo());
}

/// Fails when any 12 characters of `token` in a row show in `text`.
fn assert_no_piece_of(token: &str, text: &str, what: &str) {
    let chars: Vec<char> = token.chars().collect();
    for window in chars.windows(12) {
        let piece: String = window.iter().collect();
        assert!(!text.contains(&piece), "{what} shows {piece:?}: {text}");
    }
}

#[test]
fn a_token_in_a_commands_output_is_masked_before_anything_is_cut() {
    let m = Machine::demo();
    m.authorized();
    // 150 characters then the token (the line is cut at 200: was cut first,
    // masked after, so 50 characters of the token stayed); the token folded
    // over two lines; a 20-character piece of it.
    for command in [
        r#"printf '%150s%s\n' '' "$INSTAGRAM_ACCESS_TOKEN"; exit 1"#,
        r#"printf '%s\n' "$INSTAGRAM_ACCESS_TOKEN" | fold -w 60; exit 1"#,
        r#"printf 'part %s\n' "$(printf %s "$INSTAGRAM_ACCESS_TOKEN" | cut -c 30-49)"; exit 1"#,
    ] {
        let add = m.run(&["handoff", "add", "--exec", command]);
        assert_eq!(add.code, 0, "{add:?}");
    }
    let token = m.raw_token();
    let run = m.run(&["handoff", "run"]);
    assert_eq!(run.code, 1, "{run:?}");
    assert_no_piece_of(&token, &run.stderr, "handoff run");
    assert_no_piece_of(&token, &run.stdout, "handoff run");
    for args in [
        &["handoff", "list"][..],
        &["handoff", "list", "--json"],
        &["keep-alive", "status"],
        &["status"],
    ] {
        let shown = m.run(args);
        assert_no_piece_of(&token, &shown.stdout, &args.join(" "));
        assert_no_piece_of(&token, &shown.stderr, &args.join(" "));
    }
    let stored = std::fs::read_to_string(m.state_path()).unwrap();
    let handoffs = stored
        .split("\"handoffs\"")
        .nth(1)
        .expect("handoffs stored");
    assert_no_piece_of(&token, handoffs, "the recorded outcomes");
    assert!(
        handoffs.contains("…"),
        "the token's place is marked: {handoffs}"
    );
}

/// A removed handoff's id is never given again: a cron line running
/// `handoff run 2` must not reach a handoff added after 2 was removed.
#[test]
fn a_removed_handoffs_id_is_never_given_again() {
    let m = Machine::demo();
    m.authorized();
    let add = || m.run(&["handoff", "add", "--exec", "true"]);
    assert!(add().stdout.contains("Added handoff 1"));
    assert!(add().stdout.contains("Added handoff 2"));
    assert_eq!(m.run(&["handoff", "remove", "2"]).code, 0);
    let third = add();
    assert!(third.stdout.contains("Added handoff 3"), "{third:?}");
    assert_eq!(m.run(&["handoff", "remove", "3"]).code, 0);
    assert_eq!(m.run(&["handoff", "remove", "1"]).code, 0);
    let fourth = add();
    assert!(fourth.stdout.contains("Added handoff 4"), "{fourth:?}");
    let run = m.run(&["handoff", "run", "2"]);
    assert_eq!(run.code, 2, "{run:?}");
}
