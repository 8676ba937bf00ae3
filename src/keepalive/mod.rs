//! Keeping tokens alive unattended: a periodic `instatui refresh` run by a systemd user timer, cron or launchd.
//!
//! Nothing about what was installed is remembered: `status` and `remove`
//! look at the unit folder, the crontab and the agents folder themselves,
//! so they stay true after hand edits. Each config dir gets its own entry
//! (see `entry_name`), so a trial config dir never replaces the real one.

mod cron;
mod launchd;
pub(crate) mod record;
mod schedule;
mod sys;
mod systemd;

pub use record::{AccountResult, RefreshRun, RunOutcome};
pub use schedule::Schedule;
pub(crate) use schedule::{StartTime, format_arg};

use std::path::{Path, PathBuf};
use time::OffsetDateTime;

/// What runs the scheduled command; its names are `--scheduler`'s values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Scheduler {
    /// A systemd user timer and service (Linux; the first choice there).
    Systemd,
    /// A line in the user's crontab.
    Cron,
    /// A launchd agent (macOS).
    Launchd,
}

impl Scheduler {
    pub(crate) fn describe(self) -> &'static str {
        match self {
            Scheduler::Systemd => "a systemd user timer",
            Scheduler::Cron => "a crontab entry",
            Scheduler::Launchd => "a launchd agent",
        }
    }
}

/// What to install: this binary, on this config dir, on this schedule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Plan {
    pub(crate) exe: PathBuf,
    pub config_dir: PathBuf,
    pub(crate) schedule: Schedule,
    /// The unit, agent and crontab marker name.
    pub(crate) name: String,
}

impl Plan {
    pub fn new(exe: PathBuf, config_dir: PathBuf, schedule: Schedule, name: String) -> Plan {
        Plan {
            exe,
            config_dir,
            schedule,
            name,
        }
    }

    /// For the running binary and `config_dir`, both made absolute, since
    /// schedulers start in another folder with another PATH.
    pub(crate) fn for_this_binary(config_dir: &Path, schedule: Schedule) -> Result<Plan, String> {
        let exe = std::env::current_exe()
            .map_err(|e| format!("could not tell where this instatui binary is: {e}"))?;
        let config_dir = std::path::absolute(config_dir)
            .map_err(|e| format!("could not make {} absolute: {e}", config_dir.display()))?;
        let name = entry_name(&config_dir);
        let plan = Plan::new(exe, config_dir, schedule, name);
        plan.check()?;
        Ok(plan)
    }

    /// Refuses a binary path or config dir that no scheduler line carries
    /// safely: a newline or another control character ends a crontab line
    /// whatever the quoting (and would add a line of its own), and breaks a
    /// systemd unit or a launchd plist too; a path that is not UTF-8 would
    /// be written as another path.
    pub(crate) fn check(&self) -> Result<(), String> {
        for (what, path) in [
            ("the instatui binary's path", &self.exe),
            ("the config dir", &self.config_dir),
        ] {
            let Some(text) = path.to_str() else {
                return Err(format!(
                    "{what} ({}) is not valid UTF-8, which a scheduler entry cannot carry: nothing was installed; use a path of plain characters",
                    path.display()
                ));
            };
            if text.chars().any(char::is_control) {
                return Err(format!(
                    "{what} ({}) holds a line break or another control character, which a crontab line, a systemd unit or a launchd plist cannot carry safely: nothing was installed; use a path without one",
                    text.escape_debug()
                ));
            }
        }
        Ok(())
    }

    /// The arguments after the binary's path: `keep-alive run`, the one
    /// scheduled command (refresh what is due by the policy of
    /// `lifetime::REFRESH_AFTER`, check every account, notify).
    pub(crate) fn refresh_args(&self) -> Vec<String> {
        let mut args = vec![
            "--config-dir".into(),
            self.config_dir.to_string_lossy().into_owned(),
        ];
        args.extend(SCHEDULED_COMMAND.iter().map(|a| a.to_string()));
        // In any case within `--within` of expiry.
        args.extend(["--within".into(), self.schedule.within_arg()]);
        args
    }

    /// The same minute for the same config dir on every install.
    pub(crate) fn slot(&self) -> StartTime {
        StartTime::from_hash(fnv1a(self.config_dir.to_string_lossy().as_bytes()))
    }
}

/// What a scheduled entry runs after the config dir. Entries installed
/// before it ran `refresh` (older ones only the active account) and are
/// shown as outdated.
pub(crate) const SCHEDULED_COMMAND: [&str; 2] = ["keep-alive", "run"];

/// What a scheduled run does, in one clause built from the policy's
/// constant: `refreshes every account's token once it is 3 days old, or in
/// any case within WITHIN of expiry`.
pub(crate) fn policy(within: &str) -> String {
    format!(
        "refreshes every account's token once it is {} old, or in any case within {within} of expiry",
        crate::lifetime::in_words(crate::lifetime::REFRESH_AFTER)
    )
}

/// `instatui-keepalive` for the platform's config dir, and
/// `instatui-keepalive-<8 hex digits>` for any other one.
pub(crate) fn entry_name(config_dir: &Path) -> String {
    let default = crate::store::default_config_dir();
    if default.as_deref() == Some(config_dir) {
        "instatui-keepalive".to_string()
    } else {
        format!(
            "instatui-keepalive-{:08x}",
            fnv1a(config_dir.to_string_lossy().as_bytes())
        )
    }
}

/// FNV-1a: stable across builds and platforms, unlike std's hasher.
fn fnv1a(bytes: &[u8]) -> u32 {
    bytes.iter().fold(0x811c_9dc5_u32, |h, b| {
        (h ^ u32::from(*b)).wrapping_mul(0x0100_0193)
    })
}

/// One installed entry, as found on the machine.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Installed {
    pub(crate) scheduler: Scheduler,
    pub(crate) files: Vec<PathBuf>,
    /// In the scheduler's own words: `OnCalendar=…`, cron fields, `every 12h`.
    pub(crate) schedule: String,
    pub command: Option<String>,
    pub(crate) enabled: Option<bool>,
    /// When it runs next, if the scheduler can say.
    pub(crate) next_run: Option<String>,
    /// Where its output goes.
    pub(crate) log: String,
    /// A problem worth a line (the service manager cannot be reached).
    pub(crate) note: Option<String>,
}

impl Installed {
    /// The program the entry starts: the first argument of its command,
    /// as systemd (`"…"`), cron (`'…'`) or launchd quote it.
    pub(crate) fn program(&self) -> Option<PathBuf> {
        let command = self.command.as_deref()?.trim_start();
        let quote = command.chars().next().filter(|c| *c == '"' || *c == '\'')?;
        let rest = &command[1..];
        let end = rest.find(quote)?;
        Some(PathBuf::from(&rest[..end]))
    }

    /// One sentence when the entry was installed by an older instatui,
    /// whose runs only refresh (and older still, only the active account):
    /// no live check, no notifications.
    pub(crate) fn outdated(&self) -> Option<String> {
        let command = self.command.as_deref()?;
        let args: Vec<&str> = command
            .split_whitespace()
            .map(|arg| arg.trim_matches(|c| c == '"' || c == '\''))
            .collect();
        let runs_watch = args
            .windows(SCHEDULED_COMMAND.len())
            .any(|w| w == SCHEDULED_COMMAND);
        (!runs_watch).then(|| {
            "the installed entry was made by an older instatui and only refreshes tokens (no live check, no notifications): run 'instatui keep-alive install' again so that it runs 'instatui keep-alive run'".to_string()
        })
    }

    /// One sentence when the entry would fail before instatui even starts.
    pub(crate) fn broken(&self) -> Option<String> {
        let program = self.program()?;
        (!program.exists()).then(|| {
            format!(
                "the installed entry runs {}, which no longer exists: run 'instatui keep-alive install' again with the instatui you use now",
                program.display()
            )
        })
    }
}

/// What `install` did, line by line, and the one-sentence reason it
/// chose another scheduler than the first choice, if it did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Report {
    pub(crate) scheduler: Scheduler,
    pub(crate) done: Vec<String>,
    pub(crate) fallback: Option<String>,
}

/// One entry or file `install` would write, for a person to set up by hand
/// (`keep-alive print`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ManualEntry {
    pub(crate) scheduler: Scheduler,
    /// Where it goes: a file path, or the crontab.
    pub(crate) place: Option<PathBuf>,
    pub text: String,
}

/// What `install` would write for cron, a systemd user timer and (on
/// macOS) a launchd agent, with this plan's real paths; nothing is written.
pub fn preview(plan: &Plan) -> Vec<ManualEntry> {
    let mut out = vec![ManualEntry {
        scheduler: Scheduler::Cron,
        place: None,
        text: cron::entry(plan),
    }];
    if let Some(dir) = systemd::unit_dir() {
        out.push(ManualEntry {
            scheduler: Scheduler::Systemd,
            place: Some(dir.join(format!("{}.service", plan.name))),
            text: systemd::service_text(plan),
        });
        out.push(ManualEntry {
            scheduler: Scheduler::Systemd,
            place: Some(dir.join(format!("{}.timer", plan.name))),
            text: systemd::timer_text(plan),
        });
    }
    if cfg!(target_os = "macos")
        && let (Some(dir), Some(log)) = (launchd::agent_dir(), launchd::log_path(&plan.name))
    {
        out.push(ManualEntry {
            scheduler: Scheduler::Launchd,
            place: Some(dir.join(format!("{}.plist", plan.name))),
            text: launchd::plist_text(plan, &log),
        });
    }
    out
}

/// Picks what this machine has: launchd on macOS, else a systemd user
/// timer, else cron. `forced` skips the choice.
pub(crate) fn install(plan: &Plan, forced: Option<Scheduler>) -> Result<Report, String> {
    plan.check()?;
    let mut fallback = None;
    let scheduler = match forced {
        Some(s) => s,
        None if cfg!(target_os = "macos") => Scheduler::Launchd,
        None => match systemd::probe() {
            systemd::Probe::Ready => Scheduler::Systemd,
            systemd::Probe::NoSession(complaint) => {
                let advice = systemd::no_session_advice(&complaint);
                if !cron::available() {
                    return Err(advice);
                }
                fallback = Some(format!("{advice}; using cron meanwhile"));
                Scheduler::Cron
            }
            systemd::Probe::Missing if cron::available() => Scheduler::Cron,
            systemd::Probe::Missing => {
                return Err(format!(
                    "neither systemd (systemctl) nor cron (crontab) is on this machine: have your own scheduler run '{}' every {}",
                    command_line(plan),
                    plan.schedule.every_arg()
                ));
            }
        },
    };
    if forced == Some(Scheduler::Systemd) {
        match systemd::probe() {
            systemd::Probe::Ready => {}
            systemd::Probe::NoSession(complaint) => {
                return Err(systemd::no_session_advice(&complaint));
            }
            systemd::Probe::Missing => {
                return Err(
                    "systemctl is not on PATH: leave out --scheduler to use cron instead".into(),
                );
            }
        }
    }
    let mut done = match scheduler {
        Scheduler::Systemd => systemd::install(plan, &need(systemd::unit_dir(), "systemd")?)?,
        Scheduler::Cron => {
            if !cron::available() {
                return Err(
                    "crontab is not on PATH: install cron, or use --scheduler systemd".into(),
                );
            }
            cron::install(plan)?
        }
        Scheduler::Launchd => launchd::install(plan, &need(launchd::agent_dir(), "launchd")?)?,
    };
    // One entry per config dir: an older one under another scheduler would
    // run a second time, so it goes.
    for other in [Scheduler::Systemd, Scheduler::Cron, Scheduler::Launchd] {
        if other != scheduler {
            let removed = remove_one(other, &plan.name)?;
            if !removed.is_empty() {
                done.push(format!(
                    "removed the earlier {} for this config dir",
                    other.describe()
                ));
            }
        }
    }
    Ok(Report {
        scheduler,
        done,
        fallback,
    })
}

fn need(dir: Option<PathBuf>, what: &str) -> Result<PathBuf, String> {
    dir.ok_or_else(|| {
        format!(
            "HOME is not set, so there is no folder for the {what} files: set HOME and try again"
        )
    })
}

/// The line a person would type, for advice.
pub fn command_line(plan: &Plan) -> String {
    std::iter::once(plan.exe.to_string_lossy().into_owned())
        .chain(plan.refresh_args())
        .map(|a| {
            if a.chars()
                .all(|c| c.is_ascii_alphanumeric() || "/._-".contains(c))
            {
                a
            } else {
                format!("'{}'", a.replace('\'', r"'\''"))
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// Every entry for this config dir that can be found.
pub(crate) fn detect(name: &str, now: OffsetDateTime) -> Vec<Installed> {
    let mut found = Vec::new();
    if let Some(dir) = systemd::unit_dir()
        && let Some(entry) = systemd::detect(name, &dir)
    {
        found.push(entry);
    }
    if let Some(entry) = cron::detect(name, now) {
        found.push(entry);
    }
    if let Some(dir) = launchd::agent_dir()
        && let Some(entry) = launchd::detect(name, &dir)
    {
        found.push(entry);
    }
    found
}

fn remove_one(scheduler: Scheduler, name: &str) -> Result<Vec<String>, String> {
    match scheduler {
        Scheduler::Systemd => match systemd::unit_dir() {
            Some(dir) if systemd::detect_files(name, &dir) => systemd::remove(name, &dir),
            _ => Ok(Vec::new()),
        },
        Scheduler::Cron if cron::available() => match cron::read() {
            Ok(text) if text.contains(&cron::marker(name)) => cron::remove(name),
            Ok(_) => Ok(Vec::new()),
            Err(e) => Err(e),
        },
        Scheduler::Cron => Ok(Vec::new()),
        Scheduler::Launchd => match launchd::agent_dir() {
            Some(dir) => launchd::remove(name, &dir),
            None => Ok(Vec::new()),
        },
    }
}

/// Undoes what `install` did for this config dir, wherever it is found.
/// An empty list: there was nothing to remove.
pub(crate) fn remove(name: &str) -> Result<Vec<String>, String> {
    let mut done = Vec::new();
    for scheduler in [Scheduler::Systemd, Scheduler::Cron, Scheduler::Launchd] {
        done.extend(remove_one(scheduler, name)?);
    }
    Ok(done)
}

/// `doctor`'s keep-alive line: whether an entry is installed for this
/// config dir and can run where it is (the service manager reachable,
/// linger on, the binary still there). `Err((what, fix))` for a problem;
/// `Ok((text, advice))` with advice worth a warning.
pub(crate) fn doctor(
    name: &str,
    now: OffsetDateTime,
) -> Result<(String, Option<String>), (String, String)> {
    let found = detect(name, now);
    let Some(entry) = found.first() else {
        let can = match (systemd::probe(), cron::available()) {
            (systemd::Probe::Ready, _) => "a systemd user timer",
            (_, true) => "a crontab entry",
            _ if cfg!(target_os = "macos") && launchd::agent_dir().is_some() => "a launchd agent",
            _ => {
                return Ok((
                    "not installed, and neither systemctl --user nor crontab works here".into(),
                    Some(format!(
                        "run 'instatui keep-alive run' from another scheduler (refreshing alone: 'instatui refresh --all {}'), or keep instatui open",
                        crate::lifetime::RefreshPolicy::DEFAULT
                            .refresh_args()
                            .join(" ")
                    )),
                ));
            }
        };
        return Ok((
            format!(
                "not installed: tokens are refreshed only while instatui is open ({can} can run it here)"
            ),
            Some("instatui keep-alive install".into()),
        ));
    };
    if let Some(broken) = entry.broken() {
        return Err((broken, "instatui keep-alive install".into()));
    }
    if let Some(outdated) = entry.outdated() {
        return Err((outdated, "instatui keep-alive install".into()));
    }
    if let Some(note) = &entry.note {
        return Err((
            note.clone(),
            "loginctl enable-linger $USER, then instatui keep-alive install".into(),
        ));
    }
    if entry.enabled == Some(false) {
        return Err((
            format!(
                "{} is installed but not enabled",
                entry.scheduler.describe()
            ),
            format!("systemctl --user enable --now {name}.timer"),
        ));
    }
    let text = format!("{} ({})", entry.scheduler.describe(), entry.schedule);
    if entry.scheduler == Scheduler::Systemd && lingers() == Some(false) {
        return Ok((
            format!("{text}, but it runs only while you are logged in (linger is off)"),
            Some("loginctl enable-linger $USER".into()),
        ));
    }
    Ok((text, None))
}

/// Whether systemd keeps this user's manager running after logout;
/// `None` when it cannot be told.
fn lingers() -> Option<bool> {
    let user = std::env::var("USER")
        .or_else(|_| std::env::var("LOGNAME"))
        .ok()
        .filter(|u| !u.is_empty())?;
    if sys::find("loginctl").is_some()
        && let Ok(ran) = sys::run("loginctl", &["show-user", &user, "--property=Linger"], None)
        && ran.ok
    {
        return Some(ran.stdout.trim() == "Linger=yes");
    }
    let dir = Path::new("/var/lib/systemd/linger");
    dir.is_dir().then(|| dir.join(&user).exists())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_path_with_a_newline_or_a_control_character_is_refused_before_any_entry() {
        for (exe, dir) in [
            (
                "/usr/bin/instatui",
                "/home/me/x\n* * * * * touch /tmp/PWNED #",
            ),
            ("/usr/bin/instatui", "/home/me/x\r"),
            ("/usr/bin/insta\u{1b}tui", "/home/me/cfg"),
            ("/usr/bin/instatui\u{85}", "/home/me/cfg"),
        ] {
            let plan = Plan::new(exe.into(), dir.into(), Schedule::default(), "n".into());
            let err = plan.check().unwrap_err();
            assert!(err.contains("nothing was installed"), "{err}");
            assert!(!err.contains('\n'), "one line: {err}");
            let err = install(&plan, Some(Scheduler::Cron)).unwrap_err();
            assert!(err.contains("control character"), "{err}");
        }
        let fine = Plan::new(
            "/usr/bin/instatui".into(),
            "/home/me/50% off/it's".into(),
            Schedule::default(),
            "n".into(),
        );
        assert_eq!(fine.check(), Ok(()));
    }

    #[test]
    fn each_config_dir_has_its_own_stable_name() {
        let a = entry_name(Path::new("/tmp/a"));
        assert_eq!(a, entry_name(Path::new("/tmp/a")));
        assert_ne!(a, entry_name(Path::new("/tmp/b")));
        assert!(a.starts_with("instatui-keepalive-") && a.len() == 27, "{a}");
    }

    #[test]
    fn the_typed_command_quotes_what_needs_it() {
        let plan = Plan::new(
            "/usr/bin/instatui".into(),
            "/home/me/my config".into(),
            Schedule::default(),
            "x".into(),
        );
        assert_eq!(
            command_line(&plan),
            "/usr/bin/instatui --config-dir '/home/me/my config' keep-alive run --within 10d"
        );
    }
}
