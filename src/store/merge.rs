//! Combining two writers' changes: what one process changed survives another's save.

use super::{Account, AccountId, RefreshOutcome, State, StoredToken};

/// A three-way merge by section: for each part of the state, a change this
/// writer made since `base` wins; otherwise what is on disk now stays. So a
/// token refreshed by cron survives the TUI saving a setting, and the TUI's
/// own changes still land.
///
/// Accounts and apps are merged one by one, by identity: an account one
/// side removed stays removed (unless the other side refreshed or
/// authorized it since), one added on either side appears, and each
/// account's token and last refresh are judged by their own timestamps as
/// well: a snapshot taken before another process refreshed the token (the
/// TUI's, read a moment before a cron `refresh` wrote) never puts the older
/// token back, whatever the writer believes its base was. The active
/// account is the one the last writer chose.
pub(crate) fn three_way(base: &State, ours: &State, disk: &State) -> State {
    let accounts = by_key(
        &base.accounts,
        &ours.accounts,
        &disk.accounts,
        Account::id,
        merge_account,
    );
    let exists = |id: &AccountId| accounts.iter().any(|a| a.is(id));
    // Which account is active is itself a change: ours if we switched
    // (unless to none while the disk's changed too: that one is what the
    // user did last), else the disk's; never one that no longer exists.
    let ours_switched = ours.active != base.active;
    let disk_switched = disk.active != base.active;
    // We logged out (removing the active account) but the other side
    // obtained a new token for it since: that account stays, and active.
    let dropped_but_kept = base
        .active
        .as_ref()
        .is_some_and(|id| ours.account(id).is_none() && exists(id));
    let to_none_lost = ours.active.is_none() && (disk_switched || dropped_but_kept);
    let (chosen, other) = if ours_switched && !to_none_lost {
        (&ours.active, &disk.active)
    } else {
        (&disk.active, &ours.active)
    };
    // One chosen but removed by the other side: the other side's choice.
    let active = match chosen {
        Some(id) if exists(id) => Some(id.clone()),
        Some(_) => other.clone().filter(|id| exists(id)),
        None => None,
    };
    let current_app = match &active {
        Some(id) => id.app_id.clone(),
        None => pick(&base.current_app, &ours.current_app, &disk.current_app),
    };
    let handoffs = crate::handoff::merge(&base.handoffs, &ours.handoffs, &disk.handoffs);
    // Whichever writer gave out more ids: none is given twice.
    let next_handoff_id = ours
        .next_handoff_id
        .max(disk.next_handoff_id)
        .max(crate::handoff::past_every_id(&handoffs));
    State {
        version: ours.version,
        apps: by_key(
            &base.apps,
            &ours.apps,
            &disk.apps,
            |a| a.app_id.clone(),
            pick_item,
        ),
        current_app,
        accounts,
        active,
        pending_authorization: pick(
            &base.pending_authorization,
            &ours.pending_authorization,
            &disk.pending_authorization,
        ),
        rate_usage: pick(&base.rate_usage, &ours.rate_usage, &disk.rate_usage),
        settings: pick(&base.settings, &ours.settings, &disk.settings),
        endpoints: pick(&base.endpoints, &ours.endpoints, &disk.endpoints),
        last_run: pick(&base.last_run, &ours.last_run, &disk.last_run),
        handoffs,
        next_handoff_id,
    }
}

/// Our token when we changed it, unless the one on disk was obtained later:
/// tokens are only ever obtained "now", so a later `obtained_at` is the newer
/// token. Times are kept to the second, so two refreshes within one second
/// tie: then the disk's wins when it changed since our base (another
/// process wrote it, maybe after our copy was taken), ours when it did not
/// (our own exchange of a short-lived token for a long-lived one, within
/// the same second). Dropping the token wins over the token it dropped, not
/// over one obtained since.
fn newer_token(
    base: &Option<StoredToken>,
    ours: &Option<StoredToken>,
    disk: &Option<StoredToken>,
) -> Option<StoredToken> {
    if ours == base || ours == disk {
        return disk.clone();
    }
    match (ours, disk) {
        (Some(o), Some(d)) if disk_is_newer(o.obtained_at, d.obtained_at, disk != base) => {
            disk.clone()
        }
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
        (Some(o), Some(d)) if disk_is_newer(o.at, d.at, disk != base) => disk.clone(),
        (None, Some(_)) if disk != base => disk.clone(),
        _ => ours.clone(),
    }
}

/// The disk's is the newer: obtained later, or in the same second when
/// the disk changed since our base (the disk wins a tie).
fn disk_is_newer(
    ours: time::OffsetDateTime,
    disk: time::OffsetDateTime,
    disk_changed: bool,
) -> bool {
    disk > ours || (disk == ours && disk_changed)
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

/// An account both sides kept is merged part by part.
fn merge_account(
    base: Option<&Account>,
    ours: Option<&Account>,
    disk: Option<&Account>,
) -> Option<Account> {
    let (Some(b), Some(o), Some(d)) = (base, ours, disk) else {
        return match (base, ours, disk) {
            // Removing an account wins over that account, as dropping the
            // token does, but not over a token obtained since (refreshed or
            // authorized again on the side that kept it).
            (Some(b), Some(kept), None) | (Some(b), None, Some(kept)) => {
                (kept.token.obtained_at > b.token.obtained_at).then(|| kept.clone())
            }
            _ => pick_item(base, ours, disk),
        };
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
fn by_key<T: Clone, K: PartialEq>(
    base: &[T],
    ours: &[T],
    disk: &[T],
    key: impl Fn(&T) -> K,
    merge: impl Fn(Option<&T>, Option<&T>, Option<&T>) -> Option<T>,
) -> Vec<T> {
    let find = |list: &'_ [T], k: &K| list.iter().find(|t| key(t) == *k).cloned();
    let mut keys: Vec<K> = Vec::new();
    for item in disk.iter().chain(ours).chain(base) {
        let k = key(item);
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
    use crate::store::{AccountId, StoredToken, TokenKind};
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
        let base = with_token(Some(token("old")));
        // Cron refreshed the token on disk; the TUI switched auto-refresh on.
        let disk = with_token(Some(token("refreshed-by-cron")));
        let mut ours = base.clone();
        ours.settings.auto_refresh = true;
        let merged = three_way(&base, &ours, &disk);
        assert_eq!(merged.token(), Some(&token("refreshed-by-cron")));
        assert!(merged.settings.auto_refresh);
    }

    #[test]
    fn our_change_wins_where_both_changed() {
        let base = State::default();
        let ours = with_token(Some(token_at("ours", 1)));
        let disk = with_token(Some(token("theirs")));
        assert_eq!(
            three_way(&base, &ours, &disk).token(),
            Some(&token_at("ours", 1))
        );
        let mut ours = base.clone();
        ours.settings.images = Some("kitty".into());
        let mut disk = base.clone();
        disk.settings.images = Some("off".into());
        assert_eq!(three_way(&base, &ours, &disk).settings, ours.settings);
    }

    #[test]
    fn two_refreshes_within_one_second_then_a_tui_save_keep_the_newest_token() {
        // The TUI started with `old`, then took in refresh A's token; refresh
        // B wrote its own in the same second (times are kept to the second).
        let old = Some(token_at("old", 0));
        let first = Some(token_at("refresh-a", 1));
        let second = Some(token_at("refresh-b", 1));
        let base = with_token(old.clone());
        let merged = three_way(
            &base,
            &with_token(first.clone()),
            &with_token(second.clone()),
        );
        assert_eq!(
            tok(&merged),
            second,
            "was: the TUI's save put refresh A's token back over B's"
        );
        // A tie with a disk nobody else changed is ours: a short-lived
        // token exchanged for a long-lived one within the same second.
        let short = Some(StoredToken {
            kind: TokenKind::Short,
            ..token_at("short", 1)
        });
        let base = with_token(short.clone());
        let merged = three_way(&base, &with_token(first.clone()), &base);
        assert_eq!(tok(&merged), first);
        // The outcomes of the refreshes, by the same rule.
        let outcome = |ok: bool| {
            let mut s = with_token(second.clone());
            if let Some(a) = s.active_mut() {
                a.last_refresh = Some(RefreshOutcome {
                    at: datetime!(2026-11-28 13:00 UTC),
                    ok,
                    message: None,
                });
            }
            s
        };
        let merged = three_way(&with_token(second.clone()), &outcome(true), &outcome(false));
        assert_eq!(
            merged.accounts[0].last_refresh,
            outcome(false).accounts[0].last_refresh
        );
    }

    /// User 1's account, active, under no app (or none at all).
    fn with_token(t: Option<StoredToken>) -> State {
        let mut s = State::default();
        if let Some(t) = t {
            s.record_authorization(t);
        }
        s
    }

    fn tok(s: &State) -> Option<StoredToken> {
        s.token().cloned()
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
        assert_eq!(tok(&merged), cron);
        // Both changed it: the later one wins, whichever side it is on.
        let tui = Some(token_at("refreshed-by-the-tui", 2));
        let base = with_token(old.clone());
        assert_eq!(
            tok(&three_way(
                &base,
                &with_token(tui.clone()),
                &with_token(cron.clone())
            )),
            tui
        );
        assert_eq!(
            tok(&three_way(
                &base,
                &with_token(cron.clone()),
                &with_token(tui.clone())
            )),
            tui
        );
    }

    #[test]
    fn dropping_the_token_wins_over_that_token_only() {
        let old = Some(token_at("old", 0));
        let base = with_token(old.clone());
        assert_eq!(tok(&three_way(&base, &with_token(None), &base)), None);
        let newer = Some(token_at("authorized-elsewhere", 1));
        assert_eq!(
            tok(&three_way(
                &base,
                &with_token(None),
                &with_token(newer.clone())
            )),
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
        let refreshed_at = |h: i64| {
            let mut s = with_token(Some(token("t")));
            if let Some(a) = s.active_mut() {
                a.last_refresh = Some(at(h));
            }
            s
        };
        let (base, ours, disk) = (refreshed_at(0), refreshed_at(1), refreshed_at(2));
        let last = |s: &State| s.last_refresh().cloned();
        assert_eq!(last(&three_way(&base, &ours, &disk)), Some(at(2)));
        assert_eq!(last(&three_way(&base, &disk, &ours)), Some(at(2)));
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
            let fresh = StoredToken {
                obtained_at: fresh_at(),
                ..user_token(user, &format!("cron-{user}"))
            };
            disk.record_refresh(&id(user), Ok(fresh), fresh_at());
        }
        disk
    }

    fn id(user: &str) -> AccountId {
        AccountId {
            app_id: None,
            user_id: user.to_string(),
        }
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
        ours.switch_account(&id("2"));
        // A minute after cron's.
        let later = fresh_at() + time::Duration::minutes(1);
        let tui = StoredToken {
            obtained_at: later,
            ..user_token("2", "tui-2")
        };
        ours.record_refresh(&id("2"), Ok(tui), later);
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
        disk.record_refresh(&id("1"), Ok(fresh), fresh_at());
        disk.record_authorization(user_token("3", "three"));
        disk.switch_account(&id("1"));
        let mut ours = base.clone();
        ours.remove_account(&id("2"));
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
