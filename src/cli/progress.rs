//! Progress on stderr from the first second: a spinner while posts are listed, then a bar with an ETA;
//! nothing without a terminal, with `-q`, `--json` or under CI.

use super::output;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::time::Duration;

/// How often the spinner moves while waiting for a page.
const TICK: Duration = Duration::from_millis(120);

/// "listing posts… 300" until the listing is done; cleared when dropped,
/// so an error line never lands after a half-drawn spinner.
pub(super) struct Listing(ProgressBar);

impl Listing {
    /// `shown` is false where the output is for a program (`--json`).
    pub(super) fn start(shown: bool) -> Listing {
        let bar = if shown && show_progress() {
            ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr())
        } else {
            ProgressBar::hidden()
        };
        if let Ok(style) = ProgressStyle::with_template("{spinner} listing posts… {pos}") {
            bar.set_style(style);
        }
        // Ticks on its own: the spinner shows before the first page arrives.
        bar.enable_steady_tick(TICK);
        Listing(bar)
    }

    /// Posts listed so far.
    pub(super) fn set(&self, listed: usize) {
        self.0.set_position(listed as u64);
    }

    /// Prints a line on stderr above the spinner (a rate-limit wait, say),
    /// which goes on below it.
    pub(super) fn printer(&self) -> impl Fn(&str) + Send + Sync + 'static {
        let bar = self.0.clone();
        move |line| bar.suspend(|| std::eprintln!("{}", crate::sanitize::line(line)))
    }
}

impl Drop for Listing {
    fn drop(&mut self) {
        self.0.finish_and_clear();
    }
}

/// A person watching: stderr a terminal, no `-q`, and not a CI job (whose
/// logs keep every redraw of a bar as another line).
fn show_progress() -> bool {
    output::show_progress() && !under_ci()
}

/// `CI` set to anything but empty, `0` or `false`, as CI services do.
fn under_ci() -> bool {
    std::env::var_os("CI").is_some_and(|v| !v.is_empty() && v != "0" && v != "false")
}

/// The files bar: done/total and the time left; the bar takes what the
/// terminal's width leaves, so it stays one line at 40 columns.
pub(super) fn files(total: usize) -> ProgressBar {
    let bar = if show_progress() {
        ProgressBar::with_draw_target(Some(total as u64), ProgressDrawTarget::stderr())
    } else {
        ProgressBar::hidden()
    };
    if let Ok(style) = ProgressStyle::with_template("{wide_bar} {pos}/{len} files · {eta} left") {
        bar.set_style(style);
    }
    bar.enable_steady_tick(TICK);
    bar
}
