//! Telling someone when an account gets worse or recovers: the notifiers (`--exec`, `--webhook`, `--desktop`, `--email`), what is sent when, and sending it within a timeout.
//!
//! A notice carries the account's name and ids, the old and new condition,
//! Instagram's own words, the expiry and the command that fixes it; never
//! a token or a secret: [`Notice`] has no field that could hold one.

use super::Notified;
use super::condition::{Condition, Severity};
use crate::localtime::rfc3339;
use serde::{Deserialize, Serialize};
use std::time::Duration;
use time::OffsetDateTime;

/// How long one channel may take unless told otherwise.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Notifier {
    pub id: u32,
    pub channel: Channel,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timeout_secs: Option<u64>,
    /// How its last delivery went.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last: Option<Delivery>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Channel {
    /// `sh -c COMMAND`, the notice as JSON on its stdin.
    Exec { command: String },
    /// An HTTP POST of the notice as JSON.
    Webhook { url: String },
    /// `notify-send` (`osascript` on macOS) with a one-line summary.
    Desktop,
    /// The local `sendmail`.
    Email { address: String },
}

impl Channel {
    pub fn describe(&self) -> String {
        match self {
            Channel::Exec { command } => format!("exec: {command}"),
            Channel::Webhook { url } => format!("webhook: {url}"),
            Channel::Desktop => "desktop notification".into(),
            Channel::Email { address } => format!("e-mail to {address}"),
        }
    }

    /// As [`Channel::describe`], but a webhook by its host alone: its
    /// address may hold the receiver's key (Slack's, Discord's), and this
    /// is what stays on screen.
    pub fn brief(&self) -> String {
        match self {
            Channel::Webhook { url } => format!(
                "webhook to {}",
                url::Url::parse(url)
                    .ok()
                    .and_then(|u| u.host_str().map(str::to_string))
                    .unwrap_or_else(|| "an unreadable address".to_string())
            ),
            other => other.describe(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Delivery {
    #[serde(with = "time::serde::rfc3339")]
    pub at: OffsetDateTime,
    pub ok: bool,
    /// What happened, in one line (the failure, or what was sent).
    pub summary: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Event {
    /// The condition got worse.
    Worse,
    /// Back to fine after a notice.
    Recovered,
    /// Still expiring, one day closer.
    Reminder,
    /// `notify test`.
    Test,
}

/// One notice about one account: exactly what is sent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Notice {
    pub event: Event,
    pub username: Option<String>,
    pub user_id: String,
    pub app_id: Option<String>,
    /// `Condition::key` before and now.
    pub old_condition: String,
    pub condition: String,
    /// The condition in words.
    pub summary: String,
    /// Since when the new condition holds (RFC 3339).
    pub since: String,
    /// Instagram's own words, when an answer said it.
    pub instagram_message: Option<String>,
    pub expires_at: String,
    /// The command line (or page) that repairs it.
    pub fix: Option<String>,
}

impl Notice {
    /// `@shop: revoked: … — fix: instatui authorize --account shop --open`.
    pub fn line(&self) -> String {
        let who = crate::store::account_label(self.username.as_deref(), &self.user_id);
        let what = match self.event {
            Event::Recovered => format!("recovered ({})", self.summary),
            Event::Test => format!("test notice from instatui ({})", self.summary),
            _ => self.summary.clone(),
        };
        match &self.fix {
            Some(fix) if self.event != Event::Recovered => format!("{who}: {what} — fix: {fix}"),
            _ => format!("{who}: {what}"),
        }
    }

    pub fn json(&self) -> String {
        serde_json::to_string(self).unwrap_or_else(|_| "{}".into())
    }
}

/// What an account's notices remember: the condition's key, and for an
/// expiring token its whole days left, so a reminder goes once a day.
pub fn state_of(condition: &Condition, now: OffsetDateTime) -> String {
    match condition {
        Condition::ExpiringSoon { expires_at } => {
            format!("expiring_soon:{}", (*expires_at - now).whole_days().max(0))
        }
        c => c.key().to_string(),
    }
}

/// How long Instagram may stay out of reach (or keep answering nonsense)
/// before anyone is told: two scheduled runs at the default 12 hours. A
/// short outage passes on its own, and the next good check says the truth.
pub const NOT_CHECKED_FOR: time::Duration = time::Duration::hours(24);

/// Whether to tell anyone about `condition`, which has held since `since`,
/// given what was last sent: once when it gets worse (or changes while
/// bad), once when it recovers, a reminder a day while it is expiring.
/// Passing trouble: a rate limit is recorded, never sent (it lifts by the
/// time it names, and a notice could only say "wait"); "could not check"
/// is sent once it has lasted [`NOT_CHECKED_FOR`] and nothing worse was
/// told, then "recovered" once a check gets through. The new state to
/// remember comes with the event.
pub fn decide(
    last: Option<&Notified>,
    condition: &Condition,
    since: OffsetDateTime,
    now: OffsetDateTime,
) -> Option<(Event, String)> {
    let last_state = last.map_or("healthy", |n| n.state.as_str());
    let state = state_of(condition, now);
    match condition.severity() {
        Severity::Warning | Severity::Broken if state != last_state => {
            let reminder = matches!(condition, Condition::ExpiringSoon { .. })
                && last_state.starts_with("expiring_soon");
            Some((
                if reminder {
                    Event::Reminder
                } else {
                    Event::Worse
                },
                state,
            ))
        }
        Severity::Passing
            if matches!(condition, Condition::NotChecked { .. })
                && last_state == "healthy"
                && now - since >= NOT_CHECKED_FOR =>
        {
            Some((Event::Worse, state))
        }
        Severity::Fine if last_state != "healthy" => {
            Some((Event::Recovered, "healthy".to_string()))
        }
        _ => None,
    }
}

/// Sends `notices` through every notifier at once, each within its
/// timeout: a channel that hangs costs only its own time. One delivery per
/// notifier (the last failure, or ok), in the notifiers' order.
pub async fn send_all(notifiers: &[Notifier], notices: &[Notice]) -> Vec<(u32, Delivery)> {
    let tasks = notifiers.iter().map(|n| async move {
        let timeout = n.timeout_secs.map_or(DEFAULT_TIMEOUT, Duration::from_secs);
        let mut failure = None;
        for notice in notices {
            let sent = tokio::time::timeout(
                timeout + Duration::from_secs(1),
                send(&n.channel, notice, timeout),
            )
            .await
            .unwrap_or_else(|_| Err(format!("no answer within {}s", timeout.as_secs())));
            if let Err(e) = sent {
                failure = Some(e);
            }
        }
        let delivery = Delivery {
            at: crate::clock::now(),
            ok: failure.is_none(),
            summary: match failure {
                Some(e) => crate::sanitize::line(&e).into_owned(),
                None => format!("sent {} notice(s)", notices.len()),
            },
        };
        (n.id, delivery)
    });
    futures::future::join_all(tasks).await
}

async fn send(channel: &Channel, notice: &Notice, timeout: Duration) -> Result<(), String> {
    match channel {
        Channel::Webhook { url } => webhook(url, notice, timeout).await,
        Channel::Exec { command } => {
            run_blocking(
                command.clone(),
                Vec::new(),
                notice.json().into_bytes(),
                timeout,
            )
            .await
        }
        Channel::Desktop => {
            let command = if cfg!(target_os = "macos") {
                r#"osascript -e 'on run argv' -e 'display notification (item 1 of argv) with title "instatui"' -e 'end run' "$INSTATUI_NOTICE""#
            } else {
                r#"command -v notify-send >/dev/null || { echo "notify-send is not installed (libnotify-bin): install it or use --exec/--webhook" >&2; exit 127; }; notify-send --app-name=instatui instatui "$INSTATUI_NOTICE""#
            };
            let env = vec![("INSTATUI_NOTICE".to_string(), notice.line())];
            run_blocking(command.to_string(), env, Vec::new(), timeout).await
        }
        Channel::Email { address } => {
            let Some(sendmail) = sendmail() else {
                return Err("there is no sendmail on this machine (install one, e.g. msmtp-mta or postfix, or use --webhook)".into());
            };
            let mail = format!(
                "To: {address}\nSubject: instatui: {}\nContent-Type: text/plain; charset=utf-8\n\n{}\n\n{}\n",
                crate::text::fit(&notice.line(), 150),
                notice.line(),
                serde_json::to_string_pretty(notice).unwrap_or_default()
            );
            let env = vec![("INSTATUI_SENDMAIL".to_string(), sendmail)];
            run_blocking(
                r#""$INSTATUI_SENDMAIL" -t"#.to_string(),
                env,
                mail.into_bytes(),
                timeout,
            )
            .await
        }
    }
}

/// The local `sendmail`, if there is one.
pub fn sendmail() -> Option<String> {
    let on_path = std::env::var_os("PATH").and_then(|path| {
        std::env::split_paths(&path)
            .map(|dir| dir.join("sendmail"))
            .find(|p| p.is_file())
    });
    on_path
        .or_else(|| {
            ["/usr/sbin/sendmail", "/usr/lib/sendmail"]
                .iter()
                .map(std::path::PathBuf::from)
                .find(|p| p.is_file())
        })
        .map(|p| p.to_string_lossy().into_owned())
}

async fn run_blocking(
    command: String,
    env: Vec<(String, String)>,
    input: Vec<u8>,
    timeout: Duration,
) -> Result<(), String> {
    let done = tokio::task::spawn_blocking(move || {
        let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        crate::handoff::exec::run_with_input(
            &command,
            &env,
            Some(&input),
            timeout,
            crate::handoff::exec::process_stop(),
        )
    })
    .await
    .map_err(|e| format!("the command could not run: {e}"))??;
    if done.ok() {
        return Ok(());
    }
    let last = done.tail.last().cloned().unwrap_or_default();
    Err(if done.timed_out {
        format!("killed after {}s without finishing", timeout.as_secs())
    } else if done.stopped {
        "stopped: instatui was interrupted".into()
    } else {
        match done.code {
            Some(code) if last.is_empty() => format!("exited with {code}"),
            Some(code) => format!("exited with {code}: {last}"),
            None => "killed by a signal".into(),
        }
    })
}

async fn webhook(url: &str, notice: &Notice, timeout: Duration) -> Result<(), String> {
    let client = reqwest::Client::builder()
        .timeout(timeout)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .map_err(|e| format!("could not make an HTTP client: {e}"))?;
    let response = client
        .post(url)
        .header("Content-Type", "application/json")
        .header("Title", "instatui")
        .body(notice.json())
        .send()
        .await
        .map_err(|e| {
            if e.is_timeout() {
                format!("no answer within {}s", timeout.as_secs())
            } else {
                // Without the URL's query: it may hold the receiver's key.
                format!("could not reach the webhook ({})", e.without_url())
            }
        })?;
    let status = response.status();
    if status.is_success() {
        Ok(())
    } else {
        Err(format!("the webhook answered HTTP {}", status.as_u16()))
    }
}

/// Whether a channel could deliver, found without sending anything (no
/// notice, no POST): the webhook's host takes a connection within
/// `timeout`, the command's program, `notify-send` (`osascript`) or
/// `sendmail` is there. `Ok` with what was found, `Err` with one sentence.
/// `doctor` asks it (it must not spam); `notify test` sends for real.
pub async fn probe(channel: &Channel, timeout: Duration) -> Result<String, String> {
    match channel {
        Channel::Webhook { url } => {
            let parsed = url::Url::parse(url).map_err(|e| format!("not a URL ({e})"))?;
            let host = parsed.host_str().unwrap_or_default().to_string();
            let port = parsed.port_or_known_default().unwrap_or(443);
            let connect = tokio::net::TcpStream::connect((host.as_str(), port));
            match tokio::time::timeout(timeout, connect).await {
                Ok(Ok(_)) => Ok(format!("{host}:{port} takes connections")),
                Ok(Err(e)) => Err(format!("{host}:{port} could not be reached ({e})")),
                Err(_) => Err(format!(
                    "{host}:{port} did not answer within {}s",
                    timeout.as_secs()
                )),
            }
        }
        Channel::Exec { command } => {
            // The program the command starts with; a command that opens
            // with shell syntax (a quote, a variable, a subshell) is
            // taken on trust.
            let first = command.split_whitespace().next().unwrap_or_default();
            if first.is_empty() || first.contains(['\'', '"', '$', '(', '`', '=']) {
                return Ok("a shell command (run it with 'notify test')".into());
            }
            if on_path(first).is_some() {
                Ok(format!("{first} is there"))
            } else {
                Err(format!("'{first}' is not found on PATH"))
            }
        }
        Channel::Desktop => {
            let tool = if cfg!(target_os = "macos") {
                "osascript"
            } else {
                "notify-send"
            };
            match on_path(tool) {
                Some(_) => Ok(format!("{tool} is there")),
                None => Err(format!(
                    "{tool} is not installed (libnotify-bin on Debian and Ubuntu)"
                )),
            }
        }
        Channel::Email { .. } => match sendmail() {
            Some(path) => Ok(format!("sendmail is {path}")),
            None => Err(
                "there is no sendmail on this machine (install one, e.g. msmtp-mta or postfix)"
                    .into(),
            ),
        },
    }
}

/// `name` as the shell would find it: a path as given, else on `PATH`.
fn on_path(name: &str) -> Option<std::path::PathBuf> {
    if name.contains('/') {
        let path = std::path::PathBuf::from(name);
        return path.is_file().then_some(path);
    }
    if matches!(
        name,
        "echo"
            | "printf"
            | "read"
            | "test"
            | "["
            | "exec"
            | "command"
            | "cd"
            | "set"
            | "true"
            | ":"
    ) {
        return Some(std::path::PathBuf::from(name));
    }
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|dir| dir.join(name))
        .find(|p| p.is_file())
}

/// Checks a notifier's target when it is added: one sentence when it is
/// unusable.
pub fn validate(channel: &Channel) -> Result<(), String> {
    match channel {
        Channel::Webhook { url } => {
            let parsed = url::Url::parse(url).map_err(|e| {
                format!("'{url}' is not a URL ({e}): give it like https://ntfy.sh/my-topic")
            })?;
            if !matches!(parsed.scheme(), "http" | "https") {
                return Err(format!("'{url}' is not an http(s) URL"));
            }
            Ok(())
        }
        Channel::Email { address } => {
            let ok = address.contains('@')
                && !address.starts_with('@')
                && !address.ends_with('@')
                && !address
                    .chars()
                    .any(|c| c.is_whitespace() || c.is_control() || c == ',');
            if ok {
                Ok(())
            } else {
                Err(format!("'{address}' is not one e-mail address"))
            }
        }
        Channel::Exec { command } if command.trim().is_empty() => {
            Err("--exec needs a command".into())
        }
        _ => Ok(()),
    }
}

/// A notice about `condition` of this account.
#[allow(clippy::too_many_arguments)]
pub fn notice(
    event: Event,
    username: Option<&str>,
    user_id: &str,
    app_id: Option<&str>,
    old: &str,
    condition: &Condition,
    since: OffsetDateTime,
    expires_at: OffsetDateTime,
) -> Notice {
    let name = username.unwrap_or(user_id);
    Notice {
        event,
        username: username.map(str::to_string),
        user_id: user_id.to_string(),
        app_id: app_id.map(str::to_string),
        old_condition: old.split(':').next().unwrap_or(old).to_string(),
        condition: condition.key().to_string(),
        summary: condition.summary(),
        since: rfc3339(since),
        instagram_message: condition.message().map(str::to_string),
        expires_at: rfc3339(expires_at),
        fix: condition.fix(name, app_id),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_webhook_on_screen_is_named_by_its_host_never_its_key() {
        let hook = super::Channel::Webhook {
            url: "https://hooks.slack.com/services/T000/B000/SECRETKEY".into(),
        };
        assert_eq!(hook.brief(), "webhook to hooks.slack.com");
        assert!(
            hook.describe().contains("SECRETKEY"),
            "the full one is the owner's, for notify list"
        );
    }

    use super::*;
    use crate::instagram::Revocation;
    use time::macros::datetime;

    fn sent(state: &str) -> Notified {
        Notified {
            state: state.into(),
            at: datetime!(2026-01-01 0:00 UTC),
        }
    }

    #[test]
    fn worse_once_recovered_once_and_a_reminder_a_day() {
        let now = datetime!(2026-01-10 0:00 UTC);
        let revoked = Condition::Revoked {
            reason: Revocation::PasswordChanged,
            message: "m".into(),
        };
        assert_eq!(
            decide(None, &revoked, now, now),
            Some((Event::Worse, "revoked".into()))
        );
        assert_eq!(decide(Some(&sent("revoked")), &revoked, now, now), None);
        assert_eq!(
            decide(Some(&sent("revoked")), &Condition::Healthy, now, now),
            Some((Event::Recovered, "healthy".into()))
        );
        assert_eq!(
            decide(Some(&sent("healthy")), &Condition::Healthy, now, now),
            None
        );
        assert_eq!(decide(None, &Condition::RefreshDue, now, now), None);
        // Instagram down for a run or two is recorded, not sent, and no
        // recovery follows it; a whole day of it is told once, and its end.
        let down = Condition::NotChecked {
            since: None,
            message: "could not connect".into(),
        };
        let hours = |h| now - time::Duration::hours(h);
        assert_eq!(decide(None, &down, hours(12), now), None);
        assert_eq!(
            decide(None, &down, hours(24), now),
            Some((Event::Worse, "not_checked".into()))
        );
        assert_eq!(
            decide(Some(&sent("not_checked")), &down, hours(36), now),
            None
        );
        assert_eq!(
            decide(Some(&sent("not_checked")), &Condition::RefreshDue, now, now),
            Some((Event::Recovered, "healthy".into()))
        );
        // What was told already stands while Instagram cannot be asked.
        assert_eq!(decide(Some(&sent("revoked")), &down, hours(48), now), None);
        // A rate limit lifts by itself: never sent, whatever it follows.
        let limited = Condition::RateLimited {
            until: now + time::Duration::minutes(30),
        };
        for last in [None, Some(sent("not_checked")), Some(sent("revoked"))] {
            assert_eq!(decide(last.as_ref(), &limited, hours(48), now), None);
        }
        let expiring = |days| Condition::ExpiringSoon {
            expires_at: now + time::Duration::days(days) + time::Duration::hours(1),
        };
        assert_eq!(
            decide(None, &expiring(5), now, now),
            Some((Event::Worse, "expiring_soon:5".into()))
        );
        assert_eq!(
            decide(Some(&sent("expiring_soon:5")), &expiring(5), now, now),
            None
        );
        assert_eq!(
            decide(Some(&sent("expiring_soon:5")), &expiring(4), now, now),
            Some((Event::Reminder, "expiring_soon:4".into()))
        );
    }

    #[test]
    fn bad_targets_are_refused_when_added() {
        assert!(
            validate(&Channel::Email {
                address: "me@example.org".into()
            })
            .is_ok()
        );
        for bad in ["me", "a@b\nBcc: x@y", "a@b, c@d", "@b"] {
            assert!(
                validate(&Channel::Email {
                    address: bad.into()
                })
                .is_err(),
                "{bad}"
            );
        }
        assert!(
            validate(&Channel::Webhook {
                url: "https://ntfy.sh/t".into()
            })
            .is_ok()
        );
        assert!(
            validate(&Channel::Webhook {
                url: "file:///etc/passwd".into()
            })
            .is_err()
        );
        assert!(
            validate(&Channel::Webhook {
                url: "not a url".into()
            })
            .is_err()
        );
    }
}
