//! Working hours in the agent's own time zone, so a Berlin agent is not routed a ticket at 3 a.m. Berlin time.

use jiff::civil::{Time, Weekday};
use jiff::tz::TimeZone;
use jiff::Timestamp;
use serde::Deserialize;

use crate::error::{Result, TriageError};

/// When an agent works, as written in the roster file.
#[derive(Clone, Debug, Deserialize)]
pub struct HoursSpec {
    /// IANA time zone name, e.g. `Europe/Berlin`.
    pub tz: String,
    /// Working days: `"Mon-Fri"`, `"Mon,Wed,Fri"` or `"Sat-Sun"`; default Mon-Fri.
    #[serde(default)]
    pub days: Option<String>,
    /// Start of the shift, `HH:MM` local time.
    pub start: String,
    /// End of the shift, `HH:MM` local time; before `start` means the shift crosses midnight.
    pub end: String,
}

/// Compiled working hours: time zone resolved and times parsed once at roster load.
#[derive(Clone, Debug)]
pub struct WorkingHours {
    tz: TimeZone,
    days: [bool; 7],
    start: Time,
    end: Time,
}

impl WorkingHours {
    /// Validates a spec; a bad time zone or time is a roster error, not a silent "always on".
    pub fn compile(spec: &HoursSpec, agent: &str) -> Result<WorkingHours> {
        let bad = |what: String| TriageError::InvalidRoster(format!("agent {agent:?}: {what}"));
        let tz = TimeZone::get(&spec.tz).map_err(|e| bad(format!("unknown time zone {:?}: {e}", spec.tz)))?;
        let start = parse_time(&spec.start).ok_or_else(|| bad(format!("bad start time {:?}", spec.start)))?;
        let end = parse_time(&spec.end).ok_or_else(|| bad(format!("bad end time {:?}", spec.end)))?;
        let days = parse_days(spec.days.as_deref().unwrap_or("Mon-Fri"))
            .ok_or_else(|| bad(format!("bad days {:?}", spec.days)))?;
        Ok(WorkingHours { tz, days, start, end })
    }

    /// Whether `at` falls inside a shift; overnight shifts belong to the day they start.
    pub fn contains(&self, at: Timestamp) -> bool {
        let local = at.to_zoned(self.tz.clone()).datetime();
        let time = local.time();
        let day = weekday_index(local.weekday());
        if self.start <= self.end {
            self.days[day] && time >= self.start && time < self.end
        } else {
            let previous = (day + 6) % 7;
            (self.days[day] && time >= self.start) || (self.days[previous] && time < self.end)
        }
    }
}

fn parse_time(text: &str) -> Option<Time> {
    let (h, m) = text.trim().split_once(':')?;
    let (h, m): (i8, i8) = (h.parse().ok()?, m.parse().ok()?);
    if h == 24 && m == 0 {
        return Some(Time::MAX);
    }
    Time::new(h, m, 0, 0).ok()
}

fn weekday_index(day: Weekday) -> usize {
    day.to_monday_zero_offset() as usize
}

fn parse_day(name: &str) -> Option<usize> {
    let name = name.trim().to_ascii_lowercase();
    let days = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];
    days.iter().position(|d| name.starts_with(d))
}

/// Parses `Mon-Fri`, `Mon,Wed`, `Fri-Mon` (wrapping) and combinations.
fn parse_days(text: &str) -> Option<[bool; 7]> {
    let mut days = [false; 7];
    for part in text.split(',').filter(|p| !p.trim().is_empty()) {
        match part.split_once('-') {
            Some((from, to)) => {
                let (from, to) = (parse_day(from)?, parse_day(to)?);
                let mut d = from;
                loop {
                    days[d] = true;
                    if d == to {
                        break;
                    }
                    d = (d + 1) % 7;
                }
            }
            None => days[parse_day(part)?] = true,
        }
    }
    days.iter().any(|d| *d).then_some(days)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hours(tz: &str, days: &str, start: &str, end: &str) -> WorkingHours {
        let spec = HoursSpec { tz: tz.into(), days: Some(days.into()), start: start.into(), end: end.into() };
        WorkingHours::compile(&spec, "t").unwrap()
    }

    #[test]
    fn same_instant_differs_by_zone() {
        // 2026-11-23 is a Monday; 08:30 UTC is 09:30 in Berlin and 03:30 in New York.
        let at: Timestamp = "2026-11-23T08:30:00Z".parse().unwrap();
        assert!(hours("Europe/Berlin", "Mon-Fri", "09:00", "17:00").contains(at));
        assert!(!hours("America/New_York", "Mon-Fri", "09:00", "17:00").contains(at));
    }

    #[test]
    fn weekend_and_overnight() {
        let saturday: Timestamp = "2026-11-28T12:00:00Z".parse().unwrap();
        assert!(!hours("UTC", "Mon-Fri", "09:00", "17:00").contains(saturday));
        assert!(hours("UTC", "Sat-Sun", "09:00", "17:00").contains(saturday));
        // A Friday night shift still covers 02:00 on Saturday.
        let early_saturday: Timestamp = "2026-11-28T02:00:00Z".parse().unwrap();
        assert!(hours("UTC", "Fri", "22:00", "06:00").contains(early_saturday));
        assert!(!hours("UTC", "Sat", "22:00", "06:00").contains(early_saturday));
    }

    #[test]
    fn rejects_bad_specs() {
        let spec = HoursSpec { tz: "Mars/Olympus".into(), days: None, start: "09:00".into(), end: "17:00".into() };
        assert!(WorkingHours::compile(&spec, "t").is_err());
        let spec = HoursSpec { tz: "UTC".into(), days: Some("Funday".into()), start: "09:00".into(), end: "17:00".into() };
        assert!(WorkingHours::compile(&spec, "t").is_err());
        let spec = HoursSpec { tz: "UTC".into(), days: None, start: "25:00".into(), end: "17:00".into() };
        assert!(WorkingHours::compile(&spec, "t").is_err());
    }
}
