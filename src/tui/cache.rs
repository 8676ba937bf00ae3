//! The feed as far as it was loaded, kept in the cache dir so the next start shows all of it at once.

use crate::app::feed::CachedFeed;
use crate::instagram::Media;
use serde::{Deserialize, Serialize};
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

/// The same file, written from borrowed parts: a 10,000-post feed is not
/// copied once more to be saved.
#[derive(Serialize)]
struct CacheFileRef<'a> {
    #[serde(with = "time::serde::rfc3339")]
    saved_at: OffsetDateTime,
    user_id: &'a str,
    items: &'a [Media],
    next_cursor: Option<&'a str>,
    complete: bool,
}

#[derive(Debug, Clone)]
pub struct FeedCache {
    dir: PathBuf,
    /// Writes run on blocking threads, possibly at once; each snapshot
    /// carries a number and an older one never replaces a newer one.
    written: Arc<Mutex<u64>>,
}

impl FeedCache {
    pub fn new(dir: PathBuf) -> Self {
        FeedCache {
            dir,
            written: Arc::new(Mutex::new(0)),
        }
    }

    pub fn dir(&self) -> &std::path::Path {
        &self.dir
    }

    fn path(&self) -> PathBuf {
        self.dir.join("feed.json")
    }

    /// The cached feed of this user, if there is a readable one.
    pub fn load(&self, user_id: &str) -> Option<(CachedFeed, OffsetDateTime)> {
        let bytes = std::fs::read(self.path()).ok()?;
        let file: CacheFile = serde_json::from_slice(&bytes).ok()?;
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
        let mut written = self.written.lock().unwrap_or_else(|e| e.into_inner());
        if seq <= *written {
            return Ok(());
        }
        std::fs::create_dir_all(&self.dir)?;
        let bytes = serde_json::to_vec(&CacheFileRef {
            saved_at: now,
            user_id,
            items: &feed.items,
            next_cursor: feed.next_cursor.as_deref(),
            complete: feed.complete,
        })
        .map_err(std::io::Error::other)?;
        let how = crate::atomic::Replace {
            temp_prefix: crate::atomic::CACHE_TEMP.prefix,
            temp_suffix: crate::atomic::CACHE_TEMP.suffix,
            mode: 0o600,
            durable: true,
        };
        crate::atomic::replace(&self.path(), &bytes, how)?;
        *written = seq;
        Ok(())
    }
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
