//! `profile` and `feed`: read the account once the token is in place.

use super::output::{fit, print_json};
use super::{CliError, Context, FeedArgs};
use crate::instagram::{Client, Media, VIDEO_UNAVAILABLE};
use crate::lifetime::{self, TokenStatus};
use crate::localtime;
use crate::sanitize;
use crate::store::{State, StoredToken};

/// The token, if it can still be used; otherwise exit 3 with what to do.
pub(super) fn usable_token(ctx: &Context, state: &State) -> Result<StoredToken, CliError> {
    let account = ctx.account(state);
    if state.app().is_none() && account.is_none() {
        return Err(CliError::no_credentials());
    }
    let t = account
        .map(|a| a.token.clone())
        .ok_or_else(|| CliError::no_token(state))?;
    if lifetime::status(Some(&t), crate::clock::now()) == TokenStatus::Expired {
        return Err(CliError::needs_auth(format!(
            "the token expired on {}: authorize again (instatui authorize)",
            localtime::format_local(t.expires_at)
        )));
    }
    Ok(t)
}

fn remember_usage(ctx: &Context, client: &Client) {
    if let Some(usage) = client.rate_usage() {
        let _ = ctx.update(|s| {
            let id = ctx.target(s)?;
            s.record_rate_usage(id.as_ref(), Some(usage));
            Ok::<_, CliError>(())
        });
    }
}

pub(super) async fn profile(ctx: &Context, json: bool) -> Result<(), CliError> {
    let state = ctx.load()?;
    let t = usable_token(ctx, &state)?;
    let client = ctx.client(&state)?;
    let profile = client.profile(&t.value).await?;
    ctx.update(|s| {
        if let Some(id) = ctx.target(s)? {
            let id = s.record_profile(&id, profile.clone());
            s.record_rate_usage(Some(&id), client.rate_usage());
        }
        Ok::<_, CliError>(())
    })?;
    if json {
        return print_json(&profile);
    }
    let name = profile.username.as_deref().unwrap_or("(private)");
    match profile.name.as_deref().filter(|n| !n.trim().is_empty()) {
        Some(display) => println!("{} (@{})", sanitize::line(display), sanitize::line(name)),
        None => println!("@{}", sanitize::line(name)),
    }
    if let Some(kind) = profile.account_type_label() {
        println!("account:   {kind}");
    }
    if let Some(count) = profile.media_count {
        println!("posts:     {count}");
    }
    if let Some(count) = profile.followers_count {
        println!("followers: {count}");
    }
    if let Some(count) = profile.follows_count {
        println!("following: {count}");
    }
    if let Some(id) = &profile.id {
        println!("id:        {id}");
    }
    if let Some(id) = &profile.user_id {
        println!("user id:   {id}");
    }
    Ok(())
}

pub(super) async fn feed(ctx: &Context, args: FeedArgs) -> Result<(), CliError> {
    let state = ctx.load()?;
    let t = usable_token(ctx, &state)?;
    let listing = super::progress::Listing::start(!args.json);
    let client = args.wait.client(ctx, &state, listing.printer())?;
    let max = args.count.max();
    let list = client
        .list_media(&t.value, crate::instagram::client::ME, max, |n| {
            listing.set(n)
        })
        .await
        .map_err(|e| args.wait.explain(e))?;
    drop(listing);
    if let Some(note) = list.note() {
        eprintln!("note: {note}");
    }
    let mut items = list.items;
    remember_usage(ctx, &client);
    // Instagram sends newest first; a stable sort keeps its order for ties
    // and for items without a timestamp.
    items.sort_by_key(|m| std::cmp::Reverse(m.posted_at()));
    if args.json {
        return super::output::print_json_list(&items);
    }
    if items.is_empty() {
        println!("No posts on this account yet.");
        return Ok(());
    }
    let offset = localtime::offset();
    for media in &items {
        println!("{}", table_row(media, offset));
    }
    Ok(())
}

fn table_row(media: &Media, offset: time::UtcOffset) -> String {
    let date = media.posted_at().map_or_else(
        || "????-??-??".to_string(),
        |t| localtime::date_in(t, offset),
    );
    let caption = match media.caption_first_line() {
        "" => "(no caption)",
        line => line,
    };
    let caption = fit(caption, 48);
    let pad = 48usize.saturating_sub(unicode_width::UnicodeWidthStr::width(caption.as_str()));
    let unavailable = if media.has_unavailable_video() {
        format!("  ({VIDEO_UNAVAILABLE})")
    } else {
        String::new()
    };
    format!(
        "{date}  {}  {caption}{}  {}{unavailable}",
        media.kind().marker(),
        " ".repeat(pad),
        sanitize::line(media.permalink.as_deref().unwrap_or("(no permalink)"))
    )
}

/// Runs the embedded fake until Ctrl-C, printing what to point instatui at.
/// The exports start with a throw-away config, cache and data dir, so
/// following them never touches the user's real `state.json` or feed cache.
#[cfg(feature = "demo")]
pub(super) async fn fake_server(port: u16, posts: usize, latency: u64) -> Result<(), CliError> {
    use crate::fake::{FakeConfig, FakeInstagram};
    use crate::store::{CACHE_DIR_ENV, CONFIG_DIR_ENV, DATA_DIR_ENV};
    // A person's browser opens the authorize URL: it gets the fake's
    // login page, to pick which of its users to authorize.
    // Its clock moves on request, so that a token can be aged past
    // Instagram's 24 hours and `refresh` tried by hand.
    let config = FakeConfig {
        post_count: posts,
        login_page: true,
        clock_control: true,
        ..FakeConfig::demo()
    };
    let scratch = tempfile::Builder::new()
        .prefix("instatui-fake-")
        .tempdir()
        .map_err(|e| CliError::failed(format!("could not create a temporary directory: {e}")))?;
    let addr = std::net::SocketAddr::from(([127, 0, 0, 1], port));
    let fake = FakeInstagram::start_on(addr, config.clone())
        .await
        .map_err(|e| CliError::failed(format!("could not start the fake on {addr}: {e}")))?;
    fake.control()
        .set_latency(std::time::Duration::from_millis(latency));
    println!(
        "# fake Instagram listening on {}. In another shell, run these lines: the config,",
        fake.base_url()
    );
    println!("# cache and data dirs are throw-away ones, so your real state.json is not touched.");
    for (name, sub) in [
        (CONFIG_DIR_ENV, "config"),
        (CACHE_DIR_ENV, "cache"),
        (DATA_DIR_ENV, "data"),
    ] {
        println!(
            "export {name}={}",
            shell_quote(&scratch.path().join(sub).to_string_lossy())
        );
    }
    println!("export INSTATUI_BASE_URL={}", fake.base_url());
    println!("export INSTATUI_APP_SECRET={}", config.app_secret);
    println!(
        "instatui setup --app-id {} --redirect-uri {}",
        config.app_id,
        config
            .redirect_uris
            .first()
            .map(String::as_str)
            .unwrap_or_default()
    );
    let users: Vec<String> = std::iter::once(&config.username)
        .chain(config.other_users.iter().map(|u| &u.username))
        .map(|u| format!("@{u}"))
        .collect();
    println!(
        "# Its authorize page lets you log in as {}: 'instatui authorize --open' a second time adds the other account.",
        users.join(" or ")
    );
    println!(
        "# To try refresh (Instagram refreshes tokens 24 hours old): 'curl -X POST {}{}?advance=25h' ages them, then 'export INSTATUI_CLOCK_SKEW=25h' so instatui's clock agrees.",
        fake.base_url(),
        crate::fake::CLOCK_PATH
    );
    println!(
        "# Press Ctrl-C here to stop; {} is deleted then.",
        scratch.path().display()
    );
    tokio::signal::ctrl_c()
        .await
        .map_err(|e| CliError::failed(format!("could not wait for Ctrl-C: {e}")))?;
    drop(fake);
    drop(scratch);
    Ok(())
}

/// `fake-server` in an instatui built without the fake: says so.
#[cfg(not(feature = "demo"))]
pub(super) async fn fake_server(_port: u16, _posts: usize, _latency: u64) -> Result<(), CliError> {
    Err(CliError::failed(crate::runtime::NO_DEMO))
}

/// Single quotes unless the text is plainly safe for a shell.
#[cfg(feature = "demo")]
fn shell_quote(text: &str) -> String {
    if !text.is_empty()
        && text
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "/._-+:".contains(c))
    {
        text.to_string()
    } else {
        format!("'{}'", text.replace('\'', r"'\''"))
    }
}
