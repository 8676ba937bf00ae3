//! The dotenv handoff: one `VAR=token` line kept up to date, every other byte left alone, written atomically.

use std::path::{Path, PathBuf};

/// `[A-Za-z_][A-Za-z0-9_]*`: what shells and dotenv loaders accept.
pub(crate) fn valid_var(name: &str) -> bool {
    let mut chars = name.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// If `line` assigns `var`, the bytes before the value (`  export VAR=`)
/// and the quote the value was written in.
fn assignment<'a>(line: &'a [u8], var: &str) -> Option<(&'a [u8], Option<u8>)> {
    let indent = line
        .iter()
        .take_while(|b| **b == b' ' || **b == b'\t')
        .count();
    let mut rest = &line[indent..];
    if let Some(after) = rest.strip_prefix(b"export")
        && after.first().is_some_and(|b| *b == b' ' || *b == b'\t')
    {
        rest = after.trim_ascii_start();
    }
    let rest = rest.strip_prefix(var.as_bytes())?;
    let spaces = rest.iter().take_while(|b| **b == b' ').count();
    let rest = rest[spaces..].strip_prefix(b"=")?;
    let rest = rest.trim_ascii_start();
    let prefix_len = line.len() - rest.len();
    let quote = rest.first().copied().filter(|b| *b == b'"' || *b == b'\'');
    Some((&line[..prefix_len], quote))
}

/// Characters no POSIX shell acts on, unquoted or inside either quote
/// (`~` is left out: it expands after `=`).
fn inert(value: &str) -> bool {
    value
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || b"._-+/=:@%,".contains(&b))
}

/// How `value` is written so that `set -a; . ./.env` reads it back as is
/// and runs nothing: as it stands in the quote the line had when every
/// character is inert, otherwise in single quotes (where a shell acts on
/// nothing but the closing quote). A value with a single quote or a
/// control character is refused: no quoting carries it safely to every
/// dotenv reader. Independent of the token's own shape check (defence in
/// depth: the value may come from a hand-edited `state.json`).
fn quoted(value: &str, quote: Option<u8>) -> Result<Option<u8>, String> {
    if value.is_empty() || value.chars().any(|c| c.is_control()) {
        return Err(
            "the token is empty or holds control characters, which a .env line cannot carry: nothing was written"
                .into(),
        );
    }
    if inert(value) {
        return Ok(quote);
    }
    if value.contains('\'') || !value.is_ascii() {
        return Err(
            "the token holds characters a shell would act on and no quoting carries safely: nothing was written"
                .into(),
        );
    }
    Ok(Some(b'\''))
}

/// `current` with every assignment of `var` set to `value`, or one added
/// at the end; every other line byte for byte. An error when `value`
/// cannot be written safely (see `quoted`).
pub(crate) fn updated(current: &[u8], var: &str, value: &str) -> Result<Vec<u8>, String> {
    quoted(value, None)?;
    let mut out = Vec::with_capacity(current.len() + value.len() + var.len() + 2);
    let mut found = false;
    let crlf = current.windows(2).any(|w| w == b"\r\n");
    for line in current.split_inclusive(|b| *b == b'\n') {
        let body_len = line.len()
            - if line.ends_with(b"\r\n") {
                2
            } else if line.ends_with(b"\n") {
                1
            } else {
                0
            };
        let (body, ending) = line.split_at(body_len);
        match assignment(body, var) {
            Some((prefix, quote)) => {
                found = true;
                let quote = quoted(value, quote)?;
                out.extend_from_slice(prefix);
                if let Some(q) = quote {
                    out.push(q);
                }
                out.extend_from_slice(value.as_bytes());
                if let Some(q) = quote {
                    out.push(q);
                }
                out.extend_from_slice(ending);
            }
            None => out.extend_from_slice(line),
        }
    }
    if !found {
        let newline: &[u8] = if crlf { b"\r\n" } else { b"\n" };
        if !out.is_empty() && !out.ends_with(b"\n") {
            out.extend_from_slice(newline);
        }
        out.extend_from_slice(var.as_bytes());
        out.push(b'=');
        let quote = quoted(value, None)?;
        if let Some(q) = quote {
            out.push(q);
        }
        out.extend_from_slice(value.as_bytes());
        if let Some(q) = quote {
            out.push(q);
        }
        out.extend_from_slice(newline);
    }
    Ok(out)
}

/// What a file that is not a regular one is, in words; `None` for a
/// regular file (or a link to one).
fn not_a_file(meta: &std::fs::Metadata) -> Option<&'static str> {
    let kind = meta.file_type();
    if kind.is_file() {
        return None;
    }
    if kind.is_dir() {
        return Some("a folder");
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if kind.is_fifo() {
            return Some("a named pipe (FIFO)");
        }
        if kind.is_socket() {
            return Some("a socket");
        }
        if kind.is_char_device() || kind.is_block_device() {
            return Some("a device");
        }
    }
    Some("not a regular file")
}

/// The sentence for a target that is not a regular file.
fn refused_kind(path: &Path, what: &str) -> String {
    format!(
        "{} is {what}, not a regular file: a .env handoff writes only regular files (or links to one), so remove it or give the path of a .env file",
        path.display(),
    )
}

/// Why the file cannot be written there, in one sentence with what to do;
/// `None` when its folder exists and takes new files, and the path is a
/// regular file (or a link to one) or nothing yet. Asking never blocks:
/// `stat` on a FIFO or a device does not open it.
pub(crate) fn check_folder(path: &Path) -> Option<String> {
    if path.is_dir() {
        return Some(format!(
            "{} is a folder: give the path of a file in it, like {}",
            path.display(),
            path.join(".env").display()
        ));
    }
    if let Ok(meta) = std::fs::metadata(path)
        && let Some(what) = not_a_file(&meta)
    {
        return Some(refused_kind(path, what));
    }
    let dir = path.parent().unwrap_or(Path::new("/"));
    if !dir.is_dir() {
        return Some(format!(
            "the folder {} does not exist: create it, or give a path in an existing folder",
            dir.display()
        ));
    }
    match tempfile::tempfile_in(dir) {
        Ok(_) => None,
        Err(e) => Some(format!(
            "cannot create files in {} ({e}): make the folder writable for this user, or give a path in another folder",
            dir.display()
        )),
    }
}

/// The file a write lands in: a symlink's target, so the link stays a link.
fn target(path: &Path) -> PathBuf {
    std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf())
}

/// The file's bytes and what `fstat` says of it; `None` when there is no
/// file. Opened without blocking (`O_NONBLOCK`: opening a FIFO or a
/// device would otherwise wait for the other end), and its type checked on
/// what was opened, so a FIFO swapped in after any earlier check is refused
/// too, never read.
fn read_regular(path: &Path) -> Result<Option<(Vec<u8>, std::fs::Metadata)>, String> {
    use std::io::Read;
    let mut options = std::fs::File::options();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(libc::O_NONBLOCK | libc::O_NOCTTY);
    }
    let mut file = match options.open(path) {
        Ok(file) => file,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => {
            return Err(format!(
                "cannot read {} ({e}): make it readable for this user",
                path.display()
            ));
        }
    };
    let meta = file.metadata().map_err(|e| {
        format!(
            "cannot read {} ({e}): make it readable for this user",
            path.display()
        )
    })?;
    if let Some(what) = not_a_file(&meta) {
        return Err(format!("{}; nothing was written", refused_kind(path, what)));
    }
    let mut bytes = Vec::new();
    file.read_to_end(&mut bytes).map_err(|e| {
        format!(
            "cannot read {} ({e}): make it readable for this user",
            path.display()
        )
    })?;
    Ok(Some((bytes, meta)))
}

/// Sets `var` to `value` in the file at `path`: through a temporary file in
/// the same folder and a rename, so a reader never sees half a file. A new
/// file is 0600; an existing one keeps its permissions.
pub(crate) fn write(path: &Path, var: &str, value: &str) -> Result<(), String> {
    quoted(value, None)?;
    let path = target(path);
    if let Some(problem) = check_folder(&path) {
        return Err(format!("{problem}; nothing was written"));
    }
    let (current, mode, owner) = match read_regular(&path)? {
        Some((bytes, meta)) => {
            #[cfg(unix)]
            let (mode, owner) = {
                use std::os::unix::fs::{MetadataExt, PermissionsExt};
                (
                    meta.permissions().mode() & 0o7777,
                    Some((meta.uid(), meta.gid())),
                )
            };
            #[cfg(not(unix))]
            let (mode, owner) = {
                let _ = meta;
                (0o600, None)
            };
            (bytes, mode, owner)
        }
        None => (Vec::new(), 0o600, None),
    };
    let bytes = updated(&current, var, value)?;
    let fail = |e: std::io::Error| {
        format!(
            "cannot write {} ({e}): make the folder writable for this user, or give a path in another folder",
            path.display()
        )
    };
    // A temporary file left by a handoff that was killed holds a token:
    // gone before the next one is written.
    if let Some(dir) = path.parent() {
        crate::atomic::remove_strays(
            dir,
            crate::atomic::DOTENV_TEMP,
            Some(crate::atomic::STRAY_AFTER),
        );
    }
    let how = crate::atomic::Replace {
        temp_prefix: crate::atomic::DOTENV_TEMP.prefix,
        temp_suffix: crate::atomic::DOTENV_TEMP.suffix,
        mode,
        durable: true,
        owner,
    };
    match crate::atomic::replace(&path, &bytes, how) {
        // The new line is in place; only its durability is in doubt.
        Ok(()) | Err(crate::atomic::Failed::SyncDir(_)) => Ok(()),
        Err(crate::atomic::Failed::SetOwner(e)) => Err(owner_refused(&path, owner, &e)),
        Err(e) => Err(fail(e.into())),
    }
}

/// The sentence for a file whose owner or group this process may not give
/// the rewritten file: refused rather than handed to this user.
fn owner_refused(path: &Path, owner: Option<(u32, u32)>, e: &std::io::Error) -> String {
    let (uid, gid) = owner.unwrap_or_default();
    #[cfg(unix)]
    // SAFETY: geteuid has no preconditions and cannot fail.
    let me = unsafe { libc::geteuid() };
    #[cfg(not(unix))]
    let me = 0;
    format!(
        "{} belongs to user {uid} and group {gid}, and instatui (running as user {me}) may not give the rewritten file to them ({e}), so nothing was written: run the handoff as that user, or make the file this user's (chown), then 'instatui handoff run'",
        path.display()
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_temporary_file_left_by_a_killed_handoff_goes_with_the_next_one() {
        let dir = tempfile::tempdir().unwrap();
        let stray = dir.path().join(".instatui-Ab12Cd.tmp");
        std::fs::write(&stray, b"INSTAGRAM_ACCESS_TOKEN=IGAAold\n").unwrap();
        let then = std::time::SystemTime::now() - 2 * crate::atomic::STRAY_AFTER;
        std::fs::File::options()
            .write(true)
            .open(&stray)
            .and_then(|f| f.set_modified(then))
            .unwrap();
        write(
            &dir.path().join(".env"),
            "INSTAGRAM_ACCESS_TOKEN",
            "IGAAnew",
        )
        .unwrap();
        assert!(!stray.exists(), "it held a token");
        let names: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .flatten()
            .map(|e| e.file_name())
            .collect();
        assert_eq!(names, [".env"]);
    }

    #[test]
    fn only_the_one_line_changes() {
        let before = b"# site settings\r\nexport INSTAGRAM_ACCESS_TOKEN=\"old\"\r\nOTHER=x # keep\r\n\xff raw bytes\r\nINSTAGRAM_ACCESS_TOKEN_2=keep\r\n";
        let after = updated(before, "INSTAGRAM_ACCESS_TOKEN", "IGAAnew").unwrap();
        assert_eq!(
            after,
            b"# site settings\r\nexport INSTAGRAM_ACCESS_TOKEN=\"IGAAnew\"\r\nOTHER=x # keep\r\n\xff raw bytes\r\nINSTAGRAM_ACCESS_TOKEN_2=keep\r\n"
        );
    }

    #[test]
    fn a_missing_line_is_added_at_the_end() {
        let updated = |c: &[u8], var, value| updated(c, var, value).unwrap();
        assert_eq!(updated(b"", "T", "v"), b"T=v\n");
        assert_eq!(updated(b"A=1", "T", "v"), b"A=1\nT=v\n");
        assert_eq!(updated(b"A=1\r\n", "T", "v"), b"A=1\r\nT=v\r\n");
        assert_eq!(updated(b"  T = 'x'\n", "T", "v"), b"  T = 'v'\n");
    }

    /// `sh -c 'set -a; . ./.env; printf %s "$T"'` on what the writer wrote.
    #[cfg(unix)]
    fn sourced(dotenv: &[u8]) -> (String, bool) {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join(".env"), dotenv).unwrap();
        let out = std::process::Command::new("sh")
            .arg("-c")
            .arg("set -a; . ./.env; printf %s \"$T\"")
            .current_dir(dir.path())
            .output()
            .unwrap();
        let ran = dir.path().join("PWNED").exists();
        (String::from_utf8_lossy(&out.stdout).into_owned(), ran)
    }

    #[cfg(unix)]
    #[test]
    fn a_value_a_shell_would_act_on_is_quoted_or_refused_never_run() {
        for before in [&b""[..], b"T=old\n", b"export T=\"old\"\n", b"T='old'\n"] {
            for value in [
                "IGAA;id>PWNED",
                "IGAA|tee PWNED",
                "IGAA&&touch PWNED",
                "IGAA$(touch PWNED)",
                "IGAA`touch PWNED`",
                "IGAA\\\"; touch PWNED; \"",
                "~root",
                "IGAA*",
                "IGAA>PWNED",
                "IGAA(x)",
            ] {
                let Ok(bytes) = updated(before, "T", value) else {
                    continue;
                };
                let (read, ran) = sourced(&bytes);
                assert!(
                    !ran,
                    "{value:?} in {before:?} ran: {:?}",
                    String::from_utf8_lossy(&bytes)
                );
                assert_eq!(read, value, "{:?}", String::from_utf8_lossy(&bytes));
            }
        }
        // Plain tokens are written as the line had them.
        assert_eq!(
            updated(b"T=old\n", "T", "IGAA.x_y-z").unwrap(),
            b"T=IGAA.x_y-z\n"
        );
        assert_eq!(updated(b"", "T", "IGAA;id").unwrap(), b"T='IGAA;id'\n");
    }

    #[test]
    fn control_characters_and_single_quotes_are_never_written() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(".env");
        std::fs::write(&path, b"T=old\n").unwrap();
        for value in [
            "IGAA\nX=1",
            "IGAA\r",
            "IGAA\u{1b}[2J",
            "IGAA\u{0}",
            "IGAA';id;'",
            "IGAA\u{85}",
            "",
        ] {
            let err = write(&path, "T", value).unwrap_err();
            assert!(err.contains("nothing was written"), "{err}");
            assert!(updated(b"", "T", value).is_err(), "{value:?}");
        }
        assert_eq!(std::fs::read(&path).unwrap(), b"T=old\n");
    }

    #[test]
    fn names() {
        assert!(valid_var("INSTAGRAM_ACCESS_TOKEN"));
        assert!(valid_var("_x1"));
        assert!(!valid_var("1X"));
        assert!(!valid_var("A-B"));
        assert!(!valid_var(""));
    }

    #[cfg(unix)]
    #[test]
    fn a_new_file_is_private_an_existing_one_keeps_its_mode_and_links_stay_links() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let new = dir.path().join(".env");
        write(&new, "T", "one").unwrap();
        assert_eq!(std::fs::read(&new).unwrap(), b"T=one\n");
        let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(&new), 0o600);
        std::fs::set_permissions(&new, std::fs::Permissions::from_mode(0o640)).unwrap();
        let link = dir.path().join("link.env");
        std::os::unix::fs::symlink(&new, &link).unwrap();
        write(&link, "T", "two").unwrap();
        assert!(
            std::fs::symlink_metadata(&link)
                .unwrap()
                .file_type()
                .is_symlink()
        );
        assert_eq!(std::fs::read(&new).unwrap(), b"T=two\n");
        assert_eq!(mode(&new), 0o640);
        let names: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
        assert_eq!(names.len(), 2, "no temporary file left");
    }

    #[cfg(unix)]
    #[test]
    fn a_fifo_a_device_or_a_socket_is_refused_without_blocking() {
        let dir = tempfile::tempdir().unwrap();
        let fifo = dir.path().join(".env");
        let c = std::ffi::CString::new(fifo.to_str().unwrap()).unwrap();
        // SAFETY: a valid NUL-terminated path.
        assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
        let socket = dir.path().join("sock.env");
        let _listener = std::os::unix::net::UnixListener::bind(&socket).unwrap();
        let link = dir.path().join("link.env");
        std::os::unix::fs::symlink(&fifo, &link).unwrap();
        for (path, what) in [
            (fifo.as_path(), "a named pipe (FIFO)"),
            (link.as_path(), "a named pipe (FIFO)"),
            (socket.as_path(), "a socket"),
            (Path::new("/dev/null"), "a device"),
        ] {
            let err = write(path, "T", "IGAAnew").unwrap_err();
            assert!(
                err.contains(&format!("is {what}, not a regular file")),
                "{err}"
            );
            assert!(err.contains("nothing was written"), "{err}");
            let added = check_folder(path).unwrap_or_default();
            assert!(added.contains("not a regular file"), "{added}");
        }
        // The FIFO is still a FIFO: not replaced by a file either.
        use std::os::unix::fs::FileTypeExt;
        assert!(std::fs::metadata(&fifo).unwrap().file_type().is_fifo());
        // The type is checked on what was opened, not only beforehand.
        let err = read_regular(&fifo).unwrap_err();
        assert!(err.contains("named pipe"), "{err}");
    }

    /// Set in the child process that runs the refusal test as `nobody`.
    #[cfg(unix)]
    const AS_NOBODY: &str = "INSTATUI_TEST_DOTENV_AS_NOBODY";
    #[cfg(unix)]
    const NOBODY: u32 = 65534;

    #[cfg(unix)]
    #[test]
    fn a_rewritten_file_keeps_its_owner_group_and_mode_or_is_refused() {
        use std::os::unix::fs::{MetadataExt, PermissionsExt};
        if let Some(path) = std::env::var_os(AS_NOBODY) {
            // The child, as `nobody`: the file is root's, which `nobody`
            // may not give a file to.
            let path = std::path::PathBuf::from(path);
            let err = write(&path, "T", "IGAAnew").unwrap_err();
            assert!(err.contains("belongs to user 0 and group 0"), "{err}");
            assert!(err.contains("nothing was written"), "{err}");
            return;
        }
        // SAFETY: geteuid has no preconditions.
        if unsafe { libc::geteuid() } != 0 {
            // Only root can set up another user's file; as anyone else the
            // owner kept is one's own, which the other tests cover.
            return;
        }
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(".env");
        std::fs::write(&path, b"T=old\n").unwrap();
        std::os::unix::fs::chown(&path, Some(NOBODY), Some(NOBODY)).unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o640)).unwrap();
        write(&path, "T", "IGAAnew").unwrap();
        let meta = std::fs::metadata(&path).unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"T=IGAAnew\n");
        assert_eq!(
            (meta.uid(), meta.gid(), meta.mode() & 0o7777),
            (NOBODY, NOBODY, 0o640),
            "was: root:root"
        );

        // Root's file in a folder `nobody` may write to, written by `nobody`.
        std::os::unix::fs::chown(&path, Some(0), Some(0)).unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
        std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o777)).unwrap();
        let name = module_path!()
            .split_once("::")
            .map_or("", |(_crate, rest)| rest)
            .to_string()
            + "::a_rewritten_file_keeps_its_owner_group_and_mode_or_is_refused";
        use std::os::unix::process::CommandExt;
        let child = std::process::Command::new(std::env::current_exe().unwrap())
            .args([name.as_str(), "--exact", "--test-threads=1"])
            .env(AS_NOBODY, &path)
            .uid(NOBODY)
            .gid(NOBODY)
            .output()
            .unwrap();
        let stdout = String::from_utf8_lossy(&child.stdout);
        if !child.status.success()
            && String::from_utf8_lossy(&child.stderr).contains("Permission denied")
        {
            // `nobody` may not run this test binary here (a private
            // target folder): nothing to learn.
            return;
        }
        assert!(
            child.status.success() && stdout.contains("1 passed"),
            "{:?}\n{stdout}\n{}",
            child.status,
            String::from_utf8_lossy(&child.stderr)
        );
        let meta = std::fs::metadata(&path).unwrap();
        assert_eq!((meta.uid(), meta.gid()), (0, 0), "never handed to nobody");
        assert_eq!(std::fs::read(&path).unwrap(), b"T=IGAAnew\n", "unchanged");
    }

    #[test]
    fn a_missing_folder_says_what_to_do() {
        let err = write(Path::new("/nonexistent-instatui/x/.env"), "T", "v").unwrap_err();
        assert!(err.contains("does not exist: create it"), "{err}");
    }
}
