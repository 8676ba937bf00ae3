//! The Instagram client against the embedded fake over loopback: the whole
//! flow, every error a user meets, retries and their limits.

use instatui::fake::{
    Consent, DEMO_APP_ID, DEMO_APP_SECRET, DEMO_REDIRECT_URI, DEMO_USER_ID, DEMO_USERNAME,
    FakeConfig, FakeControl, FakeInstagram, Fault, TokenShape,
};
use instatui::instagram::authorize::{AuthorizeRequest, authorize_url, new_nonce};
use instatui::instagram::paste::{PasteError, parse_paste};
use instatui::instagram::{ApiError, Client, Endpoints, ErrorKind, Flavor, MediaType};
use instatui::secret::Secret;
use instatui::store::AppConfig;
use std::collections::HashSet;
use std::time::Duration;

const HOUR: Duration = Duration::from_secs(3_600);
const DAY: Duration = Duration::from_secs(86_400);

struct Harness {
    fake: FakeInstagram,
    flavor: Flavor,
    client: Client,
    app: AppConfig,
}

impl Harness {
    async fn start(config: FakeConfig, flavor: Flavor) -> Harness {
        instatui::install_crypto_provider();
        let fake = FakeInstagram::start(config).await.expect("fake starts");
        let client = client_for(&fake.base_url(), flavor);
        let app = AppConfig {
            flavor,
            app_id: DEMO_APP_ID.to_string(),
            app_secret: Secret::new(DEMO_APP_SECRET),
            redirect_uri: DEMO_REDIRECT_URI.to_string(),
            scopes: flavor.default_scopes(),
        };
        Harness {
            fake,
            flavor,
            client,
            app,
        }
    }

    async fn demo() -> Harness {
        Harness::start(FakeConfig::demo(), Flavor::InstagramLogin).await
    }

    fn control(&self) -> FakeControl {
        self.fake.control()
    }

    /// The authorize URL instatui builds, opened in a browser that does not
    /// follow the redirect: the `Location` the user would copy.
    async fn browser_redirect(&self, state: &str) -> Result<String, ApiError> {
        let endpoints = Endpoints::single_base(&self.fake.base_url());
        let url = authorize_url(&AuthorizeRequest {
            authorize_url: &endpoints.authorize_url,
            flavor: self.flavor,
            app_id: &self.app.app_id,
            redirect_uri: &self.app.redirect_uri,
            scopes: &self.app.scopes,
            nonce: state,
        })
        .expect("authorize url");
        let browser = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .expect("browser");
        let response = browser.get(&url).send().await.expect("authorize answers");
        let status = response.status().as_u16();
        let location = response
            .headers()
            .get("location")
            .and_then(|v| v.to_str().ok())
            .map(String::from);
        let content_type = response
            .headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .map(String::from);
        let body = response.bytes().await.expect("body");
        match location {
            Some(location) if status == 302 => Ok(location),
            _ => Err(ApiError::from_response(
                status,
                content_type.as_deref(),
                &body,
            )),
        }
    }

    /// A fresh code, as the user would paste it back (the whole redirect URL).
    async fn code(&self) -> String {
        let state = new_nonce();
        let location = self.browser_redirect(&state).await.expect("a redirect");
        let pasted = parse_paste(&location, Some(&state), Some(&self.app.redirect_uri))
            .expect("the redirect parses");
        assert!(pasted.warnings.is_empty(), "{:?}", pasted.warnings);
        pasted.code
    }

    async fn long_token(&self) -> Secret {
        let code = self.code().await;
        let short = self
            .client
            .exchange_code(&self.app, &code)
            .await
            .expect("code exchange");
        self.client
            .exchange_long_lived(&self.app.app_secret, &short.access_token)
            .await
            .expect("long-lived exchange")
            .access_token
    }

    /// Requests whose path (version prefix ignored) is `path`.
    fn hits(&self, path: &str) -> usize {
        self.control()
            .requests()
            .iter()
            .filter(|r| r.path == path || r.path.ends_with(path) && r.path.starts_with("/v"))
            .count()
    }
}

fn client_for(base: &str, flavor: Flavor) -> Client {
    instatui::install_crypto_provider();
    Client::new(flavor, Endpoints::single_base(base))
        .expect("client")
        .with_retry_delay(Duration::from_millis(1))
}

async fn whole_chain(shape: TokenShape, flavor: Flavor) {
    let config = FakeConfig {
        post_count: 230,
        short_token_shape: shape,
        ..FakeConfig::demo()
    };
    let h = Harness::start(config, flavor).await;
    let code = h.code().await;
    assert!(!code.ends_with("#_"));

    let short = h
        .client
        .exchange_code(&h.app, &code)
        .await
        .expect("code exchange");
    // The Instagram Login API answers with an app-scoped id, not the user id.
    let expected_id = match flavor {
        Flavor::InstagramLogin => FakeConfig::demo().app_scoped_id(),
        Flavor::BasicDisplay => DEMO_USER_ID.to_string(),
    };
    assert_eq!(short.user_id, expected_id, "{shape:?}");
    match shape {
        TokenShape::Flat => assert!(short.permissions.is_empty()),
        _ => assert_eq!(short.permissions, h.app.scopes, "{shape:?}"),
    }

    let long = h
        .client
        .exchange_long_lived(&h.app.app_secret, &short.access_token)
        .await
        .expect("long-lived exchange");
    assert_ne!(long.access_token, short.access_token);
    assert!(
        (5_000_000..=5_184_000).contains(&long.expires_in),
        "about 60 days: {}",
        long.expires_in
    );

    let profile = h.client.profile(&long.access_token).await.expect("profile");
    assert_eq!(profile.username.as_deref(), Some(DEMO_USERNAME));
    assert_eq!(profile.media_count, Some(230));
    let owner = profile.media_owner_id().expect("an owner id").to_string();

    let mut pages = Vec::new();
    let media = h
        .client
        .all_media(&long.access_token, &owner, None, |n| pages.push(n))
        .await
        .expect("every post");
    assert_eq!(media.len(), 230, "{shape:?} {flavor:?}");
    assert_eq!(pages, vec![100, 200, 230], "100 a page");
    let ids: HashSet<&str> = media.iter().map(|m| m.id.as_str()).collect();
    assert_eq!(ids.len(), 230, "no duplicates");
    let times: Vec<_> = media
        .iter()
        .map(|m| m.posted_at().expect("timestamp"))
        .collect();
    assert!(times.windows(2).all(|w| w[0] >= w[1]), "newest first");
    let albums: Vec<_> = media
        .iter()
        .filter(|m| m.kind() == MediaType::Album)
        .collect();
    assert!(!albums.is_empty());
    for album in &albums {
        assert!(album.children().len() >= 2, "{} has children", album.id);
    }

    // Also from the owner "me", and capped.
    let first = h
        .client
        .all_media(&long.access_token, "", Some(7), |_| {})
        .await
        .expect("seven");
    assert_eq!(first.len(), 7);
    // Ids, not whole objects: CDN URLs are signed with an expiry that moves
    // with the clock, so two fetches a second apart differ there.
    let ids = |items: &[instatui::instagram::Media]| {
        items.iter().map(|m| m.id.clone()).collect::<Vec<_>>()
    };
    assert_eq!(ids(&first), ids(&media[..7]));
}

#[tokio::test]
async fn whole_flow_with_flat_token_answers() {
    whole_chain(TokenShape::Flat, Flavor::InstagramLogin).await;
}

#[tokio::test]
async fn whole_flow_with_flat_token_and_permissions() {
    whole_chain(TokenShape::FlatWithPermissions, Flavor::InstagramLogin).await;
}

#[tokio::test]
async fn whole_flow_with_wrapped_token_answers() {
    whole_chain(TokenShape::Wrapped, Flavor::InstagramLogin).await;
}

#[tokio::test]
async fn whole_flow_on_basic_display_before_retirement() {
    whole_chain(TokenShape::Flat, Flavor::BasicDisplay).await;
}

#[tokio::test]
async fn a_code_works_once() {
    let h = Harness::demo().await;
    let code = h.code().await;
    h.client
        .exchange_code(&h.app, &code)
        .await
        .expect("first use");
    let err = h
        .client
        .exchange_code(&h.app, &code)
        .await
        .expect_err("second use");
    assert_eq!(err.kind, ErrorKind::CodeRejected, "{err}");
    assert!(
        err.to_string()
            .contains("Matching code was not found or was already used"),
        "{err}"
    );
    assert!(err.to_string().contains(ErrorKind::CodeRejected.hint()));
    assert_eq!(h.hits("/oauth/access_token"), 2);
}

#[tokio::test]
async fn an_expired_code_is_rejected() {
    let h = Harness::demo().await;
    let code = h.code().await;
    h.control().advance_clock(HOUR + Duration::from_secs(1));
    let err = h.client.exchange_code(&h.app, &code).await.unwrap_err();
    assert_eq!(err.kind, ErrorKind::CodeRejected, "{err}");
    assert!(err.to_string().contains("Matching code was not found"));
}

#[tokio::test]
async fn a_wrong_secret_is_named() {
    let h = Harness::demo().await;
    let code = h.code().await;
    let wrong = AppConfig {
        app_secret: Secret::new("00000000000000000000000000000000"),
        ..h.app.clone()
    };
    let err = h.client.exchange_code(&wrong, &code).await.unwrap_err();
    assert_eq!(err.kind, ErrorKind::InvalidSecret, "{err}");
    assert!(err.to_string().contains("Error validating client secret"));
    assert!(!err.to_string().contains("0000000000000000"), "{err}");

    // The long-lived exchange checks the secret too.
    let short = h
        .client
        .exchange_code(&h.app, &h.code().await)
        .await
        .expect("right secret");
    let err = h
        .client
        .exchange_long_lived(&wrong.app_secret, &short.access_token)
        .await
        .unwrap_err();
    assert_eq!(err.kind, ErrorKind::InvalidSecret, "{err}");
}

#[tokio::test]
async fn a_different_redirect_uri_at_the_exchange_is_a_mismatch() {
    let h = Harness::demo().await;
    let code = h.code().await;
    let without_slash = AppConfig {
        redirect_uri: DEMO_REDIRECT_URI.trim_end_matches('/').to_string(),
        ..h.app.clone()
    };
    let err = h
        .client
        .exchange_code(&without_slash, &code)
        .await
        .unwrap_err();
    assert_eq!(err.kind, ErrorKind::RedirectMismatch, "{err}");
    assert!(
        err.to_string().contains("redirect_uri is identical"),
        "{err}"
    );
    assert!(err.to_string().contains("trailing slash"), "{err}");
}

#[tokio::test]
async fn an_unregistered_redirect_uri_is_refused_at_authorize() {
    let mut h = Harness::demo().await;
    h.app.redirect_uri = "https://localhost/instatui/auth".to_string();
    let err = h.browser_redirect("s").await.unwrap_err();
    assert_eq!(err.kind, ErrorKind::RedirectMismatch, "{err}");
}

#[tokio::test]
async fn cancel_in_the_browser_is_explained() {
    let h = Harness::demo().await;
    h.control().set_consent(Consent::Deny);
    let state = new_nonce();
    let location = h.browser_redirect(&state).await.expect("a redirect");
    let err = parse_paste(&location, Some(&state), Some(DEMO_REDIRECT_URI)).unwrap_err();
    assert!(matches!(err, PasteError::Cancelled { .. }), "{err:?}");
    assert!(err.to_string().contains("you cancelled"));
    assert!(err.to_string().contains("The user denied your request"));
    // A redirect of another authorization is refused before any exchange.
    h.control().set_consent(Consent::Allow);
    let other = h
        .browser_redirect("0123456789abcdef")
        .await
        .expect("redirect");
    assert_eq!(
        parse_paste(&other, Some(&state), Some(DEMO_REDIRECT_URI)),
        Err(PasteError::StateMismatch)
    );
}

#[tokio::test]
async fn basic_display_after_retirement_says_switch_flavour() {
    let config = FakeConfig {
        basic_display_retired: true,
        ..FakeConfig::demo()
    };
    let h = Harness::start(config, Flavor::BasicDisplay).await;
    // Authorizing with user_profile fails on the authorize page.
    let err = h.browser_redirect("s").await.unwrap_err();
    assert_eq!(err.kind, ErrorKind::RetiredApi, "{err}");
    assert!(err.to_string().contains("Invalid scope: user_profile"));
    assert!(err.to_string().contains("instagram-login"), "{err}");

    // A token from before the cut-off answers the retired error on every call.
    let token = Secret::new(h.control().issue_long_token("user_profile,user_media"));
    let err = h.client.profile(&token).await.unwrap_err();
    assert_eq!(err.kind, ErrorKind::RetiredApi, "{err}");
    assert!(
        err.to_string()
            .contains("Unsupported request - method type: get")
    );
    let err = h
        .client
        .all_media(&token, "", None, |_| {})
        .await
        .unwrap_err();
    assert_eq!(err.kind, ErrorKind::RetiredApi, "{err}");
    // Not retried: it will not get better.
    assert_eq!(h.hits("/me"), 1);
}

/// A refresh refused for the token's age is told apart by its code (10,
/// or 100 that is not the short-lived refusal), never by the words "24
/// hours old": both wordings seen, and one Instagram may write tomorrow,
/// get the same advice (wait), not "check the app settings".
#[tokio::test]
async fn a_refresh_refused_as_too_early_is_known_by_its_code_not_its_words() {
    let h = Harness::demo().await;
    let token = h.long_token().await;
    for (code, message) in [
        (
            100,
            "Tokens can only be refreshed when they are at least 24 hours old",
        ),
        (
            10,
            "(#10) The access token must be at least 24 hours old to be refreshed",
        ),
        (10, "(#10) This token is too new to be renewed yet"),
        (100, "Refresh not allowed yet for this access token"),
    ] {
        let body = serde_json::json!({"error": {
            "message": message, "type": "OAuthException", "code": code,
            "fbtrace_id": "AbCdEf"
        }});
        h.control().inject_on(
            "/refresh_access_token",
            Fault::Canned {
                status: 400,
                content_type: "application/json".into(),
                body: body.to_string(),
            },
            1,
        );
        let err = h.client.refresh(&token).await.unwrap_err();
        assert_eq!(err.kind, ErrorKind::RefreshTooEarly, "{err}");
        let text = err.to_string();
        assert!(
            text.contains(message.trim_start_matches("(#10) ")),
            "{text}"
        );
        assert!(text.contains("try again later"), "{text}");
        assert!(!text.contains("app settings"), "{text}");
    }
    // The short-lived refusal (code 100 too) stays itself, and the same
    // words on another call are not a refresh refusal.
    let short = serde_json::json!({"error": {
        "message": "Only a long-lived access token can be refreshed; exchange the short-lived one first",
        "type": "OAuthException", "code": 100, "fbtrace_id": "AbCdEf"
    }});
    h.control().inject_on(
        "/refresh_access_token",
        Fault::Canned {
            status: 400,
            content_type: "application/json".into(),
            body: short.to_string(),
        },
        1,
    );
    let err = h.client.refresh(&token).await.unwrap_err();
    assert!(err.refuses_short_lived_token(), "{err}");
    let elsewhere = serde_json::json!({"error": {
        "message": "Tokens can only be refreshed when they are at least 24 hours old",
        "type": "OAuthException", "code": 100, "fbtrace_id": "AbCdEf"
    }});
    let err = ApiError::from_response(
        400,
        Some("application/json"),
        elsewhere.to_string().as_bytes(),
    );
    assert_eq!(err.kind, ErrorKind::BadParameter, "{err}");
}

/// A Graph version Meta does not serve (code 2500, "Unknown path
/// components") gets a hint naming INSTATUI_GRAPH_VERSION, not "see
/// Instagram's message"; the token calls, unversioned, still work.
#[tokio::test]
async fn a_version_meta_does_not_serve_gets_a_hint_naming_the_variable() {
    let h = Harness::demo().await;
    let token = h.long_token().await;
    h.control().retire_api_version("v20.0");
    let endpoints = Endpoints::single_base(&h.fake.base_url()).with_env_version(Some("v20.0"));
    let client = Client::new(Flavor::InstagramLogin, endpoints)
        .expect("client")
        .with_retry_delay(Duration::from_millis(1));
    let err = client.profile(&token).await.unwrap_err();
    assert_eq!(err.kind, ErrorKind::UnknownPath, "{err}");
    let text = err.to_string();
    assert!(
        text.contains("Unknown path components: /v20.0/me"),
        "{text}"
    );
    assert!(text.contains("code 2500"), "{text}");
    assert!(text.contains("INSTATUI_GRAPH_VERSION"), "{text}");
    // The version the client asks for by default is served.
    h.client.profile(&token).await.expect("v25.0 is served");
}

#[tokio::test]
async fn refresh_after_a_day_gives_a_new_token() {
    let h = Harness::demo().await;
    let token = h.long_token().await;
    // Too young: Instagram refuses, we say why.
    let err = h.client.refresh(&token).await.unwrap_err();
    assert_eq!(err.kind, ErrorKind::RefreshTooEarly, "{err}");
    assert!(err.to_string().contains("24 hours"), "{err}");
    assert!(!err.to_string().contains("authorize again"), "{err}");

    h.control().advance_clock(25 * HOUR);
    let fresh = h.client.refresh(&token).await.expect("refresh");
    assert_ne!(fresh.access_token, token);
    assert_eq!(fresh.expires_in, 5_184_000);
    let profile = h.client.profile(&fresh.access_token).await.expect("works");
    assert_eq!(profile.username.as_deref(), Some(DEMO_USERNAME));
}

#[tokio::test]
async fn an_expired_token_needs_reauthorization() {
    let h = Harness::demo().await;
    let token = h.long_token().await;
    h.control().advance_clock(61 * DAY);
    let err = h.client.profile(&token).await.unwrap_err();
    assert_eq!(err.kind, ErrorKind::NeedsReauth, "{err}");
    assert_eq!((err.code, err.subcode), (Some(190), None));
    assert!(err.to_string().contains("Session has expired"), "{err}");
    assert!(err.to_string().contains("authorize again"), "{err}");
    let err = h.client.refresh(&token).await.unwrap_err();
    assert_eq!(err.kind, ErrorKind::NeedsReauth, "{err}");
    // Neither is retried.
    assert_eq!(h.hits("/me"), 1);
    assert_eq!(h.hits("/refresh_access_token"), 1);
}

#[tokio::test]
async fn a_revoked_token_needs_reauthorization() {
    let h = Harness::demo().await;
    let token = h.long_token().await;
    h.control().revoke_tokens();
    let err = h
        .client
        .all_media(&token, DEMO_USER_ID, None, |_| {})
        .await
        .unwrap_err();
    assert_eq!(err.kind, ErrorKind::NeedsReauth, "{err}");
    assert_eq!((err.code, err.subcode), (Some(190), None));
    assert!(err.to_string().contains("changed their password"), "{err}");
}

#[tokio::test]
async fn transient_500s_on_a_get_are_retried() {
    let h = Harness::demo().await;
    let token = h.long_token().await;
    h.control().inject_on("/me", Fault::Status500, 2);
    let profile = h.client.profile(&token).await.expect("third time lucky");
    assert_eq!(profile.username.as_deref(), Some(DEMO_USERNAME));
    assert_eq!(h.hits("/me"), 3, "{:?}", h.control().requests());
}

#[tokio::test]
async fn too_many_500s_give_up_with_a_transient_error() {
    let h = Harness::demo().await;
    let token = h.long_token().await;
    h.control().inject_on("/me", Fault::Status500, 10);
    let err = h.client.profile(&token).await.unwrap_err();
    assert_eq!(err.kind, ErrorKind::Transient, "{err}");
    assert!(err.to_string().contains("HTTP 500"), "{err}");
    assert_eq!(h.hits("/me"), 4, "one try and three retries");
}

#[tokio::test]
async fn the_code_exchange_is_never_retried() {
    let h = Harness::demo().await;
    let code = h.code().await;
    // One fault: a retry would succeed, so success would mean a retry.
    h.control()
        .inject_on("/oauth/access_token", Fault::Status500, 1);
    let err = h.client.exchange_code(&h.app, &code).await.unwrap_err();
    assert_eq!(err.kind, ErrorKind::Transient, "{err}");
    assert_eq!(h.hits("/oauth/access_token"), 1, "sent exactly once");

    // A proxy page on the exchange: also sent once.
    let code = h.code().await;
    h.control()
        .inject_on("/oauth/access_token", Fault::Html502, 1);
    let before = h.hits("/oauth/access_token");
    let err = h.client.exchange_code(&h.app, &code).await.unwrap_err();
    assert!(err.to_string().contains("HTML"), "{err}");
    assert_eq!(h.hits("/oauth/access_token"), before + 1);
}

#[tokio::test]
async fn rate_limiting_is_not_retried() {
    let h = Harness::demo().await;
    let token = h.long_token().await;
    h.control().inject_on("/me", Fault::RateLimited, 5);
    let err = h.client.profile(&token).await.unwrap_err();
    assert_eq!(err.kind, ErrorKind::RateLimited, "{err}");
    assert!(err.to_string().contains("request limit reached"), "{err}");
    // No usage header says how long: the default wait.
    assert!(
        err.to_string().contains("rate limited: try again in 5 min"),
        "{err}"
    );
    assert_eq!(h.hits("/me"), 1);
    let usage = h.client.rate_usage().expect("usage from the 429");
    assert_eq!(usage.peak(), 100);
}

#[tokio::test]
async fn instagrams_own_rate_limit_80002_is_not_retried_and_says_how_long() {
    let h = Harness::demo().await;
    let token = h.long_token().await;
    h.control()
        .inject_on("/me", Fault::InstagramRateLimit { minutes: 12 }, 5);
    let err = h.client.profile(&token).await.unwrap_err();
    assert_eq!(err.kind, ErrorKind::RateLimited, "{err}");
    // Flagged transient by Instagram, yet not hammered.
    assert_eq!(h.hits("/me"), 1, "{:?}", h.control().requests());
    assert_eq!(err.rate_limit_wait(), Some(Duration::from_secs(12 * 60)));
    let text = err.to_string();
    assert!(
        text.contains("too many calls to this Instagram account"),
        "{text}"
    );
    assert!(text.contains("rate limited: try again in 12 min"), "{text}");
}

#[tokio::test]
async fn after_a_rate_limit_no_data_call_is_sent_until_the_wait_is_over() {
    let h = Harness::demo().await;
    let token = h.long_token().await;
    // Only the first answer is a rate limit: a call that reached the fake
    // again would succeed.
    h.control()
        .inject_on("/me", Fault::InstagramRateLimit { minutes: 12 }, 1);
    let first = h.client.profile(&token).await.unwrap_err();
    assert_eq!(first.kind, ErrorKind::RateLimited, "{first}");
    let before = h.control().requests().len();
    let again = h.client.clone().profile(&token).await.unwrap_err();
    assert_eq!(again.kind, ErrorKind::RateLimited, "{again}");
    assert!(
        again
            .to_string()
            .contains("rate limited: try again in 12 min"),
        "{again}"
    );
    let page = h
        .client
        .media_page(&token, "me", None, 5)
        .await
        .unwrap_err();
    assert_eq!(page.kind, ErrorKind::RateLimited, "{page}");
    assert_eq!(h.control().requests().len(), before, "nothing was sent");
}

#[tokio::test]
async fn method_type_get_on_instagram_login_does_not_advise_switching_to_it() {
    let config = FakeConfig {
        basic_display_retired: true,
        ..FakeConfig::demo()
    };
    // Configured for instagram-login, holding a token of the retired API.
    let h = Harness::start(config, Flavor::InstagramLogin).await;
    let token = Secret::new(h.control().issue_long_token("user_profile,user_media"));
    let err = h.client.profile(&token).await.unwrap_err();
    assert!(
        err.to_string()
            .contains("Unsupported request - method type: get"),
        "{err}"
    );
    assert_eq!(err.kind, ErrorKind::UnsupportedRequest, "{err}");
    assert!(!err.to_string().contains("switch"), "{err}");
    assert!(err.to_string().contains("authorize again"), "{err}");
    assert_eq!(err.kind.command_hint(), Some("instatui authorize --open"));
}

#[tokio::test]
async fn data_calls_name_the_pinned_graph_version_and_token_calls_do_not() {
    let h = Harness::demo().await;
    let token = h.long_token().await;
    h.client.profile(&token).await.expect("profile");
    h.client
        .media_page(&token, "me", None, 5)
        .await
        .expect("a page");
    let paths: Vec<String> = h.control().requests().into_iter().map(|r| r.path).collect();
    assert!(paths.iter().any(|p| p == "/v25.0/me"), "{paths:?}");
    assert!(paths.iter().any(|p| p == "/v25.0/me/media"), "{paths:?}");
    // Exchange and refresh as Meta documents them: unversioned.
    assert!(paths.iter().any(|p| p == "/access_token"), "{paths:?}");
    assert!(
        paths
            .iter()
            .all(|p| !p.starts_with("/me") && !p.starts_with("/v25.0/access_token")),
        "{paths:?}"
    );
}

#[tokio::test]
async fn media_is_read_through_me_not_the_app_scoped_id_of_the_exchange() {
    let h = Harness::demo().await;
    let code = h.code().await;
    let short = h.client.exchange_code(&h.app, &code).await.expect("code");
    assert_ne!(
        short.user_id, DEMO_USER_ID,
        "the exchange answers app-scoped"
    );
    let token = short.access_token;
    // Like the real service is documented to: the app-scoped id is no IG User.
    let err = h
        .client
        .media_page(&token, &short.user_id, None, 5)
        .await
        .unwrap_err();
    assert!(err.to_string().contains("does not exist"), "{err}");
    // `/me/media` and `/me`'s `user_id` both work.
    let page = h
        .client
        .media_page(&token, "me", None, 5)
        .await
        .expect("me");
    assert_eq!(page.data.len(), 5);
    let profile = h.client.profile(&token).await.expect("profile");
    assert_eq!(profile.user_id.as_deref(), Some(DEMO_USER_ID));
    h.client
        .media_page(&token, DEMO_USER_ID, None, 5)
        .await
        .expect("the user id");
}

#[tokio::test]
async fn a_proxy_page_is_reported_as_html_with_its_status() {
    let h = Harness::demo().await;
    let token = h.long_token().await;
    h.control().inject_on("/me", Fault::Html502, 4);
    let err = h.client.profile(&token).await.unwrap_err();
    assert!(
        matches!(err.kind, ErrorKind::NotJson | ErrorKind::Transient),
        "{err:?}"
    );
    let text = err.to_string();
    assert!(text.contains("HTML"), "{text}");
    assert!(text.contains("502"), "{text}");
    assert_eq!(h.hits("/me"), 4, "retried, then given up");
}

#[tokio::test]
async fn a_cut_off_answer_is_not_json() {
    let h = Harness::demo().await;
    let token = h.long_token().await;
    h.control().inject_on("/me", Fault::Truncated, 1);
    let err = h
        .client
        .all_media(&token, "", None, |_| {})
        .await
        .unwrap_err();
    assert_eq!(err.kind, ErrorKind::NotJson, "{err}");
    assert!(err.to_string().contains("cut-off"), "{err}");
    assert!(!err.to_string().contains(token.expose()));
}

#[tokio::test]
async fn a_closed_port_is_a_network_error_without_the_token() {
    let port = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
        listener.local_addr().expect("addr").port()
    };
    let client = client_for(&format!("http://127.0.0.1:{port}"), Flavor::InstagramLogin);
    let token = Secret::new("IGAAsecretsecretsecretsecretsecret");
    let err = client.profile(&token).await.unwrap_err();
    assert_eq!(err.kind, ErrorKind::Network, "{err}");
    let text = err.to_string();
    assert!(!text.contains("access_token"), "{text}");
    assert!(!text.contains(token.expose()), "{text}");
    assert!(
        text.contains("could not connect (connection refused)"),
        "{text}"
    );
    // The innermost cause only: no library layers, no errno.
    for noise in ["client error", "tcp connect error", "os error"] {
        assert!(!text.contains(noise), "{text}");
    }
    assert!(!format!("{err:?}").contains(token.expose()));

    let app = AppConfig {
        flavor: Flavor::InstagramLogin,
        app_id: DEMO_APP_ID.into(),
        app_secret: Secret::new(DEMO_APP_SECRET),
        redirect_uri: DEMO_REDIRECT_URI.into(),
        scopes: vec![],
    };
    let err = client
        .exchange_code(&app, "AQBcodecodecodecodecode")
        .await
        .unwrap_err();
    assert_eq!(err.kind, ErrorKind::Network);
    assert!(!err.to_string().contains(DEMO_APP_SECRET), "{err}");
}

#[tokio::test]
async fn rate_usage_comes_from_the_headers() {
    let h = Harness::demo().await;
    assert_eq!(h.client.rate_usage(), None);
    let token = h.long_token().await;
    h.client.profile(&token).await.expect("profile");
    let usage = h.client.rate_usage().expect("usage after a Graph call");
    assert!(usage.call_count.is_some());
    assert!(usage.peak() > 0);
    assert!(usage.seen_at.is_some());
    // Clones share the figures.
    let clone = h.client.clone();
    assert_eq!(clone.rate_usage(), Some(usage));
}

#[tokio::test]
async fn single_media_and_children_for_both_flavours() {
    for flavor in Flavor::ALL {
        let h = Harness::start(FakeConfig::demo(), flavor).await;
        let token = h.long_token().await;
        let page = h
            .client
            .media_page(&token, "", None, 25)
            .await
            .unwrap_or_else(|e| panic!("{flavor:?}: {e}"));
        assert_eq!(page.data.len(), 25);
        assert!(page.next_cursor().is_some());
        let album = page
            .data
            .iter()
            .find(|m| m.kind() == MediaType::Album)
            .expect("an album on the first page");
        let children = h
            .client
            .children(&token, &album.id)
            .await
            .unwrap_or_else(|e| panic!("{flavor:?}: {e}"));
        assert_eq!(
            children.iter().map(|c| &c.id).collect::<Vec<_>>(),
            album.children().iter().map(|c| &c.id).collect::<Vec<_>>()
        );
        let one = h
            .client
            .media(&token, &album.id)
            .await
            .unwrap_or_else(|e| panic!("{flavor:?}: {e}"));
        assert_eq!(one.id, album.id);
        assert_eq!(one.kind(), MediaType::Album);
        assert!(!one.children().is_empty());
        let image = page
            .data
            .iter()
            .find(|m| m.kind() == MediaType::Image)
            .expect("an image");
        let one = h.client.media(&token, &image.id).await.expect("image");
        assert_eq!(one.media_url.is_some(), image.media_url.is_some());
        // The field lists are accepted by Instagram's duplicate-field rule.
        assert!(
            h.control()
                .requests()
                .iter()
                .any(|r| r.query.contains("fields=")),
            "fields were sent"
        );
        let profile = h.client.profile(&token).await.expect("profile");
        assert!(profile.media_owner_id().is_some(), "{flavor:?}");
        let _ = h.flavor;
    }
}

#[tokio::test]
async fn repeating_a_field_is_what_the_fake_refuses() {
    // The rule the field lists above obey: a repeated field is an error.
    let h = Harness::demo().await;
    let token = h.long_token().await;
    let http = reqwest::Client::new();
    let body = http
        .get(format!("{}/me", h.fake.base_url()))
        .query(&[
            ("fields", "id,username,id"),
            ("access_token", token.expose()),
        ])
        .send()
        .await
        .expect("answer")
        .bytes()
        .await
        .expect("body");
    let err = ApiError::from_response(400, Some("application/json"), &body);
    assert_eq!(err.kind, ErrorKind::BadParameter, "{err}");
    assert!(err.to_string().contains("specified more than once"));
    for flavor in Flavor::ALL {
        for list in [flavor.profile_fields(true), flavor.media_fields(true)] {
            assert!(!list.contains(",,"), "{list}");
        }
    }
}

#[tokio::test]
async fn an_error_object_sent_with_status_200_is_still_an_error() {
    // "Some proxies answer 200 with an error object": it must not read as an
    // empty profile or an empty feed.
    let h = Harness::demo().await;
    let token = h.long_token().await;
    let body = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/instagram/error_graph_expired_token.json"
    ))
    .expect("fixture");
    let canned = Fault::Canned {
        status: 200,
        content_type: "application/json".into(),
        body,
    };
    h.control().inject_on("/me", canned.clone(), 2);
    let err = h.client.profile(&token).await.unwrap_err();
    assert_eq!(err.kind, ErrorKind::NeedsReauth, "{err}");
    let err = h
        .client
        .all_media(&token, "", None, |_| {})
        .await
        .unwrap_err();
    assert_eq!(err.kind, ErrorKind::NeedsReauth, "{err}");
    assert!(err.to_string().contains("Session has expired"), "{err}");
}

/// Requests so far whose `fields` ask for `field`.
fn asking_for(control: &FakeControl, field: &str) -> usize {
    control
        .requests()
        .iter()
        .filter(|r| {
            url::form_urlencoded::parse(r.query.as_bytes())
                .any(|(k, v)| k == "fields" && v.split([',', '{', '}']).any(|f| f == field))
        })
        .count()
}

#[tokio::test]
async fn a_refused_optional_field_is_asked_once_then_left_out_and_the_posts_still_show() {
    let config = FakeConfig {
        post_count: 230,
        ..FakeConfig::demo()
    };
    let h = Harness::start(config, Flavor::InstagramLogin).await;
    let token = h.long_token().await;
    // What Meta's reference warns of: a Facebook-Login-only field that
    // graph.instagram.com refuses, failing the whole request.
    h.control().refuse_field("media_product_type");
    let list = h
        .client
        .list_media(&token, "me", None, |_| {})
        .await
        .expect("the posts still show");
    assert_eq!(list.items.len(), 230);
    assert!(list.items.iter().all(|m| m.media_product_type.is_none()));
    assert!(list.items.iter().all(|m| m.like_count.is_none()));
    assert!(list.items.iter().any(|m| m.caption.is_some()));
    let note = list.note().expect("the user is told");
    assert!(
        note.contains("Instagram refused the field media_product_type"),
        "{note}"
    );
    // Refused once, then remembered: three pages, one refusal, four calls.
    assert_eq!(asking_for(&h.control(), "media_product_type"), 1);
    assert_eq!(asking_for(&h.control(), "caption"), 4);
    // Later calls, of clones too (the TUI clones its client), do not fail first.
    let id = list.items[0].id.clone();
    let clone = h.client.clone();
    clone.media(&token, &id).await.expect("one post");
    clone
        .media_page(&token, "me", None, 5)
        .await
        .expect("a page");
    assert_eq!(asking_for(&h.control(), "media_product_type"), 1);
    assert_eq!(
        h.client
            .refused_field(instatui::instagram::Node::Media)
            .as_deref(),
        Some("media_product_type")
    );
    // The profile is another object: its optional fields still asked for.
    let profile = h.client.profile(&token).await.expect("profile");
    assert!(profile.followers_count.is_some());
}

#[tokio::test]
async fn a_refused_optional_profile_field_is_left_out_of_the_profile() {
    let h = Harness::demo().await;
    let token = h.long_token().await;
    h.control().refuse_field("followers_count");
    let profile = h.client.profile(&token).await.expect("the profile");
    assert_eq!(profile.username.as_deref(), Some(DEMO_USERNAME));
    assert!(profile.followers_count.is_none());
    h.client.profile(&token).await.expect("again");
    assert_eq!(asking_for(&h.control(), "followers_count"), 1);
}

#[tokio::test]
async fn a_refused_field_that_is_not_optional_fails_once_with_instagrams_words() {
    let h = Harness::demo().await;
    let token = h.long_token().await;
    h.control().refuse_field("caption");
    let err = h
        .client
        .media_page(&token, "me", None, 5)
        .await
        .unwrap_err();
    assert_eq!(err.kind, ErrorKind::BadParameter, "{err}");
    assert_eq!(err.unsupported_field(), Some("caption"));
    assert!(
        err.to_string()
            .contains("Tried accessing nonexisting field (caption)"),
        "{err}"
    );
    // Leaving out the optional fields would not help: no second call.
    assert_eq!(asking_for(&h.control(), "caption"), 1);
}

/// Every walk through the pages is one stream: a page is asked for only
/// when it is read, `max` cuts the last one, and `until` asks for none
/// after the page that was enough (what `download --since` rides on).
#[tokio::test]
async fn a_walk_asks_for_pages_only_as_they_are_read() {
    use futures::StreamExt;
    use instatui::instagram::walk;
    let config = FakeConfig {
        post_count: 230,
        ..FakeConfig::demo()
    };
    let h = Harness::start(config, Flavor::InstagramLogin).await;
    let token = h.long_token().await;
    let pages_asked = || {
        h.control()
            .requests()
            .iter()
            .filter(|r| r.path.ends_with("/media"))
            .count()
    };
    let sizes = |pages: Vec<Result<walk::WalkPage, ApiError>>| {
        pages
            .into_iter()
            .map(|p| p.expect("page").posts.len())
            .collect::<Vec<_>>()
    };

    let all = h.client.pages(&token, "me", None).collect::<Vec<_>>().await;
    assert_eq!(sizes(all), [100, 100, 30]);
    assert_eq!(pages_asked(), 3);

    let capped = h.client.pages(&token, "me", Some(150)).collect().await;
    assert_eq!(sizes(capped), [100, 50]);
    assert_eq!(pages_asked(), 5);

    let mut seen = 0;
    let enough = walk::until(h.client.pages(&token, "me", None), |posts| {
        seen += posts.len();
        seen >= 120
    });
    assert_eq!(sizes(enough.collect().await), [100, 100]);
    assert_eq!(pages_asked(), 7, "no third page");
}
