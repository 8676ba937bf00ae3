//! Every account watched in the TUI: each one's condition (the one `watch::condition`), the live checks at start and after any 190, and who needs the user.

use super::{App, Effect};
use crate::instagram::{ApiError, Endpoints, Flavor};
use crate::secret::Secret;
use crate::store::{Account, AccountId};
use crate::watch::{Check, CheckOutcome, Condition, WatchFile};

/// What one live check needs: the account's token and how to reach its API.
#[derive(Debug, Clone, PartialEq)]
pub struct AccountCheck {
    pub id: AccountId,
    pub token: Secret,
    pub flavor: Flavor,
    pub endpoints: Endpoints,
}

impl App {
    /// The account's condition now: its token, its last refresh and what
    /// instatui last learnt of it live (this run or a `keep-alive run`).
    pub fn condition_of(&self, account: &Account) -> Condition {
        crate::watch::condition(account, self.watch.account(&account.id()), self.now)
    }

    /// The active account's condition, if there is an active account.
    pub fn active_condition(&self) -> Option<Condition> {
        self.stored.active().map(|a| self.condition_of(a))
    }

    /// Whether the account needs the user now: its token no longer works,
    /// or it expires within days and, as far as this machine can tell,
    /// nothing refreshes it (no keep-alive, and for the active account no
    /// auto-refresh that works).
    pub fn needs_you(&self, account: &Account, condition: &Condition) -> bool {
        use super::keepalive::KeepAliveState;
        match condition {
            Condition::ExpiringSoon { .. } => {
                let active = self.stored.active.as_ref() == Some(&account.id());
                let auto = active
                    && self.auto_refresh_on()
                    && account.last_refresh.as_ref().is_none_or(|r| r.ok);
                matches!(
                    self.keep_alive.state,
                    KeepAliveState::Missing | KeepAliveState::Outdated(_)
                ) && !auto
            }
            c => c.needs_user(),
        }
    }

    /// The accounts that need the user (worst first, then by name), with
    /// their condition: the header counts them, Accounts lists them first.
    pub fn needy_accounts(&self) -> Vec<(Account, Condition)> {
        let mut needy: Vec<(Account, Condition)> = self
            .stored
            .accounts_by_name()
            .into_iter()
            .map(|a| {
                let c = self.condition_of(&a);
                (a, c)
            })
            .filter(|(a, c)| self.needs_you(a, c))
            .collect();
        needy.sort_by_key(|(_, c)| std::cmp::Reverse(c.severity()));
        needy
    }

    /// Asks Instagram about every account whose token is not known dead
    /// already (one `/me` each, off the loop).
    pub(crate) fn check_accounts(&mut self, effects: &mut Vec<Effect>) {
        let checks: Vec<AccountCheck> = self
            .stored
            .all_accounts()
            .into_iter()
            .filter(|a| a.token.expires_at > self.now)
            .map(|a| {
                let flavor = self.stored.flavor_for(Some(&a));
                AccountCheck {
                    id: a.id(),
                    token: a.token.value.clone(),
                    flavor,
                    endpoints: Endpoints::resolve(
                        flavor,
                        &self.stored.endpoints,
                        self.base_override.as_deref(),
                    )
                    .with_env_version(self.graph_version_override.as_deref()),
                }
            })
            .collect();
        if !checks.is_empty() {
            effects.push(Effect::CheckAccounts(checks));
        }
    }

    /// `watch.json` as read at start: then every account is checked once.
    pub(crate) fn on_watch_loaded(&mut self, watch: WatchFile, effects: &mut Vec<Effect>) {
        self.watch = watch;
        self.check_accounts(effects);
    }

    /// The live checks' answers: kept here and in `watch.json`. An account
    /// removed while its check ran is not brought back.
    pub(crate) fn on_accounts_checked(
        &mut self,
        checks: Vec<(AccountId, Check)>,
        effects: &mut Vec<Effect>,
    ) {
        let stored: Vec<AccountId> = self.stored.all_accounts().iter().map(Account::id).collect();
        let checks: Vec<(AccountId, Check)> = checks
            .into_iter()
            .filter(|(id, _)| stored.contains(id))
            .collect();
        for (id, check) in &checks {
            self.record_check(id, check.clone());
        }
        let needy = self.needy_accounts().len();
        if needy > 0 {
            self.set_status(
                super::Level::Warning,
                format!(
                    "checked with Instagram: {needy} account{} need{} you (5 shows {})",
                    if needy == 1 { "" } else { "s" },
                    if needy == 1 { "s" } else { "" },
                    if needy == 1 { "it" } else { "them" },
                ),
            );
        }
        if !checks.is_empty() {
            effects.push(Effect::RecordChecks(checks));
        }
    }

    /// A check's verdict, kept for the condition (by the watch file's
    /// rule: revoked stays revoked through an outage).
    fn record_check(&mut self, id: &AccountId, check: Check) {
        self.watch.record_check(id, check);
    }

    /// A 190 (or the app switched off) on any call with the active
    /// account's token: its condition says so at once, on every screen, and
    /// every account is checked again.
    pub(crate) fn note_verdict(&mut self, err: &ApiError, effects: &mut Vec<Effect>) {
        let Some(id) = self.stored.active.clone() else {
            return;
        };
        let outcome = crate::watch::check::outcome_of(err, self.now);
        if !matches!(
            outcome,
            CheckOutcome::Revoked { .. } | CheckOutcome::AppRestricted { .. }
        ) {
            return;
        }
        let check = Check {
            at: self.now,
            outcome,
        };
        self.record_check(&id, check.clone());
        effects.push(Effect::RecordChecks(vec![(id, check)]));
        self.check_accounts(effects);
    }

    /// A new token for the account: what was said of the old one is void.
    pub(crate) fn forget_verdict(&mut self, id: &AccountId) {
        self.watch.forget_check(id);
    }

    /// "checked 3 min ago" for an account, when it was checked.
    pub(crate) fn checked_ago(&self, account: &Account) -> Option<String> {
        let at = self
            .watch
            .account(&account.id())
            .and_then(|w| w.check.as_ref())?
            .at;
        let ago = (self.now - at).max(time::Duration::ZERO);
        Some(if ago < time::Duration::minutes(1) {
            "checked just now".to_string()
        } else if ago < time::Duration::hours(1) {
            format!("checked {} min ago", ago.whole_minutes())
        } else {
            format!("checked {} ago", crate::lifetime::format_remaining(ago))
        })
    }

    /// A notifier whose last delivery failed (as `keep-alive run` or
    /// `notify test` left it in `watch.json`), in one line, with how many
    /// more did: what the Accounts screen keeps under its list.
    pub fn failed_notifier_line(&self) -> Option<String> {
        let failed: Vec<_> = self
            .watch
            .notifiers
            .iter()
            .filter_map(|n| n.last.as_ref().filter(|d| !d.ok).map(|d| (n, d)))
            .collect();
        let (n, d) = failed.first()?;
        let more = match failed.len() - 1 {
            0 => String::new(),
            k => format!(" (and {k} more)"),
        };
        Some(format!(
            "! notifier {} ({}) failed {}: {}{more}; 'instatui notify test' tries again",
            n.id,
            n.channel.brief(),
            crate::localtime::format_in(d.at, self.offset),
            d.summary
        ))
    }
}
