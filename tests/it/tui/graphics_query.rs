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

/// The Token screen's title as each theme draws it: palette 5 (magenta)
/// on a light background, 13 (light magenta) on a dark one.
const LIGHT_TITLE: &str = "\x1b[38;5;5;49m Access token ";
const DARK_TITLE: &str = "\x1b[38;5;13;49m Access token ";

/// Answers the query as a terminal with `background` (an OSC 11 colour)
/// would, then shows the Token screen; returns what was drawn after the
/// answer.
fn drawn_after_answering(background: &str) -> String {
    let machine = Machine::with_posts(3);
    machine.authorized();
    let runtime = machine.home.path().join("run");
    std::fs::create_dir_all(&runtime).expect("runtime dir");
    let mut pty = Pty::spawn_with(
        &machine,
        &["--images", "auto"],
        &[("XDG_RUNTIME_DIR", runtime.as_os_str())],
    );
    let asked = pty.wait_for("the background-colour question", |b| {
        String::from_utf8_lossy(b).contains("\x1b]11;?\x1b\\")
    });
    // XTVERSION as xterm, the colour ended with BEL, then DA1 (the end).
    pty.type_keys(&format!(
        "\x1bP>|XTerm(379)\x1b\\\x1b]11;{background}\x07\x1b[?64;1;2c"
    ));
    pty.type_keys("3");
    pty.wait_for_text("Auto-refresh");
    pty.type_keys("q");
    let ended = pty.wait_exit();
    assert!(ended.status.success(), "{:?}", ended.status);
    String::from_utf8_lossy(&ended.output[asked.len()..]).into_owned()
}

#[test]
fn a_white_background_gets_the_light_theme_and_a_black_one_the_dark() {
    let white = drawn_after_answering("rgb:ffff/ffff/ffff");
    assert!(white.contains(LIGHT_TITLE), "white: no light-theme title");
    assert!(!white.contains(DARK_TITLE), "white: a dark-theme title");
    let black = drawn_after_answering("rgb:00/00/00");
    assert!(black.contains(DARK_TITLE), "black: no dark-theme title");
    assert!(!black.contains(LIGHT_TITLE), "black: a light-theme title");
}
