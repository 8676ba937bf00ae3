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
                loop {
                    let mut line = String::new();
                    if reader.read_line(&mut line).unwrap_or(0) == 0 || line == "\r\n" {
                        break;
                    }
                    let lower = line.to_ascii_lowercase();
                    if let Some(v) = lower.strip_prefix("content-length:") {
                        length = v.trim().parse().unwrap_or(0);
                    }
                    if lower.starts_with("content-type: application/json") {
                        json = true;
                    }
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
