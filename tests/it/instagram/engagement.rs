//! Insights and comments through the client, against the fake over loopback
//! and on the stored responses from Meta's reference.

use instatui::fake::{FakeConfig, FakeInstagram};
use instatui::instagram::engagement::{
    self, ACCOUNT_METRICS, COMMENTS_SCOPE, INSIGHTS_SCOPE, InsightsState, parse_insights,
};
use instatui::instagram::{ApiError, Client, Endpoints, ErrorKind, Flavor};
use instatui::secret::Secret;
use std::path::PathBuf;
use std::time::Duration;

fn fixture(rel: &str) -> Vec<u8> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/instagram")
        .join(rel);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

async fn fake_and_client() -> (FakeInstagram, Client) {
    instatui::install_crypto_provider();
    let fake = FakeInstagram::start(FakeConfig::demo())
        .await
        .expect("fake starts");
    let client = Client::new(
        Flavor::InstagramLogin,
        Endpoints::single_base(&fake.base_url()),
    )
    .expect("client")
    .with_retry_delay(Duration::from_millis(1));
    (fake, client)
}

#[test]
fn the_reference_shapes_decode() {
    let media = parse_insights(&fixture("insights_media.json")).unwrap();
    assert_eq!(media.len(), 6);
    assert_eq!(media[0].name, "views");
    assert_eq!(media[0].value, Some(9214));
    assert_eq!(media[5].name, "ig_reels_avg_watch_time");
    assert!(
        parse_insights(&fixture("insights_empty.json"))
            .unwrap()
            .is_empty()
    );
    let account = parse_insights(&fixture("insights_account_total_value.json")).unwrap();
    assert_eq!(account[0].value, Some(2921));
    assert_eq!(account[1].period.as_deref(), Some("day"));
    let page: engagement::CommentPage =
        serde_json::from_slice(&fixture("comments_page_1.json")).unwrap();
    assert_eq!(page.data.len(), 3);
    assert_eq!(page.data[0].replies.len(), 1);
    assert_eq!(page.data[2].id.as_deref(), Some("17858893269000004"));
    assert_eq!(page.data[2].text, None);
    assert_eq!(page.next_cursor(), Some("QVFIUmZA"));
}

#[test]
fn not_enough_viewers_is_a_state_not_a_failure() {
    let err = ApiError::from_response(
        400,
        Some("application/json"),
        &fixture("error_graph_not_enough_viewers.json"),
    );
    assert_eq!(
        InsightsState::of(&err),
        Some(InsightsState::NotEnoughViewers)
    );
    let permission = ApiError::from_response(
        400,
        Some("application/json"),
        &fixture("error_graph_permission.json"),
    );
    assert_eq!(
        InsightsState::of(&permission),
        Some(InsightsState::MissingPermission)
    );
    let rate = ApiError::from_response(
        400,
        Some("application/json"),
        &fixture("error_graph_rate_limited.json"),
    );
    assert_eq!(InsightsState::of(&rate), None);
}

/// Instagram's states by Meta's code where its reference documents one (10
/// for "not enough viewers", the Graph API's 10 and 200–299 for a missing
/// permission), by words only for the album item it documents no code for,
/// and never for a rate limit, an expired token or an outage.
#[test]
fn instagrams_states_are_told_by_code_where_meta_documents_one() {
    let answer = |status: u16, code: i64, transient: bool, message: &str| {
        let body = serde_json::json!({"error": {
            "message": message, "type": "OAuthException", "code": code,
            "is_transient": transient, "fbtrace_id": "Axyz"
        }});
        InsightsState::of(&ApiError::from_response(
            status,
            Some("application/json"),
            body.to_string().as_bytes(),
        ))
    };
    let few = "(#10) Not enough viewers for the media to show insights";
    assert_eq!(
        answer(400, 10, false, few),
        Some(InsightsState::NotEnoughViewers)
    );
    // Code 10 with other words is the Graph API's "permission denied".
    assert_eq!(
        answer(
            400,
            10,
            false,
            "(#10) Application does not have permission for this action"
        ),
        Some(InsightsState::MissingPermission)
    );
    assert_eq!(
        answer(
            400,
            200,
            false,
            "(#200) Requires instagram_business_manage_insights permission"
        ),
        Some(InsightsState::MissingPermission)
    );
    // The documented words under another code are not the documented state.
    assert_eq!(
        answer(
            400,
            100,
            false,
            "(#100) Not enough viewers for the media to show insights"
        ),
        None
    );
    // No code is documented for album items: their words, on a refusal.
    let album = "(#10) Media Insights are not available for media within an album";
    assert_eq!(
        answer(400, 10, false, album),
        Some(InsightsState::AlbumItem)
    );
    assert_eq!(
        answer(
            400,
            100,
            false,
            "Insights data is not available for media within an Instagram Media album"
        ),
        Some(InsightsState::AlbumItem)
    );
    // A metric refused for an album as a whole is a failure, not an album item.
    assert_eq!(
        answer(
            400,
            100,
            false,
            "(#100) The Media Insights API does not support the shares metric for the CAROUSEL_ALBUM media product type"
        ),
        None
    );
    // An outage, a rate limit or a dead token is never a state, whatever its words.
    assert_eq!(
        answer(
            500,
            2,
            true,
            "(#2) Service temporarily unavailable for media within an album"
        ),
        None
    );
    assert_eq!(
        answer(
            400,
            4,
            false,
            "(#4) Application request limit reached: not enough viewers left"
        ),
        None
    );
    assert_eq!(
        answer(
            400,
            190,
            false,
            "Error validating access token: within an album session"
        ),
        None
    );
}

#[tokio::test]
async fn insights_comments_and_totals_from_the_fake() {
    let (fake, client) = fake_and_client().await;
    let all = format!("instagram_business_basic,{INSIGHTS_SCOPE},{COMMENTS_SCOPE}");
    let token = Secret::new(fake.control().issue_long_token(&all));
    let page = client.media_page(&token, "me", None, 12).await.unwrap();
    let first = &page.data[0];
    let metrics = engagement::media_metrics(first.media_product_type.as_deref());
    let numbers = client
        .media_insights(&token, &first.id, &metrics)
        .await
        .unwrap();
    assert_eq!(numbers.len(), metrics.len());
    assert!(numbers.iter().all(|i| i.value.is_some()));
    let reel = page
        .data
        .iter()
        .find(|m| m.media_product_type.as_deref() == Some("REELS"))
        .unwrap();
    let reel_numbers = client
        .media_insights(
            &token,
            &reel.id,
            &engagement::media_metrics(reel.media_product_type.as_deref()),
        )
        .await
        .unwrap();
    assert!(
        reel_numbers
            .iter()
            .any(|i| i.name == "ig_reels_avg_watch_time")
    );
    let few = client
        .media_insights(&token, &page.data[5].id, &metrics)
        .await
        .unwrap_err();
    assert_eq!(
        InsightsState::of(&few),
        Some(InsightsState::NotEnoughViewers)
    );
    let none_yet = client
        .media_insights(&token, &page.data[9].id, &metrics)
        .await
        .unwrap();
    assert!(none_yet.is_empty());

    let now = time::OffsetDateTime::now_utc().unix_timestamp();
    let week = client
        .account_insights(
            &token,
            "17841405793187218",
            ACCOUNT_METRICS,
            now - 7 * 86_400,
            now,
        )
        .await
        .unwrap();
    assert_eq!(week.len(), ACCOUNT_METRICS.len());
    assert!(week.iter().all(|i| i.value.unwrap_or(0) > 0));

    let comments = client
        .comments_page(&token, &page.data[1].id, None, 25)
        .await
        .unwrap();
    assert_eq!(comments.data.len(), 25);
    assert!(comments.data.iter().any(|c| !c.replies.is_empty()));
    let rest = client
        .comments_page(&token, &page.data[1].id, comments.next_cursor(), 25)
        .await
        .unwrap();
    assert_eq!(rest.data.len(), 8);
    assert_eq!(rest.next_cursor(), None);
}

#[tokio::test]
async fn without_the_scopes_the_calls_are_refused_as_permission() {
    let (fake, client) = fake_and_client().await;
    let token = Secret::new(fake.control().issue_long_token("instagram_business_basic"));
    let page = client.media_page(&token, "me", None, 1).await.unwrap();
    let id = &page.data[0].id;
    let err = client
        .media_insights(&token, id, &["reach"])
        .await
        .unwrap_err();
    assert_eq!(err.kind, ErrorKind::Permission);
    assert_eq!(
        InsightsState::of(&err),
        Some(InsightsState::MissingPermission)
    );
    let err = client
        .comments_page(&token, id, None, 25)
        .await
        .unwrap_err();
    assert_eq!(err.kind, ErrorKind::Permission);
}

#[tokio::test]
async fn the_profile_has_the_counts_and_name() {
    let (fake, client) = fake_and_client().await;
    let token = Secret::new(fake.control().issue_long_token("instagram_business_basic"));
    let me = client.profile(&token).await.unwrap();
    assert_eq!(me.followers_count, Some(1207));
    assert_eq!(me.follows_count, Some(180));
    assert_eq!(me.media_count, Some(64));
    assert_eq!(me.name.as_deref(), Some("Larch & Lake 🌲"));
    assert!(me.profile_picture_url.is_some());
}
