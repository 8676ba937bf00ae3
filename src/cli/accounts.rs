//! `accounts`: list the stored accounts, switch the active one, forget one.

use super::output::print_json;
use super::{AccountsCommand, CliError, Context};
use crate::lifetime;
use crate::localtime::rfc3339;
use crate::sanitize;
use crate::store::Removed;
use serde_json::json;

pub(super) fn run(
    ctx: &Context,
    action: Option<AccountsCommand>,
    json: bool,
) -> Result<(), CliError> {
    match action {
        None => list(ctx, json),
        Some(AccountsCommand::Use { name }) => switch(ctx, &name),
        Some(AccountsCommand::Remove { name }) => remove(ctx, &name),
    }
}

fn list(ctx: &Context, json: bool) -> Result<(), CliError> {
    let state = ctx.load()?;
    let now = crate::clock::now();
    let active = state.active.clone();
    // By name, as the TUI lists them: the same order whichever is active.
    let accounts = state.accounts_by_name();
    // Each account's condition as last seen (no call to Instagram here:
    // 'status' checks live).
    let (watch, _) = crate::watch::load(&ctx.store);
    let condition =
        |a: &crate::store::Account| crate::watch::condition(a, watch.account(&a.id()), now);
    let fix = |a: &crate::store::Account, c: &crate::watch::Condition| {
        c.fix(a.username().unwrap_or(a.user_id()), a.app_id.as_deref())
    };
    if json {
        let rows: Vec<_> = accounts
            .iter()
            .map(|a| {
                let t = &a.token;
                let c = condition(a);
                json!({
                    "user_id": t.user_id,
                    "username": a.username(),
                    "active": active.as_ref() == Some(&a.id()),
                    "app_id": a.app_id,
                    "flavor": state.app_of(a).map(|app| app.flavor.as_str()),
                    "kind": t.kind.as_str(),
                    "state": c.word().to_lowercase(),
                    "expires_at": rfc3339(t.expires_at),
                    "seconds_left": (t.expires_at - now).whole_seconds().max(0),
                    "token": t.value.masked(),
                    "last_refresh": a.last_refresh,
                    "condition": c.key(),
                    "summary": c.summary(),
                    "needs_authorize": c.needs_authorize(),
                    "instagram_message": c.message(),
                    "fix": fix(a, &c),
                    "checked_at": watch
                        .account(&a.id())
                        .and_then(|w| w.check.as_ref())
                        .map(|check| rfc3339(check.at)),
                })
            })
            .collect();
        let active = active.map(|id| id.user_id);
        return print_json(&json!({ "active": active, "accounts": rows }));
    }
    if accounts.is_empty() {
        println!("No accounts yet: run 'instatui authorize --open' to add one.");
        return Ok(());
    }
    for a in &accounts {
        let mark = if active.as_ref() == Some(&a.id()) {
            "*"
        } else {
            " "
        };
        let kind = a.token.kind.as_str();
        let last = match &a.last_refresh {
            None => String::new(),
            Some(r) if r.ok => "  last refresh ok".to_string(),
            Some(r) => format!(
                "  last refresh failed: {}",
                sanitize::line(r.message.as_deref().unwrap_or("no detail"))
            ),
        };
        let c = condition(a);
        // A dead token has no countdown worth showing.
        let left = if c.token_works() {
            lifetime::countdown(&a.token, now).to_string()
        } else {
            "-".to_string()
        };
        let word = if c.needs_user() {
            let fix = fix(a, &c)
                .map(|f| format!(" (fix: {f})"))
                .unwrap_or_default();
            format!("! {}{fix}", c.summary().to_uppercase())
        } else {
            c.summary()
        };
        println!(
            "{mark} {}  user {}  app {}  {kind}  {left}  {}{last}",
            sanitize::line(&a.label()),
            a.user_id(),
            a.app_id.as_deref().unwrap_or("-"),
            sanitize::line(&word),
        );
    }
    Ok(())
}

fn switch(ctx: &Context, name: &str) -> Result<(), CliError> {
    ctx.load()?;
    let (label, _) = ctx.store.update(|s| {
        let id = s.find_account(name).map_err(CliError::usage)?;
        s.switch_account(&id);
        Ok::<_, CliError>(s.active().map(|a| a.label()))
    })?;
    println!(
        "{} is the active account now.",
        sanitize::line(&label.unwrap_or_else(|| name.to_string()))
    );
    Ok(())
}

fn remove(ctx: &Context, name: &str) -> Result<(), CliError> {
    ctx.load()?;
    let ((label, removed, id, handoffs), state) = ctx.store.update(|s| {
        let id = s.find_account(name).map_err(CliError::usage)?;
        let label = s
            .account(&id)
            .map(|a| s.label_among(a))
            .unwrap_or_else(|| id.user_id.clone());
        let handoffs = crate::handoff::owned_by(&s.handoffs, &id);
        let removed = s.remove_account(&id);
        Ok::<_, CliError>((label, removed, id, handoffs))
    })?;
    // Its cached feed goes too; one left behind only costs disk space.
    let cache = crate::runtime::FeedCache::new(crate::store::cache_dir(&ctx.store));
    if let Err(e) = cache.remove(0, &id.user_id) {
        tracing::warn!("could not delete the feed cache of {}: {e}", id.user_id);
    }
    println!(
        "Forgot {}{}.",
        sanitize::line(&label),
        crate::handoff::forgotten(&handoffs)
    );
    if let Removed::Active { now_active } = removed {
        match now_active.and(state.active()) {
            Some(next) => println!(
                "{} is the active account now.",
                sanitize::line(&next.label())
            ),
            None => println!("No account is left: run 'instatui authorize --open' to add one."),
        }
    }
    Ok(())
}
