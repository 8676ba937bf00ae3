//! The systemd user timer: a oneshot service and a `Persistent=true` timer in the user's unit folder, enabled through `systemctl --user`.

use super::sys;
use super::{Installed, Plan, Scheduler};
use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// Overrides the unit folder (tests, unusual set-ups).
pub(crate) const DIR_ENV: &str = "INSTATUI_SYSTEMD_USER_DIR";

const HEADER: &str =
    "# Written by 'instatui keep-alive install'; 'instatui keep-alive remove' deletes it.\n";

/// `$INSTATUI_SYSTEMD_USER_DIR`, else `$XDG_CONFIG_HOME/systemd/user`, else `~/.config/systemd/user`.
pub(super) fn unit_dir() -> Option<PathBuf> {
    if let Some(dir) = std::env::var_os(DIR_ENV).filter(|d| !d.is_empty()) {
        return Some(PathBuf::from(dir));
    }
    let config = std::env::var_os("XDG_CONFIG_HOME")
        .filter(|d| !d.is_empty())
        .map(PathBuf::from)
        .or_else(|| sys::home().map(|h| h.join(".config")))?;
    Some(config.join("systemd/user"))
}

/// One argument of `ExecStart=`: quoted, with systemd's `%` and `$` escaped.
fn quote(arg: &str) -> String {
    let escaped = arg
        .replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('%', "%%")
        .replace('$', "$$");
    format!("\"{escaped}\"")
}

pub(super) fn service_text(plan: &Plan) -> String {
    let exec: Vec<String> = std::iter::once(plan.exe.to_string_lossy().into_owned())
        .chain(plan.refresh_args())
        .map(|a| quote(&a))
        .collect();
    format!(
        "{HEADER}[Unit]\n\
         Description=instatui keep-alive: refresh Instagram tokens expiring within {within}\n\
         \n\
         [Service]\n\
         Type=oneshot\n\
         ExecStart={exec}\n",
        within = plan.schedule.within_arg(),
        exec = exec.join(" "),
    )
}

pub(super) fn timer_text(plan: &Plan) -> String {
    format!(
        "{HEADER}[Unit]\n\
         Description=instatui keep-alive, every {every}\n\
         \n\
         [Timer]\n\
         OnCalendar={calendar}\n\
         Persistent=true\n\
         \n\
         [Install]\n\
         WantedBy=timers.target\n",
        every = plan.schedule.every_arg(),
        calendar = plan.schedule.on_calendar(plan.slot()),
    )
}

fn paths(dir: &Path, name: &str) -> (PathBuf, PathBuf) {
    (
        dir.join(format!("{name}.service")),
        dir.join(format!("{name}.timer")),
    )
}

/// Whether `systemctl --user` can be used here.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Probe {
    Ready,
    /// Installed, but there is no user service manager to talk to.
    NoSession(String),
    Missing,
}

pub(super) fn probe() -> Probe {
    if sys::find("systemctl").is_none() {
        return Probe::Missing;
    }
    match sys::run("systemctl", &["--user", "show-environment"], None) {
        Ok(ran) if ran.ok => Probe::Ready,
        Ok(ran) => Probe::NoSession(ran.complaint()),
        Err(e) => Probe::NoSession(e),
    }
}

/// The one sentence for a `systemctl --user` without a session bus.
pub(super) fn no_session_advice(complaint: &str) -> String {
    format!(
        "systemctl --user cannot reach your user's service manager ({complaint}): log in through a regular session (not su/sudo), or run 'loginctl enable-linger $USER' and try again"
    )
}

fn systemctl(args: &[&str]) -> Result<(), String> {
    let mut all = vec!["--user"];
    all.extend_from_slice(args);
    let ran = sys::run("systemctl", &all, None)?;
    if ran.ok {
        Ok(())
    } else {
        Err(format!(
            "'systemctl --user {}' failed: {}",
            args.join(" "),
            ran.complaint()
        ))
    }
}

/// Writes both units and enables the timer; on failure, takes the files
/// away again so nothing half-installed is left.
pub(super) fn install(plan: &Plan, dir: &Path) -> Result<Vec<String>, String> {
    let (service, timer) = paths(dir, &plan.name);
    sys::write_file(&service, &service_text(plan))?;
    sys::write_file(&timer, &timer_text(plan))?;
    let timer_unit = format!("{}.timer", plan.name);
    let enabled = systemctl(&["daemon-reload"])
        .and_then(|()| systemctl(&["enable", "--now", &timer_unit]))
        // A timer already running keeps its old schedule until restarted.
        .and_then(|()| systemctl(&["restart", &timer_unit]));
    if let Err(e) = enabled {
        let _ = sys::remove_file(&service);
        let _ = sys::remove_file(&timer);
        let _ = systemctl(&["daemon-reload"]);
        return Err(e);
    }
    Ok(vec![
        format!("wrote {}", service.display()),
        format!("wrote {}", timer.display()),
        format!("enabled {timer_unit} (systemctl --user enable --now)"),
    ])
}

/// Whether either unit file of ours is in `dir`.
pub(super) fn detect_files(name: &str, dir: &Path) -> bool {
    let (service, timer) = paths(dir, name);
    service.exists() || timer.exists()
}

pub(super) fn detect(name: &str, dir: &Path) -> Option<Installed> {
    let (service, timer) = paths(dir, name);
    if !timer.exists() && !service.exists() {
        return None;
    }
    let timer_unit = format!("{name}.timer");
    let text = std::fs::read_to_string(&timer).unwrap_or_default();
    let calendar = text
        .lines()
        .find_map(|l| l.strip_prefix("OnCalendar="))
        .unwrap_or("?")
        .to_string();
    let command = std::fs::read_to_string(&service)
        .unwrap_or_default()
        .lines()
        .find_map(|l| l.strip_prefix("ExecStart="))
        .map(str::to_string);
    let shown = sys::run(
        "systemctl",
        &[
            "--user",
            "show",
            &timer_unit,
            "--property=UnitFileState,NextElapseUSecRealtime,LastTriggerUSec",
        ],
        None,
    );
    let (enabled, next_run, note) = match shown {
        Ok(ran) if ran.ok => {
            let props: HashMap<&str, &str> = ran
                .stdout
                .lines()
                .filter_map(|l| l.split_once('='))
                .collect();
            let known = |key: &str| {
                props
                    .get(key)
                    .map(|v| v.trim())
                    .filter(|v| !v.is_empty() && *v != "n/a")
                    .map(str::to_string)
            };
            (
                known("UnitFileState").map(|s| s == "enabled"),
                known("NextElapseUSecRealtime"),
                None,
            )
        }
        Ok(ran) => (None, None, Some(no_session_advice(&ran.complaint()))),
        Err(e) => (None, None, Some(e)),
    };
    Some(Installed {
        scheduler: Scheduler::Systemd,
        files: vec![service, timer],
        schedule: format!("OnCalendar={calendar}"),
        command,
        enabled,
        next_run,
        log: format!("journalctl --user -u {name}.service"),
        note,
    })
}

pub(super) fn remove(name: &str, dir: &Path) -> Result<Vec<String>, String> {
    let (service, timer) = paths(dir, name);
    let timer_unit = format!("{name}.timer");
    let mut done = Vec::new();
    // Disabling needs the service manager; the files go either way, and
    // systemd forgets a unit whose file is gone at its next reload.
    match systemctl(&["disable", "--now", &timer_unit]) {
        Ok(()) => done.push(format!("disabled {timer_unit}")),
        Err(e) => done.push(format!("note: {e}")),
    }
    for path in [&timer, &service] {
        if sys::remove_file(path)? {
            done.push(format!("removed {}", path.display()));
        }
    }
    let _ = systemctl(&["daemon-reload"]);
    Ok(done)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::keepalive::Schedule;

    fn plan() -> Plan {
        Plan::new(
            PathBuf::from("/opt/my tools/instatui"),
            PathBuf::from("/home/me/.config/instatui"),
            Schedule::default(),
            "instatui-keepalive".into(),
        )
    }

    #[test]
    fn the_service_runs_this_binary_on_this_config_dir() {
        let text = service_text(&plan());
        assert!(text.contains("Type=oneshot"), "{text}");
        let exec = text
            .lines()
            .find_map(|l| l.strip_prefix("ExecStart="))
            .expect("ExecStart");
        assert!(
            exec.starts_with(
                r#""/opt/my tools/instatui" "--config-dir" "/home/me/.config/instatui" "keep-alive" "run""#
            ),
            "{exec}"
        );
        assert!(exec.ends_with(r#""--within" "10d""#), "{exec}");
    }

    #[test]
    fn the_timer_catches_up_after_the_machine_was_off() {
        let text = timer_text(&plan());
        assert!(text.contains("\nPersistent=true\n"), "{text}");
        assert!(text.contains("\nOnCalendar=*-*-* 0/12:"), "{text}");
        assert!(text.contains("WantedBy=timers.target"), "{text}");
    }

    #[test]
    fn percent_and_dollar_reach_the_program_unchanged() {
        assert_eq!(quote("/a%b$c\"d"), r#""/a%%b$$c\"d""#);
    }
}
