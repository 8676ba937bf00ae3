//! The OAuth host: `GET /oauth/authorize` (consent, its refusals) and
//! `POST /oauth/access_token` (the code exchange, every documented error).

use crate::harness::*;

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
        let parsed: instatui_instagram::model::ShortToken = serde_json::from_str(&raw).unwrap();
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
