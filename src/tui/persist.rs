//! One task owns writes to state.json: saves run in order, off the event loop, and are drained before exit.

use crate::app::Msg;
use crate::store::{State, Store};
use tokio::sync::{mpsc, oneshot};

enum Job {
    Save(Box<State>),
    Flush(oneshot::Sender<()>),
}

#[derive(Clone)]
pub struct Persister {
    jobs: mpsc::UnboundedSender<Job>,
}

impl Persister {
    /// Starts the writer task; a failed save comes back as `Msg::Saved(Err)`.
    pub fn start(store: Store, report: mpsc::UnboundedSender<Msg>) -> Persister {
        let (jobs, mut rx) = mpsc::unbounded_channel::<Job>();
        tokio::spawn(async move {
            while let Some(job) = rx.recv().await {
                let mut state = match job {
                    Job::Flush(done) => {
                        let _ = done.send(());
                        continue;
                    }
                    Job::Save(state) => state,
                };
                // Only the newest of the queued saves matters.
                let mut flushes = Vec::new();
                while let Ok(next) = rx.try_recv() {
                    match next {
                        Job::Save(newer) => state = newer,
                        Job::Flush(done) => flushes.push(done),
                    }
                }
                let store = store.clone();
                let outcome = match tokio::task::spawn_blocking(move || store.save(&state)).await {
                    Ok(Ok(())) => Ok(()),
                    Ok(Err(e)) => Err(e.to_string()),
                    Err(e) => Err(format!("saving state.json failed: {e}")),
                };
                if let Err(e) = outcome {
                    tracing::error!("{e}");
                    let _ = report.send(Msg::Saved(Err(e)));
                }
                for done in flushes {
                    let _ = done.send(());
                }
            }
        });
        Persister { jobs }
    }

    pub fn save(&self, state: State) {
        let _ = self.jobs.send(Job::Save(Box::new(state)));
    }

    /// Resolves once every save queued before it is on disk.
    pub async fn flush(&self) {
        let (done, wait) = oneshot::channel();
        if self.jobs.send(Job::Flush(done)).is_ok() {
            let _ = wait.await;
        }
    }
}
