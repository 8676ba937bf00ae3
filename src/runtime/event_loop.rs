//! The event loop: terminal events, a 1 Hz tick and task results in one `select!`; draws only when something changed.

use super::answer::Ready;
use super::effects::Executor;
use super::terminal;
use crate::app::{self, App, Msg, Screen};
use crate::preview::ImageMode;
use crossterm::event::{Event, EventStream, KeyEventKind, MouseEventKind};
use futures::StreamExt;
use std::time::Duration;

pub(super) async fn run(
    mut app: App,
    mut executor: Executor,
    images: ImageMode,
) -> Result<(), String> {
    // Listening before the terminal changes: from here on a signal quits
    // through the loop, which hands the terminal back.
    let mut signals = Signals::listen();
    let mut suspension = Suspension::listen();
    let mut term = terminal::enter().map_err(|e| format!("could not set up the terminal: {e}"))?;
    let result = event_loop(
        &mut term,
        &mut app,
        &mut executor,
        images,
        &mut signals,
        &mut suspension,
    )
    .await;
    // What follows may take a while (a save waiting for another process's
    // lock): the screen says so, and Ctrl-C, which raw mode turns into a
    // key nobody reads now, is a signal again.
    app.set_status(
        app::Level::Info,
        "quitting: landing saves and stopping handoffs (Ctrl-C quits at once)",
    );
    let _ = term.draw(|frame| crate::ui::render_with_previews(&app, frame, None));
    terminal::allow_interrupt();
    let shutdown = async {
        // Handoffs still running are stopped and their outcomes recorded.
        let stopped = executor.stop_handoffs(&mut app).await;
        // Queued saves land before the terminal is handed back. A save waits up
        // to 5 s for another process's lock and a failed one is tried once more:
        // room for both and for keeping a token in a file, never cut short.
        let unsaved = tokio::time::timeout(Duration::from_secs(20), executor.finish_saves())
            .await
            .ok()
            .flatten();
        (stopped, unsaved)
    };
    // A second signal (or the first, when quitting began with `q`) ends
    // instatui at once, with the terminal handed back.
    let (stopped, unsaved) = tokio::select! {
        done = shutdown => done,
        signal = signals.next_signal() => {
            terminal::leave();
            super::remove_throw_away();
            eprintln!(
                "instatui: quit at once on a second signal: a save or handoff still under way was not waited for"
            );
            std::process::exit(128 + signal);
        }
    };
    terminal::leave();
    for line in stopped {
        eprintln!("{}", crate::sanitize::line(&line));
    }
    // A token that could not be saved outranks any other ending: the line
    // says where it is kept.
    match unsaved {
        Some(line) => Err(line),
        None => result,
    }
}

fn to_msg(event: Event) -> Option<Msg> {
    match event {
        Event::Key(key) if key.kind != KeyEventKind::Release => Some(Msg::Key(key)),
        Event::Paste(text) => Some(Msg::Paste(text)),
        Event::Mouse(mouse) => match mouse.kind {
            MouseEventKind::ScrollUp => Some(Msg::ScrollUp),
            MouseEventKind::ScrollDown => Some(Msg::ScrollDown),
            _ => None,
        },
        Event::Resize(w, h) => Some(Msg::Resize(w, h)),
        _ => None,
    }
}

/// The signals that end a process from outside. Without handlers each one
/// killed instatui on the spot, leaving the terminal in the alternate screen
/// with mouse tracking on, and queued saves unwritten; now each becomes
/// `Msg::Terminate`, and the loop quits the way `q` does.
pub struct Signals {
    streams: Vec<(i32, tokio::signal::unix::Signal)>,
}

impl Signals {
    /// Listens for SIGTERM, SIGHUP, SIGINT and SIGQUIT (one that cannot be
    /// listened for keeps its default action). Needs a tokio runtime.
    pub fn listen() -> Signals {
        use tokio::signal::unix::{SignalKind, signal};
        let streams = [
            (libc::SIGTERM, SignalKind::terminate()),
            (libc::SIGHUP, SignalKind::hangup()),
            (libc::SIGINT, SignalKind::interrupt()),
            (libc::SIGQUIT, SignalKind::quit()),
        ]
        .into_iter()
        .filter_map(|(number, kind)| signal(kind).ok().map(|s| (number, s)))
        .collect();
        Signals { streams }
    }

    /// The next of those signals, as the message that quits.
    pub async fn next(&mut self) -> Msg {
        self.next_signal().await;
        Msg::Terminate
    }

    /// The next of those signals, by its number.
    pub async fn next_signal(&mut self) -> i32 {
        if self.streams.is_empty() {
            return std::future::pending().await;
        }
        let arrivals = self
            .streams
            .iter_mut()
            .map(|(number, s)| Box::pin(async move { s.recv().await.map(|_| *number) }));
        let (number, _, _) = futures::future::select_all(arrivals).await;
        number.unwrap_or(libc::SIGTERM)
    }
}

/// Job control, for the TUI only (a subcommand keeps the default actions):
/// SIGTSTP (`kill -TSTP`, or Ctrl-Z where the terminal sends it) hands the
/// terminal back before stopping, and SIGCONT takes it again and redraws,
/// whoever stopped instatui (a SIGSTOP from outside included).
pub(super) struct Suspension {
    stop: Option<tokio::signal::unix::Signal>,
    resume: Option<tokio::signal::unix::Signal>,
}

impl Suspension {
    pub(super) fn listen() -> Suspension {
        use tokio::signal::unix::{SignalKind, signal};
        Suspension {
            stop: signal(SignalKind::from_raw(libc::SIGTSTP)).ok(),
            resume: signal(SignalKind::from_raw(libc::SIGCONT)).ok(),
        }
    }

    /// The next stop (`true`) or continue (`false`).
    async fn next(&mut self) -> bool {
        tokio::select! {
            () = Self::arrival(&mut self.stop) => true,
            () = Self::arrival(&mut self.resume) => false,
        }
    }

    async fn arrival(stream: &mut Option<tokio::signal::unix::Signal>) {
        let Some(s) = stream else {
            return std::future::pending().await;
        };
        if s.recv().await.is_none() {
            std::future::pending::<()>().await;
        }
    }
}

/// Ctrl-Z as a key: raw mode turns it into one instead of SIGTSTP.
fn is_suspend_key(event: &Event) -> bool {
    use crossterm::event::{KeyCode, KeyModifiers};
    matches!(event, Event::Key(key)
        if key.kind == KeyEventKind::Press
            && key.code == KeyCode::Char('z')
            && key.modifiers.contains(KeyModifiers::CONTROL))
}

async fn next_event(events: &mut Option<EventStream>) -> Option<std::io::Result<Event>> {
    match events {
        Some(events) => events.next().await,
        None => std::future::pending().await,
    }
}

/// What a tick could change on screen; a tick that changes none of it draws nothing.
fn tick_fingerprint(app: &App) -> (Screen, String, bool) {
    let countdown = app
        .stored
        .token()
        .map(|t| crate::lifetime::countdown(t, app.now).to_string())
        .unwrap_or_default();
    // A note that expired on the tick leaves the status line.
    (app.screen, countdown, app.status.is_some())
}

/// Where pictures can be on screen: when it changes, pictures drawn as
/// pixels are cleared away.
fn picture_layout(app: &App) -> (Screen, bool, bool, bool) {
    (
        app.screen,
        app.popup.is_some(),
        app.feed.detail,
        app.feed.full_picture,
    )
}

async fn event_loop(
    term: &mut ratatui::DefaultTerminal,
    app: &mut App,
    executor: &mut Executor,
    images: ImageMode,
    signals: &mut Signals,
    suspension: &mut Suspension,
) -> Result<(), String> {
    let draw = |term: &mut ratatui::DefaultTerminal, app: &App, executor: &mut Executor| {
        // The graphics query writes to stdout from a worker: holding the
        // lock keeps its bytes from landing inside a frame's escape codes.
        let stdout = std::io::stdout();
        let _frame = stdout.lock();
        term.draw(|frame| {
            crate::ui::render_with_previews(app, frame, Some(executor.previews_mut()))
        })
        .map(|_| ())
        .map_err(|e| format!("could not draw: {e}"))?;
        executor.drawn();
        // Pictures the frame needed at a new size are prepared off the loop.
        executor.encode_pictures();
        Ok::<(), String>(())
    };
    if let Ok(size) = term.size() {
        app::update(
            app,
            Msg::Resize(size.width, size.height),
            crate::clock::now(),
        );
    }
    draw(term, app, executor)?;
    // The cached feed and the first request start now; the graphics query
    // runs beside them, so a terminal that never answers delays only pictures.
    // Keys typed while the query owns the input reach `update` in order.
    let keys = executor.sender();
    super::start_up(app, executor, move || {
        crate::preview::query::choose(images, &move |key| {
            let _ = keys.send(Msg::Key(key));
        })
    });
    draw(term, app, executor)?;

    // The query reads stdin: terminal events are read only once it is done.
    let mut events: Option<EventStream> = None;
    let mut tick = tokio::time::interval(Duration::from_secs(1));
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
    // After a stop: the terminal taken again, its size asked anew (it may
    // have changed meanwhile) and every cell drawn.
    let take_back = |term: &mut ratatui::DefaultTerminal,
                     app: &mut App,
                     executor: &mut Executor| {
        terminal::take_back().map_err(|e| format!("could not set up the terminal again: {e}"))?;
        if let Ok(size) = term.size() {
            executor.send(
                app,
                Msg::Resize(size.width, size.height),
                crate::clock::now(),
            );
        }
        let _ = terminal::clear(term);
        draw(term, app, executor)
    };
    loop {
        let msg = tokio::select! {
            msg = signals.next() => msg,
            stop = suspension.next() => {
                if stop {
                    let _ = terminal::suspend();
                }
                take_back(term, app, executor)?;
                continue;
            }
            event = next_event(&mut events), if events.is_some() => match event {
                Some(Ok(event)) if is_suspend_key(&event) => {
                    let _ = terminal::suspend();
                    take_back(term, app, executor)?;
                    continue;
                }
                Some(Ok(event)) => {
                    if event == Event::FocusGained {
                        // Pictures drawn past a multiplexer are gone when
                        // its window comes back: everything is drawn anew.
                        let _ = terminal::clear(term);
                        draw(term, app, executor)?;
                        continue;
                    }
                    match to_msg(event) {
                        Some(msg) => msg,
                        None => continue,
                    }
                }
                Some(Err(e)) => return Err(format!("could not read the terminal: {e}")),
                None => return Ok(()),
            },
            _ = tick.tick() => {
                executor.check_store();
                Msg::Tick
            }
            Some(ready) = executor.next_ready() => match ready {
                Ready::Msg(msg) => msg,
                Ready::Redraw => {
                    draw(term, app, executor)?;
                    continue;
                }
            },
        };
        if matches!(msg, Msg::Pictures { .. }) && events.is_none() {
            events = Some(EventStream::new());
        }
        let before = tick_fingerprint(app);
        let layout = picture_layout(app);
        let is_tick = matches!(msg, Msg::Tick);
        let background = matches!(msg, Msg::Background { .. });
        let mut dirty = !is_tick;
        if executor.send(app, msg, crate::clock::now()) > 0 {
            dirty = true;
        }
        if is_tick
            && (matches!(app.screen, Screen::Token | Screen::Accounts)
                || tick_fingerprint(app) != before)
        {
            dirty = true;
        }
        if background {
            tracing::info!(
                theme = app.theme.as_str(),
                "theme after the terminal's background colour"
            );
        }
        if app.quit {
            return Ok(());
        }
        if picture_layout(app) != layout && app.images {
            // Cells ratatui does not rewrite (the second half of a wide
            // character, such as an emoji in a caption) would keep pieces
            // of the old picture: half-block colours, or sixel and iTerm2
            // pixels, which the terminal keeps until each of their cells is
            // written over. A new layout starts from a clear screen.
            let _ = terminal::clear(term);
            dirty = true;
        }
        if dirty {
            draw(term, app, executor)?;
        }
    }
}
