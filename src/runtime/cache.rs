//! The feed as far as it was loaded, one file per account in the cache dir, so the next start (or a switch back) shows all of it at once.

use crate::app::feed::CachedFeed;
use crate::instagram::Media;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use time::OffsetDateTime;

#[derive(Deserialize)]
struct CacheFile {
    #[serde(with = "time::serde::rfc3339")]
    saved_at: OffsetDateTime,
    user_id: String,
    items: Vec<Media>,
    /// Where loading goes on after the last item (absent in older files:
    /// then the list is refreshed from the top instead).
    #[serde(default)]
    next_cursor: Option<String>,
    #[serde(default)]
    complete: bool,
}

/// The file's first line since issue 21: what [`CacheFile`] holds besides
/// its items, which follow one per line, so the first screenful is read
/// without parsing the rest (a 10,000-post file is 3.7 MB).
#[derive(Serialize, Deserialize)]
struct Header<'a> {
    /// 2: lines. Older files are one JSON object and have no such field.
    format: u32,
    #[serde(with = "time::serde::rfc3339")]
    saved_at: OffsetDateTime,
    #[serde(borrow)]
    user_id: std::borrow::Cow<'a, str>,
    #[serde(borrow)]
    next_cursor: Option<std::borrow::Cow<'a, str>>,
    complete: bool,
    /// Items that follow.
    count: usize,
}

const LINES: u32 = 2;

/// Posts read first at start-up: the first screenful and more, drawn while
/// the rest is read.
pub(crate) const HEAD: usize = 100;

/// The start of a cached feed: its first [`HEAD`] posts.
pub(crate) struct Head {
    pub(crate) feed: CachedFeed,
    pub(crate) saved_at: OffsetDateTime,
    /// The head is the whole feed: there is nothing more to read.
    pub(crate) whole: bool,
}

#[derive(Debug, Clone)]
pub struct FeedCache {
    dir: PathBuf,
    /// Writes run on blocking threads, possibly at once; each snapshot
    /// carries a number and, per account, an older one never replaces a
    /// newer one.
    written: Arc<Mutex<HashMap<String, u64>>>,
}

/// The one file of releases before accounts: it belongs to the account
/// whose id it records, and is read for that account until its own file
/// is written.
const LEGACY_FILE: &str = "feed.json";

impl FeedCache {
    pub fn new(dir: PathBuf) -> Self {
        FeedCache {
            dir,
            written: Arc::new(Mutex::new(HashMap::new())),
        }
    }

    pub(crate) fn dir(&self) -> &std::path::Path {
        &self.dir
    }

    /// `feed-<user id>.json`; an id that is not plain digits and letters
    /// (it comes from a server) is hashed instead, so it never names a path.
    fn path(&self, user_id: &str) -> PathBuf {
        let plain = !user_id.is_empty()
            && user_id.len() <= 64
            && user_id
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-');
        let name = if plain {
            user_id.to_string()
        } else {
            let mut h: u64 = 0xcbf2_9ce4_8422_2325;
            for b in user_id.bytes() {
                h = (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
            }
            format!("h{h:016x}")
        };
        self.dir.join(format!("feed-{name}.json"))
    }

    fn read(path: &std::path::Path) -> Option<CacheFile> {
        let bytes = std::fs::read(path).ok()?;
        // Split as text: a str finds each '\n' with memchr, where a byte
        // slice's split calls its closure on every byte (that made reading a
        // whole 1,000-post cache a quarter slower than the single-object file
        // it replaced). A file that is not UTF-8 is no JSON either way.
        let text = std::str::from_utf8(&bytes).ok()?;
        let mut lines = text.split('\n');
        match lines.next().map(serde_json::from_str::<Header>) {
            Some(Ok(header)) if header.format == LINES => {
                let items = lines
                    .filter(|l| !l.is_empty())
                    .map(serde_json::from_str)
                    .collect::<Result<Vec<Media>, _>>()
                    .ok()?;
                (items.len() == header.count).then(|| CacheFile {
                    saved_at: header.saved_at,
                    user_id: header.user_id.into_owned(),
                    items,
                    next_cursor: header.next_cursor.map(|c| c.into_owned()),
                    complete: header.complete,
                })
            }
            // A file of an older release: one JSON object.
            _ => serde_json::from_str(text).ok(),
        }
    }

    /// The first `n` posts of this user's own file (not an older release's,
    /// which has no head), reading no further than them.
    pub(crate) fn load_head(&self, user_id: &str, n: usize) -> Option<Head> {
        use std::io::BufRead;
        let file = std::fs::File::open(self.path(user_id)).ok()?;
        let mut reader = std::io::BufReader::new(file);
        let mut first = Vec::new();
        reader.read_until(b'\n', &mut first).ok()?;
        let header: Header = serde_json::from_slice(first.trim_ascii_end()).ok()?;
        let mut line = Vec::new();
        if header.format != LINES || header.user_id != user_id {
            return None;
        }
        let mut items = Vec::with_capacity(n.min(header.count));
        while items.len() < n.min(header.count) {
            line.clear();
            reader.read_until(b'\n', &mut line).ok()?;
            items.push(serde_json::from_slice(line.trim_ascii_end()).ok()?);
        }
        let whole = items.len() == header.count;
        Some(Head {
            feed: CachedFeed {
                items,
                // The cursor goes with the whole list, not its head.
                next_cursor: header.next_cursor.filter(|_| whole).map(|c| c.into_owned()),
                complete: header.complete && whole,
            },
            saved_at: header.saved_at,
            whole,
        })
    }

    /// The cached feed of this user, if there is a readable one: its own
    /// file, else the single file of an older release when that was theirs.
    pub fn load(&self, user_id: &str) -> Option<(CachedFeed, OffsetDateTime)> {
        let file =
            Self::read(&self.path(user_id)).or_else(|| Self::read(&self.dir.join(LEGACY_FILE)))?;
        let feed = CachedFeed {
            items: file.items,
            next_cursor: file.next_cursor,
            complete: file.complete,
        };
        (file.user_id == user_id).then_some((feed, file.saved_at))
    }

    /// Writes snapshot number `seq` atomically, unless a later one is
    /// already on disk. A failure only costs the next start its head start.
    pub fn save(
        &self,
        seq: u64,
        user_id: &str,
        feed: &CachedFeed,
        now: OffsetDateTime,
    ) -> std::io::Result<()> {
        self.write(seq, user_id, feed, now, false)
    }

    /// Like [`FeedCache::save`], for a list that may not hold what is on
    /// disk (it was written before the cache's read came back): the list is
    /// laid over the cached one as a fresh first page is (`stitch`), so the
    /// cache only grows by what was seen. Only a list that shows posts
    /// were deleted (the covered part, or a complete walk) shrinks it.
    pub fn save_over_cached(
        &self,
        seq: u64,
        user_id: &str,
        feed: &CachedFeed,
        now: OffsetDateTime,
    ) -> std::io::Result<()> {
        self.write(seq, user_id, feed, now, true)
    }

    fn write(
        &self,
        seq: u64,
        user_id: &str,
        feed: &CachedFeed,
        now: OffsetDateTime,
        over_cached: bool,
    ) -> std::io::Result<()> {
        let mut written = self.written.lock().unwrap_or_else(|e| e.into_inner());
        if written.get(user_id).is_some_and(|&w| seq <= w) {
            return Ok(());
        }
        // Read under the lock: no other write of this cache comes between.
        let merged = over_cached
            .then(|| self.load(user_id))
            .flatten()
            .map(|(cached, _)| crate::app::feed_cache::stitch(feed.clone(), cached));
        let feed = merged.as_ref().unwrap_or(feed);
        std::fs::create_dir_all(&self.dir)?;
        let bytes = lines(user_id, feed, now)?;
        let how = crate::atomic::Replace {
            durable: true,
            ..crate::atomic::CACHE_FILE
        };
        crate::atomic::replace(&self.path(user_id), &bytes, how)?;
        written.insert(user_id.to_string(), seq);
        // The older release's file, once its account has its own, goes.
        self.remove_legacy_of(user_id)?;
        Ok(())
    }

    /// `feed-<user id>.selected`: the post selected when the feed was left.
    fn selection_path(&self, user_id: &str) -> PathBuf {
        self.path(user_id).with_extension("selected")
    }

    /// Keeps the selected post's id beside the cache (`None` removes it).
    pub(crate) fn save_selection(
        &self,
        user_id: &str,
        post_id: Option<&str>,
    ) -> std::io::Result<()> {
        let path = self.selection_path(user_id);
        match post_id {
            Some(id) => {
                std::fs::create_dir_all(&self.dir)?;
                crate::atomic::replace(&path, id.as_bytes(), crate::atomic::CACHE_FILE)?;
                Ok(())
            }
            None => match std::fs::remove_file(path) {
                Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(e),
                _ => Ok(()),
            },
        }
    }

    /// The post selected when this account's feed was last left, if any.
    pub(crate) fn load_selection(&self, user_id: &str) -> Option<String> {
        let text = std::fs::read_to_string(self.selection_path(user_id)).ok()?;
        let id = text.trim();
        // An id, not a file someone filled: Instagram's are digits.
        (!id.is_empty() && id.len() <= 128).then(|| id.to_string())
    }

    /// Deletes the cached feed of a removed account (nothing there is
    /// fine). Snapshots numbered up to `seq` (handed out before the
    /// removal, perhaps still queued) must not bring the file back.
    pub(crate) fn remove(&self, seq: u64, user_id: &str) -> std::io::Result<()> {
        let mut written = self.written.lock().unwrap_or_else(|e| e.into_inner());
        let last = written.entry(user_id.to_string()).or_insert(0);
        *last = (*last).max(seq);
        match std::fs::remove_file(self.path(user_id)) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => return Err(e),
            _ => {}
        }
        self.save_selection(user_id, None)?;
        self.remove_legacy_of(user_id)
    }

    fn remove_legacy_of(&self, user_id: &str) -> std::io::Result<()> {
        let legacy = self.dir.join(LEGACY_FILE);
        match Self::read(&legacy) {
            Some(file) if file.user_id == user_id => match std::fs::remove_file(&legacy) {
                Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(e),
                _ => Ok(()),
            },
            _ => Ok(()),
        }
    }
}

/// The header line, then one post per line; written from borrowed parts:
/// a 10,000-post feed is not copied once more to be saved.
fn lines(user_id: &str, feed: &CachedFeed, now: OffsetDateTime) -> std::io::Result<Vec<u8>> {
    // About 370 bytes a post: one allocation for most feeds.
    let mut bytes = Vec::with_capacity(256 + feed.items.len() * 400);
    serde_json::to_writer(
        &mut bytes,
        &Header {
            format: LINES,
            saved_at: now,
            user_id: user_id.into(),
            next_cursor: feed.next_cursor.as_deref().map(Into::into),
            complete: feed.complete,
            count: feed.items.len(),
        },
    )
    .map_err(std::io::Error::other)?;
    for item in &feed.items {
        bytes.push(b'\n');
        serde_json::to_writer(&mut bytes, item).map_err(std::io::Error::other)?;
    }
    bytes.push(b'\n');
    Ok(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn post(id: &str) -> Media {
        Media {
            id: id.into(),
            ..Media::default()
        }
    }

    #[test]
    fn the_whole_list_and_where_it_goes_on_survive_a_restart() {
        let dir = tempfile::tempdir().expect("tempdir");
        let cache = FeedCache::new(dir.path().to_path_buf());
        let now = time::macros::datetime!(2026-11-28 12:00 UTC);
        let feed = CachedFeed {
            items: (0..1000).map(|i| post(&i.to_string())).collect(),
            next_cursor: Some("after-999".into()),
            complete: false,
        };
        cache.save(1, "u1", &feed, now).expect("save");
        assert_eq!(cache.load("u1"), Some((feed, now)));
        assert_eq!(cache.load("someone else"), None);
    }

    #[test]
    fn each_account_has_its_own_file_and_removing_one_keeps_the_other() {
        // A folder inside one of its own, so `../x` is this test's alone:
        // another program's /tmp/x says nothing about the cache.
        let outer = tempfile::tempdir().expect("tempdir");
        let dir = outer.path().join("cache");
        std::fs::create_dir(&dir).expect("cache dir");
        let cache = FeedCache::new(dir.clone());
        let now = time::macros::datetime!(2026-11-28 12:00 UTC);
        let feed = |ids: &[&str]| CachedFeed {
            items: ids.iter().map(|i| post(i)).collect(),
            next_cursor: None,
            complete: true,
        };
        // Numbered across accounts: a later number for one account does
        // not make the other's earlier snapshot stale.
        cache.save(2, "u2", &feed(&["b"]), now).expect("save");
        cache.save(1, "u1", &feed(&["a"]), now).expect("save");
        assert_eq!(cache.load("u1").map(|(f, _)| f), Some(feed(&["a"])));
        assert_eq!(cache.load("u2").map(|(f, _)| f), Some(feed(&["b"])));
        cache.remove(3, "u2").expect("remove");
        assert_eq!(cache.load("u2"), None);
        // A snapshot still queued for the removed account writes nothing;
        // one taken after it was added again does.
        cache.save(3, "u2", &feed(&["b"]), now).expect("save");
        assert_eq!(cache.load("u2"), None);
        assert!(cache.load("u1").is_some());
        cache.save(4, "u2", &feed(&["b2"]), now).expect("save");
        assert_eq!(cache.load("u2").map(|(f, _)| f), Some(feed(&["b2"])));
        // An id from a server never names a path outside the folder.
        cache.save(5, "../x", &feed(&["c"]), now).expect("save");
        assert!(cache.load("../x").is_some());
        assert!(!dir.join("../x").exists());
    }

    #[test]
    fn the_single_file_of_an_older_release_belongs_to_its_account() {
        let dir = tempfile::tempdir().expect("tempdir");
        let legacy = dir.path().join("feed.json");
        std::fs::write(
            &legacy,
            r#"{"saved_at":"2026-11-28T12:00:00Z","user_id":"u1","items":[{"id":"1"}],"complete":true}"#,
        )
        .expect("write");
        let cache = FeedCache::new(dir.path().to_path_buf());
        assert_eq!(cache.load("u1").map(|(f, _)| f.items.len()), Some(1));
        assert_eq!(cache.load("u2"), None);
        // Another account's save leaves it; its own account's replaces it.
        let now = time::macros::datetime!(2026-11-28 13:00 UTC);
        let two = CachedFeed {
            items: vec![post("1"), post("2")],
            next_cursor: None,
            complete: true,
        };
        cache.save(1, "u2", &two, now).expect("save");
        assert!(legacy.exists());
        cache.save(2, "u1", &two, now).expect("save");
        assert!(!legacy.exists());
        assert_eq!(cache.load("u1").map(|(f, _)| f.items.len()), Some(2));
    }

    #[test]
    fn the_head_is_read_without_the_rest_and_never_carries_the_cursor() {
        let dir = tempfile::tempdir().expect("tempdir");
        let cache = FeedCache::new(dir.path().to_path_buf());
        let now = time::macros::datetime!(2026-11-28 12:00 UTC);
        let feed = CachedFeed {
            items: (0..250).map(|i| post(&i.to_string())).collect(),
            next_cursor: Some("after-249".into()),
            complete: false,
        };
        cache.save(1, "u1", &feed, now).expect("save");
        let head = cache.load_head("u1", 100).expect("a head");
        assert!(!head.whole);
        assert_eq!(head.feed.items[..], feed.items[..100]);
        assert_eq!(
            head.feed.next_cursor, None,
            "loading goes on after the whole list"
        );
        assert!(cache.load_head("u2", 100).is_none());
        let whole = cache.load_head("u1", 300).expect("a head");
        assert!(whole.whole);
        assert_eq!(whole.feed, feed);
        // A file cut short (posts missing) is no cache at all.
        let path = dir.path().join("feed-u1.json");
        let text = std::fs::read_to_string(&path).expect("read");
        let torn: Vec<&str> = text.lines().take(200).collect();
        std::fs::write(&path, torn.join("\n")).expect("write");
        assert_eq!(cache.load("u1"), None);
    }

    #[test]
    fn a_file_from_before_cursors_loads_without_one() {
        let dir = tempfile::tempdir().expect("tempdir");
        std::fs::write(
            dir.path().join("feed.json"),
            r#"{"saved_at":"2026-11-28T12:00:00Z","user_id":"u1","items":[{"id":"1"}]}"#,
        )
        .expect("write");
        let (feed, _) = FeedCache::new(dir.path().to_path_buf())
            .load("u1")
            .expect("loads");
        assert_eq!(feed.items.len(), 1);
        assert_eq!(feed.next_cursor, None);
        assert!(!feed.complete);
    }
}
