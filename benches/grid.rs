//! The Feed grid's frame time with 100 and 10,000 posts, pictures cached (half-blocks), and
//! the memory its pictures hold: only the tiles on screen are drawn, so the two frame times
//! stay within 1.5x of each other and the picture memory is bounded by the cache's budget.

mod common;

use criterion::{Criterion, criterion_group, criterion_main};
use instatui::app::{App, Msg, update};
use instatui::instagram::{Media, MediaPage};
use instatui::preview::{Painter, Previews};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use std::hint::black_box;

const SIZE: (u16, u16) = (120, 40);

fn grid_app(posts: usize) -> App {
    let now = common::NOW;
    let mut app = common::feed_app();
    app.feed.requested = true;
    app.feed.complete = true;
    app.images = true;
    let page: MediaPage = serde_json::from_str(common::CAPTURED_PAGE).expect("fixture");
    app.feed.items = page
        .data
        .iter()
        .cycle()
        .take(posts)
        .enumerate()
        .map(|(i, m)| Media {
            id: format!("{}{i:06}", m.id),
            ..m.clone()
        })
        .collect::<Vec<Media>>();
    update(&mut app, Msg::Resize(SIZE.0, SIZE.1), now);
    update(
        &mut app,
        Msg::Key(crossterm::event::KeyEvent::from(
            crossterm::event::KeyCode::Char('t'),
        )),
        now,
    );
    // In the middle of the feed, as after scrolling a while.
    app.feed.selected = posts / 2;
    update(&mut app, Msg::Tick, now);
    app
}

/// Every post's picture decoded and kept, as after browsing all of them;
/// the cache's budget evicts past its limit.
fn cached_previews(app: &App) -> Previews {
    let mut previews = Previews::new(Some(Painter::halfblocks()));
    let picture = image::DynamicImage::new_rgb8(64, 64);
    for media in &app.feed.items {
        previews.insert(instatui::app::pictures::tile_key(media), picture.clone());
    }
    previews
}

fn benches(c: &mut Criterion) {
    for posts in [100, 10_000] {
        let app = grid_app(posts);
        let mut previews = cached_previews(&app);
        eprintln!(
            "grid with {posts} posts: {} pictures kept, {} bytes (the cache's budget)",
            previews.memory().len(),
            previews.memory().used_bytes()
        );
        let mut terminal = Terminal::new(TestBackend::new(SIZE.0, SIZE.1)).expect("terminal");
        c.bench_function(
            &format!("draw grid of {posts} posts at 120x40, pictures cached"),
            |b| {
                b.iter(|| {
                    terminal
                        .draw(|frame| {
                            instatui::ui::render_with_previews(
                                black_box(&app),
                                frame,
                                Some(&mut previews),
                            )
                        })
                        .map(|_| ())
                        .expect("draw")
                })
            },
        );
    }
}

criterion_group!(grid, benches);
criterion_main!(grid);
