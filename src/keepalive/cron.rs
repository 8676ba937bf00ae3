//! The crontab entry: edited through `crontab -l` / `crontab -`, marked with a comment so it can be found, replaced and removed.

use super::sys;
use super::{Installed, Plan, Scheduler};
use time::{Duration, OffsetDateTime};

/// The text every line of ours carries, exactly (the parentheses keep one
/// name from matching another that starts with it).
pub(super) fn marker(name: &str) -> String {
    format!("# managed by instatui keep-alive ({name})")
}

/// Single-quoted for `sh`; `%` escaped, since cron turns a bare one into a newline.
fn quote(arg: &str) -> String {
    format!("'{}'", arg.replace('\'', r"'\''").replace('%', r"\%"))
}

/// Our two lines: a comment for people, and the job. Standard output is
/// dropped and errors are not, so cron mails only when something failed.
pub(super) fn entry(plan: &Plan) -> String {
    let mark = marker(&plan.name);
    let command: Vec<String> = std::iter::once(plan.exe.to_string_lossy().into_owned())
        .chain(plan.refresh_args())
        .map(|a| quote(&a))
        .collect();
    format!(
        "{mark}: refreshes Instagram tokens; 'instatui keep-alive remove' takes it out\n\
         {fields} {command} >/dev/null {mark}\n",
        fields = plan.schedule.cron_fields(plan.slot()),
        command = command.join(" "),
    )
}

/// `current` without our lines, every other line byte for byte.
pub(super) fn without(current: &str, name: &str) -> String {
    let mark = marker(name);
    current
        .split_inclusive('\n')
        .filter(|line| !line.contains(&mark))
        .collect()
}

/// `current` with our entry in place of any earlier one.
pub(super) fn with_entry(current: &str, plan: &Plan) -> String {
    let mut text = without(current, &plan.name);
    if !text.is_empty() && !text.ends_with('\n') {
        text.push('\n');
    }
    text.push_str(&entry(plan));
    text
}

pub(super) fn available() -> bool {
    sys::find("crontab").is_some()
}

/// The user's crontab; none at all reads as empty.
pub(super) fn read() -> Result<String, String> {
    let ran = sys::run("crontab", &["-l"], None)?;
    if ran.ok {
        return Ok(ran.stdout);
    }
    // crontab exits 1 both for "no crontab for <user>" and for real
    // failures: its words are the only thing that tells them apart.
    if ran.stderr.to_ascii_lowercase().contains("no crontab") {
        return Ok(String::new());
    }
    Err(format!("'crontab -l' failed: {}", ran.complaint()))
}

fn write(text: &str) -> Result<(), String> {
    let ran = sys::run("crontab", &["-"], Some(text))?;
    if ran.ok {
        Ok(())
    } else {
        Err(format!(
            "'crontab -' refused the new table: {}",
            ran.complaint()
        ))
    }
}

/// Puts our entry in; writes nothing when it is there already, unchanged.
pub(super) fn install(plan: &Plan) -> Result<Vec<String>, String> {
    let current = read()?;
    let wanted = with_entry(&current, plan);
    if wanted == current {
        return Ok(vec!["your crontab already has this entry".to_string()]);
    }
    write(&wanted)?;
    Ok(vec![format!(
        "added to your crontab: {}",
        plan.schedule.cron_fields(plan.slot())
    )])
}

pub(super) fn detect(name: &str, now: OffsetDateTime) -> Option<Installed> {
    if !available() {
        return None;
    }
    let mark = marker(name);
    let current = read().ok()?;
    let job = current
        .lines()
        .find(|l| l.contains(&mark) && !l.trim_start().starts_with('#'))?;
    let fields: Vec<&str> = job.split_whitespace().take(5).collect();
    let command = job
        .split_whitespace()
        .skip(5)
        .collect::<Vec<_>>()
        .join(" ")
        .replace(&mark, "")
        .trim()
        .to_string();
    Some(Installed {
        scheduler: Scheduler::Cron,
        files: Vec::new(),
        schedule: fields.join(" "),
        command: Some(command),
        enabled: None,
        next_run: next_run(&fields, now).map(crate::localtime::format_local),
        log: "cron mails what a failed run printed (when the machine can send mail)".into(),
        note: None,
    })
}

pub(super) fn remove(name: &str) -> Result<Vec<String>, String> {
    let current = read()?;
    let kept = without(&current, name);
    if kept == current {
        return Ok(Vec::new());
    }
    write(&kept)?;
    Ok(vec!["removed the entry from your crontab".to_string()])
}

/// One crontab field of the kinds we write: `*`, `*/n` or a number.
fn field_matches(field: &str, value: i64, first: i64) -> Option<bool> {
    if field == "*" {
        return Some(true);
    }
    if let Some(step) = field.strip_prefix("*/") {
        let step: i64 = step.parse().ok().filter(|s| *s > 0)?;
        return Some((value - first) % step == 0);
    }
    Some(field.parse::<i64>().ok()? == value)
}

/// When cron next starts the job, in the machine's local time; `None` for
/// a line edited into something this does not read.
pub(super) fn next_run(fields: &[&str], now: OffsetDateTime) -> Option<OffsetDateTime> {
    let [minute, hour, day, month, weekday] = fields else {
        return None;
    };
    if *month != "*" || *weekday != "*" {
        return None;
    }
    let local = now.to_offset(crate::localtime::offset());
    let start = local.replace_second(0).ok()?.replace_nanosecond(0).ok()? + Duration::minutes(1);
    // Minute by minute would be 90,000 steps; hour by hour is enough once
    // the minute is fixed, which ours always is.
    let minute: i64 = minute.parse().ok()?;
    let mut t = start.replace_minute(u8::try_from(minute).ok()?).ok()?;
    if t < start {
        t += Duration::hours(1);
    }
    for _ in 0..(24 * 40) {
        let ok = field_matches(hour, i64::from(t.hour()), 0)?
            && field_matches(day, i64::from(t.day()), 1)?;
        if ok {
            return Some(t);
        }
        t += Duration::hours(1);
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::keepalive::Schedule;
    use std::path::PathBuf;
    use time::macros::datetime;

    fn plan(name: &str) -> Plan {
        Plan::new(
            PathBuf::from("/home/me/bin/insta'tui"),
            PathBuf::from("/home/me/50% off"),
            Schedule::default(),
            name.into(),
        )
    }

    #[test]
    fn the_entry_is_marked_and_quoted_for_sh_and_cron() {
        let text = entry(&plan("instatui-keepalive"));
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), 2, "{text}");
        assert!(lines[0].starts_with("# managed by instatui keep-alive (instatui-keepalive)"));
        assert!(
            lines[1].contains(
                r"'/home/me/bin/insta'\''tui' '--config-dir' '/home/me/50\% off' 'keep-alive' 'run'"
            ),
            "{text}"
        );
        assert!(
            lines[1].ends_with(">/dev/null # managed by instatui keep-alive (instatui-keepalive)"),
            "{text}"
        );
    }

    #[test]
    fn installing_twice_keeps_one_entry_and_every_other_line() {
        let theirs = "MAILTO=me@example.com\n# my backup\n0 3 * * * /usr/bin/backup\n";
        let once = with_entry(theirs, &plan("instatui-keepalive"));
        let twice = with_entry(&once, &plan("instatui-keepalive"));
        assert_eq!(once, twice);
        assert!(once.starts_with(theirs));
        assert_eq!(without(&once, "instatui-keepalive"), theirs);
    }

    #[test]
    fn another_config_dirs_entry_is_left_alone() {
        let other = with_entry("", &plan("instatui-keepalive-0badcafe"));
        let both = with_entry(&other, &plan("instatui-keepalive"));
        assert_eq!(without(&both, "instatui-keepalive"), other);
    }

    #[test]
    fn a_last_line_without_newline_is_not_glued_to_ours() {
        let text = with_entry("0 3 * * * /usr/bin/backup", &plan("instatui-keepalive"));
        assert!(
            text.starts_with("0 3 * * * /usr/bin/backup\n# managed"),
            "{text}"
        );
    }

    #[test]
    fn the_next_run_follows_the_fields() {
        crate::localtime::init();
        let now = datetime!(2026-03-10 13:20 UTC).to_offset(crate::localtime::offset());
        let next = next_run(&["17", "*/12", "*", "*", "*"], now).expect("next");
        assert_eq!(next.minute(), 17);
        assert_eq!(next.hour() % 12, 0);
        assert!(next > now && next - now <= Duration::hours(12), "{next}");
        let daily = next_run(&["5", "4", "*/2", "*", "*"], now).expect("next");
        assert_eq!((daily.hour(), daily.minute(), daily.day() % 2), (4, 5, 1));
        assert_eq!(next_run(&["5", "4", "*", "1", "*"], now), None);
    }
}
