//! One task owns writes to state.json: saves run in order, off the event loop, and are drained before exit.
//!
//! Other processes (a cron `refresh`, a second terminal) may write the same
//! file. Each save therefore applies only what this app changed since its
//! previous save onto what is on disk, and changes made elsewhere are
//! noticed once a second and handed to the app as `Msg::StoreChanged`.

use super::answer::Outbox;
use crate::app::Msg;
use crate::store::merge::three_way;
use crate::store::{Peek, State, Store, StoreError};
use std::time::SystemTime;
use tokio::sync::{mpsc, oneshot};

enum Job {
    /// The state the app started from: the base of its first change.
    Base(Box<State>),
    Save(Box<State>),
    Flush(oneshot::Sender<()>),
    /// The last job: drain, and say whether a new token could not be saved.
    Finish(oneshot::Sender<Option<String>>),
    /// Look whether another process changed the file.
    Check,
}

#[derive(Clone)]
pub(crate) struct Persister {
    jobs: mpsc::UnboundedSender<Job>,
}

/// What the writer task knows between jobs.
struct Writer {
    store: Store,
    report: Outbox,
    /// The app's state as of its previous save: the base of its next change.
    last_sent: State,
    /// The file as this task last wrote or read it.
    on_disk: State,
    modified: Option<SystemTime>,
    /// A save that failed, tried again on the next look.
    retry: Option<State>,
}

impl Writer {
    fn modified(&self) -> Option<SystemTime> {
        std::fs::metadata(self.store.path())
            .and_then(|m| m.modified())
            .ok()
    }

    fn save(&mut self, ours: State) {
        let written = if self.store.peek() == Peek::Unreadable {
            // Merging onto a file that cannot be read would keep nothing of
            // it: write ours whole; the store moves the bad file aside.
            let _ = self.report.send(Msg::Saved(Err(format!(
                "{} could not be read: it was moved aside (.corrupt-<time>) and written afresh",
                self.store.path().display()
            ))));
            self.store
                .save(&ours)
                .map(|()| (self.on_disk.clone(), ours.clone()))
        } else {
            let base = &self.last_sent;
            self.store.update(|disk| {
                let found = disk.clone();
                *disk = three_way(base, &ours, disk);
                Ok::<_, StoreError>(found)
            })
        };
        match written {
            Ok((found, saved)) => {
                self.last_sent = ours;
                self.retry = None;
                let before = std::mem::replace(&mut self.on_disk, saved);
                // Not the file's time now: another process may have replaced
                // the file since the lock was let go, within the same clock
                // tick even. The next look reads the file and compares.
                self.modified = None;
                // Someone wrote since we last looked: the app hears of it
                // here, since this save leaves nothing for `check` to see.
                if found != before {
                    let _ = self.report.send(Msg::StoreChanged {
                        before: Box::new(before),
                        after: Box::new(found),
                    });
                }
            }
            Err(e) => {
                // Kept for the next look, so the change is not lost: the
                // base stays where it was, and the retry carries it all.
                tracing::error!("{e}");
                let text = if self.unsaved_token(&ours) {
                    format!(
                        "the new token is not saved yet: {e}; instatui keeps it (and uses it) and tries again every second"
                    )
                } else {
                    format!("{e} (instatui tries again every second)")
                };
                self.retry = Some(ours);
                let _ = self.report.send(Msg::Saved(Err(text)));
            }
        }
    }

    /// Whether `ours` holds a token the file does not: one Instagram issued
    /// (a refresh, an exchange) that exists nowhere else.
    fn unsaved_token(&self, ours: &State) -> bool {
        ours.token().is_some() && ours.token() != self.on_disk.token()
    }

    /// At exit: a save still failing after one more try. A token it holds
    /// is kept in a file of its own; the line says where and what to do.
    fn finish(&mut self) -> Option<String> {
        if let Some(ours) = self.retry.take() {
            self.save(ours);
        }
        let ours = self.retry.as_ref()?;
        let token = ours.token().filter(|_| self.unsaved_token(ours))?;
        let error = format!("the last save to {} failed", self.store.path().display());
        Some(crate::store::unsaved_token_message(
            &self.store,
            token,
            "new",
            &error,
            "once that is fixed, refresh it or authorize again",
        ))
    }

    fn check(&mut self) {
        if let Some(ours) = self.retry.take() {
            self.save(ours);
            return;
        }
        let modified = self.modified();
        if modified == self.modified {
            return;
        }
        self.modified = modified;
        // A file caught half-edited (or broken) by hand is left alone: it is
        // dealt with, and the user told, when we next save.
        let Peek::Readable(state) = self.store.peek() else {
            return;
        };
        if *state != self.on_disk {
            let before = std::mem::replace(&mut self.on_disk, (*state).clone());
            let _ = self.report.send(Msg::StoreChanged {
                before: Box::new(before),
                after: state,
            });
        }
    }
}

impl Persister {
    /// Starts the writer task; a failed save comes back as `Msg::Saved(Err)`.
    pub(super) fn start(store: Store, report: Outbox) -> Persister {
        let (jobs, mut rx) = mpsc::unbounded_channel::<Job>();
        tokio::spawn(async move {
            let initial = {
                let store = store.clone();
                tokio::task::spawn_blocking(move || {
                    store.load().map(|l| l.state).unwrap_or_default()
                })
                .await
                .unwrap_or_default()
            };
            let failure = report.clone();
            let mut writer = Writer {
                store,
                report,
                last_sent: initial.clone(),
                on_disk: initial,
                modified: None,
                retry: None,
            };
            writer.modified = writer.modified();
            while let Some(job) = rx.recv().await {
                let mut state = match job {
                    Job::Base(state) => {
                        // What the app shows is what its changes are made
                        // against; the file may have moved on since it was
                        // read, and the next look says so.
                        writer.last_sent = (*state).clone();
                        writer.on_disk = *state;
                        writer.modified = None;
                        continue;
                    }
                    Job::Flush(done) => {
                        // A save that failed is tried once more before the
                        // app ends, rather than left for a look that never comes.
                        if writer.retry.is_some() {
                            match run_blocking(writer, Writer::check).await {
                                Some(w) => writer = w,
                                None => break,
                            }
                        }
                        let _ = done.send(());
                        continue;
                    }
                    Job::Finish(done) => match finish_writer(writer, done).await {
                        Some(w) => {
                            writer = w;
                            continue;
                        }
                        None => break,
                    },
                    Job::Check => match run_blocking(writer, Writer::check).await {
                        Some(w) => {
                            writer = w;
                            continue;
                        }
                        None => break,
                    },
                    Job::Save(state) => state,
                };
                // Only the newest of the queued saves matters.
                let mut flushes = Vec::new();
                // A finish queued behind saves waits for them: dropped, it
                // answered at once and the app ended before they were written.
                let mut finishing = None;
                while let Ok(next) = rx.try_recv() {
                    match next {
                        Job::Save(newer) => state = newer,
                        Job::Flush(done) => flushes.push(done),
                        Job::Finish(done) => finishing = Some(done),
                        Job::Check | Job::Base(_) => {}
                    }
                }
                let next = run_blocking(writer, move |w| w.save(*state)).await;
                for done in flushes {
                    let _ = done.send(());
                }
                match next {
                    Some(w) => writer = w,
                    None => break,
                }
                if let Some(done) = finishing {
                    match finish_writer(writer, done).await {
                        Some(w) => writer = w,
                        None => break,
                    }
                }
            }
            let _ = failure.send(Msg::Saved(Err(
                "the state writer stopped, so changes are no longer saved: quit and start instatui again"
                    .to_string(),
            )));
        });
        Persister { jobs }
    }

    /// Makes `state`, the one the app was started with, the base of its
    /// first save (rather than the file as the writer reads it a moment
    /// later, which another process may have changed meanwhile).
    pub(crate) fn start_from(&self, state: State) {
        let _ = self.jobs.send(Job::Base(Box::new(state)));
    }

    pub(super) fn save(&self, state: State) {
        let _ = self.jobs.send(Job::Save(Box::new(state)));
    }

    /// Asks the writer to look for changes made by other processes.
    pub(super) fn check(&self) {
        let _ = self.jobs.send(Job::Check);
    }

    /// The drain at exit: every queued save written, a failed one tried once
    /// more; if a new token still could not be saved, it is kept in a file
    /// of its own and the line saying where comes back.
    pub(super) async fn finish(&self) -> Option<String> {
        let (done, wait) = oneshot::channel();
        self.jobs.send(Job::Finish(done)).ok()?;
        wait.await.ok().flatten()
    }

    /// Resolves once every save queued before it is on disk.
    pub(super) async fn flush(&self) {
        let (done, wait) = oneshot::channel();
        if self.jobs.send(Job::Flush(done)).is_ok() {
            let _ = wait.await;
        }
    }
}

/// The last job: answers `done` with the token that could not be saved,
/// if any, and hands the writer back (`None` if the step panicked).
async fn finish_writer(writer: Writer, done: oneshot::Sender<Option<String>>) -> Option<Writer> {
    let (tx, rx) = oneshot::channel();
    let finished = run_blocking(writer, move |w| {
        let _ = tx.send(w.finish());
    })
    .await;
    let _ = done.send(rx.await.ok().flatten());
    finished
}

/// Runs a step of the writer on a blocking thread (file locks and fsync
/// block), handing the writer back; `None` if the step panicked.
async fn run_blocking(
    mut writer: Writer,
    step: impl FnOnce(&mut Writer) + Send + 'static,
) -> Option<Writer> {
    tokio::task::spawn_blocking(move || {
        step(&mut writer);
        writer
    })
    .await
    .ok()
}
