//! `authorize`, `exchange` and `upgrade`: from the browser's redirect to a stored long-lived token.

use super::output::note;
use super::{CliError, Context};
use crate::instagram::authorize::{AuthorizeRequest, authorize_url, new_nonce};
use crate::instagram::paste::parse_paste;
use crate::instagram::{Client, Endpoints};
use crate::lifetime;
use crate::localtime;
use crate::store::{State, StoredToken, TokenKind};

pub(super) fn authorize(ctx: &Context, open: bool) -> Result<(), CliError> {
    let state = ctx.load()?;
    let app = state.app().cloned().ok_or_else(CliError::no_credentials)?;
    let nonce = new_nonce();
    let endpoints = Endpoints::from_env(app.flavor, &state.endpoints);
    let url = authorize_url(&AuthorizeRequest {
        authorize_url: &endpoints.authorize_url,
        flavor: app.flavor,
        app_id: &app.app_id,
        redirect_uri: &app.redirect_uri,
        scopes: &app.scopes,
        nonce: &nonce,
    })
    .map_err(CliError::failed)?;
    ctx.update(|s| {
        s.begin_authorization(nonce.clone(), crate::clock::now());
        Ok::<_, CliError>(())
    })?;
    println!("{url}");
    note(&format!(
        "Open this URL, log in and press Allow. The browser then lands on {}?code=…#_",
        app.redirect_uri
    ));
    note("Copy that whole address, run 'instatui exchange' and paste it when asked.");
    if open && let Err(problem) = crate::browser::open_url(&url) {
        eprintln!("warning: {problem}");
    }
    Ok(())
}

pub(super) async fn exchange(
    ctx: &Context,
    input: Option<&str>,
    short_only: bool,
) -> Result<(), CliError> {
    ctx.load()?.app().ok_or_else(CliError::no_credentials)?;
    let input = match input {
        None | Some("-") => read_redirect()?,
        Some(text) => {
            eprintln!(
                "warning: the code on the command line is visible to other users in 'ps' and kept in shell history: next time run 'instatui exchange' and paste it when asked"
            );
            text.to_string()
        }
    };
    // Read again after the paste: the `authorize` that made this address may
    // have run while we waited (in another shell, or the other side of a pipe
    // like `curl "$(instatui authorize)" | instatui exchange`).
    let state = ctx.load()?;
    let app = state.app().cloned().ok_or_else(CliError::no_credentials)?;
    let expected = state
        .pending_authorization
        .as_ref()
        .map(|p| p.nonce.as_str());
    // The state is used up by the exchange that succeeds (save_token):
    // the same redirect, or one with a foreign state, is refused after.
    let pasted = parse_paste(&input, expected, Some(&app.redirect_uri))
        .map_err(|e| CliError::failed(e.to_string()))?;
    for warning in &pasted.warnings {
        eprintln!("warning: {warning}");
    }
    let client = ctx.client(&state)?;

    // Step 1. Nothing is stored when it fails, so an existing token survives.
    let short = client.exchange_code(&app, &pasted.code).await?;
    let short_token = lifetime::from_short(&short, crate::clock::now());
    save_token(ctx, &short_token, &client, true)?;
    note("1/3 code exchanged for a short-lived token (valid for one hour)");

    let stored = if short_only {
        short_token
    } else {
        // Step 2. On failure the short-lived token stays saved and usable.
        let long = upgrade_token(ctx, &client, &short_token).await.map_err(|e| {
            e.with_note(
                "The short-lived token is saved (valid for one hour): finish with 'instatui upgrade'.",
            )
        })?;
        note("2/3 exchanged for a long-lived token (60 days)");
        long
    };
    let username = fetch_profile(ctx, &client, &stored).await;
    print_authorized(&stored, username.as_deref());
    super::handoff::after_new_token(ctx).await
}

/// The most a paste may hold: a redirect URL is a few hundred bytes.
const MAX_PASTE: u64 = 64 * 1024;

/// The redirect from stdin: one line after a prompt on a terminal, else
/// everything piped in (a URL wrapped over lines is joined by the parser).
fn read_redirect() -> Result<String, CliError> {
    use std::io::{BufRead, IsTerminal, Read};
    let stdin = std::io::stdin();
    let text = if stdin.is_terminal() {
        eprint!("Paste the address the browser landed on after Allow, then press Enter: ");
        let mut text = String::new();
        stdin
            .lock()
            .take(MAX_PASTE)
            .read_line(&mut text)
            .map_err(|e| CliError::failed(format!("could not read the address from stdin: {e}")))?;
        text
    } else {
        super::output::all_of_stdin("the address the browser landed on", MAX_PASTE)?
    };
    if text.trim().is_empty() {
        return Err(CliError::usage(
            "nothing was pasted: run 'instatui exchange' and paste the address the browser landed on after Allow (or pipe it in: instatui exchange - < file)",
        ));
    }
    Ok(text)
}

pub(super) async fn upgrade(ctx: &Context) -> Result<(), CliError> {
    let state = ctx.load()?;
    let current = ctx
        .account(&state)
        .map(|a| a.token.clone())
        .ok_or_else(|| CliError::no_token(&state))?;
    if current.kind == TokenKind::Long {
        println!("The stored token is already long-lived; nothing to do.");
        return Ok(());
    }
    if current.expires_at <= crate::clock::now() {
        return Err(CliError::needs_auth(
            "the short-lived token has expired: authorize again (instatui authorize)",
        ));
    }
    let client = ctx.client(&state)?;
    let long = upgrade_token(ctx, &client, &current).await?;
    let username = fetch_profile(ctx, &client, &long).await;
    print_authorized(&long, username.as_deref());
    super::handoff::after_new_token(ctx).await
}

async fn upgrade_token(
    ctx: &Context,
    client: &Client,
    short: &StoredToken,
) -> Result<StoredToken, CliError> {
    let state = ctx.load()?;
    let app = state
        .app_for(ctx.account(&state))
        .cloned()
        .ok_or_else(CliError::no_credentials)?;
    let long = client
        .exchange_long_lived(&app.app_secret, &short.value)
        .await?;
    let stored = lifetime::from_long(&long, short, crate::clock::now());
    save_token(ctx, &stored, client, false)?;
    Ok(stored)
}

/// Step 3. A profile failure does not undo the token: it only costs the
/// username, which `instatui profile` fetches later.
async fn fetch_profile(ctx: &Context, client: &Client, token: &StoredToken) -> Option<String> {
    match client.profile(&token.value).await {
        Ok(profile) => {
            let username = profile.username.clone();
            let saved = ctx.update(|s| {
                if let Some(id) = ctx.target(s)? {
                    let id = s.record_profile(&id, profile);
                    s.record_rate_usage(Some(&id), client.rate_usage());
                }
                Ok::<_, CliError>(())
            });
            if let Err(e) = saved {
                eprintln!("warning: {e}");
            }
            note("3/3 profile fetched");
            username
        }
        Err(e) => {
            eprintln!("warning: the profile could not be fetched: {e}");
            None
        }
    }
}

fn save_token(
    ctx: &Context,
    token: &StoredToken,
    client: &Client,
    new_authorization: bool,
) -> Result<(), CliError> {
    ctx.update(|s: &mut State| {
        let id = if new_authorization {
            Some(s.record_authorization(token.clone()))
        } else {
            ctx.target(s)?
        };
        if let Some(id) = &id {
            s.record_upgrade(id, token.clone());
        }
        s.record_rate_usage(id.as_ref(), client.rate_usage());
        Ok::<_, CliError>(())
    })
    // The code (or the short-lived token) is used up: a token that
    // cannot be saved is kept in a file of its own, never dropped.
    .map_err(|e| {
        CliError::failed(crate::store::unsaved_token_message(
            &ctx.store,
            token,
            "new",
            &e,
            "once that is fixed, authorize again (instatui authorize --open)",
        ))
    })?;
    Ok(())
}

fn print_authorized(token: &StoredToken, username: Option<&str>) {
    let who = crate::store::account_label(username, &token.user_id);
    let kind = token.kind.lifetime();
    println!(
        "Authorized as {who} (user id {}). Token: {kind}, expires {} ({}).",
        token.user_id,
        localtime::format_local(token.expires_at),
        lifetime::countdown(token, crate::clock::now())
    );
    if token.kind == TokenKind::Long {
        note(super::output::KEEP_ALIVE_HINT);
    }
}
