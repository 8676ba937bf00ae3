//! `status`'s live check, `keep-alive run` (the one scheduled command) and `notify add | list | remove | test`.

use super::output::print_json;
use super::{CliError, Context};
use crate::localtime::{format_local, rfc3339};
use crate::sanitize;
use crate::store::{Account, State};
use crate::watch::notify::{self, Channel, Event, Notice, Notifier};
use crate::watch::{self, Condition, WatchFile};
use serde_json::json;
use time::OffsetDateTime;

/// One account as the watch sees it.
pub(super) struct Row {
    pub(super) account: Account,
    pub(super) condition: Condition,
    /// When the last live check was made, good or not.
    pub(super) checked_at: Option<OffsetDateTime>,
}

impl Row {
    fn name(&self) -> String {
        self.account
            .username()
            .map_or_else(|| self.account.user_id().to_string(), str::to_string)
    }

    fn fix(&self) -> Option<String> {
        self.condition
            .fix(&self.name(), self.account.app_id.as_deref())
    }

    /// `@shop: revoked: … — fix: instatui authorize --account shop --open`.
    pub(super) fn line(&self, now: OffsetDateTime) -> String {
        let checked = match self.checked_at {
            Some(at) => format!(
                " (checked {} ago)",
                crate::lifetime::format_remaining(now - at)
            ),
            None => String::new(),
        };
        let fix = self
            .fix()
            .map(|f| format!(" — fix: {f}"))
            .unwrap_or_default();
        sanitize::line(&format!(
            "{}: {}{checked}{fix}",
            self.account.label(),
            self.condition.summary()
        ))
        .into_owned()
    }

    pub(super) fn json(&self) -> serde_json::Value {
        json!({
            "user_id": self.account.user_id(),
            "username": self.account.username(),
            "app_id": self.account.app_id,
            "condition": self.condition.key(),
            "summary": self.condition.summary(),
            "needs_authorize": self.condition.needs_authorize(),
            "instagram_message": self.condition.message(),
            "fix": self.fix(),
            "expires_at": rfc3339(self.account.token.expires_at),
            "checked_at": self.checked_at.map(rfc3339),
        })
    }
}

/// Every account's condition from what is stored and `watch`.
pub(super) fn rows(state: &State, watch: &WatchFile, now: OffsetDateTime) -> Vec<Row> {
    state
        .accounts_by_name()
        .into_iter()
        .map(|account| {
            let w = watch.account(&account.id());
            Row {
                condition: watch::condition(&account, w, now),
                checked_at: w.and_then(|w| w.check.as_ref()).map(|c| c.at),
                account,
            }
        })
        .collect()
}

/// Checks every stored account against Instagram (`/me`), one after the
/// other, and records each verdict. An account removed meanwhile is
/// dropped from the record.
pub(super) async fn check_all(ctx: &Context) -> Result<(), CliError> {
    let state = ctx.load()?;
    for account in state.all_accounts() {
        let one = ctx.for_account(&account.id());
        let Ok(now_stored) = one.load() else { continue };
        if now_stored.account(&account.id()).is_none() {
            continue;
        }
        let client = one.client(&now_stored)?;
        let (check, _) = watch::check::check(&client, &account.token.value).await;
        if let Err(e) = watch::update(&ctx.store, |w| w.record_check(&account.id(), check)) {
            eprintln!(
                "warning: could not record the check of {}: {e}",
                account.label()
            );
        }
    }
    let ids: Vec<_> = ctx
        .load()?
        .all_accounts()
        .iter()
        .map(crate::store::Account::id)
        .collect();
    let _ = watch::update(&ctx.store, |w| w.keep_only(&ids));
    Ok(())
}

/// The exit for these conditions: 3 when one needs a new authorize, 1 for
/// any other trouble, 0 when all are fine.
fn verdict(rows: &[Row]) -> Result<(), CliError> {
    let names = |pick: &dyn Fn(&Condition) -> bool| {
        rows.iter()
            .filter(|r| pick(&r.condition))
            .map(|r| r.account.label())
            .collect::<Vec<_>>()
            .join(", ")
    };
    let authorize = names(&|c| c.needs_authorize());
    if !authorize.is_empty() {
        return Err(CliError::needs_auth(sanitize::line(&format!(
            "{authorize} need(s) a new authorize (see the fix above)"
        ))));
    }
    let trouble = names(&|c| c.severity() > watch::condition::Severity::Fine);
    if !trouble.is_empty() {
        return Err(CliError::failed(sanitize::line(&format!(
            "{trouble}: see the line(s) above"
        ))));
    }
    Ok(())
}

/// `status`'s accounts part: checks live unless `offline`, prints a line
/// per account (or returns them for `--json`), and gives the exit.
pub(super) async fn status_accounts(
    ctx: &Context,
    offline: bool,
) -> Result<(Vec<Row>, bool), CliError> {
    let checked = !offline && !ctx.load()?.all_accounts().is_empty();
    if checked {
        check_all(ctx).await?;
    }
    let state = ctx.load()?;
    let (watch, notice) = watch::load(&ctx.store);
    if let Some(notice) = notice {
        eprintln!("warning: {notice}");
    }
    let mut rows = rows(&state, &watch, crate::clock::now());
    if let Some(name) = &ctx.account {
        let id = state.find_account(name).map_err(CliError::usage)?;
        rows.retain(|r| r.account.id() == id);
    }
    Ok((rows, checked))
}

pub(super) fn print_accounts(rows: &[Row], checked: bool) {
    let now = crate::clock::now();
    if rows.is_empty() {
        return;
    }
    println!(
        "accounts:     {}",
        if checked {
            "checked with Instagram just now"
        } else {
            "not checked with Instagram (--offline): as last seen"
        }
    );
    for row in rows {
        println!("  {}", row.line(now));
    }
}

pub(super) fn accounts_verdict(rows: &[Row]) -> Result<(), CliError> {
    verdict(rows)
}

/// `keep-alive run`: refresh what is due, check every account live, keep
/// the run for `keep-alive status`, and tell the notifiers what changed.
pub(super) async fn keep_alive_run(ctx: &Context, within: time::Duration) -> Result<(), CliError> {
    if ctx.account.is_some() {
        return Err(CliError::usage(
            "keep-alive run works on every account: leave out --account",
        ));
    }
    let policy = crate::lifetime::RefreshPolicy::scheduled(within);
    let each = super::token::refresh_each(ctx, policy, false, true).await?;
    check_all(ctx).await?;
    super::keepalive::record_run_all(ctx, each.results.clone());
    let now = crate::clock::now();
    let state = ctx.load()?;
    let (watch, _) = watch::load(&ctx.store);
    let rows = rows(&state, &watch, now);
    for row in &rows {
        println!("{}", row.line(now));
    }
    notify_changes(ctx, &rows, now).await;
    verdict(&rows)?;
    match each.handoff_failures.into_iter().next() {
        Some(e) => Err(e),
        None => Ok(()),
    }
}

/// Records each account's condition and sends what changed to every
/// notifier; what was sent is remembered first, so a second run sends
/// nothing for the same state.
pub(super) async fn notify_changes(ctx: &Context, rows: &[Row], now: OffsetDateTime) {
    let decided = watch::update(&ctx.store, |w| {
        let mut notices = Vec::new();
        for row in rows {
            let id = row.account.user_id().to_string();
            w.record_condition(&row.account.id(), row.condition.key(), now);
            let entry = w.entry(&row.account.id());
            let last = entry.notified.clone();
            let since = entry.recorded.as_ref().map_or(now, |r| r.since);
            let Some((event, state)) = notify::decide(last.as_ref(), &row.condition, since, now)
            else {
                continue;
            };
            entry.notified = Some(watch::Notified { state, at: now });
            notices.push(notify::notice(
                event,
                row.account.username(),
                &id,
                row.account.app_id.as_deref(),
                last.as_ref().map_or("healthy", |n| n.state.as_str()),
                &row.condition,
                since,
                row.account.token.expires_at,
            ));
        }
        (notices, w.notifiers.clone())
    });
    let (notices, notifiers) = match decided {
        Ok(x) => x,
        Err(e) => {
            eprintln!("warning: could not record the accounts' conditions: {e}");
            return;
        }
    };
    if notices.is_empty() || notifiers.is_empty() {
        return;
    }
    deliver(ctx, &notifiers, &notices).await;
}

/// Sends and records each notifier's delivery; a failure is a warning line.
async fn deliver(ctx: &Context, notifiers: &[Notifier], notices: &[Notice]) -> bool {
    let deliveries = notify::send_all(notifiers, notices).await;
    let mut all_ok = true;
    for (id, d) in &deliveries {
        if !d.ok {
            all_ok = false;
            eprintln!("warning: notifier {id} failed: {}", d.summary);
        }
    }
    let _ = watch::update(&ctx.store, |w| {
        for (id, d) in deliveries {
            if let Some(n) = w.notifiers.iter_mut().find(|n| n.id == id) {
                n.last = Some(d);
            }
        }
    });
    all_ok
}

pub(super) fn notify_add(
    ctx: &Context,
    channel: Channel,
    timeout: Option<time::Duration>,
) -> Result<(), CliError> {
    notify::validate(&channel).map_err(CliError::usage)?;
    if let Channel::Email { .. } = channel
        && notify::sendmail().is_none()
    {
        eprintln!(
            "note: there is no sendmail on this machine yet: e-mail notices fail until one is installed (msmtp-mta, postfix, …)"
        );
    }
    let timeout_secs = match timeout {
        Some(t) if t.whole_seconds() < 1 => {
            return Err(CliError::usage("--timeout must be at least 1s"));
        }
        Some(t) => Some(t.whole_seconds().unsigned_abs()),
        None => None,
    };
    let described = channel.describe();
    let id = watch::update(&ctx.store, |w| {
        let id = w.notifiers.iter().map(|n| n.id).max().unwrap_or(0) + 1;
        w.notifiers.push(Notifier {
            id,
            channel,
            timeout_secs,
            last: None,
        });
        id
    })
    .map_err(CliError::failed)?;
    println!(
        "Notifier {id} added: {}. 'instatui notify test' sends it a test notice.",
        sanitize::line(&described)
    );
    Ok(())
}

pub(super) fn notify_list(ctx: &Context, json: bool) -> Result<(), CliError> {
    let (watch, notice) = watch::load(&ctx.store);
    if let Some(notice) = notice {
        return Err(CliError::failed(notice));
    }
    if json {
        return print_json(&json!({ "notifiers": watch.notifiers }));
    }
    if watch.notifiers.is_empty() {
        println!(
            "No notifiers: 'instatui notify add --exec CMD | --webhook URL | --desktop | --email ADDRESS' adds one."
        );
    }
    for n in &watch.notifiers {
        let last = match &n.last {
            None => "never used".to_string(),
            Some(d) if d.ok => format!("ok at {}", format_local(d.at)),
            Some(d) => format!("FAILED at {}: {}", format_local(d.at), d.summary),
        };
        println!(
            "{}",
            sanitize::line(&format!("{}  {}  ({last})", n.id, n.channel.describe()))
        );
    }
    Ok(())
}

pub(super) fn notify_remove(ctx: &Context, id: u32) -> Result<(), CliError> {
    let removed = watch::update(&ctx.store, |w| {
        let before = w.notifiers.len();
        w.notifiers.retain(|n| n.id != id);
        before != w.notifiers.len()
    })
    .map_err(CliError::failed)?;
    if !removed {
        return Err(CliError::usage(format!(
            "there is no notifier {id}: 'instatui notify list' shows them"
        )));
    }
    println!("Notifier {id} removed.");
    Ok(())
}

/// `notify test`: a test notice about the active account (or a stand-in)
/// through every notifier, or only `only`.
pub(super) async fn notify_test(ctx: &Context, only: Option<u32>) -> Result<(), CliError> {
    let (watch, notice) = watch::load(&ctx.store);
    if let Some(notice) = notice {
        return Err(CliError::failed(notice));
    }
    let notifiers: Vec<Notifier> = watch
        .notifiers
        .iter()
        .filter(|n| only.is_none_or(|id| n.id == id))
        .cloned()
        .collect();
    if notifiers.is_empty() {
        return Err(CliError::usage(match only {
            Some(id) => format!("there is no notifier {id}: 'instatui notify list' shows them"),
            None => "no notifier to test: add one with 'instatui notify add'".into(),
        }));
    }
    let state = ctx.load()?;
    let now = crate::clock::now();
    let sample = match state.all_accounts().into_iter().next() {
        Some(a) => {
            let c = watch::condition(&a, watch.account(&a.id()), now);
            notify::notice(
                Event::Test,
                a.username(),
                a.user_id(),
                a.app_id.as_deref(),
                c.key(),
                &c,
                now,
                a.token.expires_at,
            )
        }
        None => notify::notice(
            Event::Test,
            Some("example"),
            "0",
            None,
            "healthy",
            &Condition::Healthy,
            now,
            now,
        ),
    };
    if deliver(ctx, &notifiers, &[sample]).await {
        println!("Sent a test notice to {} notifier(s).", notifiers.len());
        Ok(())
    } else {
        Err(CliError::failed(
            "a notifier failed (see above); 'instatui notify list' keeps what happened",
        ))
    }
}
