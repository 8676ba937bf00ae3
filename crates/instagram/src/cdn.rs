//! Fetching media files from Instagram's CDN: signed URLs that expire, streamed to disk.

use super::Client;
use super::error::{ApiError, ErrorKind};
use super::limits::{Limits, duration_label, read_capped, size_label, too_large};
use super::retry::Retry;
use std::path::Path;
use std::time::Duration;
use tokio::io::AsyncWriteExt;

/// A file: three tries in all.
const DOWNLOAD_RETRY: Retry = Retry {
    tries: 3,
    first_pause: Duration::from_millis(300),
};

impl ApiError {
    /// A signed CDN URL past its expiry (`URL signature expired`): fetching
    /// the post again gives a fresh one.
    pub(crate) fn is_expired_url(&self) -> bool {
        matches!(self.status, Some(403 | 410))
    }
}

impl Client {
    /// Streams `url` into `part` (made anew, never through a link: see
    /// `create_part`) and returns the declared content type. A transient
    /// failure starts over (`DOWNLOAD_RETRY`: three tries in all); the
    /// caller renames the finished file.
    pub async fn download_to(&self, url: &str, part: &Path) -> Result<Option<String>, ApiError> {
        DOWNLOAD_RETRY.run(|| self.download_once(url, part)).await
    }

    async fn download_once(&self, url: &str, part: &Path) -> Result<Option<String>, ApiError> {
        let limits = *self.limits();
        // The whole try, headers to last byte: a steady trickle must end too.
        let deadline = tokio::time::Instant::now() + limits.transfer;
        match tokio::time::timeout_at(deadline, self.transfer(url, part, &limits)).await {
            Ok(result) => result,
            Err(_) => Err(ApiError::new(
                ErrorKind::Limit,
                format!(
                    "the transfer took longer than {}: instatui gave up on it",
                    duration_label(limits.transfer)
                ),
            )),
        }
    }

    async fn transfer(
        &self,
        url: &str,
        part: &Path,
        limits: &Limits,
    ) -> Result<Option<String>, ApiError> {
        // The client's 30 s budget is for API calls; the deadline above
        // bounds a transfer instead.
        let request = self.http().get(url).timeout(limits.transfer * 2).send();
        let mut response = tokio::time::timeout(limits.stall, request)
            .await
            .map_err(|_| stalled(limits))?
            .map_err(|e| ApiError::network(&e))?;
        let status = response.status().as_u16();
        let content_type = crate::client::header_text(&response, "content-type");
        if !(200..300).contains(&status) {
            let body = read_capped(response, limits.json_bytes, "the error page")
                .await
                .unwrap_or_default();
            return Err(ApiError::from_response(
                status,
                content_type.as_deref(),
                &body,
            ));
        }
        let cap = limits.download_bytes;
        if response.content_length().is_some_and(|len| len > cap) {
            return Err(too_large("the file", cap));
        }
        let disk = |e: std::io::Error| {
            ApiError::new(
                ErrorKind::Disk,
                format!(
                    "could not write {}: {e}; check free space and permissions",
                    part.display()
                ),
            )
        };
        let created = create_part(part).map_err(|e| match e.kind() {
            // Something planted under the part's name: the message says what.
            std::io::ErrorKind::AlreadyExists => ApiError::new(ErrorKind::Disk, e.to_string()),
            _ => disk(e),
        })?;
        let mut file = tokio::fs::File::from_std(created);
        let mut written: u64 = 0;
        let mut window_start = tokio::time::Instant::now();
        let mut window_bytes: u64 = 0;
        loop {
            let next = tokio::time::timeout(limits.stall, response.chunk())
                .await
                .map_err(|_| stalled(limits))?;
            let Some(chunk) = next.map_err(|e| ApiError::network(&e))? else {
                break;
            };
            written += chunk.len() as u64;
            if written > cap {
                return Err(too_large("the file", cap));
            }
            window_bytes += chunk.len() as u64;
            if window_start.elapsed() >= limits.window {
                if window_bytes < limits.window_bytes {
                    return Err(too_slow(limits, window_bytes));
                }
                window_start = tokio::time::Instant::now();
                window_bytes = 0;
            }
            file.write_all(&chunk).await.map_err(disk)?;
        }
        file.flush().await.map_err(disk)?;
        file.sync_all().await.map_err(disk)?;
        Ok(content_type)
    }
}

fn too_slow(limits: &Limits, got: u64) -> ApiError {
    ApiError::new(
        ErrorKind::Limit,
        format!(
            "the transfer was too slow: {} in {}, below instatui's floor of {} per {}",
            size_label(got),
            duration_label(limits.window),
            size_label(limits.window_bytes),
            duration_label(limits.window)
        ),
    )
}

fn stalled(limits: &Limits) -> ApiError {
    ApiError::new(
        ErrorKind::Network,
        format!(
            "the transfer stalled: nothing arrived for {}",
            duration_label(limits.stall)
        ),
    )
}

/// Creates `part` for a download to write into, new and empty. It is never
/// opened through a symbolic link (`O_NOFOLLOW` and exclusive creation): a
/// link planted under that name would make the download overwrite whatever
/// it points to. A plain file left by an earlier run that was cut short is
/// replaced; anything else there is refused, with what to do.
fn create_part(part: &Path) -> std::io::Result<std::fs::File> {
    let create = || {
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create_new(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            options.custom_flags(libc::O_NOFOLLOW);
        }
        options.open(part)
    };
    match create() {
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {}
        other => return other,
    }
    let found = std::fs::symlink_metadata(part)?;
    if !found.file_type().is_file() {
        let what = if found.file_type().is_symlink() {
            let to = std::fs::read_link(part)
                .map(|t| format!(" (to {})", t.display()))
                .unwrap_or_default();
            format!("a symbolic link{to}")
        } else {
            "not a plain file".to_string()
        };
        return Err(std::io::Error::new(
            std::io::ErrorKind::AlreadyExists,
            format!(
                "{} is {what}, which instatui never writes through: remove it",
                part.display()
            ),
        ));
    }
    // A leftover part: removed, then created anew. Should something take
    // its place in between, exclusive creation fails rather than follow it.
    std::fs::remove_file(part)?;
    create()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_part_file_is_created_anew_and_never_through_a_link() {
        let dir = tempfile::tempdir().expect("tempdir");
        let part = dir.path().join("p.part");
        // A leftover of an interrupted run is replaced, empty.
        std::fs::write(&part, b"half").expect("write");
        let mut file = create_part(&part).expect("created");
        std::io::Write::write_all(&mut file, b"new").expect("write");
        assert_eq!(std::fs::read(&part).expect("read"), b"new");
        #[cfg(unix)]
        {
            let victim = dir.path().join("victim");
            std::fs::write(&victim, b"precious").expect("write");
            let planted = dir.path().join("q.part");
            std::os::unix::fs::symlink(&victim, &planted).expect("symlink");
            let err = create_part(&planted).expect_err("refused");
            assert!(err.to_string().contains("symbolic link"), "{err}");
            assert_eq!(std::fs::read(&victim).expect("read"), b"precious");
            // A link to nowhere is refused too, and nothing is created there.
            let dangling = dir.path().join("r.part");
            std::os::unix::fs::symlink(dir.path().join("nowhere"), &dangling).expect("symlink");
            assert!(create_part(&dangling).is_err());
            assert!(!dir.path().join("nowhere").exists());
        }
    }
}
