//! Assignment: strategies, eligibility, capacity under concurrency, explanations.

use std::sync::Arc;

use serde_json::json;
use triagekit::rules::CompactString;
use triagekit::assign::{assign, AssignRequest, Presence, Roster, Strategy};

const MONDAY_MORNING_UTC: &str = "2026-11-23T10:00:00Z";

fn roster(value: serde_json::Value) -> Roster {
    Roster::from_value(value).unwrap()
}

fn request<'a>(group: &'a str) -> AssignRequest<'a> {
    AssignRequest {
        group,
        channel: "email",
        at: MONDAY_MORNING_UTC.parse().unwrap(),
        required_skills: &[],
        preferred_skills: &[],
        strategy: None,
        agent: None,
        commit: true,
    }
}

fn three_agents(strategy: &str) -> Roster {
    roster(json!({
        "groups": {"desk": {"strategy": strategy}},
        "agents": [
            {"id": "a", "groups": ["desk"], "capacity": 10},
            {"id": "b", "groups": ["desk"], "capacity": 10},
            {"id": "c", "groups": ["desk"], "capacity": 10}
        ]
    }))
}

fn picks(roster: &Roster, req: &AssignRequest, n: usize) -> Vec<String> {
    (0..n).map(|_| assign(roster, req).agent.map_or_else(|| "-".into(), String::from)).collect()
}

#[test]
fn round_robin_takes_turns_in_roster_order() {
    let r = three_agents("round-robin");
    assert_eq!(picks(&r, &request("desk"), 5), ["a", "b", "c", "a", "b"]);
}

#[test]
fn round_robin_skips_ineligible_agents_and_resumes_after_the_pick() {
    let r = three_agents("round-robin");
    r.set_presence("b", Presence::Offline).unwrap();
    assert_eq!(picks(&r, &request("desk"), 3), ["a", "c", "a"]);
    r.set_presence("b", Presence::Online).unwrap();
    assert_eq!(picks(&r, &request("desk"), 2), ["b", "c"]);
}

#[test]
fn least_loaded_prefers_spare_capacity_then_longest_idle() {
    let r = roster(json!({
        "groups": {"desk": {"strategy": "least-loaded"}},
        "agents": [
            {"id": "busy", "groups": ["desk"], "capacity": 10, "load": 8},
            {"id": "x", "groups": ["desk"], "capacity": 10, "load": 2},
            {"id": "y", "groups": ["desk"], "capacity": 10, "load": 2}
        ]
    }));
    // x and y tie on spare capacity: x first (roster order, neither assigned yet), then y
    // (x was just assigned and now has less spare), then x and y alternate by idle time.
    assert_eq!(picks(&r, &request("desk"), 4), ["x", "y", "x", "y"]);
    assert_eq!(r.agent("busy").unwrap().load(), 8);
    assert_eq!(r.agent("x").unwrap().load(), 4);
}

#[test]
fn least_loaded_tie_goes_to_whoever_was_assigned_longest_ago() {
    let r = roster(json!({
        "groups": {"desk": {"strategy": "least-loaded"}},
        "agents": [
            {"id": "x", "groups": ["desk"], "capacity": 10},
            {"id": "y", "groups": ["desk"], "capacity": 10}
        ]
    }));
    assert_eq!(picks(&r, &request("desk"), 2), ["x", "y"]);
    // Both now have 9 spare; x was assigned longer ago.
    r.ticket_closed("x", None).unwrap();
    r.ticket_closed("y", None).unwrap();
    assert_eq!(picks(&r, &request("desk"), 1), ["x"]);
}

#[test]
fn skills_based_requires_every_mandatory_skill_and_ranks_preferred() {
    let r = roster(json!({
        "groups": {"sec": {"strategy": "skills-based"}},
        "agents": [
            {"id": "generalist", "groups": ["sec"], "capacity": 5, "skills": ["phishing"]},
            {"id": "expert", "groups": ["sec"], "capacity": 5, "load": 4, "skills": {"phishing": 3, "forensics": 2}},
            {"id": "junior", "groups": ["sec"], "capacity": 5, "skills": {"phishing": 1, "forensics": 1}}
        ]
    }));
    let required: Vec<CompactString> = vec!["phishing".into()];
    let preferred: Vec<CompactString> = vec!["forensics".into()];
    let mut req = request("sec");
    req.required_skills = &required;
    req.preferred_skills = &preferred;
    req.commit = false;
    let trace = assign(&r, &req);
    // expert and junior both match the preferred skill; expert's levels are higher.
    assert_eq!(trace.agent.as_deref(), Some("expert"));

    let impossible: Vec<CompactString> = vec!["phishing".into(), "kernel".into()];
    req.required_skills = &impossible;
    let trace = assign(&r, &req);
    assert_eq!(trace.agent, None);
    assert!(trace.explanation.contains("3 agents missing required skills"), "{}", trace.explanation);
    assert!(trace.candidates.iter().all(|c| c.reason.contains("kernel")));
}

#[test]
fn manual_groups_queue_without_an_agent() {
    let r = three_agents("manual");
    let trace = assign(&r, &request("desk"));
    assert_eq!(trace.agent, None);
    assert!(trace.explanation.contains("manually"));
    assert_eq!(r.agent("a").unwrap().load(), 0);
}

#[test]
fn a_rule_can_override_the_group_strategy() {
    let r = three_agents("manual");
    let mut req = request("desk");
    req.strategy = Some(Strategy::RoundRobin);
    assert_eq!(assign(&r, &req).agent.as_deref(), Some("a"));
}

#[test]
fn explanation_counts_why_nobody_was_eligible() {
    let r = roster(json!({
        "agents": [
            {"id": "full1", "groups": ["desk"], "capacity": 2, "load": 2},
            {"id": "full2", "groups": ["desk"], "capacity": {"max": 5, "per_channel": {"email": 1}}, "load": {"email": 1}},
            {"id": "gone", "groups": ["desk"], "capacity": 5, "presence": "offline"},
            {"id": "asleep", "groups": ["desk"], "capacity": 5,
             "hours": {"tz": "America/Los_Angeles", "days": "Mon-Fri", "start": "09:00", "end": "17:00"}}
        ]
    }));
    let trace = assign(&r, &request("desk"));
    assert_eq!(trace.agent, None);
    assert_eq!(
        trace.explanation,
        "queued in desk: no eligible agent (2 agents at capacity, 1 agent offline, 1 agent outside working hours)"
    );
    let reasons: Vec<&str> = trace.candidates.iter().map(|c| c.reason.as_str()).collect();
    assert_eq!(reasons, ["at capacity (2/2)", "at capacity for email (1/1)", "offline", "outside working hours"]);
}

#[test]
fn per_channel_capacity_only_limits_that_channel() {
    let r = roster(json!({
        "agents": [{"id": "a", "groups": ["desk"], "capacity": {"max": 3, "per_channel": {"chat": 1}}}]
    }));
    let mut chat = request("desk");
    chat.channel = "chat";
    assert_eq!(assign(&r, &chat).agent.as_deref(), Some("a"));
    assert_eq!(assign(&r, &chat).agent, None, "second chat exceeds the chat cap");
    assert_eq!(assign(&r, &request("desk")).agent.as_deref(), Some("a"), "email still fits");
    r.ticket_closed("a", Some("chat")).unwrap();
    assert_eq!(assign(&r, &chat).agent.as_deref(), Some("a"));
}

#[test]
fn working_hours_follow_each_agents_time_zone() {
    let r = roster(json!({
        "agents": [
            {"id": "berlin", "groups": ["desk"], "capacity": 5,
             "hours": {"tz": "Europe/Berlin", "start": "09:00", "end": "17:00"}},
            {"id": "tokyo", "groups": ["desk"], "capacity": 5,
             "hours": {"tz": "Asia/Tokyo", "start": "09:00", "end": "17:00"}}
        ]
    }));
    let mut req = request("desk");
    req.commit = false;
    req.at = "2026-11-23T09:00:00Z".parse().unwrap(); // 10:00 Berlin, 18:00 Tokyo
    assert_eq!(assign(&r, &req).agent.as_deref(), Some("berlin"));
    req.at = "2026-11-23T01:00:00Z".parse().unwrap(); // 02:00 Berlin, 10:00 Tokyo
    assert_eq!(assign(&r, &req).agent.as_deref(), Some("tokyo"));
    req.at = "2026-11-22T10:00:00Z".parse().unwrap(); // Sunday everywhere
    assert_eq!(assign(&r, &req).agent, None);
}

/// A night shift belongs to the day it starts on (as `within_hours` in rules reads it), with
/// wall-clock bounds across New York's and Berlin's 2026 daylight-saving changes.
#[test]
fn night_shifts_belong_to_their_start_day_across_dst() {
    let r = roster(json!({
        "agents": [
            {"id": "ny", "groups": ["ny"], "capacity": 5,
             "hours": {"tz": "America/New_York", "days": "Sat", "start": "22:00", "end": "06:00"}},
            {"id": "berlin", "groups": ["berlin"], "capacity": 5,
             "hours": {"tz": "Europe/Berlin", "days": "sat", "start": "22:00", "end": "06:00"}},
            {"id": "mon", "groups": ["mon"], "capacity": 5,
             "hours": {"tz": "UTC", "days": "Monday", "start": "22:00", "end": "06:00"}}
        ]
    }));
    let cases = [
        ("ny", "2026-03-08T03:00:00Z", true),      // Saturday 22:00 EST
        ("ny", "2026-03-08T09:59:00Z", true),      // Sunday 05:59 EDT (after the spring change)
        ("ny", "2026-03-08T10:00:00Z", false),     // Sunday 06:00 EDT
        ("ny", "2026-11-01T06:30:00Z", true),      // the second 01:30 (EST) of the fall change
        ("ny", "2026-11-01T10:59:00Z", true),      // Sunday 05:59 EST
        ("ny", "2026-11-01T11:00:00Z", false),     // Sunday 06:00 EST
        ("berlin", "2026-03-29T03:59:00Z", true),  // Sunday 05:59 CEST
        ("berlin", "2026-03-29T04:00:00Z", false), // Sunday 06:00 CEST
        ("berlin", "2026-10-25T04:59:00Z", true),  // Sunday 05:59 CET
        ("berlin", "2026-10-25T05:00:00Z", false), // Sunday 06:00 CET
        ("mon", "2026-11-24T03:00:00Z", true),     // Tuesday 03:00: Monday's shift
        ("mon", "2026-11-23T03:00:00Z", false),    // Monday 03:00: Sunday's shift, none
    ];
    for (group, at, on) in cases {
        let mut req = request(group);
        req.commit = false;
        req.at = at.parse().unwrap();
        assert_eq!(assign(&r, &req).agent.is_some(), on, "{group} at {at}");
    }
}

#[test]
fn roster_day_names_are_full_names_or_three_letters() {
    for days in ["monkey", "Tues", "Mo"] {
        let spec = json!({"agents": [{"id": "a", "capacity": 1,
            "hours": {"tz": "UTC", "days": days, "start": "09:00", "end": "17:00"}}]});
        let err = Roster::from_value(spec).unwrap_err().to_string();
        assert!(err.contains("unknown weekday"), "{days}: {err}");
    }
}

#[test]
fn dry_run_leaves_loads_alone_and_commit_counts() {
    let r = three_agents("round-robin");
    let mut req = request("desk");
    req.commit = false;
    assign(&r, &req);
    assert_eq!(r.agents().iter().map(|a| a.load()).sum::<u32>(), 0);
    req.commit = true;
    let trace = assign(&r, &req);
    assert!(trace.committed);
    assert_eq!(r.agent(trace.agent.as_deref().unwrap()).unwrap().load(), 1);
}

#[test]
fn a_rule_named_agent_is_honoured_and_counted() {
    let r = three_agents("round-robin");
    let mut req = request("desk");
    req.agent = Some("c");
    let trace = assign(&r, &req);
    assert_eq!(trace.agent.as_deref(), Some("c"));
    assert_eq!(r.agent("c").unwrap().load(), 1);
    req.agent = Some("outsider");
    assert!(assign(&r, &req).explanation.contains("not on the roster"));
}

#[test]
fn concurrent_assignment_never_overfills_an_agent() {
    let r = Arc::new(roster(json!({
        "groups": {"desk": {"strategy": "least-loaded"}},
        "agents": [
            {"id": "a", "groups": ["desk"], "capacity": 37},
            {"id": "b", "groups": ["desk"], "capacity": {"max": 50, "per_channel": {"email": 23}}},
            {"id": "c", "groups": ["desk"], "capacity": 40, "load": 10}
        ]
    })));
    let capacity = 37 + 23 + 30;
    let threads = 8;
    let per_thread = 40; // 320 tickets for 90 slots
    let assigned: usize = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..threads)
            .map(|_| {
                let r = r.clone();
                scope.spawn(move || (0..per_thread).filter(|_| assign(&r, &request("desk")).agent.is_some()).count())
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).sum()
    });
    assert_eq!(assigned, capacity);
    assert_eq!(r.agent("a").unwrap().load(), 37);
    assert_eq!(r.agent("b").unwrap().load(), 23);
    assert_eq!(r.agent("c").unwrap().load(), 40);
    let total: u64 = r.agents().iter().map(|a| a.assigned_total()).sum();
    assert_eq!(total as usize, assigned);
}

#[test]
fn roster_rejects_inconsistent_files() {
    let dup = json!({"agents": [{"id": "a", "capacity": 1}, {"id": "a", "capacity": 2}]});
    assert!(Roster::from_value(dup).unwrap_err().to_string().contains("duplicate agent id \"a\""));
    let negative = json!({"agents": [{"id": "a", "capacity": -1}]});
    assert!(Roster::from_value(negative).unwrap_err().to_string().contains("must not be negative"));
    let strategy = json!({"groups": {"g": {"strategy": "random"}}, "agents": []});
    assert!(Roster::from_value(strategy).is_err());
    let zone = json!({"agents": [{"id": "a", "capacity": 1, "hours": {"tz": "Nowhere/City", "start": "09:00", "end": "17:00"}}]});
    assert!(Roster::from_value(zone).unwrap_err().to_string().contains("unknown time zone"));
    let missing = json!({"agents": [{"id": "a"}]});
    assert!(Roster::from_value(missing).is_err());
}

#[test]
fn runtime_updates_reject_unknown_agents() {
    let r = three_agents("round-robin");
    assert!(r.set_load("zed", 1).is_err());
    assert!(r.set_presence("zed", Presence::Away).is_err());
    assert!(r.ticket_closed("zed", None).is_err());
    r.set_load("a", 10).unwrap();
    assert_eq!(picks(&r, &request("desk"), 2), ["b", "c"]);
}

#[test]
fn restored_open_tickets_take_capacity_and_closing_frees_it() {
    let r = roster(json!({"agents": [{"id": "a", "groups": ["desk"], "capacity": {"max": 2, "per_channel": {"chat": 1}}}]}));
    r.ticket_opened("a", Some("chat")).unwrap();
    let mut chat = request("desk");
    chat.channel = "chat";
    assert_eq!(assign(&r, &chat).agent, None, "the restored chat fills the chat cap");
    assert_eq!(assign(&r, &request("desk")).agent.as_deref(), Some("a"));
    assert_eq!(r.agent("a").unwrap().load(), 2);
    r.ticket_closed("a", Some("chat")).unwrap();
    r.ticket_closed("a", Some("chat")).unwrap();
    r.ticket_closed("a", None).unwrap();
    assert_eq!(r.agent("a").unwrap().load(), 0, "never below zero");
    assert_eq!(Presence::parse("AWAY"), Some(Presence::Away));
    assert_eq!(Presence::Away.to_string(), "away");
}
