//! A server answering the token calls with something Instagram never sends:
//! a token a shell would act on, an expiry that makes no sense. Nothing of
//! it is stored, written to a `.env` or handed to a command.

use crate::common::cli::{Machine, Run};
use instatui::fake::Fault;

const PWNED: &str = "IGAA;id>PWNED";

fn token_answer(token: &str, expires_in: i64) -> Fault {
    Fault::Canned {
        status: 200,
        content_type: "application/json".into(),
        body: serde_json::json!({
            "access_token": token,
            "user_id": 17841400000000001_u64,
            "token_type": "bearer",
            "expires_in": expires_in,
        })
        .to_string(),
    }
}

/// An authorized machine with a `.env` handoff and a command handoff that
/// records the token it was given.
struct Handed {
    m: Machine,
    env_file: std::path::PathBuf,
    pushed: std::path::PathBuf,
}

fn with_handoffs() -> Handed {
    let m = Machine::demo();
    m.authorized();
    let env_file = m.out(".env");
    std::fs::create_dir_all(env_file.parent().unwrap()).unwrap();
    std::fs::write(&env_file, b"INSTAGRAM_ACCESS_TOKEN=before\n").unwrap();
    let add = m.run(&["handoff", "add", "--dotenv", env_file.to_str().unwrap()]);
    assert_eq!(add.code, 0, "{add:?}");
    let pushed = m.out("pushed.txt");
    let command = format!(
        "printf '%s' \"$INSTAGRAM_ACCESS_TOKEN\" > '{}'",
        pushed.display()
    );
    let add = m.run(&["handoff", "add", "--exec", &command]);
    assert_eq!(add.code, 0, "{add:?}");
    Handed {
        m,
        env_file,
        pushed,
    }
}

impl Handed {
    /// Nothing stored, nothing written, nothing handed on, and the `.env`
    /// still sources to the value it had without running anything.
    fn assert_untouched(&self, what: &str, run: &Run, token_before: &str) {
        assert_ne!(run.code, 0, "{what}: {run:?}");
        assert!(
            run.stderr.contains("not what Instagram answers"),
            "{what}: {run:?}"
        );
        assert!(!run.stderr.contains("PWNED"), "{what}: {run:?}");
        assert_eq!(self.m.raw_token(), token_before, "{what}: not stored");
        assert_eq!(
            std::fs::read(&self.env_file).unwrap(),
            b"INSTAGRAM_ACCESS_TOKEN=before\n",
            "{what}: .env untouched"
        );
        assert!(!self.pushed.exists(), "{what}: not handed on");
        let dir = self.env_file.parent().unwrap();
        let out = std::process::Command::new("sh")
            .arg("-c")
            .arg("set -a; . ./.env; printf %s \"$INSTAGRAM_ACCESS_TOKEN\"")
            .current_dir(dir)
            .output()
            .unwrap();
        assert_eq!(out.stdout, b"before", "{what}");
        assert!(!dir.join("PWNED").exists(), "{what}: nothing ran");
    }
}

#[test]
fn a_refresh_answering_a_token_a_shell_would_run_is_refused_and_never_handed_on() {
    let h = with_handoffs();
    let before = h.m.raw_token();
    h.m.control()
        .inject_on("/refresh_access_token", token_answer(PWNED, 5_184_000), 1);
    let run = h.m.run(&["refresh", "--force"]);
    h.assert_untouched("refresh", &run, &before);
    assert!(run.stderr.contains("cannot be one"), "{run:?}");

    // `handoff run` afterwards hands on the kept token, not the refused one.
    let run = h.m.run(&["handoff", "run"]);
    assert_eq!(run.code, 0, "{run:?}");
    assert_eq!(std::fs::read_to_string(&h.pushed).unwrap(), before);
}

#[test]
fn the_exchanges_refuse_a_token_of_the_wrong_shape_and_store_nothing() {
    for path in ["/oauth/access_token", "/access_token"] {
        let m = Machine::demo();
        m.setup();
        let landed = m.authorize_in_browser();
        m.control()
            .inject_on(path, token_answer(PWNED, 5_184_000), 1);
        let run = m.run_with(&["exchange"], |c| {
            c.write_stdin(landed.clone());
        });
        assert_ne!(run.code, 0, "{path}: {run:?}");
        assert!(run.stderr.contains("cannot be one"), "{path}: {run:?}");
        assert!(!run.stderr.contains("PWNED"), "{path}: {run:?}");
        // The long-lived exchange failing keeps the short-lived token it
        // started from, as any failure of it does; never the refused one.
        let stored = if m.state_path().exists() {
            m.state().to_string()
        } else {
            String::new()
        };
        assert!(!stored.contains("PWNED"), "{path}: {stored}");
        if path == "/oauth/access_token" {
            assert!(m.account()["token"].is_null(), "{path}: {stored}");
        }
    }
}

#[test]
fn login_with_a_token_of_the_wrong_shape_is_refused_before_anything_is_sent() {
    let m = Machine::demo();
    for pasted in [PWNED, "IGAA$(touch PWNED)xxxxxxxxxxxxxxxx", "IGAAshort"] {
        let run = m.run_with(&["login", "--with-token"], |c| {
            c.write_stdin(format!("{pasted}\n"));
        });
        assert_eq!(run.code, 2, "{run:?}");
        assert!(
            run.stderr.contains("does not look like an access token"),
            "{run:?}"
        );
        assert!(!run.stderr.contains("PWNED"), "{run:?}");
    }
    assert_eq!(m.requests_to("/me"), 0, "nothing sent");
    assert!(!m.state_path().exists() || m.account()["token"].is_null());
}

#[test]
fn a_refresh_answering_an_expiry_that_makes_no_sense_is_not_refreshed() {
    let h = with_handoffs();
    let before = h.m.raw_token();
    let expires_before = h.m.token_json()["expires_at"].clone();
    // A well-shaped token, so only the expiry is wrong.
    let fresh = format!("IGAA{}", "x".repeat(150));
    for expires_in in [-100, 0, 10 * 365 * 86_400] {
        h.m.control()
            .inject_on("/refresh_access_token", token_answer(&fresh, expires_in), 1);
        let run = h.m.run(&["refresh", "--force"]);
        h.assert_untouched(&format!("expires_in {expires_in}"), &run, &before);
        assert!(!run.stdout.contains("Refreshed"), "{run:?}");
        assert!(
            run.stderr
                .contains(&format!("an expiry of {expires_in} seconds")),
            "{run:?}"
        );
        assert_eq!(h.m.token_json()["expires_at"], expires_before);
    }
}

#[test]
fn a_long_lived_exchange_answering_a_past_expiry_stores_no_long_lived_token() {
    let m = Machine::demo();
    m.setup();
    let landed = m.authorize_in_browser();
    let fresh = format!("IGAA{}", "y".repeat(150));
    m.control()
        .inject_on("/access_token", token_answer(&fresh, -100), 1);
    let run = m.run_with(&["exchange"], |c| {
        c.write_stdin(landed.clone());
    });
    assert_ne!(run.code, 0, "{run:?}");
    assert!(run.stderr.contains("an expiry of -100 seconds"), "{run:?}");
    assert_ne!(m.raw_token(), fresh, "{}", m.state());
}

#[test]
fn a_hand_edited_timeout_of_any_size_never_panics() {
    let m = Machine::demo();
    m.authorized();
    let pushed = m.out("pushed.txt");
    let command = format!("echo ran > '{}'", pushed.display());
    let add = m.run(&["handoff", "add", "--exec", &command]);
    assert_eq!(add.code, 0, "{add:?}");
    let text = std::fs::read_to_string(m.state_path()).unwrap();
    let edited = text.replace(
        "\"timeout_secs\": 60",
        &format!("\"timeout_secs\": {}", u64::MAX),
    );
    assert_ne!(edited, text, "{text}");
    std::fs::write(m.state_path(), edited).unwrap();
    let run = m.run(&["handoff", "run"]);
    assert_eq!(run.code, 0, "was: a panic on the deadline: {run:?}");
    assert!(!run.stderr.contains("panicked"), "{run:?}");
    assert_eq!(std::fs::read_to_string(&pushed).unwrap(), "ran\n");
    let list = m.run(&["handoff", "list"]);
    assert_eq!(list.code, 0, "{list:?}");
}

/// `args` with `/dev/zero` as stdin, as a plain process (the real file,
/// not a copy of it in memory); a guard against a hang, not a wait.
fn with_endless_stdin(m: &Machine, args: &[&str], no_secret_env: bool) -> Run {
    let mut cmd = m.process();
    if no_secret_env {
        cmd.env_remove("INSTATUI_APP_SECRET");
    }
    let mut child = cmd
        .args(args)
        .stdin(std::fs::File::open("/dev/zero").unwrap())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let started = std::time::Instant::now();
    while child.try_wait().unwrap().is_none() {
        if started.elapsed() > std::time::Duration::from_secs(30) {
            let _ = child.kill();
            panic!("was: read /dev/zero until memory ran out");
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    m.finish(child.wait_with_output().unwrap())
}

#[test]
fn stdin_reads_stop_at_a_few_kib_with_a_sentence() {
    let m = Machine::demo();
    let run = with_endless_stdin(&m, &["login", "--with-token"], false);
    assert_eq!(run.code, 2, "{run:?}");
    assert!(run.stderr.contains("more than 8 KiB"), "{run:?}");
    let run = with_endless_stdin(
        &m,
        &[
            "setup",
            "--app-id",
            instatui::fake::DEMO_APP_ID,
            "--redirect-uri",
            instatui::fake::DEMO_REDIRECT_URI,
        ],
        true,
    );
    assert_eq!(run.code, 2, "{run:?}");
    assert!(run.stderr.contains("more than 8 KiB"), "{run:?}");
    assert!(
        !m.state_path().exists() || m.app().is_null(),
        "nothing stored"
    );
    // The pasted redirect and a pasted error page: bounded too, and said.
    m.setup();
    let run = with_endless_stdin(&m, &["exchange", "-"], false);
    assert_eq!(run.code, 2, "{run:?}");
    assert!(run.stderr.contains("more than 64 KiB"), "{run:?}");
    let run = with_endless_stdin(&m, &["doctor", "--explain", "-"], false);
    assert_eq!(run.code, 2, "{run:?}");
    assert!(run.stderr.contains("more than 64 KiB"), "{run:?}");
}
