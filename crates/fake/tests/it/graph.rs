//! The Graph host's data: `/me`, `/me/media` and its paging, media objects
//! and children, field selection and its refusals, the demo feed's oddities.

use crate::harness::*;

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
    let fields = instatui_instagram::flavor::Flavor::InstagramLogin.media_fields(true);
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
        "../../../../tests/fixtures/instagram/error_graph_unsupported_field.json"
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
    let fields = instatui_instagram::flavor::Flavor::InstagramLogin.media_fields(true);
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
    let page: instatui_instagram::model::MediaPage = serde_json::from_str(&raw).unwrap();
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
    let fields = instatui_instagram::flavor::Flavor::BasicDisplay.media_fields(true);
    let page = json(
        h.get("/me/media", &[("access_token", &basic), ("fields", fields)])
            .await,
        200,
    )
    .await;
    assert!(page["data"][0].get("like_count").is_none());
}
