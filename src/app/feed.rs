//! The Feed screen's logic: pages loaded ahead of the selection, filter, detail pane.

use super::field::TextField;
use super::{App, Effect, Level};
use crate::instagram::paging::{Pager, Step, Stop};
use crate::instagram::{ApiError, Media, MediaPage};
use crate::token::{self, TokenStatus};
use time::OffsetDateTime;

/// Start loading the next page when the selection comes this close to the end.
pub const PREFETCH_MARGIN: usize = 30;
/// Percent of the app's quota (any of Instagram's usage figures) above which
/// instatui stops loading ahead.
pub const RATE_USAGE_CAUTION: u32 = 90;

#[derive(Debug, Clone, Default)]
pub struct FeedView {
    pub items: Vec<Media>,
    /// Index into the filtered list.
    pub selected: usize,
    /// First visible row of the list.
    pub scroll: usize,
    pub next_cursor: Option<String>,
    /// The last page arrived: there is nothing more to load.
    pub complete: bool,
    /// Generation of the page request in flight.
    pub loading: Option<u64>,
    pub error: Option<String>,
    pub detail: bool,
    pub filter: TextField,
    pub filter_editing: bool,
    /// Set while the list shows the cache of an earlier run.
    pub cached_at: Option<OffsetDateTime>,
    /// A fresh first page was requested in this run.
    pub requested: bool,
    /// The album item in view (0-based).
    pub child: usize,
    pub preview: super::preview::Preview,
    /// Files done and total while `d` runs.
    pub download: Option<(usize, usize)>,
    /// The cursors of this walk through the pages, to stop on a loop.
    pub pager: Pager,
    /// Empty pages in a row that still announced more. Each doubles the
    /// wait before the next page is asked for, and none is asked for ahead.
    pub empty_pages: u32,
    /// No page is asked for before this.
    pub paused_until: Option<OffsetDateTime>,
}

/// After this many empty pages in a row, loading stops until `R`.
pub const MAX_EMPTY_PAGES: u32 = 5;

/// The wait after the `n`th empty page in a row: 2, 4, 8… seconds, at most 2 minutes.
pub fn empty_page_backoff(n: u32) -> time::Duration {
    time::Duration::seconds((1i64 << n.min(7)).min(120))
}

impl FeedView {
    pub fn reset(&mut self) {
        *self = FeedView::default();
    }

    /// Indices of the items the filter lets through.
    pub fn visible(&self) -> Vec<usize> {
        let needle = self.filter.value().trim().to_lowercase();
        if needle.is_empty() {
            return (0..self.items.len()).collect();
        }
        self.items
            .iter()
            .enumerate()
            .filter(|(_, m)| {
                m.caption
                    .as_deref()
                    .is_some_and(|c| c.to_lowercase().contains(&needle))
            })
            .map(|(i, _)| i)
            .collect()
    }

    pub fn selected_media(&self) -> Option<&Media> {
        let visible = self.visible();
        visible.get(self.selected).and_then(|i| self.items.get(*i))
    }
}

impl App {
    /// Rows the list has on screen, from the terminal height minus header,
    /// footer, status and borders.
    pub fn feed_rows(&self) -> usize {
        let (width, height) = self.size;
        // Header (2), the status line (1 or 2) and the key line (1).
        let body = usize::from(height.saturating_sub(3 + self.status_rows(self.size)));
        // Below 80 columns the detail pane sits under the list, which keeps 40%.
        let list = if self.feed.detail && width < 80 {
            body * 2 / 5
        } else {
            body
        };
        let filter_bar =
            usize::from(self.feed.filter_editing || !self.feed.filter.value().is_empty());
        list.saturating_sub(2 + filter_bar).max(1)
    }

    /// Loads the first page if this run has not yet.
    pub fn ensure_feed_loaded(&mut self, effects: &mut Vec<Effect>) {
        if !self.feed.requested && self.feed.loading.is_none() {
            self.load_feed_page(None, effects);
        }
    }

    pub fn reload_feed(&mut self, effects: &mut Vec<Effect>) {
        self.set_status(Level::Info, "reloading posts…");
        self.feed.next_cursor = None;
        self.feed.complete = false;
        self.feed.empty_pages = 0;
        self.feed.paused_until = None;
        self.feed.loading = None;
        self.load_feed_page(None, effects);
    }

    fn load_feed_page(&mut self, after: Option<String>, effects: &mut Vec<Effect>) {
        let Some(t) = self.stored.token.clone() else {
            self.feed.error = Some("no token yet: authorize first (press 2)".to_string());
            return;
        };
        if token::status(Some(&t), self.now) == TokenStatus::Expired {
            self.feed.error = Some(format!(
                "the token expired {}: authorize again (press 2)",
                token::countdown(&t, self.now).replace("expired ", "")
            ));
            return;
        }
        let generation = self.next_generation();
        self.feed.requested = true;
        self.feed.loading = Some(generation);
        self.feed.error = None;
        effects.push(Effect::FetchFeedPage {
            generation,
            token: t.value,
            owner: t.user_id,
            after,
        });
    }

    /// Asks for the next page before the selection reaches the end.
    pub fn prefetch(&mut self, effects: &mut Vec<Effect>) {
        let feed = &self.feed;
        if feed.loading.is_some()
            || feed.complete
            || feed.error.is_some()
            || feed.cached_at.is_some()
            || feed.paused_until.is_some_and(|t| self.now < t)
        {
            return;
        }
        let Some(cursor) = feed.next_cursor.clone() else {
            return;
        };
        // Near the app's rate limit, pages load only at the very end of the
        // list, when the user asks for more by getting there.
        let near_limit = self
            .stored
            .rate_usage
            .as_ref()
            .is_some_and(|u| u.peak() >= RATE_USAGE_CAUTION);
        let margin = if near_limit { 1 } else { PREFETCH_MARGIN };
        if feed.selected + margin >= feed.visible().len() {
            self.load_feed_page(Some(cursor), effects);
        }
    }

    pub fn on_feed_page(
        &mut self,
        generation: u64,
        after: Option<String>,
        result: Result<MediaPage, ApiError>,
        effects: &mut Vec<Effect>,
    ) {
        if self.feed.loading != Some(generation) {
            return;
        }
        self.feed.loading = None;
        match result {
            Err(err) => {
                self.note_rejection(&err);
                // Where the eye is: the status line, with the way to retry.
                self.set_status(
                    Level::Error,
                    format!("posts did not load (R retries): {err}"),
                );
                self.feed.error = Some(err.to_string());
            }
            Ok(mut page) => {
                if after.is_none() {
                    self.feed.pager = Pager::default();
                }
                let next = page.next_cursor().map(str::to_string);
                let step = self.feed.pager.after_page(after.as_deref(), &mut page);
                if let Some(note) = crate::instagram::model::skipped_note(page.skipped) {
                    self.set_status(Level::Warning, note);
                }
                let selected_id = self.feed.selected_media().map(|m| m.id.clone());
                if after.is_none() {
                    // A fresh first page replaces the cache or an earlier load.
                    self.feed.items = page.data;
                    self.feed.cached_at = None;
                } else {
                    self.feed.items.extend(page.data);
                }
                self.after_page_step(step, next);
                if let Some(id) = selected_id {
                    let visible = self.feed.visible();
                    if let Some(pos) = visible.iter().position(|i| self.feed.items[*i].id == id) {
                        self.feed.selected = pos;
                    }
                }
                self.clamp_selection();
                // The first page (what the next start shows first) and the
                // finished list; not every page of a long feed.
                let worth_caching = after.is_none() || self.feed.complete;
                if let Some(t) = self.stored.token.as_ref().filter(|_| worth_caching) {
                    effects.push(Effect::SaveFeedCache {
                        user_id: t.user_id.clone(),
                        items: self.feed.items.clone(),
                    });
                }
                self.prefetch(effects);
            }
        }
    }

    /// Whether and when to ask for the page after this one. An empty page
    /// loads nothing ahead: the next one waits for the user at the end of
    /// the list, and for a backoff that grows with each empty page.
    fn after_page_step(&mut self, step: Step, next: Option<String>) {
        let feed = &mut self.feed;
        feed.complete = !matches!(step, Step::Next(_) | Step::Stop(Stop::EmptyPage));
        feed.next_cursor = next.filter(|_| !feed.complete);
        match step {
            Step::Stop(Stop::EmptyPage) if feed.empty_pages + 1 < MAX_EMPTY_PAGES => {
                feed.empty_pages += 1;
                feed.paused_until = Some(self.now + empty_page_backoff(feed.empty_pages));
            }
            Step::Stop(stop) => {
                feed.complete = true;
                feed.next_cursor = None;
                let note = stop.describe(feed.items.len());
                let level = if stop == Stop::Cap {
                    Level::Info
                } else {
                    Level::Warning
                };
                self.set_status(level, format!("{note} (R reloads)"));
            }
            Step::Next(_) | Step::End => {
                feed.empty_pages = 0;
                feed.paused_until = None;
            }
        }
    }

    pub fn on_feed_cache(&mut self, items: Vec<Media>, saved_at: OffsetDateTime) {
        // The cache only fills an empty list: fresh data always wins.
        if self.feed.items.is_empty() && !items.is_empty() {
            self.feed.items = items;
            self.feed.cached_at = Some(saved_at);
            self.clamp_selection();
        }
    }

    pub fn move_selection(&mut self, delta: isize, effects: &mut Vec<Effect>) {
        let len = self.feed.visible().len();
        if len == 0 {
            return;
        }
        let target = self.feed.selected as isize + delta;
        let selected = target.clamp(0, len as isize - 1) as usize;
        if selected != self.feed.selected {
            self.feed.child = 0;
        }
        self.feed.selected = selected;
        self.clamp_selection();
        self.prefetch(effects);
    }

    pub fn select_last(&mut self, effects: &mut Vec<Effect>) {
        let len = self.feed.visible().len();
        self.feed.selected = len.saturating_sub(1);
        self.feed.child = 0;
        self.clamp_selection();
        self.prefetch(effects);
    }

    /// Keeps the selection inside the list and on screen.
    pub fn clamp_selection(&mut self) {
        let len = self.feed.visible().len();
        self.feed.selected = self.feed.selected.min(len.saturating_sub(1));
        let rows = self.feed_rows();
        if self.feed.selected < self.feed.scroll {
            self.feed.scroll = self.feed.selected;
        } else if self.feed.selected >= self.feed.scroll + rows {
            self.feed.scroll = self.feed.selected + 1 - rows;
        }
        self.feed.scroll = self.feed.scroll.min(len.saturating_sub(1));
    }

    pub fn open_permalink(&mut self, effects: &mut Vec<Effect>) {
        match self.feed.selected_media().map(|m| m.permalink.clone()) {
            Some(Some(url)) => self.open_link(&url, effects),
            Some(None) => self.set_status(
                Level::Warning,
                "this post has no permalink (copyrighted media often has none)",
            ),
            None => {}
        }
    }
}
