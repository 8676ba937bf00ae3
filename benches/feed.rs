//! Benchmarks of the hot paths: decoding a media page, drawing a long feed, a key press on it, parsing a paste.

mod common;

use criterion::{Criterion, criterion_group, criterion_main};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use instatui::app::{App, Msg, update};
use instatui::instagram::{Media, MediaPage};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use std::hint::black_box;

fn feed_app(posts: usize) -> App {
    let mut app = common::feed_app();
    app.size = (100, 30);
    app.feed.requested = true;
    app.feed.complete = true;
    let page: MediaPage = serde_json::from_str(common::CAPTURED_PAGE).expect("fixture");
    app.feed.items = page
        .data
        .iter()
        .cycle()
        .take(posts)
        .cloned()
        .collect::<Vec<Media>>();
    app
}

fn benches(c: &mut Criterion) {
    c.bench_function("decode captured media page (36 posts)", |b| {
        b.iter(|| {
            serde_json::from_str::<MediaPage>(black_box(common::CAPTURED_PAGE)).expect("decode")
        })
    });

    let app = feed_app(10_000);
    let mut terminal = Terminal::new(TestBackend::new(100, 30)).expect("terminal");
    c.bench_function("draw feed of 10,000 posts at 100x30", |b| {
        b.iter(|| {
            terminal
                .draw(|frame| instatui::ui::render(black_box(&app), frame))
                .map(|_| ())
                .expect("draw")
        })
    });

    let mut detail_app = feed_app(10_000);
    detail_app.feed.detail = true;
    c.bench_function("draw feed with detail pane, 10,000 posts", |b| {
        b.iter(|| {
            terminal
                .draw(|frame| instatui::ui::render(black_box(&detail_app), frame))
                .map(|_| ())
                .expect("draw")
        })
    });

    let mut moving = feed_app(10_000);
    let now = moving.now;
    c.bench_function("key press j on a 10,000-post feed", |b| {
        b.iter(|| {
            let key = Msg::Key(KeyEvent::new(KeyCode::Char('j'), KeyModifiers::NONE));
            black_box(update(&mut moving, key, now))
        })
    });

    let jpeg = include_bytes!("../assets/demo/lake_morning.jpg");
    c.bench_function("decode a demo JPEG (preview::decode)", |b| {
        b.iter(|| instatui::preview::decode(black_box(jpeg)).expect("decode"))
    });

    let picture = instatui::preview::decode(jpeg).expect("decode");
    let picker = instatui::preview::Painter::halfblocks();
    let mut picture_terminal = Terminal::new(TestBackend::new(40, 20)).expect("terminal");
    c.bench_function(
        "encode and draw a picture as half-blocks (40x20 cells)",
        |b| {
            b.iter(|| {
                // A fresh protocol each time: the cost paid once per picture and pane size.
                let mut protocol = picker.new_resize_protocol(picture.clone());
                picture_terminal
                    .draw(|frame| {
                        frame.render_stateful_widget(
                            ratatui_image::StatefulImage::default()
                                .resize(ratatui_image::Resize::Scale(None)),
                            frame.area(),
                            &mut protocol,
                        )
                    })
                    .map(|_| ())
                    .expect("draw")
            })
        },
    );

    let redirect = include_str!("../tests/fixtures/instagram/redirect_success.txt");
    c.bench_function("parse a pasted redirect URL", |b| {
        b.iter(|| {
            instatui::instagram::paste::parse_paste(
                black_box(redirect),
                Some("9f2c7d61b0a84e3f"),
                Some("https://www.example.org/auth/"),
            )
        })
    });
}

criterion_group!(feed, benches);
criterion_main!(feed);
