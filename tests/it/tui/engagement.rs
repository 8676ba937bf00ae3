//! The profile header, and the detail pane's insights and comments: fetched for the post in
//! view only (never in bulk), Instagram's states shown as states, comments sanitized; drawn at
//! 80×24 and 40×12.

use crate::common::tui::*;
use crossterm::event::KeyCode;
use instatui::app::{App, Effect, Msg};
use instatui::instagram::engagement::{CommentPage, Insight};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use time::Duration;

const ALL: [&str; 3] = [
    "instagram_business_basic",
    "instagram_business_manage_insights",
    "instagram_business_manage_comments",
];

fn granted_state() -> instatui::store::State {
    let mut token = long_token(Duration::days(2), Duration::days(58));
    token.permissions = ALL.iter().map(|s| s.to_string()).collect();
    let mut profile = profile();
    profile.name = Some("Larch & Lake 🌲".into());
    profile.followers_count = Some(12_345);
    profile.follows_count = Some(180);
    state_of(Some(app_config()), token, Some(profile))
}

/// On Feed with posts 0..5 and the first page answered.
fn on_feed(state: instatui::store::State) -> (App, Vec<Effect>) {
    let mut app = app_with(state);
    let mut effects = send(&mut app, [key('4')]);
    let generation = app.feed.loading.expect("loading");
    effects.extend(send(
        &mut app,
        [Msg::FeedPage {
            generation,
            after: None,
            result: Ok(page(0..5, None)),
        }],
    ));
    (app, effects)
}

fn insights_asked(effects: &[Effect]) -> Vec<String> {
    effects
        .iter()
        .filter_map(|e| match e {
            Effect::FetchInsights { post_id, .. } => Some(post_id.clone()),
            _ => None,
        })
        .collect()
}

fn comments_asked(effects: &[Effect]) -> Vec<(String, Option<String>)> {
    effects
        .iter()
        .filter_map(|e| match e {
            Effect::FetchComments { post_id, after, .. } => Some((post_id.clone(), after.clone())),
            _ => None,
        })
        .collect()
}

fn numbers() -> Vec<Insight> {
    serde_json::from_value(serde_json::json!([
        {"name": "views", "period": "lifetime", "values": [{"value": 18_402}]},
        {"name": "reach", "period": "lifetime", "values": [{"value": 9_214}]},
        {"name": "saved", "period": "lifetime", "values": [{"value": 47}]},
        {"name": "shares", "period": "lifetime", "values": [{"value": 31}]},
        {"name": "total_interactions", "period": "lifetime", "values": [{"value": 491}]},
    ]))
    .unwrap()
}

fn comments(next: Option<&str>) -> CommentPage {
    let mut page = serde_json::json!({
        "data": [
            {"id": "1", "text": "Wow, the light here 😍", "username": "alpine.anna",
             "timestamp": "2026-11-01T11:00:00+0000", "like_count": 4,
             "replies": {"data": [{"id": "2", "text": "Thank you!", "username": "larch_and_lake",
                                   "timestamp": "2026-11-01T12:00:00+0000"}]}},
            {"id": "3", "text": "\u{1b}[31mred alert\u{1b}[0m\u{7} stunning", "username": "trail\u{1b}]0;x\u{7}mix",
             "timestamp": "2026-11-01T13:00:00+0000"},
        ]
    });
    if let Some(after) = next {
        page["paging"] = serde_json::json!({"cursors": {"after": after}, "next": "https://graph.instagram.com/x"});
    }
    serde_json::from_value(page).unwrap()
}

fn screen(app: &App, width: u16, height: u16) -> Terminal<TestBackend> {
    let mut app = app.clone();
    let now = app.now;
    instatui::app::update(&mut app, Msg::Resize(width, height), now);
    let mut terminal = Terminal::new(TestBackend::new(width, height)).unwrap();
    terminal.draw(|f| instatui::ui::render(&app, f)).unwrap();
    terminal
}

fn text_of(terminal: &Terminal<TestBackend>) -> String {
    let buffer = terminal.backend().buffer();
    buffer.content().iter().map(|c| c.symbol()).collect()
}

#[test]
fn enter_asks_for_the_selected_posts_numbers_and_comments_only() {
    let (mut app, opened) = on_feed(granted_state());
    // The account's totals, once; no post's numbers before a post is looked at.
    assert!(
        opened
            .iter()
            .any(|e| matches!(e, Effect::FetchTotals { .. }))
    );
    assert!(insights_asked(&opened).is_empty());
    let effects = send(&mut app, [code(KeyCode::Enter)]);
    let id = app.feed.selected_media().unwrap().id.clone();
    assert_eq!(insights_asked(&effects), vec![id.clone()]);
    assert_eq!(comments_asked(&effects), vec![(id.clone(), None)]);
    // Asked once: opening again asks nothing more.
    let again = send(&mut app, [code(KeyCode::Esc), code(KeyCode::Enter)]);
    assert!(insights_asked(&again).is_empty());
    assert!(comments_asked(&again).is_empty());
}

#[test]
fn moving_through_posts_asks_only_for_the_one_the_selection_rests_on() {
    let (mut app, _) = on_feed(granted_state());
    send(&mut app, [code(KeyCode::Enter)]);
    // A held j: no call for the posts passed over.
    let passing = send(&mut app, [key('j'), key('j'), key('j')]);
    assert!(insights_asked(&passing).is_empty(), "{passing:?}");
    let rested = send_at(&mut app, [Msg::Tick], NOW + Duration::seconds(1));
    let id = app.feed.selected_media().unwrap().id.clone();
    assert_eq!(insights_asked(&rested), vec![id]);
    // Closed details ask for nothing.
    send(&mut app, [code(KeyCode::Esc), key('j')]);
    let closed = send_at(&mut app, [Msg::Tick], NOW + Duration::seconds(5));
    assert!(insights_asked(&closed).is_empty());
}

#[test]
fn numbers_and_comments_are_drawn_sanitized_and_paged() {
    let (mut app, _) = on_feed(granted_state());
    send(&mut app, [code(KeyCode::Enter)]);
    let id = app.feed.selected_media().unwrap().id.clone();
    send(
        &mut app,
        [
            Msg::InsightsFetched {
                post_id: id.clone(),
                result: Ok(numbers()),
            },
            Msg::CommentsFetched {
                post_id: id.clone(),
                after: None,
                result: Ok(comments(Some("C2"))),
            },
        ],
    );
    for (w, h) in [(80, 24), (40, 12)] {
        let terminal = screen(&app, w, h);
        let text = text_of(&terminal);
        assert!(
            !text.contains('\u{1b}') && !text.contains('\u{7}'),
            "{text}"
        );
        insta::assert_snapshot!(
            format!("feed_insights_comments@{w}x{h}"),
            terminal.backend()
        );
    }
    let terminal = screen(&app, 120, 40);
    let text = text_of(&terminal);
    assert!(text.contains("18.4k views"), "{text}");
    assert!(text.contains("9214 reach"), "{text}");
    assert!(text.contains("1 reply"), "{text}");
    assert!(text.contains("12.3k followers"), "{text}");
    // r shows the replies; m asks for the next page, after the cursor.
    send(&mut app, [key('r')]);
    assert!(text_of(&screen(&app, 120, 40)).contains("Thank you!"));
    let more = send(&mut app, [key('m')]);
    assert_eq!(comments_asked(&more), vec![(id.clone(), Some("C2".into()))]);
    send(
        &mut app,
        [Msg::CommentsFetched {
            post_id: id.clone(),
            after: Some("C2".into()),
            result: Ok(comments(None)),
        }],
    );
    assert!(text_of(&screen(&app, 120, 40)).contains("4 shown"));
}

#[test]
fn instagrams_states_are_shown_as_states() {
    let (mut app, _) = on_feed(granted_state());
    send(&mut app, [code(KeyCode::Enter)]);
    let id = app.feed.selected_media().unwrap().id.clone();
    send(
        &mut app,
        [Msg::InsightsFetched {
            post_id: id.clone(),
            result: Err(fixture_error(400, "error_graph_not_enough_viewers.json")),
        }],
    );
    let text = text_of(&screen(&app, 120, 40));
    assert!(text.contains("no numbers for this post"), "{text}");
    assert!(!text.contains("did not load"), "{text}");
    assert!(
        app.status.is_none(),
        "a state, not an error: {:?}",
        app.status
    );
    // An empty set: not computed yet.
    send(&mut app, [key('j')]);
    send_at(&mut app, [Msg::Tick], NOW + Duration::seconds(1));
    let next = app.feed.selected_media().unwrap().id.clone();
    send(
        &mut app,
        [Msg::InsightsFetched {
            post_id: next,
            result: Ok(Vec::new()),
        }],
    );
    assert!(text_of(&screen(&app, 120, 40)).contains("48 h"));
}

#[test]
fn without_the_scopes_nothing_is_asked_and_the_pane_says_how_to_opt_in() {
    let (mut app, opened) = on_feed(state_authorized());
    assert!(
        !opened
            .iter()
            .any(|e| matches!(e, Effect::FetchTotals { .. }))
    );
    let effects = send(&mut app, [code(KeyCode::Enter)]);
    assert!(insights_asked(&effects).is_empty());
    assert!(comments_asked(&effects).is_empty());
    let text = text_of(&screen(&app, 120, 40));
    assert!(text.contains("not granted (opt in"), "{text}");
}

#[test]
fn the_header_shows_the_totals_when_granted() {
    let (mut app, opened) = on_feed(granted_state());
    assert!(
        opened
            .iter()
            .any(|e| matches!(e, Effect::FetchTotals { .. }))
    );
    let week: Vec<Insight> = serde_json::from_value(serde_json::json!([
        {"name": "reach", "total_value": {"value": 2_921}},
        {"name": "views", "total_value": {"value": 11_802}},
    ]))
    .unwrap();
    let month: Vec<Insight> = serde_json::from_value(serde_json::json!([
        {"name": "reach", "total_value": {"value": 12_500}},
        {"name": "views", "total_value": {"value": 51_000}},
    ]))
    .unwrap();
    send(
        &mut app,
        [Msg::TotalsFetched {
            user_id: USER_ID.into(),
            result: Ok((week, month)),
        }],
    );
    let text = text_of(&screen(&app, 120, 30));
    assert!(text.contains("7 d: 2921 reach, 11.8k views"), "{text}");
    assert!(text.contains("30 d: 12.5k reach, 51k views"), "{text}");
    insta::assert_snapshot!("feed_profile_header@80x24", screen(&app, 80, 24).backend());
    insta::assert_snapshot!("feed_profile_header@40x12", screen(&app, 40, 12).backend());
}

#[test]
fn adding_a_scope_on_credentials_says_the_token_lacks_it_and_offers_authorize() {
    let mut app = app_with(state_authorized());
    send(&mut app, [key('1'), key('s')]);
    assert!(
        !status_text(&app).contains("granted without"),
        "unchanged scopes: nothing to say"
    );

    app.credentials
        .scopes
        .set("instagram_business_basic,instagram_business_manage_insights");
    send(&mut app, [key('s')]);
    let said = "@larch_and_lake's token was granted without instagram_business_manage_insights: authorize again to get it (2 goes to Authorize)";
    let status = status_text(&app);
    assert!(status.contains(said), "{status}");
    // The line stays on Credentials under Scopes until a new authorize grants it.
    let text = text_of(&screen(&app, 200, 30));
    assert!(text.contains(&format!("⚠ {said}")), "{text}");
    send(&mut app, [key('2')]);
    assert_eq!(app.screen, instatui::app::Screen::Authorize);
}
