//! Prometheus text exposition of the engine's counters, shared by every host (Flask, Express, Rust).

use std::fmt::Write;

use crate::stats::StatsSnapshot;

impl StatsSnapshot {
    /// Renders the counters in Prometheus text format (version 0.0.4).
    pub fn to_prometheus(&self) -> String {
        let mut out = String::new();
        let mut metric = |name: &str, kind: &str, help: &str, samples: Vec<(String, f64)>| {
            let _ = writeln!(out, "# HELP {name} {help}\n# TYPE {name} {kind}");
            for (labels, value) in samples {
                let _ = writeln!(out, "{name}{labels} {value}");
            }
        };
        let plain = |v: u64| vec![(String::new(), v as f64)];
        metric("triagekit_tickets_triaged_total", "counter", "Tickets triaged.", plain(self.tickets_triaged));
        metric("triagekit_triage_errors_total", "counter", "Triage calls that failed.", plain(self.errors));
        metric("triagekit_review_total", "counter", "Tickets marked for review.", plain(self.review_queue));
        metric("triagekit_unassigned_total", "counter", "Tickets left in a queue without an agent.", plain(self.unassigned));
        let rule = |pick: fn(&crate::RuleStats) -> u64| {
            self.rules.iter().map(|(name, s)| (format!("{{rule=\"{}\"}}", escape(name)), pick(s) as f64)).collect()
        };
        metric("triagekit_rule_hits_total", "counter", "Times each rule matched.", rule(|s| s.hits));
        metric("triagekit_rule_errors_total", "counter", "Times each rule raised an error.", rule(|s| s.errors));
        let labelled = |label: &str, map: &std::collections::BTreeMap<String, u64>| {
            map.iter().map(|(k, v)| (format!("{{{label}=\"{}\"}}", escape(k)), *v as f64)).collect()
        };
        metric("triagekit_group_assignments_total", "counter", "Assignments per group.", labelled("group", &self.groups));
        metric("triagekit_agent_assignments_total", "counter", "Assignments per agent.", labelled("agent", &self.agents));
        let l = &self.latency_us;
        let quantiles = [("0.5", l.p50), ("0.9", l.p90), ("0.99", l.p99)]
            .iter()
            .map(|(q, v)| (format!("{{quantile=\"{q}\"}}"), v / 1e6))
            .collect();
        metric("triagekit_triage_latency_seconds", "summary", "Triage latency.", quantiles);
        out
    }
}

/// Label values may hold quotes, backslashes or newlines (rule names are free text).
fn escape(value: &str) -> String {
    value.replace('\\', "\\\\").replace('"', "\\\"").replace('\n', "\\n")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::RuleStats;

    #[test]
    fn renders_counters_with_escaped_labels() {
        let mut stats = StatsSnapshot { tickets_triaged: 7, ..StatsSnapshot::default() };
        stats.rules.insert("VIP \"gold\"".into(), RuleStats { hits: 3, errors: 1 });
        stats.agents.insert("ana".into(), 2);
        let text = stats.to_prometheus();
        assert!(text.contains("triagekit_tickets_triaged_total 7\n"));
        assert!(text.contains("triagekit_rule_hits_total{rule=\"VIP \\\"gold\\\"\"} 3\n"));
        assert!(text.contains("triagekit_rule_errors_total{rule=\"VIP \\\"gold\\\"\"} 1\n"));
        assert!(text.contains("triagekit_agent_assignments_total{agent=\"ana\"} 2\n"));
        assert!(text.contains("# TYPE triagekit_triage_latency_seconds summary"));
    }
}
