//! Drives the embedded fake Instagram over loopback HTTP, as the real API is documented.

use instatui::fake::{
    Consent, DEMO_APP_ID, DEMO_APP_SECRET, DEMO_REDIRECT_URI, FakeConfig, FakeControl,
    FakeInstagram, Fault, TokenShape,
};
use serde_json::Value;
use std::collections::HashSet;
use std::time::{Duration, Instant};

const HOUR: Duration = Duration::from_secs(3_600);
const DAY: Duration = Duration::from_secs(86_400);
const LOGIN_SCOPE: &str = "instagram_business_basic,instagram_business_manage_comments";

struct Harness {
    fake: FakeInstagram,
    http: reqwest::Client,
}

impl Harness {
    async fn start(config: FakeConfig) -> Harness {
        instatui::install_crypto_provider();
        let fake = FakeInstagram::start(config).await.expect("fake starts");
        let http = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .expect("client");
        Harness { fake, http }
    }

    async fn demo() -> Harness {
        Harness::start(FakeConfig::demo()).await
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.fake.base_url())
    }

    fn control(&self) -> FakeControl {
        self.fake.control()
    }

    async fn authorize(
        &self,
        scope: &str,
        redirect_uri: &str,
        state: Option<&str>,
    ) -> reqwest::Response {
        let mut query = vec![
            ("client_id", DEMO_APP_ID),
            ("redirect_uri", redirect_uri),
            ("response_type", "code"),
            ("scope", scope),
            ("enable_fb_login", "0"),
            ("force_reauth", "true"),
        ];
        if let Some(state) = state {
            query.push(("state", state));
        }
        self.http
            .get(self.url("/oauth/authorize"))
            .query(&query)
            .send()
            .await
            .expect("authorize answers")
    }

    async fn code(&self, scope: &str) -> String {
        let response = self.authorize(scope, DEMO_REDIRECT_URI, Some("s1")).await;
        assert_eq!(response.status(), 302);
        let location = location(&response);
        let url = url::Url::parse(&location).expect("location is a URL");
        url.query_pairs()
            .find(|(k, _)| k == "code")
            .map(|(_, v)| v.into_owned())
            .expect("a code")
    }

    async fn exchange_code(
        &self,
        code: &str,
        secret: &str,
        redirect_uri: &str,
    ) -> reqwest::Response {
        self.http
            .post(self.url("/oauth/access_token"))
            .form(&[
                ("client_id", DEMO_APP_ID),
                ("client_secret", secret),
                ("grant_type", "authorization_code"),
                ("redirect_uri", redirect_uri),
                ("code", code),
            ])
            .send()
            .await
            .expect("exchange answers")
    }

    async fn short_token(&self, scope: &str) -> String {
        let code = self.code(scope).await;
        let body = json(
            self.exchange_code(&code, DEMO_APP_SECRET, DEMO_REDIRECT_URI)
                .await,
            200,
        )
        .await;
        let flat = body.get("data").and_then(|d| d.get(0)).unwrap_or(&body);
        flat["access_token"].as_str().expect("a token").to_string()
    }

    async fn long_token(&self, scope: &str) -> String {
        let short = self.short_token(scope).await;
        let body = json(
            self.get(
                "/access_token",
                &[
                    ("grant_type", "ig_exchange_token"),
                    ("client_secret", DEMO_APP_SECRET),
                    ("access_token", &short),
                ],
            )
            .await,
            200,
        )
        .await;
        body["access_token"]
            .as_str()
            .expect("a long token")
            .to_string()
    }

    async fn get(&self, path: &str, query: &[(&str, &str)]) -> reqwest::Response {
        self.http
            .get(self.url(path))
            .query(query)
            .send()
            .await
            .expect("graph answers")
    }

    async fn me(&self, token: &str) -> reqwest::Response {
        self.get("/me", &[("access_token", token), ("fields", "id,username")])
            .await
    }

    async fn get_url(&self, url: &str) -> reqwest::Response {
        self.http.get(url).send().await.expect("answers")
    }
}

fn location(response: &reqwest::Response) -> String {
    response
        .headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .expect("a Location header")
        .to_string()
}

async fn json(response: reqwest::Response, status: u16) -> Value {
    let got = response.status().as_u16();
    let body = response.text().await.expect("a body");
    assert_eq!(got, status, "{body}");
    serde_json::from_str(&body).unwrap_or_else(|e| panic!("not JSON ({e}): {body}"))
}

async fn graph_error(response: reqwest::Response) -> Value {
    let body = json(response, 400).await;
    assert!(body["error"]["fbtrace_id"].is_string(), "{body}");
    body["error"].clone()
}

async fn oauth_error(response: reqwest::Response) -> String {
    let body = json(response, 400).await;
    assert_eq!(body["error_type"], "OAuthException");
    assert_eq!(body["code"], 400);
    body["error_message"]
        .as_str()
        .expect("a message")
        .to_string()
}

// ---------------------------------------------------------------- authorize

#[tokio::test]
async fn authorize_redirects_with_code_state_and_fragment() {
    let h = Harness::demo().await;
    let response = h
        .authorize(LOGIN_SCOPE, DEMO_REDIRECT_URI, Some("9f2c 7d/61"))
        .await;
    assert_eq!(response.status(), 302);
    let location = location(&response);
    let prefix = format!("{DEMO_REDIRECT_URI}?code=AQB");
    assert!(location.starts_with(&prefix), "{location}");
    assert!(location.ends_with("&state=9f2c+7d%2F61#_"), "{location}");
    let code = location[DEMO_REDIRECT_URI.len() + "?code=".len()..]
        .split('&')
        .next()
        .unwrap();
    assert!(code.len() > 90, "{code}");
    assert!(
        code.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
    );

    let without_state = h.authorize(LOGIN_SCOPE, DEMO_REDIRECT_URI, None).await;
    let location = self::location(&without_state);
    assert!(!location.contains("state="), "{location}");
    assert!(location.ends_with("#_"));
}

#[tokio::test]
async fn authorize_deny_redirects_with_the_documented_error() {
    let h = Harness::demo().await;
    h.control().set_consent(Consent::Deny);
    let response = h
        .authorize(LOGIN_SCOPE, DEMO_REDIRECT_URI, Some("9f2c7d61b0a84e3f"))
        .await;
    assert_eq!(response.status(), 302);
    assert_eq!(
        location(&response),
        format!(
            "{DEMO_REDIRECT_URI}?error=access_denied&error_reason=user_denied&\
             error_description=The+user+denied+your+request&state=9f2c7d61b0a84e3f#_"
        )
    );
}

#[tokio::test]
async fn authorize_refuses_bad_requests() {
    let h = Harness::demo().await;
    let trailing = DEMO_REDIRECT_URI.trim_end_matches('/');
    assert_eq!(
        oauth_error(h.authorize(LOGIN_SCOPE, trailing, Some("s")).await).await,
        "Invalid redirect_uri"
    );
    let unknown_app = h
        .get(
            "/oauth/authorize",
            &[
                ("client_id", "123"),
                ("redirect_uri", DEMO_REDIRECT_URI),
                ("response_type", "code"),
                ("scope", "instagram_business_basic"),
            ],
        )
        .await;
    assert_eq!(oauth_error(unknown_app).await, "Invalid platform app");
    let token_flow = h
        .get(
            "/oauth/authorize",
            &[
                ("client_id", DEMO_APP_ID),
                ("redirect_uri", DEMO_REDIRECT_URI),
                ("response_type", "token"),
                ("scope", "instagram_business_basic"),
            ],
        )
        .await;
    assert!(oauth_error(token_flow).await.contains("response_type"));
    assert_eq!(
        oauth_error(
            h.authorize("instagram_basic", DEMO_REDIRECT_URI, None)
                .await
        )
        .await,
        "Invalid request: Request parameters are invalid: Invalid scope: instagram_basic"
    );
}

#[tokio::test]
async fn retired_basic_display_scope_is_refused_exactly() {
    let h = Harness::start(FakeConfig {
        basic_display_retired: true,
        ..FakeConfig::demo()
    })
    .await;
    let response = h
        .authorize("user_profile,user_media", DEMO_REDIRECT_URI, Some("s"))
        .await;
    assert_eq!(
        oauth_error(response).await,
        "Invalid request: Request parameters are invalid: Invalid scope: user_profile"
    );
    // A Basic Display token from before the cut-off answers the retired error everywhere.
    let old = h.control().issue_long_token("user_profile,user_media");
    assert!(old.starts_with("IGQ"));
    for path in ["/me", "/v21.0/me/media", "/refresh_access_token"] {
        let error = graph_error(
            h.get(
                path,
                &[("access_token", &old), ("grant_type", "ig_refresh_token")],
            )
            .await,
        )
        .await;
        assert_eq!(error["message"], "Unsupported request - method type: get");
        assert_eq!(error["code"], 100);
        assert_eq!(error["type"], "IGApiException");
    }
    // Instagram Login keeps working.
    let token = h.long_token("instagram_business_basic").await;
    json(h.get("/me", &[("access_token", &token)]).await, 200).await;
}

// ---------------------------------------------------------------- code exchange

#[tokio::test]
async fn code_exchange_answers_each_token_shape() {
    for shape in [
        TokenShape::Flat,
        TokenShape::FlatWithPermissions,
        TokenShape::Wrapped,
    ] {
        let h = Harness::start(FakeConfig {
            short_token_shape: shape,
            ..FakeConfig::demo()
        })
        .await;
        let code = h.code(LOGIN_SCOPE).await;
        let response = h
            .exchange_code(&code, DEMO_APP_SECRET, DEMO_REDIRECT_URI)
            .await;
        let raw = {
            assert_eq!(response.status(), 200);
            response.text().await.unwrap()
        };
        let body: Value = serde_json::from_str(&raw).unwrap();
        // The app-scoped id (a number above 2^53), not the user id.
        let scoped = FakeConfig::demo().app_scoped_id();
        assert_ne!(scoped, "17841405793187218");
        let number = format!("\"user_id\":{scoped}");
        match shape {
            TokenShape::Flat => {
                assert!(raw.contains(&number), "{raw}");
                assert!(body.get("permissions").is_none());
            }
            TokenShape::FlatWithPermissions => {
                assert!(raw.contains(&number), "{raw}");
                assert_eq!(
                    body["permissions"],
                    serde_json::json!([
                        "instagram_business_basic",
                        "instagram_business_manage_comments"
                    ])
                );
            }
            TokenShape::Wrapped => {
                let item = &body["data"][0];
                assert_eq!(item["user_id"], scoped.as_str());
                assert_eq!(item["permissions"], LOGIN_SCOPE);
            }
        }
        let token = body.get("data").map_or(&body, |d| &d[0])["access_token"]
            .as_str()
            .unwrap()
            .to_string();
        assert!(token.starts_with("IGAA") && token.len() >= 60, "{token}");
        // The client model reads every shape.
        let parsed: instatui::instagram::model::ShortToken = serde_json::from_str(&raw).unwrap();
        assert_eq!(parsed.user_id, scoped);
        assert_eq!(parsed.access_token.expose(), token);
    }
}

#[tokio::test]
async fn code_exchange_errors_are_the_documented_ones() {
    let h = Harness::demo().await;
    let code = h.code(LOGIN_SCOPE).await;
    assert_eq!(
        oauth_error(h.exchange_code(&code, "wrong", DEMO_REDIRECT_URI).await).await,
        "Error validating client secret."
    );
    assert_eq!(
        oauth_error(
            h.exchange_code(&code, DEMO_APP_SECRET, "https://localhost/other/")
                .await
        )
        .await,
        "Error validating verification code. Please make sure your redirect_uri is identical \
         to the one you used in the OAuth dialog request"
    );
    assert_eq!(
        oauth_error(
            h.exchange_code(&format!("{code}#_"), DEMO_APP_SECRET, DEMO_REDIRECT_URI)
                .await
        )
        .await,
        "Matching code was not found or was already used"
    );
    json(
        h.exchange_code(&code, DEMO_APP_SECRET, DEMO_REDIRECT_URI)
            .await,
        200,
    )
    .await;
    assert_eq!(
        oauth_error(
            h.exchange_code(&code, DEMO_APP_SECRET, DEMO_REDIRECT_URI)
                .await
        )
        .await,
        "Matching code was not found or was already used"
    );

    let stale = h.code(LOGIN_SCOPE).await;
    h.control().advance_clock(HOUR + Duration::from_secs(1));
    assert_eq!(
        oauth_error(
            h.exchange_code(&stale, DEMO_APP_SECRET, DEMO_REDIRECT_URI)
                .await
        )
        .await,
        "Matching code was not found or was already used"
    );
    let wrong_app = h
        .http
        .post(h.url("/oauth/access_token"))
        .form(&[("client_id", "1"), ("client_secret", DEMO_APP_SECRET)])
        .send()
        .await
        .unwrap();
    assert_eq!(oauth_error(wrong_app).await, "Invalid platform app");
}

#[tokio::test]
async fn code_exchange_accepts_multipart_like_curl_f() {
    let h = Harness::demo().await;
    let code = h.code("instagram_business_basic").await;
    let mut body = String::new();
    for (name, value) in [
        ("client_id", DEMO_APP_ID),
        ("client_secret", DEMO_APP_SECRET),
        ("grant_type", "authorization_code"),
        ("redirect_uri", DEMO_REDIRECT_URI),
        ("code", &code),
    ] {
        body.push_str(&format!(
            "--b0undary\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n"
        ));
    }
    body.push_str("--b0undary--\r\n");
    let response = h
        .http
        .post(h.url("/oauth/access_token"))
        .header("content-type", "multipart/form-data; boundary=b0undary")
        .body(body)
        .send()
        .await
        .unwrap();
    assert!(json(response, 200).await["access_token"].is_string());
}

// ---------------------------------------------------------------- long-lived tokens

#[tokio::test]
async fn long_lived_exchange_and_refresh_follow_the_rules() {
    let h = Harness::demo().await;
    let short = h.short_token(LOGIN_SCOPE).await;
    let wrong_secret = h
        .get(
            "/access_token",
            &[
                ("grant_type", "ig_exchange_token"),
                ("client_secret", "nope"),
                ("access_token", &short),
            ],
        )
        .await;
    assert_eq!(
        graph_error(wrong_secret).await["message"],
        "Error validating client secret."
    );

    let body = json(
        h.get(
            "/v21.0/access_token",
            &[
                ("grant_type", "ig_exchange_token"),
                ("client_secret", DEMO_APP_SECRET),
                ("access_token", &short),
            ],
        )
        .await,
        200,
    )
    .await;
    assert_eq!(body["token_type"], "bearer");
    assert_eq!(body["expires_in"], 5_183_944);
    let long = body["access_token"].as_str().unwrap().to_string();
    assert!(long.len() >= 60 && long != short);

    // A short token cannot be refreshed, a young long one neither.
    let refresh = |token: String| {
        let h = &h;
        async move {
            h.get(
                "/refresh_access_token",
                &[("grant_type", "ig_refresh_token"), ("access_token", &token)],
            )
            .await
        }
    };
    assert_eq!(graph_error(refresh(short.clone()).await).await["code"], 100);
    let young = graph_error(refresh(long.clone()).await).await;
    assert_eq!(young["code"], 10);
    assert!(
        young["message"].as_str().unwrap().contains("24 hours"),
        "{young}"
    );

    h.control().advance_clock(25 * HOUR);
    let body = json(refresh(long.clone()).await, 200).await;
    assert_eq!(body["expires_in"], 5_184_000);
    assert_eq!(body["token_type"], "bearer");
    let fresh = body["access_token"].as_str().unwrap().to_string();
    assert_ne!(fresh, long);
    // The old token keeps working until its own expiry; the short one has expired.
    json(h.get("/me", &[("access_token", &long)]).await, 200).await;
    json(h.get("/me", &[("access_token", &fresh)]).await, 200).await;
    let expired = graph_error(h.get("/me", &[("access_token", &short)]).await).await;
    assert_eq!(expired["code"], 190);
    assert!(expired.get("error_subcode").is_none(), "{expired}");
}

#[tokio::test]
async fn tokens_expire_are_revoked_and_are_checked() {
    let h = Harness::demo().await;
    let long = h.long_token(LOGIN_SCOPE).await;
    json(h.me(&long).await, 200).await;

    let missing = graph_error(h.get("/me", &[]).await).await;
    assert_eq!(missing["code"], 190);
    assert_eq!(
        missing["message"],
        "An active access token must be used to query information about the current user."
    );
    let garbage = graph_error(h.me("IGAAnotatoken").await).await;
    assert_eq!(garbage["code"], 190);
    assert_eq!(
        garbage["message"],
        "Invalid OAuth access token - Cannot parse access token"
    );

    // Bearer header instead of the query parameter.
    let bearer = h
        .http
        .get(h.url("/v21.0/me"))
        .bearer_auth(&long)
        .send()
        .await
        .unwrap();
    json(bearer, 200).await;

    h.control().advance_clock(61 * DAY);
    let expired = graph_error(h.me(&long).await).await;
    assert_eq!(expired["code"], 190);
    // No subcode: real expiry bodies have none (captured/me_err__400.json).
    assert!(expired.get("error_subcode").is_none(), "{expired}");
    assert_eq!(expired["type"], "OAuthException");
    assert!(
        expired["message"]
            .as_str()
            .unwrap()
            .starts_with("Error validating access token: Session has expired on"),
        "{expired}"
    );
    let refresh = h
        .get(
            "/refresh_access_token",
            &[("grant_type", "ig_refresh_token"), ("access_token", &long)],
        )
        .await;
    assert_eq!(graph_error(refresh).await["code"], 190);

    let other = h.long_token(LOGIN_SCOPE).await;
    h.control().revoke_tokens();
    let revoked = graph_error(h.me(&other).await).await;
    assert_eq!(revoked["code"], 190);
    assert!(revoked.get("error_subcode").is_none(), "{revoked}");
    assert!(
        revoked["message"]
            .as_str()
            .unwrap()
            .contains("changed their password"),
        "{revoked}"
    );
}

// ---------------------------------------------------------------- profile and media

#[tokio::test]
async fn me_answers_only_the_requested_fields_per_flavour() {
    let h = Harness::demo().await;
    let login = h.long_token(LOGIN_SCOPE).await;
    let me = json(h.get("/me", &[("access_token", &login)]).await, 200).await;
    assert_eq!(me.as_object().unwrap().len(), 1, "{me}");
    let fields = "id,user_id,username,account_type,media_count,profile_picture_url,followers_count";
    let me = json(
        h.get("/v21.0/me", &[("access_token", &login), ("fields", fields)])
            .await,
        200,
    )
    .await;
    assert_eq!(me["user_id"], "17841405793187218");
    assert_eq!(me["username"], "larch_and_lake");
    assert_eq!(me["media_count"], 64);
    assert_eq!(me.as_object().unwrap().len(), 7);

    let basic = h.long_token("user_profile,user_media").await;
    assert!(basic.starts_with("IGQ"));
    let me = json(
        h.get(
            "/me",
            &[
                ("access_token", &basic),
                ("fields", "id,username,account_type,media_count"),
            ],
        )
        .await,
        200,
    )
    .await;
    assert_eq!(me["id"], "17841405793187218");
    assert_eq!(me["account_type"], "PERSONAL");
    let error = graph_error(
        h.get(
            "/me",
            &[("access_token", &basic), ("fields", "id,followers_count")],
        )
        .await,
    )
    .await;
    assert_eq!(error["code"], 100);
}

#[tokio::test]
async fn duplicate_and_unknown_fields_are_refused() {
    let h = Harness::demo().await;
    let token = h.long_token(LOGIN_SCOPE).await;
    let response = h
        .get(
            "/me/media",
            &[("access_token", &token), ("fields", "id,caption,id")],
        )
        .await;
    let error = graph_error(response).await;
    assert_eq!(
        error["message"],
        "Field id specified more than once. This is only possible before version 2.1"
    );
    assert_eq!(error["code"], 100);
    let error = graph_error(
        h.get("/me", &[("access_token", &token), ("fields", "id,id")])
            .await,
    )
    .await;
    assert_eq!(error["code"], 100);
    let error = graph_error(
        h.get(
            "/me/media",
            &[("access_token", &token), ("fields", "id,colour")],
        )
        .await,
    )
    .await;
    assert_eq!(error["code"], 100);
}

#[tokio::test]
async fn paging_through_230_posts() {
    let h = Harness::start(FakeConfig {
        post_count: 230,
        ..FakeConfig::demo()
    })
    .await;
    let token = h.long_token(LOGIN_SCOPE).await;
    let me = json(
        h.get("/me", &[("access_token", &token), ("fields", "user_id")])
            .await,
        200,
    )
    .await;
    let user_id = me["user_id"].as_str().unwrap().to_string();

    let mut url = format!(
        "{}/v21.0/{user_id}/media?fields=id%2Ctimestamp&limit=100&access_token={token}",
        h.fake.base_url()
    );
    let mut ids = Vec::new();
    let mut timestamps = Vec::new();
    let mut pages = 0;
    loop {
        pages += 1;
        let page = json(h.get_url(&url).await, 200).await;
        for item in page["data"].as_array().unwrap() {
            ids.push(item["id"].as_str().unwrap().to_string());
            timestamps.push(item["timestamp"].as_str().unwrap().to_string());
        }
        let cursors = &page["paging"]["cursors"];
        assert!(
            cursors["before"].is_string() && cursors["after"].is_string(),
            "{page}"
        );
        match page["paging"]["next"].as_str() {
            Some(next) => {
                assert!(
                    next.starts_with(&format!("{}/v21.0/{user_id}/media?", h.fake.base_url())),
                    "{next}"
                );
                assert!(next.contains("limit=100"));
                url = next.to_string();
            }
            None => break,
        }
        assert!(pages < 10);
    }
    assert_eq!(pages, 3);
    assert_eq!(ids.len(), 230);
    assert_eq!(ids.iter().collect::<HashSet<_>>().len(), 230);
    let mut sorted = timestamps.clone();
    sorted.sort_by(|a, b| b.cmp(a));
    assert_eq!(sorted, timestamps, "newest first");
    assert!(timestamps[0].ends_with("+0000"));

    // Default limit, paging by cursor against the base, and a wrong user id.
    let first = json(h.get("/me/media", &[("access_token", &token)]).await, 200).await;
    assert_eq!(first["data"].as_array().unwrap().len(), 25);
    let after = first["paging"]["cursors"]["after"].as_str().unwrap();
    let second = json(
        h.get("/me/media", &[("access_token", &token), ("after", after)])
            .await,
        200,
    )
    .await;
    assert_eq!(second["data"][0]["id"].as_str(), Some(ids[25].as_str()));
    assert!(second["paging"]["previous"].is_string());
    let wrong = graph_error(
        h.get("/17841400000000000/media", &[("access_token", &token)])
            .await,
    )
    .await;
    assert_eq!(wrong["code"], 100);
}

#[tokio::test]
async fn empty_account_has_no_paging() {
    let h = Harness::start(FakeConfig {
        post_count: 0,
        ..FakeConfig::demo()
    })
    .await;
    let token = h.long_token(LOGIN_SCOPE).await;
    let body = h
        .get("/me/media", &[("access_token", &token)])
        .await
        .text()
        .await
        .unwrap();
    assert_eq!(body, r#"{"data":[]}"#);
}

#[tokio::test]
async fn children_selection_and_media_objects() {
    let h = Harness::demo().await;
    let token = h.long_token(LOGIN_SCOPE).await;
    let fields = "id,media_type,media_url,children{id,media_type,media_url,thumbnail_url}";
    let page = json(
        h.get(
            "/me/media",
            &[
                ("access_token", &token),
                ("fields", fields),
                ("limit", "100"),
            ],
        )
        .await,
        200,
    )
    .await;
    let data = page["data"].as_array().unwrap();
    assert_eq!(data.len(), 64);
    let mut albums = 0;
    for item in data {
        assert!(
            item.get("caption").is_none() && item.get("permalink").is_none(),
            "{item}"
        );
        if item["media_type"] == "CAROUSEL_ALBUM" {
            albums += 1;
            let children = item["children"]["data"].as_array().unwrap();
            assert!((2..=4).contains(&children.len()));
            assert_eq!(children[1]["media_type"], "VIDEO");
            assert!(children[1]["thumbnail_url"].is_string());
            assert!(children[0].get("thumbnail_url").is_none());
            assert!(children[0].get("timestamp").is_none());
        } else {
            assert!(item.get("children").is_none(), "{item}");
        }
    }
    assert!(albums >= 5);
    assert!(
        data.iter()
            .any(|i| i["media_type"] == "CAROUSEL_ALBUM" && i.get("media_url").is_none())
    );

    let album = data
        .iter()
        .find(|i| i["media_type"] == "CAROUSEL_ALBUM")
        .unwrap();
    let id = album["id"].as_str().unwrap();
    let children = json(
        h.get(
            &format!("/v21.0/{id}/children"),
            &[("access_token", &token), ("fields", "id,media_type")],
        )
        .await,
        200,
    )
    .await;
    assert_eq!(
        children["data"],
        album["children"]["data"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| { serde_json::json!({"id": c["id"], "media_type": c["media_type"]}) })
            .collect::<Value>()
    );
    let object = json(
        h.get(
            &format!("/{id}"),
            &[
                ("access_token", &token),
                ("fields", "id,caption,like_count,permalink"),
            ],
        )
        .await,
        200,
    )
    .await;
    assert_eq!(object["id"], id);
    assert!(object["like_count"].is_u64());
    assert!(
        object["permalink"]
            .as_str()
            .unwrap()
            .starts_with("https://www.instagram.com/")
    );
    let missing = graph_error(
        h.get("/17800000000000000", &[("access_token", &token)])
            .await,
    )
    .await;
    assert_eq!(missing["code"], 100);
}

#[tokio::test]
async fn a_refused_field_fails_the_whole_request_like_the_fixture() {
    let h = Harness::demo().await;
    let token = h.long_token(LOGIN_SCOPE).await;
    let fields = instatui::instagram::flavor::Flavor::InstagramLogin.media_fields(true);
    let ask = |path: &'static str, fields: &'static str| {
        let token = token.clone();
        let h = &h;
        async move {
            h.get(
                path,
                &[("access_token", token.as_str()), ("fields", fields)],
            )
            .await
        }
    };
    assert_eq!(ask("/me/media", fields).await.status().as_u16(), 200);
    h.control().refuse_field("media_product_type");
    let error = graph_error(ask("/me/media", fields).await).await;
    let fixture: Value = serde_json::from_str(include_str!(
        "../fixtures/instagram/error_graph_unsupported_field.json"
    ))
    .expect("fixture");
    for key in ["message", "type", "code"] {
        assert_eq!(error[key], fixture["error"][key], "{key}: {error}");
    }
    assert!(error.get("error_subcode").is_none(), "{error}");
    // Nested in children as well, and only that field: the rest still works.
    let error = graph_error(ask("/me/media", "id,children{id,media_product_type}").await).await;
    assert_eq!(error["code"], 100);
    assert_eq!(
        ask("/me/media", "id,caption,like_count")
            .await
            .status()
            .as_u16(),
        200
    );
}

#[tokio::test]
async fn demo_feed_has_every_documented_oddity() {
    let h = Harness::demo().await;
    let token = h.long_token(LOGIN_SCOPE).await;
    let fields = instatui::instagram::flavor::Flavor::InstagramLogin.media_fields(true);
    let response = h
        .get(
            "/me/media",
            &[
                ("access_token", &token),
                ("fields", fields),
                ("limit", "100"),
            ],
        )
        .await;
    assert_eq!(
        response.headers()["content-type"].to_str().unwrap(),
        "application/json; charset=UTF-8"
    );
    let raw = response.text().await.unwrap();
    assert!(
        raw.contains(r"https:\/\/www.instagram.com\/"),
        "slashes are escaped"
    );
    assert!(raw.is_ascii(), "non-ASCII is \\u-escaped like Graph");
    let page: instatui::instagram::model::MediaPage = serde_json::from_str(&raw).unwrap();
    let items = &page.data;
    assert_eq!(items.len(), 64);
    assert!(page.next_cursor().is_none());
    assert!(items.iter().filter(|m| m.caption.is_none()).count() >= 10);
    assert!(
        items
            .iter()
            .any(|m| m.caption.as_deref().is_some_and(|c| c.contains('\n')))
    );
    assert!(
        items
            .iter()
            .any(|m| m.caption.as_deref().is_some_and(|c| c.contains("مساء")))
    );
    assert!(items.iter().any(|m| {
        m.caption
            .as_deref()
            .is_some_and(|c| c.chars().count() > 1000)
    }));
    assert!(
        items
            .iter()
            .any(|m| m.caption.as_deref().is_some_and(|c| c.contains('🌲')))
    );
    assert!(
        items
            .iter()
            .any(|m| m.media_type.as_deref() == Some("VIDEO") && m.permalink.is_none())
    );
    assert!(
        items
            .iter()
            .any(|m| m.media_product_type.as_deref() == Some("REELS"))
    );
    assert!(
        items
            .iter()
            .all(|m| m.like_count.is_some() && m.id.len() == 17)
    );
    for video in items
        .iter()
        .filter(|m| m.media_type.as_deref() == Some("VIDEO"))
    {
        assert!(video.thumbnail_url.is_some());
    }
    assert_eq!(
        items[0].timestamp.as_deref(),
        Some("2026-11-20T18:04:11+0000")
    );

    let basic = h.long_token("user_profile,user_media").await;
    let fields = instatui::instagram::flavor::Flavor::BasicDisplay.media_fields(true);
    let page = json(
        h.get("/me/media", &[("access_token", &basic), ("fields", fields)])
            .await,
        200,
    )
    .await;
    assert!(page["data"][0].get("like_count").is_none());
}

// ---------------------------------------------------------------- CDN

#[tokio::test]
async fn cdn_serves_pictures_until_the_signature_expires() {
    let h = Harness::demo().await;
    let token = h.long_token(LOGIN_SCOPE).await;
    let fields = "id,media_type,media_url,thumbnail_url";
    let page = json(
        h.get(
            "/me/media",
            &[
                ("access_token", &token),
                ("fields", fields),
                ("limit", "20"),
            ],
        )
        .await,
        200,
    )
    .await;
    let data = page["data"].as_array().unwrap();
    let image = data.iter().find(|i| i["media_type"] == "IMAGE").unwrap()["media_url"]
        .as_str()
        .unwrap()
        .to_string();
    let video = data.iter().find(|i| i["media_type"] == "VIDEO").unwrap();
    assert!(
        image.starts_with(&format!("{}/cdn/", h.fake.base_url())) && image.contains("oe="),
        "{image}"
    );

    let mut types = HashSet::new();
    for item in data {
        // The album without media_url has nothing to fetch at this level.
        let Some(url) = item["thumbnail_url"]
            .as_str()
            .or(item["media_url"].as_str())
        else {
            continue;
        };
        let response = h.get_url(url).await;
        assert_eq!(response.status(), 200, "{url}");
        types.insert(
            response.headers()["content-type"]
                .to_str()
                .unwrap()
                .to_string(),
        );
        assert!(!response.bytes().await.unwrap().is_empty());
    }
    assert!(types.contains("image/jpeg"), "{types:?}");
    let mp4 = h.get_url(video["media_url"].as_str().unwrap()).await;
    assert_eq!(mp4.headers()["content-type"], "video/mp4");

    h.control().expire_cdn_urls();
    let expired = h.get_url(&image).await;
    assert_eq!(expired.status(), 403);
    assert_eq!(expired.text().await.unwrap(), "URL signature expired");
    // Refetching the feed renews the URLs; the fake clock also expires them.
    let page = json(
        h.get(
            "/me/media",
            &[("access_token", &token), ("fields", fields), ("limit", "1")],
        )
        .await,
        200,
    )
    .await;
    let renewed = page["data"][0]["media_url"].as_str().unwrap().to_string();
    assert_eq!(h.get_url(&renewed).await.status(), 200);
    h.control().advance_clock(7 * HOUR);
    let late = h.get_url(&renewed).await;
    assert_eq!(late.status(), 403);
    assert_eq!(late.text().await.unwrap(), "URL signature expired");
    let tampered = renewed.replace("oh=00_", "oh=00_f");
    assert_eq!(h.get_url(&tampered).await.status(), 403);
}

// ---------------------------------------------------------------- faults and recording

#[tokio::test]
async fn each_fault_answers_as_described() {
    let h = Harness::demo().await;
    let token = h.long_token(LOGIN_SCOPE).await;
    let c = h.control();

    c.inject(Fault::Html502, 1);
    let response = h.me(&token).await;
    assert_eq!(response.status(), 502);
    assert!(
        response.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/html")
    );
    assert!(
        response
            .text()
            .await
            .unwrap()
            .contains("<title>502 Bad Gateway</title>")
    );

    c.inject(Fault::Status500, 1);
    let body = json(h.me(&token).await, 500).await;
    assert_eq!(body["error"]["is_transient"], true);

    c.inject(Fault::RateLimited, 1);
    let body = json(h.me(&token).await, 429).await;
    assert_eq!(body["error"]["code"], 4);
    assert_eq!(
        body["error"]["message"],
        "(#4) Application request limit reached"
    );

    c.inject(Fault::InstagramRateLimit { minutes: 12 }, 1);
    let response = h.me(&token).await;
    let usage = response.headers()["x-business-use-case-usage"]
        .to_str()
        .unwrap()
        .to_string();
    assert!(
        usage.contains(r#""estimated_time_to_regain_access":12"#),
        "{usage}"
    );
    let body = json(response, 400).await;
    assert_eq!(body["error"]["code"], 80002);
    assert_eq!(body["error"]["type"], "OAuthException");

    c.inject(Fault::Slow(Duration::from_millis(150)), 1);
    let started = Instant::now();
    json(h.me(&token).await, 200).await;
    assert!(started.elapsed() >= Duration::from_millis(150));

    c.inject(Fault::Truncated, 1);
    let response = h.me(&token).await;
    assert_eq!(response.status(), 200);
    let text = response.text().await.unwrap();
    assert!(
        text.starts_with('{') && serde_json::from_str::<Value>(&text).is_err(),
        "{text}"
    );

    c.inject(
        Fault::Canned {
            status: 418,
            content_type: "text/plain".into(),
            body: "teapot".into(),
        },
        2,
    );
    for _ in 0..2 {
        let response = h.me(&token).await;
        assert_eq!(response.status(), 418);
        assert_eq!(response.text().await.unwrap(), "teapot");
    }
    json(h.me(&token).await, 200).await;

    // inject_on only hits matching paths, with or without the version prefix.
    c.inject_on("/me/media", Fault::Status500, 1);
    json(h.me(&token).await, 200).await;
    json(
        h.get("/v21.0/me/media", &[("access_token", &token)]).await,
        500,
    )
    .await;
    json(h.get("/me/media", &[("access_token", &token)]).await, 200).await;
}

#[tokio::test]
async fn requests_are_recorded_in_order_and_usage_grows() {
    let h = Harness::demo().await;
    let first = h.get("/v21.0/me", &[("access_token", "x")]).await;
    let second = h.get("/me/media", &[("fields", "id")]).await;
    let usage = |r: &reqwest::Response| -> u64 {
        let header = r.headers()["x-app-usage"].to_str().unwrap().to_string();
        serde_json::from_str::<Value>(&header).unwrap()["call_count"]
            .as_u64()
            .unwrap()
    };
    assert!(usage(&second) > usage(&first));
    let requests = h.control().requests();
    assert_eq!(requests.len(), 2);
    assert_eq!(requests[0].method, "GET");
    assert_eq!(requests[0].path, "/v21.0/me");
    assert_eq!(requests[0].query, "access_token=x");
    assert_eq!(requests[1].path, "/me/media");
    assert_eq!(requests[1].query, "fields=id");
}

#[tokio::test]
async fn clock_moves_only_when_told() {
    let h = Harness::demo().await;
    let before = h.control().now();
    h.control().advance_clock(DAY);
    let after = h.control().now();
    assert!(after - before >= time::Duration::days(1));
    assert!(after - before < time::Duration::days(1) + time::Duration::minutes(5));
}
