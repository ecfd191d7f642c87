//! Routing strategies a group can use, named as helpdesk products name them.

use serde::{Deserialize, Serialize};

/// How an agent is picked among a group's eligible agents.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Strategy {
    /// Take turns in roster order, remembering where the group left off.
    #[default]
    RoundRobin,
    /// Most spare capacity first; ties go to whoever was assigned longest ago.
    LeastLoaded,
    /// Required skills must all match; rank by preferred skills and levels, then spare capacity.
    SkillsBased,
    /// Never pick an agent: the ticket waits in the group's queue.
    Manual,
}

impl Strategy {
    /// Parses the roster/rule spelling (`round-robin`, `least-loaded`, `skills-based`, `manual`).
    pub fn parse(text: &str) -> Option<Strategy> {
        match text.trim().to_ascii_lowercase().replace('_', "-").as_str() {
            "round-robin" => Some(Strategy::RoundRobin),
            "least-loaded" => Some(Strategy::LeastLoaded),
            "skills-based" | "skills" => Some(Strategy::SkillsBased),
            "manual" | "queue" | "queue-only" => Some(Strategy::Manual),
            _ => None,
        }
    }

    /// The spelling used in roster files and traces.
    pub fn as_str(self) -> &'static str {
        match self {
            Strategy::RoundRobin => "round-robin",
            Strategy::LeastLoaded => "least-loaded",
            Strategy::SkillsBased => "skills-based",
            Strategy::Manual => "manual",
        }
    }
}

impl std::fmt::Display for Strategy {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}
