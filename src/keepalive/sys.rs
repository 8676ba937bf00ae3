//! Running the schedulers' own tools (`systemctl`, `crontab`, `launchctl`) from PATH, and writing their files.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// What a tool printed and how it ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Ran {
    pub ok: bool,
    pub(crate) stdout: String,
    pub(crate) stderr: String,
}

impl Ran {
    /// The tool's own first line of complaint, for messages.
    pub(super) fn complaint(&self) -> String {
        let text = if self.stderr.trim().is_empty() {
            &self.stdout
        } else {
            &self.stderr
        };
        let line = text.lines().find(|l| !l.trim().is_empty()).unwrap_or("");
        crate::text::fit(line.trim(), 200)
    }
}

/// The program's path when it is on PATH and executable.
pub(super) fn find(program: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|dir| dir.join(program))
        .find(|candidate| is_executable(candidate))
}

fn is_executable(path: &Path) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::metadata(path).is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
    }
    #[cfg(not(unix))]
    {
        path.is_file()
    }
}

/// Runs `program args…`, feeding `stdin` when given; `Err` only when it
/// could not be started at all.
pub(super) fn run(program: &str, args: &[&str], stdin: Option<&str>) -> Result<Ran, String> {
    let mut command = Command::new(program);
    command
        .args(args)
        .stdin(if stdin.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = command
        .spawn()
        .map_err(|e| format!("could not run {program}: {e}"))?;
    if let (Some(text), Some(mut pipe)) = (stdin, child.stdin.take()) {
        // A tool that exits early closes the pipe; its exit status says why.
        let _ = pipe.write_all(text.as_bytes());
    }
    let output = child
        .wait_with_output()
        .map_err(|e| format!("could not run {program}: {e}"))?;
    Ok(Ran {
        ok: output.status.success(),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    })
}

/// Writes a small file through a temporary one, so that a scheduler never
/// reads half of it.
pub(super) fn write_file(path: &Path, text: &str) -> Result<(), String> {
    let dir = path.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir).map_err(|e| format!("could not create {}: {e}", dir.display()))?;
    let fail = |e: std::io::Error| format!("could not write {}: {e}", path.display());
    let how = crate::atomic::Replace {
        temp_prefix: ".instatui-",
        temp_suffix: "",
        // Scheduler files are read by the user's service manager only.
        mode: 0o644,
        durable: true,
        owner: None,
    };
    crate::atomic::replace(path, text.as_bytes(), how).map_err(|e| fail(e.into()))
}

/// Removes a file; one already gone is fine.
pub(super) fn remove_file(path: &Path) -> Result<bool, String> {
    match std::fs::remove_file(path) {
        Ok(()) => Ok(true),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(false),
        Err(e) => Err(format!("could not remove {}: {e}", path.display())),
    }
}

/// `$HOME`, for the per-user folders the schedulers read.
pub(super) fn home() -> Option<PathBuf> {
    std::env::var_os("HOME")
        .filter(|h| !h.is_empty())
        .map(PathBuf::from)
}
