//! Insights and comments: their answers (`/{id}/insights`, `/{media-id}/comments`) and the
//! states Instagram answers with instead of numbers (not enough viewers, an album item, no permission).

use super::error::{ApiError, ErrorKind};
use super::model::{Paging, id_string_opt, u64_opt};
use serde::de::{self, Deserializer};
use serde::{Deserialize, Serialize};

/// The permission `/{id}/insights` needs (opted into at setup).
pub const INSIGHTS_SCOPE: &str = "instagram_business_manage_insights";
/// The permission `/{media-id}/comments` needs.
pub const COMMENTS_SCOPE: &str = "instagram_business_manage_comments";

/// What instatui asks of a post: its reach and what people did with it;
/// reels add the average watch time (asked of other posts it fails the call).
pub fn media_metrics(product_type: Option<&str>) -> Vec<&'static str> {
    let mut metrics = vec!["views", "reach", "saved", "shares", "total_interactions"];
    if product_type.is_some_and(|p| p.eq_ignore_ascii_case("REELS")) {
        metrics.push("ig_reels_avg_watch_time");
    }
    metrics
}

/// The account totals asked with `metric_type=total_value`.
pub const ACCOUNT_METRICS: &[&str] = &["views", "reach", "accounts_engaged", "total_interactions"];

/// One metric: `values[0].value` for a post's lifetime numbers,
/// `total_value.value` for an account's totals.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Insight {
    pub name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub period: Option<String>,
    /// `None` when Instagram sent no number for it.
    pub value: Option<u64>,
}

impl<'de> Deserialize<'de> for Insight {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        struct Value {
            #[serde(default, deserialize_with = "number_opt")]
            value: Option<u64>,
        }
        #[derive(Deserialize)]
        struct Raw {
            name: String,
            #[serde(default)]
            title: Option<String>,
            #[serde(default)]
            period: Option<String>,
            #[serde(default)]
            values: Vec<Value>,
            #[serde(default)]
            total_value: Option<Value>,
        }
        let raw = Raw::deserialize(deserializer)?;
        let value = raw
            .total_value
            .and_then(|v| v.value)
            .or_else(|| raw.values.first().and_then(|v| v.value));
        Ok(Insight {
            name: raw.name,
            title: raw.title,
            period: raw.period,
            value,
        })
    }
}

/// A count, or a duration in milliseconds: Graph sends whole numbers, now
/// and then as a float or a string.
fn number_opt<'de, D: Deserializer<'de>>(d: D) -> Result<Option<u64>, D::Error> {
    match serde_json::Value::deserialize(d)? {
        serde_json::Value::Number(n) => Ok(n
            .as_u64()
            .or_else(|| n.as_f64().filter(|f| *f >= 0.0).map(|f| f.round() as u64))),
        serde_json::Value::String(s) => Ok(s
            .trim()
            .parse::<f64>()
            .ok()
            .map(|f| f.max(0.0).round() as u64)),
        _ => Ok(None),
    }
}

/// `{"data":[…]}` of `/{id}/insights`; an empty list is Instagram's "no data
/// yet", not zeros. Entries that cannot be read are left out.
pub fn parse_insights(body: &[u8]) -> Result<Vec<Insight>, serde_json::Error> {
    #[derive(Deserialize)]
    struct Raw {
        data: Vec<serde_json::Value>,
    }
    let raw: Raw = serde_json::from_slice(body)?;
    Ok(raw
        .data
        .into_iter()
        .filter_map(|v| Insight::deserialize(v).ok())
        .collect())
}

/// What Instagram answers instead of a post's numbers, none of which is a
/// failure of instatui's or the user's to fix by retrying.
///
/// Told apart by Meta's codes where its reference gives one, by words only
/// where it gives none (docs/cli.md, "How Instagram's states are told"):
/// - not enough viewers: code 10 (Meta's Media Insights reference: "error
///   code 10 with the message (#10) Not enough viewers for the media to show
///   insights"); code 10 is also the Graph API's "permission denied", so
///   within code 10 the documented words tell the two apart;
/// - an item inside an album: Meta documents the rule ("Insights data is
///   not available for any media within an Instagram Media album") but no
///   code or words, so the words Instagram sends are the fallback, and only
///   on a refusal of the request (never a rate limit, an expired token or
///   an outage, whatever those say);
/// - a missing permission: the Graph API's permission codes, 10 and
///   200–299 ([`ErrorKind::Permission`]);
/// - no numbers yet (a new post, up to 48 h of delay): no error at all but
///   an empty `data` set, which Meta documents instead of zeros; the
///   callers read it from the answer's shape.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum InsightsState {
    /// Code 10, "(#10) Not enough viewers for the media to show insights".
    NotEnoughViewers,
    /// Items inside an album have no insights of their own.
    AlbumItem,
    /// The token was granted without the permission.
    MissingPermission,
}

/// Code 10: Meta's code for "not enough viewers", and the Graph API's
/// "permission denied".
const NOT_ENOUGH_VIEWERS_CODE: i64 = 10;

impl InsightsState {
    /// The state an error stands for, if it is one.
    pub fn of(err: &ApiError) -> Option<InsightsState> {
        // Only a refusal of this request can be a state: a rate limit, an
        // expired token or an outage stays what it is, whatever its words.
        if !matches!(
            err.kind,
            ErrorKind::Permission | ErrorKind::BadParameter | ErrorKind::Other
        ) {
            return None;
        }
        let message = err.message.to_ascii_lowercase();
        // An answer without a code (none is documented to come so) falls
        // back to the documented words alone.
        let code_10 = err.code.is_none_or(|c| c == NOT_ENOUGH_VIEWERS_CODE);
        if code_10 && message.contains("not enough viewers") {
            return Some(InsightsState::NotEnoughViewers);
        }
        // Meta's own sentence ("media within an Instagram Media album"),
        // the words instatui's fake sends ("within an album"), or a
        // carousel's child; not any mention of an album or carousel, which
        // a refused metric for an album as a whole (CAROUSEL_ALBUM) makes.
        let album_item = (message.contains("within an") && message.contains("album"))
            || (message.contains("carousel") && message.contains("child"));
        if album_item {
            return Some(InsightsState::AlbumItem);
        }
        (err.kind == ErrorKind::Permission).then_some(InsightsState::MissingPermission)
    }

    /// One line for the user.
    pub fn describe(self) -> &'static str {
        match self {
            InsightsState::NotEnoughViewers => {
                "Instagram shows no numbers for this post: not enough viewers yet"
            }
            InsightsState::AlbumItem => "items inside an album have no numbers of their own",
            InsightsState::MissingPermission => {
                "not granted: add instagram_business_manage_insights and authorize again"
            }
        }
    }
}

/// One comment or reply. Field names are the API's, so `comments --json`
/// is what Instagram sent.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Comment {
    #[serde(default, deserialize_with = "id_string_opt")]
    pub id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub username: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timestamp: Option<String>,
    #[serde(
        default,
        deserialize_with = "u64_opt",
        skip_serializing_if = "Option::is_none"
    )]
    pub like_count: Option<u64>,
    /// The `replies` edge, unwrapped from its `{"data":[…]}`.
    #[serde(
        default,
        deserialize_with = "replies",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub replies: Vec<Comment>,
}

fn replies<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<Comment>, D::Error> {
    #[derive(Deserialize)]
    struct Edge {
        #[serde(default)]
        data: Vec<serde_json::Value>,
    }
    match Option::<serde_json::Value>::deserialize(d)? {
        None | Some(serde_json::Value::Null) => Ok(Vec::new()),
        Some(value) => {
            let edge = Edge::deserialize(value).map_err(de::Error::custom)?;
            Ok(edge
                .data
                .into_iter()
                .filter_map(|v| Comment::deserialize(v).ok())
                .collect())
        }
    }
}

impl Comment {
    pub fn posted_at(&self) -> Option<time::OffsetDateTime> {
        self.timestamp
            .as_deref()
            .and_then(super::model::parse_timestamp)
    }
}

/// One page of `/{media-id}/comments`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Deserialize)]
pub struct CommentPage {
    #[serde(default, deserialize_with = "comment_list")]
    pub data: Vec<Comment>,
    #[serde(default)]
    pub paging: Option<Paging>,
}

fn comment_list<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<Comment>, D::Error> {
    let items = Vec::<serde_json::Value>::deserialize(d)?;
    Ok(items
        .into_iter()
        .filter_map(|v| Comment::deserialize(v).ok())
        .collect())
}

impl CommentPage {
    /// The cursor of the following page; the end is the absence of `next`.
    pub fn next_cursor(&self) -> Option<&str> {
        let paging = self.paging.as_ref()?;
        paging.next.as_ref()?;
        paging.cursors.as_ref()?.after.as_deref()
    }
}

/// `12`, `1,207` → `1.2k`, `12.3k`, `4.5M`: counts as Instagram shows them.
pub fn compact(n: u64) -> String {
    match n {
        0..=9_999 => n.to_string(),
        10_000..=999_999 => trim_decimal(n as f64 / 1_000.0, "k"),
        1_000_000..=999_999_999 => trim_decimal(n as f64 / 1_000_000.0, "M"),
        _ => trim_decimal(n as f64 / 1_000_000_000.0, "B"),
    }
}

fn trim_decimal(value: f64, unit: &str) -> String {
    // Rounded down, as Instagram does: 12,399 is 12.3k, never 12.4k.
    let tenths = (value * 10.0).floor() / 10.0;
    if tenths >= 100.0 || tenths.fract() == 0.0 {
        format!("{}{unit}", tenths.floor() as u64)
    } else {
        format!("{tenths:.1}{unit}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_are_compact() {
        assert_eq!(compact(0), "0");
        assert_eq!(compact(9_999), "9999");
        assert_eq!(compact(12_345), "12.3k");
        assert_eq!(compact(12_399), "12.3k");
        assert_eq!(compact(100_000), "100k");
        assert_eq!(compact(999_999), "999k");
        assert_eq!(compact(1_250_000), "1.2M");
        assert_eq!(compact(u64::MAX), "18446744073B");
    }

    #[test]
    fn reels_add_the_watch_time() {
        assert!(!media_metrics(Some("FEED")).contains(&"ig_reels_avg_watch_time"));
        assert!(media_metrics(Some("REELS")).contains(&"ig_reels_avg_watch_time"));
        assert!(!media_metrics(None).contains(&"ig_reels_avg_watch_time"));
    }

    #[test]
    fn both_value_shapes_read() {
        let body = br#"{"data":[
            {"name":"reach","period":"lifetime","values":[{"value":12}],"title":"Reach","id":"1/insights/reach/lifetime"},
            {"name":"views","period":"day","total_value":{"value":3400},"id":"2/insights/views/day"},
            {"name":"saved","values":[]},
            {"nope":1}
        ]}"#;
        let insights = parse_insights(body).unwrap();
        assert_eq!(insights.len(), 3);
        assert_eq!(insights[0].value, Some(12));
        assert_eq!(insights[1].value, Some(3400));
        assert_eq!(insights[2].value, None);
    }
}
