//! The Graph API version Meta served, when it is not the one asked for: told once per process.
//!
//! Meta answers a request for a version it no longer supports with its
//! oldest supported one (and names it in the `facebook-api-version`
//! header) rather than failing, so the answers may silently change shape
//! until the version is gone for good (then code 2500). A process notices
//! that once and says so once: the CLI on stderr, the TUI on its status line.

use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};

/// The first mismatch seen in this process: (asked for, served).
static SEEN: Mutex<Option<(String, String)>> = Mutex::new(None);
/// Whether [`take_notice`] has handed the sentence out already.
static TOLD: AtomicBool = AtomicBool::new(false);

/// Records the answer's `facebook-api-version` against the version asked
/// for; the first mismatch is logged as a warning, later ones are not.
/// Unversioned requests (`asked` is `None`) get Meta's default: no mismatch.
pub(crate) fn check(asked: Option<&str>, served: Option<&str>) {
    let (Some(asked), Some(served)) = (asked, served.map(str::trim)) else {
        return;
    };
    if served.is_empty() || served.eq_ignore_ascii_case(asked) {
        return;
    }
    let mut seen = SEEN.lock().unwrap_or_else(|e| e.into_inner());
    if seen.is_some() {
        return;
    }
    // Only a version's own characters reach the log and the screen.
    let served: String = served
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '.')
        .take(16)
        .collect();
    tracing::warn!(
        asked,
        served,
        "Instagram served another Graph API version than the one asked for"
    );
    *seen = Some((asked.to_string(), served));
}

/// The sentence about a served version that was not the one asked for,
/// the first time it is asked for after such an answer; `None` before and
/// ever after, so that the user is told once per process.
pub fn take_notice() -> Option<String> {
    let seen = SEEN.lock().unwrap_or_else(|e| e.into_inner());
    let (asked, served) = seen.as_ref()?;
    if TOLD.swap(true, Ordering::SeqCst) {
        return None;
    }
    Some(format!(
        "Instagram answered with Graph API {served} although {asked} was asked for: Meta serves a version it no longer supports as its oldest one, and the answers may change: set {} to a version Meta serves (instatui's default is {}), or none",
        super::endpoints::GRAPH_VERSION_ENV,
        super::endpoints::GRAPH_API_VERSION,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// One test touches the process-wide state, in order.
    #[test]
    fn a_mismatch_is_told_once_and_matches_are_never() {
        check(Some("v25.0"), Some("v25.0"));
        check(None, Some("v21.0"));
        check(Some("v25.0"), None);
        assert_eq!(take_notice(), None);
        check(Some("v20.0"), Some("v21.0"));
        check(Some("v19.0"), Some("v21.0"));
        let notice = take_notice().expect("told");
        assert!(notice.contains("v21.0 although v20.0"), "{notice}");
        assert!(notice.contains("INSTATUI_GRAPH_VERSION"), "{notice}");
        assert_eq!(take_notice(), None, "once per process");
    }
}
