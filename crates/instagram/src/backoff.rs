//! Waiting out a rate limit in the middle of a walk through the pages: how long, within which bound, and a sleep tests can skip.

use super::ApiError;
use super::error::minutes_rounded_up;
use std::fmt;
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// How long one command may wait out rate limits in all, unless told
/// otherwise: a cron job must not hang for an hour.
pub const DEFAULT_MAX_WAIT: Duration = Duration::from_secs(15 * 60);

/// `INSTATUI_SKIP_RATE_LIMIT_WAITS=1` announces each wait and goes on at
/// once. Honoured only against a Graph base on loopback (the embedded
/// fake), so tests need not sleep minutes; the real service ignores it.
pub const SKIP_WAITS_ENV: &str = "INSTATUI_SKIP_RATE_LIMIT_WAITS";

/// Called with each wait before it starts (the CLI prints it on stderr).
pub type Announce = Arc<dyn Fn(&Wait) + Send + Sync>;

/// Whether, and how, a paging client waits out a rate limit. Clones share
/// the time waited so far: the bound is for the whole command.
#[derive(Clone)]
pub struct Patience {
    max_total: Duration,
    waited: Arc<Mutex<Duration>>,
    announce: Announce,
    skip_sleep: bool,
}

/// One wait, as the user is told about it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Wait {
    /// Instagram's error code (80002, 4, 17, 32, 613).
    pub code: Option<i64>,
    pub duration: Duration,
    /// The usage header said how long; otherwise this is the default wait.
    pub from_header: bool,
    /// The page asked for next, counting from 1.
    pub page: usize,
}

impl fmt::Display for Wait {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let code = self
            .code
            .map_or_else(String::new, |c| format!(" (code {c})"));
        let source = if self.from_header {
            "as its usage header says"
        } else {
            "Instagram did not say how long"
        };
        write!(
            f,
            "Instagram's rate limit{code}: waiting {} min before page {}, {source}; \
             Ctrl-C stops",
            minutes_rounded_up(self.duration),
            self.page
        )
    }
}

impl fmt::Debug for Patience {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Patience")
            .field("max_total", &self.max_total)
            .field("skip_sleep", &self.skip_sleep)
            .finish_non_exhaustive()
    }
}

impl Patience {
    /// Waits at most `max_total` in all (zero: never), telling `announce`
    /// before each wait.
    pub fn new(max_total: Duration, announce: Announce) -> Self {
        Patience {
            max_total,
            waited: Arc::default(),
            announce,
            skip_sleep: false,
        }
    }

    /// Announces waits without sleeping them: for tests against the fake.
    pub(crate) fn skipping_sleep(mut self) -> Self {
        self.skip_sleep = true;
        self
    }

    /// Skips sleeping when [`SKIP_WAITS_ENV`] is set and `graph_base` is on
    /// loopback: a real host is always waited for.
    pub fn skipping_sleep_for_tests(self, graph_base: &str) -> Self {
        let asked = std::env::var_os(SKIP_WAITS_ENV).is_some_and(|v| !v.is_empty() && v != "0");
        if asked && is_loopback(graph_base) {
            self.skipping_sleep()
        } else {
            self
        }
    }

    /// If `err` is a rate limit that fits in what is left of the bound,
    /// announces the wait, waits, and says so; otherwise `false` (the
    /// caller gives up with the error, which says when to try again).
    pub(crate) async fn wait_out(&self, err: &ApiError, page: usize) -> bool {
        let Some(duration) = err.rate_limit_wait() else {
            return false;
        };
        {
            let mut waited = self.waited.lock().unwrap_or_else(|e| e.into_inner());
            if waited.saturating_add(duration) > self.max_total {
                return false;
            }
            *waited = waited.saturating_add(duration);
        }
        (self.announce)(&Wait {
            code: err.code,
            duration,
            from_header: err.retry_after_secs.is_some(),
            page,
        });
        if !self.skip_sleep {
            tokio::time::sleep(duration).await;
        }
        true
    }
}

fn is_loopback(base: &str) -> bool {
    url::Url::parse(base.trim()).is_ok_and(|u| match u.host() {
        Some(url::Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        None => false,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ErrorKind;

    fn limited(secs: Option<u32>) -> ApiError {
        let mut err = ApiError::new(ErrorKind::RateLimited, "(#80002) too many calls");
        err.code = Some(80002);
        err.retry_after_secs = secs;
        err
    }

    fn recording(max: Duration) -> (Patience, Arc<Mutex<Vec<Wait>>>) {
        let seen = Arc::new(Mutex::new(Vec::new()));
        let log = seen.clone();
        let patience = Patience::new(
            max,
            Arc::new(move |w: &Wait| log.lock().unwrap().push(w.clone())),
        )
        .skipping_sleep();
        (patience, seen)
    }

    #[tokio::test]
    async fn waits_add_up_to_the_bound_and_no_further() {
        let (patience, seen) = recording(Duration::from_secs(10 * 60));
        assert!(patience.wait_out(&limited(Some(240)), 12).await);
        assert!(patience.wait_out(&limited(Some(360)), 12).await);
        // 10 min are used up: one more second is over the bound.
        assert!(!patience.wait_out(&limited(Some(1)), 13).await);
        let seen = seen.lock().unwrap();
        assert_eq!(seen.len(), 2);
        assert_eq!(
            seen[0].to_string(),
            "Instagram's rate limit (code 80002): waiting 4 min before page 12, \
             as its usage header says; Ctrl-C stops"
        );
    }

    #[tokio::test]
    async fn without_a_header_the_default_wait_is_said_to_be_one() {
        let (patience, seen) = recording(DEFAULT_MAX_WAIT);
        assert!(patience.wait_out(&limited(None), 2).await);
        let line = seen.lock().unwrap()[0].to_string();
        assert!(line.contains("waiting 5 min before page 2"), "{line}");
        assert!(line.contains("Instagram did not say how long"), "{line}");
    }

    #[tokio::test]
    async fn zero_never_waits_and_other_errors_are_not_waited_out() {
        let (never, seen) = recording(Duration::ZERO);
        assert!(!never.wait_out(&limited(Some(1)), 2).await);
        let (patient, _) = recording(DEFAULT_MAX_WAIT);
        let other = ApiError::new(ErrorKind::Transient, "try later");
        assert!(!patient.wait_out(&other, 2).await);
        assert!(seen.lock().unwrap().is_empty());
    }

    #[tokio::test(start_paused = true)]
    async fn the_wait_is_slept_in_full_unless_told_to_skip_it() {
        let patience = Patience::new(DEFAULT_MAX_WAIT, Arc::new(|_: &Wait| {}));
        let start = tokio::time::Instant::now();
        assert!(patience.wait_out(&limited(Some(240)), 2).await);
        assert_eq!(start.elapsed(), Duration::from_secs(240));
    }

    #[test]
    fn only_a_loopback_base_may_skip_the_sleep() {
        assert!(is_loopback("http://127.0.0.1:4242"));
        assert!(is_loopback("http://localhost:80/"));
        assert!(is_loopback("http://[::1]:9"));
        assert!(!is_loopback("https://graph.instagram.com"));
        assert!(!is_loopback("not a url"));
    }
}
