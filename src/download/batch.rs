//! Finishing fetched files a batch at a time: their data flushed to the disk before any gets
//! its name, then the renames, then the folder flushed once.
//!
//! A name is what a re-run trusts: a file under its final name is skipped as saved. So a
//! name must never point at data the disk does not hold yet; after a power cut, the
//! file would be empty or cut short and skipped for good. But one `fsync` per file
//! serialised 15,000 waits on the disk. Here a batch (every file fetched while the last
//! batch was being finished) is flushed together: on Linux one `syncfs` of the folder's
//! file system for a batch of more than [`PER_FILE_MAX`] files, else an `fdatasync` of
//! each; then each `.part` is renamed, then the folder is flushed once, so the new names
//! last too. A crash before that leaves `.part` files, which the next run fetches again.

use super::Outcome;
use std::path::{Path, PathBuf};

/// A batch of up to this many files flushes each; a larger one flushes the
/// whole file system at once (Linux), which costs about as much as a few.
pub(crate) const PER_FILE_MAX: usize = 8;

/// A file fetched into its `.part`, its time set, waiting for its name.
#[derive(Debug)]
pub(crate) struct Fetched {
    pub part: PathBuf,
    pub target: PathBuf,
    /// Saved as a video's cover (the outcome says so).
    pub cover: bool,
}

/// Flushes the batch's data, renames each file, flushes the folder: one
/// outcome per file, in order. Blocking: run it on a blocking thread.
pub(crate) fn finish(dir: &Path, batch: Vec<Fetched>) -> Vec<Result<Outcome, String>> {
    if batch.is_empty() {
        return Vec::new();
    }
    if let Err(e) = flush_data(dir, &batch) {
        // Nothing is named: each `.part` goes, and the next run fetches it again.
        return batch
            .into_iter()
            .map(|f| {
                let _ = std::fs::remove_file(&f.part);
                Err(format!(
                    "could not write {} to the disk: {e}; check the disk and run the same command again",
                    f.target.display()
                ))
            })
            .collect();
    }
    let outcomes = batch
        .into_iter()
        .map(|f| {
            std::fs::rename(&f.part, &f.target)
                .map(|()| {
                    if f.cover {
                        Outcome::CoverOnly(f.target.clone())
                    } else {
                        Outcome::Saved(f.target.clone())
                    }
                })
                .map_err(|e| {
                    format!(
                        "could not rename {} to {}: {e}",
                        f.part.display(),
                        f.target.display()
                    )
                })
        })
        .collect();
    if let Err(e) = std::fs::File::open(dir).and_then(|d| d.sync_all()) {
        // The files are whole and named; only their names might not outlast a crash.
        tracing::debug!(dir = %dir.display(), error = %e, "could not flush the folder");
    }
    outcomes
}

/// Every file's data on the disk.
fn flush_data(dir: &Path, batch: &[Fetched]) -> std::io::Result<()> {
    #[cfg(target_os = "linux")]
    if batch.len() > PER_FILE_MAX {
        let folder = std::fs::File::open(dir)?;
        // SAFETY: `syncfs` takes a file descriptor, valid for the call: `folder` lives until after it.
        let done = unsafe { libc::syncfs(std::os::fd::AsRawFd::as_raw_fd(&folder)) };
        return if done == 0 {
            Ok(())
        } else {
            Err(std::io::Error::last_os_error())
        };
    }
    let _ = dir;
    for fetched in batch {
        open_part(&fetched.part)?.sync_data()?;
    }
    Ok(())
}

/// The part file, never through a link planted under its name.
fn open_part(part: &Path) -> std::io::Result<std::fs::File> {
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(libc::O_NOFOLLOW);
    }
    options.open(part)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fetched(dir: &Path, stem: &str, cover: bool) -> Fetched {
        let part = dir.join(format!("{stem}.part"));
        std::fs::write(&part, stem.as_bytes()).expect("write");
        Fetched {
            part,
            target: dir.join(format!("{stem}.jpg")),
            cover,
        }
    }

    #[test]
    fn a_batch_gets_its_names_in_order_small_or_large() {
        for size in [1, PER_FILE_MAX, PER_FILE_MAX + 1, 40] {
            let dir = tempfile::tempdir().expect("tempdir");
            let batch: Vec<Fetched> = (0..size)
                .map(|i| fetched(dir.path(), &format!("f{i}"), i == 0))
                .collect();
            let outcomes = finish(dir.path(), batch);
            assert_eq!(outcomes.len(), size);
            for (i, outcome) in outcomes.iter().enumerate() {
                let target = dir.path().join(format!("f{i}.jpg"));
                let expected = if i == 0 {
                    Outcome::CoverOnly(target.clone())
                } else {
                    Outcome::Saved(target.clone())
                };
                assert_eq!(outcome, &Ok(expected));
                assert_eq!(
                    std::fs::read(&target).expect("named"),
                    format!("f{i}").as_bytes()
                );
            }
            let left: Vec<_> = std::fs::read_dir(dir.path())
                .expect("list")
                .flatten()
                .filter(|e| e.file_name().to_string_lossy().ends_with(".part"))
                .collect();
            assert!(left.is_empty(), "{left:?}");
        }
    }

    #[test]
    fn a_part_that_vanished_fails_alone_or_fails_the_flush() {
        let dir = tempfile::tempdir().expect("tempdir");
        let kept = fetched(dir.path(), "kept", false);
        let gone = fetched(dir.path(), "gone", false);
        std::fs::remove_file(&gone.part).expect("remove");
        // A small batch flushes each file: a missing one fails the flush,
        // and nothing of the batch is named.
        let outcomes = finish(dir.path(), vec![kept, gone]);
        assert!(outcomes.iter().all(Result::is_err), "{outcomes:?}");
        assert!(!dir.path().join("kept.jpg").exists());
        assert!(!dir.path().join("kept.part").exists());
    }
}
