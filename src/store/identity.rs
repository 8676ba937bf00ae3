//! Who an account is: one per Instagram professional account and app, twins merged, and what a bad file had repaired.
//!
//! The code exchange answers with the app-scoped id (`/me`'s `id`); `/me`'s
//! `user_id` is the professional account's, the same in every app. An
//! account is keyed by its app and the professional id as soon as the
//! profile says it (the token's `user_id` then holds it; the app-scoped id
//! stays on the profile as `id`). Until then the exchange's id stands in.

use super::schema::{Account, AccountId, State};

impl Account {
    /// Whether `id` (a user id, either kind) is this person's under its app.
    pub(crate) fn has_user_id(&self, id: &str) -> bool {
        self.user_id() == id
            || self
                .profile
                .as_ref()
                .is_some_and(|p| p.id.as_deref() == Some(id) || p.user_id.as_deref() == Some(id))
    }

    /// The professional account id once the profile said it.
    fn professional_id(&self) -> Option<&str> {
        self.profile.as_ref().and_then(|p| p.user_id.as_deref())
    }

    /// Whether `other` is the same Instagram account under the same app.
    fn is_twin_of(&self, other: &Account) -> bool {
        if self.app_id != other.app_id {
            return false;
        }
        let ids = |a: &Account| -> Vec<String> {
            let mut ids = vec![a.user_id().to_string()];
            if let Some(p) = &a.profile {
                ids.extend(p.id.clone());
                ids.extend(p.user_id.clone());
            }
            ids
        };
        let mine = ids(self);
        let same_id = ids(other).iter().any(|id| mine.contains(id));
        // A username names one Instagram account at a time.
        let same_name = match (self.username(), other.username()) {
            (Some(a), Some(b)) => a.eq_ignore_ascii_case(b),
            _ => false,
        };
        same_id || same_name
    }
}

impl State {
    /// The account under `app_id` that `user_id` (either kind of id) names.
    pub(crate) fn account_of_user(&self, app_id: Option<&str>, user_id: &str) -> Option<AccountId> {
        self.accounts
            .iter()
            .find(|a| a.app_id.as_deref() == app_id && a.has_user_id(user_id))
            .map(Account::id)
    }

    /// Keys account `id` by its professional id once its profile says it,
    /// and folds any twin under the same app into it. Returns its id now.
    pub(crate) fn settle_identity(&mut self, id: &AccountId) -> AccountId {
        let Some(i) = self.accounts.iter().position(|a| a.is(id)) else {
            return id.clone();
        };
        if let Some(pro) = self.accounts[i].professional_id().map(str::to_string)
            && pro != id.user_id
        {
            self.accounts[i].token.user_id = pro.clone();
            let new = self.accounts[i].id();
            self.rekeyed(id, &new);
        }
        let id = self.accounts[i].id();
        self.merge_twins_of(&id).1
    }

    /// Every reference to `old` (the active account, handoffs) now names `new`.
    fn rekeyed(&mut self, old: &AccountId, new: &AccountId) {
        if self.active.as_ref() == Some(old) {
            self.active = Some(new.clone());
        }
        for h in &mut self.handoffs {
            if h.belongs_to(old) {
                h.attach_to(new);
            }
        }
    }

    /// Folds every twin of `id` into it: the newest token, the latest
    /// refresh, every handoff. The answer says how many were folded, and
    /// the account's id after.
    fn merge_twins_of(&mut self, id: &AccountId) -> (usize, AccountId) {
        let mut id = id.clone();
        let mut folded = 0;
        loop {
            let Some(keep) = self.accounts.iter().position(|a| a.is(&id)) else {
                return (folded, id);
            };
            let twin = self
                .accounts
                .iter()
                .enumerate()
                .position(|(j, a)| j != keep && a.is_twin_of(&self.accounts[keep]));
            let Some(j) = twin else {
                return (folded, id);
            };
            let twin = self.accounts.remove(j);
            let keep = if j < keep { keep - 1 } else { keep };
            let twin_id = twin.id();
            let kept = &mut self.accounts[keep];
            fold(kept, twin);
            let kept_id = kept.id();
            self.rekeyed(&twin_id, &kept_id);
            self.rekeyed(&id, &kept_id);
            id = kept_id;
            folded += 1;
        }
    }

    /// Mends what a hand edit or an older instatui left: twins merged, an
    /// active id naming no account dropped, an account whose app is missing
    /// named. Nothing is lost. One line saying what was repaired, if anything.
    pub(crate) fn repair(&mut self, named_active: Option<&str>) -> Option<String> {
        let mut done: Vec<String> = self.attach_handoffs();
        // Keyed by the professional id wherever the profile says it.
        for id in self.accounts.iter().map(Account::id).collect::<Vec<_>>() {
            if self.account(&id).is_some() {
                self.settle_identity_quietly(&id);
            }
        }
        let mut twins = 0;
        let mut i = 0;
        while i < self.accounts.len() {
            let id = self.accounts[i].id();
            twins += self.merge_twins_of(&id).0;
            i += 1;
        }
        if twins > 0 {
            done.push(format!(
                "{twins} account{} stored twice merged (the newest token and every handoff kept)",
                if twins == 1 { "" } else { "s" }
            ));
        }
        if let Some(name) = named_active
            && self.active.is_none()
        {
            done.push(format!(
                "the active account ({name}) is not stored, so none is active ('instatui accounts use NAME' picks one)"
            ));
        }
        for a in &self.accounts {
            if let Some(app) = a.app_id.as_deref()
                && !self.apps.iter().any(|s| s.app_id == app)
            {
                done.push(format!(
                    "{}'s app {app} is not stored (its token is kept; 'instatui setup --app-id {app} …' stores the app)",
                    a.label()
                ));
            }
        }
        (!done.is_empty()).then(|| format!("state.json was repaired: {}", done.join("; ")))
    }

    /// Handoffs from files that named only a user id get their account's
    /// app as well, so that they follow their account (and only it) from
    /// now on. A user id that fits accounts under two apps goes with the
    /// active one, else the first, and the answer says so; one that fits no
    /// account stays as it is (`handoff list` says whose it was).
    fn attach_handoffs(&mut self) -> Vec<String> {
        let mut said = Vec::new();
        for i in 0..self.handoffs.len() {
            let h = &self.handoffs[i];
            let exact = AccountId {
                app_id: h.app_id.clone(),
                user_id: h.account.clone(),
            };
            if h.app_id.is_some() || self.account(&exact).is_some() {
                continue;
            }
            let candidates: Vec<&Account> = self
                .accounts
                .iter()
                .filter(|a| a.has_user_id(&h.account))
                .collect();
            let mut apps: Vec<&Option<String>> = candidates.iter().map(|a| &a.app_id).collect();
            apps.sort();
            apps.dedup();
            let Some(first) = candidates.first() else {
                continue;
            };
            let active = candidates
                .iter()
                .find(|a| self.active.as_ref().is_some_and(|id| a.is(id)));
            let app = match active {
                Some(a) if apps.len() > 1 => &a.app_id,
                _ => &first.app_id,
            };
            // Under that app: the account keyed by the handoff's id, else
            // its twin (merged next).
            let Some(owner) = candidates
                .iter()
                .filter(|a| &a.app_id == app)
                .find(|a| a.user_id() == h.account)
                .or_else(|| candidates.iter().find(|a| &a.app_id == app))
            else {
                continue;
            };
            if apps.len() > 1 {
                said.push(format!(
                    "handoff {} fitted {} under {} apps and now belongs to the one under app {} ('instatui handoff list' shows it)",
                    h.id,
                    owner.label(),
                    apps.len(),
                    app.as_deref().unwrap_or("none")
                ));
            }
            let id = owner.id();
            self.handoffs[i].attach_to(&id);
        }
        said
    }

    /// [`State::settle_identity`] without merging: keyed by the
    /// professional id where the profile says it.
    fn settle_identity_quietly(&mut self, id: &AccountId) {
        let Some(i) = self.accounts.iter().position(|a| a.is(id)) else {
            return;
        };
        if let Some(pro) = self.accounts[i].professional_id().map(str::to_string)
            && pro != id.user_id
        {
            self.accounts[i].token.user_id = pro;
            let new = self.accounts[i].id();
            self.rekeyed(id, &new);
        }
    }
}

/// `twin` folded into `kept`: the newer token (keyed as `kept`), the later
/// refresh, whichever profile came with the newer token.
fn fold(kept: &mut Account, twin: Account) {
    let key = kept.user_id().to_string();
    // The professional id wins as the key, whichever side knew it.
    let key = match (kept.professional_id(), twin.professional_id()) {
        (Some(p), _) | (None, Some(p)) => p.to_string(),
        (None, None) => key,
    };
    let twin_newer = twin.token.obtained_at > kept.token.obtained_at;
    if twin_newer {
        kept.token = twin.token;
        if twin.profile.is_some() {
            kept.profile = twin.profile;
        }
        if twin.rate_usage.is_some() {
            kept.rate_usage = twin.rate_usage;
        }
    } else if kept.profile.is_none() {
        kept.profile = twin.profile;
    }
    kept.last_refresh = match (kept.last_refresh.take(), twin.last_refresh) {
        (Some(a), Some(b)) => Some(if b.at > a.at { b } else { a }),
        (a, b) => a.or(b),
    };
    kept.token.user_id = key;
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::instagram::Profile;
    use crate::secret::Secret;
    use crate::store::{StoredToken, TokenKind};
    use time::macros::datetime;

    fn token(user: &str, value: &str, hour: i64) -> StoredToken {
        let at = datetime!(2026-12-01 12:00 UTC) + time::Duration::hours(hour);
        StoredToken {
            kind: TokenKind::Long,
            value: Secret::new(value),
            user_id: user.to_string(),
            permissions: vec![],
            obtained_at: at,
            expires_at: at + time::Duration::days(60),
        }
    }

    fn profile() -> Profile {
        Profile {
            id: Some("scoped".to_string()),
            user_id: Some("pro".to_string()),
            username: Some("jane".to_string()),
            ..Profile::default()
        }
    }

    #[test]
    fn the_exchanges_account_is_keyed_by_the_professional_id_once_the_profile_says_it() {
        let mut s = State::default();
        let id = s.record_authorization(token("scoped", "IGAAone", 0));
        let id = s.record_profile(&id, profile());
        assert_eq!(id.user_id, "pro");
        assert_eq!(s.active, Some(id.clone()));
        assert_eq!(s.active().map(Account::user_id), Some("pro"));
    }
}
