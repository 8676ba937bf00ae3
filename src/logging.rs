//! Logs go to a file in the data dir, never to the terminal the TUI draws on;
//! `-v` on a subcommand also echoes them on stderr. The file is capped: past
//! [`LOG_CAP`] it becomes `instatui.log.1` (replacing the older one) and a
//! fresh one starts, so a keep-alive timer running for years never fills a disk.

use std::fs::File;
use std::io::Write;
use std::path::{Path, PathBuf};
use tracing_appender::non_blocking::WorkerGuard;
use tracing_subscriber::EnvFilter;
use tracing_subscriber::Layer;
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::util::SubscriberInitExt;

pub(crate) const LOG_FILE: &str = "instatui.log";

/// The most one log file grows to before it is rotated: weeks of `debug`.
pub const LOG_CAP: u64 = 4 * 1024 * 1024;

/// The filter `-v` asks for: none given keeps `INSTATUI_LOG` (else `info`),
/// `-v` is `debug`, `-vv` and more `trace`, all for instatui's own events.
pub(crate) fn filter(verbose: u8) -> EnvFilter {
    match verbose {
        0 => EnvFilter::try_from_env("INSTATUI_LOG")
            .unwrap_or_else(|_| EnvFilter::new("instatui=info")),
        1 => EnvFilter::new("instatui=debug"),
        _ => EnvFilter::new("instatui=trace"),
    }
}

/// Starts file logging (filter from `INSTATUI_LOG`, default `info`, raised by
/// `verbose`). Without a directory, or if it cannot be created, nothing goes
/// to a file. With `echo` (a subcommand run with `-v`, never the TUI) the
/// same events also go to stderr. Keep the guard alive until exit so
/// buffered lines are flushed.
pub fn init(dir: Option<&Path>, verbose: u8, echo: bool) -> Option<WorkerGuard> {
    let file = dir.and_then(|dir| {
        std::fs::create_dir_all(dir).ok()?;
        let appender = CappedLog::open(dir.join(LOG_FILE), LOG_CAP).ok()?;
        Some(tracing_appender::non_blocking(appender))
    });
    let (writer, guard) = match file {
        Some((writer, guard)) => (Some(writer), Some(guard)),
        None => (None, None),
    };
    let file_layer = writer.map(|writer| {
        tracing_subscriber::fmt::layer()
            .with_writer(writer)
            .with_ansi(false)
            .with_filter(filter(verbose))
    });
    let stderr_layer = (echo && verbose > 0).then(|| {
        tracing_subscriber::fmt::layer()
            .with_writer(std::io::stderr)
            .with_ansi(false)
            .without_time()
            .with_target(false)
            .with_filter(filter(verbose))
    });
    if file_layer.is_none() && stderr_layer.is_none() {
        return None;
    }
    tracing_subscriber::registry()
        .with(file_layer)
        .with(stderr_layer)
        .try_init()
        .ok()?;
    guard
}

/// The log file, rotated once it would pass its cap: the current file is
/// renamed to `<name>.1` (one old file kept) and a fresh one is opened.
/// Written from tracing-appender's worker thread, never the event loop.
/// Each process counts its own writes: two at once may each fill a file.
pub struct CappedLog {
    path: PathBuf,
    cap: u64,
    file: File,
    size: u64,
}

impl CappedLog {
    /// Opens (appending) `path`, rotating it first when it is already full.
    pub fn open(path: PathBuf, cap: u64) -> std::io::Result<CappedLog> {
        let (file, size) = Self::append(&path)?;
        let mut log = CappedLog {
            path,
            cap,
            file,
            size,
        };
        if log.size >= log.cap {
            log.rotate()?;
        }
        Ok(log)
    }

    fn append(path: &Path) -> std::io::Result<(File, u64)> {
        let mut options = std::fs::OpenOptions::new();
        options.create(true).append(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
        let file = options.open(path)?;
        let size = file.metadata()?.len();
        Ok((file, size))
    }

    fn rotate(&mut self) -> std::io::Result<()> {
        let mut old = self.path.clone().into_os_string();
        old.push(".1");
        std::fs::rename(&self.path, old)?;
        let (file, size) = Self::append(&self.path)?;
        self.file = file;
        self.size = size;
        Ok(())
    }
}

impl Write for CappedLog {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        if self.size > 0 && self.size.saturating_add(buf.len() as u64) > self.cap {
            // A failed rotation keeps writing where it was: better a log
            // over its cap than events lost.
            let _ = self.rotate();
        }
        let n = self.file.write(buf)?;
        self.size = self.size.saturating_add(n as u64);
        Ok(n)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.file.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_log_is_rotated_at_its_cap_keeping_one_old_file() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join(LOG_FILE);
        let old = dir.path().join("instatui.log.1");
        let line = [b'x'; 99].iter().chain(b"\n").copied().collect::<Vec<u8>>();
        let mut log = CappedLog::open(path.clone(), 1000).expect("open");
        for _ in 0..25 {
            log.write_all(&line).expect("write");
        }
        log.flush().expect("flush");
        let size = |p: &Path| std::fs::metadata(p).map(|m| m.len()).unwrap_or(0);
        assert!(size(&path) <= 1000, "{}", size(&path));
        assert_eq!(size(&old), 1000, "the older file, whole lines");
        assert_eq!(size(&path) + size(&old), 1500, "only 1000 bytes dropped");
        assert_eq!(
            std::fs::read_dir(dir.path()).expect("list").count(),
            2,
            "one old file kept, no more"
        );
        drop(log);
        // A file already over its cap (left by an older version) is
        // rotated at start.
        std::fs::write(&path, vec![b'y'; 5000]).expect("write");
        let mut log = CappedLog::open(path.clone(), 1000).expect("open");
        log.write_all(&line).expect("write");
        assert_eq!(size(&old), 5000);
        assert_eq!(size(&path), 100);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).expect("meta").permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
    }
}
