//! The CDN: pictures served until their URL's signature expires.

use crate::harness::*;

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
