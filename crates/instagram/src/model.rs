//! Response bodies of the Instagram API, lenient about every shape the API is known to use.

use crate::secret::Secret;
use serde::de::{self, Deserializer};
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

/// The answer to the code exchange: a short-lived (1 h) token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShortToken {
    pub access_token: Secret,
    /// Kept as a string: ids exceed 2^53 and arrive as numbers or strings.
    pub user_id: String,
    pub permissions: Vec<String>,
}

#[derive(Deserialize)]
struct ShortTokenFlat {
    access_token: Secret,
    #[serde(default, deserialize_with = "id_string_opt")]
    user_id: Option<String>,
    #[serde(default, deserialize_with = "string_list")]
    permissions: Vec<String>,
}

#[derive(Deserialize)]
#[serde(untagged)]
enum ShortTokenShape {
    Wrapped { data: Vec<ShortTokenFlat> },
    Flat(ShortTokenFlat),
}

impl<'de> Deserialize<'de> for ShortToken {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let flat = match ShortTokenShape::deserialize(deserializer)? {
            ShortTokenShape::Flat(flat) => flat,
            ShortTokenShape::Wrapped { data } => data
                .into_iter()
                .next()
                .ok_or_else(|| de::Error::custom("token answer has an empty data list"))?,
        };
        Ok(ShortToken {
            access_token: flat.access_token,
            user_id: flat.user_id.unwrap_or_default(),
            permissions: flat.permissions,
        })
    }
}

/// The answer to the long-lived exchange and to a refresh.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct LongToken {
    pub access_token: Secret,
    #[serde(default)]
    pub token_type: Option<String>,
    /// Seconds until expiry; a few seconds under 60 days in practice.
    #[serde(deserialize_with = "int_lenient")]
    pub expires_in: i64,
}

/// `/me`. Every field but one id may be missing (a private account answers with `id` only).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Profile {
    #[serde(
        default,
        deserialize_with = "id_string_opt",
        skip_serializing_if = "Option::is_none"
    )]
    pub id: Option<String>,
    #[serde(
        default,
        deserialize_with = "id_string_opt",
        skip_serializing_if = "Option::is_none"
    )]
    pub user_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub username: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub account_type: Option<String>,
    #[serde(
        default,
        deserialize_with = "u64_opt",
        skip_serializing_if = "Option::is_none"
    )]
    pub media_count: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub profile_picture_url: Option<String>,
    #[serde(
        default,
        deserialize_with = "u64_opt",
        skip_serializing_if = "Option::is_none"
    )]
    pub followers_count: Option<u64>,
    #[serde(
        default,
        deserialize_with = "u64_opt",
        skip_serializing_if = "Option::is_none"
    )]
    pub follows_count: Option<u64>,
    /// The display name (`Larch & Lake 🌲`), not the username.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
}

impl Profile {
    /// The id that owns `/{id}/media`: the Instagram user id when known.
    pub fn media_owner_id(&self) -> Option<&str> {
        self.user_id.as_deref().or(self.id.as_deref())
    }

    /// `Business`, `BUSINESS` and `business` are the same account type.
    pub fn account_type_label(&self) -> Option<String> {
        self.account_type
            .as_ref()
            .map(|t| t.replace('_', " ").to_ascii_lowercase())
    }
}

/// Accepts `/me` flat or wrapped in `{"data":[…]}`. Anything else — `[]`,
/// a string, an object naming no account — is an error, so a stored
/// profile is never replaced by an empty one.
pub fn parse_profile(body: &[u8]) -> Result<Profile, serde_json::Error> {
    let value: serde_json::Value = serde_json::from_slice(body)?;
    let object = match value {
        serde_json::Value::Object(mut map) => match map.remove("data") {
            Some(serde_json::Value::Array(items)) => items
                .into_iter()
                .next()
                .ok_or_else(|| de::Error::custom("profile answer has an empty data list"))?,
            Some(other) => {
                map.insert("data".to_string(), other);
                serde_json::Value::Object(map)
            }
            None => serde_json::Value::Object(map),
        },
        _ => return Err(de::Error::custom("a profile must be a JSON object")),
    };
    if !object.is_object() {
        return Err(de::Error::custom("a profile must be a JSON object"));
    }
    let profile = Profile::deserialize(object)?;
    if profile.id.is_none() && profile.user_id.is_none() && profile.username.is_none() {
        return Err(de::Error::custom("the profile names no account"));
    }
    Ok(profile)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum MediaType {
    Image,
    Video,
    Album,
    Other,
}

impl MediaType {
    pub fn marker(self) -> &'static str {
        match self {
            MediaType::Image => "IMG",
            MediaType::Video => "VID",
            MediaType::Album => "ALB",
            MediaType::Other => "???",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            MediaType::Image => "image",
            MediaType::Video => "video",
            MediaType::Album => "album",
            MediaType::Other => "other",
        }
    }
}

/// One post, or one child of an album. Field names are the API's, so the
/// JSON output of `feed --json` is what Instagram sent.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Media {
    #[serde(deserialize_with = "id_string")]
    pub id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub caption: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub media_type: Option<String>,
    #[serde(
        default,
        deserialize_with = "url_opt",
        skip_serializing_if = "Option::is_none"
    )]
    pub media_url: Option<String>,
    #[serde(
        default,
        deserialize_with = "url_opt",
        skip_serializing_if = "Option::is_none"
    )]
    pub permalink: Option<String>,
    #[serde(
        default,
        deserialize_with = "url_opt",
        skip_serializing_if = "Option::is_none"
    )]
    pub thumbnail_url: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timestamp: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub username: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub media_product_type: Option<String>,
    #[serde(
        default,
        deserialize_with = "u64_opt",
        skip_serializing_if = "Option::is_none"
    )]
    pub like_count: Option<u64>,
    #[serde(
        default,
        deserialize_with = "u64_opt",
        skip_serializing_if = "Option::is_none"
    )]
    pub comments_count: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub children: Option<Children>,
}

#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Children {
    #[serde(default)]
    pub data: Vec<Media>,
}

/// What is said of a video the API gives no file for, wherever it is listed.
pub const VIDEO_UNAVAILABLE: &str = "video not available through the API";
/// Why, where there is room to say it.
pub const VIDEO_UNAVAILABLE_WHY: &str =
    "Instagram leaves the video out of reels with licensed music";

impl Media {
    pub fn kind(&self) -> MediaType {
        match self.media_type.as_deref() {
            Some("IMAGE") => MediaType::Image,
            Some("VIDEO") => MediaType::Video,
            Some("CAROUSEL_ALBUM") => MediaType::Album,
            _ => MediaType::Other,
        }
    }

    /// A video the API gives no file for: reels with licensed music come
    /// without `media_url` (only the cover, `thumbnail_url`).
    pub fn video_unavailable(&self) -> bool {
        self.kind() == MediaType::Video && self.media_url.is_none()
    }

    /// This post, or an item of its album, is such a video.
    pub fn has_unavailable_video(&self) -> bool {
        self.video_unavailable() || self.children().iter().any(Media::video_unavailable)
    }

    pub fn posted_at(&self) -> Option<OffsetDateTime> {
        self.timestamp.as_deref().and_then(parse_timestamp)
    }

    pub fn children(&self) -> &[Media] {
        self.children
            .as_ref()
            .map(|c| c.data.as_slice())
            .unwrap_or(&[])
    }

    /// The first line of the caption, or an empty string.
    pub fn caption_first_line(&self) -> &str {
        self.caption
            .as_deref()
            .and_then(|c| c.lines().find(|l| !l.trim().is_empty()))
            .map(str::trim)
            .unwrap_or("")
    }

    /// The file worth saving for this item: the picture or video itself, or
    /// for a video the API offers no file for, its cover.
    pub fn file_url(&self) -> Option<&str> {
        if self.video_unavailable() {
            self.thumbnail_url.as_deref()
        } else {
            self.media_url.as_deref()
        }
    }

    /// The picture to show for this item: the image itself, a video's
    /// thumbnail, or an album's cover.
    pub fn preview_url(&self) -> Option<&str> {
        match self.kind() {
            MediaType::Video => self.thumbnail_url.as_deref(),
            MediaType::Album => self
                .media_url
                .as_deref()
                .or_else(|| self.children().first().and_then(Media::preview_url)),
            _ => self.media_url.as_deref().or(self.thumbnail_url.as_deref()),
        }
    }
}

/// One page of `/{user-id}/media`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct MediaPage {
    pub data: Vec<Media>,
    pub paging: Option<Paging>,
    /// Items that could not be read as a post and were left out: one bad
    /// post must not make the whole page unusable.
    pub skipped: usize,
    /// The optional field Instagram refused: the page was asked for again
    /// without the optional fields (`Client::refused_field`).
    pub refused_field: Option<String>,
}

impl<'de> Deserialize<'de> for MediaPage {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        struct Raw {
            #[serde(default)]
            data: Vec<serde_json::Value>,
            #[serde(default)]
            paging: Option<Paging>,
        }
        let raw = Raw::deserialize(deserializer)?;
        let mut skipped = 0;
        let data = raw
            .data
            .into_iter()
            .filter_map(|item| match Media::deserialize(item) {
                Ok(media) => Some(media),
                Err(error) => {
                    tracing::warn!(%error, "a post could not be read and was skipped");
                    skipped += 1;
                    None
                }
            })
            .collect();
        Ok(MediaPage {
            data,
            paging: raw.paging,
            skipped,
            refused_field: None,
        })
    }
}

/// What a refused optional field costs the user, in one clause.
pub fn refused_note(field: &str) -> String {
    format!(
        "Instagram refused the field {field}, so posts are listed without reel marks, likes and comments"
    )
}

/// "1 post could not be read and was skipped", for `n` of them.
pub fn skipped_note(n: usize) -> Option<String> {
    match n {
        0 => None,
        1 => Some("1 post could not be read and was skipped".to_string()),
        n => Some(format!("{n} posts could not be read and were skipped")),
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Default, Deserialize)]
pub struct Paging {
    #[serde(default)]
    pub cursors: Option<Cursors>,
    #[serde(default)]
    pub next: Option<String>,
    #[serde(default)]
    pub previous: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Default, Deserialize)]
pub struct Cursors {
    #[serde(default)]
    pub before: Option<String>,
    #[serde(default)]
    pub after: Option<String>,
}

impl MediaPage {
    /// The cursor of the following page, or `None` at the end. The end is the
    /// absence of `next`, never a short page.
    pub fn next_cursor(&self) -> Option<&str> {
        let paging = self.paging.as_ref()?;
        paging.next.as_ref()?;
        paging.cursors.as_ref()?.after.as_deref()
    }
}

/// Parses `2020-10-27T09:54:36+0000` (no colon in the offset) and RFC 3339.
pub fn parse_timestamp(raw: &str) -> Option<OffsetDateTime> {
    use time::format_description::well_known::Rfc3339;
    let raw = raw.trim();
    if let Ok(t) = OffsetDateTime::parse(raw, &Rfc3339) {
        return Some(t);
    }
    let format = time::macros::format_description!(
        "[year]-[month]-[day]T[hour]:[minute]:[second][offset_hour sign:mandatory][offset_minute]"
    );
    OffsetDateTime::parse(raw, &format).ok()
}

fn id_string<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    id_string_opt(d)?.ok_or_else(|| de::Error::custom("id is null"))
}

pub(crate) fn id_string_opt<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    // serde_json's arbitrary_precision is off, so big numbers come in as u64
    // (ids fit) or f64 (they would not, and are refused rather than rounded).
    match serde_json::Value::deserialize(d)? {
        serde_json::Value::Null => Ok(None),
        serde_json::Value::String(s) => Ok(Some(s)),
        serde_json::Value::Number(n) if n.is_u64() || n.is_i64() => Ok(Some(n.to_string())),
        other => Err(de::Error::custom(format!("expected an id, found {other}"))),
    }
}

fn string_list<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<String>, D::Error> {
    match serde_json::Value::deserialize(d)? {
        serde_json::Value::Null => Ok(Vec::new()),
        serde_json::Value::String(s) => Ok(s
            .split(',')
            .map(str::trim)
            .filter(|p| !p.is_empty())
            .map(String::from)
            .collect()),
        serde_json::Value::Array(items) => Ok(items
            .into_iter()
            .filter_map(|v| v.as_str().map(String::from))
            .collect()),
        other => Err(de::Error::custom(format!("expected a list, found {other}"))),
    }
}

fn int_lenient<'de, D: Deserializer<'de>>(d: D) -> Result<i64, D::Error> {
    match serde_json::Value::deserialize(d)? {
        serde_json::Value::Number(n) => n
            .as_i64()
            .or_else(|| n.as_f64().map(|f| f as i64))
            .ok_or_else(|| de::Error::custom("number out of range")),
        serde_json::Value::String(s) => s.trim().parse().map_err(de::Error::custom),
        other => Err(de::Error::custom(format!(
            "expected a number, found {other}"
        ))),
    }
}

pub(crate) fn u64_opt<'de, D: Deserializer<'de>>(d: D) -> Result<Option<u64>, D::Error> {
    match serde_json::Value::deserialize(d)? {
        serde_json::Value::Number(n) => Ok(n.as_u64()),
        serde_json::Value::String(s) => Ok(s.trim().parse().ok()),
        _ => Ok(None),
    }
}

/// Undoes a second layer of `\/` escaping seen in saved responses, so a URL
/// stays usable instead of failing later.
fn url_opt<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    let raw = Option::<String>::deserialize(d)?;
    Ok(raw.map(|u| u.replace("\\/", "/")))
}
