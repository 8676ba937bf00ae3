//! The graphics query in a real terminal that never answers it (a plain
//! pty): `--images halfblocks` and `off` write no query and draw at once;
//! `auto` asks, and the feed works while the answer is awaited.

use crate::common::cli::Machine;
use crate::common::pty::Pty;

/// XTVERSION and DA1, the first and last questions of the query.
const ASKED: [&str; 2] = ["\x1b[>0q", "\x1b[c"];

fn asked(output: &[u8]) -> bool {
    let text = String::from_utf8_lossy(output);
    ASKED.iter().any(|q| text.contains(q))
}

#[test]
fn half_blocks_and_off_ask_the_terminal_nothing() {
    let machine = Machine::with_posts(5);
    machine.authorized();
    for images in ["halfblocks", "off"] {
        let mut pty = Pty::spawn(&machine, &["--images", images]);
        pty.wait_for_text("Golden hour over the larches");
        // The detail pane, with its picture, then quit.
        pty.type_keys("\r");
        pty.wait_for_text("Golden hour over the larches");
        pty.type_keys("q");
        let ended = pty.wait_exit();
        assert!(ended.status.success(), "{images}: {:?}", ended.status);
        assert!(!asked(&ended.output), "{images}: the query was written");
    }
}

#[test]
fn auto_asks_and_keys_typed_meanwhile_still_count() {
    let machine = Machine::with_posts(5);
    machine.authorized();
    let mut pty = Pty::spawn(&machine, &["--images", "auto"]);
    pty.wait_for_text("Golden hour over the larches");
    // Typed while the query may still own the input: handed on, in order.
    pty.type_keys("3");
    pty.wait_for_text("Auto-refresh");
    pty.type_keys("q");
    let ended = pty.wait_exit();
    assert!(ended.status.success(), "{:?}", ended.status);
    assert!(asked(&ended.output), "auto asks the terminal");
}
