//! Help texts that name the refresh policy's numbers, the keep-alive command line and the defaults, built from the constants so they never drift.
//!
//! `help keep-alive install` once described a command line two releases
//! old: every number and command line a `--help` states is made here from
//! what the code does (`lifetime`'s policy, `keepalive::SCHEDULED_COMMAND`,
//! `Schedule::default()`), and `tests/it/cli/help.rs` reads them back
//! through the binary.

use crate::keepalive::{SCHEDULED_COMMAND, Schedule, policy};
use crate::lifetime::{LONG_LIFETIME, REFRESH_AFTER, REFRESH_MIN_AGE, in_words as words};

/// `--every`'s default: `12h`.
pub(super) fn every_default() -> String {
    Schedule::default().every_arg()
}

/// `--within`'s default: `10d`.
pub(super) fn within_default() -> String {
    Schedule::default().within_arg()
}

/// What a keep-alive entry runs, after the binary and its `--config-dir`:
/// `instatui keep-alive run --within WITHIN`.
pub(crate) fn scheduled_command(within: &str) -> String {
    format!("instatui {} --within {within}", SCHEDULED_COMMAND.join(" "))
}

/// `--every`'s help: config.toml's value, else the built-in default.
pub(super) fn every_help() -> String {
    format!(
        "How often it runs: hours that divide a day (1h … 12h) or whole days up to 7d \
         [default: config.toml's keep_alive.every, else {}]",
        every_default()
    )
}

/// `--within`'s help, after `what`: config.toml's value, else the default.
pub(super) fn within_help(what: &str) -> String {
    format!(
        "{what} [default: config.toml's keep_alive.within, else {}]",
        within_default()
    )
}

/// `keep-alive` itself.
pub(super) fn keep_alive_about() -> String {
    format!(
        "Keep tokens alive unattended: a systemd user timer, crontab entry or launchd agent runs '{}'",
        scheduled_command("WITHIN")
    )
}

/// `keep-alive install`.
pub(super) fn install_about() -> String {
    format!(
        "Have the machine run '{}' every EVERY, which {}: a systemd user timer, else a crontab \
         entry (a launchd agent on macOS). Installing again replaces it",
        scheduled_command("WITHIN"),
        policy("WITHIN"),
    )
}

/// `keep-alive run`.
pub(super) fn run_about() -> String {
    format!(
        "What the installed entry runs: refresh every account that is due (once its token is {} \
         old, or within --within of expiry), check every account with Instagram, record each \
         one's condition, run handoffs, tell the notifiers what changed. Exits 3 when an account \
         needs a new authorize, 1 for other trouble",
        words(REFRESH_AFTER)
    )
}

/// `refresh`.
pub(super) fn refresh_about() -> String {
    format!(
        "Refresh the long-lived token for another {} (Instagram refreshes a token once it is {} old)",
        words(LONG_LIFETIME),
        words(REFRESH_MIN_AGE)
    )
}

/// `refresh --if-older-than`.
pub(super) fn if_older_than_help() -> String {
    format!(
        "Only refresh once the token is older than this (the TUI and keep-alive use {}; never \
         under Instagram's {}); otherwise exit 0. With --if-expiring-within, either makes it due",
        crate::keepalive::format_arg(REFRESH_AFTER),
        words(REFRESH_MIN_AGE)
    )
}

/// `refresh --force`.
pub(super) fn force_help() -> String {
    format!(
        "Ask Instagram even if the token looks younger than {} here (when this machine's clock \
         and the server's disagree)",
        words(REFRESH_MIN_AGE)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_scheduled_command_is_the_one_a_plan_writes() {
        let plan = crate::keepalive::Plan::new(
            "/usr/bin/instatui".into(),
            "/c".into(),
            Schedule::default(),
            "instatui-keepalive".into(),
        );
        let written = plan.refresh_args()[2..].join(" ");
        assert_eq!(
            format!("instatui {written}"),
            scheduled_command(&within_default())
        );
    }
}
