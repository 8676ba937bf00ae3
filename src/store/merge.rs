//! Combining two writers' changes: what one process changed survives another's save.

use super::State;

/// A three-way merge by section: for each part of the state, a change this
/// writer made since `base` wins; otherwise what is on disk now stays. So a
/// token refreshed by cron survives the TUI saving a setting, and the TUI's
/// own changes still land.
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
        token: pick(&base.token, &ours.token, &disk.token),
        profile: pick(&base.profile, &ours.profile, &disk.profile),
        last_refresh: pick(&base.last_refresh, &ours.last_refresh, &disk.last_refresh),
        rate_usage: pick(&base.rate_usage, &ours.rate_usage, &disk.rate_usage),
        settings: pick(&base.settings, &ours.settings, &disk.settings),
        endpoints: pick(&base.endpoints, &ours.endpoints, &disk.endpoints),
        last_run: pick(&base.last_run, &ours.last_run, &disk.last_run),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::secret::Secret;
    use crate::store::{StoredToken, TokenKind};
    use time::macros::datetime;

    fn token(value: &str) -> StoredToken {
        let t = datetime!(2026-11-28 12:00 UTC);
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
}
