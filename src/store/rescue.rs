//! A new token whose save failed is never thrown away: it is written to a file of its own, and the user is told how to store it.

use super::{Store, StoredToken, dirs};
use std::io::Write;
use std::path::{Path, PathBuf};

/// Writes `token` alone to a new private file (0600, created exclusively,
/// never through a link): next to state.json, else in the data dir, else in
/// the temp dir. Returns where it went, or why it could go nowhere.
pub(crate) fn keep_unsaved_token(store: &Store, token: &StoredToken) -> Result<PathBuf, String> {
    let name = format!(
        "instatui-unsaved-token-{}-{}.txt",
        crate::clock::now().unix_timestamp(),
        std::process::id()
    );
    let mut failed = String::new();
    for dir in [
        store.dir().to_path_buf(),
        dirs::data_dir(store),
        std::env::temp_dir(),
    ] {
        let path = dir.join(&name);
        match write_new_private(&path, token.value.expose()) {
            Ok(()) => return Ok(path),
            Err(e) => failed = format!("could not write {}: {e}", path.display()),
        }
    }
    Err(failed)
}

fn write_new_private(path: &Path, value: &str) -> std::io::Result<()> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600).custom_flags(libc::O_NOFOLLOW);
    }
    let mut file = options.open(path)?;
    let written = file
        .write_all(format!("{value}\n").as_bytes())
        .and_then(|()| file.sync_all());
    if written.is_err() {
        let _ = std::fs::remove_file(path);
    }
    written
}

/// The one line for a token that could not be saved: what happened, where
/// the token is kept and how to store it, or, when it could be kept
/// nowhere, `otherwise` (what to do to get one again). Never the token.
pub(crate) fn unsaved_token_message(
    store: &Store,
    token: &StoredToken,
    what: &str,
    error: &dyn std::fmt::Display,
    otherwise: &str,
) -> String {
    match keep_unsaved_token(store, token) {
        Ok(path) => format!(
            "the {what} token could not be saved ({error}); it is kept in {path} (readable by you only): \
             once that is fixed, store it with 'instatui login --with-token < {path}', then delete that file",
            path = path.display()
        ),
        Err(kept) => format!(
            "the {what} token could not be saved ({error}), nor kept in a file ({kept}): {otherwise}"
        ),
    }
}
