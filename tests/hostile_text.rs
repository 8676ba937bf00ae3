//! The `instatui` binary against a hostile Instagram: posts whose text is
//! made to hurt a terminal or the date code. Each command must finish with
//! its usual output, no panic, and no raw control byte on stdout or stderr.

mod common;

use common::cli::Machine;
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
        m.rt.block_on(client.media_page(&token, DEMO_USER_ID, None, count))
            .expect("the real page")
            .data;
    edit(&mut posts);
    let body = serde_json::json!({ "data": posts }).to_string();
    m.control().inject_on(
        &format!("/{DEMO_USER_ID}/media"),
        Fault::Canned {
            status: 200,
            content_type: "application/json".into(),
            body,
        },
        times,
    );
    m
}

fn assert_no_panic(run: &common::cli::Run) {
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
