//! When to stop asking for the next page: the end, a cursor seen before, an empty page, or Instagram's 10,000-post cap.

use super::model::MediaPage;
use std::collections::HashSet;
use std::fmt;

/// Instagram serves at most the 10,000 newest items of an account.
pub(crate) const MAX_POSTS: usize = 10_000;

/// Follows one walk through the pages. A server whose cursors alternate or
/// whose pages come back empty with a `next` would otherwise be asked
/// forever.
#[derive(Debug, Clone, Default)]
pub struct Pager {
    /// Every cursor asked with so far.
    seen: HashSet<String>,
    /// Every post id so far: a page that loops repeats posts.
    ids: HashSet<String>,
}

/// What to do after a page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Step {
    /// Ask for the page after this cursor.
    Next(String),
    /// No `next`: that was the last page.
    End,
    /// More was announced, but asking again would not help.
    Stop(Stop),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stop {
    /// The `after` cursor is one already asked with: the pages loop.
    RepeatedCursor,
    /// A page without new posts (none, or only ones already listed) that
    /// still names a next one.
    EmptyPage,
    /// 10,000 posts, the most Instagram serves.
    Cap,
}

impl Pager {
    /// Posts counted so far.
    pub fn posts(&self) -> usize {
        self.ids.len()
    }

    /// Counts posts that are in the list without a page of this walk (the
    /// cached rest under a fresh first page): later pages never repeat them.
    pub fn remember<'a>(&mut self, ids: impl IntoIterator<Item = &'a str>) {
        for id in ids {
            if !self.ids.contains(id) {
                self.ids.insert(id.to_string());
            }
        }
    }

    /// Takes in `page`, fetched with `requested` (`None`: the first page),
    /// dropping the posts an earlier page already brought.
    pub fn after_page(&mut self, requested: Option<&str>, page: &mut MediaPage) -> Step {
        if let Some(cursor) = requested {
            self.seen.insert(cursor.to_string());
        }
        page.data.retain(|m| self.ids.insert(m.id.clone()));
        let Some(next) = page.next_cursor() else {
            return Step::End;
        };
        if self.ids.len() >= MAX_POSTS {
            Step::Stop(Stop::Cap)
        } else if self.seen.contains(next) || requested == Some(next) {
            Step::Stop(Stop::RepeatedCursor)
        } else if page.data.is_empty() && page.skipped == 0 {
            Step::Stop(Stop::EmptyPage)
        } else {
            Step::Next(next.to_string())
        }
    }
}

impl Stop {
    /// One line for the user, after `posts` posts arrived.
    pub fn describe(self, posts: usize) -> String {
        match self {
            Stop::RepeatedCursor => format!(
                "Instagram's paging went in a circle (a page cursor came back), so instatui stopped after {posts} posts; the list may be incomplete"
            ),
            Stop::EmptyPage => format!(
                "Instagram sent a page with no new posts that announced more, so instatui stopped after {posts} posts; the list may be incomplete"
            ),
            Stop::Cap => {
                format!("stopped at {posts} posts: Instagram serves at most the 10,000 newest")
            }
        }
    }
}

impl fmt::Display for Stop {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Stop::RepeatedCursor => "a repeated page cursor",
            Stop::EmptyPage => "a page with no new posts",
            Stop::Cap => "Instagram's 10,000-post cap",
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Cursors, Media, Paging};

    /// Posts `range` (ids are the numbers), then `after` as the next cursor.
    fn page(range: std::ops::Range<usize>, after: Option<&str>) -> MediaPage {
        MediaPage {
            data: range
                .map(|i| Media {
                    id: i.to_string(),
                    ..Media::default()
                })
                .collect(),
            paging: after.map(|a| Paging {
                cursors: Some(Cursors {
                    before: None,
                    after: Some(a.to_string()),
                }),
                next: Some(format!("https://graph.instagram.com/me/media?after={a}")),
                previous: None,
            }),
            ..MediaPage::default()
        }
    }

    #[test]
    fn an_ordinary_walk_ends_without_next() {
        let mut pager = Pager::default();
        assert_eq!(
            pager.after_page(None, &mut page(0..100, Some("A"))),
            Step::Next("A".into())
        );
        assert_eq!(
            pager.after_page(Some("A"), &mut page(100..200, Some("B"))),
            Step::Next("B".into())
        );
        assert_eq!(
            pager.after_page(Some("B"), &mut page(200..230, None)),
            Step::End
        );
        assert_eq!(pager.posts(), 230);
    }

    #[test]
    fn alternating_cursors_stop_at_the_first_repeat_without_duplicates() {
        let mut pager = Pager::default();
        assert_eq!(
            pager.after_page(None, &mut page(0..5, Some("A"))),
            Step::Next("A".into())
        );
        assert_eq!(
            pager.after_page(Some("A"), &mut page(5..10, Some("B"))),
            Step::Next("B".into())
        );
        let mut again = page(5..12, Some("A"));
        assert_eq!(
            pager.after_page(Some("B"), &mut again),
            Step::Stop(Stop::RepeatedCursor)
        );
        assert_eq!(again.data.len(), 2, "posts 5..10 were listed already");
        // A cursor pointing at itself too.
        let mut pager = Pager::default();
        pager.after_page(None, &mut page(0..5, Some("A")));
        assert_eq!(
            pager.after_page(Some("A"), &mut page(5..10, Some("A"))),
            Step::Stop(Stop::RepeatedCursor)
        );
    }

    #[test]
    fn a_page_without_new_posts_stops() {
        let mut pager = Pager::default();
        assert_eq!(
            pager.after_page(None, &mut page(0..0, Some("A"))),
            Step::Stop(Stop::EmptyPage)
        );
        assert_eq!(
            Pager::default().after_page(None, &mut page(0..0, None)),
            Step::End
        );
        let mut pager = Pager::default();
        pager.after_page(None, &mut page(0..5, Some("A")));
        assert_eq!(
            pager.after_page(Some("A"), &mut page(0..5, Some("B"))),
            Step::Stop(Stop::EmptyPage),
            "the same posts under a new cursor make no progress"
        );
    }

    #[test]
    fn the_cap_stops_at_ten_thousand() {
        let mut pager = Pager::default();
        let mut after: Option<String> = None;
        let mut n = 0;
        loop {
            let cursor = format!("c{n}");
            match pager.after_page(
                after.as_deref(),
                &mut page(n * 100..(n + 1) * 100, Some(&cursor)),
            ) {
                Step::Next(next) => after = Some(next),
                other => {
                    assert_eq!(other, Step::Stop(Stop::Cap));
                    break;
                }
            }
            n += 1;
        }
        assert_eq!(pager.posts(), MAX_POSTS);
        assert!(Stop::Cap.describe(MAX_POSTS).contains("10,000 newest"));
    }
}
