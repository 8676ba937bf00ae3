//! The selected post's insights and comments and the account's 7-/30-day totals: fetched lazily,
//! one post at a time (never in bulk: each call counts against the account's rate limit), cached with their time.

use super::{App, Effect, Level, Screen};
use crate::instagram::ApiError;
use crate::instagram::engagement::{
    self, COMMENTS_SCOPE, Comment, CommentPage, INSIGHTS_SCOPE, Insight, InsightsState,
};
use std::collections::HashMap;
use time::{Duration, OffsetDateTime};

/// Posts whose insights and comments are kept; past it the oldest answer
/// goes, so memory stays bounded however far one browses.
pub(crate) const KEEP_POSTS: usize = 200;
/// Comments asked for per page in the detail pane (`m` asks for the next).
pub const COMMENTS_PAGE: u32 = 20;
/// How long the selection must rest on a post before its numbers are asked
/// for: moving through the list (a held `j`) asks for nothing.
pub(crate) const SETTLE: Duration = Duration::milliseconds(600);

/// A post's numbers as the detail pane shows them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum InsightsEntry {
    Loading,
    /// Instagram's numbers; an empty list is its "not computed yet".
    Ready(Vec<Insight>),
    /// One of Instagram's states (not enough viewers, album item, no permission).
    State(InsightsState),
    /// What failed, in one line (a rate limit, the network).
    Failed(String),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CommentsEntry {
    Loading,
    Ready {
        comments: Vec<Comment>,
        /// The cursor of the next page, when there is one.
        next: Option<String>,
        loading_more: bool,
    },
    /// The token was granted without the permission.
    NotGranted,
    Failed(String),
}

/// The account's totals, over 7 and 30 days.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TotalsEntry {
    Loading,
    Ready {
        week: Vec<Insight>,
        month: Vec<Insight>,
    },
    NotGranted,
    Failed(String),
}

#[derive(Debug, Clone, Default)]
pub struct EngagementView {
    /// By post id, with when the answer came.
    pub insights: HashMap<String, (InsightsEntry, OffsetDateTime)>,
    pub comments: HashMap<String, (CommentsEntry, OffsetDateTime)>,
    /// The post the selection rests on and since when, until it is asked for.
    pub(crate) settling: Option<(String, OffsetDateTime)>,
    /// Replies shown under their comments (`r`).
    pub show_replies: bool,
    /// Per account (user id): the 7- and 30-day totals.
    pub totals: HashMap<String, (TotalsEntry, OffsetDateTime)>,
}

impl EngagementView {
    /// Drops the oldest answers past [`KEEP_POSTS`].
    fn trim(&mut self) {
        fn trim_map<T>(map: &mut HashMap<String, (T, OffsetDateTime)>) {
            while map.len() > KEEP_POSTS {
                let Some(oldest) = map
                    .iter()
                    .min_by_key(|(_, (_, at))| *at)
                    .map(|(k, _)| k.clone())
                else {
                    return;
                };
                map.remove(&oldest);
            }
        }
        trim_map(&mut self.insights);
        trim_map(&mut self.comments);
    }
}

/// Whether the token was granted `scope`: `None` when it does not say (an
/// exchange may list no permissions; then the call is tried).
pub fn granted(app: &App, scope: &str) -> Option<bool> {
    let permissions = &app.stored.token()?.permissions;
    if permissions.is_empty() {
        return None;
    }
    Some(permissions.iter().any(|p| p == scope))
}

impl App {
    /// Whether the detail pane is on screen, where the numbers show.
    fn detail_in_view(&self) -> bool {
        self.screen == Screen::Feed && self.feed.detail && !self.feed.grid
    }

    /// Runs after every message: once the selection has rested on a post
    /// for [`SETTLE`] with the details open, its insights and first page of
    /// comments are asked for (once; answers are kept).
    pub(crate) fn sync_engagement(&mut self, effects: &mut Vec<Effect>) {
        if self.screen == Screen::Feed {
            self.sync_totals(effects);
        }
        if !self.detail_in_view() {
            self.engagement.settling = None;
            return;
        }
        let Some(id) = self.feed.selected_media().map(|m| m.id.clone()) else {
            return;
        };
        match &self.engagement.settling {
            Some((settling, since)) if *settling == id => {
                if self.now - *since >= SETTLE {
                    self.engagement.settling = None;
                    self.fetch_engagement(effects);
                }
            }
            _ => {
                let fetched = self.engagement.insights.contains_key(&id)
                    && self.engagement.comments.contains_key(&id);
                self.engagement.settling = (!fetched).then_some((id, self.now));
            }
        }
    }

    /// Asks for the selected post's insights and comments now, those not
    /// asked for yet (Enter on a post, or its selection settled).
    pub(crate) fn fetch_engagement(&mut self, effects: &mut Vec<Effect>) {
        let Some(post) = self.feed.selected_media().cloned() else {
            return;
        };
        let Some(token) = self.stored.token().map(|t| t.value.clone()) else {
            return;
        };
        if self.rate_limited().is_some() {
            // Browsing goes on; the numbers wait for the user's next look.
            return;
        }
        let now = self.now;
        if !self.engagement.insights.contains_key(&post.id) {
            if granted(self, INSIGHTS_SCOPE) == Some(false) {
                self.engagement.insights.insert(
                    post.id.clone(),
                    (InsightsEntry::State(InsightsState::MissingPermission), now),
                );
            } else {
                self.engagement
                    .insights
                    .insert(post.id.clone(), (InsightsEntry::Loading, now));
                effects.push(Effect::FetchInsights {
                    post_id: post.id.clone(),
                    metrics: engagement::media_metrics(post.media_product_type.as_deref())
                        .into_iter()
                        .map(String::from)
                        .collect(),
                    token: token.clone(),
                });
            }
        }
        if !self.engagement.comments.contains_key(&post.id) {
            if granted(self, COMMENTS_SCOPE) == Some(false) {
                self.engagement
                    .comments
                    .insert(post.id.clone(), (CommentsEntry::NotGranted, now));
            } else {
                self.engagement
                    .comments
                    .insert(post.id.clone(), (CommentsEntry::Loading, now));
                effects.push(Effect::FetchComments {
                    post_id: post.id.clone(),
                    after: None,
                    token,
                });
            }
        }
        self.engagement.trim();
    }

    /// `m`: the next page of the selected post's comments.
    pub(crate) fn more_comments(&mut self, effects: &mut Vec<Effect>) {
        let Some(id) = self.feed.selected_media().map(|m| m.id.clone()) else {
            return;
        };
        let Some(token) = self.stored.token().map(|t| t.value.clone()) else {
            return;
        };
        match self.engagement.comments.get_mut(&id) {
            Some((
                CommentsEntry::Ready {
                    next: Some(cursor),
                    loading_more,
                    ..
                },
                _,
            )) if !*loading_more => {
                *loading_more = true;
                effects.push(Effect::FetchComments {
                    post_id: id,
                    after: Some(cursor.clone()),
                    token,
                });
            }
            Some((CommentsEntry::Ready { next: None, .. }, _)) => {
                self.set_status(Level::Info, "every comment of this post is shown");
            }
            None => self.fetch_engagement(effects),
            _ => {}
        }
    }

    pub(crate) fn on_insights(&mut self, post_id: String, result: Result<Vec<Insight>, ApiError>) {
        let entry = match result {
            Ok(numbers) => InsightsEntry::Ready(numbers),
            Err(err) => match InsightsState::of(&err) {
                Some(state) => InsightsEntry::State(state),
                None => {
                    // These answers carry no effects: the verdict is kept in memory (every
                    // screen shows it), the next check records it.
                    self.note_rejection(&err, &mut Vec::new());
                    InsightsEntry::Failed(err.to_string())
                }
            },
        };
        self.engagement.insights.insert(post_id, (entry, self.now));
        self.engagement.trim();
    }

    pub(crate) fn on_comments(
        &mut self,
        post_id: String,
        after: Option<String>,
        result: Result<CommentPage, ApiError>,
    ) {
        let now = self.now;
        let previous = self.engagement.comments.remove(&post_id);
        let entry = match (result, previous) {
            (Ok(page), Some((CommentsEntry::Ready { mut comments, .. }, _))) if after.is_some() => {
                let next = page.next_cursor().map(str::to_string);
                comments.extend(page.data);
                CommentsEntry::Ready {
                    comments,
                    next,
                    loading_more: false,
                }
            }
            (Ok(page), _) => CommentsEntry::Ready {
                next: page.next_cursor().map(str::to_string),
                comments: page.data,
                loading_more: false,
            },
            (Err(err), previous) => {
                if err.kind == crate::instagram::ErrorKind::Permission {
                    CommentsEntry::NotGranted
                } else {
                    // These answers carry no effects: the verdict is kept in memory (every
                    // screen shows it), the next check records it.
                    self.note_rejection(&err, &mut Vec::new());
                    match previous {
                        // A later page failed: keep what is shown.
                        Some((CommentsEntry::Ready { comments, next, .. }, _)) => {
                            self.set_status(
                                Level::Warning,
                                format!("more comments did not load (m tries again): {err}"),
                            );
                            CommentsEntry::Ready {
                                comments,
                                next,
                                loading_more: false,
                            }
                        }
                        _ => CommentsEntry::Failed(err.to_string()),
                    }
                }
            }
        };
        self.engagement.comments.insert(post_id, (entry, now));
        self.engagement.trim();
    }

    /// The account's 7- and 30-day totals, asked once per account and only
    /// when the token's permissions name insights.
    fn sync_totals(&mut self, effects: &mut Vec<Effect>) {
        let Some(t) = self.stored.token() else {
            return;
        };
        let user_id = t.user_id.clone();
        if self.engagement.totals.contains_key(&user_id) {
            return;
        }
        let now = self.now;
        if granted(self, INSIGHTS_SCOPE) != Some(true) {
            // Not asked for unless granted: most tokens are not, and the
            // header just leaves the totals out.
            self.engagement
                .totals
                .insert(user_id, (TotalsEntry::NotGranted, now));
            return;
        }
        if self.rate_limited().is_some() {
            return;
        }
        let owner = self
            .stored
            .profile()
            .and_then(|p| p.user_id.clone())
            .unwrap_or_else(|| user_id.clone());
        self.engagement
            .totals
            .insert(user_id.clone(), (TotalsEntry::Loading, now));
        effects.push(Effect::FetchTotals {
            user_id,
            owner,
            until: now.unix_timestamp(),
            token: t.value.clone(),
        });
    }

    pub(crate) fn on_totals(
        &mut self,
        user_id: String,
        result: Result<(Vec<Insight>, Vec<Insight>), ApiError>,
    ) {
        let entry = match result {
            Ok((week, month)) => TotalsEntry::Ready { week, month },
            Err(err) if err.kind == crate::instagram::ErrorKind::Permission => {
                TotalsEntry::NotGranted
            }
            Err(err) => {
                // These answers carry no effects: the verdict is kept in memory (every
                // screen shows it), the next check records it.
                self.note_rejection(&err, &mut Vec::new());
                TotalsEntry::Failed(err.to_string())
            }
        };
        self.engagement.totals.insert(user_id, (entry, self.now));
    }
}
