//! The last fetched feed, kept in the cache dir so the next start shows it at once.

use crate::instagram::Media;
use serde::{Deserialize, Serialize};
use std::io::Write;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use time::OffsetDateTime;

#[derive(Serialize, Deserialize)]
struct CacheFile {
    #[serde(with = "time::serde::rfc3339")]
    saved_at: OffsetDateTime,
    user_id: String,
    items: Vec<Media>,
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
    pub fn load(&self, user_id: &str) -> Option<(Vec<Media>, OffsetDateTime)> {
        let bytes = std::fs::read(self.path()).ok()?;
        let file: CacheFile = serde_json::from_slice(&bytes).ok()?;
        (file.user_id == user_id).then_some((file.items, file.saved_at))
    }

    /// Writes snapshot number `seq` atomically, unless a later one is
    /// already on disk. A failure only costs the next start its head start.
    pub fn save(
        &self,
        seq: u64,
        user_id: &str,
        items: &[Media],
        now: OffsetDateTime,
    ) -> std::io::Result<()> {
        let mut written = self.written.lock().unwrap_or_else(|e| e.into_inner());
        if seq <= *written {
            return Ok(());
        }
        std::fs::create_dir_all(&self.dir)?;
        let file = CacheFile {
            saved_at: now,
            user_id: user_id.to_string(),
            items: items.to_vec(),
        };
        let bytes = serde_json::to_vec(&file).map_err(std::io::Error::other)?;
        let mut tmp = tempfile::NamedTempFile::new_in(&self.dir)?;
        tmp.write_all(&bytes)?;
        tmp.as_file().sync_all()?;
        tmp.persist(self.path()).map_err(|e| e.error)?;
        *written = seq;
        Ok(())
    }
}
