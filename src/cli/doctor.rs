//! `doctor`: the setup checks, one line each, exit 1 when one fails; `--explain` reads a pasted error page.

use super::{CliError, Context, print_json};
use crate::doctor::{self, Check};
use crate::instagram::Endpoints;
use std::time::Duration;

pub(super) async fn run(
    ctx: &Context,
    explain: Option<String>,
    timeout: Duration,
    json: bool,
) -> Result<(), CliError> {
    let state = ctx.load()?;
    let app = state.app_for(ctx.account(&state));
    if let Some(text) = explain {
        return explain_page(&text, app);
    }
    let flavor = state.flavor_for(ctx.account(&state));
    let endpoints = Endpoints::from_env(flavor, &state.endpoints);
    let mut checks = doctor::gather(doctor::Inputs {
        app,
        endpoints,
        state_path: &ctx.store.path(),
        config_dir: ctx.store.dir(),
        timeout,
    })
    .await;
    // The terminal is asked last, when nothing else writes to it.
    let pictures = if json {
        Err("not checked with --json".to_string())
    } else {
        crate::preview::query::diagnose()
    };
    checks.push(doctor::pictures(pictures));
    if json {
        print_json(&serde_json::json!({
            "ok": doctor::passed(&checks),
            "checks": checks,
        }))?;
    } else {
        for check in &checks {
            println!("{}", check.line());
        }
    }
    finish(&checks, json)
}

fn finish(checks: &[Check], json: bool) -> Result<(), CliError> {
    if doctor::passed(checks) {
        return Ok(());
    }
    let failed: Vec<&str> = checks
        .iter()
        .filter(|c| c.verdict == doctor::Verdict::Fail)
        .map(|c| c.name)
        .collect();
    if json {
        Err(CliError::failed(""))
    } else {
        Err(CliError::failed(format!(
            "{} to fix: {}",
            if failed.len() == 1 {
                "one thing"
            } else {
                "things"
            },
            failed.join(", ")
        )))
    }
}

/// The most `--explain -` reads: an error page's text is a few KiB.
const EXPLAIN_LIMIT: u64 = 64 * 1024;

/// `--explain TEXT` (`-`: stdin): what the page's error means here.
fn explain_page(text: &str, app: Option<&crate::store::AppConfig>) -> Result<(), CliError> {
    let mut pasted = text.to_string();
    if text == "-" {
        pasted = super::output::all_of_stdin("an error page's text", EXPLAIN_LIMIT)?;
    }
    let lines = doctor::explain(&pasted, app);
    if lines.is_empty() {
        return Err(CliError::failed(
            "instatui does not recognise an Instagram error in that text: docs/troubleshooting.md lists the ones it knows",
        ));
    }
    for line in lines {
        println!("{line}");
    }
    Ok(())
}
