//! Working hours as written in the roster file, checked at load in the agent's own time zone
//! (so a Berlin agent is not routed a ticket at 3 a.m. Berlin time). Parsing and matching are
//! the rules crate's, shared with `within_hours`: a shift whose end is before its start
//! crosses midnight and belongs to the day it starts on.

use serde::Deserialize;

pub use triagekit_rules::hours::WorkingHours;

/// When an agent works, as written in the roster file.
#[derive(Clone, Debug, Deserialize)]
pub struct HoursSpec {
    /// IANA time zone name, e.g. `Europe/Berlin`.
    pub tz: String,
    /// Days a shift starts on: `"Mon-Fri"`, `"Mon,Wed,Fri"` or `"Sat-Sun"`; default Mon-Fri.
    #[serde(default)]
    pub days: Option<String>,
    /// Start of the shift, `HH:MM` local time.
    pub start: String,
    /// End of the shift, `HH:MM` local time; before `start` means the shift crosses midnight
    /// into the next day.
    pub end: String,
}

/// Validates a spec; a bad time zone, day or time is a roster error, not a silent "always on".
pub(super) fn compile(spec: &HoursSpec) -> Result<WorkingHours, String> {
    let days = spec.days.as_deref().unwrap_or("Mon-Fri");
    WorkingHours::parse(&spec.tz, Some(days), &spec.start, &spec.end).map_err(|e| format!("hours: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::Timestamp;

    fn hours(tz: &str, days: &str, start: &str, end: &str) -> WorkingHours {
        compile(&HoursSpec { tz: tz.into(), days: Some(days.into()), start: start.into(), end: end.into() }).unwrap()
    }

    fn at(s: &str) -> Timestamp {
        s.parse().unwrap()
    }

    #[test]
    fn same_instant_differs_by_zone() {
        // 2026-11-23 is a Monday; 08:30 UTC is 09:30 in Berlin and 03:30 in New York.
        assert!(hours("Europe/Berlin", "Mon-Fri", "09:00", "17:00").contains(at("2026-11-23T08:30:00Z")));
        assert!(!hours("America/New_York", "Mon-Fri", "09:00", "17:00").contains(at("2026-11-23T08:30:00Z")));
    }

    #[test]
    fn weekend_and_overnight() {
        let saturday = at("2026-11-28T12:00:00Z");
        assert!(!hours("UTC", "Mon-Fri", "09:00", "17:00").contains(saturday));
        assert!(hours("UTC", "Sat-Sun", "09:00", "17:00").contains(saturday));
        // A Friday night shift still covers 02:00 on Saturday; Saturday's starts that evening.
        let early_saturday = at("2026-11-28T02:00:00Z");
        assert!(hours("UTC", "Fri", "22:00", "06:00").contains(early_saturday));
        assert!(!hours("UTC", "Sat", "22:00", "06:00").contains(early_saturday));
    }

    #[test]
    fn days_default_to_monday_to_friday() {
        let spec = HoursSpec { tz: "UTC".into(), days: None, start: "09:00".into(), end: "17:00".into() };
        let h = compile(&spec).unwrap();
        assert!(h.contains(at("2026-11-27T10:00:00Z")), "Friday");
        assert!(!h.contains(at("2026-11-28T10:00:00Z")), "Saturday");
    }

    #[test]
    fn rejects_bad_specs() {
        let spec = |tz: &str, days: Option<&str>, start: &str| HoursSpec {
            tz: tz.into(),
            days: days.map(Into::into),
            start: start.into(),
            end: "17:00".into(),
        };
        assert!(compile(&spec("Mars/Olympus", None, "09:00")).unwrap_err().contains("unknown time zone"));
        assert!(compile(&spec("UTC", Some("Funday"), "09:00")).is_err());
        // Only a full day name or its three letters: "monkey" is not Monday.
        assert!(compile(&spec("UTC", Some("monkey"), "09:00")).unwrap_err().contains("unknown weekday"));
        assert!(compile(&spec("UTC", None, "25:00")).unwrap_err().contains("start"));
    }
}
