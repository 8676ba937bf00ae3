//! `handoff add | list | remove | run`, and running an account's handoffs after each new token.

use super::output::print_json;
use super::{CliError, Context};
use crate::handoff::{self, Destination, Handoff, HandoffRun, Ticket};
use crate::localtime::format_local;
use std::path::PathBuf;
use std::sync::OnceLock;
use std::sync::atomic::{AtomicBool, Ordering};
use tokio::sync::watch;

/// Who the handoffs belong to: the stored token's account.
fn account(ctx: &Context) -> Result<(crate::store::State, Ticket), CliError> {
    let state = ctx.load()?;
    let ticket = ctx.account(&state).map(Ticket::for_account).ok_or_else(|| {
        CliError::needs_auth(
            "handoffs belong to an account and there is no token yet: run 'instatui authorize', then 'instatui exchange'",
        )
    })?;
    Ok((state, ticket))
}

pub(super) fn add(
    ctx: &Context,
    dotenv: Option<PathBuf>,
    var: Option<String>,
    exec: Option<String>,
    timeout: Option<time::Duration>,
) -> Result<(), CliError> {
    let (_, ticket) = account(ctx)?;
    let target = match (dotenv, exec) {
        (Some(path), None) => {
            let var = var.unwrap_or_else(|| handoff::DEFAULT_VAR.to_string());
            if !handoff::dotenv::valid_var(&var) {
                return Err(CliError::usage(format!(
                    "--var {var} is not a variable name: use letters, digits and _, not starting with a digit"
                )));
            }
            let path = std::path::absolute(&path)
                .map_err(|e| CliError::usage(format!("{}: {e}", path.display())))?;
            if let Some(problem) = handoff::dotenv::check_folder(&path) {
                return Err(CliError::failed(format!("{problem}; nothing was added")));
            }
            Destination::Dotenv { path, var }
        }
        (None, Some(command)) => {
            if command.trim().is_empty() {
                return Err(CliError::usage("--exec needs a command"));
            }
            let secs = timeout.map_or(handoff::DEFAULT_TIMEOUT_SECS, |t| {
                u64::try_from(t.whole_seconds()).unwrap_or(1).max(1)
            });
            Destination::Exec {
                command,
                timeout_secs: secs,
            }
        }
        _ => return Err(CliError::usage("give one of --dotenv PATH or --exec 'CMD'")),
    };
    let (added, _) = ctx.store.update(|s| {
        let h = Handoff {
            id: s.take_handoff_id(),
            account: ticket.user_id.clone(),
            app_id: ticket.app_id.clone(),
            target: target.clone(),
            last: None,
        };
        s.handoffs.push(h.clone());
        Ok::<_, CliError>(h)
    })?;
    println!(
        "Added handoff {}: {}. It runs after each new token for {}; 'instatui handoff run {}' runs it now.",
        added.id,
        added.target.describe(),
        who(&ticket),
        added.id
    );
    Ok(())
}

fn who(ticket: &Ticket) -> String {
    crate::store::account_label(ticket.username.as_deref(), &ticket.user_id)
}

fn outcome_text(last: Option<&HandoffRun>) -> String {
    match last {
        None => "not run yet".to_string(),
        Some(r) => format!(
            "{} at {}: {}",
            if r.ok { "ok" } else { "FAILED" },
            format_local(r.at),
            r.summary
        ),
    }
}

/// The stored account handoff `h` belongs to; `None` when there is none
/// (it was removed by an older instatui, which left its handoffs behind).
fn owner_of<'a>(state: &'a crate::store::State, h: &Handoff) -> Option<&'a crate::store::Account> {
    state.accounts.iter().find(|a| h.belongs_to(&a.id()))
}

/// How an account is named in `handoff list`: `@name`, or `@name@APP_ID`
/// when the name fits another stored account too.
fn name_of(state: &crate::store::State, account: &crate::store::Account) -> String {
    crate::sanitize::line(&state.label_among(account)).into_owned()
}

/// Every handoff, or with `--account` only that account's.
pub(super) fn list(ctx: &Context, json: bool) -> Result<(), CliError> {
    let state = ctx.load()?;
    let only = match &ctx.account {
        Some(_) => ctx.account(&state),
        None => None,
    };
    let shown: Vec<&Handoff> = state
        .handoffs
        .iter()
        .filter(|h| only.is_none_or(|a| h.belongs_to(&a.id())))
        .collect();
    if json {
        return print_json(&shown);
    }
    if shown.is_empty() {
        let whose = match only {
            Some(a) => format!(" for {}", name_of(&state, a)),
            None => String::new(),
        };
        println!(
            "No handoffs{whose}: 'instatui handoff add --dotenv PATH' or 'instatui handoff add --exec CMD' adds one."
        );
        return Ok(());
    }
    for h in shown {
        let whose = owner_of(&state, h).map(|a| name_of(&state, a)).unwrap_or_else(|| {
            format!(
                "user {}, whose account is no longer stored: 'instatui handoff remove {}' removes it",
                h.account, h.id
            )
        });
        println!("{}  {}  ({whose})", h.id, h.target.describe());
        println!("   last run: {}", outcome_text(h.last.as_ref()));
        for line in h.last.iter().flat_map(|r| r.output.iter()) {
            println!("   | {line}");
        }
    }
    Ok(())
}

pub(super) fn remove(ctx: &Context, id: u32) -> Result<(), CliError> {
    let (removed, _) = ctx.store.update(|s| {
        let at = s.handoffs.iter().position(|h| h.id == id);
        Ok::<_, CliError>(at.map(|i| s.handoffs.remove(i)))
    })?;
    match removed {
        Some(h) => {
            println!("Removed handoff {id}: {}.", h.target.describe());
            Ok(())
        }
        None => Err(CliError::usage(format!(
            "there is no handoff {id}: 'instatui handoff list' shows them"
        ))),
    }
}

/// `handoff run`: the account's handoffs; `handoff run ID`: that one,
/// with the token of the account it belongs to, whichever is active.
pub(super) async fn run(ctx: &Context, only: Option<u32>) -> Result<(), CliError> {
    let Some(id) = only else {
        refuse_a_dead_token(ctx, None)?;
        if run_and_record(ctx, None).await? == 0 {
            let state = ctx.load()?;
            let whose = ctx
                .account(&state)
                .map(|a| name_of(&state, a))
                .unwrap_or_else(|| "this account".to_string());
            println!(
                "No handoffs for {whose}: nothing to run ('instatui handoff list' shows every account's)."
            );
        }
        return Ok(());
    };
    let state = ctx.store.load()?.state;
    let Some(h) = state.handoffs.iter().find(|h| h.id == id) else {
        return Err(CliError::usage(format!(
            "there is no handoff {id}: 'instatui handoff list' shows them"
        )));
    };
    let Some(account) = owner_of(&state, h) else {
        return Err(CliError::failed(format!(
            "handoff {id} belongs to user {}, whose account is no longer stored: 'instatui handoff remove {id}' removes it",
            h.account
        )));
    };
    let own = ctx.for_account(&account.id());
    refuse_a_dead_token(&own, only)?;
    run_and_record(&own, only).await.map(|_| ())
}

/// An expired or revoked token is not handed on by `handoff run`: it
/// would only put a dead token where a working one is expected. Exit 3,
/// as for every command whose token needs a new authorize.
fn refuse_a_dead_token(ctx: &Context, only: Option<u32>) -> Result<(), CliError> {
    use crate::watch::Condition;
    let state = ctx.load()?;
    let Some(account) = ctx.account(&state) else {
        return Ok(());
    };
    let has_handoffs = state
        .handoffs
        .iter()
        .any(|h| h.belongs_to(&account.id()) && only.is_none_or(|id| h.id == id));
    let (watch, _) = crate::watch::load(&ctx.store);
    let condition =
        crate::watch::condition(account, watch.account(&account.id()), crate::clock::now());
    if has_handoffs
        && matches!(
            condition,
            Condition::Expired { .. } | Condition::Revoked { .. }
        )
    {
        let who = crate::sanitize::line(&account.label()).into_owned();
        return Err(CliError::needs_auth(format!(
            "{who}'s token is {}, so nothing was handed on: authorize again ('instatui authorize --open', logging in as {who}), and the new token is handed on by itself",
            condition.word().to_lowercase()
        )));
    }
    Ok(())
}

/// Runs the account's handoffs (after the new token was saved), records
/// each outcome and prints one line each. Exit 1 when one failed: the
/// token itself is already saved.
pub(super) async fn after_new_token(ctx: &Context) -> Result<(), CliError> {
    run_and_record(ctx, None).await.map(|_| ())
}

async fn run_and_record(ctx: &Context, only: Option<u32>) -> Result<usize, CliError> {
    let (state, ticket) = account(ctx)?;
    if !state
        .handoffs
        .iter()
        .any(|h| ticket.owns(h) && only.is_none_or(|id| h.id == id))
    {
        return Ok(0);
    }
    let handoffs = state.handoffs.clone();
    let worker_ticket = ticket.clone();
    // Listening before the first command starts: from then on Ctrl-C or
    // SIGTERM stops the commands (in process groups of their own, which the
    // terminal's Ctrl-C does not reach) instead of leaving them running.
    let mut interrupt = Interrupt::listen();
    HANDING_OFF.store(true, Ordering::SeqCst);
    let mut worker = tokio::task::spawn_blocking(move || {
        handoff::run_all(
            &handoffs,
            &worker_ticket,
            only,
            handoff::exec::process_stop(),
        )
    });
    let (results, interrupted) = tokio::select! {
        done = &mut worker => (done, None),
        signal = interrupt.next() => {
            handoff::exec::stop_all();
            (worker.await, Some(signal))
        }
    };
    HANDING_OFF.store(false, Ordering::SeqCst);
    let results = results.map_err(|e| CliError::failed(format!("the handoffs stopped: {e}")))?;
    ctx.store.update(|s| {
        handoff::record(&mut s.handoffs, &results);
        Ok::<_, CliError>(())
    })?;
    let mut failed = Vec::new();
    for (id, outcome) in &results {
        let Some(h) = state.handoffs.iter().find(|h| h.id == *id) else {
            continue;
        };
        let line = handoff::line(h, outcome);
        if outcome.ok {
            super::output::note(&line);
        } else {
            eprintln!("{line}");
            failed.push(*id);
        }
    }
    if let Some(signal) = interrupted {
        // As an interrupted program does: no further work (another
        // account's refresh), exit 128 + the signal's number.
        let what = if failed.is_empty() {
            "every handoff had finished".to_string()
        } else {
            handoff::retry_advice(&failed)
        };
        eprintln!("error: interrupted by {}: {what}", signal.name);
        std::process::exit(128 + signal.number);
    }
    if failed.is_empty() {
        Ok(results.len())
    } else {
        Err(CliError::failed(handoff::retry_advice(&failed)))
    }
}

/// Which signal interrupted the handoffs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Caught {
    name: &'static str,
    number: i32,
}

/// Whether handoffs are running now: a signal then stops them; at any other
/// moment it ends instatui as it would without a handler.
static HANDING_OFF: AtomicBool = AtomicBool::new(false);
/// The signals caught while handoffs ran, from the one watcher task.
static CAUGHT: OnceLock<watch::Receiver<Option<Caught>>> = OnceLock::new();

/// Ctrl-C and SIGTERM, while handoffs run. Handlers, once installed, stay
/// for the life of the process, so one watcher is started the first time
/// and keeps the usual ending for signals that come at other moments.
struct Interrupt {
    caught: watch::Receiver<Option<Caught>>,
}

impl Interrupt {
    fn listen() -> Interrupt {
        let caught = CAUGHT.get_or_init(|| {
            let (tx, rx) = watch::channel(None);
            #[cfg(unix)]
            {
                use tokio::signal::unix::{SignalKind, signal};
                // Registered here, before any command starts.
                if let (Ok(mut int), Ok(mut term)) = (
                    signal(SignalKind::interrupt()),
                    signal(SignalKind::terminate()),
                ) {
                    tokio::spawn(async move {
                        loop {
                            let caught = tokio::select! {
                                _ = int.recv() => Caught { name: "Ctrl-C (SIGINT)", number: 2 },
                                _ = term.recv() => Caught { name: "SIGTERM", number: 15 },
                            };
                            // Outside handoffs, or a second signal while
                            // the first is still being answered: the end, at once.
                            if !HANDING_OFF.load(Ordering::SeqCst) || tx.borrow().is_some() {
                                std::process::exit(128 + caught.number);
                            }
                            let _ = tx.send(Some(caught));
                        }
                    });
                }
            }
            #[cfg(not(unix))]
            drop(tx);
            rx
        });
        let mut caught = caught.clone();
        caught.mark_unchanged();
        Interrupt { caught }
    }

    /// The signal that came while handoffs ran; never resolves without one.
    async fn next(&mut self) -> Caught {
        loop {
            if self.caught.changed().await.is_err() {
                return std::future::pending().await;
            }
            if let Some(caught) = *self.caught.borrow_and_update() {
                return caught;
            }
        }
    }
}
