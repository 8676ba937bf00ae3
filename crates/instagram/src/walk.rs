//! One walk through an account's pages, newest first, as a stream of pages: every caller
//! that wants more than one page (`feed`, `download`, its `--since`) pages through it.

use super::client::{Client, PAGE_LIMIT};
use super::error::ApiError;
use super::model::{self, Media};
use super::paging::{self, Pager, Step, Stop};
use crate::secret::Secret;
use futures::{Stream, StreamExt};

/// One page of a walk: the posts no earlier page brought.
#[derive(Debug, Clone, Default)]
pub struct WalkPage {
    pub posts: Vec<Media>,
    /// Posts on this page that could not be read and were left out.
    pub skipped: usize,
    /// The optional field Instagram refused, if it did by now.
    pub refused_field: Option<String>,
    /// Set on the last page when paging stopped before the end (see [`Stop`]).
    pub stop: Option<Stop>,
}

/// The posts of a walk through the pages, and why it stopped early, if it did.
#[derive(Debug, Clone, Default)]
pub struct MediaList {
    pub items: Vec<Media>,
    pub stop: Option<Stop>,
    /// Posts that could not be read and were left out.
    pub skipped: usize,
    /// The optional field Instagram refused: the posts came without the
    /// optional fields (see `Client::refused_field`).
    pub refused_field: Option<String>,
}

impl MediaList {
    /// What to tell the user: posts skipped, paging stopped before the end.
    pub fn note(&self) -> Option<String> {
        let notes: Vec<String> = model::skipped_note(self.skipped)
            .into_iter()
            .chain(self.stop.map(|s| s.describe(self.items.len())))
            .chain(self.refused_field.as_deref().map(model::refused_note))
            .collect();
        (!notes.is_empty()).then(|| notes.join("; "))
    }

    /// Every page of `pages`, in order; `on_page` hears the number of posts
    /// so far after each. The first failure ends it.
    pub async fn gather(
        pages: impl Stream<Item = Result<WalkPage, ApiError>>,
        mut on_page: impl FnMut(usize),
    ) -> Result<MediaList, ApiError> {
        let mut pages = std::pin::pin!(pages);
        let mut list = MediaList::default();
        while let Some(page) = pages.next().await {
            let page = page?;
            list.skipped += page.skipped;
            list.refused_field = page.refused_field.or(list.refused_field.take());
            list.items.extend(page.posts);
            list.stop = page.stop.or(list.stop);
            on_page(list.items.len());
        }
        Ok(list)
    }
}

/// The pages of `pages` up to and including the first after which `enough`
/// holds (it sees each page's posts once): no page after it is asked for.
/// That last page's reason to stop early is dropped, since nothing more
/// was wanted.
pub fn until<S>(
    pages: S,
    enough: impl FnMut(&[Media]) -> bool,
) -> impl Stream<Item = Result<WalkPage, ApiError>>
where
    S: Stream<Item = Result<WalkPage, ApiError>>,
{
    let start = (Box::pin(pages), false, enough);
    futures::stream::unfold(start, |(mut pages, done, mut enough)| async move {
        if done {
            // Not even polled: that would ask for the next page.
            return None;
        }
        let mut page = pages.next().await?;
        let mut last = false;
        if let Ok(page) = &mut page
            && enough(&page.posts)
        {
            last = true;
            page.stop = None;
        }
        Some((page, (pages, last, enough)))
    })
}

/// How many posts an account may have pinned: Instagram lists them first
/// on the first page, whatever their age (its web app allows three).
pub const MAX_PINNED: usize = 3;

/// Whether the `i`th post of an account's first page is pinned, by the look
/// of it: one of the first [`MAX_PINNED`] that is older than a post listed
/// after it on that page (the rest of a feed is newest first).
pub fn looks_pinned(first_page: &[Media], i: usize) -> bool {
    if i >= MAX_PINNED {
        return false;
    }
    let Some(at) = first_page.get(i).and_then(Media::posted_at) else {
        return false;
    };
    first_page
        .iter()
        .skip(i + 1)
        .filter_map(Media::posted_at)
        .any(|later| later > at)
}

/// Where a newest-first walk goes past a point in time (`--since`, the mark
/// of `download --new`): at the first post `older` says is past, the first
/// page's pinned posts ([`looks_pinned`]) left out, so an old pinned post
/// does not end the walk before the new posts under it. Feed it the pages
/// in order (as [`until`] does).
#[derive(Debug, Default)]
pub struct Past {
    pages: usize,
}

impl Past {
    /// Whether this page, the next of the walk, holds a post past the point.
    pub fn reached(&mut self, page: &[Media], older: impl Fn(&Media) -> bool) -> bool {
        let first = self.pages == 0;
        self.pages += 1;
        page.iter()
            .enumerate()
            .any(|(i, post)| older(post) && !(first && looks_pinned(page, i)))
    }
}

/// Where a walk is between two pages.
struct Walk {
    pager: Pager,
    after: Option<String>,
    /// Pages asked for so far.
    number: usize,
    /// Posts handed out so far.
    served: usize,
    done: bool,
}

impl Client {
    /// The owner's pages ([`super::client::ME`] or the `user_id` from `/me`),
    /// newest first, until `next` is gone, until `max` posts are in, or
    /// until the pages stop making sense (a cursor again, an empty page,
    /// 10,000 posts: then the last page's `stop` says why). A rate limit
    /// this client's patience allows is waited out and the same page asked
    /// again, so nothing fetched before is lost; a failure is the last item.
    /// Pages are asked for only as the stream is read.
    pub fn pages<'a>(
        &'a self,
        token: &'a Secret,
        owner: &'a str,
        max: Option<usize>,
    ) -> impl Stream<Item = Result<WalkPage, ApiError>> + 'a {
        let walk = Walk {
            pager: Pager::default(),
            after: None,
            number: 0,
            served: 0,
            done: false,
        };
        futures::stream::unfold(walk, move |mut walk| async move {
            if walk.done {
                return None;
            }
            walk.number += 1;
            let remaining = max.map(|m| m.saturating_sub(walk.served));
            let limit = remaining.map_or(PAGE_LIMIT, |r| r.clamp(1, PAGE_LIMIT as usize) as u32);
            let answer = self
                .media_page_of_walk(token, owner, walk.after.as_deref(), limit, walk.number)
                .await;
            let mut page = match answer {
                Ok(page) => page,
                Err(err) => {
                    walk.done = true;
                    return Some((Err(err), walk));
                }
            };
            let step = walk.pager.after_page(walk.after.as_deref(), &mut page);
            let mut out = WalkPage {
                posts: page.data,
                skipped: page.skipped,
                refused_field: page.refused_field,
                stop: None,
            };
            let served = walk.served;
            let room = |cap: usize| cap.saturating_sub(served);
            match (max, step) {
                (Some(max), _) if walk.served + out.posts.len() >= max => {
                    out.posts.truncate(room(max));
                    walk.done = true;
                }
                (_, Step::Next(cursor)) => walk.after = Some(cursor),
                (_, Step::End) => walk.done = true,
                (_, Step::Stop(stop)) => {
                    out.posts.truncate(room(paging::MAX_POSTS));
                    out.stop = Some(stop);
                    walk.done = true;
                }
            }
            walk.served += out.posts.len();
            Some((Ok(out), walk))
        })
    }

    /// Every post of a walk (see [`Client::pages`]); `on_page` hears the
    /// number so far after each page.
    pub async fn list_media(
        &self,
        token: &Secret,
        owner: &str,
        max: Option<usize>,
        on_page: impl FnMut(usize),
    ) -> Result<MediaList, ApiError> {
        MediaList::gather(self.pages(token, owner, max), on_page).await
    }

    /// Like [`Client::list_media`], without why paging stopped early.
    pub async fn all_media(
        &self,
        token: &Secret,
        owner: &str,
        max: Option<usize>,
        on_page: impl FnMut(usize),
    ) -> Result<Vec<Media>, ApiError> {
        Ok(self.list_media(token, owner, max, on_page).await?.items)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn post(id: &str, day: u8) -> Media {
        serde_json::from_value(serde_json::json!({
            "id": id,
            "timestamp": format!("2026-11-{day:02}T12:00:00+0000"),
        }))
        .unwrap()
    }

    /// Older than the 10th of November.
    fn before_10th(p: &Media) -> bool {
        p.timestamp.as_deref().is_some_and(|t| t < "2026-11-10")
    }

    #[test]
    fn pinned_posts_at_the_head_of_the_first_page_do_not_end_the_walk() {
        // Three old pinned posts, then the feed newest first.
        let first = [
            post("p1", 1),
            post("p2", 3),
            post("p3", 2),
            post("a", 20),
            post("b", 15),
            post("c", 12),
        ];
        assert!((0..3).all(|i| looks_pinned(&first, i)));
        assert!(!looks_pinned(&first, 3));
        let mut past = Past::default();
        assert!(
            !past.reached(&first, before_10th),
            "only pinned posts are older"
        );
        // The next page: its first older post ends the walk, even in the first three.
        assert!(past.reached(&[post("d", 11), post("e", 9)], before_10th));
        let mut past = Past::default();
        past.reached(&first, before_10th);
        assert!(past.reached(&[post("e", 9), post("f", 8)], before_10th));
    }

    #[test]
    fn an_older_post_after_the_first_three_or_newer_than_the_rest_ends_the_walk() {
        // A fourth older post is no pinned one.
        let page = [
            post("p1", 1),
            post("p2", 2),
            post("p3", 3),
            post("p4", 4),
            post("a", 20),
        ];
        assert!(!looks_pinned(&page, 3));
        assert!(Past::default().reached(&page, before_10th));
        // The first post older than the point and than everything after it: not pinned, the end.
        let page = [post("a", 9), post("b", 8), post("c", 7)];
        assert!(!looks_pinned(&page, 0));
        assert!(Past::default().reached(&page, before_10th));
        // No older post at all: go on.
        assert!(!Past::default().reached(&[post("a", 20), post("b", 12)], before_10th));
    }
}
