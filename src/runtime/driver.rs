//! Driving `update` and the executor: one message in, its effects run; the runtime and the tests step the app the same way.

use super::Executor;
use crate::app::{self, App, Msg};
use time::OffsetDateTime;

impl Executor {
    /// One step of the loop: `msg` through `update` at `now`, then every
    /// effect it asked for. Returns how many effects ran.
    pub fn send(&mut self, app: &mut App, msg: Msg, now: OffsetDateTime) -> usize {
        let effects = app::update(app, msg, now);
        let count = effects.len();
        for effect in effects {
            self.run(app, effect);
        }
        count
    }

    /// Feeds the tasks' answers through [`Executor::send`] until none is in
    /// flight; `watch` sees each answer before `update` does. Bound it with
    /// a timeout: a task that never answers keeps it waiting.
    pub async fn settle(
        &mut self,
        app: &mut App,
        now: impl Fn() -> OffsetDateTime,
        mut watch: impl FnMut(&Msg),
    ) {
        while self.in_flight() > 0 {
            let Some(msg) = self.next().await else {
                return;
            };
            watch(&msg);
            self.send(app, msg, now());
        }
    }
}
