//! Moving an unreadable `state.json` aside, byte for byte, so that it is never overwritten.

use super::atomic;
use super::error::{IoOp, StoreError};
use std::ffi::OsString;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use time::OffsetDateTime;
use time::macros::format_description;

const MAX_COPIES: u32 = 1000;

/// Renames `path` to `<name>.corrupt-<20261128T162233Z>` in `dir`, adding
/// `-2`, `-3`, … when that exists. The caller holds the store lock, so no
/// other instatui races for the name.
pub(crate) fn move_aside(
    dir: &Path,
    path: &Path,
    now: OffsetDateTime,
) -> Result<PathBuf, StoreError> {
    let now = now.to_offset(time::UtcOffset::UTC);
    let stamp = now
        .format(format_description!(
            "[year][month][day]T[hour][minute][second]Z"
        ))
        .unwrap_or_else(|_| now.unix_timestamp().to_string());
    let name = path
        .file_name()
        .map(OsString::from)
        .unwrap_or_else(|| OsString::from("state.json"));
    for n in 1..=MAX_COPIES {
        let mut candidate = name.clone();
        candidate.push(format!(".corrupt-{stamp}"));
        if n > 1 {
            candidate.push(format!("-{n}"));
        }
        let dest = dir.join(candidate);
        match fs::symlink_metadata(&dest) {
            Err(e) if e.kind() == io::ErrorKind::NotFound => {
                fs::rename(path, &dest).map_err(|e| StoreError::io(IoOp::MoveAside, path, e))?;
                atomic::sync_dir(dir)?;
                return Ok(dest);
            }
            _ => continue,
        }
    }
    Err(StoreError::io(
        IoOp::MoveAside,
        path,
        io::Error::new(
            io::ErrorKind::AlreadyExists,
            "too many earlier copies; delete old state.json.corrupt-* files",
        ),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    #[test]
    fn names_carry_a_utc_stamp_and_a_counter() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("state.json");
        let now = datetime!(2026-11-28 17:22:33 +01:00);

        fs::write(&path, b"one").unwrap();
        let first = move_aside(dir.path(), &path, now).unwrap();
        assert_eq!(
            first,
            dir.path().join("state.json.corrupt-20261128T162233Z")
        );

        fs::write(&path, b"two").unwrap();
        let second = move_aside(dir.path(), &path, now).unwrap();
        assert_eq!(
            second,
            dir.path().join("state.json.corrupt-20261128T162233Z-2")
        );

        assert_eq!(fs::read(&first).unwrap(), b"one");
        assert_eq!(fs::read(&second).unwrap(), b"two");
        assert!(!path.exists());
    }
}
