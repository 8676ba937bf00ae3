//! `download --new`'s mark: per account and folder, the newest post a complete run saved, in a
//! small file in the folder, so the next run fetches only what came after it.
//!
//! One writer rule: only a run that listed every post down to the mark (or the end) and saved
//! all it was to save writes it, after the files are on disk; an interrupted or failed run
//! leaves it as it was. The mark never moves back: a run that saw nothing newer keeps it.

use crate::instagram::Media;
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};
use time::OffsetDateTime;

/// The newest post saved into a folder for one account.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Mark {
    /// The account's Instagram user id, as in the file's name.
    pub account: String,
    /// Its post id and time as Instagram gave them.
    pub post_id: String,
    #[serde(with = "time::serde::rfc3339")]
    pub posted_at: OffsetDateTime,
}

impl Mark {
    /// The file holding `account`'s mark in `dir`: `.instatui-new-<account>.json`
    /// (hidden, and a `.json` the folder's listing never takes for a download).
    pub fn path(dir: &Path, account: &str) -> PathBuf {
        let safe: String = account
            .chars()
            .filter(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
            .take(64)
            .collect();
        dir.join(format!(".instatui-new-{safe}.json"))
    }

    /// The mark in `dir`, if a run left one. One that cannot be read is
    /// said and counts as none: every post is listed again, and the files
    /// already there are skipped.
    pub fn read(dir: &Path, account: &str) -> Result<Option<Mark>, String> {
        let path = Mark::path(dir, account);
        let bytes = match std::fs::read(&path) {
            Ok(bytes) => bytes,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(format!("could not read {}: {e}", path.display())),
        };
        serde_json::from_slice::<Mark>(&bytes)
            .ok()
            .filter(|m| m.account == account)
            .map(Some)
            .ok_or_else(|| format!("{} is not a mark instatui wrote", path.display()))
    }

    /// Whether `post` came after the mark. A post of the mark's very second
    /// that is not the marked one counts as new (its file is skipped if it
    /// is there); a post without a time too, as it cannot be placed.
    pub fn is_new(&self, post: &Media) -> bool {
        match post.posted_at() {
            Some(at) => at > self.posted_at || (at == self.posted_at && post.id != self.post_id),
            None => true,
        }
    }

    /// Whether `post` is older than the mark: a newest-first walk ends there.
    pub fn is_past(&self, post: &Media) -> bool {
        post.posted_at().is_some_and(|at| at < self.posted_at)
    }

    /// The mark after a complete run that saved `posts` for `account`: the
    /// newest of them, or `old` when it is newer (or there were none). A
    /// post dated more than a day after `now` (a server's bug, or its
    /// choice) never becomes the mark: every real post would be older than
    /// it, and each later run would save nothing.
    pub fn after(
        old: Option<&Mark>,
        account: &str,
        posts: &[Media],
        now: OffsetDateTime,
    ) -> Option<Mark> {
        let latest = now + time::Duration::days(1);
        let newest = posts
            .iter()
            .filter_map(|p| p.posted_at().map(|at| (at, p)))
            .filter(|(at, _)| *at <= latest)
            .max_by_key(|(at, _)| *at)
            .map(|(posted_at, p)| Mark {
                account: account.to_string(),
                post_id: p.id.clone(),
                posted_at,
            });
        match (old, newest) {
            (Some(old), Some(new)) if old.posted_at >= new.posted_at => Some(old.clone()),
            (old, new) => new.or_else(|| old.cloned()),
        }
    }

    /// Writes the mark into `dir`, atomically (readable like the files beside it).
    pub fn write(&self, dir: &Path) -> Result<(), String> {
        let path = Mark::path(dir, &self.account);
        let mut text = serde_json::to_string_pretty(self)
            .map_err(|e| format!("could not describe the mark: {e}"))?;
        text.push('\n');
        super::write_json_beside(&path, &text, true)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: OffsetDateTime = time::macros::datetime!(2026-12-05 12:00 UTC);

    fn post(id: &str, at: &str) -> Media {
        Media {
            id: id.to_string(),
            timestamp: Some(at.to_string()),
            ..Media::default()
        }
    }

    #[test]
    fn a_post_dated_in_the_future_never_becomes_the_mark() {
        // A server's 2099 would otherwise hold every later run at nothing new.
        let posts = [
            post("real", "2026-12-04T10:00:00+0000"),
            post("bogus", "2099-01-01T00:00:00+0000"),
        ];
        let mark = Mark::after(None, "1784", &posts, NOW).unwrap();
        assert_eq!(mark.post_id, "real");
        // Within a day ahead (clocks differ) still counts.
        let soon = [post("soon", "2026-12-06T06:00:00+0000")];
        assert_eq!(
            Mark::after(None, "1784", &soon, NOW).unwrap().post_id,
            "soon"
        );
    }

    #[test]
    fn the_mark_is_the_newest_saved_post_and_never_moves_back() {
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(Mark::read(dir.path(), "1784").unwrap(), None);
        let posts = [
            post("old", "2026-11-01T10:00:00+0000"),
            post("new", "2026-11-20T10:00:00+0000"),
        ];
        let mark = Mark::after(None, "1784", &posts, NOW).unwrap();
        assert_eq!(mark.post_id, "new");
        mark.write(dir.path()).unwrap();
        assert_eq!(Mark::read(dir.path(), "1784").unwrap(), Some(mark.clone()));
        // Another account's mark is its own file.
        assert_eq!(Mark::read(dir.path(), "1785").unwrap(), None);
        // Older posts, or none: the mark stays.
        let older = Mark::after(Some(&mark), "1784", &posts[..1], NOW).unwrap();
        assert_eq!(older, mark);
        assert_eq!(
            Mark::after(Some(&mark), "1784", &[], NOW),
            Some(mark.clone())
        );
        assert!(mark.is_new(&post("newer", "2026-11-21T10:00:00+0000")));
        assert!(mark.is_new(&post("twin", "2026-11-20T10:00:00+0000")));
        assert!(!mark.is_new(&post("new", "2026-11-20T10:00:00+0000")));
        assert!(!mark.is_past(&post("new", "2026-11-20T10:00:00+0000")));
        assert!(mark.is_past(&posts[0]));
    }

    #[test]
    fn a_mark_that_cannot_be_read_is_said() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(Mark::path(dir.path(), "1784"), b"{not json").unwrap();
        let err = Mark::read(dir.path(), "1784").unwrap_err();
        assert!(err.contains("is not a mark instatui wrote"), "{err}");
        // A name that could leave the folder cannot.
        let path = Mark::path(dir.path(), "../../etc/x");
        assert_eq!(path.parent(), Some(dir.path()));
    }
}
