//! Fetching media files from Instagram's CDN: signed URLs that expire, streamed to disk.

use super::Client;
use super::error::{ApiError, ErrorKind};
use super::limits::{Limits, duration_label, read_capped, size_label, too_large};
use super::retry::Retry;
use std::path::Path;
use std::time::Duration;

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

    /// Fails the way a busy host or link fails: 429, a 5xx, a timeout, a
    /// dropped connection. A download's pace slows down on it; a refusal
    /// (403, 404) or a full disk says nothing of the host's load.
    pub fn is_busy(&self) -> bool {
        matches!(
            self.kind,
            ErrorKind::RateLimited | ErrorKind::Transient | ErrorKind::Network
        ) || matches!(self.status, Some(429 | 503))
    }
}

/// How a downloaded file reaches the disk.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Saving {
    /// Flush the file's data to the disk before it is closed (`fdatasync`),
    /// for a caller that renames it at once. A caller that makes many files
    /// durable together (`instatui download`) leaves this off.
    pub sync: bool,
    /// The time the file gets (the post's), set on the open file, so no
    /// second open is needed.
    pub modified: Option<std::time::SystemTime>,
}

/// A finished download.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Downloaded {
    /// The content type the CDN declared.
    pub content_type: Option<String>,
    /// The file's length.
    pub bytes: u64,
    /// Tries that failed the way a busy host fails ([`ApiError::is_busy`])
    /// before one succeeded: a sign to slow down even though the file came.
    pub busy_tries: u32,
}

/// Bytes gathered in memory before they go to the file's writer: a picture
/// (tens to hundreds of KiB) reaches it whole, in one hand-off; a video in
/// steps of this size.
const HANDOFF_BYTES: usize = 1 << 20;

impl Client {
    /// Streams `url` into `part` (made anew, never through a link: see
    /// `create_part`) and returns the declared content type. A transient
    /// failure starts over (`DOWNLOAD_RETRY`: three tries in all); the
    /// caller renames the finished file. The data is flushed to the disk
    /// before this returns.
    pub async fn download_to(&self, url: &str, part: &Path) -> Result<Option<String>, ApiError> {
        let saving = Saving {
            sync: true,
            modified: None,
        };
        self.download_with(url, part, saving)
            .await
            .map(|d| d.content_type)
    }

    /// [`Client::download_to`], written as `saving` says, with the file's
    /// length and the busy tries. Each try writes its file from one blocking
    /// task: the body is gathered in memory and handed over whole (a
    /// video: a MiB at a time), not a thread hand-off per network chunk.
    pub async fn download_with(
        &self,
        url: &str,
        part: &Path,
        saving: Saving,
    ) -> Result<Downloaded, ApiError> {
        let mut busy = 0;
        let mut result = DOWNLOAD_RETRY
            .run_noting(
                || self.download_once(url, part, saving),
                |err| busy += u32::from(err.is_busy()),
            )
            .await;
        if let Ok(done) = &mut result {
            done.busy_tries = busy;
        }
        result
    }

    async fn download_once(
        &self,
        url: &str,
        part: &Path,
        saving: Saving,
    ) -> Result<Downloaded, ApiError> {
        let limits = *self.limits();
        // The whole try, headers to last byte: a steady trickle must end too.
        let deadline = tokio::time::Instant::now() + limits.transfer;
        match tokio::time::timeout_at(deadline, self.transfer(url, part, &limits, saving)).await {
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
        saving: Saving,
    ) -> Result<Downloaded, ApiError> {
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
        let expected = response
            .content_length()
            .and_then(|len| usize::try_from(len).ok())
            .unwrap_or(64 * 1024);
        let mut body = Body {
            pending: Vec::with_capacity(expected.min(HANDOFF_BYTES)),
            writer: None,
            part,
            saving,
            written: 0,
        };
        let read = body.read(&mut response, limits).await;
        let written = body.written;
        let wrote = body.finish(read.is_ok()).await;
        // A failed read is the news; the writer has stopped either way, so
        // nothing more reaches the part file after this returns.
        read?;
        wrote.map_err(|e| disk_error(part, e))?;
        Ok(Downloaded {
            content_type,
            bytes: written,
            busy_tries: 0,
        })
    }
}

/// One try's body on its way to the part file: gathered here, written by
/// one blocking task started with the first MiB or at the end.
struct Body<'a> {
    pending: Vec<u8>,
    writer: Option<Writer>,
    part: &'a Path,
    saving: Saving,
    written: u64,
}

struct Writer {
    batches: tokio::sync::mpsc::Sender<Vec<u8>>,
    task: tokio::task::JoinHandle<std::io::Result<()>>,
}

impl Body<'_> {
    async fn read(
        &mut self,
        response: &mut reqwest::Response,
        limits: &Limits,
    ) -> Result<(), ApiError> {
        let cap = limits.download_bytes;
        let mut window_start = tokio::time::Instant::now();
        let mut window_bytes: u64 = 0;
        loop {
            let next = tokio::time::timeout(limits.stall, response.chunk())
                .await
                .map_err(|_| stalled(limits))?;
            let Some(chunk) = next.map_err(|e| ApiError::network(&e))? else {
                return Ok(());
            };
            self.written += chunk.len() as u64;
            if self.written > cap {
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
            self.pending.extend_from_slice(&chunk);
            if self.pending.len() >= HANDOFF_BYTES && !self.hand_off().await {
                // The writer stopped (a full disk): its error is the news.
                return Ok(());
            }
        }
    }

    /// Hands what is gathered to the writer, starting it if need be; false
    /// when the writer has stopped.
    async fn hand_off(&mut self) -> bool {
        let batch = std::mem::take(&mut self.pending);
        let writer = self
            .writer
            .get_or_insert_with(|| spawn_writer(self.part.to_path_buf(), self.saving));
        writer.batches.send(batch).await.is_ok()
    }

    /// Ends the writer: with the rest of the body when the read went well
    /// (an empty body makes an empty file), else at once. Waits for it
    /// either way, so that no write outlives the try.
    async fn finish(mut self, complete: bool) -> std::io::Result<()> {
        if complete && (self.writer.is_none() || !self.pending.is_empty()) {
            self.hand_off().await;
        }
        let Some(Writer { batches, task }) = self.writer else {
            return Ok(());
        };
        drop(batches);
        task.await
            .unwrap_or_else(|e| Err(std::io::Error::other(format!("the writer failed: {e}"))))
    }
}

/// The one blocking task that writes a try's file: creates the part,
/// writes every batch, gives it its time, flushes it if asked.
fn spawn_writer(part: std::path::PathBuf, saving: Saving) -> Writer {
    let (batches, mut incoming) = tokio::sync::mpsc::channel::<Vec<u8>>(2);
    let task = tokio::task::spawn_blocking(move || {
        use std::io::Write;
        let mut file = create_part(&part)?;
        while let Some(batch) = incoming.blocking_recv() {
            file.write_all(&batch)?;
        }
        if let Some(at) = saving.modified
            && let Err(e) = file.set_modified(at)
        {
            // Not worth failing a download over: the file keeps today's time.
            tracing::debug!(path = %part.display(), error = %e, "could not set the file time");
        }
        if saving.sync {
            file.sync_data()?;
        }
        Ok(())
    });
    Writer { batches, task }
}

fn disk_error(part: &Path, e: std::io::Error) -> ApiError {
    match e.kind() {
        // Something planted under the part's name: the message says what.
        std::io::ErrorKind::AlreadyExists => ApiError::new(ErrorKind::Disk, e.to_string()),
        _ => ApiError::new(
            ErrorKind::Disk,
            format!(
                "could not write {}: {e}; check free space and permissions",
                part.display()
            ),
        ),
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
