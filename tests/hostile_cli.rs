//! The `instatui` binary against a hostile Instagram: what a user sees when
//! bodies never end, paging loops or a redirect points elsewhere.

mod common;

use common::cli::Machine;
use instatui::fake::{DEMO_USER_ID, Fault};

fn media_path() -> String {
    format!("/{DEMO_USER_ID}/media")
}

#[test]
fn feed_on_an_endless_body_ends_with_one_clear_line() {
    let m = Machine::demo();
    m.authorized();
    m.control().inject_on(&media_path(), Fault::Endless, 10);
    let run = m.run(&["feed", "--all"]);
    assert_eq!(run.code, 1, "{run:?}");
    assert_eq!(run.stderr.trim().lines().count(), 1, "{run:?}");
    assert!(run.stderr.contains("was larger than 8 MiB"), "{run:?}");
    assert_eq!(m.requests_to("/media"), 1, "not retried");
}

/// Real posts of the fake (with working CDN URLs), as JSON values.
fn real_posts(m: &Machine, n: usize) -> Vec<serde_json::Value> {
    let run = m.run(&["feed", "--json", "--limit", &n.to_string()]);
    assert_eq!(run.code, 0, "{run:?}");
    serde_json::from_str(&run.stdout).expect("feed --json")
}

/// A page of `posts` whose `after` cursor is `after`, with a `next`.
fn canned_page(posts: &[serde_json::Value], after: &str) -> Fault {
    let body = serde_json::json!({
        "data": posts,
        "paging": {
            "cursors": {"before": "B", "after": after},
            "next": format!("https://graph.instagram.com/v21.0/{DEMO_USER_ID}/media?after={after}"),
        }
    });
    Fault::Canned {
        status: 200,
        content_type: "application/json".into(),
        body: body.to_string(),
    }
}

/// Pages whose cursors go A, B, A, B… for as long as asked.
fn alternating(m: &Machine) -> Vec<serde_json::Value> {
    let posts = real_posts(m, 4);
    m.control().inject_on(
        &media_path(),
        Fault::Cycle(vec![
            canned_page(&posts[..2], "A"),
            canned_page(&posts[2..], "B"),
        ]),
        1_000,
    );
    posts
}

#[test]
fn feed_all_stops_when_the_cursors_go_in_a_circle() {
    let m = Machine::demo();
    m.authorized();
    alternating(&m);
    let before = m.requests_to("/media");
    let run = m.run(&["feed", "--all", "--json"]);
    assert_eq!(run.code, 0, "{run:?}");
    // First page (→ B), B's page (→ A), A's page again (→ B: seen): stop.
    assert_eq!(
        m.requests_to("/media") - before,
        3,
        "was: ~23 requests/s forever"
    );
    assert!(run.stderr.contains("went in a circle"), "{run:?}");
    let listed: Vec<serde_json::Value> = serde_json::from_str(&run.stdout).expect("json");
    assert_eq!(listed.len(), 4, "what arrived is listed, once each");
}

#[test]
fn feed_all_stops_at_an_empty_page_that_announces_more() {
    let m = Machine::demo();
    m.authorized();
    // Empty pages whose cursors never repeat back to back.
    m.control().inject_on(
        &media_path(),
        Fault::Cycle(vec![canned_page(&[], "E1"), canned_page(&[], "E2")]),
        1_000,
    );
    let before = m.requests_to("/media");
    let run = m.run(&["feed", "--all"]);
    assert_eq!(run.code, 0, "{run:?}");
    assert_eq!(m.requests_to("/media") - before, 1, "{run:?}");
    assert!(run.stderr.contains("no new posts"), "{run:?}");
    assert!(run.stdout.contains("No posts"), "{run:?}");
}

#[test]
fn download_all_and_since_stop_when_the_cursors_go_in_a_circle() {
    let m = Machine::demo();
    m.authorized();
    alternating(&m);
    let out = m.out("all");
    let before = m.requests_to("/media");
    let run = m.run(&["download", "--all", "--out", out.to_str().expect("utf8")]);
    assert_eq!(run.code, 0, "{run:?}");
    assert_eq!(m.requests_to("/media") - before, 3);
    assert!(run.stderr.contains("went in a circle"), "{run:?}");
    assert!(run.stdout.contains("from 4 posts"), "{run:?}");

    let out = m.out("since");
    let before = m.requests_to("/media");
    let run = m.run(&[
        "download",
        "--since",
        "2000-01-01",
        "--out",
        out.to_str().expect("utf8"),
    ]);
    assert_eq!(run.code, 0, "{run:?}");
    assert_eq!(m.requests_to("/media") - before, 3);
    assert!(run.stderr.contains("went in a circle"), "{run:?}");
}
