//! The Feed grid (`t`): columns that fit, moves by tile, row and page, Enter to the details,
//! the filter, pages loaded ahead; drawn as text tiles (pictures off) at 80×24 and 40×12.

use crate::common::tui::*;
use crossterm::event::KeyCode;
use instatui::app::{App, Effect, Msg};
use ratatui::Terminal;
use ratatui::backend::TestBackend;

fn on_feed(posts: usize, next: Option<&str>) -> App {
    let mut app = app_with(state_authorized());
    send(&mut app, [key('4')]);
    let generation = app.feed.loading.expect("loading");
    send(
        &mut app,
        [Msg::FeedPage {
            generation,
            after: None,
            result: Ok(page(0..posts, next)),
        }],
    );
    app
}

fn draw(app: &App, width: u16, height: u16) -> Terminal<TestBackend> {
    let mut app = app.clone();
    let now = app.now;
    instatui::app::update(&mut app, Msg::Resize(width, height), now);
    let mut terminal = Terminal::new(TestBackend::new(width, height)).unwrap();
    terminal.draw(|f| instatui::ui::render(&app, f)).unwrap();
    terminal
}

fn text(terminal: &Terminal<TestBackend>) -> String {
    terminal
        .backend()
        .buffer()
        .content()
        .iter()
        .map(|c| c.symbol())
        .collect()
}

#[test]
fn t_shows_the_grid_and_keys_move_by_tile_row_and_page() {
    let mut app = on_feed(30, None);
    send(&mut app, [Msg::Resize(80, 24), key('t')]);
    assert!(app.feed.grid);
    let footer = text(&draw(&app, 80, 24));
    assert!(
        footer.contains("t grid"),
        "the footer names the key: {footer}"
    );
    send(&mut app, [key('l')]);
    assert_eq!(app.feed.selected, 1);
    send(&mut app, [key('j')]);
    assert_eq!(
        app.feed.selected, 4,
        "three columns at 80: a row is 3 posts"
    );
    send(&mut app, [code(KeyCode::Left), code(KeyCode::Up)]);
    assert_eq!(app.feed.selected, 0);
    send(&mut app, [code(KeyCode::PageDown)]);
    assert_eq!(app.feed.selected, 6, "a page is the two rows on screen");
    send(&mut app, [key('G')]);
    assert_eq!(app.feed.selected, 29);
    assert!(app.feed.grid_top > 0, "scrolled to the end");
    send(&mut app, [key('g')]);
    assert_eq!((app.feed.selected, app.feed.grid_top), (0, 0));
    // Enter: the post's details, with its numbers asked for.
    send(&mut app, [key('l'), code(KeyCode::Enter)]);
    assert!(!app.feed.grid && app.feed.detail);
    assert_eq!(app.feed.selected, 1);
    // t again from the list: back to the grid on the same post.
    send(&mut app, [key('t')]);
    assert!(app.feed.grid);
    assert_eq!(app.feed.selected, 1);
}

#[test]
fn the_grid_is_snapshotted_at_both_sizes() {
    let mut app = on_feed(30, Some("P2"));
    send(&mut app, [key('t'), key('l')]);
    for (w, h) in [(80, 24), (40, 12)] {
        let terminal = draw(&app, w, h);
        insta::assert_snapshot!(format!("feed_grid@{w}x{h}"), terminal.backend());
    }
    // Wider terminals fit more columns.
    let mut wide = app.clone();
    send(&mut wide, [Msg::Resize(160, 40)]);
    let before = wide.feed.selected;
    send(&mut wide, [key('j')]);
    assert_eq!(wide.feed.selected, before + 6);
}

#[test]
fn the_filter_applies_to_the_grid_and_pages_load_ahead() {
    let mut app = on_feed(100, Some("P2"));
    send(&mut app, [Msg::Resize(80, 24), key('t'), key('/')]);
    type_str(&mut app, "sunset");
    send(&mut app, [code(KeyCode::Enter)]);
    assert_eq!(app.feed.visible().len(), 10);
    let shown = text(&draw(&app, 80, 24));
    assert!(shown.contains("Grid · 1/10"), "{shown}");
    send(&mut app, [code(KeyCode::Esc)]);
    // As in the list, the next page is on its way before the end is near.
    let generation = app.feed.loading.expect("the page after P2 is asked ahead");
    send(
        &mut app,
        [Msg::FeedPage {
            generation,
            after: Some("P2".into()),
            result: Ok(page(100..200, Some("P3"))),
        }],
    );
    let mut asked = Vec::new();
    for _ in 0..60 {
        asked.extend(send(&mut app, [key('j')]));
    }
    assert!(app.feed.selected >= 150, "{}", app.feed.selected);
    assert!(
        asked
            .iter()
            .any(|e| matches!(e, Effect::FetchFeedPage { after: Some(a), .. } if a == "P3"))
            || app.feed.loading.is_some(),
        "{asked:?}"
    );
}

#[test]
fn a_tiny_terminal_still_shows_a_working_grid() {
    let mut app = on_feed(9, None);
    send(&mut app, [Msg::Resize(40, 12), key('t'), key('j')]);
    assert_eq!(app.feed.selected, 2, "two columns at 40");
    for (w, h) in [(40, 12), (20, 8), (10, 4)] {
        draw(&app, w, h);
    }
}

/// Review finding D7: one `/` bar over the list and the grid (`ui::feed::filter_bar`),
/// the same row of cells, styles and cursor, while typing and after.
#[test]
fn the_filter_bar_is_the_same_over_the_grid_and_the_list() {
    let mut app = on_feed(30, None);
    send(&mut app, [Msg::Resize(80, 24), key('/')]);
    type_str(&mut app, "sun");
    for editing in [true, false] {
        if !editing {
            send(&mut app, [code(KeyCode::Enter)]);
        }
        let mut list = draw(&app, 80, 24);
        let mut in_grid = app.clone();
        in_grid.feed.grid = true;
        let mut grid = draw(&in_grid, 80, 24);
        let bar = |t: &Terminal<TestBackend>| {
            let buffer = t.backend().buffer();
            let y = (0..buffer.area.height)
                .find(|&y| buffer[(1, y)].symbol() == "/")
                .expect("a filter bar");
            let cells: Vec<_> = (1..buffer.area.width - 1)
                .map(|x| buffer[(x, y)].clone())
                .collect();
            (y, cells)
        };
        let (list_y, list_cells) = bar(&list);
        let (grid_y, grid_cells) = bar(&grid);
        assert_eq!(list_y, grid_y, "editing: {editing}");
        assert_eq!(list_cells, grid_cells, "editing: {editing}");
        if editing {
            assert_eq!(
                list.get_cursor_position().unwrap(),
                grid.get_cursor_position().unwrap()
            );
        }
    }
}
