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
    Err("expected an RFC 3339 time such as `2026-06-30T12:00:00Z`, or `YYYY-MM-DD`".to_string())
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

#[cfg(test)]
mod tests {
    use super::*;

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
