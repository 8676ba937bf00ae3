//! Fetched picture bytes on disk, keyed by media id (URLs expire), capped in size, oldest evicted first.

use std::path::PathBuf;
use std::time::SystemTime;

/// The pictures' folder inside the cache dir.
pub(crate) const FOLDER: &str = "media";

/// 200 MiB of pictures on disk.
pub(crate) const DEFAULT_CAP: u64 = 200 * 1024 * 1024;

#[derive(Debug, Clone)]
pub(crate) struct DiskCache {
    dir: PathBuf,
    cap: u64,
}

impl DiskCache {
    pub(crate) fn new(dir: PathBuf, cap: u64) -> Self {
        DiskCache { dir, cap }
    }

    fn path(&self, media_id: &str) -> Option<PathBuf> {
        // Ids are digits; anything else must not become a path.
        let safe = !media_id.is_empty()
            && media_id
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
        safe.then(|| self.dir.join(media_id))
    }

    pub(crate) fn get(&self, media_id: &str) -> Option<Vec<u8>> {
        std::fs::read(self.path(media_id)?).ok()
    }

    /// Forgets a cached file (one that turned out not to be a picture).
    pub(crate) fn remove(&self, media_id: &str) {
        if let Some(path) = self.path(media_id) {
            let _ = std::fs::remove_file(path);
        }
    }

    /// Stores atomically, then trims the folder back under the cap.
    pub(crate) fn put(&self, media_id: &str, bytes: &[u8]) -> std::io::Result<()> {
        let Some(path) = self.path(media_id) else {
            return Ok(());
        };
        std::fs::create_dir_all(&self.dir)?;
        crate::atomic::replace(&path, bytes, crate::atomic::CACHE_FILE)?;
        self.evict()
    }

    /// Deletes the oldest files until the total is within the cap.
    pub(crate) fn evict(&self) -> std::io::Result<()> {
        let mut files: Vec<(SystemTime, u64, PathBuf)> = std::fs::read_dir(&self.dir)?
            .flatten()
            .filter_map(|entry| {
                let meta = entry.metadata().ok()?;
                meta.is_file().then(|| {
                    (
                        meta.modified().unwrap_or(SystemTime::UNIX_EPOCH),
                        meta.len(),
                        entry.path(),
                    )
                })
            })
            .collect();
        let mut total: u64 = files.iter().map(|(_, len, _)| len).sum();
        files.sort();
        for (_, len, path) in files {
            if total <= self.cap {
                break;
            }
            if std::fs::remove_file(&path).is_ok() {
                total -= len;
            }
        }
        Ok(())
    }

    #[cfg(test)]
    pub(crate) fn total_bytes(&self) -> u64 {
        std::fs::read_dir(&self.dir)
            .map(|dir| {
                dir.flatten()
                    .filter_map(|e| e.metadata().ok())
                    .map(|m| m.len())
                    .sum()
            })
            .unwrap_or(0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_cap() {
        let dir = tempfile::tempdir().expect("tempdir");
        let cache = DiskCache::new(dir.path().join("media"), 25);
        cache.put("1", &[1; 10]).expect("put");
        // Distinct modification times keep "oldest first" well defined.
        let old = SystemTime::UNIX_EPOCH + std::time::Duration::from_secs(1_000);
        let file = std::fs::File::options()
            .write(true)
            .open(dir.path().join("media/1"))
            .expect("open");
        file.set_modified(old).expect("mtime");
        cache.put("2", &[2; 10]).expect("put");
        assert_eq!(cache.get("1"), Some(vec![1; 10]));
        cache.put("3", &[3; 10]).expect("put");
        assert_eq!(cache.get("1"), None, "the oldest goes first");
        assert_eq!(cache.get("3"), Some(vec![3; 10]));
        assert!(cache.total_bytes() <= 25);
    }

    #[test]
    fn odd_keys_are_never_paths() {
        // A folder inside one of its own, so `../x` is this test's alone:
        // another program's /tmp/x says nothing about the cache.
        let outer = tempfile::tempdir().expect("tempdir");
        let dir = outer.path().join("cache");
        std::fs::create_dir(&dir).expect("cache dir");
        let cache = DiskCache::new(dir.clone(), DEFAULT_CAP);
        cache.put("../x", b"no").expect("ignored");
        assert!(!dir.join("../x").exists());
        assert_eq!(cache.get("../x"), None);
    }
}
