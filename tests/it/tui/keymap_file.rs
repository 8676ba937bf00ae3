//! keymap.toml: a key added on a screen works in a key replay, shows in the
//! footer and the help (`?`), and a conflict or an unknown action is one
//! sentence with file, line and key: at start on the status line, and from
//! `instatui config`.

use crate::common::cli::Machine;
use crate::common::pty::Pty;
use crate::common::tui::*;
use instatui::app::user_keys;
use instatui::app::{App, Msg};
use ratatui::Terminal;
use ratatui::backend::TestBackend;

fn on_feed(keys: &str) -> App {
    let mut app = app_with(state_authorized());
    app.user_keys = user_keys::parse(keys).expect("keymap.toml parses");
    send(&mut app, [key('4')]);
    let generation = app.feed.loading.expect("loading");
    send(
        &mut app,
        [
            Msg::FeedPage {
                generation,
                after: None,
                result: Ok(page(0..30, None)),
            },
            Msg::Resize(100, 40),
        ],
    );
    app
}

fn text(app: &App, width: u16, height: u16) -> String {
    let mut terminal = Terminal::new(TestBackend::new(width, height)).expect("terminal");
    terminal
        .draw(|f| instatui::ui::render(app, f))
        .expect("drawn");
    let buffer = terminal.backend().buffer();
    let mut out = String::new();
    for y in 0..height {
        for x in 0..width {
            out.push_str(buffer[(x, y)].symbol());
        }
        out.push('\n');
    }
    out
}

const REBOUND: &str = r#"
[feed]
prepend = [
  { on = "x", run = "grid" },
  { on = "r", run = "details" },
]
"#;

#[test]
fn a_key_added_in_keymap_toml_works_and_shows_in_the_footer_and_help() {
    let mut app = on_feed(REBOUND);
    assert!(!app.feed.grid);
    send(&mut app, [key('x')]);
    assert!(app.feed.grid, "x shows the grid");
    let screen = text(&app, 100, 40);
    assert!(screen.contains("x grid"), "the footer names x: {screen}");
    send(&mut app, [key('x')]);
    assert!(!app.feed.grid, "x again: the list");
    // `t` still works: the user's key is added, not swapped.
    send(&mut app, [key('t')]);
    assert!(app.feed.grid);
    send(&mut app, [key('t')]);
    // `r` now opens the details instead of showing replies.
    assert!(!app.feed.detail);
    send(&mut app, [key('r')]);
    assert!(app.feed.detail, "r is details now");

    send(&mut app, [key('?')]);
    let help = text(&app, 100, 40);
    assert!(
        help.contains("x/t"),
        "help shows the effective keys: {help}"
    );
    assert!(help.contains("r/Enter"), "{help}");
    assert!(
        !help.contains("show/hide replies"),
        "a built-in left without a key is not offered: {help}"
    );
}

#[test]
fn without_keymap_toml_the_keys_are_the_built_in_ones() {
    let mut app = on_feed("");
    send(&mut app, [key('x')]);
    assert!(!app.feed.grid);
    send(&mut app, [key('?')]);
    let help = text(&app, 100, 40);
    assert!(help.contains("show/hide replies"), "{help}");
}

fn write_keymap(m: &Machine, text: &str) {
    std::fs::create_dir_all(m.config_dir()).expect("config dir");
    std::fs::write(m.config_dir().join("keymap.toml"), text).expect("keymap.toml");
}

#[test]
fn a_conflict_or_an_unknown_action_is_one_sentence_at_start_and_from_config() {
    let m = Machine::demo();
    m.authorized();
    let file = m.config_dir().join("keymap.toml");
    write_keymap(
        &m,
        "[feed]\nprepend = [\n  { on = \"x\", run = \"grid\" },\n  { on = \"x\", run = \"reload\" },\n]\n",
    );
    let run = m.run(&["config"]);
    assert_eq!(run.code, 1, "{run:?}");
    assert!(
        run.stderr.contains(&format!(
            "{}, line 4, key `x`: is bound on the Feed screen to both grid (line 3) and reload: keep one",
            file.display()
        )),
        "{run:?}"
    );
    // The TUI starts with its own keys and says why on the status line.
    let mut pty = Pty::spawn(&m, &["--images", "off"]);
    pty.wait_for_text("keymap.toml, line 4, key `x`");
    pty.type_keys("q");
    pty.wait_exit();

    write_keymap(&m, "[token]\nprepend = [{ on = \"x\", run = \"gird\" }]\n");
    let run = m.run(&["config"]);
    assert_eq!(run.code, 1, "{run:?}");
    assert!(
        run.stderr
            .contains("line 2, key `x`: the Token screen has no action \"gird\": choose one of"),
        "{run:?}"
    );

    write_keymap(&m, REBOUND);
    let run = m.run(&["config"]);
    assert_eq!(run.code, 0, "{run:?}");
    assert!(run.stdout.contains("keymap.toml: ok"), "{run:?}");
}

const FIELD_AND_POPUP: &str = r#"
[feed.field]
prepend = [{ on = "C-j", run = "keep-filter" }]

[popup.picture]
prepend = [{ on = "n", run = "next-item" }]
"#;

#[test]
fn a_field_key_added_in_keymap_toml_works_in_the_field_and_shows_in_the_footer_and_help() {
    let mut app = on_feed(FIELD_AND_POPUP);
    send(&mut app, [key('/')]);
    assert!(app.editing());
    type_str(&mut app, "post");
    let screen = text(&app, 100, 40);
    assert!(
        screen.contains("C-j keep the filter"),
        "the footer names the user's key while the field has the keys: {screen}"
    );
    send(&mut app, [ctrl('j')]);
    assert!(!app.editing(), "C-j keeps the filter");
    assert_eq!(app.feed.filter.value(), "post", "and types nothing");
    // Enter still does too: the user's key is added.
    send(&mut app, [key('/'), code(crossterm::event::KeyCode::Enter)]);
    assert!(!app.editing());

    send(&mut app, [key('?')]);
    let help = text(&app, 100, 40);
    assert!(
        help.contains("C-j/Enter keep the filter"),
        "help lists the field's keys as they now are: {help}"
    );
    assert!(
        help.contains("n/l/→     next album item"),
        "and the picture's: {help}"
    );
}

#[test]
fn without_keymap_toml_a_field_key_types_into_the_field() {
    let mut app = on_feed("");
    send(&mut app, [key('/')]);
    send(&mut app, [ctrl('j')]);
    assert!(app.editing(), "C-j is no key of the field by default");
}
