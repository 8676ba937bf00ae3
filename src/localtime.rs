//! Times shown to people, in their local offset, read once at start-up.

use std::sync::OnceLock;
use time::{OffsetDateTime, UtcOffset};

static LOCAL_OFFSET: OnceLock<UtcOffset> = OnceLock::new();

/// Reads the local offset. Call before any thread starts: the `time` crate
/// refuses to read it from a multi-threaded process on Unix.
pub fn init() {
    let offset = UtcOffset::current_local_offset().unwrap_or(UtcOffset::UTC);
    let _ = LOCAL_OFFSET.set(offset);
}

pub(crate) fn offset() -> UtcOffset {
    LOCAL_OFFSET.get().copied().unwrap_or(UtcOffset::UTC)
}

/// `t` in `offset`, or `None` when that falls outside the years the `time`
/// crate can hold (a server may send `9999-12-31T23:59:59-1000`, which is
/// year 10000 in UTC): callers then show `t` in its own offset instead of
/// panicking in `to_offset`.
fn shifted(t: OffsetDateTime, offset: UtcOffset) -> Option<OffsetDateTime> {
    t.checked_to_offset(offset)
}

/// `2026-11-28 17:04` in the given offset; a time that cannot be moved there
/// is shown as given, with its own offset: `9999-12-31 23:59 -10:00`.
pub(crate) fn format_in(t: OffsetDateTime, offset: UtcOffset) -> String {
    match shifted(t, offset) {
        Some(t) => format!("{} {:02}:{:02}", ymd(t), t.hour(), t.minute()),
        None => format!(
            "{} {:02}:{:02} {}",
            ymd(t),
            t.hour(),
            t.minute(),
            offset_label(t.offset())
        ),
    }
}

/// `2026-11-28` in the given offset, or the date as given when the time
/// cannot be moved there.
pub(crate) fn date_in(t: OffsetDateTime, offset: UtcOffset) -> String {
    ymd(shifted(t, offset).unwrap_or(t))
}

fn ymd(t: OffsetDateTime) -> String {
    format!("{:04}-{:02}-{:02}", t.year(), u8::from(t.month()), t.day())
}

/// `+05:30`, `-10:00`.
fn offset_label(offset: UtcOffset) -> String {
    let (h, m, _) = offset.as_hms();
    let sign = if offset.is_negative() { '-' } else { '+' };
    format!("{sign}{:02}:{:02}", h.unsigned_abs(), m.unsigned_abs())
}

/// `t` in UTC when it can be, otherwise unchanged (see [`format_in`]).
pub(crate) fn utc_or_as_is(t: OffsetDateTime) -> OffsetDateTime {
    shifted(t, UtcOffset::UTC).unwrap_or(t)
}

pub(crate) fn format_local(t: OffsetDateTime) -> String {
    format_in(t, offset())
}

pub(crate) fn rfc3339(t: OffsetDateTime) -> String {
    t.format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_else(|_| t.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::instagram::model::parse_timestamp;
    use proptest::prelude::*;
    use time::macros::{datetime, offset};

    #[test]
    fn the_last_representable_minute_is_shown_in_its_own_offset() {
        // Year 10000 in UTC: `to_offset` panicked here, in the feed, the
        // download names and the TUI's rows (every start, from the cache).
        let t = parse_timestamp("9999-12-31T23:59:59-1000").expect("parses");
        assert_eq!(format_in(t, UtcOffset::UTC), "9999-12-31 23:59 -10:00");
        assert_eq!(date_in(t, UtcOffset::UTC), "9999-12-31");
        assert_eq!(date_in(t, offset!(-11)), "9999-12-31");
        assert_eq!(utc_or_as_is(t), t);
        let early = parse_timestamp("0000-01-01T00:00:00+1400").expect("parses");
        assert_eq!(format_in(early, offset!(+14)), "0000-01-01 00:00");
        assert!(!format_in(early, UtcOffset::UTC).is_empty());
    }

    #[test]
    fn ordinary_times_move_to_the_offset() {
        let t = datetime!(2026-11-28 23:04 UTC);
        assert_eq!(format_in(t, offset!(+2)), "2026-11-29 01:04");
        assert_eq!(date_in(t, offset!(-1)), "2026-11-28");
        assert_eq!(offset_label(offset!(+5:30)), "+05:30");
        assert_eq!(offset_label(offset!(-0:30)), "-00:30");
    }

    fn any_offset() -> impl Strategy<Value = UtcOffset> {
        (-93_599i32..=93_599)
            .prop_map(|s| UtcOffset::from_whole_seconds(s).unwrap_or(UtcOffset::UTC))
    }

    proptest! {
        /// Every timestamp a server can send that parses, shown in any offset
        /// a machine can have, formats without panicking.
        #[test]
        fn any_parseable_timestamp_formats(
            year in 0u32..=9999, month in 1u32..=12, day in 1u32..=31,
            hour in 0u32..=23, minute in 0u32..=59, second in 0u32..=60,
            sign in prop::bool::ANY, oh in 0u32..=25, om in 0u32..=59,
            colon in prop::bool::ANY, shown_in in any_offset(),
        ) {
            let sign = if sign { '+' } else { '-' };
            let sep = if colon { ":" } else { "" };
            let raw = format!("{year:04}-{month:02}-{day:02}T{hour:02}:{minute:02}:{second:02}{sign}{oh:02}{sep}{om:02}");
            if let Some(t) = parse_timestamp(&raw) {
                let shown = format_in(t, shown_in);
                prop_assert!(shown.len() >= 16, "{raw} became {shown}");
                date_in(t, shown_in);
                date_in(t, UtcOffset::UTC);
                rfc3339(utc_or_as_is(t));
            }
        }

        /// Arbitrary text never panics the parser either.
        #[test]
        fn any_text_parses_or_not(raw in ".{0,40}") {
            if let Some(t) = parse_timestamp(&raw) {
                format_in(t, UtcOffset::UTC);
            }
        }
    }
}
