//! The Accounts screen's logic: pick an account, make it the active one, add one, forget one.

use super::{App, Effect, Level, Popup};
use crate::store::{Account, AccountId, Removed};

#[derive(Debug, Clone, Default)]
pub struct AccountsView {
    /// The row under the cursor, in [`App::account_rows`] order.
    pub selected: usize,
    /// The account the remove confirmation asks about.
    pub(crate) removing: Option<AccountId>,
}

impl App {
    /// Every account: those that need the user first, then by name and
    /// user id, so a row stays where it is when another one becomes active.
    pub fn account_rows(&self) -> Vec<Account> {
        let mut rows = self.stored.accounts_by_name();
        rows.sort_by_key(|a| {
            let c = self.condition_of(a);
            match self.needs_you(a, &c) {
                // Worst first among those that need the user.
                true => (false, std::cmp::Reverse(c.severity())),
                false => (
                    true,
                    std::cmp::Reverse(crate::watch::condition::Severity::Fine),
                ),
            }
        });
        rows
    }

    pub(crate) fn selected_account(&self) -> Option<Account> {
        self.account_rows().into_iter().nth(self.accounts.selected)
    }

    pub(crate) fn move_account_selection(&mut self, delta: isize) {
        let last = self.account_rows().len().saturating_sub(1);
        self.accounts.selected = self
            .accounts
            .selected
            .saturating_add_signed(delta)
            .min(last);
    }

    /// Opening the screen: the cursor starts on the active account, the
    /// one the other screens show, whatever row it was left on.
    pub(crate) fn select_active_account(&mut self) {
        let active = self.stored.active.clone();
        if let Some(row) = self
            .account_rows()
            .iter()
            .position(|a| Some(a.id()) == active)
        {
            self.accounts.selected = row;
        }
        self.move_account_selection(0);
    }

    /// Enter on a row: that account becomes the active one.
    pub(crate) fn use_selected_account(&mut self, effects: &mut Vec<Effect>) {
        let Some(account) = self.selected_account() else {
            self.set_status(Level::Info, "no account yet: n adds one");
            return;
        };
        if self.stored.active.as_ref() == Some(&account.id()) {
            self.set_status(
                Level::Info,
                format!(
                    "{} is the active account already",
                    self.stored.label_among(&account)
                ),
            );
            return;
        }
        // The list loaded so far belongs to the account being left: it goes
        // to the cache under that account's id, never on screen for the next.
        self.flush_feed_cache(effects);
        let id = account.id();
        let label = self.stored.label_among(&account);
        let untouched =
            self.credentials.focus.is_none() && !self.credentials.is_dirty(&self.stored);
        effects.push(self.persist(|s| {
            s.switch_account(&id);
        }));
        if untouched {
            // Its app is the current one now: Credentials shows it (the
            // app that was current stays stored, not "unsaved").
            self.credentials.discard(&self.stored);
        }
        self.forget_account_views();
        // Its own list from the cache at once; entering the feed refreshes it.
        effects.push(Effect::LoadFeedCache {
            user_id: id.user_id,
        });
        self.set_status(
            Level::Success,
            format!(
                "{label} is the active account now: the header, Token (3) and Feed (4) show it"
            ),
        );
    }

    /// Everything on screen that belonged to the account that was active.
    pub(super) fn forget_account_views(&mut self) {
        self.feed.reset();
        self.token = super::token_status::TokenView::default();
        self.authorize = super::authorize::AuthorizeView::default();
        self.keep_alive.warned = false;
        self.detail_scroll = None;
        // Answers still on their way were asked for the other account.
        self.next_generation();
    }

    /// `n`: authorize again; whoever logs in (Instagram asks, as the URL
    /// forces a fresh login) is added beside the accounts there are.
    pub(crate) fn add_account(&mut self, effects: &mut Vec<Effect>) -> bool {
        if self.stored.app().is_none() {
            self.set_status(
                Level::Warning,
                "save an app's credentials first (press 1), then n adds an account",
            );
            return false;
        }
        self.authorize = super::authorize::AuthorizeView {
            adding: true,
            ..Default::default()
        };
        self.new_authorization(effects);
        true
    }

    /// `x`: asks first, naming the account.
    pub(crate) fn ask_remove_account(&mut self) {
        match self.selected_account() {
            Some(account) => {
                self.accounts.removing = Some(account.id());
                self.popup = Some(Popup::ConfirmRemoveAccount);
            }
            None => self.set_status(Level::Info, "no account to remove"),
        }
    }

    /// The account the remove confirmation names.
    pub(crate) fn account_being_removed(&self) -> Option<Account> {
        let id = self.accounts.removing.as_ref()?;
        self.stored.account(id).cloned()
    }

    /// `y` in the confirmation: forgets the account and its token.
    pub(crate) fn remove_account_confirmed(&mut self, effects: &mut Vec<Effect>) {
        let Some(account) = self.account_being_removed() else {
            self.accounts.removing = None;
            return;
        };
        self.accounts.removing = None;
        let id = account.id();
        let mut removed = Removed::NotFound;
        let forgotten =
            crate::handoff::forgotten(&crate::handoff::owned_by(&self.stored.handoffs, &id));
        // Named as the list named it, before it goes.
        let label = self.stored.label_among(&account);
        let untouched =
            self.credentials.focus.is_none() && !self.credentials.is_dirty(&self.stored);
        effects.push(self.persist(|s| removed = s.remove_account(&id)));
        if untouched {
            // The next account's app may be another: Credentials shows it.
            self.credentials.discard(&self.stored);
        }
        effects.push(Effect::DropFeedCache {
            user_id: id.user_id.clone(),
        });
        match removed {
            Removed::Active { now_active } => {
                self.forget_account_views();
                if let Some(next) = &now_active {
                    effects.push(Effect::LoadFeedCache {
                        user_id: next.user_id.clone(),
                    });
                }
                match now_active.and(self.stored.active()) {
                    Some(next) => self.set_status(
                        Level::Success,
                        format!(
                            "forgot {label}{forgotten}: {} is the active account now",
                            next.label()
                        ),
                    ),
                    None => self.set_status(
                        Level::Success,
                        format!("forgot {label}{forgotten}: no account is left (n adds one)"),
                    ),
                }
            }
            Removed::Inactive | Removed::NotFound => {
                self.set_status(Level::Success, format!("forgot {label}{forgotten}"));
            }
        }
        self.move_account_selection(0);
    }
}
