//! Temporary files left by writes that were killed half-way, removed at start: state.json's under the lock, the caches' once a minute old.

use super::{Store, dirs};
use crate::atomic::{CACHE_TEMP, STATE_TEMP, STRAY_AFTER, remove_strays, strays};
use std::time::Duration;

impl Store {
    /// Removes state.json's stray temporary files: a process killed between
    /// writing one and renaming it leaves a whole state behind, app secret
    /// and token included. Done under the lock, which every save holds from
    /// its temporary file to its rename, so no save in progress loses its
    /// file; while another process holds the lock they wait for the next
    /// start. Returns how many were removed.
    pub(crate) fn remove_stray_temp_files(&self) -> usize {
        // Looked for first: a start with nothing to remove takes no lock
        // and creates no folder.
        if strays(&self.dir, STATE_TEMP, None).is_empty() {
            return 0;
        }
        let Ok(_lock) = self.clone().with_lock_timeout(Duration::ZERO).lock() else {
            return 0;
        };
        remove_strays(&self.dir, STATE_TEMP, None)
    }
}

/// At start: state.json's stray temporary files, and the feed and picture
/// caches' ones untouched for a minute (those are written without a lock).
pub fn remove_stray_files(store: &Store) -> usize {
    let cache = dirs::cache_dir(store);
    let removed = store.remove_stray_temp_files()
        + remove_strays(&cache, CACHE_TEMP, Some(STRAY_AFTER))
        + remove_strays(
            &cache.join(crate::preview::disk::FOLDER),
            CACHE_TEMP,
            Some(STRAY_AFTER),
        );
    if removed > 0 {
        tracing::info!(
            removed,
            "removed temporary files left by interrupted writes"
        );
    }
    removed
}
