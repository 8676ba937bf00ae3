//! What travels on the executor's channel: messages for `update`, and the executor's own picture plumbing, which `update` never sees.

use crate::app::Msg;
use tokio::sync::mpsc;

/// One item on the channel, and whether it is the last one its task sends
/// (tasks are counted, so tests and `settle` can wait until none is out).
pub(crate) struct Answer {
    pub(crate) event: Event,
    pub(crate) ends_task: bool,
}

pub(crate) enum Event {
    /// For `update`.
    Msg(Msg),
    /// Decoded pixels for the picture cache; `update` hears `PreviewLoaded`.
    PreviewDecoded {
        key: String,
        image: Box<image::DynamicImage>,
    },
    /// A picture scaled and encoded for its pane: only drawing changes.
    PictureEncoded {
        key: String,
        picture: Box<crate::preview::Encoded>,
    },
    /// The graphics query's answer; `update` hears `Pictures`.
    PickerChosen(Box<crate::preview::Chosen>),
}

impl From<Msg> for Event {
    fn from(msg: Msg) -> Event {
        Event::Msg(msg)
    }
}

/// What the loop gets from the executor.
pub(crate) enum Ready {
    /// A message for `update`.
    Msg(Msg),
    /// Something only drawing shows changed (a picture encoded for its pane).
    Redraw,
}

/// Sends messages that end no task: progress, the store writer's reports,
/// keys read while the graphics query owns the input.
#[derive(Clone)]
pub(crate) struct Outbox(pub(crate) mpsc::UnboundedSender<Answer>);

impl Outbox {
    /// False once the executor is gone.
    pub(crate) fn send(&self, msg: Msg) -> bool {
        self.0
            .send(Answer {
                event: Event::Msg(msg),
                ends_task: false,
            })
            .is_ok()
    }
}
