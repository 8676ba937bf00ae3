//! Logs go to a file in the data dir, never to the terminal the TUI draws on;
//! `-v` on a subcommand also echoes them on stderr.

use std::path::Path;
use tracing_appender::non_blocking::WorkerGuard;
use tracing_subscriber::EnvFilter;
use tracing_subscriber::Layer;
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::util::SubscriberInitExt;

pub(crate) const LOG_FILE: &str = "instatui.log";

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
        let appender = tracing_appender::rolling::never(dir, LOG_FILE);
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
