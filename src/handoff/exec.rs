//! The command handoff: `sh -c CMD` with the token in its environment (never in argv), a timeout that kills its whole process group, and the last lines of its output kept.

use std::collections::VecDeque;
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc;
use std::time::{Duration, Instant};

/// Set once instatui is interrupted (Ctrl-C, SIGTERM, quitting the TUI):
/// running commands are stopped and no new one starts. Each command is in a
/// process group of its own, which the terminal's Ctrl-C does not reach, so
/// without this it would run on, token in its environment, after instatui
/// is gone.
static STOPPING: AtomicBool = AtomicBool::new(false);
/// Stops every running command with everything it started (within a few
/// hundredths of a second: each one's wait loop sees this) and keeps new
/// ones from starting, for the rest of this process.
pub(crate) fn stop_all() {
    STOPPING.store(true, Ordering::SeqCst);
}

/// What [`stop_all`] sets: for [`run_until`] in this process's CLI.
pub(crate) fn process_stop() -> &'static AtomicBool {
    &STOPPING
}

/// How many of the last output lines are kept, and how long each may be.
pub(crate) const TAIL_LINES: usize = 5;
pub(crate) const LINE_CHARS: usize = 200;
/// How much of one output line is kept raw until the token is masked in it
/// (then it is cut to [`LINE_CHARS`]); the rest of a longer line is read
/// and dropped, so a line of any length costs this much memory at most.
const RAW_LINE_BYTES: usize = 8 * 1024;

/// How a command ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Finished {
    /// The exit code, `None` when it was killed (by us or a signal).
    pub(crate) code: Option<i32>,
    pub(crate) timed_out: bool,
    /// Stopped because instatui was interrupted (or never started, since it
    /// already was).
    pub(crate) stopped: bool,
    /// Its last lines of standard output and error, interleaved.
    pub(crate) tail: Vec<String>,
}

impl Finished {
    pub(crate) fn ok(&self) -> bool {
        self.code == Some(0) && !self.timed_out && !self.stopped
    }
}

/// [`run_until`] with a flag nobody sets, for the tests.
#[cfg(test)]
fn run(command: &str, env: &[(&str, &str)], timeout: Duration) -> Result<Finished, String> {
    run_until(command, env, timeout, &AtomicBool::new(false))
}

/// Runs `command` through `sh -c` with `env` added to instatui's own
/// environment and stdin closed. Past `timeout`, or once `stop` is set, the
/// command and anything it started are killed; when `stop` is set already,
/// it is not started. `Err` only when `sh` could not be started.
pub(crate) fn run_until(
    command: &str,
    env: &[(&str, &str)],
    timeout: Duration,
    stop: &AtomicBool,
) -> Result<Finished, String> {
    run_with_input(command, env, None, timeout, stop)
}

/// [`run_until`], with `input` written to the command's stdin (then
/// closed) by a thread of its own, so a command that never reads it
/// cannot hold instatui past `timeout`.
pub(crate) fn run_with_input(
    command: &str,
    env: &[(&str, &str)],
    input: Option<&[u8]>,
    timeout: Duration,
    stop: &AtomicBool,
) -> Result<Finished, String> {
    if stop.load(Ordering::SeqCst) {
        return Ok(Finished {
            code: None,
            timed_out: false,
            stopped: true,
            tail: Vec::new(),
        });
    }
    let (reader, writer) = std::io::pipe().map_err(|e| format!("could not make a pipe: {e}"))?;
    let writer_err = writer
        .try_clone()
        .map_err(|e| format!("could not make a pipe: {e}"))?;
    let mut cmd = Command::new("sh");
    cmd.arg("-c")
        .arg(command)
        .envs(env.iter().copied())
        .stdin(if input.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        })
        .stdout(writer)
        .stderr(writer_err);
    #[cfg(unix)]
    {
        use std::os::unix::process::CommandExt;
        // Its own group: a timeout kills `sh` and whatever it started.
        cmd.process_group(0);
    }
    let mut child = cmd
        .spawn()
        .map_err(|e| format!("could not start sh: {e}"))?;
    // Our copies of the write end are gone with `cmd`: the reader ends when
    // the command's last process closes its output.
    drop(cmd);
    if let (Some(input), Some(mut stdin)) = (input, child.stdin.take()) {
        let input = input.to_vec();
        std::thread::spawn(move || {
            use std::io::Write;
            // A command that exits without reading closes the pipe: fine.
            let _ = stdin.write_all(&input);
        });
    }
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let mut tail: VecDeque<String> = VecDeque::with_capacity(TAIL_LINES + 1);
        let mut keep = |line: &[u8]| {
            let text = String::from_utf8_lossy(line);
            let text = text.trim_end();
            if !text.is_empty() {
                // Raw: the token is masked in these lines, and only then are
                // they cut (`handoff::run_until`); cut first, a piece of it
                // could outlive the mask.
                tail.push_back(text.to_string());
                if tail.len() > TAIL_LINES {
                    tail.pop_front();
                }
            }
        };
        let mut reader = reader;
        let mut chunk = vec![0_u8; 8 * 1024];
        let mut line: Vec<u8> = Vec::new();
        loop {
            let n = match std::io::Read::read(&mut reader, &mut chunk) {
                Ok(0) | Err(_) => break,
                Ok(n) => n,
            };
            for piece in chunk[..n].split_inclusive(|b| *b == b'\n') {
                let room = RAW_LINE_BYTES.saturating_sub(line.len());
                line.extend_from_slice(&piece[..piece.len().min(room)]);
                if piece.ends_with(b"\n") {
                    keep(&line);
                    line.clear();
                }
            }
        }
        keep(&line);
        let _ = tx.send(Vec::from(tail));
    });
    // A hand-edited `timeout_secs` of any size: past what a clock holds,
    // there is no deadline.
    let deadline = Instant::now().checked_add(timeout);
    let (code, timed_out, stopped) = loop {
        match child.try_wait() {
            Ok(Some(status)) => break (status.code(), false, false),
            Ok(None) if stop.load(Ordering::SeqCst) => {
                kill_group(&mut child);
                let _ = child.wait();
                break (None, false, true);
            }
            Ok(None) if deadline.is_some_and(|d| Instant::now() >= d) => {
                kill_group(&mut child);
                let _ = child.wait();
                break (None, true, false);
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(20)),
            Err(e) => return Err(format!("could not wait for the command: {e}")),
        }
    };
    // A process that left the group may still hold the pipe: its lines are
    // not worth waiting for.
    let tail = rx.recv_timeout(Duration::from_secs(2)).unwrap_or_default();
    Ok(Finished {
        code,
        timed_out,
        stopped,
        tail,
    })
}

#[cfg(unix)]
fn kill_group(child: &mut std::process::Child) {
    if let Ok(pid) = i32::try_from(child.id()) {
        // SAFETY: kill(2) with a negative pid signals that process group;
        // it touches no memory of ours.
        unsafe {
            libc::kill(-pid, libc::SIGKILL);
        }
    }
    let _ = child.kill();
}

#[cfg(not(unix))]
fn kill_group(child: &mut std::process::Child) {
    let _ = child.kill();
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::{BufRead, BufReader};

    #[test]
    fn the_environment_reaches_the_command_and_the_tail_is_kept() {
        let done = run(
            "for i in 1 2 3 4 5 6 7; do echo line $i; done; echo \"got $SECRET_VALUE\" >&2; exit 3",
            &[("SECRET_VALUE", "abc")],
            Duration::from_secs(20),
        )
        .unwrap();
        assert_eq!(done.code, Some(3));
        assert!(!done.ok());
        assert_eq!(done.tail.len(), TAIL_LINES);
        assert_eq!(done.tail.last().map(String::as_str), Some("got abc"));
        assert_eq!(done.tail[0], "line 4");
    }

    #[test]
    fn once_stopped_a_running_command_is_killed_and_no_new_one_starts() {
        let dir = tempfile::tempdir().unwrap();
        let fifo = dir.path().join("started");
        let made = Command::new("mkfifo").arg(&fifo).status().unwrap();
        assert!(made.success());
        let stop = std::sync::Arc::new(AtomicBool::new(false));
        let flag = stop.clone();
        let command = format!("echo up > '{}'; sleep 30 & sleep 30", fifo.display());
        let worker =
            std::thread::spawn(move || run_until(&command, &[], Duration::from_secs(60), &flag));
        // Opening the FIFO waits until the command writes to it: it runs.
        let mut line = String::new();
        BufReader::new(std::fs::File::open(&fifo).unwrap())
            .read_line(&mut line)
            .unwrap();
        assert_eq!(line, "up\n");
        let started = Instant::now();
        stop.store(true, Ordering::SeqCst);
        let done = worker.join().unwrap().unwrap();
        assert!(done.stopped && !done.timed_out && !done.ok(), "{done:?}");
        assert!(started.elapsed() < Duration::from_secs(10));
        let again = run_until("echo never", &[], Duration::from_secs(5), &stop).unwrap();
        assert!(again.stopped && again.tail.is_empty(), "{again:?}");
    }

    #[test]
    fn a_command_that_hangs_is_killed_with_its_children() {
        let started = Instant::now();
        let done = run(
            "echo started; sleep 30 & sleep 30; echo never",
            &[],
            Duration::from_millis(300),
        )
        .unwrap();
        assert!(done.timed_out);
        assert_eq!(done.code, None);
        assert_eq!(done.tail, vec!["started".to_string()]);
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "{:?}",
            started.elapsed()
        );
    }
}
