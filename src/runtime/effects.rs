//! Runs `update`'s effects as tasks on tokio and answers each with a message.

use super::answer::{Answer, Event, Outbox, Ready};
use super::cache::FeedCache;
use super::persist::Persister;
use crate::app::msg::DemoLogin;
use crate::app::preview::PreviewOutcome;
use crate::app::{App, Effect, Msg};
#[cfg(feature = "demo")]
use crate::fake::{Consent, FakeControl};
/// Without the `demo` feature there is no fake to control: `None` is the only value.
#[cfg(not(feature = "demo"))]
#[derive(Clone)]
pub enum FakeControl {}
use crate::instagram::{ApiError, Client, Endpoints, Flavor};
use crate::preview::{DiskCache, Previews};
use std::sync::Arc;
use tokio::sync::{Semaphore, mpsc};

/// Picture fetches at once; more only queue behind a fast scroll.
const PREVIEW_PARALLEL: usize = 4;

/// Fetches at once for the pictures besides the pane's (the grid's tiles,
/// the profile's): a screenful of tiles never crowds out the pane's picture.
const PICTURES_PARALLEL: usize = 3;

/// The pictures besides the pane's: what is on screen now, what is out
/// being fetched, and what failed (not asked for again in this run).
#[derive(Default)]
struct OnScreen {
    /// Shared with the queued tasks, which give way when their key left it.
    wanted: Arc<std::sync::Mutex<std::collections::HashSet<String>>>,
    /// The last set asked for, to ask again for one that gave way just as
    /// it came back on screen.
    asked: Vec<crate::app::pictures::Picture>,
    token: Option<crate::secret::Secret>,
    out: std::collections::HashSet<String>,
    failed: std::collections::HashSet<String>,
}

/// Owns the message channel every task answers on, the HTTP client and the
/// state writer.
pub struct Executor {
    /// Where `watch.json` lives (the persister owns `state.json`'s writes).
    store: crate::store::Store,
    tx: mpsc::UnboundedSender<Answer>,
    rx: mpsc::UnboundedReceiver<Answer>,
    persister: Persister,
    cache: FeedCache,
    client: Option<(Flavor, Endpoints, Client)>,
    /// The embedded fake's controls, in `--demo` only.
    demo: Option<FakeControl>,
    /// Tasks started whose answer has not arrived yet.
    in_flight: usize,
    /// Feed cache snapshots handed out, so the newest one wins on disk.
    cache_snapshots: u64,
    cache_writes: Vec<tokio::task::JoinHandle<()>>,
    previews: Previews,
    disk: DiskCache,
    preview_slots: Arc<Semaphore>,
    /// The picture the user waits for; queued fetches for others give way.
    wanted: Arc<std::sync::Mutex<Option<String>>>,
    pictures: OnScreen,
    picture_slots: Arc<Semaphore>,
    /// Batches of handoffs started whose outcomes have not arrived yet.
    handoffs_running: usize,
    /// Set on quit: running handoff commands are stopped, none starts.
    stop_handoffs: Arc<std::sync::atomic::AtomicBool>,
    /// Counts the frames drawn ([`Executor::drawn`]): work that would take
    /// the core the loop needs to draw waits for the next frame.
    frames: tokio::sync::watch::Sender<u64>,
}

/// The answer to a cache load: what was read, or an empty feed.
fn cache_loaded(
    user_id: String,
    loaded: Option<(crate::app::feed_cache::CachedFeed, time::OffsetDateTime)>,
) -> Vec<Msg> {
    let (feed, saved_at) = loaded.unwrap_or_else(|| (Default::default(), crate::clock::now()));
    vec![Msg::FeedCacheLoaded {
        user_id,
        feed,
        saved_at,
    }]
}

/// How long the parse of a big cache's rest waits for its head to be
/// drawn: long enough for any frame, short enough that a loop that draws
/// nothing (another screen) does not hold the rest back noticeably.
const HEAD_DRAWN_WAIT: std::time::Duration = std::time::Duration::from_millis(250);

impl Executor {
    pub fn new(store: crate::store::Store, cache: FeedCache, demo: Option<FakeControl>) -> Self {
        let (tx, rx) = mpsc::unbounded_channel();
        let persister = Persister::start(store.clone(), Outbox(tx.clone()));
        let disk = DiskCache::new(
            cache.dir().join(crate::preview::disk::FOLDER),
            crate::preview::disk::DEFAULT_CAP,
        );
        Executor {
            store,
            tx,
            rx,
            persister,
            cache,
            client: None,
            demo,
            in_flight: 0,
            cache_snapshots: 0,
            cache_writes: Vec::new(),
            previews: Previews::new(None),
            disk,
            preview_slots: Arc::new(Semaphore::new(PREVIEW_PARALLEL)),
            wanted: Arc::new(std::sync::Mutex::new(None)),
            pictures: OnScreen::default(),
            picture_slots: Arc::new(Semaphore::new(PICTURES_PARALLEL)),
            handoffs_running: 0,
            stop_handoffs: Arc::new(std::sync::atomic::AtomicBool::new(false)),
            frames: tokio::sync::watch::Sender::new(0),
        }
    }

    /// Called by whoever draws, after each frame.
    pub fn drawn(&self) {
        self.frames.send_modify(|n| *n = n.wrapping_add(1));
    }

    /// On quit while handoffs run: stops them, with everything they
    /// started, rather than keep the user waiting up to their timeout with
    /// nothing on screen, and hands their outcomes to `app` so that they are
    /// recorded like any other. The lines to print once the terminal is back.
    pub async fn stop_handoffs(&mut self, app: &mut App) -> Vec<String> {
        if self.handoffs_running == 0 {
            return Vec::new();
        }
        self.stop_handoffs
            .store(true, std::sync::atomic::Ordering::SeqCst);
        let mut lines = Vec::new();
        while self.handoffs_running > 0 {
            // Each command sees the stop within a few hundredths of a second.
            let Ok(Some(msg)) =
                tokio::time::timeout(std::time::Duration::from_secs(10), self.next()).await
            else {
                break;
            };
            if let Msg::HandoffsRan(results) = &msg {
                lines.extend(
                    results
                        .iter()
                        .filter(|(_, r)| !r.ok)
                        .map(|(id, r)| format!("handoff {id}: {}", r.summary)),
                );
                self.send(app, msg, crate::clock::now());
            }
        }
        lines
    }

    /// Turns pictures on with this picker (`None`: off). Scaling and
    /// encoding for the pane then happen on worker threads.
    pub fn set_picker(&mut self, picker: Option<crate::preview::Painter>) {
        self.previews = Previews::offloaded(picker);
    }

    /// Sends the pictures the last frame could not draw at their size to be
    /// scaled and encoded off the loop; each comes back as a message.
    pub(crate) fn encode_pictures(&mut self) {
        for (key, mut protocol, size) in self.previews.take_resizes() {
            let tx = self.tx.clone();
            tokio::task::spawn_blocking(move || {
                use ratatui_image::ResizeEncodeRender;
                protocol.resize_encode(&crate::preview::resize_mode(&protocol), size);
                let _ = tx.send(Answer {
                    event: Event::PictureEncoded {
                        key,
                        picture: Box::new(crate::preview::Encoded(protocol)),
                    },
                    ends_task: false,
                });
            });
        }
    }

    /// Asks the terminal about graphics on a worker (`query` reads stdin and
    /// may wait for its timeout on a terminal that never answers); the answer
    /// comes back as `Pictures`. Not a task: `in_flight` does not wait for it.
    pub(crate) fn query_pictures<F, C>(&self, query: F)
    where
        F: FnOnce() -> C + Send + 'static,
        C: Into<crate::preview::Chosen>,
    {
        let tx = self.tx.clone();
        tokio::task::spawn_blocking(move || {
            let chosen: crate::preview::Chosen = query().into();
            // Before the pictures: the event reader starts with them, and
            // the first frame it draws is in the right colours.
            if let Some(colour) = chosen.background {
                let _ = tx.send(Answer {
                    event: Event::Msg(Msg::Background {
                        light: colour.is_light(),
                    }),
                    ends_task: false,
                });
            }
            let _ = tx.send(Answer {
                event: Event::PickerChosen(Box::new(chosen)),
                ends_task: false,
            });
        });
    }

    /// Where keys read by someone else than the event reader (the
    /// graphics query, while it owns the input) are handed in.
    pub(crate) fn sender(&self) -> Outbox {
        Outbox(self.tx.clone())
    }

    pub fn previews_mut(&mut self) -> &mut Previews {
        &mut self.previews
    }

    pub fn in_flight(&self) -> usize {
        self.in_flight
    }

    /// The next message for `update`, skipping what only drawing needs.
    /// Tasks are counted, so tests can wait until idle.
    pub async fn next(&mut self) -> Option<Msg> {
        loop {
            if let Ready::Msg(msg) = self.next_ready().await? {
                return Some(msg);
            }
        }
    }

    /// The next thing the loop must act on: a message for `update`, or a
    /// redraw. The executor's own plumbing is handled here.
    pub(crate) async fn next_ready(&mut self) -> Option<Ready> {
        let Answer { event, ends_task } = self.rx.recv().await?;
        if ends_task {
            self.in_flight = self.in_flight.saturating_sub(1);
        }
        Some(match event {
            Event::Msg(msg) => {
                if matches!(msg, Msg::HandoffsRan(_)) {
                    self.handoffs_running = self.handoffs_running.saturating_sub(1);
                }
                if let Msg::PreviewLoaded { key, outcome } = &msg {
                    self.picture_answered(key, outcome);
                }
                Ready::Msg(msg)
            }
            // Pixels stay here, where drawing needs them; `update` hears
            // only that the picture is ready.
            Event::PreviewDecoded { key, image } => {
                self.pictures.out.remove(&key);
                self.previews.insert(key.clone(), *image);
                Ready::Msg(Msg::PreviewLoaded {
                    key,
                    outcome: PreviewOutcome::Ready,
                })
            }
            Event::PickerChosen(chosen) => {
                let chosen = *chosen;
                let enabled = chosen.picker.is_some();
                self.set_picker(chosen.picker);
                self.previews.set_tmux_origin(chosen.tmux_origin);
                Ready::Msg(Msg::Pictures {
                    enabled,
                    hint: chosen.hint,
                })
            }
            Event::PictureEncoded { key, picture } => {
                self.previews.put_back(&key, picture.0);
                Ready::Redraw
            }
        })
    }

    /// A task's only answer, known at once (no client, say): counted like
    /// a task so that waiting for idle waits for it.
    fn answer_now(&mut self, msg: Msg) {
        self.in_flight += 1;
        let _ = self.tx.send(Answer {
            event: Event::Msg(msg),
            ends_task: true,
        });
    }

    /// Looks (off the loop) whether another process changed state.json.
    /// The state the app was started with: its saves are merged against it.
    pub fn saves_start_from(&self, state: &crate::store::State) {
        self.persister.start_from(state.clone());
    }

    pub fn check_store(&self) {
        self.persister.check();
    }

    /// The drain at exit: queued state saves and feed cache writes; a new
    /// token that could not be saved is kept in a file, and the line saying
    /// where comes back.
    pub async fn finish_saves(&mut self) -> Option<String> {
        let unsaved = self.persister.finish().await;
        for write in std::mem::take(&mut self.cache_writes) {
            let _ = write.await;
        }
        unsaved
    }

    /// Waits for queued state saves and feed cache writes.
    pub async fn flush_saves(&mut self) {
        self.persister.flush().await;
        for write in std::mem::take(&mut self.cache_writes) {
            let _ = write.await;
        }
    }

    /// Asks the machine's schedulers (off the loop: it runs `systemctl` or
    /// `crontab -l`) what keeps this config dir's tokens alive.
    /// Reads `watch.json` off the loop; the app then checks every account.
    pub(crate) fn load_watch(&mut self) {
        let store = self.store.clone();
        self.spawn(async move {
            let watch = tokio::task::spawn_blocking(move || crate::watch::load(&store).0)
                .await
                .unwrap_or_default();
            vec![Msg::WatchLoaded(watch)]
        });
    }

    pub(crate) fn check_keep_alive(
        &mut self,
        config_dir: std::path::PathBuf,
        config: &crate::config::Config,
    ) {
        use crate::app::keepalive::KeepAliveState;
        let for_guide = config_dir.clone();
        let config = config.clone();
        self.spawn(async move {
            let guide = tokio::task::spawn_blocking(move || keep_alive_guide(&for_guide, &config))
                .await
                .unwrap_or_else(|e| Err(format!("could not build the keep-alive lines: {e}")));
            vec![Msg::KeepAliveGuide(guide)]
        });
        self.spawn(async move {
            let state = tokio::task::spawn_blocking(move || {
                let dir = std::path::absolute(&config_dir).unwrap_or(config_dir);
                let name = crate::keepalive::entry_name(&dir);
                let found = crate::keepalive::detect(&name, crate::clock::now());
                match found.first() {
                    None => KeepAliveState::Missing,
                    Some(entry) => {
                        let what = entry.scheduler.describe().to_string();
                        if entry.outdated().is_some() {
                            KeepAliveState::Outdated(what)
                        } else {
                            KeepAliveState::Installed(what)
                        }
                    }
                }
            })
            .await
            .unwrap_or_default();
            vec![Msg::KeepAlive(state)]
        });
    }

    /// Loads the cached feed of the active account, answering with a message.
    pub(crate) fn load_cache(&mut self, app: &App) {
        if let Some(user_id) = app.stored.active_user_id() {
            self.load_cache_of(user_id.to_string());
        }
    }

    fn load_cache_of(&mut self, user_id: String) {
        let cache = self.cache.clone();
        let outbox = self.sender();
        let mut frames = self.frames.subscribe();
        self.spawn(async move {
            // The head first, drawn at once; then the rest, parsed off the
            // loop, replaces it. The post selected when the feed was last
            // left goes before both, to be selected in them.
            let (id, reader) = (user_id.clone(), cache.clone());
            let head = tokio::task::spawn_blocking(move || {
                if let Some(post_id) = reader.load_selection(&id) {
                    outbox.send(Msg::FeedSelectionRemembered {
                        user_id: id.clone(),
                        post_id,
                    });
                }
                reader
                    .load_head(&id, super::cache::HEAD)
                    .map(|head| (head, outbox))
            })
            .await
            .ok()
            .flatten();
            match head {
                Some((head, _)) if head.whole => {
                    return cache_loaded(user_id, Some((head.feed, head.saved_at)));
                }
                Some((head, outbox)) => {
                    frames.mark_unchanged();
                    outbox.send(Msg::FeedCacheHead {
                        user_id: user_id.clone(),
                        feed: head.feed,
                        saved_at: head.saved_at,
                    });
                    // On two busy cores the rest's parse (15 ms at 10,000
                    // posts) took the core the loop needed to draw the
                    // head: it starts once the head is on screen.
                    let _ = tokio::time::timeout(HEAD_DRAWN_WAIT, frames.changed()).await;
                }
                None => {}
            }
            let id = user_id.clone();
            let loaded = tokio::task::spawn_blocking(move || cache.load(&id))
                .await
                .ok()
                .flatten();
            cache_loaded(user_id, loaded)
        });
    }

    fn client(&mut self, app: &App) -> Result<Client, ApiError> {
        let flavor = app.stored.flavor_for(None);
        let endpoints = app.endpoints();
        if let Some((f, e, client)) = &self.client
            && *f == flavor
            && *e == endpoints
        {
            return Ok(client.clone());
        }
        let client = Client::new(flavor, endpoints.clone())?.with_clock(crate::clock::now);
        self.client = Some((flavor, endpoints, client.clone()));
        Ok(client)
    }

    /// Starts a task; the last of its answers ends it.
    fn spawn<F, E>(&mut self, task: F)
    where
        F: std::future::Future<Output = Vec<E>> + Send + 'static,
        E: Into<Event> + Send + 'static,
    {
        self.in_flight += 1;
        let tx = self.tx.clone();
        tokio::spawn(async move {
            let answers = task.await;
            let last = answers.len().saturating_sub(1);
            for (i, event) in answers.into_iter().enumerate() {
                let _ = tx.send(Answer {
                    event: event.into(),
                    ends_task: i == last,
                });
            }
        });
    }

    /// Runs an API call; the usage Instagram reported rides along.
    fn call<T, Fut>(
        &mut self,
        app: &App,
        call: impl FnOnce(Client) -> Fut + Send + 'static,
        wrap: impl FnOnce(Result<T, ApiError>) -> Msg + Send + 'static,
    ) where
        T: Send + 'static,
        Fut: std::future::Future<Output = Result<T, ApiError>> + Send + 'static,
    {
        match self.client(app) {
            Err(e) => self.answer_now(wrap(Err(e))),
            Ok(client) => self.spawn(async move {
                let result = call(client.clone()).await;
                let mut msgs = Vec::new();
                if let Some(usage) = client.rate_usage() {
                    msgs.push(Msg::RateUsage(usage));
                }
                if let Some(notice) = crate::instagram::served::take_notice() {
                    msgs.push(Msg::ServedVersion(notice));
                }
                msgs.push(wrap(result));
                msgs
            }),
        }
    }

    pub fn run(&mut self, app: &App, effect: Effect) {
        match effect {
            Effect::Save(state) => self.persister.save(*state),
            Effect::ExchangeCode {
                generation,
                app: config,
                code,
            } => self.call(
                app,
                move |c| async move { c.exchange_code(&config, &code).await },
                move |result| Msg::CodeExchanged { generation, result },
            ),
            Effect::ExchangeLongLived {
                generation,
                app_secret,
                short_token,
            } => self.call(
                app,
                move |c| async move { c.exchange_long_lived(&app_secret, &short_token).await },
                move |result| Msg::LongLivedExchanged { generation, result },
            ),
            Effect::FetchProfile { generation, token } => self.call(
                app,
                move |c| async move { c.profile(&token).await },
                move |result| Msg::ProfileFetched { generation, result },
            ),
            Effect::Refresh { token } => self.call(
                app,
                move |c| async move { c.refresh(&token).await },
                |result| Msg::Refreshed { result },
            ),
            Effect::FetchFeedPage {
                generation,
                token,
                after,
            } => {
                let cursor = after.clone();
                self.call(
                    app,
                    move |c| async move {
                        c.media_page(
                            &token,
                            crate::instagram::client::ME,
                            cursor.as_deref(),
                            crate::instagram::client::PAGE_LIMIT,
                        )
                        .await
                    },
                    move |result| Msg::FeedPage {
                        generation,
                        after,
                        result,
                    },
                );
            }
            Effect::SaveFeedCache {
                user_id,
                feed,
                over_cached,
            } => {
                let cache = self.cache.clone();
                let now = app.now;
                self.cache_snapshots += 1;
                let seq = self.cache_snapshots;
                // Not waited for (the cache is a convenience), except
                // before exit, so the last list loaded is the next start's.
                self.cache_writes.retain(|w| !w.is_finished());
                self.cache_writes.push(tokio::task::spawn_blocking(move || {
                    let saved = if over_cached {
                        cache.save_over_cached(seq, &user_id, &feed, now)
                    } else {
                        cache.save(seq, &user_id, &feed, now)
                    };
                    if let Err(e) = saved {
                        tracing::warn!("could not write the feed cache: {e}");
                    }
                }));
            }
            Effect::LoadFeedCache { user_id } => self.load_cache_of(user_id),
            Effect::RememberSelection { user_id, post_id } => {
                let cache = self.cache.clone();
                // Waited for before exit, as the cache's writes are.
                self.cache_writes.retain(|w| !w.is_finished());
                self.cache_writes.push(tokio::task::spawn_blocking(move || {
                    if let Err(e) = cache.save_selection(&user_id, post_id.as_deref()) {
                        tracing::warn!("could not keep the selected post: {e}");
                    }
                }));
            }
            Effect::DropFeedCache { user_id } => {
                let cache = self.cache.clone();
                let seq = self.cache_snapshots;
                self.cache_writes.retain(|w| !w.is_finished());
                self.cache_writes.push(tokio::task::spawn_blocking(move || {
                    if let Err(e) = cache.remove(seq, &user_id) {
                        tracing::warn!("could not delete a removed account's feed cache: {e}");
                    }
                }));
            }
            Effect::OpenUrl(url) => self.spawn(async move {
                let result = tokio::task::spawn_blocking(move || crate::browser::open_url(&url))
                    .await
                    .unwrap_or_else(|e| Err(format!("could not open the browser: {e}")));
                vec![Msg::BrowserOpened(result)]
            }),
            Effect::Copy(text) => copy_osc52(&text),
            Effect::RunDoctor {
                app: registered,
                endpoints,
                pictures,
            } => {
                let state_path = self.store.path();
                let config_dir = self.store.dir().to_path_buf();
                self.spawn(async move {
                    let mut checks = crate::doctor::gather(crate::doctor::Inputs {
                        app: registered.as_deref(),
                        endpoints,
                        state_path: &state_path,
                        config_dir: &config_dir,
                        timeout: std::time::Duration::from_secs(5),
                    })
                    .await;
                    // The terminal was asked when the TUI started; asking
                    // again would race the screen for its answer.
                    checks.push(crate::doctor::pictures(if pictures {
                        Ok((
                            "this terminal shows pictures (asked when instatui started)".into(),
                            None,
                        ))
                    } else {
                        Err("pictures are off in this session (`instatui doctor` outside the TUI asks the terminal)".into())
                    }));
                    vec![Msg::DoctorChecked(checks)]
                });
            }
            Effect::InstallKeepAlive(plan) => self.spawn(async move {
                // It runs systemctl or crontab: off the loop.
                let result = tokio::task::spawn_blocking(move || {
                    crate::keepalive::install(&plan, None)
                        .map(|report| (report.scheduler.describe().to_string(), report.fallback))
                })
                .await
                .unwrap_or_else(|e| Err(e.to_string()));
                vec![Msg::KeepAliveInstalled(result)]
            }),
            Effect::DemoConsent {
                authorize_url,
                allow,
                login,
            } => {
                let control = self.demo.clone();
                self.spawn(async move {
                    vec![Msg::DemoRedirect(
                        demo_consent(control, &authorize_url, allow, login).await,
                    )]
                });
            }
            Effect::LoadPreview {
                key,
                post_id,
                child,
                url,
                token,
            } => self.load_preview(app, key, post_id, child, url, token),
            Effect::LoadPictures { pictures, token } => {
                *self
                    .pictures
                    .wanted
                    .lock()
                    .unwrap_or_else(|e| e.into_inner()) =
                    pictures.iter().map(|p| p.key.clone()).collect();
                self.pictures.token = Some(token);
                self.pictures.asked = pictures.clone();
                for picture in pictures {
                    self.load_picture(app, picture);
                }
            }
            Effect::FetchInsights {
                post_id,
                metrics,
                token,
            } => {
                let id = post_id.clone();
                self.call(
                    app,
                    move |c| async move {
                        let metrics: Vec<&str> = metrics.iter().map(String::as_str).collect();
                        c.media_insights(&token, &id, &metrics).await
                    },
                    move |result| Msg::InsightsFetched { post_id, result },
                );
            }
            Effect::FetchComments {
                post_id,
                after,
                token,
            } => {
                let (id, cursor) = (post_id.clone(), after.clone());
                self.call(
                    app,
                    move |c| async move {
                        c.comments_page(
                            &token,
                            &id,
                            cursor.as_deref(),
                            crate::app::insights::COMMENTS_PAGE,
                        )
                        .await
                    },
                    move |result| Msg::CommentsFetched {
                        post_id,
                        after,
                        result,
                    },
                );
            }
            Effect::FetchTotals {
                user_id,
                owner,
                until,
                token,
            } => self.call(
                app,
                move |c| async move {
                    let metrics = crate::instagram::engagement::ACCOUNT_METRICS;
                    let week = c
                        .account_insights(&token, &owner, metrics, until - 7 * 86_400, until)
                        .await?;
                    let month = c
                        .account_insights(&token, &owner, metrics, until - 30 * 86_400, until)
                        .await?;
                    Ok((week, month))
                },
                move |result| Msg::TotalsFetched { user_id, result },
            ),
            Effect::Download {
                post,
                username,
                token,
                dir,
            } => self.download(app, *post, username, token, dir),
            Effect::RunHandoffs { ticket, handoffs } => {
                let persister = self.persister.clone();
                let stop = self.stop_handoffs.clone();
                self.handoffs_running += 1;
                self.spawn(async move {
                    // The new token is on disk before anyone is handed it.
                    persister.flush().await;
                    let results = tokio::task::spawn_blocking(move || {
                        crate::handoff::run_all(&handoffs, &ticket, None, &stop)
                    })
                    .await
                    .unwrap_or_default();
                    vec![Msg::HandoffsRan(results)]
                });
            }
            Effect::CheckAccounts(accounts) => self.spawn(async move {
                // One after the other: a handful of cheap calls, and a rate
                // limit on one app is not made worse by the others.
                let mut checks = Vec::new();
                for a in accounts {
                    let check = match Client::new(a.flavor, a.endpoints) {
                        Ok(client) => {
                            let client = client.with_clock(crate::clock::now);
                            crate::watch::check::check(&client, &a.token).await.0
                        }
                        Err(e) => crate::watch::Check {
                            at: crate::clock::now(),
                            outcome: crate::watch::CheckOutcome::Failed {
                                message: e.to_string(),
                            },
                        },
                    };
                    checks.push((a.id, check));
                }
                vec![Msg::AccountsChecked(checks)]
            }),
            Effect::RecordChecks(checks) => {
                let store = self.store.clone();
                // Nothing waits for it: a failure costs only the record.
                tokio::task::spawn_blocking(move || {
                    let saved = crate::watch::update(&store, |w| {
                        for (id, check) in checks {
                            w.record_check(&id, check);
                        }
                    });
                    if let Err(e) = saved {
                        tracing::warn!("could not record the accounts' checks: {e}");
                    }
                });
            }
            Effect::Quit => {}
        }
    }

    fn load_preview(
        &mut self,
        app: &App,
        key: String,
        post_id: String,
        child: Option<usize>,
        url: String,
        token: crate::secret::Secret,
    ) {
        *self.wanted.lock().unwrap_or_else(|e| e.into_inner()) = Some(key.clone());
        if self.previews.contains(&key) {
            self.answer_now(Msg::PreviewLoaded {
                key,
                outcome: PreviewOutcome::Ready,
            });
            return;
        }
        let client = match self.client(app) {
            Ok(client) => client,
            Err(e) => {
                self.answer_now(Msg::PreviewLoaded {
                    key,
                    outcome: PreviewOutcome::Failed(e.to_string()),
                });
                return;
            }
        };
        let (disk, slots, wanted) = (
            self.disk.clone(),
            self.preview_slots.clone(),
            self.wanted.clone(),
        );
        self.spawn(async move {
            let Ok(_slot) = slots.acquire_owned().await else {
                return vec![Event::Msg(Msg::PreviewLoaded {
                    key,
                    outcome: PreviewOutcome::Failed("shutting down".into()),
                })];
            };
            let still_wanted =
                wanted.lock().unwrap_or_else(|e| e.into_inner()).as_deref() == Some(key.as_str());
            let cached = read_cached(&disk, &key).await;
            if cached.is_none() && !still_wanted {
                // Scrolled past before its turn came: not worth the download.
                return vec![Event::Msg(Msg::PreviewLoaded {
                    key,
                    outcome: PreviewOutcome::GaveWay,
                })];
            }
            let source = Source {
                disk_key: key.clone(),
                key,
                post: Some((post_id.as_str(), child)),
                url: &url,
            };
            fetch_and_decode(&client, &token, disk, cached, source, None).await
        });
    }

    /// A picture besides the pane's came back: no longer out; a failure is
    /// not asked for again; one that gave way while it came back on screen
    /// is asked for again.
    fn picture_answered(&mut self, key: &str, outcome: &PreviewOutcome) {
        if !self.pictures.out.remove(key) {
            return;
        }
        match outcome {
            PreviewOutcome::Failed(_) => {
                self.pictures.failed.insert(key.to_string());
            }
            PreviewOutcome::GaveWay => {
                let again = self.pictures.asked.iter().find(|p| p.key == key).cloned();
                let still = self
                    .pictures
                    .wanted
                    .lock()
                    .unwrap_or_else(|e| e.into_inner())
                    .contains(key);
                if let (Some(picture), true, Some(client)) = (
                    again,
                    still,
                    self.client.as_ref().map(|(_, _, c)| c.clone()),
                ) {
                    self.spawn_picture(client, picture);
                }
            }
            PreviewOutcome::Ready => {}
        }
    }

    /// One picture of the set on screen: from memory, the disk cache or the
    /// CDN, decoded on a worker, a few at a time.
    fn load_picture(&mut self, app: &App, picture: crate::app::pictures::Picture) {
        let key = picture.key.as_str();
        if self.previews.contains(key)
            || self.pictures.out.contains(key)
            || self.pictures.failed.contains(key)
        {
            return;
        }
        let client = match self.client(app) {
            Ok(client) => client,
            Err(e) => {
                self.pictures.out.insert(picture.key.clone());
                self.answer_now(Msg::PreviewLoaded {
                    key: picture.key,
                    outcome: PreviewOutcome::Failed(e.to_string()),
                });
                return;
            }
        };
        self.spawn_picture(client, picture);
    }

    fn spawn_picture(&mut self, client: Client, picture: crate::app::pictures::Picture) {
        let Some(token) = self.pictures.token.clone() else {
            return;
        };
        self.pictures.out.insert(picture.key.clone());
        let (disk, slots, wanted) = (
            self.disk.clone(),
            self.picture_slots.clone(),
            self.pictures.wanted.clone(),
        );
        self.spawn(async move {
            let crate::app::pictures::Picture {
                key,
                disk_key,
                post,
                url,
                max_side,
            } = picture;
            let answer =
                |key: String, outcome| vec![Event::Msg(Msg::PreviewLoaded { key, outcome })];
            let Ok(_slot) = slots.acquire_owned().await else {
                return answer(key, PreviewOutcome::Failed("shutting down".into()));
            };
            if !wanted
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .contains(&key)
            {
                // Scrolled off screen before its turn came.
                return answer(key, PreviewOutcome::GaveWay);
            }
            let cached = read_cached(&disk, &disk_key).await;
            let source = Source {
                key,
                disk_key,
                post: post.as_ref().map(|(id, child)| (id.as_str(), *child)),
                url: &url,
            };
            fetch_and_decode(&client, &token, disk, cached, source, Some(max_side)).await
        });
    }

    fn download(
        &mut self,
        app: &App,
        post: crate::instagram::Media,
        username: String,
        token: crate::secret::Secret,
        dir: std::path::PathBuf,
    ) {
        let client = match self.client(app) {
            Ok(client) => client,
            Err(e) => {
                self.answer_now(Msg::Downloaded(Err(e.to_string())));
                return;
            }
        };
        let progress = self.sender();
        let pattern = app.download_pattern.clone();
        self.spawn(async move {
            if let Err(e) = tokio::fs::create_dir_all(&dir).await {
                return vec![Msg::Downloaded(Err(format!(
                    "could not create {}: {e}",
                    dir.display()
                )))];
            }
            let jobs = pattern.plan(std::slice::from_ref(&post), &username);
            let listed = dir.clone();
            let existing =
                tokio::task::spawn_blocking(move || crate::download::Existing::scan(&listed))
                    .await
                    .unwrap_or_default();
            let total = jobs.len();
            let (mut saved, mut skipped, mut covers, mut failed) = (0, 0, 0, Vec::new());
            for (done, job) in jobs.iter().enumerate() {
                match crate::download::run_job(&client, &token, job, &dir, &existing).await {
                    Ok(crate::download::Outcome::Saved(_)) => saved += 1,
                    Ok(crate::download::Outcome::Skipped(_)) => skipped += 1,
                    Ok(crate::download::Outcome::CoverOnly(_)) => covers += 1,
                    Err(e) => failed.push(e),
                }
                let _ = progress.send(Msg::DownloadProgress {
                    done: done + 1,
                    total,
                });
            }
            let result = if failed.is_empty() {
                let covers = match covers {
                    0 => String::new(),
                    n => format!(
                        ", {n} only as a cover ({})",
                        crate::instagram::VIDEO_UNAVAILABLE
                    ),
                };
                let files = if saved == 1 { "file" } else { "files" };
                Ok(format!(
                    "saved {saved} {files}, {skipped} already there{covers}, in {}",
                    dir.display()
                ))
            } else {
                Err(format!(
                    "{} of {total} failed: {}",
                    failed.len(),
                    failed.join("; ")
                ))
            };
            vec![Msg::Downloaded(result)]
        });
    }
}

/// A picture to fetch and decode: where it is kept, where it comes from.
struct Source<'a> {
    /// Its key among the decoded pictures in memory.
    key: String,
    /// Its file in the disk cache (a tile shares the post's with the pane).
    disk_key: String,
    /// The post (and album item) that renews an expired URL; `None` for
    /// the profile picture, which has no post.
    post: Option<(&'a str, Option<usize>)>,
    url: &'a str,
}

/// The disk cache's copy of a picture, read on a worker.
async fn read_cached(disk: &DiskCache, disk_key: &str) -> Option<Vec<u8>> {
    let (disk, disk_key) = (disk.clone(), disk_key.to_string());
    tokio::task::spawn_blocking(move || disk.get(&disk_key))
        .await
        .ok()
        .flatten()
}

/// Every picture's way from bytes to pixels, the detail pane's, the grid's
/// tiles' and the profile picture's alike: the disk cache's copy (`cached`)
/// or the CDN's (an expired URL renewed from its post), decoded off the
/// loop within `preview`'s limits and shrunk to `max_side` (`None`: the
/// pane's size). Only bytes that decode are cached, so a proxy's page
/// served as 200 (or a picture past the limits) never stands in for the
/// picture on later visits; a cached copy that no longer decodes is dropped.
async fn fetch_and_decode(
    client: &Client,
    token: &crate::secret::Secret,
    disk: DiskCache,
    cached: Option<Vec<u8>>,
    source: Source<'_>,
    max_side: Option<u32>,
) -> Vec<Event> {
    let Source {
        key,
        disk_key,
        post,
        url,
    } = source;
    let failed = |key: String, e: String| {
        Event::Msg(Msg::PreviewLoaded {
            key,
            outcome: PreviewOutcome::Failed(e),
        })
    };
    let mut events = Vec::new();
    let from_disk = cached.is_some();
    let bytes = match (cached, post) {
        (Some(bytes), _) => bytes,
        (None, Some((post_id, child))) => {
            match fetch_picture(client, token, post_id, child, url).await {
                Ok((bytes, refreshed)) => {
                    if let Some(post) = refreshed {
                        events.push(Event::Msg(Msg::PostRefreshed(Box::new(post))));
                    }
                    bytes
                }
                Err(e) => {
                    events.push(failed(key, e));
                    return events;
                }
            }
        }
        (None, None) => match client.fetch(url).await {
            Ok(download) => download.bytes.to_vec(),
            Err(e) => {
                events.push(failed(key, e.to_string()));
                return events;
            }
        },
    };
    let max_side = max_side.unwrap_or(crate::preview::MAX_SIDE);
    let decoded = tokio::task::spawn_blocking(move || {
        let decoded = crate::preview::decode_within(&bytes, max_side);
        match (&decoded, from_disk) {
            (Ok(_), false) => {
                let _ = disk.put(&disk_key, &bytes);
            }
            (Err(_), true) => disk.remove(&disk_key),
            _ => {}
        }
        decoded
    })
    .await
    .unwrap_or_else(|e| Err(format!("decoding failed: {e}")));
    events.push(match decoded {
        Ok(image) => Event::PreviewDecoded {
            key,
            image: Box::new(image),
        },
        Err(e) => failed(key, e),
    });
    events
}

/// Fetches a picture; an expired CDN URL costs one fetch of the post for
/// a fresh URL (`Client::with_renewal`), which the caller also hands to the feed.
async fn fetch_picture(
    client: &Client,
    token: &crate::secret::Secret,
    post_id: &str,
    child: Option<usize>,
    url: &str,
) -> Result<(Vec<u8>, Option<crate::instagram::Media>), String> {
    use crate::instagram::renew::{Item, RenewError, Wanted};
    let item = Item { post_id, child };
    match client
        .with_renewal(token, item, Wanted::Picture, url, |url| async move {
            client.fetch(&url).await
        })
        .await
    {
        Ok(renewed) => Ok((renewed.value.bytes.to_vec(), renewed.post)),
        Err(RenewError::Failed(err)) => Err(err.to_string()),
        Err(RenewError::Gone) => Err("the post no longer offers a picture".to_string()),
    }
}

/// Without the fake, there is no stand-in browser.
#[cfg(not(feature = "demo"))]
async fn demo_consent(
    _control: Option<FakeControl>,
    _authorize_url: &str,
    _allow: bool,
    _login: DemoLogin,
) -> Result<String, String> {
    Err("the consent stand-in exists only in --demo".to_string())
}

/// Plays the browser: logs in as `login` says, then asks the fake's
/// authorize page for its redirect, exactly as Instagram would send the
/// user's browser on.
#[cfg(feature = "demo")]
async fn demo_consent(
    control: Option<FakeControl>,
    authorize_url: &str,
    allow: bool,
    login: DemoLogin,
) -> Result<String, String> {
    let Some(control) = control else {
        return Err("the consent stand-in exists only in --demo".to_string());
    };
    match login {
        DemoLogin::Again(Some(name)) => {
            // An account the fake does not know keeps whoever is signed in.
            control.sign_in_as(&name);
        }
        DemoLogin::Again(None) => {}
        DemoLogin::NewAccount { stored } => match control.first_user_not_among(&stored) {
            Some(user) => {
                control.sign_in_as(&user);
            }
            None => {
                let all: Vec<String> = control
                    .usernames()
                    .iter()
                    .map(|u| format!("@{u}"))
                    .collect();
                return Err(format!(
                    "demo: every user of the fake Instagram ({}) is added already; x on Accounts (5) removes one to add it again",
                    all.join(", ")
                ));
            }
        },
    }
    control.set_consent(if allow { Consent::Allow } else { Consent::Deny });
    crate::install_crypto_provider();
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .map_err(|e| format!("demo: could not build an HTTP client: {e}"))?;
    let response = http
        .get(authorize_url)
        .send()
        .await
        .map_err(|e| format!("demo: the fake Instagram did not answer: {e}"))?;
    if let Some(location) = crate::instagram::header_text(&response, "location") {
        return Ok(location);
    }
    // Instagram's own error page: its reason is what the user must fix.
    let status = response.status().as_u16();
    let content_type = crate::instagram::header_text(&response, "content-type");
    let body = response.bytes().await.unwrap_or_default();
    let err = crate::instagram::ApiError::from_response(status, content_type.as_deref(), &body);
    Err(format!("the authorize page refused: {err}"))
}

/// The keep-alive popup's lines, and the plan its `i` installs: what
/// `keep-alive install` would set up for this binary and config dir, on
/// the schedule it would use (config.toml's `[keep_alive]`, else the
/// default; the TUI has no flags).
pub fn keep_alive_guide(
    config_dir: &std::path::Path,
    config: &crate::config::Config,
) -> Result<crate::app::keepalive::Guide, String> {
    let (every, within) = crate::config::keep_alive_schedule(None, None, config);
    let schedule = crate::keepalive::Schedule::new(every, within)?;
    let plan = crate::keepalive::Plan::for_this_binary(config_dir, schedule)?;
    Ok(crate::app::keepalive::Guide {
        command: crate::keepalive::command_line(&plan),
        entries: crate::keepalive::preview(&plan),
        plan,
    })
}

/// Puts text on the clipboard through the terminal (OSC 52), which works
/// over SSH too where the terminal supports it.
fn copy_osc52(text: &str) {
    use crossterm::clipboard::CopyToClipboard;
    let _ = crossterm::execute!(std::io::stdout(), CopyToClipboard::to_clipboard_from(text));
}
