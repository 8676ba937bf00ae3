//! The store's private files: 0600 files in a 0700 directory, replaced atomically.

use super::error::{IoOp, StoreError};
use crate::atomic::Failed;
use std::fs;
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

/// Replaces `path` (which lives in `dir`) with `bytes` through
/// [`crate::atomic::replace`], as a 0600 file in a 0700 directory.
pub(crate) fn write_private_file(dir: &Path, path: &Path, bytes: &[u8]) -> Result<(), StoreError> {
    ensure_private_dir(dir)?;
    let how = crate::atomic::Replace {
        temp_prefix: crate::atomic::STATE_TEMP.prefix,
        temp_suffix: crate::atomic::STATE_TEMP.suffix,
        #[cfg(unix)]
        mode: FILE_MODE,
        #[cfg(not(unix))]
        mode: 0,
        durable: true,
        owner: None,
    };
    crate::atomic::replace(path, bytes, how).map_err(|failed| match failed {
        Failed::SetPermissions(tmp, e) => StoreError::io(IoOp::SetPermissions, tmp, e),
        Failed::Write(e) | Failed::SetOwner(e) => StoreError::io(IoOp::Write, path, e),
        Failed::SyncDir(e) => StoreError::io(IoOp::Sync, dir, e),
    })
}

/// Makes a rename in `dir` durable ([`crate::atomic::sync_dir`]).
pub(crate) fn sync_dir(dir: &Path) -> Result<(), StoreError> {
    crate::atomic::sync_dir(dir).map_err(|e| StoreError::io(IoOp::Sync, dir, e))
}
