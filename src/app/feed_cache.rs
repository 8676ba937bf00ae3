//! The feed as far as it was loaded, and how a fresh first page is laid over it.

use crate::instagram::Media;
use std::collections::HashSet;

/// A loaded list and where loading goes on after it: what the feed cache
/// keeps between runs.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CachedFeed {
    pub items: Vec<Media>,
    /// The cursor after the last item; `None` at the end or when unknown.
    pub next_cursor: Option<String>,
    /// The last page was loaded: there is nothing after `items`.
    pub complete: bool,
}

/// Lays a fresh first page over a list loaded earlier (the cache of the
/// last run, or this run's list on `R`). The fresh page wins for the posts
/// it covers (new posts come first, deleted ones go); the earlier list
/// continues it from the last of its posts the fresh page also holds, so a
/// scrolled-through feed survives a restart and loading goes on after its
/// end. When the two do not meet (more new posts than a page, or nothing
/// known after the earlier list), the fresh page stands alone.
pub(crate) fn stitch(fresh: CachedFeed, mut earlier: CachedFeed) -> CachedFeed {
    let continues = earlier.complete || earlier.next_cursor.is_some();
    if fresh.complete || !continues {
        return fresh;
    }
    let fresh_ids: HashSet<&str> = fresh.items.iter().map(|m| m.id.as_str()).collect();
    let Some(last_shared) = earlier
        .items
        .iter()
        .rposition(|m| fresh_ids.contains(m.id.as_str()))
    else {
        return fresh;
    };
    if last_shared + 1 == earlier.items.len() {
        // The fresh page reaches past the earlier list: its cursor goes on.
        return fresh;
    }
    let tail = earlier.items.split_off(last_shared + 1);
    let tail: Vec<Media> = tail
        .into_iter()
        .filter(|m| !fresh_ids.contains(m.id.as_str()))
        .collect();
    let mut items = fresh.items;
    items.extend(tail);
    CachedFeed {
        items,
        next_cursor: earlier.next_cursor,
        complete: earlier.complete,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn posts(ids: &[u32]) -> Vec<Media> {
        ids.iter()
            .map(|i| Media {
                id: i.to_string(),
                ..Media::default()
            })
            .collect()
    }

    fn ids(feed: &CachedFeed) -> Vec<u32> {
        feed.items
            .iter()
            .map(|m| m.id.parse().expect("number"))
            .collect()
    }

    fn feed(ids: &[u32], next: Option<&str>, complete: bool) -> CachedFeed {
        CachedFeed {
            items: posts(ids),
            next_cursor: next.map(String::from),
            complete,
        }
    }

    #[test]
    fn new_posts_are_prepended_and_the_cached_tail_kept_with_its_cursor() {
        let earlier = feed(&[10, 9, 8, 7, 6, 5], Some("after-5"), false);
        let fresh = feed(&[12, 11, 10, 9], Some("after-9"), false);
        let merged = stitch(fresh, earlier);
        assert_eq!(ids(&merged), [12, 11, 10, 9, 8, 7, 6, 5]);
        assert_eq!(merged.next_cursor.as_deref(), Some("after-5"));
        assert!(!merged.complete);
    }

    #[test]
    fn posts_deleted_since_drop_out_of_the_covered_part() {
        let earlier = feed(&[10, 9, 8, 7, 6], None, true);
        let fresh = feed(&[10, 8, 7], Some("after-7"), false);
        let merged = stitch(fresh, earlier);
        assert_eq!(ids(&merged), [10, 8, 7, 6]);
        assert!(merged.complete);
    }

    #[test]
    fn without_a_meeting_point_the_fresh_page_stands_alone() {
        let earlier = feed(&[5, 4, 3], Some("after-3"), false);
        let fresh = feed(&[20, 19, 18], Some("after-18"), false);
        assert_eq!(stitch(fresh.clone(), earlier), fresh);
        // An older cache file knows no cursor: its tail could not be extended.
        let cursorless = feed(&[10, 9, 8, 7], None, false);
        let fresh = feed(&[11, 10, 9], Some("after-9"), false);
        assert_eq!(stitch(fresh.clone(), cursorless), fresh);
        // A fresh page that reaches past the earlier list keeps its cursor.
        let short = feed(&[10, 9], Some("after-9"), false);
        let fresh = feed(&[11, 10, 9, 8], Some("after-8"), false);
        assert_eq!(stitch(fresh.clone(), short), fresh);
        // A complete fresh page is the whole feed.
        let fresh = feed(&[11, 10], None, true);
        assert_eq!(stitch(fresh.clone(), feed(&[10, 9], None, true)), fresh);
    }
}
