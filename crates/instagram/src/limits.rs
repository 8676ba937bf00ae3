//! How much and how long one answer may take: size caps for API answers, pictures and downloads, a floor on a transfer's speed.

use super::error::{ApiError, ErrorKind};
use std::time::Duration;

const KIB: u64 = 1024;
pub const MIB: u64 = 1024 * KIB;
const GIB: u64 = 1024 * MIB;

/// The caps every read goes through. A hostile or broken server (or proxy)
/// could otherwise fill memory with an endless body or keep one transfer
/// alive for hours with a byte now and then.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// One API answer (JSON). A page of 100 posts with long captions is
    /// well under 1 MiB.
    pub json_bytes: u64,
    /// One picture for the detail pane.
    pub picture_bytes: u64,
    /// One downloaded file (Instagram's longest videos stay well below).
    pub download_bytes: u64,
    /// No byte for this long and a download counts as stalled.
    pub stall: Duration,
    /// Each stretch of this length must bring at least `window_bytes`…
    pub window: Duration,
    /// …else the download is too slow to be anything but a drip.
    pub window_bytes: u64,
    /// No download takes longer than this, however steady.
    pub transfer: Duration,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            json_bytes: 8 * MIB,
            picture_bytes: 50 * MIB,
            download_bytes: 4 * GIB,
            stall: Duration::from_secs(30),
            window: Duration::from_secs(60),
            // About 17 KiB/s: slower than any working line.
            window_bytes: MIB,
            transfer: Duration::from_secs(30 * 60),
        }
    }
}

/// `8 MiB`, `4 GiB`, `512 KiB`, `12 bytes`: for messages.
pub(crate) fn size_label(bytes: u64) -> String {
    if bytes >= GIB && bytes.is_multiple_of(GIB) {
        format!("{} GiB", bytes / GIB)
    } else if bytes >= MIB {
        format!("{} MiB", bytes / MIB)
    } else if bytes >= KIB {
        format!("{} KiB", bytes / KIB)
    } else {
        format!("{bytes} bytes")
    }
}

/// `2 minutes`, `30 s`, `250 ms`: for messages.
pub(crate) fn duration_label(d: Duration) -> String {
    let secs = d.as_secs();
    if secs >= 120 && secs.is_multiple_of(60) {
        format!("{} minutes", secs / 60)
    } else if secs >= 1 {
        format!("{secs} s")
    } else {
        format!("{} ms", d.as_millis())
    }
}

/// `what` went past `cap` bytes; `what` starts the sentence ("Instagram's
/// answer (GET /me)", "the picture").
pub(crate) fn too_large(what: &str, cap: u64) -> ApiError {
    ApiError::new(
        ErrorKind::Limit,
        format!(
            "{what} was larger than {}: instatui stopped reading it",
            size_label(cap)
        ),
    )
}

/// Reads a whole body, never holding more than `cap` bytes: a declared
/// length over the cap is refused before reading, an undeclared one is
/// counted as it arrives.
pub(crate) async fn read_capped(
    mut response: reqwest::Response,
    cap: u64,
    what: &str,
) -> Result<bytes::Bytes, ApiError> {
    if response.content_length().is_some_and(|len| len > cap) {
        return Err(too_large(what, cap));
    }
    let expected = response.content_length().unwrap_or(0).min(MIB) as usize;
    let mut body = Vec::with_capacity(expected);
    while let Some(chunk) = response.chunk().await.map_err(|e| ApiError::network(&e))? {
        if (body.len() + chunk.len()) as u64 > cap {
            return Err(too_large(what, cap));
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body.into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_read_naturally() {
        assert_eq!(size_label(8 * MIB), "8 MiB");
        assert_eq!(size_label(4 * GIB), "4 GiB");
        assert_eq!(size_label(512 * KIB), "512 KiB");
        assert_eq!(size_label(12), "12 bytes");
        assert_eq!(duration_label(Duration::from_secs(1800)), "30 minutes");
        assert_eq!(duration_label(Duration::from_secs(60)), "60 s");
        assert_eq!(duration_label(Duration::from_millis(250)), "250 ms");
    }
}
