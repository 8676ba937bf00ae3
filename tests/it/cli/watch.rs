//! Issue 19's "done when", on the command line: two accounts, an `--exec` and a
//! `--webhook` notifier, the fake revoking the second account's tokens, and what
//! `keep-alive run`, `status` and the notifiers then say.

use super::accounts::add_shop_account;
use crate::common::cli::Machine;
use instatui::fake::{DEMO_APP_SECRET, DEMO_USERNAME, SHOP_USERNAME};
use serde_json::Value;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::sync::{Arc, Mutex};

/// A webhook receiver on loopback: every POST body it gets, in order.
struct Receiver {
    url: String,
    bodies: Arc<Mutex<Vec<String>>>,
}

impl Receiver {
    fn start() -> Receiver {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
        let url = format!("http://{}/hook", listener.local_addr().expect("addr"));
        let bodies = Arc::new(Mutex::new(Vec::new()));
        let kept = bodies.clone();
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(mut stream) = stream else { continue };
                let mut reader = BufReader::new(stream.try_clone().expect("clone"));
                let mut length = 0usize;
                let mut json = false;
                let mut lines = 0;
                loop {
                    let mut line = String::new();
                    if reader.read_line(&mut line).unwrap_or(0) == 0 || line == "\r\n" {
                        break;
                    }
                    lines += 1;
                    let lower = line.to_ascii_lowercase();
                    if let Some(v) = lower.strip_prefix("content-length:") {
                        length = v.trim().parse().unwrap_or(0);
                    }
                    if lower.starts_with("content-type: application/json") {
                        json = true;
                    }
                }
                if lines == 0 {
                    // A connection that sent nothing (doctor's probe).
                    continue;
                }
                let mut body = vec![0; length];
                let _ = reader.read_exact(&mut body);
                assert!(json, "the webhook is sent as application/json");
                kept.lock()
                    .expect("lock")
                    .push(String::from_utf8_lossy(&body).into_owned());
                let _ = stream.write_all(
                    b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
                );
            }
        });
        Receiver { url, bodies }
    }

    fn received(&self) -> Vec<Value> {
        self.bodies
            .lock()
            .expect("lock")
            .iter()
            .map(|b| serde_json::from_str(b).expect("a JSON object"))
            .collect()
    }
}

/// What the `--exec` notifier wrote: one JSON object a line.
fn exec_received(path: &std::path::Path) -> Vec<Value> {
    std::fs::read_to_string(path)
        .unwrap_or_default()
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| serde_json::from_str(l).expect("a JSON object"))
        .collect()
}

#[test]
fn a_revoked_account_is_announced_once_with_its_fix_and_once_when_it_recovers() {
    let m = Machine::demo();
    m.authorized();
    add_shop_account(&m);
    let demo_token = || {
        let v: Value = serde_json::from_str(
            &m.run(&["token", "--json", "--account", DEMO_USERNAME])
                .stdout,
        )
        .expect("JSON");
        (v["token"].clone(), v["expires_at"].clone())
    };
    let demo_token_before = demo_token();

    let hook = Receiver::start();
    let exec_out = m.out("exec.jsonl");
    let exec = format!("cat >> '{0}'; echo >> '{0}'", exec_out.display());
    let add = m.run(&["notify", "add", "--exec", &exec]);
    assert_eq!(add.code, 0, "{add:?}");
    let add = m.run(&["notify", "add", "--webhook", &hook.url]);
    assert_eq!(add.code, 0, "{add:?}");

    // All is well: a run says so and sends nothing.
    let run = m.run(&["keep-alive", "run"]);
    assert_eq!(run.code, 0, "{run:?}");
    assert!(exec_received(&exec_out).is_empty() && hook.received().is_empty());

    // The shop's owner changes their password.
    assert!(m.control().revoke_tokens_of(SHOP_USERNAME));
    let run = m.run(&["keep-alive", "run"]);
    assert_eq!(run.code, 3, "{run:?}");
    assert!(
        run.stdout.contains(&format!("@{SHOP_USERNAME}: revoked")),
        "{run:?}"
    );
    assert!(
        run.stdout.contains(&format!("@{DEMO_USERNAME}: healthy"))
            || run
                .stdout
                .contains(&format!("@{DEMO_USERNAME}: refreshable")),
        "the first account is untouched: {run:?}"
    );
    for (who, got) in [
        ("exec", exec_received(&exec_out)),
        ("webhook", hook.received()),
    ] {
        assert_eq!(got.len(), 1, "{who}: exactly one notice: {got:?}");
        let n = &got[0];
        assert_eq!(n["event"], "worse", "{who}: {n}");
        assert_eq!(n["username"], SHOP_USERNAME, "{who}: {n}");
        assert_eq!(n["condition"], "revoked", "{who}: {n}");
        assert_eq!(n["old_condition"], "healthy", "{who}: {n}");
        assert!(n["user_id"].is_string() && n["app_id"].is_string(), "{n}");
        assert!(
            n["instagram_message"]
                .as_str()
                .is_some_and(|m| m.contains("changed their password")),
            "{who}: Instagram's own words: {n}"
        );
        assert_eq!(
            n["fix"],
            format!("instatui authorize --account {SHOP_USERNAME} --open"),
            "{who}: {n}"
        );
    }

    // Nothing new: nothing sent.
    let again = m.run(&["keep-alive", "run"]);
    assert_eq!(again.code, 3, "{again:?}");
    assert_eq!(exec_received(&exec_out).len(), 1);
    assert_eq!(hook.received().len(), 1);

    // The first account is untouched; status checks live and names the second.
    assert_eq!(demo_token(), demo_token_before);
    let status = m.run(&["status"]);
    assert_eq!(status.code, 3, "{status:?}");
    assert!(
        status.stdout.contains(&format!(
            "@{SHOP_USERNAME}: revoked: the password was changed"
        )) && status.stdout.contains(&format!(
            "fix: instatui authorize --account {SHOP_USERNAME} --open"
        )),
        "{status:?}"
    );
    let json = m.run(&["status", "--json", "--offline"]);
    assert_eq!(json.code, 3, "{json:?}");
    let v: Value = serde_json::from_str(&json.stdout).expect("JSON");
    assert_eq!(v["checked"], false);
    let conditions: Vec<(String, String)> = v["accounts"]
        .as_array()
        .expect("accounts")
        .iter()
        .map(|a| {
            (
                a["username"].as_str().unwrap_or("").to_string(),
                a["condition"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect();
    assert!(
        conditions.contains(&(SHOP_USERNAME.to_string(), "revoked".to_string())),
        "{conditions:?}"
    );

    // Authorized again: one "recovered" on each.
    add_shop_account(&m);
    let run = m.run(&["keep-alive", "run"]);
    assert_eq!(run.code, 0, "{run:?}");
    for (who, got) in [
        ("exec", exec_received(&exec_out)),
        ("webhook", hook.received()),
    ] {
        assert_eq!(got.len(), 2, "{who}: {got:?}");
        assert_eq!(got[1]["event"], "recovered", "{who}: {}", got[1]);
        assert_eq!(got[1]["username"], SHOP_USERNAME);
    }
    let run = m.run(&["keep-alive", "run"]);
    assert_eq!(run.code, 0, "{run:?}");
    assert_eq!(hook.received().len(), 2, "recovered once");

    // No notice, no file of instatui's and nothing printed carries a token
    // or the app secret.
    let mut everything: Vec<String> = hook.bodies.lock().expect("lock").clone();
    everything.push(std::fs::read_to_string(&exec_out).expect("exec output"));
    everything.push(std::fs::read_to_string(m.config_dir().join("watch.json")).expect("watch"));
    everything.push(m.printed.borrow().clone());
    let state = m.state();
    for account in state["accounts"].as_array().expect("accounts") {
        let token = account["token"]["value"].as_str().expect("token");
        for text in &everything {
            assert!(!text.contains(token), "a token leaked: {text}");
        }
    }
    for text in &everything {
        assert!(!text.contains(DEMO_APP_SECRET), "the secret leaked: {text}");
    }
}

#[test]
fn a_manual_refresh_is_never_reported_as_a_failed_scheduled_run() {
    let m = Machine::demo();
    m.authorized();
    // Too young to refresh: a failure of this command, not of keep-alive.
    let run = m.run(&["refresh"]);
    assert_eq!(run.code, 1, "{run:?}");
    let status = m.run(&["keep-alive", "status", "--json"]);
    let v: Value = serde_json::from_str(&status.stdout).expect("JSON");
    assert_eq!(v["last_run"], Value::Null, "{v}");
    assert!(
        !v["problem"]
            .as_str()
            .unwrap_or("")
            .contains("the last run failed"),
        "{v}"
    );
}

#[test]
fn notifiers_are_added_listed_tested_and_removed_and_a_failing_one_is_recorded() {
    let m = Machine::demo();
    m.authorized();
    let bad = m.run(&["notify", "add", "--email", "me@example.org\nBcc: x@y"]);
    assert_eq!(bad.code, 2, "{bad:?}");
    let bad = m.run(&["notify", "add", "--webhook", "file:///etc/passwd"]);
    assert_eq!(bad.code, 2, "{bad:?}");
    let out = m.out("test.json");
    let add = m.run(&[
        "notify",
        "add",
        "--exec",
        &format!("cat > '{}'", out.display()),
    ]);
    assert_eq!(add.code, 0, "{add:?}");
    // A command that hangs is killed at its timeout and recorded.
    let add = m.run(&["notify", "add", "--exec", "sleep 60", "--timeout", "1s"]);
    assert_eq!(add.code, 0, "{add:?}");
    let test = m.run(&["notify", "test"]);
    assert_eq!(test.code, 1, "{test:?}");
    assert!(test.stderr.contains("notifier 2 failed"), "{test:?}");
    let sent: Value =
        serde_json::from_str(&std::fs::read_to_string(&out).expect("sent")).expect("JSON");
    assert_eq!(sent["event"], "test");
    assert_eq!(sent["username"], DEMO_USERNAME);
    let list = m.run(&["notify", "list"]);
    assert_eq!(list.code, 0, "{list:?}");
    assert!(list.stdout.contains("FAILED"), "{list:?}");
    let remove = m.run(&["notify", "remove", "2"]);
    assert_eq!(remove.code, 0, "{remove:?}");
    assert_eq!(m.run(&["notify", "remove", "2"]).code, 2);
    let test = m.run(&["notify", "test"]);
    assert_eq!(test.code, 0, "{test:?}");
}

/// The Token screen's Auto-refresh row, as drawn.
fn auto_refresh_row(app: &instatui::app::App) -> String {
    let mut terminal =
        ratatui::Terminal::new(ratatui::backend::TestBackend::new(120, 30)).expect("terminal");
    terminal
        .draw(|f| instatui::ui::render(app, f))
        .expect("draw");
    let screen = terminal.backend().to_string();
    screen
        .lines()
        .find(|l| l.contains("Auto-refresh"))
        .unwrap_or_else(|| panic!("an Auto-refresh row: {screen}"))
        .to_string()
}

#[test]
fn the_token_screen_refresh_if_and_keep_alive_run_agree_on_when_a_token_is_due() {
    use instatui::app::{App, Effect, Msg, Screen};
    use instatui::lifetime::RefreshPolicy;
    let m = Machine::demo();
    m.authorized();
    add_shop_account(&m);
    let policy = RefreshPolicy::DEFAULT;
    let mut refresh_if = vec!["refresh", "--account", DEMO_USERNAME];
    let args = policy.refresh_args();
    refresh_if.extend(args.iter().map(String::as_str));
    let store = instatui::store::Store::at(m.config_dir());
    let mut aged = std::time::Duration::ZERO;
    // Young, nearly due, due: the fake's clock and instatui's move together.
    for (age_h, due) in [(2, false), (71, false), (73, true)] {
        let age = std::time::Duration::from_secs(age_h * 3600);
        m.control().advance_clock(age - aged);
        aged = age;
        let skew = format!("{age_h}h");
        let now = time::OffsetDateTime::now_utc() + time::Duration::hours(age_h as i64);

        // The policy itself, and the account's condition, on what is stored.
        let state = store.load().expect("state").state;
        let active = state.active().expect("the shop is active").clone();
        let demo = state
            .all_accounts()
            .into_iter()
            .find(|a| a.username() == Some(DEMO_USERNAME))
            .expect("the demo account");
        assert_eq!(policy.due(&demo.token, now), due, "{age_h}h");
        assert_eq!(
            instatui::watch::condition(&demo, None, now).key() == "refresh_due",
            due,
            "{age_h}h"
        );

        // The TUI: the Token screen's row, and what a tick does.
        let mut app = App::new(state, now, time::UtcOffset::UTC);
        app.base_override = Some("http://127.0.0.1:9".into());
        app.screen = Screen::Token;
        let row = auto_refresh_row(&app);
        assert_eq!(
            row.contains("due, refreshing") || row.contains("refreshing now"),
            due,
            "{age_h}h: {row}"
        );
        if !due {
            let at = policy
                .next_refresh_at(&active.token)
                .expect("a next refresh");
            assert!(
                row.contains(&format!(
                    "{} {:02}:{:02}",
                    at.date(),
                    at.hour(),
                    at.minute()
                )),
                "{age_h}h: the row names the policy's moment: {row}"
            );
        }
        let effects: Vec<Effect> = [Msg::Tick]
            .into_iter()
            .flat_map(|msg| instatui::app::update(&mut app, msg, now))
            .collect();
        let refreshes = effects
            .iter()
            .filter(|e| matches!(e, Effect::Refresh { .. }))
            .count();
        assert_eq!(
            refreshes > 0 || app.token.refreshing,
            due,
            "{age_h}h: {effects:?}"
        );

        // `refresh --if-…` with the policy's own options.
        let run = m.run_with(&refresh_if, |c| {
            c.env("INSTATUI_CLOCK_SKEW", &skew);
        });
        assert_eq!(run.code, 0, "{age_h}h: {run:?}");
        assert_eq!(
            run.stdout.starts_with("Refreshed"),
            due,
            "{age_h}h: {run:?}"
        );
        assert_eq!(run.stdout.starts_with("not due"), !due, "{age_h}h: {run:?}");

        // The scheduled run, on the other account (the shop, as old).
        let run = m.run_with(&["keep-alive", "run"], |c| {
            c.env("INSTATUI_CLOCK_SKEW", &skew);
        });
        assert_eq!(run.code, 0, "{age_h}h: {run:?}");
        let shop_line = format!(
            "@{SHOP_USERNAME}: {}",
            if due { "refreshed" } else { "not due" }
        );
        assert!(run.stdout.contains(&shop_line), "{age_h}h: {run:?}");
    }
}

#[test]
fn instagram_down_is_could_not_check_never_revoked_and_a_whole_day_of_it_is_told_once() {
    use instatui::fake::Fault;
    let m = Machine::demo();
    m.authorized();
    let exec_out = m.out("exec.jsonl");
    let exec = format!("cat >> '{0}'; echo >> '{0}'", exec_out.display());
    assert_eq!(m.run(&["notify", "add", "--exec", &exec]).code, 0);
    // Every try of the check meets a proxy's error page (the client tries 4 times).
    let down = || m.control().inject_on("/me", Fault::Html502, 4);
    let run_at = |skew: &str| {
        m.run_with(&["keep-alive", "run"], |c| {
            c.env("INSTATUI_CLOCK_SKEW", skew);
        })
    };

    down();
    let run = run_at("0h");
    assert_eq!(run.code, 1, "trouble, not a new authorize: {run:?}");
    assert!(
        run.stdout
            .contains(&format!("@{DEMO_USERNAME}: could not check")),
        "{run:?}"
    );
    assert!(!run.stdout.contains("revoked"), "{run:?}");
    assert!(
        exec_received(&exec_out).is_empty(),
        "one bad run tells no one"
    );
    let status = m.run(&["status", "--offline"]);
    assert_eq!(status.code, 1, "{status:?}");
    assert!(status.stdout.contains("could not check"), "{status:?}");

    // Still down a day later: told once, with how to look.
    m.control()
        .advance_clock(25 * super::super::common::cli::HOUR);
    down();
    let run = run_at("25h");
    assert_eq!(run.code, 1, "{run:?}");
    let got = exec_received(&exec_out);
    assert_eq!(got.len(), 1, "{got:?}");
    assert_eq!(got[0]["event"], "worse");
    assert_eq!(got[0]["condition"], "not_checked");
    assert_eq!(
        got[0]["fix"],
        format!("instatui status --account {DEMO_USERNAME}")
    );
    assert!(
        got[0]["instagram_message"]
            .as_str()
            .is_some_and(|m| !m.is_empty()),
        "what went wrong: {}",
        got[0]
    );

    // Down again at the next run: nothing new to say.
    m.control()
        .advance_clock(12 * super::super::common::cli::HOUR);
    down();
    let run = run_at("37h");
    assert_eq!(run.code, 1, "{run:?}");
    assert_eq!(exec_received(&exec_out).len(), 1);

    // Back: one "recovered", then silence.
    let run = run_at("37h");
    assert_eq!(run.code, 0, "{run:?}");
    let got = exec_received(&exec_out);
    assert_eq!(got.len(), 2, "{got:?}");
    assert_eq!(got[1]["event"], "recovered");
    assert_eq!(run_at("37h").code, 0);
    assert_eq!(exec_received(&exec_out).len(), 2);
}

#[test]
fn a_rate_limit_during_the_check_is_recorded_with_its_end_and_never_sent() {
    use instatui::fake::Fault;
    let m = Machine::demo();
    m.authorized();
    let exec_out = m.out("exec.jsonl");
    let exec = format!("cat >> '{0}'; echo >> '{0}'", exec_out.display());
    assert_eq!(m.run(&["notify", "add", "--exec", &exec]).code, 0);
    for skew in ["0h", "25h"] {
        if skew == "25h" {
            m.control()
                .advance_clock(25 * super::super::common::cli::HOUR);
        }
        m.control()
            .inject_on("/me", Fault::InstagramRateLimit { minutes: 30 }, 4);
        let run = m.run_with(&["keep-alive", "run"], |c| {
            c.env("INSTATUI_CLOCK_SKEW", skew);
        });
        assert_eq!(run.code, 1, "{run:?}");
        assert!(
            run.stdout
                .contains(&format!("@{DEMO_USERNAME}: rate limited until")),
            "{run:?}"
        );
        assert!(!run.stdout.contains("revoked"), "{run:?}");
    }
    assert!(
        exec_received(&exec_out).is_empty(),
        "a rate limit lifts by itself: nobody is told"
    );
    let status = m.run(&["status", "--offline", "--json"]);
    let v: Value = serde_json::from_str(&status.stdout).expect("JSON");
    assert_eq!(v["accounts"][0]["condition"], "rate_limited", "{v}");
}

/// A webhook host that takes the request and never answers: it holds the
/// connection until the client gives up, and says whether `proof` (a file
/// another channel writes) appeared while it was holding.
fn hanging_receiver(proof: std::path::PathBuf) -> (String, std::sync::mpsc::Receiver<bool>) {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let url = format!("http://{}/slow", listener.local_addr().expect("addr"));
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let Some(Ok(mut stream)) = listener.incoming().next() else {
            return;
        };
        // Polls for the other channel's file (bounded), holding the answer.
        let mut seen = false;
        for _ in 0..400 {
            if std::fs::metadata(&proof).is_ok_and(|m| m.len() > 0) {
                seen = true;
                break;
            }
            std::thread::sleep(std::time::Duration::from_millis(25));
        }
        let _ = tx.send(seen);
        // Never answers: reads until instatui hangs up at its timeout.
        let mut sink = Vec::new();
        let _ = stream.read_to_end(&mut sink);
    });
    (url, rx)
}

#[test]
fn a_failing_or_hanging_channel_is_recorded_shown_and_never_holds_up_the_others() {
    let m = Machine::demo();
    m.authorized();
    add_shop_account(&m);
    // A port nothing listens on.
    let closed = {
        let l = TcpListener::bind("127.0.0.1:0").expect("bind");
        format!("http://{}/hook", l.local_addr().expect("addr"))
    };
    let proof = m.out("proof.jsonl");
    let (slow, held) = hanging_receiver(proof.clone());
    let loud = m.out("loud.jsonl");
    let adds: [&[&str]; 4] = [
        &["notify", "add", "--webhook", &closed],
        &["notify", "add", "--webhook", &slow, "--timeout", "3s"],
        // Megabytes on stdout and stderr, then the notice kept.
        &[
            "notify",
            "add",
            "--exec",
            &format!(
                "head -c 3000000 /dev/zero | tr '\\0' x; head -c 3000000 /dev/zero | tr '\\0' y >&2; cat >> '{}'",
                loud.display()
            ),
        ],
        &[
            "notify",
            "add",
            "--exec",
            &format!("cat >> '{0}'; echo >> '{0}'", proof.display()),
        ],
    ];
    for add in adds {
        let run = m.run(add);
        assert_eq!(run.code, 0, "{run:?}");
    }
    assert!(m.control().revoke_tokens_of(SHOP_USERNAME));
    let run = m.run(&["keep-alive", "run"]);
    assert_eq!(
        run.code, 3,
        "the account's verdict, not the channels': {run:?}"
    );
    assert!(
        held.recv().expect("the slow host was asked"),
        "the other channels delivered while the slow one hung"
    );
    // Each failure is one sentence on stderr.
    let warnings: Vec<&str> = run
        .stderr
        .lines()
        .filter(|l| l.starts_with("warning: notifier"))
        .collect();
    assert_eq!(warnings.len(), 2, "{run:?}");
    assert!(
        warnings[0].starts_with("warning: notifier 1 failed: could not reach the webhook"),
        "{warnings:?}"
    );
    assert_eq!(
        warnings[1],
        "warning: notifier 2 failed: no answer within 3s"
    );
    assert!(
        run.stderr.len() < 2_000,
        "no megabytes relayed: {}",
        run.stderr.len()
    );
    // The working channels got their one notice, the loud one too.
    assert_eq!(exec_received(&proof).len(), 1);
    let kept: Value = serde_json::from_str(
        &std::fs::read_to_string(&loud).expect("the loud command kept its notice"),
    )
    .expect("JSON");
    assert_eq!(kept["condition"], "revoked");
    // The other account is untouched and nothing is lost: both are recorded.
    assert!(
        run.stdout.contains(&format!("@{DEMO_USERNAME}: "))
            && !run.stdout.contains(&format!("@{DEMO_USERNAME}: revoked")),
        "{run:?}"
    );
    let watch: Value = serde_json::from_str(
        &std::fs::read_to_string(m.config_dir().join("watch.json")).expect("watch"),
    )
    .expect("JSON");
    assert_eq!(
        watch["accounts"].as_object().map(|a| a.len()),
        Some(2),
        "{watch}"
    );
    assert!(
        std::fs::metadata(m.config_dir().join("watch.json"))
            .expect("watch")
            .len()
            < 20_000,
        "the loud command's output is not kept"
    );
    // Shown where the user looks: keep-alive status and notify list.
    let status = m.run(&["keep-alive", "status"]);
    assert!(
        status.stdout.contains("notifier 1:  webhook: ")
            && status.stdout.contains("FAILED at")
            && status.stdout.contains("notifier 2:  webhook: ")
            && status.stdout.contains("no answer within 3s"),
        "{status:?}"
    );
    let list = m.run(&["notify", "list"]);
    assert_eq!(list.stdout.matches("FAILED").count(), 2, "{list:?}");
    // What was sent is remembered whatever the channels did: no resend.
    let again = m.run(&["keep-alive", "run"]);
    assert_eq!(again.code, 3, "{again:?}");
    assert_eq!(exec_received(&proof).len(), 1);
}

#[test]
fn a_clock_far_ahead_is_named_as_the_clock_never_taken_for_an_expired_token() {
    let m = Machine::demo();
    m.authorized();
    let exec_out = m.out("exec.jsonl");
    let exec = format!("cat >> '{0}'; echo >> '{0}'", exec_out.display());
    assert_eq!(m.run(&["notify", "add", "--exec", &exec]).code, 0);
    let token_before = m.raw_token();
    let run = m.run_with(&["keep-alive", "run"], |c| {
        c.env("INSTATUI_CLOCK_SKEW", "400d");
    });
    assert_eq!(run.code, 1, "not a new authorize: {run:?}");
    assert!(
        run.stdout.contains(&format!(
            "@{DEMO_USERNAME}: this machine's clock is off: it says the token expired"
        )),
        "{run:?}"
    );
    let got = exec_received(&exec_out);
    assert_eq!(got.len(), 1, "{got:?}");
    assert_eq!(got[0]["condition"], "clock_off");
    assert!(
        got[0]["fix"]
            .as_str()
            .is_some_and(|f| f.contains("clock right")),
        "{}",
        got[0]
    );
    // Nothing lost: the token is the one Instagram still takes.
    assert_eq!(m.raw_token(), token_before);
    // The clock set right: one "recovered".
    let run = m.run(&["keep-alive", "run"]);
    assert_eq!(run.code, 0, "{run:?}");
    let got = exec_received(&exec_out);
    assert_eq!(got.len(), 2, "{got:?}");
    assert_eq!(got[1]["event"], "recovered");
}

#[test]
fn an_account_removed_while_the_check_runs_is_dropped_and_the_other_still_checked() {
    use instatui::fake::Fault;
    let m = Machine::demo();
    m.authorized();
    add_shop_account(&m);
    let exec_out = m.out("exec.jsonl");
    let exec = format!("cat >> '{0}'; echo >> '{0}'", exec_out.display());
    assert_eq!(m.run(&["notify", "add", "--exec", &exec]).code, 0);
    assert!(m.control().revoke_tokens_of(SHOP_USERNAME));
    // The first check takes a while: the account goes meanwhile.
    let before = m.requests_to("/me");
    m.control()
        .inject_on("/me", Fault::Slow(std::time::Duration::from_secs(2)), 1);
    let child = m
        .process()
        .args(["keep-alive", "run"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("runs");
    let mut waited = 0;
    while m.requests_to("/me") == before {
        assert!(waited < 2_000, "the check never started");
        std::thread::sleep(std::time::Duration::from_millis(10));
        waited += 1;
    }
    let remove = m.run(&["accounts", "remove", SHOP_USERNAME]);
    assert_eq!(remove.code, 0, "{remove:?}");
    let output = child.wait_with_output().expect("ends");
    let run = m.finish(output);
    assert_eq!(run.code, 0, "the account left is fine: {run:?}");
    // Its refresh line came before it went; no condition, no notice after.
    assert!(
        !run.stdout.contains(&format!("@{SHOP_USERNAME}: revoked")),
        "{run:?}"
    );
    assert!(
        run.stdout.contains(&format!("@{DEMO_USERNAME}: ")),
        "{run:?}"
    );
    assert!(
        exec_received(&exec_out).is_empty(),
        "nothing told of a removed account"
    );
    let watch: Value = serde_json::from_str(
        &std::fs::read_to_string(m.config_dir().join("watch.json")).expect("watch"),
    )
    .expect("JSON");
    assert_eq!(
        watch["accounts"].as_object().map(|a| a.len()),
        Some(1),
        "only the account left is recorded: {watch}"
    );
}

/// A folder for PATH holding only `sh`, `cat` and the stand-ins given
/// (name, script body), so what is found on PATH is exactly that.
fn stand_in_path(m: &Machine, name: &str, tools: &[(&str, &str)]) -> std::path::PathBuf {
    use std::os::unix::fs::PermissionsExt;
    let dir = m.out(name);
    std::fs::create_dir_all(&dir).expect("bin dir");
    for real in ["sh", "cat"] {
        let found = ["/bin", "/usr/bin"]
            .iter()
            .map(|d| std::path::Path::new(d).join(real))
            .find(|p| p.is_file())
            .expect("sh and cat");
        std::os::unix::fs::symlink(found, dir.join(real)).expect("link");
    }
    for (tool, body) in tools {
        let path = dir.join(tool);
        std::fs::write(&path, format!("#!/bin/sh\n{body}\n")).expect("stand-in");
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).expect("chmod");
    }
    dir
}

#[test]
fn desktop_and_email_notices_go_through_notify_send_and_sendmail_on_path() {
    let m = Machine::demo();
    m.authorized();
    let args_out = m.out("notify-send.args");
    let mail_args = m.out("sendmail.args");
    let mail_in = m.out("sendmail.stdin");
    let bin = stand_in_path(
        &m,
        "bin",
        &[
            (
                "notify-send",
                &format!(
                    "for a in \"$@\"; do printf '%s\\n' \"$a\"; done > '{}'",
                    args_out.display()
                ),
            ),
            (
                "sendmail",
                &format!(
                    "printf '%s\\n' \"$@\" > '{}'; cat > '{}'",
                    mail_args.display(),
                    mail_in.display()
                ),
            ),
        ],
    );
    let path = bin.display().to_string();
    let with_path = |args: &[&str]| {
        m.run_with(args, |c| {
            c.env("PATH", &path);
        })
    };
    assert_eq!(with_path(&["notify", "add", "--desktop"]).code, 0);
    let add = with_path(&["notify", "add", "--email", "owner@example.org"]);
    assert_eq!(add.code, 0, "{add:?}");
    assert!(!add.stderr.contains("no sendmail"), "{add:?}");
    let test = with_path(&["notify", "test"]);
    assert_eq!(test.code, 0, "{test:?}");

    let args = std::fs::read_to_string(&args_out).expect("notify-send ran");
    let args: Vec<&str> = args.lines().collect();
    assert_eq!(args[..2], ["--app-name=instatui", "instatui"], "{args:?}");
    assert!(
        args[2].starts_with(&format!("@{DEMO_USERNAME}: test notice from instatui (")),
        "one line naming the account: {args:?}"
    );
    assert_eq!(args.len(), 3, "{args:?}");

    assert_eq!(
        std::fs::read_to_string(&mail_args).expect("sendmail ran"),
        "-t\n"
    );
    let mail = std::fs::read_to_string(&mail_in).expect("the mail");
    assert!(
        mail.starts_with("To: owner@example.org\nSubject: instatui: @"),
        "{mail}"
    );
    assert!(
        mail.contains("Content-Type: text/plain; charset=utf-8"),
        "{mail}"
    );
    let json = &mail[mail.find("\n{").expect("the notice as JSON") + 1..];
    let notice: Value = serde_json::from_str(json.trim()).expect("JSON");
    assert_eq!(notice["event"], "test");
    assert_eq!(notice["username"], DEMO_USERNAME);
    let token = m.raw_token();
    for text in [&mail, &args.join("\n")] {
        assert!(
            !text.contains(&token) && !text.contains(DEMO_APP_SECRET),
            "{text}"
        );
    }
}

#[test]
fn a_failing_sendmail_a_missing_one_and_a_missing_notify_send_each_say_so() {
    let m = Machine::demo();
    m.authorized();
    let failing = stand_in_path(
        &m,
        "failing",
        &[(
            "sendmail",
            "cat > /dev/null; echo 'sendmail: relay refused by smtp.example.org' >&2; exit 75",
        )],
    );
    let path = failing.display().to_string();
    let add = m.run_with(&["notify", "add", "--email", "owner@example.org"], |c| {
        c.env("PATH", &path);
    });
    assert_eq!(add.code, 0, "{add:?}");
    let test = m.run_with(&["notify", "test"], |c| {
        c.env("PATH", &path);
    });
    assert_eq!(test.code, 1, "{test:?}");
    assert!(
        test.stderr.contains(
            "warning: notifier 1 failed: exited with 75: sendmail: relay refused by smtp.example.org"
        ),
        "{test:?}"
    );
    let list = m.run(&["notify", "list"]);
    assert!(list.stdout.contains("FAILED at"), "{list:?}");

    // No notify-send on PATH: the desktop channel says what to install.
    let bare = stand_in_path(&m, "bare", &[]);
    let path = bare.display().to_string();
    assert_eq!(m.run(&["notify", "remove", "1"]).code, 0);
    assert_eq!(m.run(&["notify", "add", "--desktop"]).code, 0);
    let test = m.run_with(&["notify", "test"], |c| {
        c.env("PATH", &path);
    });
    assert_eq!(test.code, 1, "{test:?}");
    assert!(
        test.stderr.contains(
            "notify-send is not installed (libnotify-bin): install it or use --exec/--webhook"
        ),
        "{test:?}"
    );

    // No sendmail anywhere (only checkable where the machine has none in
    // /usr/sbin or /usr/lib).
    let system_sendmail = ["/usr/sbin/sendmail", "/usr/lib/sendmail"]
        .iter()
        .any(|p| std::path::Path::new(p).exists());
    if !system_sendmail {
        let add = m.run_with(&["notify", "add", "--email", "owner@example.org"], |c| {
            c.env("PATH", &path);
        });
        assert_eq!(add.code, 0, "{add:?}");
        assert!(
            add.stderr
                .contains("there is no sendmail on this machine yet"),
            "{add:?}"
        );
        let test = m.run_with(&["notify", "test", "2"], |c| {
            c.env("PATH", &path);
        });
        assert_eq!(test.code, 1, "{test:?}");
        assert!(
            test.stderr.contains("notifier 2 failed: there is no sendmail on this machine (install one, e.g. msmtp-mta or postfix, or use --webhook)"),
            "{test:?}"
        );
    }
}

#[test]
fn doctor_checks_each_notifier_can_deliver_without_sending_a_thing() {
    let m = Machine::demo();
    m.authorized();
    let hook = Receiver::start();
    let bin = stand_in_path(&m, "doctor-bin", &[("notify-send", "exit 0")]);
    let path = bin.display().to_string();
    let doctor = || {
        let run = m.run_with(&["doctor"], |c| {
            c.env("PATH", &path);
        });
        run.stdout
            .lines()
            .find(|l| l.contains("notifications:"))
            .unwrap_or_else(|| panic!("a notifications line: {run:?}"))
            .to_string()
    };
    assert_eq!(m.run(&["notify", "add", "--webhook", &hook.url]).code, 0);
    assert_eq!(m.run(&["notify", "add", "--desktop"]).code, 0);
    assert_eq!(
        m.run(&["notify", "add", "--exec", "cat > /dev/null"]).code,
        0
    );
    let ok = doctor();
    assert!(ok.starts_with("ok"), "{ok}");
    assert!(ok.contains("3 notifier(s), none sent to"), "{ok}");
    assert!(
        ok.contains("takes connections") && ok.contains("notify-send is there"),
        "{ok}"
    );
    // A command whose program is not there, named with its fix.
    assert_eq!(
        m.run(&["notify", "add", "--exec", "no-such-notifier --json"])
            .code,
        0
    );
    let bad = doctor();
    assert!(bad.starts_with("FAIL"), "{bad}");
    assert!(
        bad.contains("notifier 4 (exec: no-such-notifier --json): 'no-such-notifier' is not found on PATH; fix: fix it, then instatui notify test 4"),
        "{bad}"
    );
    assert_eq!(m.run(&["notify", "remove", "4"]).code, 0);
    // A webhook whose host is gone.
    let closed = {
        let l = TcpListener::bind("127.0.0.1:0").expect("bind");
        format!("http://{}/hook", l.local_addr().expect("addr"))
    };
    assert_eq!(m.run(&["notify", "add", "--webhook", &closed]).code, 0);
    let bad = doctor();
    assert!(
        bad.starts_with("FAIL") && bad.contains("could not be reached"),
        "{bad}"
    );
    // Doctor never sent a notice anywhere.
    assert!(hook.received().is_empty(), "doctor must not spam");
}

#[test]
fn watch_json_loses_nothing_to_writers_at_the_same_time() {
    let m = Machine::demo();
    m.authorized();
    // Eight `notify add` and a live `status` (which records its check), all
    // at once: each writer re-reads the file under the lock and changes
    // only its own part, so every one of them is kept.
    let children: Vec<std::process::Child> = (0..8)
        .map(|i| {
            m.process()
                .args(["notify", "add", "--exec", &format!("cat > /dev/null # {i}")])
                .stdout(std::process::Stdio::null())
                .stderr(std::process::Stdio::null())
                .spawn()
                .expect("runs")
        })
        .chain(std::iter::once(
            m.process()
                .args(["status"])
                .stdout(std::process::Stdio::null())
                .stderr(std::process::Stdio::null())
                .spawn()
                .expect("runs"),
        ))
        .collect();
    for mut child in children {
        assert!(child.wait().expect("ends").success());
    }
    let watch: Value = serde_json::from_str(
        &std::fs::read_to_string(m.config_dir().join("watch.json")).expect("watch"),
    )
    .expect("JSON");
    let mut ids: Vec<u64> = watch["notifiers"]
        .as_array()
        .expect("notifiers")
        .iter()
        .map(|n| n["id"].as_u64().expect("id"))
        .collect();
    ids.sort_unstable();
    assert_eq!(ids, (1..=8).collect::<Vec<u64>>(), "{watch}");
    let commands: std::collections::BTreeSet<String> = watch["notifiers"]
        .as_array()
        .expect("notifiers")
        .iter()
        .map(|n| n["channel"]["command"].as_str().unwrap_or("").to_string())
        .collect();
    assert_eq!(commands.len(), 8, "{watch}");
    let accounts = watch["accounts"].as_object().expect("accounts");
    assert!(
        accounts
            .values()
            .any(|a| a["check"]["outcome"]["result"] == "ok"),
        "the check is kept too: {watch}"
    );
}

/// Issue 24: one person authorized under two apps is two accounts, and so
/// two records. Instagram revoking the first app's token leaves the second
/// app's account healthy in `keep-alive run`, `status`, the notices and the
/// last run; a `watch.json` from before (keyed by the user id alone) still
/// reads, for both accounts.
#[test]
fn a_token_revoked_under_one_app_leaves_the_same_person_under_another_app_healthy() {
    use super::accounts::same_person_under_a_second_app;
    use instatui::fake::{DEMO_APP_ID, DEMO_USER_ID};
    let m = Machine::demo();
    m.authorized();
    same_person_under_a_second_app(&m);
    // The second app's token is one the fake knows, so it checks as healthy.
    let second_token = m
        .control()
        .issue_long_token_for(DEMO_USERNAME, "instagram_business_basic")
        .expect("the demo user");
    let mut state = m.state();
    state["accounts"][1]["token"]["value"] = second_token.into();
    std::fs::write(m.state_path(), state.to_string()).expect("write");
    let first_token = state["accounts"][0]["token"]["value"]
        .as_str()
        .expect("token")
        .to_string();
    // What an older instatui recorded: one record, by user id alone.
    std::fs::write(
        m.config_dir().join("watch.json"),
        format!(
            r#"{{"accounts":{{"{DEMO_USER_ID}":{{"recorded":{{"condition":"healthy","since":"2026-01-01T00:00:00Z"}}}}}}}}"#
        ),
    )
    .expect("write");
    let exec_out = m.out("exec.jsonl");
    let exec = format!("cat >> '{0}'; echo >> '{0}'", exec_out.display());
    assert_eq!(m.run(&["notify", "add", "--exec", &exec]).code, 0);

    assert!(m.control().revoke_token(&first_token));
    let run = m.run(&["keep-alive", "run"]);
    assert_eq!(run.code, 3, "{run:?}");

    let conditions = |json: &str| -> Vec<(String, String)> {
        let v: Value = serde_json::from_str(json).expect("JSON");
        v["accounts"]
            .as_array()
            .expect("accounts")
            .iter()
            .map(|a| {
                (
                    a["app_id"].as_str().unwrap_or("").to_string(),
                    a["condition"].as_str().unwrap_or("").to_string(),
                )
            })
            .collect()
    };
    for args in [
        &["status", "--json", "--offline"][..],
        &["status", "--json"][..],
    ] {
        let status = m.run(args);
        assert_eq!(status.code, 3, "{status:?}");
        let got = conditions(&status.stdout);
        assert!(
            got.contains(&(DEMO_APP_ID.to_string(), "revoked".to_string())),
            "{args:?}: {got:?}"
        );
        let second = got
            .iter()
            .find(|(app, _)| app == "424242")
            .unwrap_or_else(|| panic!("{args:?}: {got:?}"));
        assert!(
            second.1 == "healthy" || second.1.starts_with("refreshable"),
            "{args:?}: the other app's account is untouched: {got:?}"
        );
    }
    // One notice, about the first app's account only.
    let got = exec_received(&exec_out);
    assert_eq!(got.len(), 1, "{got:?}");
    assert_eq!(got[0]["condition"], "revoked", "{}", got[0]);
    assert_eq!(got[0]["app_id"], DEMO_APP_ID, "{}", got[0]);
    // The last run keeps each app's account apart.
    let status = m.run(&["keep-alive", "status", "--json"]);
    let v: Value = serde_json::from_str(&status.stdout).expect("JSON");
    let mut apps: Vec<&str> = v["last_run"]["accounts"]
        .as_array()
        .unwrap_or_else(|| panic!("{v}"))
        .iter()
        .filter_map(|a| a["app_id"].as_str())
        .collect();
    apps.sort_unstable();
    assert_eq!(apps, ["424242", DEMO_APP_ID], "{v}");
}
