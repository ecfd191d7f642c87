//! Picks an agent: eligibility first, then the group's strategy, then an atomic capacity claim.

use std::cmp::Reverse;
use std::sync::atomic::Ordering;

use jiff::Timestamp;
use compact_str::CompactString;
use serde::{Deserialize, Serialize};

use super::roster::{Agent, CapacityFull, Presence, Roster};
use super::strategy::Strategy;

/// What the assignment step needs to know about one ticket.
#[derive(Clone, Debug)]
pub struct AssignRequest<'a> {
    /// The group chosen by rules, model or default.
    pub group: &'a str,
    /// The ticket's channel, for per-channel capacity.
    pub channel: &'a str,
    /// The moment to check working hours against (ticket creation, or now).
    pub at: Timestamp,
    /// Skills every candidate must have (from rules).
    pub required_skills: &'a [CompactString],
    /// Skills that rank candidates higher (from rules).
    pub preferred_skills: &'a [CompactString],
    /// A rule's override of the group's strategy.
    pub strategy: Option<Strategy>,
    /// A rule's explicit agent; bypasses the strategy.
    pub agent: Option<&'a str>,
    /// Count the ticket against the agent's load (false = dry run).
    pub commit: bool,
}

/// How one agent of the group fared.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CandidateTrace {
    /// Agent id.
    pub agent: CompactString,
    /// Whether the agent could have taken the ticket.
    pub eligible: bool,
    /// Why the agent was or was not picked, in words an admin reads.
    pub reason: String,
}

/// The assignment step's part of the decision trace.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct AssignmentTrace {
    /// The group routed to.
    pub group: CompactString,
    /// The strategy used, if the group has agents.
    pub strategy: Option<Strategy>,
    /// The agent picked, if any.
    pub agent: Option<CompactString>,
    /// Whether the agent's load was incremented.
    pub committed: bool,
    /// Every member of the group considered, in roster order.
    pub candidates: Vec<CandidateTrace>,
    /// One sentence explaining the outcome.
    pub explanation: String,
}

#[derive(Default)]
struct Ineligible {
    offline: usize,
    away: usize,
    off_hours: usize,
    at_capacity: usize,
    missing_skills: usize,
}

impl Ineligible {
    fn summary(&self) -> String {
        let parts = [
            (self.at_capacity, "at capacity"),
            (self.offline, "offline"),
            (self.away, "away"),
            (self.off_hours, "outside working hours"),
            (self.missing_skills, "missing required skills"),
        ];
        let words: Vec<String> = parts
            .iter()
            .filter(|(n, _)| *n > 0)
            .map(|(n, what)| format!("{n} agent{} {what}", if *n == 1 { "" } else { "s" }))
            .collect();
        words.join(", ")
    }
}

struct Ranked<'r> {
    position: usize,
    agent: &'r Agent,
    spare: u32,
    preferred: usize,
    level_sum: u32,
}

/// Assigns the ticket described by `request`; never fails: when nobody can take it the ticket
/// stays in the group's queue and the trace says why.
pub fn assign(roster: &Roster, request: &AssignRequest) -> AssignmentTrace {
    let mut trace = AssignmentTrace { group: CompactString::new(request.group), ..AssignmentTrace::default() };
    if let Some(agent_id) = request.agent {
        return assign_named(roster, request, agent_id, trace);
    }
    let Some(group) = roster.group(request.group) else {
        trace.explanation = format!("queued in {}: the roster has no such group", request.group);
        return trace;
    };
    let strategy = request.strategy.unwrap_or(group.strategy);
    trace.strategy = Some(strategy);
    if strategy == Strategy::Manual {
        trace.explanation = format!("queued in {}: the group is assigned manually", request.group);
        return trace;
    }
    if group.members.is_empty() {
        trace.explanation = format!("queued in {}: the group has no agents", request.group);
        return trace;
    }

    let mut ineligible = Ineligible::default();
    let mut ranked = Vec::with_capacity(group.members.len());
    for (position, &index) in group.members.iter().enumerate() {
        let agent = &roster.agents()[index];
        match check_eligible(agent, request, &mut ineligible) {
            Ok(spare) => {
                let (preferred, level_sum) = skill_score(agent, request);
                ranked.push(Ranked { position, agent, spare, preferred, level_sum });
            }
            Err(reason) => trace.candidates.push(CandidateTrace { agent: CompactString::new(&agent.id), eligible: false, reason }),
        }
    }
    rank(&mut ranked, strategy, group.cursor.load(Ordering::Relaxed), group.members.len());

    let mut picked = None;
    for (rank_index, candidate) in ranked.iter().enumerate() {
        let (eligible, reason) = if picked.is_some() {
            (true, format!("eligible, ranked #{} ({} spare)", rank_index + 1, candidate.spare))
        } else if !request.commit {
            picked = Some(candidate);
            (true, format!("picked by {strategy} (dry run): {} spare, {}", candidate.spare, skill_words(candidate)))
        } else {
            match candidate.agent.try_take(request.channel) {
                Ok(()) => {
                    picked = Some(candidate);
                    (true, format!("picked by {strategy}: {} spare, {}", candidate.spare, skill_words(candidate)))
                }
                Err(full) => (false, format!("filled by a concurrent assignment ({})", capacity_words(&full))),
            }
        };
        trace.candidates.push(CandidateTrace { agent: CompactString::new(&candidate.agent.id), eligible, reason });
    }
    // Keep the trace in roster order whatever the ranking, so admins can scan it.
    trace.candidates.sort_by_key(|c| roster.agent_index(&c.agent));

    match picked {
        Some(candidate) => {
            // A dry run leaves every piece of routing state as it was, round-robin cursor included.
            if request.commit {
                candidate.agent.record_assignment(roster.next_sequence());
                group.record_assignment();
                group.cursor.store((candidate.position + 1) % group.members.len(), Ordering::Relaxed);
                trace.committed = true;
            }
            trace.agent = Some(CompactString::new(&candidate.agent.id));
            trace.explanation = format!("assigned to {} in {} by {strategy}", candidate.agent.id, request.group);
        }
        None => {
            let raced = ranked.len();
            let mut why = ineligible.summary();
            if raced > 0 {
                if !why.is_empty() {
                    why.push_str(", ");
                }
                why.push_str(&format!("{raced} filled concurrently"));
            }
            trace.explanation = format!("queued in {}: no eligible agent ({why})", request.group);
        }
    }
    trace
}

/// A rule named the agent: honour it, count the load if the agent is on the roster.
fn assign_named(roster: &Roster, request: &AssignRequest, agent_id: &str, mut trace: AssignmentTrace) -> AssignmentTrace {
    trace.agent = Some(CompactString::new(agent_id));
    match roster.agent(agent_id) {
        Some(agent) => {
            let over = agent.spare(request.channel).err();
            if request.commit {
                agent.force_take(request.channel);
                agent.record_assignment(roster.next_sequence());
                if let Some(group) = roster.group(request.group) {
                    group.record_assignment();
                }
                trace.committed = true;
            }
            let note = over.map(|f| format!(" (over capacity: {})", capacity_words(&f))).unwrap_or_default();
            trace.explanation = format!("assigned to {agent_id} by a rule{note}");
        }
        None => trace.explanation = format!("assigned to {agent_id} by a rule (not on the roster; load not tracked)"),
    }
    trace
}

fn check_eligible(agent: &Agent, request: &AssignRequest, counts: &mut Ineligible) -> Result<u32, String> {
    match agent.presence() {
        Presence::Online => {}
        Presence::Away => {
            counts.away += 1;
            return Err("away".into());
        }
        Presence::Offline => {
            counts.offline += 1;
            return Err("offline".into());
        }
    }
    if let Some(hours) = &agent.hours {
        if !hours.contains(request.at) {
            counts.off_hours += 1;
            return Err("outside working hours".into());
        }
    }
    let missing: Vec<&str> = request
        .required_skills
        .iter()
        .filter(|s| skill_level(agent, s).is_none())
        .map(CompactString::as_str)
        .collect();
    if !missing.is_empty() {
        counts.missing_skills += 1;
        return Err(format!("missing required skill{} {}", if missing.len() == 1 { "" } else { "s" }, missing.join(", ")));
    }
    agent.spare(request.channel).map_err(|full| {
        counts.at_capacity += 1;
        capacity_words(&full)
    })
}

fn skill_score(agent: &Agent, request: &AssignRequest) -> (usize, u32) {
    let level = |s: &CompactString| skill_level(agent, s);
    let preferred = request.preferred_skills.iter().filter(|s| level(s).is_some()).count();
    let level_sum = request.required_skills.iter().chain(request.preferred_skills).filter_map(level).sum();
    (preferred, level_sum)
}

/// The agent's level in `skill`, case-insensitively (roster skills are stored lower-case; most
/// rule skills already are, so the lower-case copy is made only when needed).
fn skill_level(agent: &Agent, skill: &str) -> Option<u32> {
    if skill.bytes().any(|b| b.is_ascii_uppercase()) {
        agent.skills.get(skill.to_ascii_lowercase().as_str()).copied()
    } else {
        agent.skills.get(skill).copied()
    }
}

fn rank(ranked: &mut [Ranked], strategy: Strategy, cursor: usize, members: usize) {
    match strategy {
        Strategy::RoundRobin => ranked.sort_by_key(|c| (c.position + members - cursor % members) % members),
        Strategy::LeastLoaded => {
            ranked.sort_by_key(|c| (Reverse(c.spare), c.agent.last_assigned(), c.position));
        }
        Strategy::SkillsBased => ranked.sort_by_key(|c| {
            (Reverse(c.preferred), Reverse(c.level_sum), Reverse(c.spare), c.agent.last_assigned(), c.position)
        }),
        Strategy::Manual => {}
    }
}

fn skill_words(candidate: &Ranked) -> String {
    format!("{} preferred skill{} matched", candidate.preferred, if candidate.preferred == 1 { "" } else { "s" })
}

fn capacity_words(full: &CapacityFull) -> String {
    match full {
        CapacityFull::Total(load, max) => format!("at capacity ({load}/{max})"),
        CapacityFull::Channel(channel, load, max) => format!("at capacity for {channel} ({load}/{max})"),
    }
}
