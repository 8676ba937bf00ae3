//! The fake's controls: faults on demand, the requests recorded in order,
//! and a clock that moves only when told.

use crate::harness::*;

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
