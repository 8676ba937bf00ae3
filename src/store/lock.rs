//! The single-writer lock: `state.lock` next to `state.json`, held for the whole of a write.

use super::atomic;
use super::error::{IoOp, StoreError};
use std::fs::{File, OpenOptions, TryLockError};
use std::path::Path;
use std::thread;
use std::time::{Duration, Instant};

const POLL_INTERVAL: Duration = Duration::from_millis(25);

/// Held while writing; released on drop. The lock file itself is never
/// deleted, since deleting a lock file lets two processes lock different files.
#[derive(Debug)]
pub(crate) struct StoreLock {
    file: File,
}

impl StoreLock {
    /// Polls `try_lock` every 25 ms until `timeout`; then [`StoreError::Locked`]
    /// naming `state_path`, the file the other process is writing.
    pub(crate) fn acquire(
        dir: &Path,
        lock_path: &Path,
        state_path: &Path,
        timeout: Duration,
    ) -> Result<StoreLock, StoreError> {
        atomic::ensure_private_dir(dir)?;
        let file = open_lock_file(lock_path)?;
        let deadline = Instant::now().checked_add(timeout);
        loop {
            match file.try_lock() {
                Ok(()) => return Ok(StoreLock { file }),
                Err(TryLockError::WouldBlock) => {}
                Err(TryLockError::Error(e)) => {
                    return Err(StoreError::io(IoOp::Lock, lock_path, e));
                }
            }
            let wait = match deadline {
                Some(deadline) => {
                    let left = deadline.saturating_duration_since(Instant::now());
                    if left.is_zero() {
                        return Err(StoreError::Locked {
                            path: state_path.to_path_buf(),
                        });
                    }
                    left.min(POLL_INTERVAL)
                }
                None => POLL_INTERVAL,
            };
            thread::sleep(wait);
        }
    }
}

impl Drop for StoreLock {
    fn drop(&mut self) {
        // Closing the file releases the lock too; unlocking first just makes it prompt.
        if let Err(e) = self.file.unlock() {
            tracing::debug!(error = %e, "could not unlock the state lock; closing it instead");
        }
    }
}

fn open_lock_file(lock_path: &Path) -> Result<File, StoreError> {
    let mut options = OpenOptions::new();
    options.read(true).write(true).create(true).truncate(false);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(atomic::FILE_MODE);
    }
    let file = options
        .open(lock_path)
        .map_err(|e| StoreError::io(IoOp::OpenLock, lock_path, e))?;
    #[cfg(unix)]
    atomic::set_mode(lock_path, atomic::FILE_MODE)?;
    Ok(file)
}
