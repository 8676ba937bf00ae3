//! The Feed screen's logic: pages loaded ahead of the selection, filter, detail pane.

use super::feed_cache;
pub use super::feed_cache::CachedFeed;
use super::field::TextField;
use super::{App, Effect, Level};
use crate::instagram::paging::{Pager, Step, Stop};
use crate::instagram::{ApiError, Media, MediaPage};
use crate::lifetime;
use crate::localtime;
use time::{Duration, OffsetDateTime};

/// Posts kept loaded below the selection, in pages of 100: while it is
/// idle or moves slower than the pages arrive, the selection never meets
/// the end (a held PgDn at 100 ms a request included).
pub(crate) const LOAD_AHEAD_PAGES: usize = 3;
pub const LOAD_AHEAD: usize = LOAD_AHEAD_PAGES * crate::instagram::client::PAGE_LIMIT as usize;
/// While pages keep arriving, the cache is written at most this often (and
/// at the end of the list and on quit), not once per page of a long feed.
pub(crate) const CACHE_SAVE_EVERY: Duration = Duration::seconds(10);
/// Percent of the app's quota (any of Instagram's usage figures) above which
/// instatui stops loading ahead.
pub(crate) const RATE_USAGE_CAUTION: u32 = 90;

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
    /// Pictures in a grid instead of the list (`t`).
    pub grid: bool,
    /// The first row of tiles on screen in the grid.
    pub grid_top: usize,
    /// The picture fills the terminal (`v`).
    pub full_picture: bool,
    pub filter: TextField,
    pub(crate) filter_editing: bool,
    /// Set while the list shows the cache of an earlier run.
    pub cached_at: Option<OffsetDateTime>,
    /// A fresh first page was requested in this run.
    pub requested: bool,
    /// The album item in view (0-based).
    pub child: usize,
    pub preview: super::preview::Preview,
    /// The memory keys of the pictures last asked for by `sync_pictures`.
    pub pictures_asked: Vec<String>,
    /// Files done and total while `d` runs.
    pub download: Option<(usize, usize)>,
    /// The cursors of this walk through the pages, to stop on a loop.
    pub pager: Pager,
    /// Empty pages in a row that still announced more. Each doubles the
    /// wait before the next page is asked for, and none is asked for ahead.
    pub(crate) empty_pages: u32,
    /// No page is asked for before this.
    pub(crate) paused_until: Option<OffsetDateTime>,
    /// Where the selection is headed beyond what is loaded; it moves there
    /// as pages arrive.
    pub goal: Option<Goal>,
    /// When the cache was last written, and whether the list changed since.
    pub(crate) cache_saved_at: Option<OffsetDateTime>,
    pub(crate) cache_dirty: bool,
    /// The cache on disk is part of `items` (read and laid under, or there
    /// was none): until then a write is merged with the file, not a
    /// replacement of it.
    pub(crate) cache_merged: bool,
    /// The list is the head of the cache only: the rest replaces it.
    pub(crate) cache_head: bool,
    /// The post selected when this feed was last left, until the cache
    /// read at start shows it (then it is selected) or shows it is gone.
    pub(crate) resume: Option<String>,
    /// The selection kept beside the cache, so that leaving writes it only
    /// when it moved.
    pub(crate) remembered: Option<String>,
}

/// After this many empty pages in a row, loading stops until `R`.
pub const MAX_EMPTY_PAGES: u32 = 5;

/// The wait after the `n`th empty page in a row: 2, 4, 8… seconds, at most 2 minutes.
pub(crate) fn empty_page_backoff(n: u32) -> time::Duration {
    time::Duration::seconds((1i64 << n.min(7)).min(120))
}

/// Where the selection goes once the posts are there.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Goal {
    /// `G`: the last post, loading every page to it.
    End,
    /// This row of the (filtered) list: keys that went past the loaded end.
    Row(usize),
}

impl FeedView {
    pub(crate) fn reset(&mut self) {
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
    /// Rows the list has on screen: from the layout the screen is drawn
    /// with, so paging moves by exactly what is visible.
    pub fn feed_rows(&self) -> usize {
        crate::ui::layout::feed_rows(self)
    }

    /// Loads the first page if this run has not yet.
    pub(crate) fn ensure_feed_loaded(&mut self, effects: &mut Vec<Effect>) {
        if !self.feed.requested && self.feed.loading.is_none() {
            self.load_feed_page(None, effects);
        }
    }

    /// `R`: after a failed page, that page again; otherwise a fresh walk
    /// from the first page (one that stopped on a loop starts over).
    pub(crate) fn reload_feed(&mut self, effects: &mut Vec<Effect>) {
        self.set_status(Level::Info, "reloading posts…");
        self.feed.loading = None;
        self.feed.empty_pages = 0;
        self.feed.paused_until = None;
        let failed_later_page = self.feed.error.is_some()
            && self.feed.cached_at.is_none()
            && !self.feed.items.is_empty();
        if let Some(cursor) = self.feed.next_cursor.clone().filter(|_| failed_later_page) {
            self.load_feed_page(Some(cursor), effects);
            return;
        }
        self.feed.next_cursor = None;
        self.feed.complete = false;
        self.load_feed_page(None, effects);
    }

    fn load_feed_page(&mut self, after: Option<String>, effects: &mut Vec<Effect>) {
        let Some(t) = self.stored.token().cloned() else {
            self.feed.error = Some(match self.stored.inactive_account_names() {
                Some(names) => format!(
                    "no account is active (stored: {names}): pick one on Accounts (5, Enter), or authorize a new one (2)"
                ),
                None => "no token yet: authorize first (press 2)".to_string(),
            });
            return;
        };
        if let lifetime::Countdown::Expired(ago) = lifetime::countdown(&t, self.now) {
            self.feed.error = Some(format!(
                "the token expired {} ago: authorize again (press 2)",
                lifetime::format_remaining(ago)
            ));
            return;
        }
        if let Some(until) = self.rate_limited() {
            // The backoff Instagram asked for: not one call before it ends.
            let status = format!(
                "Instagram asked instatui to wait (rate limit): posts load again by themselves at {}",
                localtime::format_in(until, self.offset)
            );
            self.set_status(Level::Warning, status);
            return;
        }
        let generation = self.next_generation();
        self.feed.requested = true;
        self.feed.loading = Some(generation);
        self.feed.error = None;
        effects.push(Effect::FetchFeedPage {
            generation,
            token: t.value,
            after,
        });
    }

    fn near_rate_limit(&self) -> bool {
        self.stored
            .rate_usage()
            .is_some_and(|u| u.peak() >= RATE_USAGE_CAUTION)
    }

    /// Called every tick: once Instagram's rate-limit wait is over, the
    /// page it refused is asked for again, without the user pressing R.
    pub(crate) fn resume_after_rate_limit(&mut self, effects: &mut Vec<Effect>) {
        let Some(until) = self.rate_limited_until else {
            return;
        };
        if self.now < until {
            return;
        }
        self.rate_limited_until = None;
        if self.feed.error.is_some() && self.feed.requested && self.feed.loading.is_none() {
            self.reload_feed(effects);
            self.set_status(
                Level::Info,
                "the wait Instagram asked for is over: loading posts again",
            );
        }
    }

    /// Asks for the next page while fewer than [`LOAD_AHEAD`] posts are
    /// loaded below the selection, or while it is headed past the end.
    pub(crate) fn prefetch(&mut self, effects: &mut Vec<Effect>) {
        let feed = &self.feed;
        if feed.loading.is_some()
            || feed.complete
            || feed.error.is_some()
            || feed.paused_until.is_some_and(|t| self.now < t)
        {
            return;
        }
        let Some(cursor) = feed.next_cursor.clone() else {
            return;
        };
        // Near the app's rate limit, pages load only at the very end of the
        // list, when the user asks for more by getting there.
        // After an empty page too: the next waits for the user at the end.
        let ahead = if self.near_rate_limit() || feed.empty_pages > 0 {
            1
        } else {
            LOAD_AHEAD
        };
        if feed.goal.is_some() || feed.selected + ahead >= feed.visible().len() {
            self.load_feed_page(Some(cursor), effects);
        }
    }

    pub(crate) fn on_feed_page(
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
                self.note_rejection(&err, effects);
                // Where the eye is: the status line, with the way to retry.
                let next = match self.rate_limited() {
                    Some(until) => format!(
                        "posts did not load (they load again by themselves at {})",
                        localtime::format_in(until, self.offset)
                    ),
                    None => "posts did not load (R retries)".to_string(),
                };
                self.set_status(Level::Error, format!("{next}: {err}"));
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
                // Said with the first page; the pages after it are the same.
                if let Some(field) = page.refused_field.as_deref().filter(|_| after.is_none()) {
                    self.set_status(Level::Warning, crate::instagram::model::refused_note(field));
                }
                let selected_id = self.feed.selected_media().map(|m| m.id.clone());
                if after.is_none() {
                    // A fresh first page is laid over the cache or an
                    // earlier load: the top is renewed, the rest kept.
                    let earlier = self.take_loaded();
                    self.feed.items = page.data;
                    self.after_page_step(step, next);
                    let fresh = self.take_loaded();
                    self.put_loaded(feed_cache::stitch(fresh, earlier));
                    self.feed.cached_at = None;
                } else {
                    self.feed.items.extend(page.data);
                    self.after_page_step(step, next);
                }
                self.keep_selected(selected_id);
                self.follow_goal();
                self.save_feed_cache(after.is_none(), effects);
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

    fn take_loaded(&mut self) -> CachedFeed {
        CachedFeed {
            items: std::mem::take(&mut self.feed.items),
            next_cursor: self.feed.next_cursor.take(),
            complete: self.feed.complete,
        }
    }

    /// Puts a list in place; this walk's pages then count (and never
    /// repeat) every post in it.
    fn put_loaded(&mut self, loaded: CachedFeed) {
        self.feed
            .pager
            .remember(loaded.items.iter().map(|m| m.id.as_str()));
        self.feed.items = loaded.items;
        self.feed.next_cursor = loaded.next_cursor;
        self.feed.complete = loaded.complete;
    }

    /// The post selected before the list changed stays selected.
    fn keep_selected(&mut self, id: Option<String>) {
        if let Some(id) = id {
            let visible = self.feed.visible();
            if let Some(pos) = visible.iter().position(|i| self.feed.items[*i].id == id) {
                self.feed.selected = pos;
            }
        }
        self.clamp_selection();
    }

    /// Moves the selection towards its goal with the posts that arrived.
    fn follow_goal(&mut self) {
        let Some(goal) = self.feed.goal else {
            return;
        };
        let last = self.feed.visible().len().saturating_sub(1);
        let (row, reached) = match goal {
            Goal::End => (last, self.feed.complete),
            Goal::Row(row) => (row.min(last), row <= last || self.feed.complete),
        };
        if row != self.feed.selected {
            self.feed.child = 0;
        }
        self.feed.selected = row;
        if reached {
            self.feed.goal = None;
        }
        self.clamp_selection();
    }

    /// Writes the list to the cache: now when `now` (the first page), else
    /// when the list is complete or the last write is a while ago.
    fn save_feed_cache(&mut self, now: bool, effects: &mut Vec<Effect>) {
        self.feed.cache_dirty = true;
        let due = now
            || self.feed.complete
            || self
                .feed
                .cache_saved_at
                .is_none_or(|at| self.now - at >= CACHE_SAVE_EVERY);
        if due {
            self.flush_feed_cache(effects);
        }
    }

    /// Writes the list to the cache if it changed since the last write (on
    /// quit, so the next start shows everything loaded).
    pub(crate) fn flush_feed_cache(&mut self, effects: &mut Vec<Effect>) {
        let Some(t) = self.stored.token() else {
            return;
        };
        // The selected post is kept beside the cache: the next start (or
        // a switch back) selects it again. The first post needs nothing.
        let first = self.feed.items.first().map(|m| m.id.as_str());
        let selected = self
            .feed
            .selected_media()
            .map(|m| m.id.clone())
            .filter(|id| Some(id.as_str()) != first);
        if self.feed.resume.is_none() && selected != self.feed.remembered {
            effects.push(Effect::RememberSelection {
                user_id: t.user_id.clone(),
                post_id: selected.clone(),
            });
            self.feed.remembered = selected;
        }
        if !self.feed.cache_dirty || self.feed.items.is_empty() {
            return;
        }
        effects.push(Effect::SaveFeedCache {
            user_id: t.user_id.clone(),
            feed: CachedFeed {
                items: self.feed.items.clone(),
                next_cursor: self.feed.next_cursor.clone(),
                complete: self.feed.complete,
            },
            over_cached: !self.feed.cache_merged,
        });
        self.feed.cache_saved_at = Some(self.now);
        self.feed.cache_dirty = false;
    }

    /// The first posts of the cache, shown while the rest is read; nothing
    /// is loaded after them (the cursor goes with the whole list).
    pub(crate) fn on_feed_cache_head(&mut self, head: CachedFeed, saved_at: OffsetDateTime) {
        if head.items.is_empty() || !self.feed.items.is_empty() {
            return;
        }
        self.put_loaded(head);
        self.feed.cached_at = Some(saved_at);
        self.feed.cache_head = true;
        self.clamp_selection();
        self.resume_selection();
    }

    /// Selects the post remembered from the last time this feed was left,
    /// once the list holds it.
    fn resume_selection(&mut self) {
        let Some(id) = self.feed.resume.clone() else {
            return;
        };
        let visible = self.feed.visible();
        if let Some(row) = visible.iter().position(|i| self.feed.items[*i].id == id) {
            self.feed.selected = row;
            self.feed.child = 0;
            self.feed.resume = None;
            self.clamp_selection();
        }
    }

    /// The feed of an earlier run: shown at once while the first page loads.
    /// Should fresh pages have come first, the cached rest goes under them.
    pub(crate) fn on_feed_cache(
        &mut self,
        cached: CachedFeed,
        saved_at: OffsetDateTime,
        effects: &mut Vec<Effect>,
    ) {
        if cached.items.is_empty() {
            // Nothing (readable) on disk: nothing to keep there either.
            self.feed.cache_merged = true;
            self.feed.resume = None;
            return;
        }
        let head_shown = self.feed.cache_head && self.feed.cached_at.is_some();
        self.feed.cache_head = false;
        if self.feed.items.is_empty() || head_shown {
            // The whole cache in place of its head: the selection stays on
            // its post, or goes on to where keys sent it past the head.
            let selected_id = self.feed.selected_media().map(|m| m.id.clone());
            self.feed.cache_merged = true;
            self.put_loaded(cached);
            self.feed.cached_at = Some(saved_at);
            self.keep_selected(selected_id);
            self.resume_selection();
            // The whole cache is there: a post it lacks is gone.
            self.feed.resume = None;
            self.follow_goal();
            return;
        }
        if self.feed.cached_at.is_some() || self.feed.error.is_some() {
            self.feed.resume = None;
            return;
        }
        let selected_id = self.feed.selected_media().map(|m| m.id.clone());
        let cursor = self.feed.next_cursor.clone();
        let fresh = self.take_loaded();
        self.put_loaded(feed_cache::stitch(fresh, cached));
        self.feed.cache_merged = true;
        if self.feed.next_cursor != cursor {
            // The list now goes on from the cache's end: a page asked for
            // after the fresh part would land in the wrong place.
            self.feed.loading = None;
            self.feed.cache_dirty = true;
        }
        self.keep_selected(selected_id);
        self.resume_selection();
        self.feed.resume = None;
        self.follow_goal();
        self.prefetch(effects);
    }

    /// More posts can still come (nothing failed, the end not reached).
    fn more_to_load(&self) -> bool {
        !self.feed.complete && self.feed.error.is_none()
    }

    /// Moves by `delta` rows. Moving down past the loaded end is not lost:
    /// the selection goes on there as the pages arrive.
    pub(crate) fn move_selection(&mut self, delta: isize, effects: &mut Vec<Effect>) {
        let len = self.feed.visible().len();
        if len == 0 {
            return;
        }
        let from = match self.feed.goal {
            Some(Goal::Row(row)) if delta > 0 => row,
            _ => self.feed.selected,
        };
        let target = from.saturating_add_signed(delta);
        self.feed.goal = match self.feed.goal {
            Some(Goal::End) if delta > 0 => Some(Goal::End),
            _ if target >= len && delta > 0 && self.more_to_load() => Some(Goal::Row(target)),
            _ => None,
        };
        let selected = target.min(len - 1);
        if selected != self.feed.selected {
            self.feed.child = 0;
        }
        self.feed.selected = selected;
        self.clamp_selection();
        self.prefetch(effects);
    }

    /// `G`: the last post, loading the rest of the feed to get there (one
    /// page at a time near the rate limit).
    pub(crate) fn select_last(&mut self, effects: &mut Vec<Effect>) {
        let len = self.feed.visible().len();
        self.feed.selected = len.saturating_sub(1);
        self.feed.child = 0;
        self.feed.goal = None;
        if self.more_to_load() && self.feed.next_cursor.is_some() {
            if self.near_rate_limit() {
                self.feed.goal = Some(Goal::Row(len));
                self.set_status(
                    Level::Warning,
                    "near Instagram's rate limit: G loads one page at a time",
                );
            } else {
                self.feed.goal = Some(Goal::End);
            }
        }
        self.clamp_selection();
        self.prefetch(effects);
    }

    /// Keeps the selection inside the list and on screen.
    pub(crate) fn clamp_selection(&mut self) {
        let len = self.feed.visible().len();
        self.feed.selected = self.feed.selected.min(len.saturating_sub(1));
        self.keep_selection_in_view();
        self.feed.scroll = self.feed.scroll.min(len.saturating_sub(1));
    }

    /// Scrolls the list so that the selected row is among those shown. The
    /// list's height changes with more than moves (the terminal, a second
    /// status line, the banner, the filter bar, the detail pane), so
    /// `update` calls this after every message.
    pub(crate) fn keep_selection_in_view(&mut self) {
        if self.feed.grid {
            let grid = crate::ui::layout::feed_grid(self);
            let row = self.feed.selected / grid.columns;
            if row < self.feed.grid_top {
                self.feed.grid_top = row;
            } else if row >= self.feed.grid_top + grid.rows {
                self.feed.grid_top = row + 1 - grid.rows;
            }
        }
        let rows = self.feed_rows();
        let feed = &mut self.feed;
        if feed.selected < feed.scroll {
            feed.scroll = feed.selected;
        } else if feed.selected >= feed.scroll + rows {
            feed.scroll = feed.selected + 1 - rows;
        }
    }

    pub(crate) fn open_permalink(&mut self, effects: &mut Vec<Effect>) {
        match self.feed.selected_media().map(|m| m.permalink.clone()) {
            Some(Some(url)) => self.open_link("the post on Instagram", &url, effects),
            Some(None) => self.set_status(
                Level::Warning,
                "this post has no permalink (copyrighted media often has none)",
            ),
            None => {}
        }
    }
}

impl App {
    /// `t`: the grid of pictures, or the list again.
    pub(crate) fn toggle_grid(&mut self) {
        self.feed.grid = !self.feed.grid;
        self.feed.full_picture = false;
        self.feed.grid_top = 0;
        self.keep_selection_in_view();
    }

    /// A move in the grid: `h`/`l` one tile, `j`/`k` a row, PgUp/PgDn a
    /// screen of rows; the list's own moves otherwise.
    pub(crate) fn grid_move(&mut self, action: super::keymap::Action, effects: &mut Vec<Effect>) {
        use super::keymap::Action;
        let grid = crate::ui::layout::feed_grid(self);
        let columns = grid.columns as isize;
        let page = columns * grid.rows as isize;
        match action {
            Action::PrevItem => self.move_selection(-1, effects),
            Action::NextItem => self.move_selection(1, effects),
            Action::Up => self.move_selection(-columns, effects),
            Action::Down => self.move_selection(columns, effects),
            Action::PageUp => self.move_selection(-page, effects),
            Action::PageDown => self.move_selection(page, effects),
            _ => {}
        }
    }

    /// `Enter` in the grid: the post's details, in the list beside it.
    pub(crate) fn open_from_grid(&mut self, effects: &mut Vec<Effect>) {
        self.feed.grid = false;
        self.feed.detail = true;
        self.keep_selection_in_view();
        self.fetch_engagement(effects);
    }
}
