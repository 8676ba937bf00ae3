//! `instatui setup`: store the app's credentials, validated, with the secret kept off the command line.

use super::{CliError, Context, SetupArgs};
use crate::credentials;
use crate::instagram::Flavor;
use crate::secret::Secret;
use crate::store::AppConfig;
use std::io::IsTerminal;

/// `--flavor`: a [`Flavor`], by the names the store and the docs give it.
/// The client crate knows nothing of clap, so the choice is wrapped here;
/// its values come from `Flavor::ALL` and `Flavor::as_str`, not a copy.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct FlavorArg(pub(crate) Flavor);

impl clap::ValueEnum for FlavorArg {
    fn value_variants<'a>() -> &'a [Self] {
        static ALL: std::sync::LazyLock<Vec<FlavorArg>> =
            std::sync::LazyLock::new(|| Flavor::ALL.map(FlavorArg).to_vec());
        &ALL
    }

    fn to_possible_value(&self) -> Option<clap::builder::PossibleValue> {
        let help = match self.0 {
            Flavor::InstagramLogin => {
                "Instagram API with Instagram Login (Business and Creator accounts)"
            }
            Flavor::BasicDisplay => "the Basic Display API (retired by Meta on 2024-12-04)",
        };
        Some(clap::builder::PossibleValue::new(self.0.as_str()).help(help))
    }
}

pub(super) const SECRET_ENV: &str = "INSTATUI_APP_SECRET";

pub(super) fn run(ctx: &Context, args: SetupArgs) -> Result<(), CliError> {
    let flavor = args.flavor.0;
    let app_id = args.app_id.trim().to_string();
    credentials::check_app_id(&app_id).map_err(CliError::usage)?;
    let warnings = credentials::check_redirect_uri(&args.redirect_uri).map_err(CliError::usage)?;
    let scopes = credentials::parse_scopes(args.scopes.as_deref().unwrap_or(""), flavor);
    credentials::check_scopes(&scopes, flavor).map_err(CliError::usage)?;
    // Tells the user on stderr if an unreadable state.json is moved aside;
    // `update` alone would move it silently.
    let stored = ctx.load()?;
    // Changing the redirect URI or scopes of the same app needs no secret
    // again: the stored one is kept when none is given.
    let kept = stored
        .app()
        .filter(|a| a.app_id == app_id)
        .map(|a| a.app_secret.clone());
    let app_secret = match read_secret(kept.is_some())? {
        Some(secret) => {
            credentials::check_app_secret(&secret).map_err(CliError::usage)?;
            Secret::new(secret.trim())
        }
        None => kept.ok_or_else(|| {
            CliError::usage(format!(
                "no app secret given: set {SECRET_ENV} or pipe it on stdin (echo \"$SECRET\" | instatui setup …)"
            ))
        })?,
    };

    let app = AppConfig {
        flavor,
        app_id,
        app_secret,
        redirect_uri: args.redirect_uri.clone(),
        scopes,
    };
    let (parked, state) = ctx.store.update(|state| {
        let parked = state
            .app_change_parks_account(&app)
            .then(|| state.active().map(|a| a.label()))
            .flatten();
        state.set_app(app.clone());
        Ok::<_, CliError>(parked)
    })?;
    for warning in warnings {
        eprintln!("warning: {warning}");
    }
    if flavor == Flavor::BasicDisplay {
        eprintln!(
            "warning: the Basic Display API was retired on 2024-12-04; real apps need instagram-login"
        );
    }
    println!(
        "Saved {} app {} with redirect URI {} and scopes {} to {}.",
        flavor.as_str(),
        app.app_id,
        app.redirect_uri,
        app.scopes.join(","),
        ctx.store.path().display()
    );
    if let Some(label) = parked {
        println!(
            "{} stays among the accounts with its app ('instatui accounts use' goes back to it).",
            crate::sanitize::line(&label)
        );
    }
    // A refresh keeps the permissions a token was granted with: a scope
    // added here reaches a stored account only through a new authorize.
    let before = stored.apps.iter().find(|a| a.app_id == app.app_id);
    for gap in credentials::scope_gaps(&state, before) {
        let line = format!(
            "{}: it needs a new authorize to get it: {}",
            gap.sentence(),
            gap.command()
        );
        println!("{}", crate::sanitize::line(&line));
    }
    if state.active.is_none() {
        println!("Next: instatui authorize --open");
    }
    Ok(())
}

/// The secret never comes from argv, where shell history and `ps` would
/// keep it. `None` when none was given (an empty line or prompt); with
/// `keeping`, the prompt says Enter keeps the stored one.
fn read_secret(keeping: bool) -> Result<Option<String>, CliError> {
    if let Ok(secret) = std::env::var(SECRET_ENV)
        && !secret.trim().is_empty()
    {
        return Ok(Some(secret));
    }
    let stdin = std::io::stdin();
    let line = if stdin.is_terminal() {
        let prompt = if keeping {
            "App secret (input hidden; Enter keeps the stored one): "
        } else {
            "App secret (input hidden): "
        };
        rpassword::prompt_password(prompt)
            .map_err(|e| CliError::failed(format!("could not read the app secret: {e}")))?
    } else {
        super::output::first_line_of_stdin("an app secret")?
    };
    Ok((!line.trim().is_empty()).then_some(line))
}
