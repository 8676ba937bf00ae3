//! Several users: each who logs in (a test's `sign_in_as`, or the login
//! page a browser gets) has codes and tokens for their own profile and
//! posts only; another user's are refused as Graph refuses them.

use crate::harness::*;

/// The ids of one page of `/me/media` with `token`, and its captions.
async fn own_posts(h: &Harness, token: &str) -> (Vec<String>, Vec<String>) {
    let page = json(
        h.get(
            "/me/media",
            &[
                ("access_token", token),
                ("fields", "id,caption,username"),
                ("limit", "100"),
            ],
        )
        .await,
        200,
    )
    .await;
    let data = page["data"].as_array().expect("data").clone();
    let ids = data
        .iter()
        .map(|p| p["id"].as_str().expect("id").to_string())
        .collect();
    let captions = data
        .iter()
        .filter_map(|p| p["caption"].as_str().map(String::from))
        .collect();
    (ids, captions)
}

#[tokio::test]
async fn each_user_who_logs_in_gets_tokens_for_their_own_profile_and_posts_only() {
    use instatui_fake::{DEMO_USER_ID, DEMO_USERNAME, SHOP_USER_ID, SHOP_USERNAME};
    let h = Harness::demo().await;
    assert_eq!(h.control().usernames(), [DEMO_USERNAME, SHOP_USERNAME]);
    assert!(!h.control().sign_in_as("nobody_here"));
    // Nobody signed in by a test: the demo account, as before.
    let demo = h.long_token(LOGIN_SCOPE).await;
    assert!(h.control().sign_in_as(SHOP_USERNAME));
    // A code belongs to who logged in, whoever logs in before it is traded.
    let shop_code = h.code(LOGIN_SCOPE).await;
    assert!(h.control().sign_in_as(DEMO_USER_ID));
    let shop_short = json(
        h.exchange_code(&shop_code, DEMO_APP_SECRET, DEMO_REDIRECT_URI)
            .await,
        200,
    )
    .await;
    let shop_scoped = shop_short["user_id"].to_string();
    let shop = shop_short["access_token"]
        .as_str()
        .expect("token")
        .to_string();

    let fields = "id,user_id,username,name,media_count,profile_picture_url";
    let me = |token: String| {
        let h = &h;
        async move {
            json(
                h.get("/me", &[("access_token", &token), ("fields", fields)])
                    .await,
                200,
            )
            .await
        }
    };
    let (demo_me, shop_me) = (me(demo.clone()).await, me(shop.clone()).await);
    assert_eq!(demo_me["username"], DEMO_USERNAME);
    assert_eq!(shop_me["username"], SHOP_USERNAME);
    assert_eq!(shop_me["user_id"], SHOP_USER_ID);
    assert_eq!(shop_me["id"].as_str(), Some(shop_scoped.as_str()));
    assert_ne!(shop_me["id"], demo_me["id"]);
    assert_eq!(shop_me["media_count"], 12);
    assert_ne!(shop_me["name"], demo_me["name"]);
    // Each profile picture is the user's own.
    let picture = |me: &Value| me["profile_picture_url"].as_str().expect("url").to_string();
    let demo_picture = h
        .get_url(&picture(&demo_me))
        .await
        .bytes()
        .await
        .expect("bytes");
    let shop_picture = h.get_url(&picture(&shop_me)).await;
    assert_eq!(shop_picture.status(), 200);
    assert_ne!(shop_picture.bytes().await.expect("bytes"), demo_picture);

    // Their own posts, nothing in common, each under its own name.
    let (demo_ids, demo_captions) = own_posts(&h, &demo).await;
    let (shop_ids, shop_captions) = own_posts(&h, &shop).await;
    assert_eq!(shop_ids.len(), 12);
    assert!(shop_ids.iter().all(|id| !demo_ids.contains(id)));
    assert!(shop_captions.iter().all(|c| !demo_captions.contains(c)));
    let by_id = json(
        h.get(
            &format!("/{SHOP_USER_ID}/media"),
            &[("access_token", &shop), ("fields", "username")],
        )
        .await,
        200,
    )
    .await;
    assert_eq!(by_id["data"][0]["username"], SHOP_USERNAME);

    // Another user's profile and media: the permission error of the fixture.
    let fixture: Value = serde_json::from_str(include_str!(
        "../../../../tests/fixtures/instagram/error_graph_permission.json"
    ))
    .expect("fixture");
    for path in [format!("/{SHOP_USER_ID}/media"), format!("/{SHOP_USER_ID}")] {
        let error = graph_error(h.get(&path, &[("access_token", &demo)]).await).await;
        for key in ["message", "type", "code"] {
            assert_eq!(error[key], fixture["error"][key], "{path} {key}: {error}");
        }
    }
    // Another user's post is unknown to this token.
    let error = graph_error(
        h.get(&format!("/{}", shop_ids[0]), &[("access_token", &demo)])
            .await,
    )
    .await;
    assert_eq!(
        (error["code"].clone(), error["error_subcode"].clone()),
        (100.into(), 33.into())
    );
    assert_eq!(
        h.get(&format!("/{}", shop_ids[0]), &[("access_token", &shop)])
            .await
            .status(),
        200
    );

    // Usage is reported under the token's user; a refresh stays theirs.
    let response = h.me(&shop).await;
    let usage = response
        .headers()
        .get("x-business-use-case-usage")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string();
    assert!(usage.contains(SHOP_USER_ID), "{usage}");
    let long = h.long_token_for(&shop).await;
    h.control().advance_clock(25 * HOUR);
    let refreshed = json(
        h.get(
            "/refresh_access_token",
            &[("grant_type", "ig_refresh_token"), ("access_token", &long)],
        )
        .await,
        200,
    )
    .await;
    let refreshed = refreshed["access_token"].as_str().expect("refreshed");
    assert_eq!(me(refreshed.to_string()).await["username"], SHOP_USERNAME);
    // Tests can mint for a user too.
    let minted = h
        .control()
        .issue_long_token_for(SHOP_USERNAME, LOGIN_SCOPE)
        .expect("a known user");
    assert_eq!(me(minted).await["username"], SHOP_USERNAME);
    assert!(
        h.control()
            .issue_long_token_for("nobody", LOGIN_SCOPE)
            .is_none()
    );
    // Who to log in as when adding an account.
    let stored = vec![shop_scoped.clone(), DEMO_USERNAME.to_string()];
    assert_eq!(h.control().first_user_not_among(&stored), None);
    assert_eq!(
        h.control()
            .first_user_not_among(&[DEMO_USER_ID.to_string()]),
        Some(SHOP_USERNAME.to_string())
    );
}

#[tokio::test]
async fn a_browser_picks_the_user_on_the_login_page() {
    use instatui_fake::{DEMO_USERNAME, SHOP_USERNAME};
    let h = Harness::start(FakeConfig {
        login_page: true,
        ..FakeConfig::demo()
    })
    .await;
    let response = h
        .authorize(LOGIN_SCOPE, DEMO_REDIRECT_URI, Some("s9"))
        .await;
    assert_eq!(response.status(), 200);
    let page = response.text().await.expect("a page");
    assert!(
        page.contains(&format!("Log in as @{DEMO_USERNAME}")),
        "{page}"
    );
    assert!(
        page.contains(&format!("Log in as @{SHOP_USERNAME}")),
        "{page}"
    );
    // The shop's link: the same request, logged in as the shop.
    let line = page
        .lines()
        .find(|l| l.contains(&format!("@{SHOP_USERNAME}")))
        .expect("a link");
    let href = line
        .split("href=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .expect("href")
        .replace("&amp;", "&");
    let response = h.get_url(&href).await;
    assert_eq!(response.status(), 302);
    let landed = url::Url::parse(&location(&response)).expect("a URL");
    assert!(landed.as_str().starts_with(DEMO_REDIRECT_URI), "{landed}");
    let pairs: Vec<(String, String)> = landed.query_pairs().into_owned().collect();
    assert!(pairs.contains(&("state".into(), "s9".into())), "{pairs:?}");
    let code = pairs
        .iter()
        .find(|(k, _)| k == "code")
        .map(|(_, v)| v.clone())
        .expect("a code");
    let short = json(
        h.exchange_code(&code, DEMO_APP_SECRET, DEMO_REDIRECT_URI)
            .await,
        200,
    )
    .await;
    let token = short["access_token"].as_str().expect("token");
    let me = json(h.me(token).await, 200).await;
    assert_eq!(me["username"], SHOP_USERNAME);

    // A bad request gets Instagram's error, not the login page; so does an unknown user.
    let bad = h
        .authorize(LOGIN_SCOPE, "https://elsewhere.example/", None)
        .await;
    assert_eq!(oauth_error(bad).await, "Invalid redirect_uri");
    let unknown = format!(
        "{}&fake_login=nobody",
        href.split("&fake_login").next().unwrap_or_default()
    );
    let error = oauth_error(h.get_url(&unknown).await).await;
    assert!(error.contains("nobody"), "{error}");
}

#[tokio::test]
async fn revoking_one_users_tokens_leaves_the_others_working() {
    use instatui_fake::{DEMO_USERNAME, SHOP_USERNAME};
    let h = Harness::demo().await;
    let demo = h.long_token(LOGIN_SCOPE).await;
    assert!(h.control().sign_in_as(SHOP_USERNAME));
    let shop = h.long_token(LOGIN_SCOPE).await;
    assert!(!h.control().revoke_tokens_of("nobody_here"));
    assert!(h.control().revoke_tokens_of(SHOP_USERNAME));
    json(h.me(&demo).await, 200).await;
    let revoked = graph_error(h.me(&shop).await).await;
    assert_eq!(revoked["code"], 190);
    assert!(
        revoked["message"]
            .as_str()
            .expect("message")
            .contains("changed their password"),
        "{revoked}"
    );
    // Authorizing again issues a token that works.
    let again = h.long_token(LOGIN_SCOPE).await;
    json(h.me(&again).await, 200).await;
    assert!(h.control().sign_in_as(DEMO_USERNAME));
}
