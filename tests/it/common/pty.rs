//! The `instatui` binary in a pseudo-terminal, as a person runs it: its own
//! session with the pty as controlling terminal, every byte it writes kept,
//! and a small screen model to wait on what is drawn.
#![allow(dead_code)]

use super::cli::Machine;
use instatui::fake::DEMO_APP_SECRET;
use std::fs::File;
use std::io::{Read, Write};
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};
use std::os::unix::process::CommandExt;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Condvar, Mutex};
use std::time::{Duration, Instant};

/// How long any wait may take before the test fails: a guard against a
/// hang, never a means of synchronisation.
pub(crate) const PATIENCE: Duration = Duration::from_secs(30);

const ROWS: u16 = 24;
const COLS: u16 = 80;

/// Everything the program wrote to its terminal so far.
#[derive(Default)]
struct Output {
    bytes: Mutex<Vec<u8>>,
    grew: Condvar,
}

pub(crate) struct Pty {
    /// `None` once waited for.
    child: Option<Child>,
    /// The terminal side, kept open here so that its settings (raw or not)
    /// can be read after the program is gone.
    slave: OwnedFd,
    master: File,
    output: Arc<Output>,
}

fn check(rc: libc::c_int, what: &str) {
    assert!(rc == 0, "{what}: {}", std::io::Error::last_os_error());
}

impl Pty {
    /// Starts `instatui args…` on `machine`'s home, in an 80x24 terminal.
    pub(crate) fn spawn(machine: &Machine, args: &[&str]) -> Pty {
        Pty::spawn_with(machine, args, &[])
    }

    /// [`spawn`](Self::spawn) with `env` set on top (`PATH` included).
    pub(crate) fn spawn_with(
        machine: &Machine,
        args: &[&str],
        env: &[(&str, &std::ffi::OsStr)],
    ) -> Pty {
        let mut master_fd: libc::c_int = -1;
        let mut slave_fd: libc::c_int = -1;
        let size = libc::winsize {
            ws_row: ROWS,
            ws_col: COLS,
            ws_xpixel: 0,
            ws_ypixel: 0,
        };
        // SAFETY: two valid out-pointers and a valid winsize; no name buffer
        // and no termios (the default, cooked settings).
        let rc = unsafe {
            libc::openpty(
                &mut master_fd,
                &mut slave_fd,
                std::ptr::null_mut(),
                std::ptr::null(),
                &size,
            )
        };
        check(rc, "openpty");
        // SAFETY: openpty returned two fresh descriptors that nothing else owns.
        let (master, slave) =
            unsafe { (File::from_raw_fd(master_fd), OwnedFd::from_raw_fd(slave_fd)) };
        let home = machine.home.path();
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_instatui"));
        cmd.args(args)
            .env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .env("TERM", "xterm-256color")
            .env("HOME", home)
            .env("XDG_CONFIG_HOME", home.join("config"))
            .env("XDG_DATA_HOME", home.join("data"))
            .env("XDG_CACHE_HOME", home.join("cache"))
            .env("XDG_PICTURES_DIR", home.join("pictures"))
            .env("INSTATUI_BASE_URL", machine.fake.base_url())
            .env("INSTATUI_APP_SECRET", DEMO_APP_SECRET)
            .envs(env.iter().copied())
            .stdin(Stdio::from(slave.try_clone().expect("dup")))
            .stdout(Stdio::from(slave.try_clone().expect("dup")))
            .stderr(Stdio::from(slave.try_clone().expect("dup")));
        // SAFETY: only async-signal-safe calls between fork and exec.
        unsafe {
            cmd.pre_exec(|| {
                // Its own session, the pty its controlling terminal: a
                // terminal program opens /dev/tty, as in a real one.
                if libc::setsid() < 0 {
                    return Err(std::io::Error::last_os_error());
                }
                if libc::ioctl(0, libc::TIOCSCTTY as _, 0) < 0 {
                    return Err(std::io::Error::last_os_error());
                }
                Ok(())
            });
        }
        let child = cmd.spawn().expect("instatui starts");
        let output = Arc::new(Output::default());
        let mut reader = master.try_clone().expect("dup master");
        let sink = output.clone();
        std::thread::spawn(move || {
            let mut buf = [0u8; 8192];
            // Ends when the master is closed or reports an error.
            while let Ok(n) = reader.read(&mut buf) {
                if n == 0 {
                    break;
                }
                let mut bytes = sink.bytes.lock().expect("output");
                bytes.extend_from_slice(&buf[..n]);
                sink.grew.notify_all();
            }
        });
        Pty {
            child: Some(child),
            slave,
            master,
            output,
        }
    }

    /// Types `text` as keys.
    pub(crate) fn type_keys(&mut self, text: &str) {
        self.master.write_all(text.as_bytes()).expect("typed");
    }

    pub(crate) fn output(&self) -> Vec<u8> {
        self.output.bytes.lock().expect("output").clone()
    }

    /// Waits until `done` holds for everything written so far.
    pub(crate) fn wait_for(&self, what: &str, done: impl Fn(&[u8]) -> bool) -> Vec<u8> {
        let deadline = Instant::now() + PATIENCE;
        let mut bytes = self.output.bytes.lock().expect("output");
        loop {
            if done(&bytes) {
                return bytes.clone();
            }
            let left = deadline.saturating_duration_since(Instant::now());
            assert!(
                !left.is_zero(),
                "waited {PATIENCE:?} for {what}; the screen:\n{}",
                Screen::of(&bytes).text()
            );
            bytes = self
                .output
                .grew
                .wait_timeout(bytes, left)
                .expect("output")
                .0;
        }
    }

    /// Waits until the drawn screen shows `text`.
    pub(crate) fn wait_for_text(&self, text: &str) {
        self.wait_for(&format!("{text:?} on screen"), |b| {
            Screen::of(b).text().contains(text)
        });
    }

    /// Sends `signal` to the program.
    pub(crate) fn signal(&self, signal: libc::c_int) {
        // SAFETY: kill with a pid this test started and has not yet reaped.
        let pid = self.child.as_ref().expect("running").id();
        let rc = unsafe { libc::kill(pid as libc::pid_t, signal) };
        check(rc, "kill");
    }

    /// Waits until the program is stopped (job control), as a shell's
    /// `waitpid(WUNTRACED)` does; it is not reaped.
    pub(crate) fn wait_stopped(&self) {
        let pid = self.child.as_ref().expect("running").id() as libc::pid_t;
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let mut status = 0;
            // SAFETY: a pid this test started and has not reaped, a valid out-pointer.
            let rc = unsafe { libc::waitpid(pid, &mut status, libc::WUNTRACED) };
            let _ = tx.send(rc == pid && libc::WIFSTOPPED(status));
        });
        match rx.recv_timeout(PATIENCE) {
            Ok(stopped) => assert!(stopped, "instatui ended instead of stopping"),
            Err(_) => panic!(
                "instatui did not stop within {PATIENCE:?}; the screen:\n{}",
                Screen::of(&self.output()).text()
            ),
        }
    }

    /// The terminal is without line editing and echo (raw), now.
    pub(crate) fn raw(&self) -> bool {
        // SAFETY: a zeroed termios is a valid out-buffer for tcgetattr.
        let mut t: libc::termios = unsafe { std::mem::zeroed() };
        // SAFETY: a valid descriptor and a valid out-pointer.
        check(
            unsafe { libc::tcgetattr(self.slave.as_raw_fd(), &mut t) },
            "tcgetattr",
        );
        t.c_lflag & (libc::ICANON | libc::ECHO) == 0
    }

    /// Waits for the program to end; returns how it ended and everything
    /// it wrote to the terminal (all of it: a marker written after the end
    /// is waited for).
    pub(crate) fn wait_exit(mut self) -> Ended {
        let (tx, rx) = std::sync::mpsc::channel();
        let mut child = self.child.take().expect("running");
        let pid = child.id() as libc::pid_t;
        let waiter = std::thread::spawn(move || {
            let status = child.wait();
            let _ = tx.send(());
            status
        });
        if rx.recv_timeout(PATIENCE).is_err() {
            // SAFETY: the child is not reaped yet (its waiter is still waiting).
            unsafe { libc::kill(pid, libc::SIGKILL) };
            panic!(
                "instatui did not end within {PATIENCE:?}; the screen:\n{}",
                Screen::of(&self.output()).text()
            );
        }
        let status = waiter.join().expect("waiter").expect("wait");
        // Bytes the program wrote before it ended are read before this one.
        const END: &[u8] = b"<<the program has ended>>";
        let mut slave = File::from(self.slave.try_clone().expect("dup"));
        slave.write_all(END).expect("marker");
        let bytes = self.wait_for("the end marker", |b| b.windows(END.len()).any(|w| w == END));
        let end = bytes.len() - END.len();
        let raw = {
            // SAFETY: a zeroed termios is a valid out-buffer for tcgetattr.
            let mut t: libc::termios = unsafe { std::mem::zeroed() };
            // SAFETY: a valid descriptor and a valid out-pointer.
            check(
                unsafe { libc::tcgetattr(self.slave.as_raw_fd(), &mut t) },
                "tcgetattr",
            );
            t.c_lflag & (libc::ICANON | libc::ECHO) == 0
        };
        Ended {
            status,
            output: bytes[..end].to_vec(),
            left_raw: raw,
        }
    }
}

impl Drop for Pty {
    fn drop(&mut self) {
        // A test that failed half-way leaves no program behind.
        if let Some(child) = &mut self.child {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

pub(crate) struct Ended {
    pub status: std::process::ExitStatus,
    pub output: Vec<u8>,
    /// The terminal was left without line editing and echo.
    pub left_raw: bool,
}

/// What a terminal shows: the printable characters at the positions the
/// program moved the cursor to. Enough for ratatui's output, which moves the
/// cursor and writes; colours and other modes are ignored.
pub(crate) struct Screen {
    rows: Vec<Vec<char>>,
}

impl Screen {
    pub(crate) fn of(bytes: &[u8]) -> Screen {
        let text = String::from_utf8_lossy(bytes);
        let mut rows = vec![vec![' '; COLS as usize]; ROWS as usize];
        let (mut row, mut col) = (0usize, 0usize);
        let mut chars = text.chars().peekable();
        while let Some(c) = chars.next() {
            match c {
                '\x1b' => match chars.next() {
                    Some('[') => {
                        let mut params = String::new();
                        let mut last = None;
                        for c in chars.by_ref() {
                            if ('\x40'..='\x7e').contains(&c) {
                                last = Some(c);
                                break;
                            }
                            params.push(c);
                        }
                        let numbers: Vec<usize> =
                            params.split(';').map(|p| p.parse().unwrap_or(1)).collect();
                        match last {
                            Some('H') => {
                                row = numbers.first().copied().unwrap_or(1).saturating_sub(1);
                                col = numbers.get(1).copied().unwrap_or(1).saturating_sub(1);
                            }
                            Some('J') if params == "2" => {
                                rows = vec![vec![' '; COLS as usize]; ROWS as usize];
                            }
                            _ => {}
                        }
                    }
                    Some(']' | 'P' | '_') => {
                        // A string sequence: up to BEL or ESC \.
                        while let Some(c) = chars.next() {
                            if c == '\x07' || (c == '\x1b' && chars.next_if_eq(&'\\').is_some()) {
                                break;
                            }
                        }
                    }
                    _ => {}
                },
                '\r' => col = 0,
                '\n' => row += 1,
                c if c.is_control() => {}
                c => {
                    if let Some(cell) = rows.get_mut(row).and_then(|r| r.get_mut(col)) {
                        *cell = c;
                    }
                    col += unicode_width::UnicodeWidthChar::width(c)
                        .unwrap_or(0)
                        .max(1);
                }
            }
        }
        Screen { rows }
    }

    pub(crate) fn text(&self) -> String {
        self.rows
            .iter()
            .map(|r| r.iter().collect::<String>().trim_end().to_string() + "\n")
            .collect()
    }
}
