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
