//! The TUI's side of keep-alive and handoffs: what keeps the token alive (shown on the Token screen), the ready
//! cron line and systemd timer with `i` to install, the one warning when nothing does, and handing each new token on.

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
    /// Installed by an older instatui whose runs refresh only the active
    /// account (no `--all`): the others are not kept alive until `i`.
    Outdated(String),
}

#[derive(Debug, Clone, Default)]
pub struct KeepAliveView {
    pub state: KeepAliveState,
    /// The under-7-days warning was shown (once per session).
    pub(crate) warned: bool,
    /// The ready lines for this machine, once built (or why they cannot be).
    pub(crate) guide: Option<Result<Guide, String>>,
    /// Rows the popup is scrolled by.
    pub scroll: u16,
    /// An install is running.
    pub(crate) installing: bool,
    /// Why the last `i` installed nothing, shown at the popup's top: the
    /// status line under it has room for one row of a long reason.
    pub(crate) failure: Option<String>,
}

impl App {
    pub(crate) fn on_keep_alive(&mut self, state: KeepAliveState) {
        self.keep_alive.state = state;
        self.warn_if_unkept();
    }

    /// Whether nothing keeps the token alive: no keep-alive installed and
    /// auto-refresh off (which works only while the TUI runs anyway).
    pub(crate) fn unkept(&self) -> bool {
        self.keep_alive.state == KeepAliveState::Missing && !self.auto_refresh_on()
    }

    /// Once per session: a long-lived token under 7 days from expiry with
    /// nothing to refresh it. The active account's first; auto-refresh
    /// (while the TUI runs) refreshes only that one, so another account's
    /// token is unkept whenever no keep-alive is installed.
    pub(crate) fn warn_if_unkept(&mut self) {
        let state = &self.keep_alive.state;
        if self.keep_alive.warned
            || !matches!(state, KeepAliveState::Missing | KeepAliveState::Outdated(_))
        {
            return;
        }
        let expiring = |t: &crate::store::StoredToken| {
            let left = t.expires_at - self.now;
            (t.kind == TokenKind::Long
                && left > time::Duration::ZERO
                && left < crate::lifetime::EXPIRING_WITHIN)
                .then_some(left)
        };
        if self.unkept()
            && let Some(left) = self.stored.token().and_then(expiring)
        {
            self.keep_alive.warned = true;
            self.set_status(
                Level::Warning,
                format!(
                    "the token expires in {} and nothing keeps it alive: r refreshes now, a refreshes while instatui runs, 'instatui keep-alive install' does it unattended",
                    crate::lifetime::format_remaining(left)
                ),
            );
            return;
        }
        let other = self
            .stored
            .accounts
            .iter()
            .find_map(|a| expiring(&a.token).map(|left| (a.label(), left)));
        if let Some((label, left)) = other {
            self.keep_alive.warned = true;
            let advice = if matches!(self.keep_alive.state, KeepAliveState::Outdated(_)) {
                "the installed keep-alive is from an older instatui and refreshes only the active account: K, then i, installs it again for every account"
            } else {
                "keep-alive (K on Token) refreshes every account"
            };
            self.set_status(
                Level::Warning,
                format!(
                    "{}'s token expires in {} and nothing keeps it alive: {advice}",
                    crate::sanitize::line(&label),
                    crate::lifetime::format_remaining(left)
                ),
            );
        }
    }

    /// After a new token was saved: its account's handoffs, if it has any.
    pub(crate) fn hand_off(&mut self, effects: &mut Vec<Effect>) {
        let Some(ticket) = self.stored.active().map(Ticket::for_account) else {
            return;
        };
        if self.stored.handoffs.iter().any(|h| ticket.owns(h)) {
            effects.push(Effect::RunHandoffs {
                ticket: Box::new(ticket),
                handoffs: self.stored.handoffs.clone(),
            });
        }
    }

    pub(crate) fn on_handoffs_ran(
        &mut self,
        results: Vec<(u32, HandoffRun)>,
        effects: &mut Vec<Effect>,
    ) {
        if results.is_empty() {
            return;
        }
        effects.push(self.persist(|s| handoff::record(&mut s.handoffs, &results)));
        let failed: Vec<String> = results
            .iter()
            .filter(|(_, r)| !r.ok)
            .map(|(id, r)| format!("handoff {id} failed: {}", r.summary))
            .collect();
        let again: Vec<String> = results
            .iter()
            .filter(|(_, r)| !r.ok)
            .map(|(id, _)| format!("'instatui handoff run {id}'"))
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
                    "{} (the token is saved; {} {} again)",
                    failed.join("; "),
                    again.join(", "),
                    if again.len() == 1 { "tries" } else { "try" }
                ),
            );
        }
    }
}

/// What `keep-alive install` would set up on this machine, with its real
/// paths (the running binary, this config dir), built off the loop at
/// start-up. Nothing in it carries a token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Guide {
    pub plan: crate::keepalive::Plan,
    /// The command the scheduler runs, as a person would type it.
    pub command: String,
    /// The crontab lines, the systemd units (the launchd agent on macOS).
    pub entries: Vec<crate::keepalive::ManualEntry>,
}

/// How a line of the keep-alive popup is drawn.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GuideStyle {
    Text,
    Heading,
    /// A line to type or save as it is.
    Code,
}

/// The keep-alive popup's size in a terminal of `size`: nearly all of it,
/// from under the header down to above the status line, which must stay
/// visible (an install's outcome is said there).
pub(crate) fn guide_popup_size(size: (u16, u16)) -> (u16, u16) {
    (size.0.saturating_sub(2).min(110), size.1.saturating_sub(3))
}

impl App {
    /// `K` on the Token screen, and once after an authorization while
    /// nothing keeps tokens alive: the ready lines, and `i` to install.
    pub(crate) fn open_keep_alive(&mut self) {
        if self.demo {
            self.set_status(
                Level::Info,
                "not needed in the demo: its config dir is thrown away on quit (outside the demo, K shows the cron line and systemd timer)",
            );
            return;
        }
        self.popup = Some(super::Popup::KeepAlive);
        self.keep_alive.scroll = 0;
    }

    pub(crate) fn on_keep_alive_guide(&mut self, guide: Result<Guide, String>) {
        self.keep_alive.guide = Some(guide);
    }

    /// After a long-lived token arrived from an authorization: nothing
    /// refreshes it while instatui is closed, so say how, once.
    pub(crate) fn offer_keep_alive(&mut self) {
        if !self.demo
            && matches!(
                self.keep_alive.state,
                KeepAliveState::Missing | KeepAliveState::Outdated(_)
            )
        {
            self.open_keep_alive();
        }
    }

    /// `i` in the popup: what `instatui keep-alive install` does, off the loop.
    pub(crate) fn install_keep_alive(&mut self, effects: &mut Vec<Effect>) {
        if self.keep_alive.installing {
            return;
        }
        match &self.keep_alive.guide {
            Some(Ok(guide)) => {
                self.keep_alive.installing = true;
                self.keep_alive.failure = None;
                effects.push(Effect::InstallKeepAlive(Box::new(guide.plan.clone())));
                self.set_status(Level::Info, "installing keep-alive…");
            }
            Some(Err(e)) => self.set_status(Level::Error, e.clone()),
            None => self.set_status(
                Level::Info,
                "still asking this machine what it has: try again in a moment",
            ),
        }
    }

    /// The scheduler used (`a systemd user timer`) or why nothing was installed.
    pub(crate) fn on_keep_alive_installed(
        &mut self,
        result: Result<(String, Option<String>), String>,
    ) {
        self.keep_alive.installing = false;
        match result {
            // The service manager could not be reached: cron was used, and
            // the way to the timer is said, as the CLI says it.
            Ok((what, Some(fallback))) => {
                self.set_status(
                    Level::Warning,
                    format!("keep-alive installed as {what}: {fallback}"),
                );
                self.keep_alive.state = KeepAliveState::Installed(what);
                if self.popup == Some(super::Popup::KeepAlive) {
                    self.popup = None;
                }
            }
            Ok((what, None)) => {
                self.set_status(
                    Level::Success,
                    format!(
                        "keep-alive installed as {what}: it refreshes every account's token while instatui is closed ('instatui keep-alive status' shows its runs)"
                    ),
                );
                self.keep_alive.state = KeepAliveState::Installed(what);
                if self.popup == Some(super::Popup::KeepAlive) {
                    self.popup = None;
                }
            }
            Err(e) => {
                let text = format!("keep-alive not installed: {e}");
                self.keep_alive.failure = Some(text.clone());
                self.set_status(Level::Error, text);
            }
        }
    }

    /// `c` in the popup: the crontab line, to the clipboard.
    pub(crate) fn copy_cron_line(&mut self, effects: &mut Vec<Effect>) {
        let line = self.keep_alive.guide.as_ref().and_then(|g| {
            let guide = g.as_ref().ok()?;
            let cron = guide
                .entries
                .iter()
                .find(|e| e.scheduler == crate::keepalive::Scheduler::Cron)?;
            cron.text
                .lines()
                .find(|l| !l.trim_start().starts_with('#') && !l.trim().is_empty())
                .map(str::to_string)
        });
        match line {
            Some(line) => {
                effects.push(Effect::Copy(line));
                self.set_status(
                    Level::Info,
                    "cron line copied to the clipboard (if the terminal allows OSC 52): paste it into 'crontab -e'",
                );
            }
            None => self.set_status(Level::Warning, "no cron line to copy yet"),
        }
    }

    /// Down (or up) the popup by `lines`, never past its last line.
    pub(crate) fn scroll_keep_alive(&mut self, lines: i32) {
        let (w, h) = guide_popup_size(self.size);
        let rows = self.guide_lines(w.saturating_sub(2)).len();
        let most = rows.saturating_sub(usize::from(h.saturating_sub(2)));
        let most = u16::try_from(most).unwrap_or(u16::MAX);
        let next = i32::from(self.keep_alive.scroll) + lines;
        self.keep_alive.scroll = u16::try_from(next.max(0)).unwrap_or(u16::MAX).min(most);
    }

    /// The popup's text, wrapped to `width` columns (so scrolling knows
    /// exactly how many rows there are).
    pub fn guide_lines(&self, width: u16) -> Vec<(GuideStyle, String)> {
        let mut out: Vec<(GuideStyle, String)> = Vec::new();
        let width = usize::from(width.max(10));
        let mut add = |style: GuideStyle, text: &str| {
            // A code line's continuation is indented further, so where each
            // line to type begins stays clear.
            let (first, rest) = if style == GuideStyle::Code {
                ("  ", "      ")
            } else {
                ("", "")
            };
            let options = textwrap::Options::new(width)
                .initial_indent(first)
                .subsequent_indent(rest)
                .break_words(true);
            // (textwrap makes one empty line of an empty text.)
            for line in textwrap::wrap(text, options) {
                out.push((style, line.trim_end().to_string()));
            }
        };
        if let Some(failure) = &self.keep_alive.failure {
            add(GuideStyle::Heading, failure);
            add(GuideStyle::Text, "");
        }
        match &self.keep_alive.state {
            KeepAliveState::Installed(what) => add(
                GuideStyle::Text,
                &format!(
                    "Installed: {what} keeps every account's token alive. 'instatui keep-alive status' shows its last run; 'instatui keep-alive remove' takes it out."
                ),
            ),
            KeepAliveState::Outdated(what) => add(
                GuideStyle::Text,
                &format!(
                    "Installed by an older instatui: {what} refreshes only the active account's token. i installs it again so that it refreshes every account."
                ),
            ),
            _ => add(
                GuideStyle::Text,
                "Nothing refreshes the token while instatui is closed, and a token not refreshed within 60 days is lost.",
            ),
        }
        let guide = match &self.keep_alive.guide {
            None => {
                add(GuideStyle::Text, "Asking this machine what it has…");
                return out;
            }
            Some(Err(e)) => {
                add(GuideStyle::Text, e);
                return out;
            }
            Some(Ok(guide)) => guide,
        };
        add(
            GuideStyle::Text,
            &format!(
                "Every {} this command refreshes every account's token once it is {} old, or within {} of expiry (it carries no token):",
                guide.plan.schedule.every_arg(),
                crate::lifetime::in_words(crate::lifetime::REFRESH_AFTER),
                guide.plan.schedule.within_arg()
            ),
        );
        add(GuideStyle::Code, &guide.command);
        add(
            GuideStyle::Text,
            "i installs it for you: a systemd user timer, else a crontab entry (a launchd agent on macOS). Or set it up yourself with one of these:",
        );
        use crate::keepalive::Scheduler;
        for entry in &guide.entries {
            add(GuideStyle::Text, "");
            let place = entry
                .place
                .as_ref()
                .map(|p| p.display().to_string())
                .unwrap_or_default();
            match entry.scheduler {
                Scheduler::Cron => add(
                    GuideStyle::Heading,
                    "cron: add these lines with 'crontab -e' (c copies the line):",
                ),
                Scheduler::Systemd => {
                    add(GuideStyle::Heading, &format!("systemd: save as {place}"))
                }
                Scheduler::Launchd => add(
                    GuideStyle::Heading,
                    &format!("launchd: save as {place}, then 'launchctl load -w {place}'"),
                ),
            }
            for line in entry.text.lines() {
                add(GuideStyle::Code, line);
            }
        }
        if let Some(timer) = guide
            .entries
            .iter()
            .filter_map(|e| e.place.as_ref())
            .find(|p| p.extension().is_some_and(|e| e == "timer"))
            .and_then(|p| p.file_name())
        {
            add(GuideStyle::Text, "");
            add(GuideStyle::Heading, "then, for the systemd timer:");
            add(
                GuideStyle::Code,
                &format!(
                    "systemctl --user daemon-reload && systemctl --user enable --now {}",
                    timer.to_string_lossy()
                ),
            );
        }
        add(GuideStyle::Text, "");
        add(
            GuideStyle::Text,
            "'instatui keep-alive print' prints all of this in a shell.",
        );
        out
    }
}
