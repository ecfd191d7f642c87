//! Working hours: a time zone, a set of weekdays and a daily local-time window.
//!
//! One implementation for the rules' `within_hours` and for the roster's agent hours in core,
//! so a spec means the same thing in both places.
//!
//! - Times are `"HH:MM"`, `"00:00"` to `"24:00"`; the start is inclusive, the end exclusive.
//! - Days are `"Mon-Fri"`, `"Sat,Sun"`, `"Fri-Mon"` (wrapping) or `"Mon-Wed,Fri"`; each day is
//!   its full English name or its three-letter abbreviation, in any case (`"monkey"` is not
//!   Monday).
//! - **A window whose end is before its start crosses midnight and belongs to the day it
//!   starts on**: `"Mon"`, `"22:00"`..`"06:00"` covers Monday 22:00 to Tuesday 06:00, as a
//!   helpdesk rota reads it, and not Monday 00:00 to 06:00.
//! - The instant is read as local wall-clock time in the zone. Across a daylight-saving change
//!   the window keeps its wall-clock bounds, so a night shift is an hour shorter or longer in
//!   real time; in a repeated hour both instants of the same local time are treated alike.

use std::cell::RefCell;
use std::collections::HashMap;

use jiff::tz::TimeZone;
use jiff::Timestamp;

/// Every weekday, as a day set.
pub const ALL_DAYS: u8 = 0b111_1111;

/// A parsed working-hours spec; parse once, then test instants with [`WorkingHours::contains`].
#[derive(Clone, Debug)]
pub struct WorkingHours {
    zone: TimeZone,
    /// Bit 0 = Monday .. bit 6 = Sunday: the days a window may start on.
    days: u8,
    /// Minutes since local midnight.
    start: u32,
    end: u32,
}

impl WorkingHours {
    /// Parses a spec: an IANA zone name, an optional day set (`None` = every day) and the
    /// start and end times. The error message says which part is wrong and what is allowed;
    /// callers wrap it in their own typed error (a rule or a roster error).
    pub fn parse(zone: &str, days: Option<&str>, start: &str, end: &str) -> Result<WorkingHours, String> {
        let zone = time_zone(zone)?;
        let days = days.map(parse_days).transpose()?.unwrap_or(ALL_DAYS);
        let start = parse_time(start).map_err(|e| format!("start: {e}"))?;
        let end = parse_time(end).map_err(|e| format!("end: {e}"))?;
        Ok(WorkingHours { zone, days, start, end })
    }

    /// Whether `at` falls inside a window; a window crossing midnight belongs to its start day.
    pub fn contains(&self, at: Timestamp) -> bool {
        let local = self.zone.to_datetime(at);
        let minute = u32::from(local.hour().unsigned_abs()) * 60 + u32::from(local.minute().unsigned_abs());
        let day = u32::from(local.weekday().to_monday_zero_offset().unsigned_abs());
        let works = |d: u32| self.days & (1 << d) != 0;
        if self.start <= self.end {
            works(day) && self.start <= minute && minute < self.end
        } else {
            // The early part of the night belongs to the shift that started the day before.
            (works(day) && minute >= self.start) || (works((day + 6) % 7) && minute < self.end)
        }
    }
}

/// Parses `"HH:MM"` into minutes since midnight; `"24:00"` is allowed (as an end time).
pub(crate) fn parse_time(s: &str) -> Result<u32, String> {
    let bad = || format!("expected a time like \"09:00\" (00:00 to 24:00), got {s:?}");
    let (h, m) = s.trim().split_once(':').ok_or_else(bad)?;
    let (h, m): (u32, u32) = (h.parse().map_err(|_| bad())?, m.parse().map_err(|_| bad())?);
    if m >= 60 || h > 24 || (h == 24 && m != 0) {
        return Err(bad());
    }
    Ok(h * 60 + m)
}

const DAY_NAMES: [&str; 7] = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"];

/// Weekday index (0 = Monday) of a full name or a three-letter abbreviation, in any case.
fn parse_day(s: &str) -> Result<u32, String> {
    let l = s.trim().to_ascii_lowercase();
    DAY_NAMES
        .iter()
        .position(|d| *d == l || (l.len() == 3 && d.starts_with(&l)))
        .map(|i| i as u32)
        .ok_or_else(|| format!("unknown weekday {s:?} (use Mon, Tue, ... Sun, e.g. \"Mon-Fri\" or \"Sat,Sun\")"))
}

/// Parses `"Mon-Fri"`, `"Sat,Sun"`, `"Fri-Mon"` or `"Mon-Wed,Fri"` into a day set (bit 0 = Monday).
pub(crate) fn parse_days(spec: &str) -> Result<u8, String> {
    let mut set = 0u8;
    for part in spec.split(',').filter(|p| !p.trim().is_empty()) {
        match part.split_once('-') {
            Some((a, b)) => {
                let (a, b) = (parse_day(a)?, parse_day(b)?);
                let mut d = a;
                loop {
                    set |= 1 << d;
                    if d == b {
                        break;
                    }
                    d = (d + 1) % 7;
                }
            }
            None => set |= 1 << parse_day(part)?,
        }
    }
    if set == 0 {
        return Err(format!("no weekdays in {spec:?} (use e.g. \"Mon-Fri\" or \"Sat,Sun\")"));
    }
    Ok(set)
}

thread_local! {
    /// Time zones by name: rules may parse a spec per call, and the tz database lookup is the slow part.
    static ZONES: RefCell<HashMap<String, TimeZone>> = RefCell::new(HashMap::new());
}

/// The time zone with IANA name `name`, cached per thread.
pub(crate) fn time_zone(name: &str) -> Result<TimeZone, String> {
    let lookup = || {
        TimeZone::get(name)
            .map_err(|e| format!("unknown time zone {name:?} (use an IANA name such as \"Europe/Paris\" or \"UTC\"): {e}"))
    };
    ZONES
        .try_with(|z| {
            let Ok(mut z) = z.try_borrow_mut() else { return lookup() };
            if let Some(found) = z.get(name) {
                return Ok(found.clone());
            }
            let found = lookup()?;
            if z.len() >= 64 {
                z.clear();
            }
            z.insert(name.to_owned(), found.clone());
            Ok(found)
        })
        .unwrap_or_else(|_| lookup())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> Timestamp {
        s.parse().unwrap()
    }

    fn hours(zone: &str, days: &str, start: &str, end: &str) -> WorkingHours {
        WorkingHours::parse(zone, Some(days), start, end).unwrap()
    }

    #[test]
    fn day_names_are_full_names_or_three_letters() {
        assert_eq!(parse_days("mon"), Ok(1));
        assert_eq!(parse_days("MONDAY,sun"), Ok(1 | 64));
        assert_eq!(parse_days("Fri-Mon"), Ok(16 | 32 | 64 | 1));
        for bad in ["monkey", "Mo", "Tues", "Thur", "Funday", "", "Mon-", "sundays"] {
            assert!(parse_days(bad).is_err(), "{bad:?} is not a day spec");
        }
    }

    #[test]
    fn times_are_hh_mm_up_to_24_00() {
        assert_eq!(parse_time("09:30"), Ok(570));
        assert_eq!(parse_time("24:00"), Ok(1440));
        for bad in ["24:01", "9am", "12:60", "-1:00", ""] {
            assert!(parse_time(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn an_overnight_shift_belongs_to_its_start_day() {
        // 2026-11-23 is a Monday.
        let h = hours("UTC", "Mon", "22:00", "06:00");
        assert!(h.contains(at("2026-11-23T22:00:00Z")), "Monday 22:00");
        assert!(h.contains(at("2026-11-24T05:59:00Z")), "Tuesday 05:59 is still Monday's shift");
        assert!(!h.contains(at("2026-11-24T06:00:00Z")), "the end is exclusive");
        assert!(!h.contains(at("2026-11-23T03:00:00Z")), "Monday 03:00 is Sunday's shift");
        assert!(!h.contains(at("2026-11-24T22:30:00Z")), "Tuesday 22:30 starts no shift");
        let every_day = WorkingHours::parse("UTC", None, "22:00", "06:00").unwrap();
        assert!(every_day.contains(at("2026-11-23T03:00:00Z")));
        assert!(!every_day.contains(at("2026-11-23T12:00:00Z")));
    }

    #[test]
    fn new_york_night_shifts_across_both_dst_changes() {
        // Saturday 2026-03-07 22:00 EST to Sunday 06:00 EDT (clocks jump 02:00 -> 03:00).
        let spring = hours("America/New_York", "Sat", "22:00", "06:00");
        assert!(spring.contains(at("2026-03-08T03:00:00Z")), "Saturday 22:00 EST");
        assert!(spring.contains(at("2026-03-08T06:59:00Z")), "Sunday 01:59 EST");
        assert!(spring.contains(at("2026-03-08T07:00:00Z")), "Sunday 03:00 EDT");
        assert!(spring.contains(at("2026-03-08T09:59:00Z")), "Sunday 05:59 EDT");
        assert!(!spring.contains(at("2026-03-08T10:00:00Z")), "Sunday 06:00 EDT ends the shift");
        assert!(!spring.contains(at("2026-03-08T02:59:00Z")), "Saturday 21:59 EST");
        // Saturday 2026-10-31 22:00 EDT to Sunday 06:00 EST (01:00-02:00 happens twice).
        let fall = hours("America/New_York", "Sat", "22:00", "06:00");
        assert!(fall.contains(at("2026-11-01T05:30:00Z")), "first 01:30 (EDT)");
        assert!(fall.contains(at("2026-11-01T06:30:00Z")), "second 01:30 (EST)");
        assert!(fall.contains(at("2026-11-01T10:59:00Z")), "Sunday 05:59 EST");
        assert!(!fall.contains(at("2026-11-01T11:00:00Z")), "Sunday 06:00 EST ends the shift");
        // A Sunday day shift: 09:00 local is 13:00Z after the spring change and 14:00Z after the fall one.
        let day = hours("America/New_York", "Sun", "09:00", "17:00");
        assert!(day.contains(at("2026-03-08T13:00:00Z")) && !day.contains(at("2026-03-08T12:59:00Z")));
        assert!(day.contains(at("2026-11-01T14:00:00Z")) && !day.contains(at("2026-11-01T13:59:00Z")));
    }

    #[test]
    fn berlin_night_shifts_across_both_dst_changes() {
        // Saturday 2026-03-28 22:00 CET to Sunday 06:00 CEST (02:00 -> 03:00).
        let h = hours("Europe/Berlin", "Sat", "22:00", "06:00");
        assert!(h.contains(at("2026-03-28T21:00:00Z")), "Saturday 22:00 CET");
        assert!(h.contains(at("2026-03-29T03:59:00Z")), "Sunday 05:59 CEST");
        assert!(!h.contains(at("2026-03-29T04:00:00Z")), "Sunday 06:00 CEST");
        // Saturday 2026-10-24 22:00 CEST to Sunday 06:00 CET (03:00 -> 02:00).
        assert!(h.contains(at("2026-10-24T20:00:00Z")), "Saturday 22:00 CEST");
        assert!(!h.contains(at("2026-10-24T19:59:00Z")), "Saturday 21:59 CEST");
        assert!(h.contains(at("2026-10-25T04:59:00Z")), "Sunday 05:59 CET");
        assert!(!h.contains(at("2026-10-25T05:00:00Z")), "Sunday 06:00 CET");
        assert!(!hours("Europe/Berlin", "Sun", "22:00", "06:00").contains(at("2026-10-25T03:00:00Z")));
    }

    #[test]
    fn bad_specs_say_what_is_wrong() {
        let err = |z, d, s, e| WorkingHours::parse(z, d, s, e).unwrap_err();
        assert!(err("Mars/Olympus", None, "09:00", "17:00").contains("unknown time zone"));
        assert!(err("UTC", Some("monkey"), "09:00", "17:00").contains("unknown weekday"));
        assert!(err("UTC", None, "25:00", "17:00").starts_with("start:"));
        assert!(err("UTC", None, "09:00", "5pm").starts_with("end:"));
    }
}
