//! Fetching media files from Instagram's CDN: signed URLs that expire, streamed to disk.

use super::Client;
use super::error::{ApiError, ErrorKind};
use futures::StreamExt;
use std::path::Path;
use std::time::Duration;
use tokio::io::AsyncWriteExt;

const MAX_TRIES: u32 = 3;

/// A whole transfer may take this long: a long video on a slow line needs
/// far more than the client's 30 s for an API call.
const TRANSFER_TIMEOUT: Duration = Duration::from_secs(60 * 60);

/// No byte for this long and the transfer counts as stalled (and is retried).
const STALL_TIMEOUT: Duration = Duration::from_secs(30);

impl ApiError {
    /// A signed CDN URL past its expiry (`URL signature expired`): fetching
    /// the post again gives a fresh one.
    pub fn is_expired_url(&self) -> bool {
        matches!(self.status, Some(403 | 410))
    }
}

impl Client {
    /// Streams `url` into `part` (created or truncated) and returns the
    /// declared content type. Transient failures start over, up to three
    /// times; the caller renames the finished file.
    pub async fn download_to(&self, url: &str, part: &Path) -> Result<Option<String>, ApiError> {
        let mut delay = Duration::from_millis(300);
        let mut tries = 0;
        loop {
            match self.download_once(url, part).await {
                Err(err) if err.kind.is_retryable() && tries + 1 < MAX_TRIES => {
                    tries += 1;
                    tokio::time::sleep(delay).await;
                    delay *= 2;
                }
                other => return other,
            }
        }
    }

    async fn download_once(&self, url: &str, part: &Path) -> Result<Option<String>, ApiError> {
        let request = self.http().get(url).timeout(TRANSFER_TIMEOUT).send();
        let response = tokio::time::timeout(STALL_TIMEOUT, request)
            .await
            .map_err(|_| stalled())?
            .map_err(|e| ApiError::network(&e))?;
        let status = response.status().as_u16();
        let content_type = response
            .headers()
            .get(reqwest::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .map(str::to_string);
        if !(200..300).contains(&status) {
            let body = response.bytes().await.unwrap_or_default();
            return Err(ApiError::from_response(
                status,
                content_type.as_deref(),
                &body,
            ));
        }
        let disk = |e: std::io::Error| {
            ApiError::new(
                ErrorKind::Other,
                format!(
                    "could not write {}: {e}; check free space and permissions",
                    part.display()
                ),
            )
        };
        let mut file = tokio::fs::File::create(part).await.map_err(disk)?;
        let mut stream = response.bytes_stream();
        loop {
            let next = tokio::time::timeout(STALL_TIMEOUT, stream.next())
                .await
                .map_err(|_| stalled())?;
            let Some(chunk) = next else {
                break;
            };
            let chunk = chunk.map_err(|e| ApiError::network(&e))?;
            file.write_all(&chunk).await.map_err(disk)?;
        }
        file.flush().await.map_err(disk)?;
        file.sync_all().await.map_err(disk)?;
        Ok(content_type)
    }
}

fn stalled() -> ApiError {
    ApiError::new(
        ErrorKind::Network,
        format!(
            "the transfer stalled: nothing arrived for {} s",
            STALL_TIMEOUT.as_secs()
        ),
    )
}
