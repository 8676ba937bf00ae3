//! The fake's controls: faults on demand, the requests recorded in order,
//! and a clock that moves only when told.

use crate::harness::*;
use instatui_fake::CLOCK_PATH;

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

/// `instatui fake-server` lets a person move the clock from a shell, to
/// age a token past Instagram's 24 hours and try `refresh` by hand.
#[tokio::test]
async fn the_clock_moves_from_outside_only_where_the_config_allows_it() {
    let refresh = |h: &Harness, token: String| {
        let request = h.http.get(h.url("/refresh_access_token")).query(&[
            ("grant_type", "ig_refresh_token".to_string()),
            ("access_token", token),
        ]);
        async move { request.send().await.unwrap() }
    };
    let advance = |h: &Harness, by: &str| {
        let request = h
            .http
            .post(h.url(CLOCK_PATH))
            .query(&[("advance", by.to_string())]);
        async move { request.send().await.unwrap() }
    };

    // Tests and the demo: the path is not Instagram's, and nothing moves.
    let h = Harness::demo().await;
    let token = h.long_token(LOGIN_SCOPE).await;
    let before = h.control().now();
    assert_ne!(advance(&h, "25h").await.status(), 200);
    assert!(h.control().now() - before < time::Duration::minutes(1));
    assert_eq!(graph_error(refresh(&h, token).await).await["code"], 10);

    let h = Harness::start(FakeConfig {
        clock_control: true,
        ..FakeConfig::demo()
    })
    .await;
    let token = h.long_token(LOGIN_SCOPE).await;
    let young = graph_error(refresh(&h, token.clone()).await).await;
    assert_eq!(young["code"], 10, "{young}");
    let before = h.control().now();
    let body = json(advance(&h, "25h").await, 200).await;
    assert_eq!(body["advanced_by_seconds"], 90_000);
    let moved = h.control().now() - before;
    assert!(moved >= time::Duration::hours(25), "{moved}");
    assert!(
        moved < time::Duration::hours(25) + time::Duration::minutes(1),
        "{moved}"
    );
    let said = time::OffsetDateTime::parse(
        body["now"].as_str().unwrap(),
        &time::format_description::well_known::Rfc3339,
    )
    .unwrap();
    assert!((said - h.control().now()).abs() < time::Duration::minutes(1));
    // Now 25 hours old on the fake's clock: Instagram refreshes it.
    let body = json(refresh(&h, token).await, 200).await;
    assert_eq!(body["expires_in"], 5_184_000);

    // Moves add up; GET only says the time.
    let body = json(advance(&h, "1d12h").await, 200).await;
    assert_eq!(body["advanced_by_seconds"], 90_000 + 129_600);
    let response = h.http.get(h.url(CLOCK_PATH)).send().await.unwrap();
    assert_eq!(json(response, 200).await["advanced_by_seconds"], 219_600);

    // What cannot be done says how to do it.
    for bad in ["soon", "-2h", ""] {
        let response = advance(&h, bad).await;
        assert_eq!(response.status(), 400, "{bad}");
        assert!(response.text().await.unwrap().contains("25h"), "{bad}");
    }
    let response = h.http.post(h.url(CLOCK_PATH)).send().await.unwrap();
    assert_eq!(response.status(), 400);
    assert!(response.text().await.unwrap().contains("advance=25h"));
    let response = h.http.delete(h.url(CLOCK_PATH)).send().await.unwrap();
    assert_eq!(response.status(), 405);
    // Steering is not a request to Instagram: none of it is recorded.
    assert!(
        h.control().requests().iter().all(|r| r.path != CLOCK_PATH),
        "{:?}",
        h.control().requests()
    );
}
