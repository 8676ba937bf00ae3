//! `profile`, `insights` and `comments` end to end against the fake: the
//! numbers it serves, Instagram's states, and exit 3 naming the command
//! that adds a missing permission.

use crate::common::cli::Machine;
use instatui::fake::{DEMO_APP_ID, DEMO_REDIRECT_URI};
use serde_json::Value;

const ALL_SCOPES: &str = "instagram_business_basic,instagram_business_manage_insights,instagram_business_manage_comments";

/// Set up with `scopes`, authorized and exchanged.
fn authorized_with(m: &Machine, scopes: &str) {
    let run = m.run(&[
        "setup",
        "--app-id",
        DEMO_APP_ID,
        "--redirect-uri",
        DEMO_REDIRECT_URI,
        "--scopes",
        scopes,
    ]);
    assert_eq!(run.code, 0, "{run:?}");
    let landed = m.authorize_in_browser();
    let run = m.run(&["exchange", &landed]);
    assert_eq!(run.code, 0, "{run:?}");
}

fn post_ids(m: &Machine, n: &str) -> Vec<String> {
    let run = m.run(&["feed", "--json", "--limit", n]);
    assert_eq!(run.code, 0, "{run:?}");
    let posts: Value = serde_json::from_str(&run.stdout).unwrap();
    posts
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["id"].as_str().unwrap().to_string())
        .collect()
}

fn json(run: &crate::common::cli::Run) -> Value {
    assert_eq!(run.code, 0, "{run:?}");
    serde_json::from_str(&run.stdout).unwrap_or_else(|e| panic!("{e}: {run:?}"))
}

#[test]
fn without_the_permissions_both_commands_exit_3_naming_the_commands_that_add_them() {
    let m = Machine::demo();
    m.authorized();
    let id = post_ids(&m, "1").remove(0);
    let before = m.control().requests().len();
    for (args, scope) in [
        (
            vec!["insights", "--post", id.as_str()],
            "instagram_business_manage_insights",
        ),
        (vec!["insights"], "instagram_business_manage_insights"),
        (
            vec!["comments", id.as_str(), "--json"],
            "instagram_business_manage_comments",
        ),
    ] {
        let run = m.run(&args);
        assert_eq!(run.code, 3, "{args:?}: {run:?}");
        assert!(run.stderr.contains(scope), "{run:?}");
        assert!(
            run.stderr.contains(&format!(
                "instatui setup --app-id {DEMO_APP_ID} --redirect-uri '{DEMO_REDIRECT_URI}' --scopes instagram_business_basic,{scope}"
            )),
            "{run:?}"
        );
        assert!(run.stderr.contains("instatui authorize --open"), "{run:?}");
    }
    // The token says what it was granted: nothing was asked of Instagram.
    assert_eq!(m.control().requests().len(), before);
}

#[test]
fn with_the_permissions_the_numbers_and_comments_are_the_fakes() {
    let m = Machine::demo();
    authorized_with(&m, ALL_SCOPES);
    let ids = post_ids(&m, "12");

    let post = json(&m.run(&["insights", "--post", &ids[0], "--json"]));
    assert_eq!(post["post_id"], ids[0].as_str());
    assert_eq!(post["state"], "ok");
    for metric in ["views", "reach", "saved", "shares", "total_interactions"] {
        assert!(
            post["metrics"][metric].as_u64().is_some(),
            "{metric}: {post}"
        );
    }
    let text = m.run(&["insights", "--post", &ids[0]]);
    assert_eq!(text.code, 0, "{text:?}");
    let reach = post["metrics"]["reach"].as_u64().unwrap().to_string();
    assert!(text.stdout.contains(&reach), "{text:?}");

    // Instagram's states are answers, not failures.
    let few = json(&m.run(&["insights", "--post", &ids[5], "--json"]));
    assert_eq!(few["state"], "not_enough_viewers");
    let new = json(&m.run(&["insights", "--post", &ids[9], "--json"]));
    assert_eq!(new["state"], "not_ready");
    assert_eq!(new["metrics"], serde_json::json!({}));

    let week = json(&m.run(&["insights", "--days", "7", "--json"]));
    let month = json(&m.run(&["insights", "--days", "30", "--json"]));
    assert_eq!(week["days"], 7);
    assert!(
        month["metrics"]["reach"].as_u64().unwrap() > week["metrics"]["reach"].as_u64().unwrap()
    );
    let run = m.run(&["insights", "--days", "31"]);
    assert_eq!(run.code, 2, "{run:?}");

    // The second post has 33 comments: every page, with replies.
    let comments = json(&m.run(&["comments", &ids[1], "--json"]));
    let list = comments["comments"].as_array().unwrap();
    assert_eq!(list.len(), 33);
    assert_eq!(comments["truncated"], false);
    assert!(
        list.iter()
            .any(|c| c["replies"][0]["username"] == "larch_and_lake")
    );
    let text = m.run(&["comments", &ids[1]]);
    assert_eq!(text.code, 0, "{text:?}");
    assert!(text.stdout.contains("↳ "), "replies are indented: {text:?}");
    // A comment carrying a terminal escape is printed as text.
    assert!(!text.stdout.contains('\u{1b}'), "{text:?}");

    let run = m.run(&["comments", "not-an-id"]);
    assert_eq!(run.code, 2, "{run:?}");
}

#[test]
fn profile_shows_the_name_and_every_count() {
    let m = Machine::demo();
    m.authorized();
    let run = m.run(&["profile"]);
    assert_eq!(run.code, 0, "{run:?}");
    assert!(run.stdout.contains("Larch & Lake"), "{run:?}");
    assert!(run.stdout.contains("followers: 1207"), "{run:?}");
    assert!(run.stdout.contains("following: 180"), "{run:?}");
    assert!(run.stdout.contains("posts:     230"), "{run:?}");
    let profile = json(&m.run(&["profile", "--json"]));
    assert_eq!(profile["follows_count"], 180);
}

#[test]
fn setup_adding_a_scope_to_a_stored_account_prints_the_authorize_that_grants_it() {
    let m = Machine::demo();
    m.authorized();
    let username = m.state()["accounts"][0]["profile"]["username"]
        .as_str()
        .expect("the profile's username")
        .to_string();
    let setup = |scopes: &str| {
        m.run(&[
            "setup",
            "--app-id",
            DEMO_APP_ID,
            "--redirect-uri",
            DEMO_REDIRECT_URI,
            "--scopes",
            scopes,
        ])
    };
    // The same scopes again: nothing to say.
    let run = setup("instagram_business_basic");
    assert_eq!(run.code, 0, "{run:?}");
    assert!(!run.stdout.contains("granted without"), "{run:?}");

    let run = setup("instagram_business_basic,instagram_business_manage_insights");
    assert_eq!(run.code, 0, "{run:?}");
    assert!(
        run.stdout.contains(&format!(
            "@{username}'s token was granted without instagram_business_manage_insights: it needs a new authorize to get it: instatui authorize --account {username} --open"
        )),
        "{run:?}"
    );
}
