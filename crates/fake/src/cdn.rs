//! The fake CDN: signed, expiring URLs for the embedded demo pictures and a stub video.

use super::feed::Kind;
use super::respond::text_response;
use super::state::Shared;
use super::users::User;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::Response;
use std::collections::HashMap;
use std::hash::{DefaultHasher, Hash, Hasher};
use time::{Duration, OffsetDateTime};

/// How long a CDN URL stays valid after the feed handed it out (fake clock).
pub(crate) const CDN_URL_LIFETIME: Duration = Duration::hours(6);

pub(crate) struct Picture {
    pub bytes: &'static [u8],
    pub content_type: &'static str,
    pub ext: &'static str,
}

const fn jpeg(bytes: &'static [u8]) -> Picture {
    Picture {
        bytes,
        content_type: "image/jpeg",
        ext: "jpg",
    }
}

/// The project-made pictures of `assets/demo/` (see its README).
pub(crate) const PICTURES: &[Picture] = &[
    jpeg(include_bytes!("../../../assets/demo/lake_morning.jpg")),
    jpeg(include_bytes!("../../../assets/demo/sunset_ridge.jpg")),
    jpeg(include_bytes!("../../../assets/demo/night_stars.jpg")),
    jpeg(include_bytes!("../../../assets/demo/forest_fog.jpg")),
    Picture {
        bytes: include_bytes!("../../../assets/demo/shapes.png"),
        content_type: "image/png",
        ext: "png",
    },
    jpeg(include_bytes!("../../../assets/demo/autumn_gradient.jpg")),
    jpeg(include_bytes!("../../../assets/demo/snowfield.jpg")),
];

pub(crate) const IMAGE_COUNT: usize = PICTURES.len();

/// The start of an MP4 file (an `ftyp` box and an empty `mdat`): enough for a
/// content sniffer, not a playable video.
const MP4_STUB: &[u8] = b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom\x00\x00\x00\x08mdat";

#[derive(Clone, Copy, Debug)]
pub(crate) enum CdnFile {
    Picture(usize),
    Video,
}

/// Every file name the CDN knows, and what it serves for it.
pub(crate) struct CdnFiles {
    files: HashMap<String, CdnFile>,
}

impl CdnFiles {
    pub(crate) fn for_users(users: &[User]) -> CdnFiles {
        let mut files = HashMap::new();
        for user in users {
            files.insert(profile_name(&user.user_id), CdnFile::Picture(user.picture));
        }
        for post in users.iter().flat_map(|u| &u.account.posts) {
            files.insert(
                picture_name(&post.id, post.image),
                CdnFile::Picture(post.image),
            );
            if post.kind == Kind::Video {
                files.insert(video_name(&post.id), CdnFile::Video);
            }
            for child in &post.children {
                files.insert(
                    picture_name(&child.id, child.image),
                    CdnFile::Picture(child.image),
                );
                if child.kind == Kind::Video {
                    files.insert(video_name(&child.id), CdnFile::Video);
                }
            }
        }
        CdnFiles { files }
    }
}

pub(crate) fn picture_name(id: &str, image: usize) -> String {
    let ext = PICTURES.get(image).map_or("jpg", |p| p.ext);
    format!("{id}_n.{ext}")
}

pub(crate) fn video_name(id: &str) -> String {
    format!("{id}_720p.mp4")
}

pub(crate) fn profile_name(user_id: &str) -> String {
    format!("profile_{user_id}_n.jpg")
}

/// Hands out URLs signed for the current CDN epoch, valid until `expires`.
pub(crate) struct Signer {
    base: String,
    salt: u64,
    epoch: u32,
    expires: i64,
}

impl Signer {
    pub(super) fn new(app: &Shared, now: OffsetDateTime, epoch: u32) -> Signer {
        Signer {
            base: app.base_url.clone(),
            salt: app.cdn_salt,
            epoch,
            expires: (now + CDN_URL_LIFETIME).unix_timestamp(),
        }
    }

    pub(super) fn url(&self, file: &str) -> String {
        format!(
            "{}/cdn/{file}?oe={:X}&oh=00_{}",
            self.base,
            self.expires,
            signature(self.salt, self.epoch, file, self.expires)
        )
    }
}

fn signature(salt: u64, epoch: u32, file: &str, expires: i64) -> String {
    let mut hasher = DefaultHasher::new();
    (salt, epoch, file, expires).hash(&mut hasher);
    format!("{:016x}", hasher.finish())
}

/// `GET /cdn/{file}?oe=…&oh=…`.
pub(crate) fn serve(app: &Shared, file: &str, query: &str) -> Response {
    let Some(&served) = app.cdn.files.get(file) else {
        return text_response(StatusCode::NOT_FOUND, "text/plain", "Not Found");
    };
    let mut oe = None;
    let mut oh = None;
    for (key, value) in url::form_urlencoded::parse(query.as_bytes()) {
        match key.as_ref() {
            "oe" if oe.is_none() => oe = Some(value.into_owned()),
            "oh" if oh.is_none() => oh = Some(value.into_owned()),
            _ => {}
        }
    }
    let expires = oe.and_then(|oe| i64::from_str_radix(&oe, 16).ok());
    let hash = oh.and_then(|oh| oh.strip_prefix("00_").map(String::from));
    let (Some(expires), Some(hash)) = (expires, hash) else {
        return forbidden("Bad URL hash");
    };
    let (now, epoch) = {
        let inner = app.lock();
        (inner.now(), inner.cdn_epoch)
    };
    if now.unix_timestamp() > expires {
        return forbidden("URL signature expired");
    }
    if hash != signature(app.cdn_salt, epoch, file, expires) {
        let older = (0..epoch).any(|e| hash == signature(app.cdn_salt, e, file, expires));
        return forbidden(if older {
            "URL signature expired"
        } else {
            "URL signature mismatch"
        });
    }
    let mut response = match served {
        CdnFile::Picture(i) => match PICTURES.get(i) {
            Some(p) => text_response(StatusCode::OK, p.content_type, p.bytes),
            None => text_response(StatusCode::NOT_FOUND, "text/plain", "Not Found"),
        },
        CdnFile::Video => text_response(StatusCode::OK, "video/mp4", MP4_STUB),
    };
    response.headers_mut().insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("max-age=1209600, no-transform"),
    );
    response
}

fn forbidden(message: &'static str) -> Response {
    text_response(StatusCode::FORBIDDEN, "text/plain", message)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pictures_are_small_and_look_like_images() {
        let total: usize = PICTURES.iter().map(|p| p.bytes.len()).sum();
        assert!(total < 60 * 1024, "{total} bytes");
        for p in PICTURES {
            match p.content_type {
                "image/jpeg" => assert!(p.bytes.starts_with(&[0xff, 0xd8, 0xff])),
                "image/png" => assert!(p.bytes.starts_with(b"\x89PNG\r\n\x1a\n")),
                other => panic!("{other}"),
            }
        }
    }

    #[test]
    fn signatures_depend_on_every_part() {
        let a = signature(1, 0, "x.jpg", 10);
        assert_eq!(a, signature(1, 0, "x.jpg", 10));
        assert_ne!(a, signature(1, 1, "x.jpg", 10));
        assert_ne!(a, signature(1, 0, "y.jpg", 10));
        assert_ne!(a, signature(1, 0, "x.jpg", 11));
        assert_ne!(a, signature(2, 0, "x.jpg", 10));
    }
}
