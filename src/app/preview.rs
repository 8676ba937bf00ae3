//! The Feed detail pane's picture: which one is wanted, album stepping, downloads and opening media.

use super::{App, Effect, Level};
use crate::instagram::{Media, MediaType, VIDEO_UNAVAILABLE};

/// How a picture request ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PreviewOutcome {
    /// Decoded and kept by the executor: ready to draw.
    Ready,
    /// Why it cannot be shown, for the pane.
    Failed(String),
    /// It gave way because the user had scrolled on before its turn. Not a
    /// failure: if the post is in view again, a newer request for it is on
    /// its way.
    GaveWay,
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum PreviewState {
    #[default]
    Idle,
    Loading,
    Ready,
    Failed(String),
    /// The post has nothing to show (a video without thumbnail, say).
    Unavailable,
}

#[derive(Debug, Clone, Default)]
pub struct Preview {
    /// Media id of the picture wanted now; answers for other ids are dropped.
    pub key: Option<String>,
    pub state: PreviewState,
}

/// What the pane shows for a post: the album child in view, or the post.
pub(crate) struct PaneItem<'a> {
    pub(crate) post: &'a Media,
    pub child: Option<usize>,
    pub(crate) item: &'a Media,
}

impl App {
    /// The item in view: for an album, its current child.
    pub(crate) fn preview_target(&self) -> Option<PaneItem<'_>> {
        let post = self.feed.selected_media()?;
        let children = post.children();
        if post.kind() == MediaType::Album && !children.is_empty() {
            let child = self.feed.child.min(children.len() - 1);
            return Some(PaneItem {
                post,
                child: Some(child),
                item: &children[child],
            });
        }
        Some(PaneItem {
            post,
            child: None,
            item: post,
        })
    }

    /// Asks for the picture in view when it changed. Runs after every message.
    pub fn sync_preview(&mut self, effects: &mut Vec<Effect>) {
        // The grid's tiles are `sync_pictures`' (smaller copies); `v`
        // from the grid shows this one.
        let shown = self.feed.full_picture || (self.feed.detail && !self.feed.grid);
        if !self.images || !shown || self.screen != super::Screen::Feed {
            return;
        }
        let Some(token) = self.stored.token().map(|t| t.value.clone()) else {
            return;
        };
        let wanted = self.preview_target().map(|t| {
            (
                t.item.id.clone(),
                t.post.id.clone(),
                t.child,
                t.item.preview_url().map(str::to_string),
            )
        });
        let Some((key, post_id, child, url)) = wanted else {
            self.feed.preview = super::preview::Preview::default();
            return;
        };
        if self.feed.preview.key.as_deref() == Some(key.as_str()) {
            return;
        }
        self.feed.preview.key = Some(key.clone());
        match url {
            None => self.feed.preview.state = PreviewState::Unavailable,
            Some(url) => {
                self.feed.preview.state = PreviewState::Loading;
                effects.push(Effect::LoadPreview {
                    key,
                    post_id,
                    child,
                    url,
                    token,
                });
            }
        }
    }

    pub(crate) fn on_preview_loaded(&mut self, key: &str, outcome: PreviewOutcome) {
        if self.feed.preview.key.as_deref() != Some(key) {
            return;
        }
        self.feed.preview.state = match outcome {
            PreviewOutcome::Ready => PreviewState::Ready,
            PreviewOutcome::Failed(e) => PreviewState::Failed(e),
            PreviewOutcome::GaveWay => return,
        };
    }

    /// A post fetched again for fresh CDN URLs replaces the stale copy.
    pub(crate) fn on_post_refreshed(&mut self, fresh: Media) {
        if let Some(item) = self.feed.items.iter_mut().find(|m| m.id == fresh.id) {
            *item = fresh;
        }
    }

    /// `v`: the picture in view fills the terminal. The detail pane is
    /// opened under it, so the picture is fetched as it would be there.
    pub(crate) fn open_picture_view(&mut self) {
        if self.feed.selected_media().is_none() {
            return;
        }
        if !self.images {
            self.set_status(Level::Warning, "pictures are off (--images)");
            return;
        }
        self.feed.detail = true;
        self.feed.full_picture = true;
    }

    /// Keys while the picture fills the terminal (`keymap::PICTURE_VIEW`);
    /// the rest wait until it is closed.
    pub(crate) fn on_picture_view_key(&mut self, key: crossterm::event::KeyEvent) {
        use super::keymap::{self, Action};
        match keymap::lookup_in(&self.user_keys, keymap::Place::Picture, &key) {
            Some(Action::Close) => self.feed.full_picture = false,
            Some(Action::PrevItem) => self.step_child(-1),
            Some(Action::NextItem) => self.step_child(1),
            _ => {}
        }
    }

    /// ←/→ through an album's items.
    pub(crate) fn step_child(&mut self, delta: isize) {
        let Some(count) = self.feed.selected_media().map(|m| m.children().len()) else {
            return;
        };
        if count < 2 {
            return;
        }
        let next = (self.feed.child as isize + delta).rem_euclid(count as isize);
        self.feed.child = next as usize;
    }

    pub(crate) fn download_selected(&mut self, effects: &mut Vec<Effect>) {
        if self.feed.download.is_some() {
            self.set_status(Level::Info, "a download is already running");
            return;
        }
        let (Some(post), Some(token), Some(dir)) = (
            self.feed.selected_media().cloned(),
            self.stored.token().map(|t| t.value.clone()),
            self.download_dir.clone(),
        ) else {
            return;
        };
        let username = self
            .stored
            .profile()
            .and_then(|p| p.username.clone())
            .or_else(|| post.username.clone())
            .unwrap_or_else(|| "instagram".to_string());
        let total = self
            .download_pattern
            .plan(std::slice::from_ref(&post), &username)
            .len();
        self.feed.download = Some((0, total));
        effects.push(Effect::Download {
            post: Box::new(post),
            username,
            token,
            dir,
        });
    }

    pub(crate) fn on_download_progress(&mut self, done: usize, total: usize) {
        self.feed.download = Some((done, total));
    }

    pub(crate) fn on_downloaded(&mut self, result: Result<String, String>) {
        self.feed.download = None;
        match result {
            Ok(summary) => self.set_status(Level::Success, summary),
            Err(e) => self.set_status(Level::Error, e),
        }
    }

    /// `O`: the picture or video itself, in the browser.
    pub(crate) fn open_media(&mut self, effects: &mut Vec<Effect>) {
        if let Some(target) = self.preview_target().filter(|t| t.item.video_unavailable()) {
            // Not the cover as if it were the video.
            let next = if target.post.permalink.is_some() {
                "o opens the post on Instagram"
            } else {
                "Instagram gives no permalink for it either"
            };
            self.set_status(
                Level::Warning,
                format!("{VIDEO_UNAVAILABLE} (a reel with licensed music): {next}"),
            );
            return;
        }
        let url = self.preview_target().and_then(|t| {
            t.item
                .media_url
                .clone()
                .or_else(|| t.item.thumbnail_url.clone())
        });
        match url {
            Some(url) => self.open_link("the picture or video itself", &url, effects),
            None => self.set_status(Level::Warning, "this post offers no media URL"),
        }
    }

    /// Opens a link Instagram sent, if it is one of Instagram's own https
    /// addresses (or on the loopback fake of `--demo` and the tests).
    pub(crate) fn open_link(&mut self, what: &str, url: &str, effects: &mut Vec<Effect>) {
        let base = self.endpoints().graph_base;
        match crate::browser::checked_url(url, Some(&base)) {
            Ok(url) => {
                // Said, so that `o` and `O` are told apart.
                self.set_status(Level::Info, format!("opening {what} in the browser…"));
                effects.push(Effect::OpenUrl(url));
            }
            Err(refused) => self.set_status(Level::Warning, refused),
        }
    }

    /// `c` on the feed: the permalink (or the media URL) to the clipboard.
    pub(crate) fn copy_link(&mut self, effects: &mut Vec<Effect>) {
        let link = self
            .feed
            .selected_media()
            .and_then(|m| m.permalink.clone().or_else(|| m.media_url.clone()));
        match link {
            Some(link) => {
                self.set_status(Level::Info, format!("copied {link}"));
                effects.push(Effect::Copy(link));
            }
            None => self.set_status(Level::Warning, "this post has no link to copy"),
        }
    }
}
