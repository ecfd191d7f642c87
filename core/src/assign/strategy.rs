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
        // Compared in place: rules may name a strategy on every ticket.
        let text = text.trim();
        let is = |name: &str| {
            text.len() == name.len()
                && text.bytes().zip(name.bytes()).all(|(a, b)| a.to_ascii_lowercase() == b || (a == b'_' && b == b'-'))
        };
        if is("round-robin") {
            Some(Strategy::RoundRobin)
        } else if is("least-loaded") {
            Some(Strategy::LeastLoaded)
        } else if is("skills-based") || is("skills") {
            Some(Strategy::SkillsBased)
        } else if is("manual") || is("queue") || is("queue-only") {
            Some(Strategy::Manual)
        } else {
            None
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

#[cfg(test)]
mod tests {
    use super::Strategy;

    #[test]
    fn parse_ignores_case_underscores_and_padding() {
        assert_eq!(Strategy::parse(" Least_Loaded "), Some(Strategy::LeastLoaded));
        assert_eq!(Strategy::parse("ROUND-ROBIN"), Some(Strategy::RoundRobin));
        assert_eq!(Strategy::parse("skills"), Some(Strategy::SkillsBased));
        assert_eq!(Strategy::parse("queue_only"), Some(Strategy::Manual));
        assert_eq!(Strategy::parse("least-loadedx"), None);
        assert_eq!(Strategy::parse("round robin"), None);
        for s in [Strategy::RoundRobin, Strategy::LeastLoaded, Strategy::SkillsBased, Strategy::Manual] {
            assert_eq!(Strategy::parse(s.as_str()), Some(s));
        }
    }
}
