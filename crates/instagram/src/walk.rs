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
