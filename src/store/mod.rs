//! The persisted state store: versioned `state.json` with atomic saves, private permissions and a single-writer lock.
//!
//! Shared by the TUI and every subcommand. Reading needs no lock, since
//! writes replace the file atomically; every write, and every move of an
//! unreadable file aside, happens under `state.lock`. Lock waits block the
//! thread (up to the timeout), so async callers use `spawn_blocking`.

mod aside;
mod atomic;
mod decode;
mod dirs;
mod error;
mod file;
mod identity;
mod lock;
pub(crate) mod merge;
mod migrate;
mod rescue;
pub(crate) mod schema;
mod strays;
#[cfg(test)]
mod tests;
mod transitions;

// The folders `fake-server` points its instatui at (the `demo` feature only).
pub use atomic::SharedDir;
pub(crate) use dirs::default_config_dir;
#[cfg(feature = "demo")]
pub(crate) use dirs::{CACHE_DIR_ENV, CONFIG_DIR_ENV, DATA_DIR_ENV};
pub use dirs::{cache_dir, data_dir};
pub use error::{IoOp, StoreError};
pub(crate) use lock::StoreLock;
pub(crate) use rescue::unsaved_token_message;
pub use schema::*;
pub use strays::remove_stray_files;
pub(crate) use transitions::{AppChange, Removed};

use std::io;
use std::path::{Path, PathBuf};
use std::time::Duration;
use time::OffsetDateTime;

/// The state file's name inside the config directory.
pub(crate) const STATE_FILE: &str = "state.json";
const LOCK_FILE: &str = "state.lock";
/// How long `save` and `update` wait for another process's write.
pub(crate) const DEFAULT_LOCK_TIMEOUT: Duration = Duration::from_secs(5);

/// The state file in one config directory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Store {
    dir: PathBuf,
    lock_timeout: Duration,
}

/// The result of [`Store::peek`].
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Peek {
    Missing,
    Readable(Box<State>),
    /// Corrupt, newer, or not readable at all right now.
    Unreadable,
}

/// The result of [`Store::load`].
#[derive(Debug, Clone, PartialEq)]
pub struct Loaded {
    pub state: State,
    /// A one-line message for the user, set when an unreadable file was moved aside.
    pub notice: Option<String>,
}

impl Loaded {
    fn fresh() -> Loaded {
        Loaded {
            state: State::default(),
            notice: None,
        }
    }
}

impl Store {
    /// A store in `dir`. Nothing is created until the first write.
    pub fn at(dir: impl Into<PathBuf>) -> Store {
        Store {
            dir: dir.into(),
            lock_timeout: DEFAULT_LOCK_TIMEOUT,
        }
    }

    /// `--config-dir` flag, else `INSTATUI_CONFIG_DIR`, else the platform
    /// config directory (which honours `XDG_CONFIG_HOME`).
    /// An existing directory that is shared (another user's, world-writable
    /// or sticky) is refused here, before anything is read from it.
    pub fn locate(config_dir_flag: Option<PathBuf>) -> Result<Store, StoreError> {
        let dir = dirs::locate_config_dir(config_dir_flag)?;
        atomic::check_dir(&dir)?;
        Ok(Store::at(dir))
    }

    pub(crate) fn dir(&self) -> &Path {
        &self.dir
    }

    /// `<dir>/state.json`.
    pub fn path(&self) -> PathBuf {
        self.dir.join(STATE_FILE)
    }

    fn lock_path(&self) -> PathBuf {
        self.dir.join(LOCK_FILE)
    }

    /// How long writes wait for another process's lock (default 5 s).
    pub fn with_lock_timeout(mut self, timeout: Duration) -> Store {
        self.lock_timeout = timeout;
        self
    }

    /// Takes the single-writer lock, waiting up to the lock timeout.
    pub(crate) fn lock(&self) -> Result<StoreLock, StoreError> {
        StoreLock::acquire(
            &self.dir,
            &self.lock_path(),
            &self.path(),
            self.lock_timeout,
        )
    }

    /// Reads and migrates the state. A missing file is `State::default()`.
    /// An unreadable or newer file is moved aside (under the lock) and
    /// `State::default()` comes back with a notice saying where it went.
    pub fn load(&self) -> Result<Loaded, StoreError> {
        match read(&self.path())? {
            None => Ok(Loaded::fresh()),
            Some(bytes) => match decode::decode_repaired(&bytes) {
                Ok((state, notice)) => Ok(Loaded { state, notice }),
                Err(_) => {
                    let lock = self.lock()?;
                    self.load_locked(&lock)
                }
            },
        }
    }

    /// Reads without side effects: unlike `load`, an unreadable file is
    /// reported, not moved aside. For watching the file for other writers.
    pub(crate) fn peek(&self) -> Peek {
        match read(&self.path()) {
            Ok(None) => Peek::Missing,
            Ok(Some(bytes)) => match decode::decode(&bytes) {
                Ok(state) => Peek::Readable(Box::new(state)),
                Err(_) => Peek::Unreadable,
            },
            Err(_) => Peek::Unreadable,
        }
    }

    /// Writes `state` atomically under the lock. Should the file on disk be
    /// unreadable or newer, it is moved aside first rather than overwritten.
    pub fn save(&self, state: &State) -> Result<(), StoreError> {
        let lock = self.lock()?;
        self.load_locked(&lock)?;
        let mut state = state.clone();
        self.write_locked(&lock, &mut state)
    }

    /// Lock → load → `f(&mut state)` → save (only if `f` returned `Ok`) →
    /// unlock. Returns `f`'s value and the state as saved. A notice from the
    /// load (a file moved aside) is logged, not returned.
    pub fn update<T, E: From<StoreError>>(
        &self,
        f: impl FnOnce(&mut State) -> Result<T, E>,
    ) -> Result<(T, State), E> {
        let lock = self.lock()?;
        let Loaded { mut state, .. } = self.load_locked(&lock)?;
        let value = f(&mut state)?;
        self.write_locked(&lock, &mut state)?;
        Ok((value, state))
    }

    /// `load` for a caller holding the lock: re-reads, since another process
    /// may have replaced the file meanwhile, and moves an unreadable one aside.
    fn load_locked(&self, _lock: &StoreLock) -> Result<Loaded, StoreError> {
        let path = self.path();
        let Some(bytes) = read(&path)? else {
            return Ok(Loaded::fresh());
        };
        match decode::decode_repaired(&bytes) {
            Ok((state, notice)) => Ok(Loaded { state, notice }),
            Err(problem) => {
                let moved_to = aside::move_aside(&self.dir, &path, OffsetDateTime::now_utc())?;
                let notice = problem.notice(STATE_FILE, &moved_to);
                tracing::warn!("{notice}");
                Ok(Loaded {
                    state: State::default(),
                    notice: Some(notice),
                })
            }
        }
    }

    /// Writes a private file of its own beside `state.json` (`watch.json`),
    /// atomically, under the lock the caller holds.
    pub(crate) fn write_side_file(
        &self,
        _lock: &StoreLock,
        name: &str,
        bytes: &[u8],
    ) -> Result<(), StoreError> {
        atomic::write_private_file(&self.dir, &self.dir.join(name), bytes)
    }

    /// Stamps the current version, puts times in UTC and writes atomically.
    fn write_locked(&self, _lock: &StoreLock, state: &mut State) -> Result<(), StoreError> {
        let path = self.path();
        state.version = STATE_VERSION;
        state.normalize_to_utc();
        let mut bytes = serde_json::to_vec_pretty(state).map_err(|e| StoreError::Encode {
            path: path.clone(),
            reason: e.to_string(),
        })?;
        bytes.push(b'\n');
        atomic::write_private_file(&self.dir, &path, &bytes)
    }
}

/// The file's bytes, or `None` when it does not exist.
fn read(path: &Path) -> Result<Option<Vec<u8>>, StoreError> {
    match std::fs::read(path) {
        Ok(bytes) => Ok(Some(bytes)),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(StoreError::io(IoOp::Read, path, e)),
    }
}
