//! The Graph host's token endpoints: `GET /access_token` (short to
//! long-lived) and `/refresh_access_token`, expiry and revocation.

use crate::harness::*;

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
