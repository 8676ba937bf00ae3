//! `token` and `refresh`: what the stored token is worth, and keeping it alive (from cron too).

use super::output::print_json;
use super::{CliError, Context};
use crate::instagram::ErrorKind;
use crate::keepalive::{AccountResult, RunOutcome};
use crate::lifetime::{self, RefreshBlocker, RefreshPolicy, TokenStatus};
use crate::localtime::{format_local, rfc3339};
use crate::sanitize;
use crate::store::{Account, State, StoredToken};
use serde_json::json;
use time::OffsetDateTime;

pub(super) fn show(ctx: &Context, json: bool, reveal: bool) -> Result<(), CliError> {
    let state = ctx.load()?;
    let account = ctx.account(&state);
    let now = crate::clock::now();
    let status = lifetime::status(account.map(|a| &a.token), now);
    if reveal {
        let t = account
            .map(|a| &a.token)
            .ok_or_else(|| CliError::no_token(&state))?;
        println!("{}", t.value.expose());
        return Ok(());
    }
    if json {
        print_json(&token_json(&state, account, now))?;
    } else {
        print_human(&state, account, now);
    }
    match status {
        TokenStatus::None => Err(CliError::needs_auth("")),
        TokenStatus::Expired => Err(CliError::needs_auth("")),
        _ => Ok(()),
    }
}

fn token_json(state: &State, account: Option<&Account>, now: OffsetDateTime) -> serde_json::Value {
    let status = lifetime::status(account.map(|a| &a.token), now);
    let flavor = state.app_for(account).map(|a| a.flavor.as_str());
    let Some(a) = account else {
        return json!({ "status": status.as_str(), "flavor": flavor });
    };
    let t = &a.token;
    json!({
        "status": status.as_str(),
        "flavor": flavor,
        "user_id": t.user_id,
        "username": a.username(),
        "kind": t.kind.as_str(),
        "obtained_at": rfc3339(t.obtained_at),
        "expires_at": rfc3339(t.expires_at),
        "seconds_left": (t.expires_at - now).whole_seconds().max(0),
        "refreshable_from": lifetime::refreshable_from(t).map(rfc3339),
        "permissions": t.permissions,
        "token": t.value.masked(),
        "last_refresh": a.last_refresh,
    })
}

fn print_human(state: &State, account: Option<&Account>, now: OffsetDateTime) {
    let status = lifetime::status(account.map(|a| &a.token), now);
    let flavor = state
        .app_for(account)
        .map_or("not set up", |a| a.flavor.as_str());
    println!("flavor:           {flavor}");
    let Some(a) = account else {
        println!("status:           none");
        eprintln!("{}.", capitalized(&super::output::without_token(state)));
        return;
    };
    let t = &a.token;
    let username = a
        .username()
        .unwrap_or("(unknown until the profile is fetched)");
    println!("user id:          {}", t.user_id);
    println!("username:         {}", sanitize::line(username));
    println!("kind:             {}", t.kind.lifetime());
    println!("token:            {}", t.value.masked());
    println!("obtained:         {}", format_local(t.obtained_at));
    println!(
        "expires:          {} ({})",
        format_local(t.expires_at),
        lifetime::countdown(t, now)
    );
    match lifetime::refreshable_from(t) {
        Some(from) => println!("refreshable from: {}", format_local(from)),
        None => println!("refreshable from: never (short-lived: upgrade it first)"),
    }
    if let Some(last) = &a.last_refresh {
        let outcome = if last.ok {
            "ok".to_string()
        } else {
            let message = last.message.as_deref().unwrap_or("no detail");
            format!("failed: {}", sanitize::line(message))
        };
        println!("last refresh:     {} {outcome}", format_local(last.at));
    }
    println!("status:           {}", status.as_str());
    if status == TokenStatus::Expired {
        eprintln!("The token has expired: authorize again (instatui authorize).");
    }
}

pub(super) async fn refresh(
    ctx: &Context,
    when: RefreshPolicy,
    force: bool,
    json: bool,
) -> Result<(), CliError> {
    // A refresh by hand is the account's last refresh (kept by
    // `refresh_token`), never the scheduled run 'keep-alive status' reports:
    // only 'keep-alive run' records that.
    match refresh_token(ctx, when, force).await? {
        Done::Refreshed(new) => {
            if json {
                print_json(&json!({
                    "refreshed": true,
                    "expires_at": rfc3339(new.expires_at),
                    "seconds_left": (new.expires_at - new.obtained_at).whole_seconds(),
                }))?;
            } else {
                println!("Refreshed: {}.", refreshed_line(&new));
            }
            // Saved first: a failing handoff costs the exit code, not the token.
            super::handoff::after_new_token(ctx).await
        }
        Done::NotDue(reason) => {
            let message = format!("not due: {reason}");
            if json {
                print_json(&json!({ "refreshed": false, "reason": message }))?;
            } else {
                println!("{message}");
            }
            Ok(())
        }
        Done::TooYoung(reason) => Err(CliError::failed(format!(
            "{reason} (--force asks Instagram anyway)"
        ))),
    }
}

fn refreshed_line(new: &StoredToken) -> String {
    format!(
        "the token now expires {} ({})",
        format_local(new.expires_at),
        lifetime::countdown(new, new.obtained_at)
    )
}

/// What a refresh of one account came to, short of an error.
enum Done {
    Refreshed(StoredToken),
    /// `--if-older-than` / `--if-expiring-within` say it can wait (why, without "not due").
    NotDue(String),
    /// Under 24 hours old here, and not forced.
    TooYoung(String),
}

/// `refresh --all`: every account that is due, one line each. Exit 0 when
/// none failed; 3 when every failure needs a new authorize, else 1.
pub(super) async fn refresh_all(
    ctx: &Context,
    when: RefreshPolicy,
    force: bool,
    json: bool,
) -> Result<(), CliError> {
    if ctx.account.is_some() {
        return Err(CliError::usage(
            "refresh --all works on every account: leave out --account",
        ));
    }
    let each = refresh_each(ctx, when, force, !json).await?;
    if json {
        print_json(&json!({ "accounts": each.rows }))?;
    }
    let (results, handoff_failures) = (each.results, each.handoff_failures);
    let failures: Vec<&AccountResult> = results.iter().filter(|r| r.outcome.is_failure()).collect();
    if failures.is_empty() {
        match handoff_failures.into_iter().next() {
            Some(e) => Err(e),
            None => Ok(()),
        }
    } else if failures.iter().all(|r| r.outcome == RunOutcome::NeedsAuth) {
        Err(CliError::needs_auth(format!(
            "{} of {} accounts need a new authorize: instatui authorize --open, logging in as each",
            failures.len(),
            results.len()
        )))
    } else {
        Err(CliError::failed(format!(
            "{} of {} accounts could not be refreshed (see the lines above)",
            failures.len(),
            results.len()
        )))
    }
}

/// What refreshing every account came to.
pub(super) struct Each {
    pub(super) results: Vec<AccountResult>,
    /// The same, as `refresh --all --json` prints them.
    pub(super) rows: Vec<serde_json::Value>,
    pub(super) handoff_failures: Vec<CliError>,
}

/// Refreshes every account that is due, printing a line for each when
/// `print`, and runs the handoffs of those refreshed.
pub(super) async fn refresh_each(
    ctx: &Context,
    when: RefreshPolicy,
    force: bool,
    print: bool,
) -> Result<Each, CliError> {
    let state = ctx.load()?;
    let accounts = state.all_accounts();
    if accounts.is_empty() {
        return Err(CliError::needs_auth(
            "no account is stored yet: authorize one first (instatui authorize --open)",
        ));
    }
    let mut each = Each {
        results: Vec::new(),
        rows: Vec::new(),
        handoff_failures: Vec::new(),
    };
    for account in &accounts {
        let one = ctx.for_account(&account.id());
        let result = refresh_token(&one, when, force).await;
        // The username as it is now (a refresh does not change it).
        let (outcome, message, expires_at) = match result {
            Ok(Done::Refreshed(new)) => (
                RunOutcome::Refreshed,
                Some(refreshed_line(&new)),
                Some(new.expires_at),
            ),
            // Too young to refresh is not due yet, for a run over every account.
            Ok(Done::NotDue(why) | Done::TooYoung(why)) => (RunOutcome::NotDue, Some(why), None),
            Err(e) if e.exit == super::Exit::NeedsAuth => {
                (RunOutcome::NeedsAuth, Some(e.message), None)
            }
            Err(e) => (RunOutcome::Failed, Some(e.message), None),
        };
        let result = AccountResult {
            app_id: account.app_id.clone(),
            user_id: account.user_id().to_string(),
            username: account.username().map(str::to_string),
            outcome,
            message: message.map(|m| sanitize::line(&m).into_owned()),
        };
        each.rows.push(json!({
            "user_id": result.user_id,
            "username": result.username,
            "outcome": outcome,
            "message": result.message,
            "expires_at": expires_at.map(rfc3339),
        }));
        if print {
            println!("{}", result.summary());
        }
        if outcome == RunOutcome::Refreshed
            && let Err(e) = super::handoff::after_new_token(&one).await
        {
            each.handoff_failures.push(e);
        }
        each.results.push(result);
    }
    Ok(each)
}

async fn refresh_token(ctx: &Context, when: RefreshPolicy, force: bool) -> Result<Done, CliError> {
    let state = ctx.load()?;
    let now = crate::clock::now();
    let account = ctx.account(&state);
    let id = account.map(Account::id);
    let current = account.map(|a| a.token.clone());
    if let Some(reason) = current.as_ref().and_then(|t| when.not_due(t, now)) {
        return Ok(Done::NotDue(reason));
    }
    if let Some(blocker) = lifetime::refresh_blocker(current.as_ref(), now) {
        let reason = match blocker {
            // A live short-lived token needs no new authorization: `upgrade`
            // turns it into a long-lived one.
            RefreshBlocker::ShortLived { left } => format!(
                "a short-lived token cannot be refreshed: exchange it for a long-lived one with 'instatui upgrade' (within {})",
                lifetime::format_remaining(left)
            ),
            RefreshBlocker::NoToken => return Err(CliError::no_token(&state)),
            RefreshBlocker::Expired => format!("{blocker} (instatui authorize --open)"),
            RefreshBlocker::TooYoung { .. } => blocker.to_string(),
        };
        if blocker.needs_authorization() {
            return Err(CliError::needs_auth(reason));
        }
        // Only the 24-hour rule is left: --force lets Instagram judge it.
        if !force {
            return Ok(Done::TooYoung(reason));
        }
    }
    let (Some(old), Some(id)) = (current, id) else {
        return Err(CliError::no_token(&state));
    };
    let client = ctx.client(&state)?;
    match client.refresh(&old.value).await {
        Ok(long) => {
            let new = lifetime::from_long(&long, &old, crate::clock::now());
            ctx.update(|s| {
                s.record_refresh(&id, Ok(new.clone()), new.obtained_at);
                s.record_rate_usage(Some(&id), client.rate_usage());
                Ok::<_, CliError>(())
            })
            // Instagram has issued it: a token that cannot be saved is
            // kept in a file of its own, never dropped.
            .map_err(|e| {
                CliError::failed(crate::store::unsaved_token_message(
                    &ctx.store,
                    &new,
                    "refreshed",
                    &e,
                    "once that is fixed, run 'instatui refresh' again",
                ))
            })?;
            Ok(Done::Refreshed(new))
        }
        Err(err) => {
            let message = err.to_string();
            let at = crate::clock::now();
            // A verdict on the token (revoked, the app switched off) is what
            // every surface then shows, until a new token or a good check.
            if matches!(
                err.kind,
                ErrorKind::NeedsReauth | ErrorKind::AppRestricted | ErrorKind::RetiredApi
            ) {
                let check = crate::watch::Check {
                    at,
                    outcome: crate::watch::check::outcome_of(&err, at),
                };
                if let Err(e) = crate::watch::update(&ctx.store, |w| w.record_check(&id, check)) {
                    eprintln!("warning: could not record what Instagram said: {e}");
                }
            }
            ctx.update(|s| {
                s.record_refresh(&id, Err(message.clone()), at);
                s.record_rate_usage(Some(&id), client.rate_usage());
                Ok::<_, CliError>(())
            })?;
            if err.kind == ErrorKind::NeedsReauth {
                return Err(CliError::needs_auth(message));
            }
            Err(err.into())
        }
    }
}

/// A sentence's first letter in capitals, for a line of its own.
fn capitalized(text: &str) -> String {
    let mut chars = text.chars();
    chars.next().map_or_else(String::new, |first| {
        first.to_uppercase().chain(chars).collect()
    })
}
