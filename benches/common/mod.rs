//! What the benches share: the captured media page and the one-account App they draw and
//! drive (a long-lived token, on the Feed screen, no posts yet), built one way for all.

use instatui::app::{App, Screen};
use instatui::secret::Secret;
use instatui::store::{Account, State, StoredToken, TokenKind};
use time::OffsetDateTime;
use time::macros::datetime;

/// A real `/me/media` page: the posts every bench cycles through.
pub(crate) const CAPTURED_PAGE: &str =
    include_str!("../../tests/fixtures/captured/user_medias_ok.json");

/// The benches' clock.
pub(crate) const NOW: OffsetDateTime = datetime!(2026-11-28 12:00 UTC);

/// One stored account with a long-lived token 59 days from expiry, active, and the App
/// opened on Feed with no posts; each bench sets the size, posts and flags it measures.
pub(crate) fn feed_app() -> App {
    let account = Account {
        app_id: None,
        token: StoredToken {
            kind: TokenKind::Long,
            value: Secret::new("IGAAbenchbenchbenchbenchbench"),
            user_id: "17841405793187218".into(),
            permissions: vec![],
            obtained_at: NOW,
            expires_at: NOW + time::Duration::days(59),
        },
        profile: None,
        last_refresh: None,
        rate_usage: None,
    };
    let state = State {
        active: Some(account.id()),
        accounts: vec![account],
        ..State::default()
    };
    let mut app = App::new(state, NOW, time::UtcOffset::UTC);
    app.screen = Screen::Feed;
    app
}
