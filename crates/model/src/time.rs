//! RFC 3339 UTC timestamps without a date crate (snapshots and the audit log
//! both stamp records; one formatter keeps them consistent).

use std::time::{SystemTime, UNIX_EPOCH};

/// Now, as `YYYY-MM-DDTHH:MM:SSZ`.
pub fn now_rfc3339() -> String {
    rfc3339(since_epoch().as_secs() as i64, None)
}

/// Now, with milliseconds: `YYYY-MM-DDTHH:MM:SS.mmmZ`.
pub fn now_rfc3339_millis() -> String {
    let d = since_epoch();
    rfc3339(d.as_secs() as i64, Some(d.subsec_millis()))
}

fn since_epoch() -> std::time::Duration {
    // A clock before 1970 is a broken host; the epoch is a harmless stand-in.
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default()
}

/// Seconds since the Unix epoch as RFC 3339 UTC, with milliseconds when given.
pub fn rfc3339(secs: i64, millis: Option<u32>) -> String {
    let days = secs.div_euclid(86_400);
    let rem = secs.rem_euclid(86_400);
    // Civil date from days since 1970-01-01 (Howard Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    let (h, m, s) = (rem / 3600, rem % 3600 / 60, rem % 60);
    match millis {
        Some(ms) => format!("{year:04}-{month:02}-{day:02}T{h:02}:{m:02}:{s:02}.{ms:03}Z"),
        None => format!("{year:04}-{month:02}-{day:02}T{h:02}:{m:02}:{s:02}Z"),
    }
}

#[cfg(test)]
mod tests {
    use super::rfc3339;

    #[test]
    fn formats_known_instants() {
        assert_eq!(rfc3339(0, None), "1970-01-01T00:00:00Z");
        assert_eq!(rfc3339(1_709_210_096, None), "2024-02-29T12:34:56Z");
        assert_eq!(rfc3339(0, Some(0)), "1970-01-01T00:00:00.000Z");
        assert_eq!(rfc3339(1_795_557_546, Some(7)), "2026-11-24T21:59:06.007Z");
        assert_eq!(rfc3339(951_782_400, Some(0)), "2000-02-29T00:00:00.000Z");
    }

    #[test]
    fn now_has_the_right_shape() {
        assert_eq!(super::now_rfc3339().len(), "1970-01-01T00:00:00Z".len());
        assert_eq!(
            super::now_rfc3339_millis().len(),
            "1970-01-01T00:00:00.000Z".len()
        );
    }
}
