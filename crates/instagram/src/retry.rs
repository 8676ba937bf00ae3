//! The one retry policy: how many tries in all, and the first pause, doubled after each failed try.

use super::error::ApiError;
use std::time::Duration;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Retry {
    /// Tries in all, the first one included: 1 never retries.
    pub tries: u32,
    /// The pause after the first failed try; it doubles each time.
    pub first_pause: Duration,
}

impl Retry {
    /// Runs `attempt` until it succeeds, fails for good (an error that is
    /// not transient), or `tries` are used up; the last answer is returned.
    pub(crate) async fn run<T, F, Fut>(self, attempt: F) -> Result<T, ApiError>
    where
        F: FnMut() -> Fut,
        Fut: std::future::Future<Output = Result<T, ApiError>>,
    {
        self.run_noting(attempt, |_| {}).await
    }

    /// [`Retry::run`], telling `failed` of each try that failed and was
    /// tried again (a download's pace slows down on them).
    pub(crate) async fn run_noting<T, F, Fut>(
        self,
        mut attempt: F,
        mut failed: impl FnMut(&ApiError),
    ) -> Result<T, ApiError>
    where
        F: FnMut() -> Fut,
        Fut: std::future::Future<Output = Result<T, ApiError>>,
    {
        let mut pause = self.first_pause;
        let mut tried = 0;
        loop {
            tried += 1;
            match attempt().await {
                Err(err) if err.kind.is_retryable() && tried < self.tries => {
                    failed(&err);
                    tracing::info!(kind = ?err.kind, tried, "retrying after a transient failure");
                    tokio::time::sleep(pause).await;
                    pause *= 2;
                }
                other => return other,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ErrorKind;

    async fn count(policy: Retry, kind: ErrorKind) -> u32 {
        let mut calls = 0;
        let _ = policy
            .run(|| {
                calls += 1;
                async move { Err::<(), _>(ApiError::new(kind, "no")) }
            })
            .await;
        calls
    }

    #[tokio::test]
    async fn tries_counts_every_call_the_first_included() {
        let policy = Retry {
            tries: 3,
            first_pause: Duration::ZERO,
        };
        assert_eq!(count(policy, ErrorKind::Network).await, 3);
        assert_eq!(
            count(Retry { tries: 1, ..policy }, ErrorKind::Network).await,
            1
        );
        assert_eq!(
            count(policy, ErrorKind::NeedsReauth).await,
            1,
            "not transient"
        );
    }
}
