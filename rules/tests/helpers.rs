mod common;

use common::*;
use triagekit_rules::{priority_matrix, ModelView, RuleOptions, RuleSet, TicketView};

fn tags(src: &str, t: &TicketView) -> Vec<String> {
    eval(src, t).tags.into_iter().map(String::from).collect()
}

#[test]
fn contains_any_is_case_insensitive_on_ascii_and_unicode() {
    let src = r#"
        rule "ascii" when contains_any(ticket.text, ["VPN IS DOWN", "nothing"]) { add_tag("ascii"); }
        rule "unicode" when contains_any(ticket.subject, ["STRAßE", "ÜBERWEISUNG"]) { add_tag("unicode"); }
        rule "other text" when contains_any(ticket.requester, ["EXAMPLE.COM"]) { add_tag("requester"); }
        rule "miss" when contains_any(ticket.text, ["printer", ""]) { add_tag("miss"); }
        rule "missing field" when contains_any(ticket.fields["nope"], ["x"]) { add_tag("nope"); }
    "#;
    assert_eq!(
        tags(src, &ticket("Überweisung an die Straße", "Our vpn is down since 9")),
        ["ascii", "unicode", "requester"]
    );
}

#[test]
fn contains_any_on_non_ticket_unicode_strings() {
    let src = r#"rule "u" when contains_any("GRÜßE aus KÖLN", ["köln"]) && !contains_any("ÄÖÜ", ["x"]) { add_tag("u"); }"#;
    assert_eq!(tags(src, &ticket("s", "b")), ["u"]);
}

#[test]
fn contains_all_needs_every_word() {
    let src = r#"
        rule "all" when contains_all(ticket.text, ["card", "STOLEN"]) { add_tag("all"); }
        rule "not all" when contains_all(ticket.text, ["card", "refund"]) { add_tag("not all"); }
    "#;
    assert_eq!(tags(src, &ticket("My card", "was stolen")), ["all"]);
}

#[test]
fn contains_any_rejects_non_string_words() {
    let o = eval(r#"rule "bad" when contains_any(ticket.text, [1]) { }"#, &ticket("s", "b"));
    assert!(trace(&o, "bad").error.as_deref().unwrap().contains("must be strings"));
}

#[test]
fn matches_uses_regex_and_reports_invalid_patterns_per_rule() {
    let src = r#"
        rule "order" when matches(ticket.body, "\\bORD-\\d{6}\\b") { add_tag("order"); }
        rule "case" when matches(ticket.subject, "(?i)^re: invoice") { add_tag("case"); }
        rule "no" when matches(ticket.subject, "^nope") { add_tag("no"); }
        rule "broken" { if matches(ticket.subject, "(" + ticket.id) { add_tag("broken"); } }
        rule "dynamic" when matches(ticket.body, "ORD-" + "\\d+") { add_tag("dynamic"); }
    "#;
    let o = eval(src, &ticket("RE: Invoice 12", "see ORD-123456 please"));
    assert_eq!(o.tags, ["order", "case", "dynamic"]);
    assert!(trace(&o, "broken").error.as_deref().unwrap().contains("invalid regex"));
}

#[test]
fn priority_matrix_matches_servicenow_defaults() {
    let expected = [["P1", "P2", "P3"], ["P2", "P3", "P4"], ["P3", "P4", "P5"]];
    for i in 1..=3 {
        for u in 1..=3 {
            assert_eq!(priority_matrix(i, u), Some(expected[(i - 1) as usize][(u - 1) as usize]));
        }
    }
    assert_eq!(priority_matrix(0, 1), None);
    assert_eq!(priority_matrix(1, 4), None);
}

#[test]
fn priority_matrix_in_rules_and_its_errors() {
    let t = TicketView { impact: Some(2), urgency: Some(1), ..ticket("s", "b") };
    let o = eval(r#"rule "m" { set_priority(priority_matrix(ticket.impact, ticket.urgency)); }"#, &t);
    assert_eq!(o.priority.as_deref(), Some("P2"));
    let o = eval(
        r#"rule "missing" { set_priority(priority_matrix(ticket.impact, 1)); }
           rule "range" { let i = 4; set_priority(priority_matrix(i, 1)); }"#,
        &ticket("s", "b"),
    );
    assert!(trace(&o, "missing").error.as_deref().unwrap().contains("impact is missing"));
    assert!(trace(&o, "range").error.as_deref().unwrap().contains("1..3"));
}

fn at(ts: &str) -> TicketView<'static> {
    TicketView { created_at: Some(ts.parse().unwrap()), ..ticket("s", "b") }
}

const HOURS: &str = r#"
    rule "open" when within_hours(ticket.created_at, "Europe/Berlin", "09:00", "17:00") { add_tag("open"); }
    rule "weekday" when within_hours(ticket.created_at, "Europe/Berlin", "Mon-Fri", "09:00", "17:00") { add_tag("weekday"); }
    rule "night" when within_hours(ticket.created_at, "Europe/Berlin", "22:00", "06:00") { add_tag("night"); }
    rule "weekend" when within_hours(ticket.created_at, "Europe/Berlin", "Sat,Sun", "00:00", "24:00") { add_tag("weekend"); }
"#;

#[test]
fn within_hours_uses_the_time_zone_and_weekdays() {
    // Wednesday 2026-11-18: 08:30 UTC is 09:30 in Berlin (CET, UTC+1).
    assert_eq!(tags(HOURS, &at("2026-11-18T08:30:00Z")), ["open", "weekday"]);
    // 07:30 UTC is 08:30 Berlin: before opening.
    assert!(tags(HOURS, &at("2026-11-18T07:30:00Z")).is_empty());
    // 16:00 UTC is 17:00 Berlin: the end is exclusive.
    assert!(tags(HOURS, &at("2026-11-18T16:00:00Z")).is_empty());
    // Saturday 2026-11-21 10:00 Berlin: open hours but not a weekday.
    assert_eq!(tags(HOURS, &at("2026-11-21T09:00:00Z")), ["open", "weekend"]);
    // 23:30 Berlin wraps past midnight.
    assert_eq!(tags(HOURS, &at("2026-11-18T22:30:00Z")), ["night"]);
    // Summer time: 2026-07-15 07:30 UTC is 09:30 CEST.
    assert_eq!(tags(HOURS, &at("2026-07-15T07:30:00Z")), ["open", "weekday"]);
}

#[test]
fn within_hours_without_created_at_uses_now_and_bad_input_errors() {
    let o = eval(
        r#"rule "always" when within_hours(ticket.created_at, "UTC", "00:00", "24:00") { add_tag("now"); }
           rule "bad zone" { let z = "Mars/Olympus"; within_hours(ticket.created_at, z, "09:00", "17:00"); }
           rule "bad time" { let t = "9am"; within_hours(ticket.created_at, "UTC", t, "17:00"); }
           rule "bad day" { let d = "Mon-Funday"; within_hours(ticket.created_at, "UTC", d, "09:00", "17:00"); }
           rule "string ts" when within_hours("2026-11-18T08:30:00Z", "Europe/Berlin", "09:00", "10:00") { add_tag("str"); }"#,
        &ticket("s", "b"),
    );
    assert_eq!(o.tags, ["now", "str"]);
    assert!(trace(&o, "bad zone").error.as_deref().unwrap().contains("time zone"));
    assert!(trace(&o, "bad time").error.as_deref().unwrap().contains("09:00"));
    assert!(trace(&o, "bad day").error.as_deref().unwrap().contains("weekday"));
}

#[test]
fn within_hours_and_now_read_the_callers_clock_not_the_machines() {
    let src = r#"rule "office" when within_hours(ticket.created_at, "Europe/Berlin", "Mon-Fri", "09:00", "17:00") { add_tag("office"); }
                 rule "clock" { add_tag(now().to_string()); }"#;
    let rs = rules(src);
    let at = |s: &str| rs.evaluate_at(&ticket("s", "b"), &Default::default(), s.parse().unwrap()).unwrap().tags;
    // Tuesday 12:00 UTC is 13:00 in Berlin; 03:00 UTC is 04:00; Saturday 23:30 UTC is Sunday.
    assert_eq!(at("2026-12-01T12:00:00Z"), ["office", "2026-12-01T12:00:00Z"]);
    assert_eq!(at("2026-12-01T03:00:00Z"), ["2026-12-01T03:00:00Z"]);
    assert_eq!(at("2026-12-05T23:30:00Z"), ["2026-12-05T23:30:00Z"]);
}

#[test]
fn a_bad_within_hours_spec_fails_at_every_hour() {
    let src = r#"rule "bad day" when within_hours(ticket.created_at, "UTC", "Mon-" + "Funday", "09:00", "17:00") { }"#;
    let rs = rules(src);
    for hour in ["03:00", "12:00", "23:30"] {
        let now = format!("2026-12-01T{hour}:00Z").parse().unwrap();
        let o = rs.evaluate_at(&ticket("s", "b"), &Default::default(), now).unwrap();
        assert!(trace(&o, "bad day").error.as_deref().unwrap_or("").contains("weekday"), "at {hour}: {:?}", o.trace);
    }
}

/// A night shift written with a day belongs to the day it starts on, natively and in Rhai,
/// across both daylight-saving changes of New York and Berlin in 2026.
#[test]
fn an_overnight_within_hours_window_belongs_to_its_start_day_across_dst() {
    let src = r#"
        rule "ny" when within_hours(ticket.created_at, "America/New_York", "Sat", "22:00", "06:00") { add_tag("ny"); }
        rule "berlin" when within_hours(ticket.created_at, "Europe/Berlin", "Sat", "22:00", "06:00") { add_tag("berlin"); }
        rule "mon" when within_hours(ticket.created_at, "UTC", "mon", "22:00", "06:00") { add_tag("mon"); }
        rule "rhai" { if within_hours(ticket.created_at, "America/New_York", "Sat", "22:00", "06:00") { add_tag("ny-rhai"); } }
    "#;
    let native = rules(src);
    let interpreted =
        RuleSet::compile(src, "t.rhai", RuleOptions { native: false, ..RuleOptions::default() }).unwrap();
    // (instant, rule tag, whether that rule matches); "ny" is also checked through Rhai ("ny-rhai").
    let cases = [
        // New York, spring forward on Sunday 2026-03-08 (02:00 EST -> 03:00 EDT).
        ("2026-03-08T03:00:00Z", "ny", true),  // Saturday 22:00 EST
        ("2026-03-08T02:59:00Z", "ny", false), // Saturday 21:59 EST
        ("2026-03-08T07:00:00Z", "ny", true),  // Sunday 03:00 EDT
        ("2026-03-08T09:59:00Z", "ny", true),  // Sunday 05:59 EDT
        ("2026-03-08T10:00:00Z", "ny", false), // Sunday 06:00 EDT: the shift is over
        // New York, fall back on Sunday 2026-11-01 (01:00-02:00 twice).
        ("2026-11-01T06:30:00Z", "ny", true),  // the second 01:30 (EST)
        ("2026-11-01T10:59:00Z", "ny", true),  // Sunday 05:59 EST
        ("2026-11-01T11:00:00Z", "ny", false), // Sunday 06:00 EST
        // Berlin, spring forward on Sunday 2026-03-29 and fall back on Sunday 2026-10-25.
        ("2026-03-29T03:59:00Z", "berlin", true),  // Sunday 05:59 CEST
        ("2026-03-29T04:00:00Z", "berlin", false), // Sunday 06:00 CEST
        ("2026-10-25T04:59:00Z", "berlin", true),  // Sunday 05:59 CET
        ("2026-10-25T05:00:00Z", "berlin", false), // Sunday 06:00 CET
        // Monday 2026-11-23 22:00 UTC to Tuesday 06:00: Tuesday 03:00 is Monday's shift,
        // Monday 03:00 is not (it belongs to Sunday, which has no shift).
        ("2026-11-24T03:00:00Z", "mon", true),
        ("2026-11-23T03:00:00Z", "mon", false),
    ];
    for (ts, tag, want) in cases {
        for (how, rs) in [("native", &native), ("rhai", &interpreted)] {
            let got = rs.evaluate_at(&at(ts), &ModelView::default(), NOW).unwrap().tags;
            assert_eq!(got.iter().any(|t| t == tag), want, "{how}: {tag} at {ts}: {got:?}");
            if tag == "ny" {
                assert_eq!(got.iter().any(|t| t == "ny-rhai"), want, "{how}: Rhai-run ny at {ts}");
            }
        }
    }
    assert!(native.native_rules() >= 3, "the literal specs run natively");
}

#[test]
fn weekday_names_must_be_full_names_or_three_letters() {
    for bad in ["monkey", "Tues", "Mo"] {
        let src = format!(r#"rule "d" when within_hours(ticket.created_at, "UTC", "{bad}", "09:00", "17:00") {{ }}"#);
        let err = RuleSet::compile(&src, "d.rhai", RuleOptions::default()).unwrap_err().to_string();
        assert!(err.contains("unknown weekday"), "{bad}: {err}");
    }
    let ok = r#"rule "d" when within_hours(ticket.created_at, "UTC", "MONDAY-fri,Sun", "09:00", "17:00") { add_tag("d"); }"#;
    assert_eq!(tags(ok, &at("2026-11-23T10:00:00Z")), ["d"]);
}
