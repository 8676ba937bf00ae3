//! `login --with-token`, `logout` and `status`: a token from elsewhere, forgetting it, and where things stand.

use super::output::{KEEP_ALIVE_HINT, note, print_json};
use super::{CliError, Context};
use crate::instagram::{ApiError, Client, ErrorKind, Profile};
use crate::lifetime::{self, TokenStatus};
use crate::localtime::{format_local, rfc3339};
use crate::secret::Secret;
use crate::store::{Account, State, StoredToken, TokenKind};
use serde_json::json;
use std::io::IsTerminal;
use time::OffsetDateTime;

use crate::lifetime::LONG_LIFETIME;

/// How a pasted token's expiry became known.
enum Expiry {
    /// Refreshed right away: Instagram said when the new one expires.
    Refreshed,
    /// Instagram would not refresh it yet, so it is under a day old: at
    /// least 59 days are left, the exact time is known after the first refresh.
    UnderADayOld,
    /// A short-lived token, exchanged with the stored app secret.
    Upgraded,
}

pub(super) async fn login(ctx: &Context, with_token: bool) -> Result<(), CliError> {
    if !with_token {
        return Err(CliError::usage(
            "log in with a token you already have: instatui login --with-token < token.txt \
             (the token is read from stdin, never from the command line); \
             without one, authorize in the browser: instatui authorize --open",
        ));
    }
    let value = read_token()?;
    let state = ctx.load()?;
    let client = ctx.client(&state)?;

    // Nothing is stored until Instagram has accepted the token.
    let profile = client
        .profile(&value)
        .await
        .map_err(|e| rejected(e, &value))?;
    let Some(user_id) = profile.user_id.clone().or_else(|| profile.id.clone()) else {
        return Err(CliError::failed(
            "Instagram accepted the token but sent no user id: try again, or authorize in the browser (instatui authorize --open)",
        ));
    };
    let now = crate::clock::now();
    let pasted = StoredToken {
        kind: TokenKind::Long,
        value: value.clone(),
        user_id,
        permissions: Vec::new(),
        obtained_at: now,
        expires_at: now.saturating_add(LONG_LIFETIME - lifetime::REFRESH_MIN_AGE),
    };
    let (stored, expiry) = settle_expiry(&client, &state, pasted).await?;

    let refreshed = matches!(expiry, Expiry::Refreshed);
    ctx.update(|s: &mut State| {
        let id = s.record_authorization(stored.clone());
        // Keyed by the professional id: an account stored by `exchange`
        // (its app-scoped id) is this one, not a twin.
        let id = s.record_profile(&id, profile.clone());
        if refreshed {
            s.record_refresh(&id, Ok(stored.clone()), stored.obtained_at);
        }
        s.record_rate_usage(Some(&id), client.rate_usage());
        Ok::<_, CliError>(())
    })
    // Refreshed or upgraded on the way, it is not the token pasted:
    // kept in a file of its own rather than dropped.
    .map_err(|e| {
        CliError::failed(crate::store::unsaved_token_message(
            &ctx.store,
            &stored,
            "new",
            &e,
            "once that is fixed, log in again with the token you pasted",
        ))
    })?;

    let who = crate::store::account_label(profile.username.as_deref(), &stored.user_id);
    let now = crate::clock::now();
    match expiry {
        Expiry::Refreshed => println!(
            "Logged in as {who} (user id {}). The token was refreshed right away: long-lived, expires {} ({}).",
            stored.user_id,
            format_local(stored.expires_at),
            lifetime::countdown(&stored, now)
        ),
        Expiry::Upgraded => println!(
            "Logged in as {who} (user id {}). The short-lived token was exchanged for a long-lived one: expires {} ({}).",
            stored.user_id,
            format_local(stored.expires_at),
            lifetime::countdown(&stored, now)
        ),
        Expiry::UnderADayOld => println!(
            "Logged in as {who} (user id {}). The token is under a day old (Instagram would not refresh it yet), \
             so it expires in 59 to 60 days: stored as expiring {} (the earlier bound). \
             Its exact expiry is known after the first refresh, possible from {}.",
            stored.user_id,
            format_local(stored.expires_at),
            format_local(stored.obtained_at.saturating_add(lifetime::REFRESH_MIN_AGE))
        ),
    }
    note(KEEP_ALIVE_HINT);
    super::handoff::after_new_token(ctx).await
}

/// Finds out how long the pasted token lives: a refresh says exactly; a
/// refusal for being under 24 hours old bounds it; a short-lived token is
/// exchanged when the app's secret is stored.
async fn settle_expiry(
    client: &Client,
    state: &State,
    pasted: StoredToken,
) -> Result<(StoredToken, Expiry), CliError> {
    let err = match client.refresh(&pasted.value).await {
        Ok(long) => {
            let now = crate::clock::now();
            return Ok((lifetime::from_long(&long, &pasted, now), Expiry::Refreshed));
        }
        Err(err) => err,
    };
    if err.kind == ErrorKind::RefreshTooEarly {
        return Ok((pasted, Expiry::UnderADayOld));
    }
    if err.refuses_short_lived_token() {
        let Some(app) = state.app() else {
            return Err(CliError::failed(format!(
                "this is a short-lived token (Instagram said: {}): store the app first \
                 (instatui setup …) so it can be exchanged for a long-lived one, or paste a \
                 long-lived token; nothing was stored",
                err.message
            )));
        };
        let long = client
            .exchange_long_lived(&app.app_secret, &pasted.value)
            .await
            .map_err(|e| CliError::from(e).with_note("Nothing was stored."))?;
        let short = StoredToken {
            kind: TokenKind::Short,
            ..pasted
        };
        let now = crate::clock::now();
        return Ok((lifetime::from_long(&long, &short, now), Expiry::Upgraded));
    }
    Err(CliError::from(err).with_note("Nothing was stored: run the same command again."))
}

/// `/me` refused the token: say so in words about the token, with
/// Instagram's own message.
fn rejected(err: ApiError, value: &Secret) -> CliError {
    if err.kind == ErrorKind::NeedsReauth {
        return CliError::needs_auth(format!(
            "Instagram did not accept the token {} ({}): copy it again, or generate a new one \
             (Meta dashboard › Instagram › API setup › Generate token), or authorize in the \
             browser (instatui authorize --open); nothing was stored",
            value.masked(),
            err
        ));
    }
    CliError::from(err).with_note("Nothing was stored.")
}

/// The token from stdin (a hidden prompt on a terminal): never from argv,
/// where shell history and `ps` would keep it.
fn read_token() -> Result<Secret, CliError> {
    let stdin = std::io::stdin();
    let text = if stdin.is_terminal() {
        rpassword::prompt_password("Access token (input hidden): ")
            .map_err(|e| CliError::failed(format!("could not read the token: {e}")))?
    } else {
        super::output::first_line_of_stdin("an access token")?
    };
    let value = text.trim();
    if value.is_empty() {
        return Err(CliError::usage(
            "no token given: pipe it on stdin (instatui login --with-token < token.txt)",
        ));
    }
    if let Err(bad) = crate::instagram::token::check_shape(value) {
        return Err(CliError::usage(format!(
            "that does not look like an access token ({bad}): paste only the token, on one line; nothing was stored"
        )));
    }
    Ok(Secret::new(value))
}

pub(super) fn logout(ctx: &Context, forget_app: bool) -> Result<(), CliError> {
    let state = ctx.load()?;
    if state.active.is_none() && !(forget_app && state.app().is_some()) {
        println!("Nothing to forget: no token is stored.");
        return Ok(());
    }
    let who = who(&state);
    ctx.update(|s: &mut State| {
        s.forget_token();
        if forget_app {
            s.forget_app();
        }
        Ok::<_, CliError>(())
    })?;
    if let Some(who) = who {
        println!("Forgot the token of {who}.");
    }
    match (state.app(), forget_app) {
        (Some(app), true) => println!("Forgot the app {} and its secret.", app.app_id),
        (Some(app), false) => println!(
            "The app {} stays stored (instatui logout --forget-app removes it too).",
            app.app_id
        ),
        (None, _) => {}
    }
    if state.active.is_some() {
        note(
            "The token itself stays valid at Instagram until it expires: to revoke it, remove the app \
             in Instagram (Settings › Website permissions › Apps and websites).",
        );
    }
    Ok(())
}

fn who(state: &State) -> Option<String> {
    state.active().map(Account::label)
}

/// The one thing to do next, as a command.
pub(super) fn next_step(state: &State, account: Option<&Account>, now: OffsetDateTime) -> String {
    let Some(t) = account.map(|a| &a.token) else {
        if let Some(names) = state.inactive_account_names() {
            let add = match state.app() {
                Some(app) => format!(
                    "; or add one under app {}: instatui authorize --open",
                    app.app_id
                ),
                None => String::new(),
            };
            return format!(
                "make one of the stored accounts active ({}): instatui accounts use NAME{add}",
                crate::sanitize::line(&names)
            );
        }
        return if state.app().is_some() {
            "authorize in the browser: instatui authorize --open".to_string()
        } else {
            "store your app: instatui setup --app-id ID --redirect-uri URI (or use a token you have: instatui login --with-token < token.txt)".to_string()
        };
    };
    match lifetime::status(Some(t), now) {
        TokenStatus::Expired => "the token has expired: authorize again (instatui authorize --open)".to_string(),
        _ if t.kind == TokenKind::Short => format!(
            "exchange the short-lived token for a long-lived one within {}: instatui upgrade",
            lifetime::format_remaining(t.expires_at - now)
        ),
        TokenStatus::Expiring if lifetime::refresh_blocker(Some(t), now).is_none() => {
            "refresh now: instatui refresh".to_string()
        }
        _ => "nothing now; if not done yet, keep the token alive: instatui keep-alive install (keep-alive status says whether it is)".to_string(),
    }
}

pub(super) async fn status(ctx: &Context, json: bool, offline: bool) -> Result<(), CliError> {
    let (rows, checked) = super::watch::status_accounts(ctx, offline).await?;
    let state = ctx.load()?;
    let account = ctx.account(&state);
    let now = crate::clock::now();
    let status = lifetime::status(account.map(|a| &a.token), now);
    if json {
        let mut value = status_json(ctx, &state, account, now);
        value["checked"] = json!(checked);
        value["accounts"] = rows.iter().map(super::watch::Row::json).collect();
        print_json(&value)?;
    } else {
        print_status(ctx, &state, account, now);
        super::watch::print_accounts(&rows, checked);
    }
    match status {
        // Like `token`: a script learns from the exit code that it must act.
        TokenStatus::None | TokenStatus::Expired => Err(CliError::needs_auth("")),
        // With --json the verdict is in the object: no second one on stdout.
        _ if json => super::watch::accounts_verdict(&rows).map_err(|e| CliError {
            message: String::new(),
            ..e
        }),
        _ => super::watch::accounts_verdict(&rows),
    }
}

fn status_json(
    ctx: &Context,
    state: &State,
    account: Option<&Account>,
    now: OffsetDateTime,
) -> serde_json::Value {
    let token = account.map(|a| &a.token);
    let app = state.app_for(account).map(|a| {
        json!({
            "app_id": a.app_id,
            "flavor": a.flavor.as_str(),
            "redirect_uri": a.redirect_uri,
            "scopes": a.scopes,
        })
    });
    let who = account.map(|a| {
        let t = &a.token;
        let profile = a.profile.as_ref();
        json!({
            "user_id": t.user_id,
            "username": profile.and_then(|p| p.username.clone()),
            "media_count": profile.and_then(|p| p.media_count),
        })
    });
    let token_info = token.map(|t| {
        json!({
            "kind": t.kind.as_str(),
            "status": lifetime::status(Some(t), now).as_str(),
            "token": t.value.masked(),
            "obtained_at": rfc3339(t.obtained_at),
            "expires_at": rfc3339(t.expires_at),
            "seconds_left": (t.expires_at - now).whole_seconds().max(0),
            "refreshable_from": lifetime::refreshable_from(t).map(rfc3339),
        })
    });
    json!({
        "status": lifetime::status(token, now).as_str(),
        "app": app,
        "account": who,
        "token": token_info,
        "last_refresh": account.and_then(|a| a.last_refresh.as_ref()),
        "state_file": ctx.store.path(),
        "next": next_step(state, account, now),
    })
}

fn print_status(ctx: &Context, state: &State, account: Option<&Account>, now: OffsetDateTime) {
    match state.app_for(account) {
        Some(a) => println!(
            "app:          {} ({}), redirect URI {}",
            a.app_id,
            a.flavor.as_str(),
            a.redirect_uri
        ),
        None => println!("app:          not set up"),
    }
    match account.map(|a| &a.token) {
        None => match state.inactive_account_names() {
            Some(names) => println!(
                "account:      none active (stored: {})",
                crate::sanitize::line(&names)
            ),
            None => println!("account:      none"),
        },
        Some(t) => {
            let profile: Option<&Profile> = account.and_then(|a| a.profile.as_ref());
            let name = profile
                .and_then(|p| p.username.as_deref())
                .map_or_else(|| "(username not fetched)".to_string(), |u| format!("@{u}"));
            let posts = profile
                .and_then(|p| p.media_count)
                .map(|n| format!(", {n} posts"))
                .unwrap_or_default();
            println!("account:      {name} (user id {}){posts}", t.user_id);
            let kind = t.kind.lifetime();
            println!(
                "token:        {kind} {}, {} (expires {})",
                t.value.masked(),
                lifetime::countdown(t, now),
                format_local(t.expires_at)
            );
            match lifetime::refreshable_from(t) {
                Some(from) if from > now => {
                    println!("refreshable:  from {}", format_local(from))
                }
                Some(_) if t.expires_at > now => println!("refreshable:  now"),
                _ => {}
            }
        }
    }
    match account.and_then(|a| a.last_refresh.as_ref()) {
        Some(last) if last.ok => println!("last refresh: {} ok", format_local(last.at)),
        Some(last) => println!(
            "last refresh: {} failed: {}",
            format_local(last.at),
            last.message.as_deref().unwrap_or("no detail")
        ),
        None => println!("last refresh: never"),
    }
    println!("state file:   {}", ctx.store.path().display());
    println!("next:         {}", next_step(state, account, now));
}
