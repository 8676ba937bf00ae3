//! The TUI's side of keep-alive and handoffs: what keeps the token alive (shown on the Token screen), the one warning when nothing does, and handing each new token on.

use super::{App, Effect, Level};
use crate::handoff::{self, HandoffRun, Ticket};
use crate::store::TokenKind;

/// What the machine's schedulers say, once asked (off the loop, at start-up).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum KeepAliveState {
    #[default]
    Unknown,
    /// Nothing installed for this config dir.
    Missing,
    /// By `a systemd user timer`, `a crontab entry`, `a launchd agent`.
    Installed(String),
}

#[derive(Debug, Clone, Default)]
pub struct KeepAliveView {
    pub state: KeepAliveState,
    /// The under-7-days warning was shown (once per session).
    pub warned: bool,
}

impl App {
    pub fn on_keep_alive(&mut self, state: KeepAliveState) {
        self.keep_alive.state = state;
        self.warn_if_unkept();
    }

    /// Whether nothing keeps the token alive: no keep-alive installed and
    /// auto-refresh off (which works only while the TUI runs anyway).
    pub fn unkept(&self) -> bool {
        self.keep_alive.state == KeepAliveState::Missing && !self.stored.settings.auto_refresh
    }

    /// Once per session: a long-lived token under 7 days from expiry with
    /// nothing to refresh it.
    pub fn warn_if_unkept(&mut self) {
        if self.keep_alive.warned || !self.unkept() {
            return;
        }
        let Some(t) = &self.stored.token else {
            return;
        };
        let left = t.expires_at - self.now;
        if t.kind != TokenKind::Long
            || left <= time::Duration::ZERO
            || left >= crate::token::EXPIRING_WITHIN
        {
            return;
        }
        self.keep_alive.warned = true;
        self.set_status(
            Level::Warning,
            format!(
                "the token expires in {} and nothing keeps it alive: r refreshes now, a refreshes while instatui runs, 'instatui keep-alive install' does it unattended",
                crate::token::format_remaining(left)
            ),
        );
    }

    /// After a new token was saved: its account's handoffs, if it has any.
    pub fn hand_off(&mut self, effects: &mut Vec<Effect>) {
        let Some(ticket) = Ticket::from_state(&self.stored) else {
            return;
        };
        if self
            .stored
            .handoffs
            .iter()
            .any(|h| h.account == ticket.user_id)
        {
            effects.push(Effect::RunHandoffs {
                ticket: Box::new(ticket),
                handoffs: self.stored.handoffs.clone(),
            });
        }
    }

    pub fn on_handoffs_ran(&mut self, results: Vec<(u32, HandoffRun)>, effects: &mut Vec<Effect>) {
        if results.is_empty() {
            return;
        }
        effects.push(self.persist(|s| handoff::record(&mut s.handoffs, &results)));
        let failed: Vec<String> = results
            .iter()
            .filter(|(_, r)| !r.ok)
            .map(|(id, r)| format!("handoff {id} failed: {}", r.summary))
            .collect();
        if failed.is_empty() {
            self.set_status(
                Level::Success,
                format!("new token handed on ({} handoff(s) ok)", results.len()),
            );
        } else {
            self.set_status(
                Level::Error,
                format!(
                    "{} (the token is saved; 'instatui handoff run' tries again)",
                    failed.join("; ")
                ),
            );
        }
    }
}
