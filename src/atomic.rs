//! Replacing a file atomically, the one recipe every writer uses: a temporary file in the same folder, written, fsynced, renamed over the target.

use std::io::{self, Write};
use std::path::{Path, PathBuf};

/// How a file is replaced.
#[derive(Debug, Clone, Copy)]
pub struct Replace<'a> {
    /// Start and end of the temporary file's name, so that one left by a
    /// crash is recognisable.
    pub temp_prefix: &'a str,
    pub temp_suffix: &'a str,
    /// Permission bits of the new file (unix only).
    pub mode: u32,
    /// Whether the file and its folder are fsynced: for what must survive
    /// a power cut, not for a cache that is fetched again.
    pub durable: bool,
}

/// Which step failed, with the I/O error.
#[derive(Debug)]
pub enum Failed {
    /// Giving the temporary file (at this path) its permission bits.
    SetPermissions(PathBuf, io::Error),
    /// Creating, writing or renaming the file.
    Write(io::Error),
    /// Syncing the folder after the rename: the new content is in place.
    SyncDir(io::Error),
}

impl From<Failed> for io::Error {
    fn from(failed: Failed) -> io::Error {
        match failed {
            Failed::SetPermissions(_, e) | Failed::Write(e) | Failed::SyncDir(e) => e,
        }
    }
}

/// Replaces `path` with `bytes`, so that a reader sees either the old or
/// the new content, never a mix, and a crash leaves one of the two on disk.
/// The folder must exist; the temporary file is removed on every failure.
pub fn replace(path: &Path, bytes: &[u8], how: Replace<'_>) -> Result<(), Failed> {
    let dir = match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir,
        _ => Path::new("."),
    };
    let mut tmp = tempfile::Builder::new()
        .prefix(how.temp_prefix)
        .suffix(how.temp_suffix)
        .tempfile_in(dir)
        .map_err(Failed::Write)?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
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
pub fn sync_dir(dir: &Path) -> io::Result<()> {
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
    fn a_missing_folder_fails_and_leaves_nothing() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("missing/f");
        assert!(matches!(replace(&path, b"x", HOW), Err(Failed::Write(_))));
        assert!(!dir.path().join("missing").exists());
    }
}
