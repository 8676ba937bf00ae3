//! Property tests: whatever body Instagram (or anyone) sends and whatever a
//! user pastes, decoding ends in a value or an error, never a panic.

use instatui::instagram::model::parse_profile;
use instatui::instagram::paste::parse_paste;
use instatui::instagram::{ApiError, LongToken, MediaPage, ShortToken};
use proptest::prelude::*;

/// Arbitrary JSON, nested a few levels, with the API's field names mixed in
/// so the decoders get past their first check now and then.
fn json() -> impl Strategy<Value = serde_json::Value> {
    let key = prop_oneof![
        Just("data".to_string()),
        Just("id".to_string()),
        Just("paging".to_string()),
        Just("cursors".to_string()),
        Just("after".to_string()),
        Just("next".to_string()),
        Just("caption".to_string()),
        Just("timestamp".to_string()),
        Just("children".to_string()),
        Just("media_type".to_string()),
        Just("access_token".to_string()),
        Just("user_id".to_string()),
        Just("expires_in".to_string()),
        Just("error".to_string()),
        Just("error_message".to_string()),
        Just("code".to_string()),
        "[a-z_]{0,12}",
    ];
    let leaf = prop_oneof![
        Just(serde_json::Value::Null),
        any::<bool>().prop_map(serde_json::Value::from),
        any::<i64>().prop_map(serde_json::Value::from),
        any::<u64>().prop_map(serde_json::Value::from),
        any::<f64>().prop_map(serde_json::Value::from),
        ".{0,40}".prop_map(serde_json::Value::from),
    ];
    leaf.prop_recursive(4, 64, 8, move |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..8).prop_map(serde_json::Value::Array),
            prop::collection::vec((key.clone(), inner), 0..8)
                .prop_map(|pairs| serde_json::Value::Object(pairs.into_iter().collect())),
        ]
    })
}

fn decode_everything(body: &[u8]) {
    let _ = serde_json::from_slice::<MediaPage>(body);
    let _ = serde_json::from_slice::<ShortToken>(body);
    let _ = serde_json::from_slice::<LongToken>(body);
    let _ = parse_profile(body);
    for status in [200, 400, 429, 500, 502] {
        let err = ApiError::from_response(status, Some("application/json"), body);
        let _ = err.to_string();
    }
    if let Ok(page) = serde_json::from_slice::<MediaPage>(body) {
        let _ = page.next_cursor();
        for media in &page.data {
            let _ = (
                media.posted_at(),
                media.preview_url(),
                media.caption_first_line(),
            );
            let _ = media.children();
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn any_json_body_decodes_or_fails_cleanly(value in json()) {
        let body = serde_json::to_vec(&value).expect("serialise");
        decode_everything(&body);
        // And wrapped as a page, so per-item decoding is exercised.
        let page = serde_json::json!({"data": [value.clone(), value]});
        decode_everything(&serde_json::to_vec(&page).expect("serialise"));
    }

    #[test]
    fn any_bytes_decode_or_fail_cleanly(body in prop::collection::vec(any::<u8>(), 0..512)) {
        decode_everything(&body);
    }

    #[test]
    fn any_paste_parses_or_fails_cleanly(
        text in ".{0,300}",
        state in prop::option::of("[0-9a-f]{32}"),
    ) {
        let _ = parse_paste(&text, state.as_deref(), Some("https://example.org/auth/"));
        let _ = parse_paste(&text, state.as_deref(), None);
        let url = format!("https://example.org/auth/?{text}");
        if let Err(e) = parse_paste(&url, state.as_deref(), Some("https://example.org/auth/")) {
            prop_assert!(!e.to_string().is_empty());
        }
    }

    #[test]
    fn a_pasted_redirect_is_only_taken_with_the_pending_state(
        code in "AQB[A-Za-z0-9_-]{16,200}",
        state in "[0-9a-f]{32}",
        other in "[0-9a-f]{32}",
    ) {
        let url = format!("https://example.org/auth/?code={code}&state={state}#_");
        let taken = parse_paste(&url, Some(&state), None);
        prop_assert_eq!(taken.map(|p| p.code), Ok(code.clone()));
        if other != state {
            prop_assert!(parse_paste(&url, Some(&other), None).is_err());
        }
        prop_assert!(parse_paste(&url, None, None).is_err());
        let stateless = format!("https://example.org/auth/?code={code}");
        prop_assert!(parse_paste(&stateless, Some(&state), None).is_err());
    }
}
