//! Benchmarks at Instagram's 10,000-post scale: the skip check of a download
//! re-run, the feed cache, a fresh page laid over it, `G` to the end, and
//! start-up to the first posts while the graphics query goes unanswered.

mod common;

use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use instatui::app::feed::CachedFeed;
use instatui::app::{App, Effect, Msg, update};
use instatui::download::Existing;
use instatui::instagram::{Media, MediaPage};
use instatui::secret::Secret;
use std::hint::black_box;
use std::path::Path;
use std::time::{Duration, Instant};

const FILES: [usize; 3] = [300, 3_000, 15_000];
const POSTS: [usize; 2] = [1_000, 10_000];

/// `n` posts with distinct ids, cut from the captured page.
fn posts(n: usize) -> Vec<Media> {
    let page: MediaPage = serde_json::from_str(common::CAPTURED_PAGE).expect("fixture");
    (0..n)
        .map(|i| {
            let mut post = page.data[i % page.data.len()].clone();
            post.id = format!("{}", 18_000_000_000_000_000u64 + i as u64);
            post
        })
        .collect()
}

fn stems(n: usize) -> Vec<String> {
    (0..n)
        .map(|i| {
            format!(
                "lake_and_larch_2026-01-01_{}",
                18_000_000_000_000_000u64 + i as u64
            )
        })
        .collect()
}

/// A folder holding a finished file for each stem, as after a first run.
fn downloaded(stems: &[String]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    for stem in stems {
        std::fs::write(dir.path().join(format!("{stem}.jpg")), b"").expect("write");
    }
    dir
}

/// The check before this change: one listing of the folder per file.
fn listed_per_file(dir: &Path, stem: &str) -> bool {
    let prefix = format!("{stem}.");
    std::fs::read_dir(dir)
        .map(|d| {
            d.flatten().any(|e| {
                let name = e.file_name().to_string_lossy().into_owned();
                name.starts_with(&prefix) && !name.ends_with(".part")
            })
        })
        .unwrap_or(false)
}

fn downloads(c: &mut Criterion) {
    let mut group = c.benchmark_group("re-run skip check");
    group.sample_size(10);
    for n in FILES {
        let stems = stems(n);
        let dir = downloaded(&stems);
        group.bench_with_input(BenchmarkId::new("one listing", n), &n, |b, _| {
            b.iter(|| {
                let existing = Existing::scan(dir.path());
                stems.iter().filter(|s| existing.get(s).is_some()).count()
            })
        });
        if n <= 3_000 {
            group.bench_with_input(
                BenchmarkId::new("listing per file (before)", n),
                &n,
                |b, _| {
                    b.iter(|| {
                        stems
                            .iter()
                            .filter(|s| listed_per_file(dir.path(), s))
                            .count()
                    })
                },
            );
        }
    }
    group.finish();
}

fn feed_app(items: Vec<Media>) -> App {
    let mut app = common::feed_app();
    app.size = (100, 30);
    app.feed.items = items;
    app
}

fn page_of(all: &[Media], start: usize) -> MediaPage {
    let end = (start + 100).min(all.len());
    let mut page: MediaPage = serde_json::from_str(common::CAPTURED_PAGE).expect("fixture");
    page.data = all[start..end].to_vec();
    if end == all.len() {
        page.paging = None;
    } else if let Some(paging) = page.paging.as_mut() {
        if let Some(cursors) = paging.cursors.as_mut() {
            cursors.after = Some(format!("c{end}"));
        }
        paging.next = Some(format!("https://graph.instagram.com/me/media?after=c{end}"));
    }
    page
}

fn fetch(effects: &[Effect]) -> Option<(u64, Option<String>)> {
    effects.iter().find_map(|e| match e {
        Effect::FetchFeedPage {
            generation, after, ..
        } => Some((*generation, after.clone())),
        _ => None,
    })
}

fn feed(c: &mut Criterion) {
    let now = common::NOW;
    let mut group = c.benchmark_group("feed cache");
    group.sample_size(10);
    for n in POSTS {
        let dir = tempfile::tempdir().expect("tempdir");
        let cache = instatui::runtime::FeedCache::new(dir.path().to_path_buf());
        let cached = CachedFeed {
            items: posts(n),
            next_cursor: Some("after".into()),
            complete: false,
        };
        let mut seq = 0;
        group.bench_with_input(BenchmarkId::new("write", n), &n, |b, _| {
            b.iter(|| {
                seq += 1;
                cache.save(seq, "u1", &cached, now).expect("save")
            })
        });
        group.bench_with_input(BenchmarkId::new("read", n), &n, |b, _| {
            b.iter(|| cache.load("u1").expect("load"))
        });
        // The first fresh page (5 new posts) laid over the cached list.
        let all = posts(n + 5);
        let fresh = page_of(&all, 0);
        group.bench_with_input(BenchmarkId::new("first page laid over", n), &n, |b, _| {
            b.iter_batched(
                || {
                    let mut app = feed_app(Vec::new());
                    let start = instatui::app::update::start(&mut app);
                    let (generation, _) = fetch(&start).expect("first request");
                    let cached = CachedFeed {
                        items: all[5..].to_vec(),
                        next_cursor: None,
                        complete: true,
                    };
                    update(
                        &mut app,
                        Msg::FeedCacheLoaded {
                            user_id: "17841405793187218".into(),
                            feed: cached,
                            saved_at: now,
                        },
                        now,
                    );
                    (app, generation)
                },
                |(mut app, generation)| {
                    let msg = Msg::FeedPage {
                        generation,
                        after: None,
                        result: Ok(fresh.clone()),
                    };
                    black_box(update(&mut app, msg, now));
                    assert_eq!(app.feed.items.len(), n + 5);
                },
                criterion::BatchSize::LargeInput,
            )
        });
        // G on the first page: every page after it through `update`.
        let pages: Vec<MediaPage> = (0..n).step_by(100).map(|s| page_of(&all[..n], s)).collect();
        group.bench_with_input(
            BenchmarkId::new("G to the end (update only)", n),
            &n,
            |b, _| {
                b.iter(|| {
                    let mut app = feed_app(Vec::new());
                    let mut next = fetch(&instatui::app::update::start(&mut app));
                    let mut g_pressed = false;
                    for page in &pages {
                        let (generation, after) = next.take().expect("a request");
                        let msg = Msg::FeedPage {
                            generation,
                            after,
                            result: Ok(page.clone()),
                        };
                        next = fetch(&update(&mut app, msg, now));
                        if !g_pressed {
                            let key = crossterm::event::KeyEvent::new(
                                crossterm::event::KeyCode::Char('G'),
                                crossterm::event::KeyModifiers::NONE,
                            );
                            next = next.or(fetch(&update(&mut app, Msg::Key(key), now)));
                            g_pressed = true;
                        }
                    }
                    assert_eq!(app.feed.selected + 1, n);
                })
            },
        );
    }
    group.finish();
}

/// From start-up to the first page shown, against the loopback fake, while
/// the graphics query waits for an answer that comes only afterwards.
fn start_up(c: &mut Criterion) {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    let fake = rt
        .block_on(instatui::fake::FakeInstagram::start(
            instatui::fake::FakeConfig {
                post_count: 1_000,
                ..instatui::fake::FakeConfig::demo()
            },
        ))
        .expect("fake");
    let token = Secret::new(
        fake.control().issue_long_token(
            &instatui::instagram::Flavor::InstagramLogin
                .default_scopes()
                .join(","),
        ),
    );
    let scratch = tempfile::tempdir().expect("tempdir");
    let mut group = c.benchmark_group("start-up");
    group.sample_size(20);
    group.bench_function("first page shown, graphics query unanswered", |b| {
        b.iter_custom(|iters| {
            let (base, token, dir) = (fake.base_url(), token.clone(), scratch.path().to_path_buf());
            rt.block_on(async move {
                let mut total = Duration::ZERO;
                for _ in 0..iters {
                    let now = time::OffsetDateTime::now_utc();
                    let mut app = feed_app(Vec::new());
                    let mut account = app.stored.accounts.remove(0);
                    let t = &mut account.token;
                    t.value = token.clone();
                    t.user_id = instatui::fake::DEMO_USER_ID.into();
                    t.obtained_at = now;
                    t.expires_at = now + time::Duration::days(59);
                    account.app_id = Some(instatui::fake::DEMO_APP_ID.into());
                    app.stored.active = Some(account.id());
                    app.stored.current_app = account.app_id.clone();
                    app.stored.accounts.push(account);
                    app.stored.apps.push(instatui::store::AppConfig {
                        flavor: instatui::instagram::Flavor::InstagramLogin,
                        app_id: instatui::fake::DEMO_APP_ID.into(),
                        app_secret: Secret::new(instatui::fake::DEMO_APP_SECRET),
                        redirect_uri: instatui::fake::DEMO_REDIRECT_URI.into(),
                        scopes: vec![],
                    });
                    app.base_override = Some(base.clone());
                    let mut executor = instatui::runtime::Executor::new(
                        instatui::store::Store::at(dir.join("config")),
                        instatui::runtime::FeedCache::new(dir.join("cache")),
                        None,
                    );
                    let (answer, asked) = std::sync::mpsc::channel::<()>();
                    let started = Instant::now();
                    instatui::runtime::start_up(&mut app, &mut executor, move || {
                        asked.recv().ok();
                        None
                    });
                    while app.feed.items.is_empty() || app.feed.cached_at.is_some() {
                        let msg = executor.next().await.expect("open");
                        for effect in update(&mut app, msg, time::OffsetDateTime::now_utc()) {
                            executor.run(&app, effect);
                        }
                    }
                    total += started.elapsed();
                    let _ = answer.send(());
                }
                total
            })
        })
    });
    group.finish();
}

/// From start-up to the first frame that shows cached posts, with 100,
/// 1,000 and 10,000 posts in the cache (and a server that never answers):
/// the head of the file is read and drawn before the rest is parsed.
fn first_frame(c: &mut Criterion) {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    let now = common::NOW;
    let mut group = c.benchmark_group("first frame");
    group.sample_size(20);
    for n in [100, 1_000, 10_000] {
        let dir = tempfile::tempdir().expect("tempdir");
        let cached = CachedFeed {
            items: posts(n),
            next_cursor: Some("after".into()),
            complete: false,
        };
        instatui::runtime::FeedCache::new(dir.path().join("cache"))
            .save(1, "17841405793187218", &cached, now)
            .expect("save");
        group.bench_with_input(BenchmarkId::new("cached posts", n), &n, |b, _| {
            b.iter_custom(|iters| {
                let dir = dir.path().to_path_buf();
                rt.block_on(async move {
                    let mut total = Duration::ZERO;
                    for _ in 0..iters {
                        let mut app = feed_app(Vec::new());
                        app.base_override = Some("http://127.0.0.1:9".into());
                        let mut executor = instatui::runtime::Executor::new(
                            instatui::store::Store::at(dir.join("config")),
                            instatui::runtime::FeedCache::new(dir.join("cache")),
                            None,
                        );
                        let mut terminal =
                            ratatui::Terminal::new(ratatui::backend::TestBackend::new(100, 30))
                                .expect("terminal");
                        let started = Instant::now();
                        instatui::runtime::start_up(&mut app, &mut executor, || None);
                        while app.feed.items.is_empty() {
                            let msg = executor.next().await.expect("open");
                            for effect in update(&mut app, msg, now) {
                                executor.run(&app, effect);
                            }
                        }
                        terminal
                            .draw(|f| instatui::ui::render(&app, f))
                            .expect("draw");
                        total += started.elapsed();
                        executor.drawn();
                        // The rest of the cache, off the clock.
                        while executor.in_flight() > 0 {
                            let msg = executor.next().await.expect("open");
                            update(&mut app, msg, now);
                        }
                    }
                    total
                })
            })
        });
    }
    group.finish();
}

fn config() -> Criterion {
    Criterion::default()
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(2))
}

criterion_group! {
    name = scale;
    config = config();
    targets = downloads, feed, start_up, first_frame
}
criterion_main!(scale);
