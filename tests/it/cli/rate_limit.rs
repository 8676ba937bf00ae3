//! `feed --all` and `download` meeting Instagram's rate limit mid-run:
//! they wait the usage header's time (skipped here, against the fake on
//! loopback, through `INSTATUI_SKIP_RATE_LIMIT_WAITS`) and go on from the
//! same page, within `--max-wait`.

use crate::common::cli::{Machine, Run};
use instatui::fake::Fault;
use instatui::instagram::backoff::SKIP_WAITS_ENV;
use serde_json::Value;

/// 250 posts: pages of 100, so page 2 is asked with a cursor.
const POSTS: usize = 250;

/// The second request for the media list answers code 80002 with a usage
/// header saying `minutes`; every other one answers normally.
fn limited_on_page_two(minutes: u32) -> Machine {
    let m = Machine::with_posts(POSTS);
    m.authorized();
    m.control().inject_on(
        "/me/media",
        Fault::Cycle(vec![
            Fault::Slow(std::time::Duration::ZERO),
            Fault::InstagramRateLimit { minutes },
        ]),
        2,
    );
    m
}

fn run_skipping_waits(m: &Machine, args: &[&str]) -> Run {
    m.run_with(args, |c| {
        c.env(SKIP_WAITS_ENV, "1");
    })
}

/// The `after` cursors of the media-list requests, in order.
fn cursors(m: &Machine) -> Vec<Option<String>> {
    m.control()
        .requests()
        .iter()
        .filter(|r| r.path.ends_with("/me/media"))
        .map(|r| {
            url::form_urlencoded::parse(r.query.as_bytes())
                .find(|(k, _)| k == "after")
                .map(|(_, v)| v.into_owned())
        })
        .collect()
}

#[test]
fn feed_all_waits_the_usage_headers_time_and_goes_on_from_the_same_page() {
    let m = limited_on_page_two(4);
    let run = run_skipping_waits(&m, &["feed", "--all", "--json"]);
    assert_eq!(run.code, 0, "{run:?}");
    let posts: Value = serde_json::from_str(&run.stdout).expect("stdout is only the JSON");
    assert_eq!(posts.as_array().map(Vec::len), Some(POSTS), "nothing lost");
    assert_eq!(
        run.stderr.trim(),
        "Instagram's rate limit (code 80002): waiting 4 min before page 2, as its usage \
         header says; Ctrl-C stops",
        "{run:?}"
    );
    let asked = cursors(&m);
    assert_eq!(
        asked.len(),
        4,
        "pages 1, 2 (limited), 2 again, 3: {asked:?}"
    );
    assert!(asked[0].is_none());
    assert!(asked[1].is_some());
    assert_eq!(
        asked[1], asked[2],
        "the limited page is asked again as it was"
    );
    assert_ne!(asked[2], asked[3]);
}

#[test]
fn a_wait_over_max_wait_exits_1_with_the_time_to_try_again() {
    // The default bound is 15 min: a 20 min wait is not taken.
    let m = limited_on_page_two(20);
    let run = run_skipping_waits(&m, &["feed", "--all"]);
    assert_eq!(run.code, 1, "{run:?}");
    assert!(run.stdout.is_empty(), "{run:?}");
    assert!(!run.stderr.contains("waiting"), "{run:?}");
    assert!(run.stderr.contains("try again in 20 min"), "{run:?}");
    assert!(run.stderr.contains("over --max-wait (15 min)"), "{run:?}");
    assert_eq!(cursors(&m).len(), 2, "nothing asked after the limit");

    // A larger bound waits it out.
    let m = limited_on_page_two(20);
    let run = run_skipping_waits(&m, &["feed", "--all", "--max-wait", "30m"]);
    assert_eq!(run.code, 0, "{run:?}");
    assert_eq!(run.stdout.lines().count(), POSTS, "{run:?}");
    assert!(
        run.stderr.contains("waiting 20 min before page 2"),
        "{run:?}"
    );
}

#[test]
fn max_wait_zero_never_waits() {
    let m = limited_on_page_two(1);
    let run = run_skipping_waits(&m, &["feed", "--all", "-q", "--max-wait", "0"]);
    assert_eq!(run.code, 1, "{run:?}");
    assert!(run.stdout.is_empty(), "{run:?}");
    assert!(!run.stderr.contains("waiting"), "{run:?}");
    assert!(run.stderr.contains("try again in 1 min"), "{run:?}");

    let run = m.run(&["feed", "--all", "--max-wait", "-5m"]);
    assert_eq!(run.code, 2, "a negative bound is a usage error: {run:?}");
}

#[test]
fn download_waits_out_the_limit_and_saves_every_post() {
    let m = limited_on_page_two(4);
    let out = m.out("saved");
    let out_arg = out.to_string_lossy().into_owned();
    let run = run_skipping_waits(&m, &["download", "--all", "--out", &out_arg]);
    assert_eq!(run.code, 0, "{run:?}");
    assert!(
        run.stderr
            .contains("Instagram's rate limit (code 80002): waiting 4 min before page 2"),
        "{run:?}"
    );
    assert!(
        run.stdout.contains(&format!("from {POSTS} posts")),
        "{run:?}"
    );

    // --since pages on its own: it waits the same way.
    let m = limited_on_page_two(4);
    let out_arg = m.out("since").to_string_lossy().into_owned();
    let run = run_skipping_waits(
        &m,
        &[
            "download",
            "--all",
            "--since",
            "2000-01-01",
            "--out",
            &out_arg,
        ],
    );
    assert_eq!(run.code, 0, "{run:?}");
    assert!(
        run.stderr.contains("waiting 4 min before page 2"),
        "{run:?}"
    );
    assert!(
        run.stdout.contains(&format!("from {POSTS} posts")),
        "{run:?}"
    );
}
