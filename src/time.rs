//! The clock (`--now` / `ANNALS_NOW`) and dates in the project's time zone.

use chrono::{DateTime, NaiveDate, NaiveDateTime, TimeZone, Utc};

/// Parses an RFC 3339 instant, a `YYYY-MM-DDTHH:MM[:SS]` time (UTC), or a day (midnight UTC).
pub fn parse_now(s: &str) -> Result<DateTime<Utc>, String> {
    let s = s.trim();
    if let Ok(t) = DateTime::parse_from_rfc3339(s) {
        return Ok(t.with_timezone(&Utc));
    }
    for f in ["%Y-%m-%dT%H:%M:%S", "%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"] {
        if let Ok(t) = NaiveDateTime::parse_from_str(s, f) {
            return Ok(Utc.from_utc_datetime(&t));
        }
    }
    if let Ok(d) = NaiveDate::parse_from_str(s, "%Y-%m-%d") {
        return Ok(Utc.from_utc_datetime(&d.and_hms_opt(0, 0, 0).expect("midnight exists")));
    }
    Err("expected an RFC 3339 time such as `2026-06-30T12:00:00Z`, `YYYY-MM-DDTHH:MM` (UTC) or `YYYY-MM-DD`".to_string())
}

/// Now: `ANNALS_NOW` when set (tests and reproducible runs), else the system clock.
pub fn now() -> DateTime<Utc> {
    std::env::var("ANNALS_NOW")
        .ok()
        .and_then(|s| parse_now(&s).ok())
        .unwrap_or_else(Utc::now)
}

/// Today's date in the given zone.
pub fn today(tz: chrono_tz::Tz) -> NaiveDate {
    now().with_timezone(&tz).date_naive()
}

/// Parses `YYYY-MM-DD`, or a date-time `YYYY-MM-DDTHH:MM[:SS]` with an optional `Z`/offset.
pub fn valid_date(s: &str) -> bool {
    use chrono::{DateTime, NaiveDate, NaiveDateTime};
    let s = s.trim();
    NaiveDate::parse_from_str(s, "%Y-%m-%d").is_ok()
        || [
            "%Y-%m-%dT%H:%M",
            "%Y-%m-%dT%H:%M:%S",
            "%Y-%m-%d %H:%M",
            "%Y-%m-%d %H:%M:%S",
        ]
        .iter()
        .any(|f| NaiveDateTime::parse_from_str(s, f).is_ok())
        || DateTime::parse_from_rfc3339(s).is_ok()
        || DateTime::parse_from_str(s, "%Y-%m-%dT%H:%M%:z").is_ok()
        || DateTime::parse_from_str(s, "%Y-%m-%dT%H:%MZ").is_ok()
}

/// The project's calendar: which days count as working time, in which zone.
#[derive(Debug, Clone)]
pub struct Calendar {
    pub tz: chrono_tz::Tz,
    pub workdays: Vec<chrono::Weekday>,
}

impl Calendar {
    fn is_workday(&self, d: NaiveDate) -> bool {
        use chrono::Datelike;
        // With no workdays configured every day counts, rather than no time ever passing.
        self.workdays.is_empty() || self.workdays.contains(&d.weekday())
    }

    /// The instant local midnight starts `day` (the first valid instant on DST days).
    fn midnight(&self, day: NaiveDate) -> DateTime<Utc> {
        let mut t = day.and_hms_opt(0, 0, 0).expect("midnight exists");
        for _ in 0..4 {
            if let Some(local) = self.tz.from_local_datetime(&t).earliest() {
                return local.with_timezone(&Utc);
            }
            t += chrono::Duration::minutes(30);
        }
        Utc.from_utc_datetime(&t)
    }

    /// `start` plus `seconds` of working time.
    pub fn add_working(&self, start: DateTime<Utc>, seconds: i64) -> DateTime<Utc> {
        let mut left = seconds.max(0);
        let mut cur = start;
        // Bounded: a duration in annals.toml is at most a few years of days.
        for _ in 0..100_000 {
            let day = cur.with_timezone(&self.tz).date_naive();
            let next = self.midnight(day.succ_opt().unwrap_or(day));
            if self.is_workday(day) {
                let avail = (next - cur).num_seconds();
                if avail >= left {
                    return cur + chrono::Duration::seconds(left);
                }
                left -= avail;
            }
            cur = next;
        }
        cur
    }

    /// Seconds of working time in `[a, b)`.
    pub fn working_seconds(&self, a: DateTime<Utc>, b: DateTime<Utc>) -> i64 {
        let mut total = 0;
        let mut cur = a;
        for _ in 0..100_000 {
            if cur >= b {
                break;
            }
            let day = cur.with_timezone(&self.tz).date_naive();
            let next = self.midnight(day.succ_opt().unwrap_or(day)).min(b);
            if self.is_workday(day) {
                total += (next - cur).num_seconds();
            }
            cur = next;
        }
        total
    }

    /// A front matter date or date-time: offsets are honoured, naive times are local.
    pub fn parse_instant(&self, s: &str) -> Option<DateTime<Utc>> {
        let s = s.trim();
        if let Ok(t) = DateTime::parse_from_rfc3339(s) {
            return Some(t.with_timezone(&Utc));
        }
        for f in ["%Y-%m-%dT%H:%M%:z", "%Y-%m-%dT%H:%M%z"] {
            if let Ok(t) = DateTime::parse_from_str(s, f) {
                return Some(t.with_timezone(&Utc));
            }
        }
        if let Some(naive) = s.strip_suffix('Z')
            && let Ok(t) = NaiveDateTime::parse_from_str(naive, "%Y-%m-%dT%H:%M")
        {
            return Some(Utc.from_utc_datetime(&t));
        }
        for f in [
            "%Y-%m-%dT%H:%M:%S",
            "%Y-%m-%dT%H:%M",
            "%Y-%m-%d %H:%M:%S",
            "%Y-%m-%d %H:%M",
        ] {
            if let Ok(t) = NaiveDateTime::parse_from_str(s, f) {
                return self
                    .tz
                    .from_local_datetime(&t)
                    .earliest()
                    .map(|t| t.with_timezone(&Utc));
            }
        }
        NaiveDate::parse_from_str(s, "%Y-%m-%d")
            .ok()
            .map(|d| self.midnight(d))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utc_calendar() -> Calendar {
        use chrono::Weekday::{Fri, Mon, Thu, Tue, Wed};
        Calendar {
            tz: chrono_tz::UTC,
            workdays: vec![Mon, Tue, Wed, Thu, Fri],
        }
    }

    #[test]
    fn working_time_skips_weekends() {
        let c = utc_calendar();
        // Friday 2026-06-26 12:00 + 24 working hours = Monday 12:00.
        let fri = parse_now("2026-06-26T12:00:00Z").unwrap();
        assert_eq!(
            c.add_working(fri, 24 * 3600).to_rfc3339(),
            "2026-06-29T12:00:00+00:00"
        );
        let mon = parse_now("2026-06-29T12:00:00Z").unwrap();
        assert_eq!(c.working_seconds(fri, mon), 24 * 3600);
        assert_eq!(c.working_seconds(mon, fri), 0);
    }

    #[test]
    fn local_times_use_the_project_zone() {
        let c = Calendar {
            tz: chrono_tz::Europe::Paris,
            workdays: vec![],
        };
        assert_eq!(
            c.parse_instant("2026-06-30T10:00").unwrap().to_rfc3339(),
            "2026-06-30T08:00:00+00:00"
        );
        assert_eq!(
            c.parse_instant("2026-06-30T10:00+01:00")
                .unwrap()
                .to_rfc3339(),
            "2026-06-30T09:00:00+00:00"
        );
        assert_eq!(
            c.parse_instant("2026-06-30").unwrap().to_rfc3339(),
            "2026-06-29T22:00:00+00:00"
        );
    }

    #[test]
    fn parses_instants_and_days() {
        assert_eq!(
            parse_now("2026-06-30T12:00:00Z").unwrap().to_rfc3339(),
            "2026-06-30T12:00:00+00:00"
        );
        assert_eq!(
            parse_now("2026-06-30").unwrap().to_rfc3339(),
            "2026-06-30T00:00:00+00:00"
        );
        assert!(parse_now("yesterday").is_err());
    }
}
