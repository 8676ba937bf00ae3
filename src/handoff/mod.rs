//! Handoffs: after every new token, hand it to where it is used — a dotenv line kept up to date, or a command run with the token in its environment.
//!
//! A handoff runs only after the token is saved, so a failing one never
//! costs the token; its outcome is recorded on the handoff itself (`last`)
//! for `handoff list`, `keep-alive status` and the TUI.

pub(crate) mod dotenv;
pub(crate) mod exec;

use crate::secret::Secret;
use crate::store::AccountId;
use serde::{Deserialize, Serialize};
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;
use time::OffsetDateTime;

/// The variable a dotenv handoff writes unless told otherwise.
pub(crate) const DEFAULT_VAR: &str = "INSTAGRAM_ACCESS_TOKEN";
/// How long a command may run before it is killed.
pub(crate) const DEFAULT_TIMEOUT_SECS: u64 = 60;

fn default_timeout() -> u64 {
    DEFAULT_TIMEOUT_SECS
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Handoff {
    /// Stable: `handoff remove 2` means the same one tomorrow.
    pub id: u32,
    /// The Instagram user id of the account whose tokens it hands on: the
    /// professional id once its profile said it (see `store::identity`).
    pub account: String,
    /// That account's app: with the user id, its identity (the same person
    /// under two apps is two accounts, each with its own handoffs). None for
    /// an account stored without an app, and in files from before it was
    /// kept (`State::repair` fills it in).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub app_id: Option<String>,
    #[serde(flatten)]
    pub target: Destination,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last: Option<HandoffRun>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Destination {
    Dotenv {
        path: PathBuf,
        var: String,
    },
    Exec {
        command: String,
        #[serde(default = "default_timeout")]
        timeout_secs: u64,
    },
    /// Written by a newer instatui: kept, never run.
    #[serde(other)]
    Unknown,
}

impl Handoff {
    /// Whether it hands on the tokens of the account `id`: same user id,
    /// same app.
    pub(crate) fn belongs_to(&self, id: &AccountId) -> bool {
        self.account == id.user_id && self.app_id == id.app_id
    }

    /// Makes it the handoff of account `id`.
    pub(crate) fn attach_to(&mut self, id: &AccountId) {
        self.account = id.user_id.clone();
        self.app_id = id.app_id.clone();
    }
}

impl Destination {
    /// `.env INSTAGRAM_ACCESS_TOKEN in /srv/site/.env`, `command 'deploy.sh'`.
    pub(crate) fn describe(&self) -> String {
        match self {
            Destination::Dotenv { path, var } => format!("dotenv {var} in {}", path.display()),
            Destination::Exec {
                command,
                timeout_secs,
            } => format!("command '{command}' (timeout {timeout_secs}s)"),
            Destination::Unknown => "a kind this instatui does not know".to_string(),
        }
    }
}

/// One run's outcome.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HandoffRun {
    #[serde(with = "time::serde::rfc3339")]
    pub at: OffsetDateTime,
    pub ok: bool,
    /// What happened, or what failed and what to do, in one line.
    pub summary: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub exit_code: Option<i32>,
    /// A command's last lines of output, the token masked.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub output: Vec<String>,
}

/// The new token and what a command is told about it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ticket {
    pub token: Secret,
    /// The account's user id: the professional id (`/me`'s `user_id`, which
    /// `/{id}/media` takes) once its profile said it. `INSTAGRAM_USER_ID`.
    pub user_id: String,
    /// The account's app: with `user_id`, whose handoffs run.
    pub app_id: Option<String>,
    /// The app-scoped id (`/me`'s `id`, the code exchange's), when the
    /// profile said it. `INSTAGRAM_APP_SCOPED_USER_ID`.
    pub app_scoped_id: Option<String>,
    pub username: Option<String>,
    pub expires_at: OffsetDateTime,
}

impl Ticket {
    /// The stored token of `account`.
    pub(crate) fn for_account(account: &crate::store::Account) -> Ticket {
        let t = &account.token;
        Ticket {
            token: t.value.clone(),
            user_id: account.user_id().to_string(),
            app_id: account.app_id.clone(),
            app_scoped_id: account.profile.as_ref().and_then(|p| p.id.clone()),
            username: account.username().map(str::to_string),
            expires_at: t.expires_at,
        }
    }

    /// Whether `handoff` is one of this account's.
    pub(crate) fn owns(&self, handoff: &Handoff) -> bool {
        handoff.account == self.user_id && handoff.app_id == self.app_id
    }
}

/// Runs one handoff now; once `stop` is set (instatui was interrupted), a
/// command is stopped, and none is started. Blocking (files, a child
/// process): async callers use `spawn_blocking`.
pub(crate) fn run_until(
    handoff: &Handoff,
    ticket: &Ticket,
    now: OffsetDateTime,
    stop: &AtomicBool,
) -> HandoffRun {
    if stop.load(Ordering::SeqCst) {
        // Interrupted before this one's turn: nothing was handed on.
        return HandoffRun {
            at: now,
            ok: false,
            summary: format!(
                "not run: instatui was interrupted first; 'instatui handoff run {}' runs it",
                handoff.id
            ),
            exit_code: None,
            output: Vec::new(),
        };
    }
    let token = ticket.token.expose();
    let (ok, summary, exit_code, output) = match &handoff.target {
        Destination::Dotenv { path, var } => {
            let (p, v, t) = (path.clone(), var.clone(), ticket.token.clone());
            let timeout = Duration::from_secs(DEFAULT_TIMEOUT_SECS);
            match within(timeout, stop, move || dotenv::write(&p, &v, t.expose())) {
                Waited::Done(Ok(())) => (
                    true,
                    format!("wrote {var} to {}", path.display()),
                    None,
                    Vec::new(),
                ),
                Waited::Done(Err(e)) => (false, e, None, Vec::new()),
                Waited::TimedOut => (
                    false,
                    format!(
                        "writing {} did not finish within {DEFAULT_TIMEOUT_SECS}s (a hung network mount?) and was given up: check that folder, then 'instatui handoff run {}'",
                        path.display(),
                        handoff.id
                    ),
                    None,
                    Vec::new(),
                ),
                Waited::Stopped => (
                    false,
                    format!(
                        "writing {} was given up because instatui was interrupted; 'instatui handoff run {}' runs it again",
                        path.display(),
                        handoff.id
                    ),
                    None,
                    Vec::new(),
                ),
            }
        }
        Destination::Exec {
            command,
            timeout_secs,
        } => {
            let expires = crate::localtime::rfc3339(ticket.expires_at);
            let mut env = vec![
                ("INSTAGRAM_ACCESS_TOKEN", token),
                ("INSTAGRAM_USER_ID", ticket.user_id.as_str()),
                ("INSTAGRAM_TOKEN_EXPIRES_AT", expires.as_str()),
            ];
            if let Some(name) = &ticket.username {
                env.push(("INSTAGRAM_USERNAME", name));
            }
            // Under its own name: `/{id}/media` refuses it.
            if let Some(scoped) = &ticket.app_scoped_id {
                env.push(("INSTAGRAM_APP_SCOPED_USER_ID", scoped));
            }
            let timeout = Duration::from_secs(*timeout_secs);
            match exec::run_until(command, &env, timeout, stop) {
                Err(e) => (false, e, None, Vec::new()),
                Ok(done) => {
                    // Masked first, over the lines together (a token
                    // folded over two lines included), then cleaned and cut.
                    let tail: Vec<String> = ticket
                        .token
                        .mask_in(&done.tail.join("\n"))
                        .split('\n')
                        .map(|l| crate::text::fit(&crate::sanitize::line(l), exec::LINE_CHARS))
                        .collect();
                    let last = tail.last().map(|l| format!(": {l}")).unwrap_or_default();
                    let summary = if done.stopped {
                        format!(
                            "stopped before it finished, with everything it started, because instatui was interrupted; 'instatui handoff run {}' runs it again",
                            handoff.id
                        )
                    } else if done.timed_out {
                        format!(
                            "did not finish within {timeout_secs}s and was stopped: make the command finish sooner, or add it again with a longer --timeout"
                        )
                    } else if done.ok() {
                        "exited 0".to_string()
                    } else {
                        match done.code {
                            Some(code) => format!("exited {code}{last}"),
                            None => format!("was killed by a signal{last}"),
                        }
                    };
                    (done.ok(), summary, done.code, tail)
                }
            }
        }
        Destination::Unknown => (
            false,
            "written by a newer instatui: upgrade instatui to run it".to_string(),
            None,
            Vec::new(),
        ),
    };
    HandoffRun {
        at: now,
        ok,
        summary,
        exit_code,
        output,
    }
}

/// How waiting for work on a thread of its own ended.
#[derive(Debug, PartialEq, Eq)]
enum Waited<T> {
    Done(T),
    TimedOut,
    Stopped,
}

/// Runs `work` on a thread of its own and waits at most `timeout` for it,
/// or until `stop` is set: a write to a hung network mount never holds up
/// `refresh --all`, `keep-alive run` or quitting. Work given up on is left
/// to finish (or not) on its own thread; it holds nothing else up.
fn within<T: Send + 'static>(
    timeout: Duration,
    stop: &AtomicBool,
    work: impl FnOnce() -> T + Send + 'static,
) -> Waited<T> {
    let (tx, rx) = std::sync::mpsc::channel();
    let spawned = std::thread::Builder::new()
        .name("handoff-write".into())
        .spawn(move || {
            let _ = tx.send(work());
        });
    if spawned.is_err() {
        return Waited::TimedOut;
    }
    let deadline = std::time::Instant::now().checked_add(timeout);
    loop {
        match rx.recv_timeout(Duration::from_millis(20)) {
            Ok(done) => return Waited::Done(done),
            Err(std::sync::mpsc::RecvTimeoutError::Disconnected) => return Waited::TimedOut,
            Err(std::sync::mpsc::RecvTimeoutError::Timeout) => {}
        }
        if stop.load(Ordering::SeqCst) {
            return Waited::Stopped;
        }
        if deadline.is_some_and(|d| std::time::Instant::now() >= d) {
            return Waited::TimedOut;
        }
    }
}

/// Runs every handoff of the ticket's account (or only `only`), in order;
/// once `stop` is set, the one running is stopped and the rest are not run.
pub(crate) fn run_all(
    handoffs: &[Handoff],
    ticket: &Ticket,
    only: Option<u32>,
    stop: &AtomicBool,
) -> Vec<(u32, HandoffRun)> {
    handoffs
        .iter()
        .filter(|h| ticket.owns(h) && only.is_none_or(|id| h.id == id))
        .map(|h| (h.id, run_until(h, ticket, crate::clock::now(), stop)))
        .collect()
}

/// Puts the outcomes on their handoffs (one removed meanwhile is skipped).
pub(crate) fn record(handoffs: &mut [Handoff], results: &[(u32, HandoffRun)]) {
    for (id, outcome) in results {
        if let Some(h) = handoffs.iter_mut().find(|h| h.id == *id) {
            h.last = Some(outcome.clone());
        }
    }
}

/// `handoff 2 (dotenv … ): failed …`, one line.
pub(crate) fn line(handoff: &Handoff, outcome: &HandoffRun) -> String {
    format!(
        "handoff {} ({}): {}",
        handoff.id,
        handoff.target.describe(),
        outcome.summary
    )
}

/// What to do after handoffs `ids` failed, in one sentence:
/// `handoff 7 failed (…): fix it, then 'instatui handoff run 7'`, or for
/// several, `handoffs 3 and 4 failed (…): fix them, then 'instatui handoff
/// run 3' and 'instatui handoff run 4'`. `handoff run ID` runs a handoff
/// with its own account's token, whichever account is active.
pub(crate) fn retry_advice(ids: &[u32]) -> String {
    match ids {
        [id] => format!(
            "handoff {id} failed (the token itself is saved): fix it, then 'instatui handoff run {id}'"
        ),
        _ => {
            let numbers: Vec<String> = ids.iter().map(u32::to_string).collect();
            let commands: Vec<String> = ids
                .iter()
                .map(|id| format!("'instatui handoff run {id}'"))
                .collect();
            format!(
                "handoffs {} failed (the tokens themselves are saved): fix them, then {}",
                and_list(&numbers),
                and_list(&commands)
            )
        }
    }
}

/// `a`, `a and b`, `a, b and c`.
fn and_list(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}

/// The ids of the account `id`'s handoffs.
pub(crate) fn owned_by(handoffs: &[Handoff], id: &AccountId) -> Vec<u32> {
    handoffs
        .iter()
        .filter(|h| h.belongs_to(id))
        .map(|h| h.id)
        .collect()
}

/// What removing an account forgets, after its name: ` and its token`,
/// or `, its token and its handoffs 3 and 4`.
pub(crate) fn forgotten(ids: &[u32]) -> String {
    let numbers: Vec<String> = ids.iter().map(u32::to_string).collect();
    match ids {
        [] => " and its token".to_string(),
        [id] => format!(", its token and its handoff {id}"),
        _ => format!(", its token and its handoffs {}", and_list(&numbers)),
    }
}

/// Forgets the handoffs of the account `id` (the same person's under
/// another app stay: they are another account's).
pub(crate) fn remove_for_account(handoffs: &mut Vec<Handoff>, id: &AccountId) {
    handoffs.retain(|h| !h.belongs_to(id));
}

/// One past the highest id in `handoffs` (1 for none): the least the
/// state's next id can be.
pub(crate) fn past_every_id(handoffs: &[Handoff]) -> u32 {
    handoffs
        .iter()
        .map(|h| h.id)
        .max()
        .unwrap_or(0)
        .saturating_add(1)
}

/// Two writers' handoff lists merged by id: what this writer added, changed
/// or removed since `base` wins; everything else is as on disk.
pub(crate) fn merge(base: &[Handoff], ours: &[Handoff], disk: &[Handoff]) -> Vec<Handoff> {
    let mut merged: Vec<Handoff> = disk
        .iter()
        .filter(|d| {
            // Removed here since base: gone.
            !base.iter().any(|b| b.id == d.id) || ours.iter().any(|o| o.id == d.id)
        })
        .cloned()
        .collect();
    for o in ours {
        if base.iter().any(|b| b == o) {
            continue;
        }
        match merged.iter_mut().find(|m| m.id == o.id) {
            Some(m) => *m = o.clone(),
            None => merged.push(o.clone()),
        }
    }
    merged.sort_by_key(|h| h.id);
    merged
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    #[test]
    fn a_write_that_never_ends_is_given_up_at_its_timeout_or_on_a_stop() {
        // Work that blocks until the test ends, as a hung mount would.
        let (_keep, blocked) = std::sync::mpsc::channel::<()>();
        let blocked = std::sync::Arc::new(std::sync::Mutex::new(blocked));
        let hang = |b: std::sync::Arc<std::sync::Mutex<std::sync::mpsc::Receiver<()>>>| {
            move || {
                let _ = b.lock().map(|r| r.recv());
            }
        };
        let never = AtomicBool::new(false);
        assert_eq!(
            within(Duration::from_millis(50), &never, hang(blocked.clone())),
            Waited::TimedOut
        );
        let stopped = AtomicBool::new(true);
        assert_eq!(
            within(Duration::from_secs(3600), &stopped, hang(blocked)),
            Waited::Stopped
        );
        assert_eq!(
            within(Duration::from_secs(3600), &never, || 7),
            Waited::Done(7)
        );
    }

    fn dotenv(id: u32, path: &str) -> Handoff {
        Handoff {
            id,
            account: "1".into(),
            app_id: None,
            target: Destination::Dotenv {
                path: path.into(),
                var: DEFAULT_VAR.into(),
            },
            last: None,
        }
    }

    #[test]
    fn merging_keeps_both_writers_changes() {
        let base = vec![dotenv(1, "/a"), dotenv(2, "/b")];
        // The TUI recorded a run of 1; meanwhile the CLI added 3 and removed 2.
        let mut ours = base.clone();
        ours[0].last = Some(HandoffRun {
            at: datetime!(2026-01-01 0:00 UTC),
            ok: true,
            summary: "wrote".into(),
            exit_code: None,
            output: vec![],
        });
        let disk = vec![dotenv(1, "/a"), dotenv(3, "/c")];
        let merged = merge(&base, &ours, &disk);
        let ids: Vec<u32> = merged.iter().map(|h| h.id).collect();
        assert_eq!(ids, vec![1, 3]);
        assert!(merged[0].last.is_some());
        // And one removed here stays removed.
        let ours = vec![dotenv(1, "/a")];
        let merged = merge(&base, &ours, &base);
        assert_eq!(merged.len(), 1);
    }

    #[test]
    fn the_advice_after_failures_names_a_command_for_each() {
        assert_eq!(
            retry_advice(&[7]),
            "handoff 7 failed (the token itself is saved): fix it, then 'instatui handoff run 7'"
        );
        assert_eq!(
            retry_advice(&[3, 4, 9]),
            "handoffs 3, 4 and 9 failed (the tokens themselves are saved): fix them, then 'instatui handoff run 3', 'instatui handoff run 4' and 'instatui handoff run 9'"
        );
    }

    #[test]
    fn a_kind_from_a_newer_instatui_still_reads() {
        let h: Handoff =
            serde_json::from_str(r#"{"id":4,"account":"1","kind":"webhook","url":"x"}"#).unwrap();
        assert_eq!(h.target, Destination::Unknown);
    }

    #[test]
    fn the_token_goes_into_the_environment_and_never_into_the_output() {
        let ticket = Ticket {
            token: Secret::new("IGAAsecretsecretsecret123"),
            user_id: "42".into(),
            app_id: Some("7".into()),
            app_scoped_id: Some("9042".into()),
            username: Some("jane".into()),
            expires_at: datetime!(2027-01-01 0:00 UTC),
        };
        let h = Handoff {
            id: 1,
            account: "42".into(),
            app_id: Some("7".into()),
            target: Destination::Exec {
                // The professional id as INSTAGRAM_USER_ID, the app-scoped
                // one only under its own name.
                command: r#"test "$INSTAGRAM_USER_ID" = 42 && test "$INSTAGRAM_APP_SCOPED_USER_ID" = 9042 && echo "token $INSTAGRAM_ACCESS_TOKEN until $INSTAGRAM_TOKEN_EXPIRES_AT for $INSTAGRAM_USERNAME""#.into(),
                timeout_secs: 20,
            },
            last: None,
        };
        let stop = AtomicBool::new(false);
        let outcome = run_until(&h, &ticket, datetime!(2026-01-01 0:00 UTC), &stop);
        assert!(outcome.ok, "{outcome:?}");
        assert_eq!(
            outcome.output,
            vec!["token IGAA…t123 until 2027-01-01T00:00:00Z for jane".to_string()]
        );
    }

    /// One person under two apps is two accounts with one professional
    /// id: each app's token goes to its own account's handoffs only, and
    /// removing one account keeps the other's.
    #[test]
    fn a_handoff_belongs_to_its_accounts_app_as_well_as_its_user_id() {
        let under = |app: &str| AccountId {
            app_id: Some(app.into()),
            user_id: "178414".into(),
        };
        let mut handoffs = vec![dotenv(1, "/a"), dotenv(2, "/b")];
        handoffs[0].attach_to(&under("7"));
        handoffs[1].attach_to(&under("8"));
        let ticket = Ticket {
            token: Secret::new("IGAAsecondappsecondapp"),
            user_id: "178414".into(),
            app_id: Some("8".into()),
            app_scoped_id: None,
            username: None,
            expires_at: datetime!(2027-01-01 0:00 UTC),
        };
        let stop = AtomicBool::new(true);
        let ran: Vec<u32> = run_all(&handoffs, &ticket, None, &stop)
            .into_iter()
            .map(|(id, _)| id)
            .collect();
        assert_eq!(ran, [2], "only app 8's handoff gets app 8's token");
        assert_eq!(owned_by(&handoffs, &under("7")), [1]);
        remove_for_account(&mut handoffs, &under("8"));
        let left: Vec<u32> = handoffs.iter().map(|h| h.id).collect();
        assert_eq!(left, [1], "app 7's account keeps its handoff");
    }
}
