//! Exit codes and the one-line errors subcommands end with.

use crate::instagram::{ApiError, ErrorKind};
use crate::sanitize;
use crate::store::StoreError;
use std::fmt;
use std::io::IsTerminal;
use std::io::Write;
use std::sync::atomic::{AtomicBool, Ordering};

/// `-q`: set once at start-up, read wherever a note or progress would show.
static QUIET: AtomicBool = AtomicBool::new(false);

pub fn set_quiet(quiet: bool) {
    QUIET.store(quiet, Ordering::Relaxed);
}

pub(super) fn quiet() -> bool {
    QUIET.load(Ordering::Relaxed)
}

/// Progress (spinners, bars) only for a person watching: stderr a terminal
/// and no `-q`.
pub(super) fn show_progress() -> bool {
    !quiet() && std::io::stderr().is_terminal()
}

/// Said once a token is in place: nothing refreshes it while instatui is closed.
pub(super) const KEEP_ALIVE_HINT: &str = "Keep it alive: 'instatui keep-alive install' sets up a timer that refreshes it; \
     'instatui keep-alive print' shows the cron line and systemd timer to set up yourself.";

/// A step note on stderr ("1/3 code exchanged…"); `-q` hides it.
/// The most read from stdin for a token or a secret: real ones are a few
/// hundred bytes, and `< /dev/zero` must not grow memory.
pub(super) const STDIN_LIMIT: u64 = 8 * 1024;

/// The first line on stdin that is not blank, reading at most
/// [`STDIN_LIMIT`] bytes; `Ok` of an empty string when stdin ended first.
/// More than that before such a line ends is a usage error naming `what`.
pub(super) fn first_line_of_stdin(what: &str) -> Result<String, CliError> {
    use std::io::{BufRead, Read};
    let mut reader = std::io::stdin().lock().take(STDIN_LIMIT);
    let mut used = 0_u64;
    let mut buf = Vec::new();
    loop {
        buf.clear();
        let n = reader
            .read_until(b'\n', &mut buf)
            .map_err(|e| CliError::failed(format!("could not read {what} from stdin: {e}")))?;
        if n == 0 {
            if used >= STDIN_LIMIT {
                break;
            }
            return Ok(String::new());
        }
        used += n as u64;
        if used >= STDIN_LIMIT && !buf.ends_with(b"\n") {
            break;
        }
        let line = String::from_utf8_lossy(&buf);
        if !line.trim().is_empty() {
            return Ok(line.into_owned());
        }
    }
    Err(CliError::usage(format!(
        "stdin held more than {} KiB without a line ending: that is not {what}; pipe only {what}, on one line",
        STDIN_LIMIT / 1024
    )))
}

/// All of stdin, up to `limit` bytes; more than that is a usage error
/// naming `what`, never a silently cut text (`< /dev/zero` stops at once).
pub(super) fn all_of_stdin(what: &str, limit: u64) -> Result<String, CliError> {
    read_at_most(std::io::stdin().lock(), what, limit)
}

fn read_at_most(reader: impl std::io::Read, what: &str, limit: u64) -> Result<String, CliError> {
    use std::io::Read as _;
    let mut bytes = Vec::new();
    reader
        .take(limit.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(|e| CliError::failed(format!("could not read {what} from stdin: {e}")))?;
    if bytes.len() as u64 > limit {
        return Err(CliError::usage(format!(
            "stdin held more than {} KiB: that is not {what}; pipe only {what}",
            limit / 1024
        )));
    }
    Ok(String::from_utf8_lossy(&bytes).into_owned())
}

pub(super) fn note(text: &str) {
    if !quiet() {
        eprintln!("{text}");
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exit {
    Failed = 1,
    Usage = 2,
    /// No credentials, no token, or a token that is expired or revoked.
    NeedsAuth = 3,
}

#[derive(Debug)]
pub struct CliError {
    pub exit: Exit,
    pub message: String,
}

impl Exit {
    pub fn code(self) -> u8 {
        self as u8
    }

    /// The name scripts read in `--json` error objects.
    pub(crate) fn name(self) -> &'static str {
        match self {
            Exit::Failed => "failed",
            Exit::Usage => "usage",
            Exit::NeedsAuth => "needs_auth",
        }
    }
}

impl CliError {
    /// What a `--json` command prints on stdout when it fails:
    /// `{"error": {"message", "exit", "kind"}}`.
    pub fn to_json(&self) -> serde_json::Value {
        serde_json::json!({
            "error": {
                "message": self.message,
                "exit": self.exit.code(),
                "kind": self.exit.name(),
            }
        })
    }

    pub fn failed(message: impl Into<String>) -> Self {
        CliError {
            exit: Exit::Failed,
            message: message.into(),
        }
    }

    pub fn usage(message: impl Into<String>) -> Self {
        CliError {
            exit: Exit::Usage,
            message: message.into(),
        }
    }

    pub(crate) fn needs_auth(message: impl Into<String>) -> Self {
        CliError {
            exit: Exit::NeedsAuth,
            message: message.into(),
        }
    }

    pub(crate) fn no_credentials() -> Self {
        CliError::needs_auth(
            "no app credentials yet: run 'instatui setup --app-id ID --redirect-uri URI' first",
        )
    }

    /// No token stored: the next step depends on whether an app is, or
    /// accounts are with none active.
    pub(crate) fn no_token(state: &crate::store::State) -> Self {
        CliError::needs_auth(without_token(state))
    }

    /// Adds what state things were left in.
    pub(crate) fn with_note(mut self, note: &str) -> Self {
        self.message = format!("{}\n{note}", self.message);
        self
    }
}

impl fmt::Display for CliError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl From<ApiError> for CliError {
    fn from(err: ApiError) -> Self {
        let exit = if err.kind == ErrorKind::NeedsReauth {
            Exit::NeedsAuth
        } else {
            Exit::Failed
        };
        let message = match err.kind.command_hint() {
            Some(command) => format!("{err} ({command})"),
            None => err.to_string(),
        };
        CliError { exit, message }
    }
}

impl From<StoreError> for CliError {
    fn from(err: StoreError) -> Self {
        match err {
            // The folder given (or found) is the wrong one: a usage error.
            StoreError::SharedDir { .. } => CliError::usage(err.to_string()),
            _ => CliError::failed(err.to_string()),
        }
    }
}

/// Prints a JSON value on stdout; serialising our own types cannot fail in
/// practice, but a failure still becomes an error line, not a panic. Every
/// character is kept, the ones a terminal would act on escaped.
pub fn print_json(value: &impl serde::Serialize) -> Result<(), CliError> {
    let text = serde_json::to_string_pretty(value)
        .map_err(|e| CliError::failed(format!("could not format the JSON output: {e}")))?;
    write_raw(&mut std::io::stdout().lock(), &sanitize::json(text), "\n");
    Ok(())
}

/// Prints a list as [`print_json`] does, byte for byte, one item at a time:
/// `feed --all --json` at 10,000 posts is 5.9 MB of text, which is never
/// held whole (nor copied to escape it).
pub(super) fn print_json_list<T: serde::Serialize>(items: &[T]) -> Result<(), CliError> {
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    let _ = json_list(&mut out, items).and_then(|()| {
        out.write_all(b"\n")?;
        out.flush()
    });
    Ok(())
}

/// `serde_json::to_string_pretty(items)`, written piece by piece: each item
/// pretty-printed alone and indented one level (JSON strings hold no raw
/// newline, so every line of an item is a line of the list).
fn json_list<T: serde::Serialize>(out: &mut impl Write, items: &[T]) -> std::io::Result<()> {
    if items.is_empty() {
        return out.write_all(b"[]");
    }
    out.write_all(b"[")?;
    for (i, item) in items.iter().enumerate() {
        let text = serde_json::to_string_pretty(item).map_err(std::io::Error::other)?;
        out.write_all(if i == 0 { b"\n" } else { b",\n" })?;
        for (n, line) in sanitize::json(text).split('\n').enumerate() {
            if n > 0 {
                out.write_all(b"\n")?;
            }
            out.write_all(b"  ")?;
            out.write_all(line.as_bytes())?;
        }
    }
    out.write_all(b"\n]")
}

/// Text on stdout, filtered: what `println!` and `print!` mean in `cli`.
pub(super) fn write_out(text: &str, end: &str) {
    write_raw(&mut std::io::stdout().lock(), &sanitize::lines(text), end);
}

/// Text on stderr, filtered: what `eprintln!` and `eprint!` mean in `cli`.
pub(super) fn write_err(text: &str, end: &str) {
    write_raw(&mut std::io::stderr().lock(), &sanitize::lines(text), end);
}

/// A closed pipe (`instatui feed | head`) is not worth a panic, which is
/// what std's `println!` does with it.
fn write_raw(out: &mut impl std::io::Write, text: &str, end: &str) {
    let _ = out.write_all(text.as_bytes());
    let _ = out.write_all(end.as_bytes());
    let _ = out.flush();
}

pub(super) use crate::text::fit;

/// What is missing when no token is at hand, and what to run: `accounts
/// use` when accounts are stored but none is active (after `setup` of
/// another app), else `setup` first when no app is stored either (or
/// `login --with-token` with a token from elsewhere).
pub(super) fn without_token(state: &crate::store::State) -> String {
    if let Some(names) = state.inactive_account_names() {
        let add = match state.app() {
            Some(app) => format!(
                "; to add one under app {} instead, run 'instatui authorize'",
                app.app_id
            ),
            None => String::new(),
        };
        return format!(
            "no account is active (stored: {}): run 'instatui accounts use NAME' to pick one{add}",
            crate::sanitize::line(&names)
        );
    }
    if state.app().is_some() {
        "no token yet: run 'instatui authorize', then 'instatui exchange <redirect URL>'"
            .to_string()
    } else {
        "no token yet: run 'instatui setup --app-id ID --redirect-uri URI', then 'instatui authorize' (or 'instatui login --with-token' with a token you already have)".to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_endless_stdin_stops_at_the_limit_with_a_sentence() {
        let err = read_at_most(std::io::repeat(0), "an error page's text", 64 * 1024)
            .expect_err("refused");
        assert!(err.to_string().contains("more than 64 KiB"), "{err}");
        let text = read_at_most(&b"exactly this"[..], "x", 12).expect("fits");
        assert_eq!(text, "exactly this");
    }

    #[test]
    fn a_list_printed_piece_by_piece_is_the_same_json_text() {
        let posts: Vec<crate::instagram::Media> = (0..3)
            .map(|i| crate::instagram::Media {
                id: i.to_string(),
                caption: Some(format!("line\nnext \u{202e}{i}")),
                ..Default::default()
            })
            .collect();
        for items in [&posts[..], &posts[..1], &[][..]] {
            let mut out = Vec::new();
            json_list(&mut out, items).expect("write");
            let whole = sanitize::json(serde_json::to_string_pretty(items).expect("json"));
            assert_eq!(String::from_utf8(out).expect("utf-8"), whole);
        }
    }
}
