//! Combining two writers' changes: what one process changed survives another's save.

use super::{Account, RefreshOutcome, State, StoredToken};

/// A three-way merge by section: for each part of the state, a change this
/// writer made since `base` wins; otherwise what is on disk now stays. So a
/// token refreshed by cron survives the TUI saving a setting, and the TUI's
/// own changes still land.
///
/// The token and the last refresh are judged by their own timestamps as
/// well: a snapshot taken before another process refreshed the token (the
/// TUI's, read a moment before a cron `refresh` wrote) never puts the older
/// token back, whatever the writer believes its base was.
pub(crate) fn three_way(base: &State, ours: &State, disk: &State) -> State {
    let disk_active = disk.active_account();
    let disk_changed_active = disk_active != base.active_account();
    // Which account is active is itself a change: ours if we switched,
    // else the disk's. The three are then laid out alike, so that the top
    // level compares one account's token with the same account's.
    let active = if ours.active_user_id() != base.active_user_id() {
        ours.active_user_id()
    } else {
        disk.active_user_id()
    };
    let base = base.arranged_for(active);
    let ours = ours.arranged_for(active);
    let disk = disk.arranged_for(active);
    let mut merged = State {
        version: ours.version,
        app: pick(&base.app, &ours.app, &disk.app),
        pending_authorization: pick(
            &base.pending_authorization,
            &ours.pending_authorization,
            &disk.pending_authorization,
        ),
        token: newer_token(&base.token, &ours.token, &disk.token),
        profile: pick(&base.profile, &ours.profile, &disk.profile),
        last_refresh: newer_refresh(&base.last_refresh, &ours.last_refresh, &disk.last_refresh),
        rate_usage: pick(&base.rate_usage, &ours.rate_usage, &disk.rate_usage),
        settings: pick(&base.settings, &ours.settings, &disk.settings),
        endpoints: pick(&base.endpoints, &ours.endpoints, &disk.endpoints),
        last_run: pick(&base.last_run, &ours.last_run, &disk.last_run),
        handoffs: crate::handoff::merge(&base.handoffs, &ours.handoffs, &disk.handoffs),
        accounts: by_key(
            &base.accounts,
            &ours.accounts,
            &disk.accounts,
            Account::user_id,
            merge_account,
        ),
        apps: by_key(&base.apps, &ours.apps, &disk.apps, |a| &a.app_id, pick_item),
    };
    if let Some(id) = merged.active_user_id().map(str::to_string) {
        merged.accounts.retain(|a| a.user_id() != id);
    }
    // We left no account active (logged out), while another process made
    // one active since: that one is what the user did last.
    if merged.token.is_none()
        && disk_changed_active
        && let Some(id) = disk_active.as_ref().map(|a| a.user_id().to_string())
    {
        merged.switch_account(&id);
    }
    merged
}

/// Our token when we changed it, unless the one on disk was obtained later:
/// tokens are only ever obtained "now", so a later `obtained_at` is the newer
/// token. Dropping the token wins over the token it dropped, not over one
/// obtained since.
fn newer_token(
    base: &Option<StoredToken>,
    ours: &Option<StoredToken>,
    disk: &Option<StoredToken>,
) -> Option<StoredToken> {
    if ours == base || ours == disk {
        return disk.clone();
    }
    match (ours, disk) {
        (Some(o), Some(d)) if d.obtained_at > o.obtained_at => disk.clone(),
        (None, Some(_)) if disk != base => disk.clone(),
        _ => ours.clone(),
    }
}

/// The same rule for the outcome of the last refresh, by its time.
fn newer_refresh(
    base: &Option<RefreshOutcome>,
    ours: &Option<RefreshOutcome>,
    disk: &Option<RefreshOutcome>,
) -> Option<RefreshOutcome> {
    if ours == base || ours == disk {
        return disk.clone();
    }
    match (ours, disk) {
        (Some(o), Some(d)) if d.at > o.at => disk.clone(),
        (None, Some(_)) if disk != base => disk.clone(),
        _ => ours.clone(),
    }
}

fn pick<T: Clone + PartialEq>(base: &T, ours: &T, disk: &T) -> T {
    if ours != base {
        ours.clone()
    } else {
        disk.clone()
    }
}

fn pick_item<T: Clone + PartialEq>(
    base: Option<&T>,
    ours: Option<&T>,
    disk: Option<&T>,
) -> Option<T> {
    if ours != base {
        ours.cloned()
    } else {
        disk.cloned()
    }
}

/// An account both sides kept is merged part by part, like the active one.
fn merge_account(
    base: Option<&Account>,
    ours: Option<&Account>,
    disk: Option<&Account>,
) -> Option<Account> {
    let (Some(b), Some(o), Some(d)) = (base, ours, disk) else {
        // Removing an account wins over that account only, as dropping the
        // token does: one refreshed or authorized elsewhere since stays.
        if ours.is_none() && disk.is_some() && disk != base {
            return disk.cloned();
        }
        return pick_item(base, ours, disk);
    };
    let token = |a: &Account| Some(a.token.clone());
    Some(Account {
        app_id: pick(&b.app_id, &o.app_id, &d.app_id),
        token: newer_token(&token(b), &token(o), &token(d)).unwrap_or_else(|| o.token.clone()),
        profile: pick(&b.profile, &o.profile, &d.profile),
        last_refresh: newer_refresh(&b.last_refresh, &o.last_refresh, &d.last_refresh),
        rate_usage: pick(&b.rate_usage, &o.rate_usage, &d.rate_usage),
    })
}

/// Lists merged item by item under `key`: one added, removed or changed on
/// our side wins over the disk's, every other stays as on disk. The disk's
/// order first, then what only we have.
fn by_key<T: Clone>(
    base: &[T],
    ours: &[T],
    disk: &[T],
    key: impl Fn(&T) -> &str,
    merge: impl Fn(Option<&T>, Option<&T>, Option<&T>) -> Option<T>,
) -> Vec<T> {
    let find = |list: &'_ [T], k: &str| list.iter().find(|t| key(t) == k).cloned();
    let mut keys: Vec<String> = Vec::new();
    for item in disk.iter().chain(ours).chain(base) {
        let k = key(item).to_string();
        if !keys.contains(&k) {
            keys.push(k);
        }
    }
    keys.iter()
        .filter_map(|k| {
            merge(
                find(base, k).as_ref(),
                find(ours, k).as_ref(),
                find(disk, k).as_ref(),
            )
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::secret::Secret;
    use crate::store::{StoredToken, TokenKind};
    use time::macros::datetime;

    fn token(value: &str) -> StoredToken {
        token_at(value, 0)
    }

    /// A token obtained `hours` after noon.
    fn token_at(value: &str, hours: i64) -> StoredToken {
        let t = datetime!(2026-11-28 12:00 UTC) + time::Duration::hours(hours);
        StoredToken {
            kind: TokenKind::Long,
            value: Secret::new(value),
            user_id: "1".into(),
            permissions: vec![],
            obtained_at: t,
            expires_at: t + time::Duration::days(60),
        }
    }

    #[test]
    fn each_writer_keeps_what_it_changed() {
        let base = State {
            token: Some(token("old")),
            ..State::default()
        };
        // Cron refreshed the token on disk; the TUI switched auto-refresh on.
        let disk = State {
            token: Some(token("refreshed-by-cron")),
            ..base.clone()
        };
        let mut ours = base.clone();
        ours.settings.auto_refresh = true;
        let merged = three_way(&base, &ours, &disk);
        assert_eq!(merged.token, Some(token("refreshed-by-cron")));
        assert!(merged.settings.auto_refresh);
    }

    #[test]
    fn our_change_wins_where_both_changed() {
        let base = State::default();
        let ours = State {
            token: Some(token("ours")),
            ..State::default()
        };
        let disk = State {
            token: Some(token("theirs")),
            ..State::default()
        };
        assert_eq!(three_way(&base, &ours, &disk).token, Some(token("ours")));
    }

    fn with_token(t: Option<StoredToken>) -> State {
        State {
            token: t,
            ..State::default()
        }
    }

    #[test]
    fn a_stale_snapshot_never_puts_an_older_token_back() {
        // The writer's base already held cron's token (read just after cron
        // wrote); the TUI's snapshot still holds the one before it.
        let old = Some(token_at("old", 0));
        let cron = Some(token_at("refreshed-by-cron", 1));
        let merged = three_way(
            &with_token(cron.clone()),
            &with_token(old.clone()),
            &with_token(cron.clone()),
        );
        assert_eq!(merged.token, cron);
        // Both changed it: the later one wins, whichever side it is on.
        let tui = Some(token_at("refreshed-by-the-tui", 2));
        let base = with_token(old.clone());
        assert_eq!(
            three_way(&base, &with_token(tui.clone()), &with_token(cron.clone())).token,
            tui
        );
        assert_eq!(
            three_way(&base, &with_token(cron.clone()), &with_token(tui.clone())).token,
            tui
        );
    }

    #[test]
    fn dropping_the_token_wins_over_that_token_only() {
        let old = Some(token_at("old", 0));
        let base = with_token(old.clone());
        assert_eq!(three_way(&base, &with_token(None), &base).token, None);
        let newer = Some(token_at("authorized-elsewhere", 1));
        assert_eq!(
            three_way(&base, &with_token(None), &with_token(newer.clone())).token,
            newer
        );
    }

    #[test]
    fn the_later_refresh_outcome_is_kept() {
        let at = |h: i64| RefreshOutcome {
            at: datetime!(2026-11-28 12:00 UTC) + time::Duration::hours(h),
            ok: h % 2 == 0,
            message: None,
        };
        // Outcomes belong to an account (schema 3): the same one in all three.
        let base = State {
            last_refresh: Some(at(0)),
            ..with_token(Some(token("t")))
        };
        let ours = State {
            last_refresh: Some(at(1)),
            ..with_token(Some(token("t")))
        };
        let disk = State {
            last_refresh: Some(at(2)),
            ..with_token(Some(token("t")))
        };
        assert_eq!(three_way(&base, &ours, &disk).last_refresh, Some(at(2)));
        assert_eq!(three_way(&base, &disk, &ours).last_refresh, Some(at(2)));
    }

    fn user_token(user: &str, value: &str) -> StoredToken {
        StoredToken {
            user_id: user.into(),
            ..token(value)
        }
    }

    /// Users 1 (active) and 2, under no app.
    fn two_accounts() -> State {
        let mut s = State::default();
        s.record_authorization(user_token("2", "two"));
        s.record_authorization(user_token("1", "one"));
        s
    }

    fn value_of(s: &State, user: &str) -> String {
        s.all_accounts()
            .iter()
            .find(|a| a.user_id() == user)
            .map(|a| a.token.value.expose().to_string())
            .unwrap_or_default()
    }

    /// What a cron `refresh --all` leaves on disk: every account refreshed.
    fn refreshed_by_cron(base: &State) -> State {
        let mut disk = base.clone();
        for user in ["1", "2"] {
            let fresh = user_token(user, &format!("cron-{user}"));
            disk.update_account(user, |a| a.record_refresh(Ok(fresh), fresh_at()));
        }
        disk
    }

    fn fresh_at() -> time::OffsetDateTime {
        datetime!(2026-12-01 04:17 UTC)
    }

    #[test]
    fn a_cron_refresh_of_every_account_survives_a_tui_setting() {
        let base = two_accounts();
        let disk = refreshed_by_cron(&base);
        let mut ours = base.clone();
        ours.settings.auto_refresh = true;
        let merged = three_way(&base, &ours, &disk);
        assert_eq!(value_of(&merged, "1"), "cron-1");
        assert_eq!(value_of(&merged, "2"), "cron-2");
        assert_eq!(merged.active_user_id(), Some("1"));
        assert!(merged.settings.auto_refresh);
    }

    #[test]
    fn the_tui_on_another_account_and_cron_both_keep_their_changes() {
        let base = two_accounts();
        let disk = refreshed_by_cron(&base);
        // Meanwhile the TUI switched to account 2 and refreshed it itself.
        let mut ours = base.clone();
        ours.switch_account("2");
        ours.record_refresh(Ok(user_token("2", "tui-2")), fresh_at());
        let merged = three_way(&base, &ours, &disk);
        assert_eq!(merged.active_user_id(), Some("2"));
        assert_eq!(value_of(&merged, "2"), "tui-2");
        assert_eq!(value_of(&merged, "1"), "cron-1");
        assert_eq!(merged.all_accounts().len(), 2);
    }

    #[test]
    fn an_account_removed_in_the_tui_stays_removed_and_one_added_by_cli_stays() {
        let base = two_accounts();
        let mut disk = base.clone();
        let fresh = user_token("1", "cron-1");
        disk.update_account("1", |a| a.record_refresh(Ok(fresh), fresh_at()));
        disk.park_active();
        disk.record_authorization(user_token("3", "three"));
        disk.switch_account("1");
        let mut ours = base.clone();
        ours.remove_account("2");
        let merged = three_way(&base, &ours, &disk);
        let mut ids: Vec<String> = merged
            .all_accounts()
            .iter()
            .map(|a| a.user_id().to_string())
            .collect();
        ids.sort();
        assert_eq!(ids, ["1", "3"]);
        assert_eq!(value_of(&merged, "1"), "cron-1");
        assert_eq!(merged.active_user_id(), Some("1"));
        // Had cron refreshed account 2 meanwhile, its new token would stay.
        let merged = three_way(&base, &ours, &refreshed_by_cron(&base));
        assert_eq!(value_of(&merged, "2"), "cron-2");
    }
}
