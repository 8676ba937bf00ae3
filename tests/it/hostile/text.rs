//! The `instatui` binary against a hostile Instagram: posts whose text is
//! made to hurt a terminal or the date code. Each command must finish with
//! its usual output, no panic, and no raw control byte on stdout or stderr.

use crate::common::cli::{Machine, Run};
use crate::common::hostile;
use instatui::fake::{DEMO_USER_ID, Fault};
use instatui::instagram::{Client, Endpoints, Flavor, Media};
use instatui::secret::Secret;

/// An authorized machine whose next `times` feed pages are the real first
/// page (`count` posts) with `edit` applied to its posts.
fn hostile_feed(count: u32, times: usize, edit: impl Fn(&mut Vec<Media>)) -> Machine {
    let m = Machine::with_posts(count as usize);
    m.authorized();
    let token = Secret::new(m.raw_token());
    let client = Client::new(
        Flavor::InstagramLogin,
        Endpoints::single_base(&m.fake.base_url()),
    )
    .expect("client");
    let mut posts =
        m.rt.block_on(client.media_page(&token, "me", None, count))
            .expect("the real page")
            .data;
    edit(&mut posts);
    let body = serde_json::json!({ "data": posts }).to_string();
    m.control().inject_on(
        "/me/media",
        Fault::Canned {
            status: 200,
            content_type: "application/json".into(),
            body,
        },
        times,
    );
    m
}

fn assert_no_panic(run: &Run) {
    assert_ne!(run.code, 101, "{run:?}");
    assert!(!run.stderr.contains("panicked"), "{run:?}");
}

#[test]
fn a_post_from_year_9999_is_listed_and_downloaded() {
    let m = hostile_feed(3, 3, |posts| {
        posts[1].timestamp = Some("9999-12-31T23:59:59-1000".into());
    });
    let run = m.run(&["feed"]);
    assert_no_panic(&run);
    assert_eq!(run.code, 0, "{run:?}");
    assert_eq!(run.stdout.lines().count(), 3, "{run:?}");
    // Newest first: year 9999 heads the list, dated as the server gave it.
    assert!(run.stdout.starts_with("9999-12-31"), "{run:?}");

    let run = m.run(&["feed", "--json"]);
    assert_eq!(run.code, 0, "{run:?}");
    assert!(
        run.stdout.contains("9999-12-31T23:59:59-1000"),
        "kept as sent"
    );

    let out = m.out("saved");
    let run = m.run(&["download", "--out", out.to_str().expect("utf8")]);
    assert_no_panic(&run);
    assert_eq!(run.code, 0, "{run:?}");
    let names: Vec<String> = std::fs::read_dir(&out)
        .expect("saved")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    assert!(
        names.iter().any(|n| n.contains("_9999-12-31_")),
        "{names:?}"
    );
}

fn canned(status: u16, body: String) -> Fault {
    Fault::Canned {
        status,
        content_type: "application/json".into(),
        body,
    }
}

/// Nothing a terminal would act on, on either stream.
fn assert_run_safe(what: &str, run: &Run) {
    assert_no_panic(run);
    hostile::assert_safe(&format!("{what} (stdout)"), &run.stdout);
    hostile::assert_safe(&format!("{what} (stderr)"), &run.stderr);
}

/// JSON on stdout: escaped sequences are text, raw ones must not be there.
fn assert_json_safe(what: &str, run: &Run) {
    assert_no_panic(run);
    hostile::assert_no_controls(&format!("{what} (stdout)"), &run.stdout);
    hostile::assert_safe(&format!("{what} (stderr)"), &run.stderr);
}

#[test]
fn captions_links_and_usernames_reach_the_terminal_without_control_sequences() {
    let evil = hostile::text();
    let m = hostile_feed(3, 2, |posts| {
        for post in posts.iter_mut() {
            post.caption = Some(evil.clone());
            post.permalink = Some(format!("https://www.instagram.com/p/x/{evil}"));
            post.username = Some(evil.clone());
        }
    });
    let run = m.run(&["feed"]);
    assert_run_safe("feed", &run);
    assert_eq!(run.code, 0, "{run:?}");
    assert_eq!(run.stdout.lines().count(), 3, "one line per post: {run:?}");
    // The caption is cut to its column; the link is shown whole.
    hostile::assert_words_kept("feed", &run.stdout, hostile::SEQUENCES.len());

    // JSON keeps every character, escaped, and stays JSON.
    let run = m.run(&["feed", "--json"]);
    assert_json_safe("feed --json", &run);
    assert!(run.stdout.contains("\\u001b]52;c;"), "{}", run.stdout);
    let posts: serde_json::Value = serde_json::from_str(&run.stdout).expect("valid JSON");
    assert_eq!(posts[0]["caption"], evil.as_str(), "nothing lost");
    assert_eq!(posts[0]["username"], evil.as_str());
}

#[test]
fn a_hostile_profile_and_server_messages_are_filtered_on_every_path() {
    let evil = hostile::text();
    let m = Machine::with_posts(3);
    m.authorized();

    // `profile`: the username, in text and in JSON.
    let profile = serde_json::json!({
        "id": DEMO_USER_ID, "user_id": DEMO_USER_ID, "username": evil,
        "account_type": "BUSINESS", "media_count": 3,
    })
    .to_string();
    m.control()
        .inject_on("/me", canned(200, profile.clone()), 2);
    let run = m.run(&["profile"]);
    assert_run_safe("profile", &run);
    assert_eq!(run.code, 0, "{run:?}");
    hostile::assert_words_kept("profile", &run.stdout, hostile::SEQUENCES.len());
    let run = m.run(&["profile", "--json"]);
    assert_json_safe("profile --json", &run);
    let shown: serde_json::Value = serde_json::from_str(&run.stdout).expect("valid JSON");
    assert_eq!(shown["username"], evil.as_str());

    // `token` shows the stored username.
    let run = m.run(&["token"]);
    assert_run_safe("token", &run);
    assert_eq!(run.code, 0, "{run:?}");
    hostile::assert_words_kept("token", &run.stdout, hostile::SEQUENCES.len());

    // A server error message: on stderr now, and stored as the last refresh's.
    let error = serde_json::json!({
        "error": {"message": evil, "type": "OAuthException", "code": 100}
    })
    .to_string();
    m.control()
        .inject_on("/refresh_access_token", canned(400, error.clone()), 1);
    let run = m.run(&["refresh", "--force"]);
    assert_run_safe("refresh error", &run);
    assert_eq!(run.code, 1, "{run:?}");
    assert!(run.stderr.contains("w00"), "{run:?}");
    let run = m.run(&["token"]);
    assert_run_safe("token after a failed refresh", &run);
    assert!(run.stdout.contains("failed"), "{run:?}");
    let run = m.run(&["token", "--json"]);
    assert_json_safe("token --json", &run);
    serde_json::from_str::<serde_json::Value>(&run.stdout).expect("valid JSON");

    // An error answer to the feed.
    m.control().inject_on("/me/media", canned(400, error), 1);
    let run = m.run(&["feed"]);
    assert_run_safe("feed error", &run);
    assert_eq!(run.code, 1, "{run:?}");
    assert!(run.stderr.contains("w00"), "{run:?}");
}

#[test]
fn a_megabyte_caption_is_listed_on_one_line() {
    // Width never grows through combining marks: fitting it was quadratic.
    let caption = format!("a{}b", "\u{301}".repeat(500_000));
    let m = hostile_feed(3, 1, |posts| posts[0].caption = Some(caption.clone()));
    let run = m.run(&["feed"]);
    assert_eq!(run.code, 0, "{run:?}");
    assert_eq!(run.stdout.lines().count(), 3);
    assert!(run.stdout.lines().next().is_some_and(|l| l.contains('a')));
}
