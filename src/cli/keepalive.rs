//! `keep-alive install | print | status | remove`: a scheduler runs `refresh` so tokens live without the user.

use super::output::print_json;
use super::{CliError, Context};
use crate::keepalive::{self, AccountResult, Installed, Plan, RefreshRun, Schedule, Scheduler};
use crate::localtime::{format_local, rfc3339};
use crate::store::State;
use serde_json::json;
use time::{Duration, OffsetDateTime};

pub(super) fn install(
    ctx: &Context,
    every: Duration,
    within: Duration,
    forced: Option<Scheduler>,
) -> Result<(), CliError> {
    let schedule = Schedule::new(every, within).map_err(CliError::usage)?;
    let plan = Plan::for_this_binary(ctx.store.dir(), schedule).map_err(CliError::failed)?;
    let report = keepalive::install(&plan, forced).map_err(CliError::failed)?;
    if let Some(reason) = &report.fallback {
        eprintln!("note: {reason}.");
    }
    for line in &report.done {
        println!("{line}");
    }
    println!(
        "Keep-alive installed as {}: every {} it runs '{}', which {}.",
        report.scheduler.describe(),
        schedule.every_arg(),
        keepalive::command_line(&plan),
        keepalive::policy(&schedule.within_arg()),
    );
    println!("'instatui keep-alive status' shows when it last ran and what it did.");
    Ok(())
}

/// `keep-alive print`: the same entries `install` writes, for doing it by
/// hand; every line that is not the entry itself is a `#` comment.
pub(super) fn print(ctx: &Context, every: Duration, within: Duration) -> Result<(), CliError> {
    let schedule = Schedule::new(every, within).map_err(CliError::usage)?;
    let plan = Plan::for_this_binary(ctx.store.dir(), schedule).map_err(CliError::failed)?;
    println!(
        "# Keep-alive for {}: every {} this runs '{}',\n\
         # which {}.\n\
         # 'instatui keep-alive install' sets up one of these for you; to do it by hand, pick one.",
        plan.config_dir.display(),
        schedule.every_arg(),
        keepalive::command_line(&plan),
        keepalive::policy(&schedule.within_arg()),
    );
    let mut units = Vec::new();
    for preview in keepalive::preview(&plan) {
        match (preview.scheduler, &preview.place) {
            (Scheduler::Cron, _) => println!(
                "\n# cron: add these two lines with 'crontab -e'. Output is dropped and errors are\n\
                 # not, so cron mails you (MAILTO) only when a refresh failed.\n{}",
                preview.text.trim_end()
            ),
            (Scheduler::Systemd, Some(place)) => {
                println!(
                    "\n# systemd user timer: save as {}\n{}",
                    place.display(),
                    preview.text.trim_end()
                );
                units.push(place.clone());
            }
            (_, Some(place)) => println!(
                "\n# launchd agent: save as {}, then 'launchctl load -w {}'\n{}",
                place.display(),
                place.display(),
                preview.text.trim_end()
            ),
            (_, None) => {}
        }
    }
    if let Some(timer) = units
        .iter()
        .find(|p| p.extension().is_some_and(|e| e == "timer"))
        .and_then(|p| p.file_name())
    {
        println!(
            "\n# then: systemctl --user daemon-reload && systemctl --user enable --now {}",
            timer.to_string_lossy()
        );
        println!(
            "# (errors show in: journalctl --user -u {}.service)",
            plan.name
        );
    }
    Ok(())
}

pub(super) fn remove(ctx: &Context) -> Result<(), CliError> {
    let dir = std::path::absolute(ctx.store.dir()).map_err(|e| CliError::failed(e.to_string()))?;
    let name = keepalive::entry_name(&dir);
    let done = keepalive::remove(&name).map_err(CliError::failed)?;
    if done.is_empty() {
        println!(
            "Nothing to remove: no keep-alive is installed for {}.",
            dir.display()
        );
    }
    for line in done {
        println!("{line}");
    }
    Ok(())
}

pub(super) fn status(ctx: &Context, json: bool) -> Result<(), CliError> {
    let state = ctx.load()?;
    let dir = std::path::absolute(ctx.store.dir()).map_err(|e| CliError::failed(e.to_string()))?;
    let name = keepalive::entry_name(&dir);
    let now = crate::clock::now();
    let found = keepalive::detect(&name, now);
    let (watch, _) = crate::watch::load(&ctx.store);
    let rows = super::watch::rows(&state, &watch, now);
    let problem = problem(&found, &state, &dir).or_else(|| watch_problem(&rows, &watch));
    if json {
        let mut value = status_json(&found, &state, problem.as_deref());
        value["accounts"] = rows.iter().map(super::watch::Row::json).collect();
        value["notifiers"] = json!(watch.notifiers);
        print_json(&value)?;
    } else {
        print_status(&found, &state, now);
        for row in &rows {
            println!("account:     {}", row.line(now));
        }
        for n in &watch.notifiers {
            let last = match &n.last {
                None => "never used".to_string(),
                Some(d) if d.ok => format!("ok at {}", format_local(d.at)),
                Some(d) => format!("FAILED at {}: {}", format_local(d.at), d.summary),
            };
            println!(
                "{}",
                crate::sanitize::line(&format!(
                    "notifier {}:  {}: {last}",
                    n.id,
                    n.channel.describe()
                ))
            );
        }
    }
    match problem {
        // With --json the problem is in the object: no second one on stdout.
        Some(_) if json => Err(CliError::failed("")),
        Some(p) => Err(CliError::failed(p)),
        None => Ok(()),
    }
}

/// An account that needs the user, or a notifier whose last delivery
/// failed, as of the last watch: one sentence.
fn watch_problem(rows: &[super::watch::Row], watch: &crate::watch::WatchFile) -> Option<String> {
    let now = crate::clock::now();
    let needy: Vec<String> = rows
        .iter()
        .filter(|r| r.condition.needs_user())
        .map(|r| r.line(now))
        .collect();
    if !needy.is_empty() {
        return Some(needy.join("; "));
    }
    let failed: Vec<String> = watch
        .notifiers
        .iter()
        .filter(|n| n.last.as_ref().is_some_and(|d| !d.ok))
        .map(|n| format!("notifier {} failed ({})", n.id, n.channel.describe()))
        .collect();
    (!failed.is_empty()).then(|| {
        format!(
            "{}: 'instatui notify list' shows why, 'instatui notify test' tries again",
            failed.join(", ")
        )
    })
}

/// What makes the status worth a non-zero exit, in one sentence.
fn problem(found: &[Installed], state: &State, dir: &std::path::Path) -> Option<String> {
    if found.is_empty() {
        return Some(format!(
            "no keep-alive is installed for {}: 'instatui keep-alive install' sets one up",
            dir.display()
        ));
    }
    if let Some(broken) = found.iter().find_map(Installed::broken) {
        return Some(broken);
    }
    if let Some(outdated) = found.iter().find_map(Installed::outdated) {
        return Some(outdated);
    }
    if let Some(note) = found.iter().find_map(|i| i.note.clone()) {
        return Some(note);
    }
    let failed: Vec<String> = state
        .last_run
        .iter()
        .flat_map(|r| r.accounts.iter())
        .filter(|a| a.outcome.is_failure())
        .map(AccountResult::summary)
        .collect();
    if !failed.is_empty() {
        return Some(format!("the last run failed: {}", failed.join("; ")));
    }
    // Handoffs of accounts an older instatui removed never run again:
    // `handoff list` says so, and they are no reason to fail every status.
    let handoffs: Vec<u32> = state
        .handoffs
        .iter()
        .filter(|h| {
            h.last.as_ref().is_some_and(|r| !r.ok)
                && state.accounts.iter().any(|a| h.belongs_to(&a.id()))
        })
        .map(|h| h.id)
        .collect();
    if !handoffs.is_empty() {
        return Some(crate::handoff::retry_advice(&handoffs));
    }
    None
}

fn print_status(found: &[Installed], state: &State, now: OffsetDateTime) {
    if found.is_empty() {
        println!("keep-alive:  not installed");
    }
    for entry in found {
        let enabled = match entry.enabled {
            Some(true) => ", enabled",
            Some(false) => ", NOT enabled",
            None => "",
        };
        println!("keep-alive:  {}{enabled}", entry.scheduler.describe());
        println!("schedule:    {}", entry.schedule);
        if let Some(command) = &entry.command {
            println!("runs:        {command}");
        }
        for file in &entry.files {
            println!("file:        {}", file.display());
        }
        println!(
            "next run:    {}",
            entry
                .next_run
                .as_deref()
                .unwrap_or("(the scheduler does not say)")
        );
        println!("log:         {}", entry.log);
        if let Some(note) = &entry.note {
            println!("note:        {note}");
        }
        if let Some(problem) = entry.broken().or_else(|| entry.outdated()) {
            println!("problem:     {problem}");
        }
    }
    print_last_run(state.last_run.as_ref(), now);
    for h in &state.handoffs {
        let outcome = match &h.last {
            None => "not run yet".to_string(),
            Some(r) if r.ok => format!("ok at {}", format_local(r.at)),
            Some(r) => format!("FAILED at {}: {}", format_local(r.at), r.summary),
        };
        println!("handoff {}:   {}: {outcome}", h.id, h.target.describe());
    }
}

fn print_last_run(run: Option<&RefreshRun>, now: OffsetDateTime) {
    let Some(run) = run else {
        println!("last run:    never");
        return;
    };
    println!(
        "last run:    {} ({} ago)",
        format_local(run.at),
        crate::lifetime::format_remaining(now - run.at)
    );
    for account in &run.accounts {
        println!("  {}", account.summary());
    }
}

fn status_json(found: &[Installed], state: &State, problem: Option<&str>) -> serde_json::Value {
    let installed: Vec<serde_json::Value> = found
        .iter()
        .map(|i| {
            json!({
                // The name `--scheduler` takes.
                "scheduler": clap::ValueEnum::to_possible_value(&i.scheduler)
                    .map(|v| v.get_name().to_string()),
                "files": i.files,
                "schedule": i.schedule,
                "command": i.command,
                "enabled": i.enabled,
                "next_run": i.next_run,
                "log": i.log,
                "note": i.note,
            })
        })
        .collect();
    let last_run = state.last_run.as_ref().map(|run| {
        json!({
            "at": rfc3339(run.at),
            "accounts": run.accounts,
        })
    });
    json!({
        "installed": installed,
        "last_run": last_run,
        "handoffs": state.handoffs,
        "problem": problem,
    })
}

/// Keeps what `keep-alive run` refreshed, for `keep-alive status`.
pub(super) fn record_run_all(ctx: &Context, accounts: Vec<AccountResult>) {
    let saved = ctx.store.update(|s| {
        s.last_run = Some(RefreshRun {
            at: crate::clock::now(),
            accounts,
        });
        Ok::<_, CliError>(())
    });
    if let Err(e) = saved {
        eprintln!("warning: could not record this run for 'keep-alive status': {e}");
    }
}
