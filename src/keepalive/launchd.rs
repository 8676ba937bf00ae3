//! The launchd agent on macOS: a plist in ~/Library/LaunchAgents, loaded with `launchctl load -w`.

use super::sys;
use super::{Installed, Plan, Scheduler};
use std::path::{Path, PathBuf};

/// Overrides the agents folder (tests).
pub(crate) const DIR_ENV: &str = "INSTATUI_LAUNCH_AGENTS_DIR";

/// `$INSTATUI_LAUNCH_AGENTS_DIR`, else `~/Library/LaunchAgents`.
pub(super) fn agent_dir() -> Option<PathBuf> {
    if let Some(dir) = std::env::var_os(DIR_ENV).filter(|d| !d.is_empty()) {
        return Some(PathBuf::from(dir));
    }
    sys::home().map(|h| h.join("Library/LaunchAgents"))
}

/// Where the agent's output goes: launchd has no journal and sends no mail.
pub(super) fn log_path(name: &str) -> Option<PathBuf> {
    sys::home().map(|h| h.join("Library/Logs").join(format!("{name}.log")))
}

fn plist_path(dir: &Path, name: &str) -> PathBuf {
    dir.join(format!("{name}.plist"))
}

fn xml(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

pub(super) fn plist_text(plan: &Plan, log: &Path) -> String {
    let args: String = std::iter::once(plan.exe.to_string_lossy().into_owned())
        .chain(plan.refresh_args())
        .map(|a| format!("\t\t<string>{}</string>\n", xml(&a)))
        .collect();
    let log = xml(&log.to_string_lossy());
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n\
         <!DOCTYPE plist PUBLIC \"-//Apple//DTD PLIST 1.0//EN\" \"http://www.apple.com/DTDs/PropertyList-1.0.dtd\">\n\
         <!-- Written by 'instatui keep-alive install'; 'instatui keep-alive remove' deletes it. -->\n\
         <plist version=\"1.0\">\n\
         <dict>\n\
         \t<key>Label</key>\n\
         \t<string>{label}</string>\n\
         \t<key>ProgramArguments</key>\n\
         \t<array>\n\
         {args}\
         \t</array>\n\
         \t<key>StartInterval</key>\n\
         \t<integer>{interval}</integer>\n\
         \t<key>RunAtLoad</key>\n\
         \t<true/>\n\
         \t<key>StandardOutPath</key>\n\
         \t<string>{log}</string>\n\
         \t<key>StandardErrorPath</key>\n\
         \t<string>{log}</string>\n\
         </dict>\n\
         </plist>\n",
        label = xml(&plan.name),
        interval = plan.schedule.every.whole_seconds(),
    )
}

fn launchctl(args: &[&str]) -> Result<(), String> {
    let ran = sys::run("launchctl", args, None)?;
    if ran.ok {
        Ok(())
    } else {
        Err(format!(
            "'launchctl {}' failed: {}",
            args.join(" "),
            ran.complaint()
        ))
    }
}

pub(super) fn install(plan: &Plan, dir: &Path) -> Result<Vec<String>, String> {
    let path = plist_path(dir, &plan.name);
    let log = log_path(&plan.name).ok_or("HOME is not set, so there is no ~/Library/Logs")?;
    if let Some(logs) = log.parent() {
        std::fs::create_dir_all(logs)
            .map_err(|e| format!("could not create {}: {e}", logs.display()))?;
    }
    let path_text = path.to_string_lossy().into_owned();
    if path.exists() {
        // Loaded agents keep their old settings until unloaded.
        let _ = launchctl(&["unload", &path_text]);
    }
    sys::write_file(&path, &plist_text(plan, &log))?;
    if let Err(e) = launchctl(&["load", "-w", &path_text]) {
        let _ = sys::remove_file(&path);
        return Err(e);
    }
    Ok(vec![
        format!("wrote {}", path.display()),
        format!(
            "loaded it (launchctl load -w); output goes to {}",
            log.display()
        ),
    ])
}

pub(super) fn detect(name: &str, dir: &Path) -> Option<Installed> {
    let path = plist_path(dir, name);
    let text = std::fs::read_to_string(&path).ok()?;
    let interval = text
        .split("<key>StartInterval</key>")
        .nth(1)
        .and_then(|rest| rest.split("<integer>").nth(1))
        .and_then(|rest| rest.split("</integer>").next())
        .and_then(|secs| secs.trim().parse::<i64>().ok());
    Some(Installed {
        scheduler: Scheduler::Launchd,
        files: vec![path],
        schedule: match interval {
            Some(secs) => format!(
                "every {}",
                super::schedule::format_arg(time::Duration::seconds(secs))
            ),
            None => "?".into(),
        },
        command: program_arguments(&text),
        enabled: None,
        next_run: None,
        log: log_path(name).map_or_else(String::new, |p| p.display().to_string()),
        note: None,
    })
}

/// The agent's `ProgramArguments`, each in double quotes as systemd's
/// `ExecStart=` shows them; `None` when the plist has none.
fn program_arguments(text: &str) -> Option<String> {
    let array = text
        .split("<key>ProgramArguments</key>")
        .nth(1)?
        .split("</array>")
        .next()?;
    let args: Vec<String> = array
        .split("<string>")
        .skip(1)
        .filter_map(|rest| rest.split("</string>").next())
        .map(|arg| {
            let arg = arg
                .replace("&lt;", "<")
                .replace("&gt;", ">")
                .replace("&quot;", "\"")
                .replace("&amp;", "&");
            format!("\"{arg}\"")
        })
        .collect();
    (!args.is_empty()).then(|| args.join(" "))
}

pub(super) fn remove(name: &str, dir: &Path) -> Result<Vec<String>, String> {
    let path = plist_path(dir, name);
    if !path.exists() {
        return Ok(Vec::new());
    }
    let mut done = Vec::new();
    match launchctl(&["unload", "-w", &path.to_string_lossy()]) {
        Ok(()) => done.push("unloaded the agent".to_string()),
        Err(e) => done.push(format!("note: {e}")),
    }
    if sys::remove_file(&path)? {
        done.push(format!("removed {}", path.display()));
    }
    Ok(done)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::keepalive::Schedule;

    #[test]
    fn the_plist_runs_this_binary_every_twelve_hours_and_logs() {
        let plan = Plan::new(
            PathBuf::from("/Users/me/bin/instatui"),
            PathBuf::from("/Users/me/Library/Application Support/instatui & co"),
            Schedule::default(),
            "instatui-keepalive".into(),
        );
        let text = plist_text(
            &plan,
            Path::new("/Users/me/Library/Logs/instatui-keepalive.log"),
        );
        let expected = "\t<key>Label</key>\n\t<string>instatui-keepalive</string>\n\
             \t<key>ProgramArguments</key>\n\t<array>\n\
             \t\t<string>/Users/me/bin/instatui</string>\n\
             \t\t<string>--config-dir</string>\n\
             \t\t<string>/Users/me/Library/Application Support/instatui &amp; co</string>\n\
             \t\t<string>keep-alive</string>\n\t\t<string>run</string>\n";
        assert!(text.contains(expected), "{text}");
        assert!(
            text.contains("\t\t<string>--within</string>\n\t\t<string>10d</string>\n\t</array>\n"),
            "{text}"
        );
        assert!(
            text.contains("<key>StartInterval</key>\n\t<integer>43200</integer>"),
            "{text}"
        );
        assert!(text.contains("<key>StandardErrorPath</key>\n\t<string>/Users/me/Library/Logs/instatui-keepalive.log</string>"), "{text}");
        assert_eq!(
            program_arguments(&text).as_deref(),
            Some(
                "\"/Users/me/bin/instatui\" \"--config-dir\" \"/Users/me/Library/Application Support/instatui & co\" \"keep-alive\" \"run\" \"--within\" \"10d\""
            )
        );
        assert!(text.starts_with("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<!DOCTYPE plist"));
        assert!(text.ends_with("</dict>\n</plist>\n"));
    }
}
