//! The harness: the fake on loopback and an HTTP client that follows no
//! redirect, with the calls of the token flow; what every module imports.

pub(crate) use instatui_fake::{
    Consent, DEMO_APP_ID, DEMO_APP_SECRET, DEMO_REDIRECT_URI, FakeConfig, FakeControl,
    FakeInstagram, Fault, TokenShape,
};
pub(crate) use serde_json::Value;
pub(crate) use std::collections::HashSet;
pub(crate) use std::time::{Duration, Instant};

pub(crate) const HOUR: Duration = Duration::from_secs(3_600);
pub(crate) const DAY: Duration = Duration::from_secs(86_400);
pub(crate) const LOGIN_SCOPE: &str = "instagram_business_basic,instagram_business_manage_comments";

pub(crate) struct Harness {
    pub(crate) fake: FakeInstagram,
    pub(crate) http: reqwest::Client,
}

impl Harness {
    pub(crate) async fn start(config: FakeConfig) -> Harness {
        let _ = rustls::crypto::ring::default_provider().install_default();
        let fake = FakeInstagram::start(config).await.expect("fake starts");
        let http = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .expect("client");
        Harness { fake, http }
    }

    pub(crate) async fn demo() -> Harness {
        Harness::start(FakeConfig::demo()).await
    }

    pub(crate) fn url(&self, path: &str) -> String {
        format!("{}{path}", self.fake.base_url())
    }

    pub(crate) fn control(&self) -> FakeControl {
        self.fake.control()
    }

    pub(crate) async fn authorize(
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

    pub(crate) async fn code(&self, scope: &str) -> String {
        let response = self.authorize(scope, DEMO_REDIRECT_URI, Some("s1")).await;
        assert_eq!(response.status(), 302);
        let location = location(&response);
        let url = url::Url::parse(&location).expect("location is a URL");
        url.query_pairs()
            .find(|(k, _)| k == "code")
            .map(|(_, v)| v.into_owned())
            .expect("a code")
    }

    pub(crate) async fn exchange_code(
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

    pub(crate) async fn short_token(&self, scope: &str) -> String {
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

    pub(crate) async fn long_token(&self, scope: &str) -> String {
        let short = self.short_token(scope).await;
        self.long_token_for(&short).await
    }

    /// Exchanges a short-lived token for a long-lived one.
    pub(crate) async fn long_token_for(&self, short: &str) -> String {
        let body = json(
            self.get(
                "/access_token",
                &[
                    ("grant_type", "ig_exchange_token"),
                    ("client_secret", DEMO_APP_SECRET),
                    ("access_token", short),
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

    pub(crate) async fn get(&self, path: &str, query: &[(&str, &str)]) -> reqwest::Response {
        self.http
            .get(self.url(path))
            .query(query)
            .send()
            .await
            .expect("graph answers")
    }

    pub(crate) async fn me(&self, token: &str) -> reqwest::Response {
        self.get("/me", &[("access_token", token), ("fields", "id,username")])
            .await
    }

    pub(crate) async fn get_url(&self, url: &str) -> reqwest::Response {
        self.http.get(url).send().await.expect("answers")
    }
}

pub(crate) fn location(response: &reqwest::Response) -> String {
    response
        .headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .expect("a Location header")
        .to_string()
}

pub(crate) async fn json(response: reqwest::Response, status: u16) -> Value {
    let got = response.status().as_u16();
    let body = response.text().await.expect("a body");
    assert_eq!(got, status, "{body}");
    serde_json::from_str(&body).unwrap_or_else(|e| panic!("not JSON ({e}): {body}"))
}

pub(crate) async fn graph_error(response: reqwest::Response) -> Value {
    let body = json(response, 400).await;
    assert!(body["error"]["fbtrace_id"].is_string(), "{body}");
    body["error"].clone()
}

pub(crate) async fn oauth_error(response: reqwest::Response) -> String {
    let body = json(response, 400).await;
    assert_eq!(body["error_type"], "OAuthException");
    assert_eq!(body["code"], 400);
    body["error_message"]
        .as_str()
        .expect("a message")
        .to_string()
}
