//! The store's private files: 0600 files in a 0700 directory, replaced atomically.

use super::error::{IoOp, StoreError};
use crate::atomic::Failed;
use std::fs;
use std::path::Path;

#[cfg(unix)]
const DIR_MODE: u32 = 0o700;
#[cfg(unix)]
pub(crate) const FILE_MODE: u32 = 0o600;

/// Why an existing config dir is someone else's to set, not ours to tighten.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SharedDir {
    /// Owned by another user: chmod'ing it would take it over.
    OtherOwner { owner: u32, us: u32 },
    /// Anyone may add or replace files in it (`o+w`), sticky or not (`/tmp`).
    WorldWritable { mode: u32 },
    /// A sticky folder (`+t`) is meant to be shared by its nature.
    Sticky { mode: u32 },
}

impl SharedDir {
    /// What the folder is, for "<dir> is …".
    pub(crate) fn what(self) -> String {
        match self {
            SharedDir::OtherOwner { owner, us } => {
                format!("owned by user {owner}, not by you (user {us})")
            }
            SharedDir::WorldWritable { mode } => {
                format!("writable by every user (mode {mode:04o})")
            }
            SharedDir::Sticky { mode } => format!("a shared sticky folder (mode {mode:04o})"),
        }
    }
}

/// What to do with an existing directory of permission bits `mode` owned by
/// `owner`, when instatui runs as `us`: nothing (already 0700), tighten it
/// to 0700 (ours and merely too open, like 0755), or leave it alone and
/// refuse it, because it is shared and chmod'ing it would take it over.
#[cfg_attr(not(unix), allow(dead_code))]
pub(crate) fn judge_dir(mode: u32, owner: u32, us: u32) -> Result<bool, SharedDir> {
    let mode = mode & 0o7777;
    if owner != us {
        return Err(SharedDir::OtherOwner { owner, us });
    }
    if mode & 0o002 != 0 {
        return Err(SharedDir::WorldWritable { mode });
    }
    if mode & 0o1000 != 0 {
        return Err(SharedDir::Sticky { mode });
    }
    Ok(mode != 0o700)
}

/// Refuses an existing `dir` that is shared ([`judge_dir`]); a missing one
/// passes (it is created 0700 on the first write). Nothing is changed.
pub(crate) fn check_dir(dir: &Path) -> Result<(), StoreError> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        let meta = match fs::metadata(dir) {
            Ok(meta) => meta,
            // Missing, or not ours to read: the write that needs it says so.
            Err(_) => return Ok(()),
        };
        if !meta.is_dir() {
            return Ok(());
        }
        // SAFETY: geteuid has no preconditions and cannot fail.
        let us = unsafe { libc::geteuid() };
        judge_dir(meta.mode(), meta.uid(), us).map_err(|why| StoreError::SharedDir {
            path: dir.to_path_buf(),
            why,
        })?;
    }
    #[cfg(not(unix))]
    let _ = dir;
    Ok(())
}

/// Creates `dir` (and its parents) as 0700, or tightens an existing one of
/// ours to 0700; a shared one (another user's, world-writable, sticky) is
/// refused untouched ([`judge_dir`]).
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
    // Judged after creating, so a folder someone else made in between is
    // judged as what it is, not as the one we meant to make.
    check_dir(dir)?;
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
