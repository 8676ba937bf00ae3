//! What can go wrong in the store, each phrased as what happened and what to do next.

use super::atomic::SharedDir;
use std::io;
use std::path::PathBuf;

/// The file-system operation that failed, for [`StoreError::Io`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IoOp {
    Read,
    Write,
    CreateDir,
    SetPermissions,
    OpenLock,
    Lock,
    MoveAside,
    Sync,
}

impl IoOp {
    /// The verb phrase that goes before the path: `could not <verb> <path>`.
    pub(crate) fn verb(self) -> &'static str {
        match self {
            IoOp::Read => "read",
            IoOp::Write => "write",
            IoOp::CreateDir => "create the directory",
            IoOp::SetPermissions => "set permissions on",
            IoOp::OpenLock => "open the lock file",
            IoOp::Lock => "lock",
            IoOp::MoveAside => "move aside",
            IoOp::Sync => "sync",
        }
    }

    /// What the user can do about it.
    pub(crate) fn hint(self) -> &'static str {
        match self {
            IoOp::Read => "check the file's permissions",
            IoOp::Write | IoOp::Sync | IoOp::MoveAside => {
                "check the directory's permissions and free space"
            }
            IoOp::CreateDir | IoOp::SetPermissions => {
                "check that you own the directory and its parents"
            }
            IoOp::OpenLock | IoOp::Lock => "check the directory's permissions",
        }
    }
}

/// A store failure. `Display` is one line: what happened and what to do
/// next. No variant ever carries state contents, so no secret can leak.
///
/// The I/O error is part of the message rather than a `source()`, so that
/// printing the error chain does not repeat it.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("could not {} {}: {error}; {}", .op.verb(), .path.display(), .op.hint())]
    Io {
        op: IoOp,
        path: PathBuf,
        error: io::Error,
    },
    #[error(
        "another instatui process is writing {}; wait for it to finish and try again",
        .path.display()
    )]
    Locked { path: PathBuf },
    #[error(
        "could not find a configuration directory (is HOME set?); pass --config-dir or set INSTATUI_CONFIG_DIR"
    )]
    NoConfigDir,
    /// An existing config dir that is not instatui's to make private (another
    /// user's, world-writable or sticky, like `/tmp`): refused, never chmod'ed.
    #[error(
        "{} is {}, so instatui will not keep its secrets in it nor change its permissions: \
         pass --config-dir {} to use a folder of instatui's own",
        .path.display(), .why.what(), .path.join("instatui").display()
    )]
    SharedDir { path: PathBuf, why: SharedDir },
    #[error("could not encode the state for {}: {reason}; this is a bug in instatui, please report it", .path.display())]
    Encode { path: PathBuf, reason: String },
}

impl StoreError {
    pub(crate) fn io(op: IoOp, path: impl Into<PathBuf>, error: io::Error) -> StoreError {
        StoreError::Io {
            op,
            path: path.into(),
            error,
        }
    }
}
