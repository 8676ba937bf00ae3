//! `keep-alive install | status | remove` end to end, against stub
//! `systemctl`, `crontab` and `launchctl` scripts that are the only
//! programs on PATH, and unit folders inside a throw-away home.

use crate::common::cli::{Machine, Run};
use instatui::fake::DEMO_USERNAME;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

/// The stubs log every call (one line of arguments each) and keep the
/// crontab in a file; flags are files in the same folder.
struct Stubs {
    dir: PathBuf,
}

const SYSTEMCTL: &str = r#"#!/bin/sh
here=$(/usr/bin/dirname "$0")
echo "systemctl $*" >> "$here/calls"
if [ -e "$here/no-bus" ]; then
  echo "Failed to connect to bus: No medium found" >&2
  exit 1
fi
case "$2" in
  show) printf 'UnitFileState=enabled\nNextElapseUSecRealtime=Thu 2026-03-12 00:17:00 UTC\nLastTriggerUSec=n/a\n' ;;
esac
exit 0
"#;

const CRONTAB: &str = r#"#!/bin/sh
here=$(/usr/bin/dirname "$0")
echo "crontab $*" >> "$here/calls"
case "$1" in
  -l) if [ -e "$here/table" ]; then /bin/cat "$here/table"; else echo "no crontab for tester" >&2; exit 1; fi ;;
  -) /bin/cat > "$here/table" ;;
esac
"#;

const LAUNCHCTL: &str = r#"#!/bin/sh
here=$(/usr/bin/dirname "$0")
echo "launchctl $*" >> "$here/calls"
"#;

impl Stubs {
    fn new(m: &Machine, programs: &[(&str, &str)]) -> Stubs {
        let dir = m.out("stubs");
        std::fs::create_dir_all(&dir).unwrap();
        for (name, script) in programs {
            let path = dir.join(name);
            std::fs::write(&path, script).unwrap();
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
        }
        Stubs { dir }
    }

    fn calls(&self) -> String {
        std::fs::read_to_string(self.dir.join("calls")).unwrap_or_default()
    }

    fn table(&self) -> Option<String> {
        std::fs::read_to_string(self.dir.join("table")).ok()
    }

    fn set_table(&self, text: &str) {
        std::fs::write(self.dir.join("table"), text).unwrap();
    }

    fn cut_the_bus(&self) {
        std::fs::write(self.dir.join("no-bus"), "").unwrap();
    }
}

fn units(m: &Machine) -> PathBuf {
    m.out("units")
}

fn run(m: &Machine, stubs: &Stubs, args: &[&str]) -> Run {
    let (path, units, agents) = (stubs.dir.clone(), units(m), m.out("agents"));
    m.run_with(args, move |c| {
        c.env("PATH", &path)
            .env("INSTATUI_SYSTEMD_USER_DIR", &units)
            .env("INSTATUI_LAUNCH_AGENTS_DIR", &agents);
    })
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn binary() -> String {
    assert_cmd::cargo::cargo_bin("instatui")
        .canonicalize()
        .unwrap()
        .display()
        .to_string()
}

#[test]
fn a_systemd_timer_is_installed_reported_and_removed() {
    let m = Machine::demo();
    let stubs = Stubs::new(&m, &[("systemctl", SYSTEMCTL), ("crontab", CRONTAB)]);

    let install = run(&m, &stubs, &["keep-alive", "install"]);
    assert_eq!(install.code, 0, "{install:?}");
    assert!(
        install.stdout.contains("a systemd user timer"),
        "{install:?}"
    );
    let service = read(&units(&m).join("instatui-keepalive.service"));
    let timer = read(&units(&m).join("instatui-keepalive.timer"));
    let config = m.config_dir().display().to_string();
    assert!(
        service.contains(&format!(
            "ExecStart=\"{}\" \"--config-dir\" \"{config}\" \"keep-alive\" \"run\" \"--within\" \"10d\"",
            binary()
        )),
        "absolute paths to this binary and config dir, the one scheduled command:\n{service}"
    );
    assert!(timer.contains("Persistent=true"), "{timer}");
    assert!(timer.contains("OnCalendar=*-*-* 0/12:"), "{timer}");
    let calls = stubs.calls();
    assert!(calls.contains("systemctl --user daemon-reload"), "{calls}");
    assert!(
        calls.contains("systemctl --user enable --now instatui-keepalive.timer"),
        "{calls}"
    );
    assert!(
        !calls.contains("crontab -\n"),
        "cron is left alone: {calls}"
    );

    let status = run(&m, &stubs, &["keep-alive", "status"]);
    assert_eq!(status.code, 0, "{status:?}");
    assert!(
        status.stdout.contains("a systemd user timer, enabled"),
        "{status:?}"
    );
    assert!(
        status
            .stdout
            .contains("next run:    Thu 2026-03-12 00:17:00 UTC"),
        "{status:?}"
    );
    assert!(status.stdout.contains("last run:    never"), "{status:?}");
    assert!(
        status
            .stdout
            .contains("journalctl --user -u instatui-keepalive.service"),
        "{status:?}"
    );

    // A unit whose binary went away is reported, in one sentence.
    let service_path = units(&m).join("instatui-keepalive.service");
    let original = read(&service_path);
    std::fs::write(
        &service_path,
        original.replace(&binary(), "/opt/old/instatui"),
    )
    .unwrap();
    let status = run(&m, &stubs, &["keep-alive", "status"]);
    assert_eq!(status.code, 1, "{status:?}");
    assert!(
        status.stderr.contains("runs /opt/old/instatui, which no longer exists: run 'instatui keep-alive install' again"),
        "{status:?}"
    );
    std::fs::write(&service_path, original).unwrap();

    // Installing again replaces the units in place.
    let again = run(
        &m,
        &stubs,
        &["keep-alive", "install", "--every", "6h", "--within", "14d"],
    );
    assert_eq!(again.code, 0, "{again:?}");
    let timer = read(&units(&m).join("instatui-keepalive.timer"));
    assert!(timer.contains("OnCalendar=*-*-* 0/6:"), "{timer}");
    assert_eq!(std::fs::read_dir(units(&m)).unwrap().count(), 2);

    let remove = run(&m, &stubs, &["keep-alive", "remove"]);
    assert_eq!(remove.code, 0, "{remove:?}");
    assert!(
        stubs
            .calls()
            .contains("systemctl --user disable --now instatui-keepalive.timer"),
        "{}",
        stubs.calls()
    );
    assert_eq!(
        std::fs::read_dir(units(&m)).unwrap().count(),
        0,
        "both units gone"
    );

    let status = run(&m, &stubs, &["keep-alive", "status"]);
    assert_eq!(status.code, 1, "{status:?}");
    assert!(
        status
            .stderr
            .contains("'instatui keep-alive install' sets one up"),
        "{status:?}"
    );
    let remove = run(&m, &stubs, &["keep-alive", "remove"]);
    assert_eq!(remove.code, 0, "{remove:?}");
    assert!(remove.stdout.contains("Nothing to remove"), "{remove:?}");
}

#[test]
fn without_a_session_bus_it_says_what_to_do_and_uses_cron() {
    let m = Machine::demo();
    let stubs = Stubs::new(&m, &[("systemctl", SYSTEMCTL), ("crontab", CRONTAB)]);
    stubs.cut_the_bus();
    let theirs = "MAILTO=me@example.com\n# nightly backup\n0 3 * * * /usr/local/bin/backup --all\n";
    stubs.set_table(theirs);

    let install = run(&m, &stubs, &["keep-alive", "install"]);
    assert_eq!(install.code, 0, "{install:?}");
    let note: Vec<&str> = install.stderr.lines().collect();
    assert_eq!(note.len(), 1, "one sentence: {install:?}");
    assert!(note[0].contains("No medium found"), "{install:?}");
    assert!(note[0].contains("loginctl enable-linger"), "{install:?}");
    assert!(note[0].contains("using cron"), "{install:?}");
    assert!(!units(&m).join("instatui-keepalive.timer").exists());

    let table = stubs.table().expect("a crontab");
    assert!(
        table.starts_with(theirs),
        "the user's lines stay first, unchanged:\n{table}"
    );
    let ours: Vec<&str> = table[theirs.len()..].lines().collect();
    assert_eq!(ours.len(), 2, "{table}");
    assert!(ours[0].starts_with("# managed by instatui keep-alive (instatui-keepalive)"));
    assert!(
        ours[1].contains(&format!("'{}' '--config-dir'", binary())),
        "{table}"
    );
    assert!(
        ours[1].contains("'keep-alive' 'run' '--within' '10d'"),
        "the one scheduled command: {table}"
    );
    assert!(ours[1].contains(" */12 * * * "), "{table}");
    assert!(
        ours[1].contains(">/dev/null # managed by"),
        "errors still mailed: {table}"
    );

    // Idempotent: nothing is written the second time.
    let writes = stubs.calls().matches("crontab -\n").count();
    let again = run(&m, &stubs, &["keep-alive", "install"]);
    assert_eq!(again.code, 0, "{again:?}");
    assert_eq!(stubs.table().unwrap(), table);
    assert_eq!(stubs.calls().matches("crontab -\n").count(), writes);

    let status = run(&m, &stubs, &["keep-alive", "status"]);
    assert_eq!(status.code, 0, "{status:?}");
    assert!(status.stdout.contains("a crontab entry"), "{status:?}");
    assert!(status.stdout.contains("schedule:    "), "{status:?}");
    assert!(status.stdout.contains(" */12 * * *"), "{status:?}");
    assert!(
        !status.stdout.contains("next run:    (the scheduler"),
        "computed: {status:?}"
    );

    let remove = run(&m, &stubs, &["keep-alive", "remove"]);
    assert_eq!(remove.code, 0, "{remove:?}");
    assert_eq!(stubs.table().unwrap(), theirs, "byte for byte");
}

#[test]
fn with_neither_bus_nor_cron_nothing_is_written_and_one_sentence_says_why() {
    let m = Machine::demo();
    let stubs = Stubs::new(&m, &[("systemctl", SYSTEMCTL)]);
    stubs.cut_the_bus();
    let install = run(&m, &stubs, &["keep-alive", "install"]);
    assert_eq!(install.code, 1, "{install:?}");
    assert_eq!(install.stderr.lines().count(), 1, "{install:?}");
    assert!(
        install.stderr.contains("loginctl enable-linger"),
        "{install:?}"
    );
    assert!(!units(&m).exists(), "no unit written");
}

#[test]
fn a_schedule_that_lets_a_token_die_is_refused() {
    let m = Machine::demo();
    let stubs = Stubs::new(&m, &[("systemctl", SYSTEMCTL)]);
    let install = run(
        &m,
        &stubs,
        &["keep-alive", "install", "--every", "7d", "--within", "7d"],
    );
    assert_eq!(install.code, 2, "{install:?}");
    assert!(
        install.stderr.contains("choose more than 8d (such as 9d)"),
        "{install:?}"
    );
    assert!(stubs.calls().is_empty());
}

#[test]
fn status_tells_what_the_last_run_did_for_the_account() {
    let m = Machine::demo();
    m.authorized();
    let stubs = Stubs::new(&m, &[("systemctl", SYSTEMCTL)]);
    assert_eq!(run(&m, &stubs, &["keep-alive", "install"]).code, 0);

    let scheduled = m.run(&["keep-alive", "run"]);
    assert_eq!(scheduled.code, 0, "{scheduled:?}");
    let status = run(&m, &stubs, &["keep-alive", "status"]);
    assert_eq!(status.code, 0, "{status:?}");
    assert!(
        status
            .stdout
            .contains(&format!("@{DEMO_USERNAME}: not due")),
        "{status:?}"
    );

    // A refresh by hand that fails is that command's failure, not the run's.
    let refresh = m.run(&["refresh", "--if-expiring-within", "60d"]);
    assert_eq!(refresh.code, 1, "{refresh:?}");
    let status = run(&m, &stubs, &["keep-alive", "status"]);
    assert_eq!(status.code, 0, "{status:?}");

    // Instagram revokes the token: the next run finds it, and the status
    // says what is wrong and what fixes it.
    m.control().revoke_tokens();
    let scheduled = m.run(&["keep-alive", "run"]);
    assert_eq!(scheduled.code, 3, "{scheduled:?}");
    let status = run(&m, &stubs, &["keep-alive", "status", "--json"]);
    assert_eq!(status.code, 1, "{status:?}");
    let json: serde_json::Value = serde_json::from_str(&status.stdout).expect("JSON");
    assert_eq!(json["installed"][0]["scheduler"], "systemd");
    assert_eq!(json["accounts"][0]["condition"], "revoked", "{json}");
    let problem = json["problem"].as_str().unwrap();
    assert!(
        problem.contains("revoked") && problem.contains("instatui authorize --account"),
        "{json}"
    );
}

#[test]
fn a_launchd_agent_is_written_loaded_and_unloaded() {
    let m = Machine::demo();
    let stubs = Stubs::new(&m, &[("launchctl", LAUNCHCTL)]);
    let install = run(
        &m,
        &stubs,
        &["keep-alive", "install", "--scheduler", "launchd"],
    );
    assert_eq!(install.code, 0, "{install:?}");
    let plist = m.out("agents").join("instatui-keepalive.plist");
    let text = read(&plist);
    assert!(
        text.contains(&format!("<string>{}</string>", binary())),
        "{text}"
    );
    assert!(text.contains("<integer>43200</integer>"), "{text}");
    assert!(
        stubs
            .calls()
            .contains(&format!("launchctl load -w {}", plist.display())),
        "{}",
        stubs.calls()
    );
    assert!(m.out("Library/Logs").is_dir(), "the log folder exists");
    let status = run(&m, &stubs, &["keep-alive", "status"]);
    assert!(status.stdout.contains("a launchd agent"), "{status:?}");
    assert!(status.stdout.contains("every 12h"), "{status:?}");
    let remove = run(&m, &stubs, &["keep-alive", "remove"]);
    assert_eq!(remove.code, 0, "{remove:?}");
    assert!(!plist.exists());
    assert!(
        stubs.calls().contains("launchctl unload -w"),
        "{}",
        stubs.calls()
    );
}

#[test]
fn an_entry_from_an_older_build_that_refreshes_one_account_is_outdated() {
    let m = Machine::demo();
    let stubs = Stubs::new(&m, &[("systemctl", SYSTEMCTL), ("crontab", CRONTAB)]);
    assert_eq!(run(&m, &stubs, &["keep-alive", "install"]).code, 0);
    // What builds before `keep-alive run` wrote: a refresh, no check.
    let service_path = units(&m).join("instatui-keepalive.service");
    let current = read(&service_path);
    std::fs::write(
        &service_path,
        current.replace(
            "\"keep-alive\" \"run\" \"--within\"",
            "\"refresh\" \"--all\" \"--if-expiring-within\"",
        ),
    )
    .unwrap();

    let status = run(&m, &stubs, &["keep-alive", "status"]);
    assert_eq!(status.code, 1, "{status:?}");
    assert!(
        status.stdout.contains("problem:     the installed entry was made by an older instatui and only refreshes tokens"),
        "{status:?}"
    );
    assert_eq!(status.stderr.lines().count(), 1, "{status:?}");
    assert!(
        status.stderr.contains(
            "run 'instatui keep-alive install' again so that it runs 'instatui keep-alive run'"
        ),
        "{status:?}"
    );

    // Installing again upgrades it, and the status is clean.
    assert_eq!(run(&m, &stubs, &["keep-alive", "install"]).code, 0);
    assert!(read(&service_path).contains("\"keep-alive\" \"run\""));
    let status = run(&m, &stubs, &["keep-alive", "status"]);
    assert_eq!(status.code, 0, "{status:?}");

    // The same for a crontab line of an older build.
    assert_eq!(
        run(
            &m,
            &stubs,
            &["keep-alive", "install", "--scheduler", "cron"]
        )
        .code,
        0
    );
    let table = stubs.table().expect("a crontab");
    stubs.set_table(&table.replace(
        "'keep-alive' 'run' '--within'",
        "'refresh' '--all' '--if-expiring-within'",
    ));
    let status = run(&m, &stubs, &["keep-alive", "status"]);
    assert_eq!(status.code, 1, "{status:?}");
    assert!(status.stderr.contains("older instatui"), "{status:?}");
}
