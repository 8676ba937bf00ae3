//! Insights and comments: Meta's documented shapes, behind their scopes, and
//! Instagram's own states (not enough viewers, an empty set, album items).

use crate::harness::*;
use instatui_fake::{COMMENTS_SCOPE, INSIGHTS_SCOPE};

const ALL: &str = "instagram_business_basic,instagram_business_manage_insights,instagram_business_manage_comments";

/// The demo feed's first `n` posts as (id, media_product_type, children ids).
async fn posts(h: &Harness, token: &str, n: usize) -> Vec<Value> {
    let limit = n.to_string();
    let page = json(
        h.get(
            "/me/media",
            &[
                ("access_token", token),
                ("fields", "id,media_product_type,children{id}"),
                ("limit", &limit),
            ],
        )
        .await,
        200,
    )
    .await;
    page["data"].as_array().unwrap().clone()
}

#[tokio::test]
async fn media_insights_have_the_documented_shape_and_states() {
    let h = Harness::demo().await;
    let token = h.control().issue_long_token(ALL);
    let posts = posts(&h, &token, 12).await;
    let first = posts[0]["id"].as_str().unwrap();
    let metrics = "views,reach,saved,shares,total_interactions";
    let path = format!("/v25.0/{first}/insights");
    let body = json(
        h.get(&path, &[("access_token", &token), ("metric", metrics)])
            .await,
        200,
    )
    .await;
    let data = body["data"].as_array().unwrap();
    assert_eq!(data.len(), 5, "{body}");
    for entry in data {
        assert_eq!(entry["period"], "lifetime");
        assert!(entry["values"][0]["value"].is_u64(), "{entry}");
        assert!(entry["title"].is_string() && entry["description"].is_string());
        let name = entry["name"].as_str().unwrap();
        assert_eq!(entry["id"], format!("{first}/insights/{name}/lifetime"));
    }

    // The watch time is for reels only.
    let reel = posts
        .iter()
        .find(|p| p["media_product_type"] == "REELS")
        .unwrap()["id"]
        .as_str()
        .unwrap();
    let ok = json(
        h.get(
            &format!("/{reel}/insights"),
            &[
                ("access_token", &token),
                ("metric", "ig_reels_avg_watch_time"),
            ],
        )
        .await,
        200,
    )
    .await;
    assert!(ok["data"][0]["values"][0]["value"].as_u64().unwrap() > 1000);
    let refused = graph_error(
        h.get(
            &path,
            &[
                ("access_token", &token),
                ("metric", "ig_reels_avg_watch_time"),
            ],
        )
        .await,
    )
    .await;
    assert_eq!(refused["code"], 100);

    // Post 5: not enough viewers; post 9: not computed yet (empty set).
    let few = posts[5]["id"].as_str().unwrap();
    let error = graph_error(
        h.get(
            &format!("/{few}/insights"),
            &[("access_token", &token), ("metric", metrics)],
        )
        .await,
    )
    .await;
    assert_eq!(error["code"], 10);
    assert!(
        error["message"]
            .as_str()
            .unwrap()
            .contains("Not enough viewers")
    );
    let new = posts[9]["id"].as_str().unwrap();
    let empty = json(
        h.get(
            &format!("/{new}/insights"),
            &[("access_token", &token), ("metric", metrics)],
        )
        .await,
        200,
    )
    .await;
    assert_eq!(empty["data"], serde_json::json!([]));

    // Album items have none of their own.
    let child = posts
        .iter()
        .find_map(|p| p["children"]["data"][0]["id"].as_str())
        .unwrap();
    let error = graph_error(
        h.get(
            &format!("/{child}/insights"),
            &[("access_token", &token), ("metric", metrics)],
        )
        .await,
    )
    .await;
    assert!(
        error["message"].as_str().unwrap().contains("album"),
        "{error}"
    );

    // No metric, or an unknown one: code 100.
    let error = graph_error(h.get(&path, &[("access_token", &token)]).await).await;
    assert_eq!(error["code"], 100);
    let error = graph_error(
        h.get(
            &path,
            &[("access_token", &token), ("metric", "impressions")],
        )
        .await,
    )
    .await;
    assert_eq!(error["code"], 100);
}

#[tokio::test]
async fn insights_and_comments_need_their_scopes() {
    let h = Harness::demo().await;
    let basic = h.control().issue_long_token("instagram_business_basic");
    let first = posts(&h, &basic, 1).await[0]["id"]
        .as_str()
        .unwrap()
        .to_string();
    for (path, query) in [
        (format!("/{first}/insights"), ("metric", "reach")),
        (format!("/{first}/comments"), ("fields", "id,text")),
        ("/me/insights".to_string(), ("metric", "reach")),
    ] {
        let error = graph_error(h.get(&path, &[("access_token", &basic), query]).await).await;
        assert_eq!(error["code"], 10, "{path}: {error}");
    }
    let insights_only = h
        .control()
        .issue_long_token(&format!("instagram_business_basic,{INSIGHTS_SCOPE}"));
    let error = graph_error(
        h.get(
            &format!("/{first}/comments"),
            &[("access_token", &insights_only)],
        )
        .await,
    )
    .await;
    assert_eq!(error["code"], 10);
    let comments_only = h
        .control()
        .issue_long_token(&format!("instagram_business_basic,{COMMENTS_SCOPE}"));
    json(
        h.get(
            &format!("/{first}/comments"),
            &[("access_token", &comments_only)],
        )
        .await,
        200,
    )
    .await;
}

#[tokio::test]
async fn account_totals_use_total_value_over_at_most_30_days() {
    let h = Harness::demo().await;
    let token = h.control().issue_long_token(ALL);
    let now = time::OffsetDateTime::now_utc().unix_timestamp();
    let window = |days: i64| ((now - days * 86_400).to_string(), now.to_string());
    let ask = |since: String, until: String, metric_type: &'static str| {
        let token = token.clone();
        let h = &h;
        async move {
            h.get(
                "/17841405793187218/insights",
                &[
                    ("access_token", token.as_str()),
                    ("metric", "views,reach,accounts_engaged,total_interactions"),
                    ("period", "day"),
                    ("metric_type", metric_type),
                    ("since", &since),
                    ("until", &until),
                ],
            )
            .await
        }
    };
    let (since, until) = window(7);
    let week = json(ask(since, until, "total_value").await, 200).await;
    let (since, until) = window(30);
    let month = json(ask(since, until, "total_value").await, 200).await;
    assert_eq!(week["data"].as_array().unwrap().len(), 4);
    for (w, m) in week["data"]
        .as_array()
        .unwrap()
        .iter()
        .zip(month["data"].as_array().unwrap())
    {
        assert_eq!(w["period"], "day");
        assert!(w.get("values").is_none(), "{w}");
        let (w, m) = (
            w["total_value"]["value"].as_u64().unwrap(),
            m["total_value"]["value"].as_u64().unwrap(),
        );
        assert!(m > w, "30 days ({m}) add up to more than 7 ({w})");
    }
    let (since, until) = window(31);
    assert_eq!(
        graph_error(ask(since, until, "total_value").await).await["code"],
        100
    );
    let (since, until) = window(7);
    assert_eq!(
        graph_error(ask(since, until, "time_series").await).await["code"],
        100
    );
}

#[tokio::test]
async fn comments_page_with_replies_and_refuse_unknown_fields() {
    let h = Harness::demo().await;
    let token = h.control().issue_long_token(ALL);
    // The second post has 33 comments: two pages of 25.
    let post = posts(&h, &token, 2).await[1]["id"]
        .as_str()
        .unwrap()
        .to_string();
    let path = format!("/{post}/comments");
    let fields = "id,text,username,timestamp,like_count,replies{id,text,username,timestamp}";
    let first = json(
        h.get(&path, &[("access_token", &token), ("fields", fields)])
            .await,
        200,
    )
    .await;
    let data = first["data"].as_array().unwrap();
    assert_eq!(data.len(), 25);
    assert!(
        data.iter()
            .all(|c| c["text"].is_string() && c["username"].is_string())
    );
    assert!(
        data.iter()
            .any(|c| c["replies"]["data"][0]["text"].is_string())
    );
    let after = first["paging"]["cursors"]["after"].as_str().unwrap();
    assert!(first["paging"]["next"].is_string());
    let second = json(
        h.get(
            &path,
            &[
                ("access_token", &token),
                ("fields", fields),
                ("after", after),
            ],
        )
        .await,
        200,
    )
    .await;
    assert_eq!(second["data"].as_array().unwrap().len(), 8);
    assert!(second["paging"].get("next").is_none());
    let error = graph_error(
        h.get(&path, &[("access_token", &token), ("fields", "id,secret")])
            .await,
    )
    .await;
    assert_eq!(error["code"], 100);
}
