//! Combining two writers' changes: what one process changed survives another's save.

use super::{RefreshOutcome, State, StoredToken};

/// A three-way merge by section: for each part of the state, a change this
/// writer made since `base` wins; otherwise what is on disk now stays. So a
/// token refreshed by cron survives the TUI saving a setting, and the TUI's
/// own changes still land.
///
/// The token and the last refresh are judged by their own timestamps as
/// well: a snapshot taken before another process refreshed the token (the
/// TUI's, read a moment before a cron `refresh` wrote) never puts the older
/// token back, whatever the writer believes its base was.
pub fn three_way(base: &State, ours: &State, disk: &State) -> State {
    fn pick<T: Clone + PartialEq>(base: &T, ours: &T, disk: &T) -> T {
        if ours != base {
            ours.clone()
        } else {
            disk.clone()
        }
    }
    State {
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
    }
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
        let base = State {
            last_refresh: Some(at(0)),
            ..State::default()
        };
        let ours = State {
            last_refresh: Some(at(1)),
            ..State::default()
        };
        let disk = State {
            last_refresh: Some(at(2)),
            ..State::default()
        };
        assert_eq!(three_way(&base, &ours, &disk).last_refresh, Some(at(2)));
        assert_eq!(three_way(&base, &disk, &ours).last_refresh, Some(at(2)));
    }
}
