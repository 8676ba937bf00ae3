//! Rate-limit usage reported in `X-App-Usage` and `X-Business-Use-Case-Usage`.

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

/// Percentages of the app's quota used, as last reported by Instagram.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct RateUsage {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub call_count: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub total_time: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub total_cputime: Option<u32>,
    /// Minutes until calls are accepted again, when throttled.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub estimated_time_to_regain_access: Option<u32>,
    #[serde(
        default,
        with = "time::serde::rfc3339::option",
        skip_serializing_if = "Option::is_none"
    )]
    pub seen_at: Option<OffsetDateTime>,
}

impl RateUsage {
    /// The highest of the percentages: what decides whether to slow down.
    pub fn peak(&self) -> u32 {
        [self.call_count, self.total_time, self.total_cputime]
            .into_iter()
            .flatten()
            .max()
            .unwrap_or(0)
    }

    /// Reads both headers; the business header is keyed by account id and
    /// holds a list, of which the busiest entry counts.
    pub(crate) fn from_headers(
        app_usage: Option<&str>,
        business_usage: Option<&str>,
        now: OffsetDateTime,
    ) -> Option<RateUsage> {
        #[derive(Deserialize, Default)]
        struct Entry {
            call_count: Option<u32>,
            total_time: Option<u32>,
            total_cputime: Option<u32>,
            estimated_time_to_regain_access: Option<u32>,
        }
        let mut entries: Vec<Entry> = Vec::new();
        if let Some(raw) = app_usage
            && let Ok(entry) = serde_json::from_str::<Entry>(raw)
        {
            entries.push(entry);
        }
        if let Some(raw) = business_usage
            && let Ok(map) =
                serde_json::from_str::<std::collections::BTreeMap<String, Vec<Entry>>>(raw)
        {
            entries.extend(map.into_values().flatten());
        }
        if entries.is_empty() {
            return None;
        }
        let max = |f: fn(&Entry) -> Option<u32>| entries.iter().filter_map(f).max();
        Some(RateUsage {
            call_count: max(|e| e.call_count),
            total_time: max(|e| e.total_time),
            total_cputime: max(|e| e.total_cputime),
            estimated_time_to_regain_access: max(|e| e.estimated_time_to_regain_access),
            seen_at: Some(now),
        })
    }

    pub fn summary(&self) -> String {
        let mut parts = Vec::new();
        if let Some(v) = self.call_count {
            parts.push(format!("calls {v}%"));
        }
        if let Some(v) = self.total_time {
            parts.push(format!("time {v}%"));
        }
        if let Some(v) = self.total_cputime {
            parts.push(format!("cpu {v}%"));
        }
        if let Some(v) = self.estimated_time_to_regain_access.filter(|v| *v > 0) {
            parts.push(format!("blocked for {v} min"));
        }
        if parts.is_empty() {
            "no usage reported".to_string()
        } else {
            parts.join(", ")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_fixture_headers() {
        let usage = RateUsage::from_headers(
            Some(r#"{"call_count":28,"total_time":25,"total_cputime":25}"#),
            Some(
                r#"{"17841405793187218":[{"type":"instagram","call_count":91,"total_cputime":12,"total_time":14,"estimated_time_to_regain_access":0}]}"#,
            ),
            OffsetDateTime::UNIX_EPOCH,
        )
        .expect("usage");
        assert_eq!(usage.call_count, Some(91));
        assert_eq!(usage.peak(), 91);
        assert_eq!(usage.summary(), "calls 91%, time 25%, cpu 25%");
    }

    #[test]
    fn garbage_headers_are_ignored() {
        assert_eq!(
            RateUsage::from_headers(Some("nope"), None, OffsetDateTime::UNIX_EPOCH),
            None
        );
    }
}
