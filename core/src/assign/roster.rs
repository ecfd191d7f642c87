//! The roster: agents, their groups, skills, capacity and presence, with loads that change at run time.

use std::collections::{BTreeMap, HashMap};
use std::sync::atomic::{AtomicU32, AtomicU64, AtomicU8, AtomicUsize, Ordering};

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::agent_fields::{parse_capacity, parse_load, parse_skills};
use super::hours::{self, HoursSpec, WorkingHours};
use super::strategy::Strategy;
use crate::error::{Result, TriageError};

/// Whether an agent can take work now; only `Online` agents are routed tickets.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Presence {
    /// Working and taking tickets.
    #[default]
    Online,
    /// Logged in but not taking tickets (break, meeting).
    Away,
    /// Not working.
    Offline,
}

impl std::fmt::Display for Presence {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Presence {
    fn from_u8(value: u8) -> Presence {
        match value {
            0 => Presence::Online,
            1 => Presence::Away,
            _ => Presence::Offline,
        }
    }

    fn as_u8(self) -> u8 {
        match self {
            Presence::Online => 0,
            Presence::Away => 1,
            Presence::Offline => 2,
        }
    }

    /// The roster-file spelling: `online`, `away` or `offline`.
    pub fn as_str(self) -> &'static str {
        match self {
            Presence::Online => "online",
            Presence::Away => "away",
            Presence::Offline => "offline",
        }
    }

    /// Parses `online`, `away` or `offline` (any case).
    pub fn parse(text: &str) -> Option<Presence> {
        match text.to_ascii_lowercase().as_str() {
            "online" => Some(Presence::Online),
            "away" => Some(Presence::Away),
            "offline" => Some(Presence::Offline),
            _ => None,
        }
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RosterFile {
    #[serde(default)]
    version: Option<String>,
    #[serde(default)]
    groups: BTreeMap<String, GroupSpec>,
    #[serde(default)]
    agents: Vec<AgentSpec>,
}

#[derive(Deserialize, Default)]
struct GroupSpec {
    #[serde(default)]
    strategy: Strategy,
}

#[derive(Deserialize)]
struct AgentSpec {
    id: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    groups: Vec<String>,
    #[serde(default)]
    skills: Value,
    capacity: Value,
    #[serde(default)]
    load: Value,
    #[serde(default)]
    presence: Presence,
    #[serde(default)]
    hours: Option<HoursSpec>,
}

/// One agent, with configuration fixed at load time and counters the host and the engine update.
#[derive(Debug)]
pub struct Agent {
    /// Unique id used in decisions and roster updates.
    pub id: String,
    /// Display name.
    pub name: String,
    /// Groups the agent works in.
    pub groups: Vec<String>,
    /// Skill name to level (1 when the roster gives no level).
    pub skills: HashMap<String, u32>,
    /// Maximum open tickets across all channels.
    pub max_load: u32,
    /// Per-channel maxima, e.g. at most 2 chats at once.
    pub channel_caps: Vec<(String, u32)>,
    pub(crate) hours: Option<WorkingHours>,
    presence: AtomicU8,
    load: AtomicU32,
    channel_loads: Vec<AtomicU32>,
    /// Sequence number of the last assignment (0 = never); least-loaded ties go to the smallest.
    last_assigned: AtomicU64,
    assigned_total: AtomicU64,
}

/// Why taking capacity failed, so the trace can say which limit was hit.
#[derive(Debug, PartialEq, Eq)]
pub enum CapacityFull {
    /// All channels together are at `max_load`.
    Total(u32, u32),
    /// The ticket's channel is at its own cap.
    Channel(String, u32, u32),
}

impl Agent {
    /// Current presence.
    pub fn presence(&self) -> Presence {
        Presence::from_u8(self.presence.load(Ordering::Relaxed))
    }

    /// Open tickets across all channels.
    pub fn load(&self) -> u32 {
        self.load.load(Ordering::Acquire)
    }

    /// Tickets assigned to this agent by the engine since the roster was loaded.
    pub fn assigned_total(&self) -> u64 {
        self.assigned_total.load(Ordering::Relaxed)
    }

    fn channel_slot(&self, channel: &str) -> Option<usize> {
        self.channel_caps.iter().position(|(c, _)| c.eq_ignore_ascii_case(channel))
    }

    /// Spare capacity for a ticket on `channel`: the smaller of the total and the channel headroom.
    pub fn spare(&self, channel: &str) -> std::result::Result<u32, CapacityFull> {
        let load = self.load();
        if load >= self.max_load {
            return Err(CapacityFull::Total(load, self.max_load));
        }
        let mut spare = self.max_load - load;
        if let Some(slot) = self.channel_slot(channel) {
            let (name, cap) = &self.channel_caps[slot];
            let used = self.channel_loads[slot].load(Ordering::Acquire);
            if used >= *cap {
                return Err(CapacityFull::Channel(name.clone(), used, *cap));
            }
            spare = spare.min(cap - used);
        }
        Ok(spare)
    }

    /// Checks and takes one unit of capacity in one atomic step per counter, so concurrent
    /// assignments can never push the agent over either limit.
    pub(crate) fn try_take(&self, channel: &str) -> std::result::Result<(), CapacityFull> {
        let max = self.max_load;
        self.load
            .fetch_update(Ordering::AcqRel, Ordering::Acquire, |l| (l < max).then_some(l + 1))
            .map_err(|l| CapacityFull::Total(l, max))?;
        if let Some(slot) = self.channel_slot(channel) {
            let (name, cap) = &self.channel_caps[slot];
            let cap = *cap;
            if let Err(used) = self.channel_loads[slot]
                .fetch_update(Ordering::AcqRel, Ordering::Acquire, |l| (l < cap).then_some(l + 1))
            {
                self.load.fetch_sub(1, Ordering::AcqRel);
                return Err(CapacityFull::Channel(name.clone(), used, cap));
            }
        }
        Ok(())
    }

    /// Takes capacity without checking limits: a rule named this agent explicitly.
    pub(crate) fn force_take(&self, channel: &str) {
        self.load.fetch_add(1, Ordering::AcqRel);
        if let Some(slot) = self.channel_slot(channel) {
            self.channel_loads[slot].fetch_add(1, Ordering::AcqRel);
        }
    }

    pub(crate) fn record_assignment(&self, sequence: u64) {
        self.last_assigned.store(sequence, Ordering::Relaxed);
        self.assigned_total.fetch_add(1, Ordering::Relaxed);
    }

    pub(crate) fn last_assigned(&self) -> u64 {
        self.last_assigned.load(Ordering::Relaxed)
    }

    fn load_value(&self) -> Value {
        let mut map = serde_json::Map::new();
        map.insert("total".into(), self.load().into());
        for ((channel, _), load) in self.channel_caps.iter().zip(&self.channel_loads) {
            map.insert(channel.clone(), load.load(Ordering::Acquire).into());
        }
        Value::Object(map)
    }

    /// Frees one unit of capacity, never going below zero.
    fn release(&self, channel: Option<&str>) {
        let _ = self.load.fetch_update(Ordering::AcqRel, Ordering::Acquire, |l| l.checked_sub(1));
        if let Some(slot) = channel.and_then(|c| self.channel_slot(c)) {
            let _ = self.channel_loads[slot].fetch_update(Ordering::AcqRel, Ordering::Acquire, |l| l.checked_sub(1));
        }
    }
}

/// A group's routing configuration and state.
#[derive(Debug)]
pub struct Group {
    /// How agents are picked in this group.
    pub strategy: Strategy,
    /// Indices into the roster's agents, in roster order (the round-robin order).
    pub members: Vec<usize>,
    pub(crate) cursor: AtomicUsize,
    assigned: AtomicU64,
}

impl Group {
    /// Tickets assigned to an agent of this group since the roster was loaded.
    pub fn assigned_total(&self) -> u64 {
        self.assigned.load(Ordering::Relaxed)
    }

    pub(crate) fn record_assignment(&self) {
        self.assigned.fetch_add(1, Ordering::Relaxed);
    }
}

/// Agents and groups; configuration is immutable, loads and presence are atomics so the host and
/// many triage threads can update them without a lock.
#[derive(Debug)]
pub struct Roster {
    version: String,
    /// The document the roster was built from; exported with live loads and presence.
    source: Value,
    agents: Vec<Agent>,
    index: HashMap<String, usize>,
    groups: BTreeMap<String, Group>,
    sequence: AtomicU64,
}

impl Default for Roster {
    fn default() -> Self {
        Roster {
            version: "empty".into(),
            source: serde_json::json!({"agents": []}),
            agents: Vec::new(),
            index: HashMap::new(),
            groups: BTreeMap::new(),
            sequence: AtomicU64::new(0),
        }
    }
}

impl Roster {
    /// Reads and validates a roster JSON file.
    pub fn load(path: &std::path::Path) -> Result<Roster> {
        let text = std::fs::read_to_string(path)
            .map_err(|source| TriageError::Io { path: path.to_path_buf(), source })?;
        Roster::from_json(&text)
    }

    /// Parses and validates roster JSON text.
    pub fn from_json(text: &str) -> Result<Roster> {
        let value: Value = serde_json::from_str(text)
            .map_err(|e| TriageError::InvalidRoster(format!("not valid JSON: {e}")))?;
        Roster::from_value(value)
    }

    /// Builds a roster from a JSON value (what the bindings hand over); rejects duplicate ids,
    /// negative or missing capacities and unknown strategies.
    pub fn from_value(value: Value) -> Result<Roster> {
        let version = xxhash_version(&value);
        let file: RosterFile =
            serde_json::from_value(value.clone()).map_err(|e| TriageError::InvalidRoster(e.to_string()))?;
        let mut agents = Vec::with_capacity(file.agents.len());
        let mut index = HashMap::new();
        for spec in file.agents {
            if spec.id.trim().is_empty() {
                return Err(TriageError::InvalidRoster("an agent has an empty id".into()));
            }
            if index.insert(spec.id.clone(), agents.len()).is_some() {
                return Err(TriageError::InvalidRoster(format!("duplicate agent id {:?}", spec.id)));
            }
            agents.push(build_agent(spec)?);
        }
        let mut groups: BTreeMap<String, Group> = file
            .groups
            .into_iter()
            .map(|(name, spec)| (name, new_group(spec.strategy)))
            .collect();
        for (position, agent) in agents.iter().enumerate() {
            for group in &agent.groups {
                groups.entry(group.clone()).or_insert_with(|| new_group(Strategy::default())).members.push(position);
            }
        }
        Ok(Roster {
            version: file.version.unwrap_or(version),
            source: value,
            agents,
            index,
            groups,
            sequence: AtomicU64::new(0),
        })
    }

    /// The roster's version: the file's `version` key, or a hash of its content.
    pub fn version(&self) -> &str {
        &self.version
    }

    /// The roster as JSON, with each agent's current load and presence, so it can be saved or
    /// shipped to another process and loaded back to the same state.
    pub fn to_value(&self) -> Value {
        let mut value = self.source.clone();
        if let Some(Value::Array(agents)) = value.get_mut("agents") {
            for (spec, agent) in agents.iter_mut().zip(&self.agents) {
                if let Value::Object(spec) = spec {
                    spec.insert("load".into(), agent.load_value());
                    spec.insert("presence".into(), serde_json::json!(agent.presence()));
                }
            }
        }
        value
    }

    /// All agents in roster order.
    pub fn agents(&self) -> &[Agent] {
        &self.agents
    }

    /// Looks an agent up by id.
    pub fn agent(&self, id: &str) -> Option<&Agent> {
        self.index.get(id).map(|&i| &self.agents[i])
    }

    pub(crate) fn agent_index(&self, id: &str) -> Option<usize> {
        self.index.get(id).copied()
    }

    /// Groups by name.
    pub fn groups(&self) -> &BTreeMap<String, Group> {
        &self.groups
    }

    /// Looks a group up by name.
    pub fn group(&self, name: &str) -> Option<&Group> {
        self.groups.get(name)
    }

    pub(crate) fn next_sequence(&self) -> u64 {
        self.sequence.fetch_add(1, Ordering::Relaxed) + 1
    }

    /// Sets an agent's open-ticket count (the host's helpdesk is the source of truth).
    pub fn set_load(&self, agent: &str, load: u32) -> Result<()> {
        let agent = self.agent(agent).ok_or_else(|| TriageError::UnknownAgent(agent.into()))?;
        agent.load.store(load, Ordering::Release);
        Ok(())
    }

    /// Sets an agent's presence.
    pub fn set_presence(&self, agent: &str, presence: Presence) -> Result<()> {
        let agent = self.agent(agent).ok_or_else(|| TriageError::UnknownAgent(agent.into()))?;
        agent.presence.store(presence.as_u8(), Ordering::Relaxed);
        Ok(())
    }

    /// An open ticket the engine did not route (e.g. restored from the host's database at
    /// start-up) counts against the agent's capacity, limits notwithstanding.
    pub fn ticket_opened(&self, agent: &str, channel: Option<&str>) -> Result<()> {
        let agent = self.agent(agent).ok_or_else(|| TriageError::UnknownAgent(agent.into()))?;
        agent.force_take(channel.unwrap_or_default());
        Ok(())
    }

    /// A ticket the agent worked was closed: frees one unit of capacity (and of its channel's).
    pub fn ticket_closed(&self, agent: &str, channel: Option<&str>) -> Result<()> {
        let agent = self.agent(agent).ok_or_else(|| TriageError::UnknownAgent(agent.into()))?;
        agent.release(channel);
        Ok(())
    }
}

fn new_group(strategy: Strategy) -> Group {
    Group { strategy, members: Vec::new(), cursor: AtomicUsize::new(0), assigned: AtomicU64::new(0) }
}

fn xxhash_version(value: &Value) -> String {
    format!("{:016x}", xxhash_rust::xxh3::xxh3_64(value.to_string().as_bytes()))
}

fn build_agent(spec: AgentSpec) -> Result<Agent> {
    let id = spec.id;
    let bad = |what: String| TriageError::InvalidRoster(format!("agent {id:?}: {what}"));
    let (max_load, channel_caps) = parse_capacity(&spec.capacity).map_err(&bad)?;
    let skills = parse_skills(&spec.skills).map_err(&bad)?;
    let (load, channel_load_map) = parse_load(&spec.load).map_err(&bad)?;
    let channel_loads = channel_caps
        .iter()
        .map(|(c, _)| AtomicU32::new(channel_load_map.get(c).copied().unwrap_or(0)))
        .collect();
    let hours = spec.hours.as_ref().map(|h| hours::compile(h).map_err(&bad)).transpose()?;
    Ok(Agent {
        name: if spec.name.is_empty() { id.clone() } else { spec.name },
        id,
        groups: spec.groups,
        skills,
        max_load,
        channel_caps,
        hours,
        presence: AtomicU8::new(spec.presence.as_u8()),
        load: AtomicU32::new(load),
        channel_loads,
        last_assigned: AtomicU64::new(0),
        assigned_total: AtomicU64::new(0),
    })
}
