//! Replacing a file atomically, the one recipe every writer uses: a temporary file in the same folder, written, fsynced, renamed over the target.

use std::io::{self, Write};
use std::path::{Path, PathBuf};

/// How a file is replaced.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Replace<'a> {
    /// Start and end of the temporary file's name, so that one left by a
    /// crash is recognisable.
    pub(crate) temp_prefix: &'a str,
    pub(crate) temp_suffix: &'a str,
    /// Permission bits of the new file (unix only).
    pub(crate) mode: u32,
    /// Whether the file and its folder are fsynced: for what must survive
    /// a power cut, not for a cache that is fetched again.
    pub(crate) durable: bool,
    /// The owner and group the new file gets (unix only): those of the file
    /// it replaces, so a rewrite never hands someone's file to another user.
    /// `None`: this process's own.
    pub(crate) owner: Option<(u32, u32)>,
}

/// How a writer's temporary files are named: `<prefix>`, six random
/// letters and digits, `<suffix>`. Named once here, so that one left by a
/// process killed before its rename is recognised at the next start
/// ([`remove_strays`]).
#[derive(Debug, Clone, Copy)]
pub(crate) struct TempName {
    pub(crate) prefix: &'static str,
    pub(crate) suffix: &'static str,
}

/// state.json's: each holds a whole state, the app secret included.
pub(crate) const STATE_TEMP: TempName = TempName {
    prefix: ".state.json.",
    suffix: ".tmp",
};
/// The feed cache's and the picture cache's.
pub(crate) const CACHE_TEMP: TempName = TempName {
    prefix: ".tmp",
    suffix: "",
};
/// A file in instatui's caches (a picture, the selected post): owner-only,
/// and not fsynced, since what a crash loses is fetched or chosen again.
pub(crate) const CACHE_FILE: Replace<'static> = Replace {
    temp_prefix: CACHE_TEMP.prefix,
    temp_suffix: CACHE_TEMP.suffix,
    mode: 0o600,
    durable: false,
    owner: None,
};
/// A `.env` handoff's, beside the user's file: it holds the token.
pub(crate) const DOTENV_TEMP: TempName = TempName {
    prefix: ".instatui-",
    suffix: ".tmp",
};

/// How long a temporary file written without a lock must have been left
/// untouched before it counts as stray: a younger one may be another
/// process's write in progress (writes take milliseconds).
pub(crate) const STRAY_AFTER: std::time::Duration = std::time::Duration::from_secs(60);

/// The stray temporary files named `name` in `dir`: plain files only (a
/// link or a folder is never one of ours), and, when `idle` is given, only
/// those untouched for that long.
pub(crate) fn strays(
    dir: &Path,
    name: TempName,
    idle: Option<std::time::Duration>,
) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let now = std::time::SystemTime::now();
    entries
        .flatten()
        .filter(|entry| {
            let file_name = entry.file_name();
            let Some(file_name) = file_name.to_str() else {
                return false;
            };
            let random = file_name
                .strip_prefix(name.prefix)
                .and_then(|rest| rest.strip_suffix(name.suffix));
            random.is_some_and(|r| r.len() == 6 && r.bytes().all(|b| b.is_ascii_alphanumeric()))
        })
        .filter(|entry| {
            // `DirEntry::metadata` does not follow links.
            entry.metadata().is_ok_and(|meta| {
                meta.file_type().is_file()
                    && idle.is_none_or(|idle| {
                        meta.modified()
                            .ok()
                            .and_then(|m| now.duration_since(m).ok())
                            .is_some_and(|age| age >= idle)
                    })
            })
        })
        .map(|entry| entry.path())
        .collect()
}

/// Removes [`strays`]; returns how many went.
pub(crate) fn remove_strays(
    dir: &Path,
    name: TempName,
    idle: Option<std::time::Duration>,
) -> usize {
    strays(dir, name, idle)
        .into_iter()
        .filter(|path| std::fs::remove_file(path).is_ok())
        .count()
}

/// Which step failed, with the I/O error.
#[derive(Debug)]
pub(crate) enum Failed {
    /// Giving the temporary file (at this path) its permission bits.
    SetPermissions(PathBuf, io::Error),
    /// Giving the temporary file the owner and group asked for: this
    /// process may not (it is not root, or not in that group).
    SetOwner(io::Error),
    /// Creating, writing or renaming the file.
    Write(io::Error),
    /// Syncing the folder after the rename: the new content is in place.
    SyncDir(io::Error),
}

impl From<Failed> for io::Error {
    fn from(failed: Failed) -> io::Error {
        match failed {
            Failed::SetPermissions(_, e)
            | Failed::SetOwner(e)
            | Failed::Write(e)
            | Failed::SyncDir(e) => e,
        }
    }
}

/// Replaces `path` with `bytes`, so that a reader sees either the old or
/// the new content, never a mix, and a crash leaves one of the two on disk.
/// The folder must exist; the temporary file is removed on every failure.
pub(crate) fn replace(path: &Path, bytes: &[u8], how: Replace<'_>) -> Result<(), Failed> {
    let dir = match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir,
        _ => Path::new("."),
    };
    // Created 0600 (tempfile's default, with O_EXCL), before any byte is
    // written: the secret in a state is never readable by others, not even
    // in a file a killed process leaves behind.
    let mut tmp = tempfile::Builder::new()
        .prefix(how.temp_prefix)
        .suffix(how.temp_suffix)
        .tempfile_in(dir)
        .map_err(Failed::Write)?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        // Owner first: a change of owner clears the set-id bits, which the
        // mode then sets again.
        if let Some((uid, gid)) = how.owner {
            std::os::unix::fs::fchown(tmp.as_file(), Some(uid), Some(gid))
                .map_err(Failed::SetOwner)?;
        }
        tmp.as_file()
            .set_permissions(std::fs::Permissions::from_mode(how.mode))
            .map_err(|e| Failed::SetPermissions(tmp.path().to_path_buf(), e))?;
    }
    tmp.write_all(bytes).map_err(Failed::Write)?;
    tmp.flush().map_err(Failed::Write)?;
    if how.durable {
        tmp.as_file().sync_all().map_err(Failed::Write)?;
    }
    tmp.persist(path).map_err(|e| Failed::Write(e.error))?;
    if how.durable {
        sync_dir(dir).map_err(Failed::SyncDir)?;
    }
    Ok(())
}

/// Makes a rename in `dir` durable. Filesystems that cannot sync a folder
/// are tolerated: the rename itself has already happened.
pub(crate) fn sync_dir(dir: &Path) -> io::Result<()> {
    #[cfg(unix)]
    {
        let result = std::fs::File::open(dir).and_then(|d| d.sync_all());
        match result {
            Ok(()) => {}
            Err(e)
                if matches!(
                    e.kind(),
                    io::ErrorKind::InvalidInput | io::ErrorKind::Unsupported
                ) => {}
            Err(e) => return Err(e),
        }
    }
    #[cfg(not(unix))]
    let _ = dir;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const HOW: Replace<'static> = Replace {
        temp_prefix: ".test.",
        temp_suffix: ".tmp",
        mode: 0o600,
        owner: None,
        durable: true,
    };

    #[test]
    fn the_file_is_replaced_whole_and_no_temporary_file_stays() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("f");
        std::fs::write(&path, b"old").expect("write");
        replace(&path, b"new", HOW).expect("replace");
        assert_eq!(std::fs::read(&path).expect("read"), b"new");
        let names: Vec<_> = std::fs::read_dir(dir.path())
            .expect("list")
            .flatten()
            .map(|e| e.file_name())
            .collect();
        assert_eq!(names, ["f"]);
    }

    #[cfg(unix)]
    #[test]
    fn the_new_file_gets_the_asked_mode() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("f");
        replace(&path, b"x", Replace { mode: 0o644, ..HOW }).expect("replace");
        let mode = std::fs::metadata(&path).expect("meta").permissions().mode();
        assert_eq!(mode & 0o777, 0o644);
    }

    #[test]
    fn only_our_stray_temporary_files_are_found() {
        let dir = tempfile::tempdir().expect("tempdir");
        let d = dir.path();
        for name in [
            ".state.json.aB3xY9.tmp",
            ".state.json.aB3xY9",
            ".state.json.toolong1.tmp",
            "state.json",
            ".tmpQ1w2E3",
            ".tmpQ1w2E3.jpg",
            "feed.json",
            ".instatui-Zz9Yy8.tmp",
            ".env",
        ] {
            std::fs::write(d.join(name), b"x").expect("write");
        }
        std::fs::create_dir(d.join(".tmpFolder")).expect("dir");
        let names = |found: Vec<PathBuf>| -> Vec<String> {
            found
                .iter()
                .map(|p| {
                    p.file_name()
                        .unwrap_or_default()
                        .to_string_lossy()
                        .into_owned()
                })
                .collect()
        };
        assert_eq!(
            names(strays(d, STATE_TEMP, None)),
            [".state.json.aB3xY9.tmp"]
        );
        assert_eq!(names(strays(d, CACHE_TEMP, None)), [".tmpQ1w2E3"]);
        assert_eq!(
            names(strays(d, DOTENV_TEMP, None)),
            [".instatui-Zz9Yy8.tmp"]
        );
        // Written just now: perhaps another process's write in progress.
        assert!(strays(d, CACHE_TEMP, Some(STRAY_AFTER)).is_empty());
        let old = std::time::SystemTime::now() - 2 * STRAY_AFTER;
        std::fs::File::options()
            .write(true)
            .open(d.join(".tmpQ1w2E3"))
            .and_then(|f| f.set_modified(old))
            .expect("age it");
        assert_eq!(remove_strays(d, CACHE_TEMP, Some(STRAY_AFTER)), 1);
        assert!(!d.join(".tmpQ1w2E3").exists());
        assert!(d.join(".tmpQ1w2E3.jpg").exists());
    }

    #[cfg(unix)]
    #[test]
    fn a_link_named_like_a_temporary_file_is_left_alone() {
        let dir = tempfile::tempdir().expect("tempdir");
        let victim = dir.path().join("victim");
        std::fs::write(&victim, b"x").expect("write");
        std::os::unix::fs::symlink(&victim, dir.path().join(".state.json.aaaaaa.tmp"))
            .expect("link");
        assert_eq!(remove_strays(dir.path(), STATE_TEMP, None), 0);
        assert!(victim.exists());
    }

    #[cfg(unix)]
    #[test]
    fn the_temporary_file_is_private_from_its_creation() {
        use std::os::unix::fs::PermissionsExt;
        // The same builder `replace` uses, looked at before any write.
        let dir = tempfile::tempdir().expect("tempdir");
        let tmp = tempfile::Builder::new()
            .prefix(STATE_TEMP.prefix)
            .suffix(STATE_TEMP.suffix)
            .tempfile_in(dir.path())
            .expect("temp");
        let mode = tmp.as_file().metadata().expect("meta").permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
        assert_eq!(
            strays(dir.path(), STATE_TEMP, None),
            [tmp.path().to_path_buf()]
        );
    }

    #[test]
    fn a_missing_folder_fails_and_leaves_nothing() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("missing/f");
        assert!(matches!(replace(&path, b"x", HOW), Err(Failed::Write(_))));
        assert!(!dir.path().join("missing").exists());
    }
}
