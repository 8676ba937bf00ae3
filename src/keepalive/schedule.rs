//! How often keep-alive runs and how close to expiry it refreshes, in the forms systemd, cron and launchd take.

use time::Duration;

/// `--every` and `--within`, checked so that a token cannot slip through
/// between two runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Schedule {
    pub(crate) every: Duration,
    pub(crate) within: Duration,
}

/// Instagram's long-lived tokens live 60 days and refresh once a day old.
const LIFETIME: Duration = crate::lifetime::LONG_LIFETIME;

impl Default for Schedule {
    fn default() -> Self {
        Schedule {
            every: Duration::hours(12),
            within: Duration::days(10),
        }
    }
}

impl Schedule {
    /// Checks the pair; the error is one sentence saying what to choose.
    pub(crate) fn new(every: Duration, within: Duration) -> Result<Schedule, String> {
        let secs = every.whole_seconds();
        let hours_dividing_a_day = secs > 0 && secs % 3600 == 0 && 86_400 % secs == 0;
        let whole_days = secs >= 86_400 && secs % 86_400 == 0 && secs <= 7 * 86_400;
        if !hours_dividing_a_day && !whole_days {
            return Err(format!(
                "--every {} cannot be scheduled: choose hours that divide a day (1h, 2h, 3h, 4h, 6h, 8h, 12h) or whole days up to 7d",
                format_arg(every)
            ));
        }
        // The rule docs/keep-alive.md states: more than --every plus a day.
        if within <= every + Duration::days(1) {
            return Err(format!(
                "--within {} leaves no room for a retry between runs every {}: choose more than {} (such as {})",
                format_arg(within),
                format_arg(every),
                format_arg(every + Duration::days(1)),
                format_arg(every + Duration::days(2))
            ));
        }
        if within >= LIFETIME - Duration::days(1) {
            return Err(format!(
                "--within {} would refresh tokens that are not yet a day old, which Instagram refuses: choose less than 59d (10d is plenty)",
                format_arg(within)
            ));
        }
        Ok(Schedule { every, within })
    }

    pub(crate) fn every_hours(&self) -> i64 {
        self.every.whole_hours()
    }

    /// `--every` as written in the units: `12h`, `2d`.
    pub(crate) fn every_arg(&self) -> String {
        format_arg(self.every)
    }

    /// `--if-expiring-within`'s value: `10d`.
    pub(crate) fn within_arg(&self) -> String {
        format_arg(self.within)
    }

    /// The five time fields of a crontab line. `slot` spreads machines
    /// over the hour (and the day), so that they do not all ask at :00.
    pub(crate) fn cron_fields(&self, slot: StartTime) -> String {
        let hours = self.every_hours();
        let days = self.every.whole_days();
        match hours {
            1 => format!("{} * * * *", slot.minute),
            24 => format!("{} {} * * *", slot.minute, slot.hour),
            h if h < 24 => format!("{} */{h} * * *", slot.minute),
            _ => format!("{} {} */{days} * *", slot.minute, slot.hour),
        }
    }

    /// systemd's `OnCalendar=` for the same times as [`Schedule::cron_fields`].
    pub(crate) fn on_calendar(&self, slot: StartTime) -> String {
        let hours = self.every_hours();
        let days = self.every.whole_days();
        match hours {
            h if h < 24 => format!("*-*-* 0/{h}:{:02}:00", slot.minute),
            24 => format!("*-*-* {:02}:{:02}:00", slot.hour, slot.minute),
            _ => format!("*-*-1/{days} {:02}:{:02}:00", slot.hour, slot.minute),
        }
    }
}

/// The minute (and hour, for daily runs) this machine's runs start at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct StartTime {
    pub(crate) minute: u8,
    pub(crate) hour: u8,
}

impl StartTime {
    /// Derived from a hash, so that installing again keeps the same times.
    pub(crate) fn from_hash(hash: u32) -> StartTime {
        StartTime {
            minute: (hash % 60) as u8,
            hour: (hash / 60 % 24) as u8,
        }
    }
}

/// `10d`, `36h`, `90m` or `45s`: the largest whole unit, which
/// `parse_duration` reads back to the same value.
pub(crate) fn format_arg(d: Duration) -> String {
    let s = d.whole_seconds();
    if s != 0 && s % 86_400 == 0 {
        format!("{}d", s / 86_400)
    } else if s != 0 && s % 3600 == 0 {
        format!("{}h", s / 3600)
    } else if s != 0 && s % 60 == 0 {
        format!("{}m", s / 60)
    } else {
        format!("{s}s")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SLOT: StartTime = StartTime {
        minute: 17,
        hour: 4,
    };

    #[test]
    fn the_default_runs_twice_a_day_and_refreshes_ten_days_ahead() {
        let s = Schedule::default();
        assert_eq!(Schedule::new(s.every, s.within), Ok(s));
        assert_eq!(s.cron_fields(SLOT), "17 */12 * * *");
        assert_eq!(s.on_calendar(SLOT), "*-*-* 0/12:17:00");
        assert_eq!(s.within_arg(), "10d");
    }

    #[test]
    fn hourly_daily_and_every_few_days() {
        let s = |every| Schedule::new(every, Duration::days(10)).expect("valid");
        assert_eq!(s(Duration::hours(1)).cron_fields(SLOT), "17 * * * *");
        assert_eq!(s(Duration::hours(24)).cron_fields(SLOT), "17 4 * * *");
        assert_eq!(s(Duration::hours(24)).on_calendar(SLOT), "*-*-* 04:17:00");
        assert_eq!(s(Duration::days(2)).cron_fields(SLOT), "17 4 */2 * *");
        assert_eq!(s(Duration::days(2)).on_calendar(SLOT), "*-*-1/2 04:17:00");
    }

    #[test]
    fn schedules_that_would_let_a_token_die_are_refused() {
        let err = Schedule::new(Duration::hours(5), Duration::days(10)).unwrap_err();
        assert!(err.contains("divide a day"), "{err}");
        let err = Schedule::new(Duration::days(7), Duration::days(7)).unwrap_err();
        assert!(err.contains("choose more than 8d (such as 9d)"), "{err}");
        let err = Schedule::new(Duration::hours(12), Duration::days(59)).unwrap_err();
        assert!(err.contains("less than 59d"), "{err}");
        assert!(Schedule::new(Duration::minutes(30), Duration::days(10)).is_err());
        assert!(Schedule::new(Duration::days(14), Duration::days(30)).is_err());
    }

    /// docs/keep-alive.md: `--within` must be more than `--every` plus a
    /// day, and under 59 days; the refusal names that same bound.
    #[test]
    fn the_within_rule_is_the_one_the_docs_state() {
        let every = Duration::hours(12);
        let bound = every + Duration::days(1);
        let err = Schedule::new(every, bound).unwrap_err();
        assert!(err.contains("choose more than 36h"), "{err}");
        assert!(Schedule::new(every, bound + Duration::hours(1)).is_ok());
        assert!(Schedule::new(every, Duration::days(59) - Duration::hours(1)).is_ok());
        assert!(Schedule::new(every, Duration::days(59)).is_err());
        let docs = include_str!("../../docs/keep-alive.md").replace('\n', " ");
        for rule in ["(more than `--every` plus a day)", "under 59 days"] {
            assert!(
                docs.contains(rule),
                "docs/keep-alive.md no longer says {rule}"
            );
        }
    }

    #[test]
    fn arguments_read_back_the_same() {
        for d in [
            Duration::days(10),
            Duration::hours(36),
            Duration::minutes(90),
            Duration::seconds(45),
        ] {
            assert_eq!(crate::lifetime::parse_duration(&format_arg(d)), Ok(d));
        }
    }

    #[test]
    fn slots_stay_in_range() {
        for hash in [0, 59, 60, 1439, 1440, u32::MAX] {
            let slot = StartTime::from_hash(hash);
            assert!(slot.minute < 60 && slot.hour < 24, "{slot:?}");
        }
    }
}
