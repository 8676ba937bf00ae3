//! Logs go to a file in the data dir, never to the terminal the TUI draws on.

use std::path::Path;
use tracing_appender::non_blocking::WorkerGuard;
use tracing_subscriber::EnvFilter;

pub const LOG_FILE: &str = "instatui.log";

/// Starts file logging (filter from `INSTATUI_LOG`, default `info`). Without
/// a directory, or if it cannot be created, nothing is logged. Keep the
/// guard alive until exit so buffered lines are flushed.
pub fn init(dir: Option<&Path>) -> Option<WorkerGuard> {
    let dir = dir?;
    std::fs::create_dir_all(dir).ok()?;
    let appender = tracing_appender::rolling::never(dir, LOG_FILE);
    let (writer, guard) = tracing_appender::non_blocking(appender);
    let filter =
        EnvFilter::try_from_env("INSTATUI_LOG").unwrap_or_else(|_| EnvFilter::new("instatui=info"));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(writer)
        .with_ansi(false)
        .try_init()
        .ok()?;
    Some(guard)
}
