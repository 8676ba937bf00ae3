//! Terminals that never answered the graphics query, remembered for their session: the next start there does not ask again.
//!
//! A plain pty, a serial console or a multiplexer that swallows the query
//! answers nothing, and asking costs the whole wait each time instatui
//! starts. Once one stayed silent, its session (the session id, the tty and
//! `$TERM`) is written down in the runtime dir (`$XDG_RUNTIME_DIR`, emptied
//! at logout; else the temp dir), and the next start in the same session
//! draws pictures as half-blocks at once. A new terminal window or login is
//! a new session and is asked again.

use std::path::PathBuf;

/// Sessions kept: older lines go, so the file stays a few kilobytes.
const KEPT: usize = 64;

/// Where this session's silence is (or would be) written down.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Silence {
    file: PathBuf,
    key: String,
}

impl Silence {
    /// This process's terminal session, if it has one.
    pub(crate) fn here() -> Option<Silence> {
        let dir = std::env::var_os("XDG_RUNTIME_DIR")
            .map(PathBuf::from)
            .filter(|d| d.is_absolute())
            .unwrap_or_else(std::env::temp_dir);
        let key = session_key(&std::env::var("TERM").unwrap_or_default())?;
        Some(Silence::at(
            dir.join(format!("instatui-{}-silent", sys::uid())),
            key,
        ))
    }

    pub(crate) fn at(file: PathBuf, key: String) -> Silence {
        Silence { file, key }
    }

    /// This session's terminal stayed silent before.
    pub(crate) fn known(&self) -> bool {
        std::fs::read_to_string(&self.file)
            .map(|text| text.lines().any(|l| l == self.key))
            .unwrap_or(false)
    }

    /// Writes this session down as silent (best effort: failing costs the
    /// next start one more wait, nothing else).
    pub(crate) fn remember(&self) {
        let old = std::fs::read_to_string(&self.file).unwrap_or_default();
        let mut lines: Vec<&str> = old.lines().filter(|l| *l != self.key).collect();
        lines.push(&self.key);
        let keep = &lines[lines.len().saturating_sub(KEPT)..];
        let text = keep.join("\n") + "\n";
        let how = crate::atomic::Replace {
            temp_prefix: crate::atomic::CACHE_TEMP.prefix,
            temp_suffix: crate::atomic::CACHE_TEMP.suffix,
            mode: 0o600,
            durable: false,
            owner: None,
        };
        if let Err(e) = crate::atomic::replace(&self.file, text.as_bytes(), how) {
            tracing::debug!("could not note the silent terminal: {e:?}");
        }
    }
}

/// `sid:tty:TERM`, or `None` without a controlling terminal.
fn session_key(term: &str) -> Option<String> {
    let (sid, tty) = sys::session()?;
    // $TERM comes from the environment: only its plain characters count.
    let term: String = term
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || "-_.+".contains(*c))
        .take(64)
        .collect();
    Some(format!("{sid}:{tty}:{term}"))
}

#[cfg(unix)]
mod sys {
    pub(super) fn uid() -> u32 {
        // SAFETY: getuid cannot fail and touches no memory.
        unsafe { libc::getuid() }
    }

    /// The session id and the controlling terminal's device number.
    pub(super) fn session() -> Option<(i32, u64)> {
        use std::os::unix::fs::MetadataExt;
        // SAFETY: getsid(0) asks about this process only.
        let sid = unsafe { libc::getsid(0) };
        let tty = std::fs::metadata("/dev/stdin")
            .ok()
            .filter(|m| m.rdev() != 0)
            .or_else(|| std::fs::metadata("/dev/tty").ok())?;
        (sid > 0).then(|| (sid, tty.rdev()))
    }
}

#[cfg(not(unix))]
mod sys {
    pub(super) fn uid() -> u32 {
        0
    }
    pub(super) fn session() -> Option<(i32, u64)> {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_silent_session_is_known_until_the_runtime_dir_is_emptied() {
        let dir = tempfile::tempdir().expect("tempdir");
        let file = dir.path().join("silent");
        let here = Silence::at(file.clone(), "41:34816:xterm".into());
        let other = Silence::at(file.clone(), "42:34817:xterm".into());
        assert!(!here.known());
        here.remember();
        here.remember();
        assert!(here.known());
        assert!(!other.known(), "another session is asked");
        let text = std::fs::read_to_string(&file).expect("file");
        assert_eq!(text.lines().count(), 1, "{text}");
        for n in 0..100 {
            Silence::at(file.clone(), format!("{n}:1:xterm")).remember();
        }
        assert!(!here.known(), "the oldest sessions go");
        assert_eq!(
            std::fs::read_to_string(&file)
                .expect("file")
                .lines()
                .count(),
            KEPT
        );
    }
}
