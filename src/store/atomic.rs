//! Atomic writes of private files: temp file, fsync, rename, fsync the directory; 0600 files in a 0700 directory.

use super::error::{IoOp, StoreError};
use std::fs;
use std::io::{self, Write};
use std::path::Path;

#[cfg(unix)]
const DIR_MODE: u32 = 0o700;
#[cfg(unix)]
pub(crate) const FILE_MODE: u32 = 0o600;

/// Creates `dir` (and its parents) as 0700, or tightens an existing one to 0700.
pub(crate) fn ensure_private_dir(dir: &Path) -> Result<(), StoreError> {
    let mut builder = fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        builder.mode(DIR_MODE);
    }
    builder
        .create(dir)
        .map_err(|e| StoreError::io(IoOp::CreateDir, dir, e))?;
    #[cfg(unix)]
    set_mode(dir, DIR_MODE)?;
    Ok(())
}

/// Sets `path`'s permission bits to exactly `mode`, touching it only when they differ.
#[cfg(unix)]
pub(crate) fn set_mode(path: &Path, mode: u32) -> Result<(), StoreError> {
    use std::os::unix::fs::PermissionsExt;
    let meta = fs::metadata(path).map_err(|e| StoreError::io(IoOp::SetPermissions, path, e))?;
    if meta.permissions().mode() & 0o7777 != mode {
        fs::set_permissions(path, fs::Permissions::from_mode(mode))
            .map_err(|e| StoreError::io(IoOp::SetPermissions, path, e))?;
    }
    Ok(())
}

/// Replaces `path` (which lives in `dir`) with `bytes`, so that a reader sees
/// either the old or the new content, never a mix, and a crash leaves one of
/// the two on disk. The temporary file is removed on every failure path.
pub(crate) fn write_private_file(dir: &Path, path: &Path, bytes: &[u8]) -> Result<(), StoreError> {
    ensure_private_dir(dir)?;
    let write_err = |e: io::Error| StoreError::io(IoOp::Write, path, e);
    let mut tmp = tempfile::Builder::new()
        .prefix(".state.json.")
        .suffix(".tmp")
        .tempfile_in(dir)
        .map_err(write_err)?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        tmp.as_file()
            .set_permissions(fs::Permissions::from_mode(FILE_MODE))
            .map_err(|e| StoreError::io(IoOp::SetPermissions, tmp.path(), e))?;
    }
    tmp.write_all(bytes).map_err(write_err)?;
    tmp.flush().map_err(write_err)?;
    tmp.as_file().sync_all().map_err(write_err)?;
    tmp.persist(path).map_err(|e| write_err(e.error))?;
    sync_dir(dir)
}

/// Makes a rename in `dir` durable. Filesystems that cannot sync a directory
/// are tolerated: the rename itself has already happened.
pub(crate) fn sync_dir(dir: &Path) -> Result<(), StoreError> {
    #[cfg(unix)]
    {
        let result = fs::File::open(dir).and_then(|d| d.sync_all());
        match result {
            Ok(()) => {}
            Err(e)
                if matches!(
                    e.kind(),
                    io::ErrorKind::InvalidInput | io::ErrorKind::Unsupported
                ) => {}
            Err(e) => return Err(StoreError::io(IoOp::Sync, dir, e)),
        }
    }
    #[cfg(not(unix))]
    let _ = dir;
    Ok(())
}
