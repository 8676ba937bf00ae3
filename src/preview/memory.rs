//! A least-recently-used map bounded by bytes, for decoded pictures.

use lru::LruCache;

/// 64 MiB of decoded pixels: a few hundred pane-sized pictures.
pub const DEFAULT_BUDGET: usize = 64 * 1024 * 1024;

pub struct MemoryCache<T> {
    /// Each value with its cost in bytes; bounded by `budget`, not by count.
    entries: LruCache<String, (T, usize)>,
    used: usize,
    budget: usize,
}

impl<T> MemoryCache<T> {
    pub(crate) fn new(budget: usize) -> Self {
        MemoryCache {
            entries: LruCache::unbounded(),
            used: 0,
            budget,
        }
    }

    pub(crate) fn contains(&self, key: &str) -> bool {
        self.entries.contains(key)
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    pub fn used_bytes(&self) -> usize {
        self.used
    }

    /// The value, which becomes the most recently used.
    pub(crate) fn get_mut(&mut self, key: &str) -> Option<&mut T> {
        self.entries.get_mut(key).map(|(value, _)| value)
    }

    /// Inserts, then drops the least recently used entries until the budget
    /// holds again (always keeping the newest one).
    pub(crate) fn insert(&mut self, key: String, value: T, cost: usize) {
        if let Some((_, old)) = self.entries.put(key, (value, cost)) {
            self.used -= old;
        }
        self.used += cost;
        while self.used > self.budget && self.entries.len() > 1 {
            match self.entries.pop_lru() {
                Some((_, (_, c))) => self.used -= c,
                None => break,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn evicts_least_recently_used_by_bytes() {
        let mut cache = MemoryCache::new(100);
        cache.insert("a".into(), 1, 40);
        cache.insert("b".into(), 2, 40);
        assert!(cache.get_mut("a").is_some());
        cache.insert("c".into(), 3, 40);
        assert!(cache.contains("a"));
        assert!(!cache.contains("b"));
        assert!(cache.contains("c"));
        assert_eq!(cache.used_bytes(), 80);
    }

    #[test]
    fn an_oversized_entry_still_fits_alone() {
        let mut cache = MemoryCache::new(10);
        cache.insert("big".into(), (), 50);
        assert_eq!(cache.len(), 1);
        cache.insert("next".into(), (), 5);
        assert!(!cache.contains("big"));
    }
}
