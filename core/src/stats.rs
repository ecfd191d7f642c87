//! Counters a helpdesk graphs, cheap enough to stay on: atomics on the hot path, locks only on
//! reload and when the counters are read.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, PoisonError};

use serde::{Deserialize, Serialize};

use crate::assign::Roster;

/// Counters are split into this many cache-line-separated shards, one per thread (modulo), so
/// triage threads never bounce a shared line between cores; reads sum the shards.
const SHARDS: usize = 8;

/// This thread's shard, assigned round-robin the first time the thread counts something.
fn shard() -> usize {
    static NEXT: AtomicUsize = AtomicUsize::new(0);
    thread_local! {
        static SHARD: usize = NEXT.fetch_add(1, Ordering::Relaxed) % SHARDS;
    }
    SHARD.with(|s| *s)
}

const SUB_BUCKETS: usize = 4;
const BUCKETS: usize = 64 * SUB_BUCKETS;

/// Log-scale latency histogram: 4 buckets per power of two of nanoseconds (<= 19% error).
struct Histogram {
    counts: Box<[AtomicU64]>,
}

impl Histogram {
    fn new() -> Self {
        Histogram { counts: (0..BUCKETS).map(|_| AtomicU64::new(0)).collect() }
    }

    fn bucket(nanos: u64) -> usize {
        let nanos = nanos.max(1);
        let exponent = 63 - nanos.leading_zeros() as usize;
        let fraction = if exponent >= 2 { ((nanos >> (exponent - 2)) & 3) as usize } else { 0 };
        (exponent * SUB_BUCKETS + fraction).min(BUCKETS - 1)
    }

    fn upper_bound_nanos(bucket: usize) -> f64 {
        let exponent = bucket / SUB_BUCKETS;
        let fraction = (bucket % SUB_BUCKETS) as f64;
        2f64.powi(exponent as i32) * (1.0 + (fraction + 1.0) / SUB_BUCKETS as f64)
    }

    fn record(&self, nanos: u64) {
        self.counts[Self::bucket(nanos)].fetch_add(1, Ordering::Relaxed);
    }

    fn add_counts(&self, into: &mut [u64]) {
        for (total, count) in into.iter_mut().zip(self.counts.iter()) {
            *total += count.load(Ordering::Relaxed);
        }
    }

    fn percentiles(histograms: &[&Histogram], quantiles: &[f64]) -> Vec<f64> {
        let mut counts = vec![0u64; BUCKETS];
        for h in histograms {
            h.add_counts(&mut counts);
        }
        let total: u64 = counts.iter().sum();
        quantiles
            .iter()
            .map(|q| {
                if total == 0 {
                    return 0.0;
                }
                let target = ((q * total as f64).ceil() as u64).max(1);
                let mut seen = 0;
                for (bucket, count) in counts.iter().enumerate() {
                    seen += count;
                    if seen >= target {
                        return Self::upper_bound_nanos(bucket) / 1000.0;
                    }
                }
                0.0
            })
            .collect()
    }
}

/// Hit and error counts for one compiled rule set, indexed like its rules.
pub(crate) struct RuleCounters {
    names: Vec<String>,
    /// Per shard, `stride` slots: the rule counts, padded so shards never share a cache line.
    stride: usize,
    hits: Vec<AtomicU64>,
    errors: Vec<AtomicU64>,
}

impl RuleCounters {
    pub(crate) fn new(rules: &triagekit_rules::RuleSet) -> Self {
        let names: Vec<String> = rules.rules().iter().map(|r| r.name.clone()).collect();
        let stride = names.len().next_multiple_of(8) + 8;
        let zeros = || (0..SHARDS * stride).map(|_| AtomicU64::new(0)).collect();
        RuleCounters { hits: zeros(), errors: zeros(), stride, names }
    }

    fn total(&self, counts: &[AtomicU64], index: usize) -> u64 {
        (0..SHARDS).map(|s| counts[s * self.stride + index].load(Ordering::Relaxed)).sum()
    }

    pub(crate) fn record(&self, trace: &[triagekit_rules::RuleTrace]) {
        // Traces come back in rule order, so the index matches unless a rule was skipped by stop.
        let base = shard() * self.stride;
        for (i, rule) in trace.iter().enumerate() {
            let index = if self.names.get(i).is_some_and(|n| *n == rule.rule) {
                Some(i)
            } else {
                self.names.iter().position(|n| *n == rule.rule)
            };
            if let Some(index) = index {
                if rule.matched {
                    self.hits[base + index].fetch_add(1, Ordering::Relaxed);
                }
                if rule.error.is_some() {
                    self.errors[base + index].fetch_add(1, Ordering::Relaxed);
                }
            }
        }
    }

    fn add_to(&self, out: &mut BTreeMap<String, RuleStats>) {
        for (i, name) in self.names.iter().enumerate() {
            let entry = out.entry(name.clone()).or_default();
            entry.hits += self.total(&self.hits, i);
            entry.errors += self.total(&self.errors, i);
        }
    }
}

/// Per-rule counters in a stats snapshot.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct RuleStats {
    /// Times the rule's condition matched.
    pub hits: u64,
    /// Times the rule raised an error.
    pub errors: u64,
}

/// Latency percentiles in microseconds.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct LatencyStats {
    /// Median.
    pub p50: f64,
    /// 90th percentile.
    pub p90: f64,
    /// 99th percentile.
    pub p99: f64,
}

/// A point-in-time copy of the engine's counters.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct StatsSnapshot {
    /// Tickets triaged successfully.
    pub tickets_triaged: u64,
    /// Triage calls that returned an error.
    pub errors: u64,
    /// Tickets marked `needs_review`.
    pub review_queue: u64,
    /// Tickets left in a group queue with no agent.
    pub unassigned: u64,
    /// Per rule: hits and errors, summed over every rule set version loaded.
    pub rules: BTreeMap<String, RuleStats>,
    /// Assignments per group.
    pub groups: BTreeMap<String, u64>,
    /// Assignments per agent.
    pub agents: BTreeMap<String, u64>,
    /// Triage latency percentiles.
    pub latency_us: LatencyStats,
}

/// One thread's share of the engine-wide counters, alone on its cache lines.
#[repr(align(64))]
struct Shard {
    triaged: AtomicU64,
    errors: AtomicU64,
    review: AtomicU64,
    unassigned: AtomicU64,
    latency: Histogram,
}

/// The engine's live counters.
pub(crate) struct Stats {
    shards: Box<[Shard]>,
    retired_rules: Mutex<BTreeMap<String, RuleStats>>,
    retired_assignments: Mutex<(BTreeMap<String, u64>, BTreeMap<String, u64>)>,
}

impl Stats {
    pub(crate) fn new() -> Self {
        let shard = || Shard {
            triaged: AtomicU64::new(0),
            errors: AtomicU64::new(0),
            review: AtomicU64::new(0),
            unassigned: AtomicU64::new(0),
            latency: Histogram::new(),
        };
        Stats {
            shards: (0..SHARDS).map(|_| shard()).collect(),
            retired_rules: Mutex::new(BTreeMap::new()),
            retired_assignments: Mutex::new((BTreeMap::new(), BTreeMap::new())),
        }
    }

    fn mine(&self) -> &Shard {
        &self.shards[shard() % self.shards.len()]
    }

    fn sum(&self, counter: fn(&Shard) -> &AtomicU64) -> u64 {
        self.shards.iter().map(|s| counter(s).load(Ordering::Relaxed)).sum()
    }

    pub(crate) fn record_decision(&self, nanos: u64, needs_review: bool, assigned: bool) {
        let shard = self.mine();
        shard.triaged.fetch_add(1, Ordering::Relaxed);
        shard.latency.record(nanos);
        if needs_review {
            shard.review.fetch_add(1, Ordering::Relaxed);
        }
        if !assigned {
            shard.unassigned.fetch_add(1, Ordering::Relaxed);
        }
    }

    pub(crate) fn record_error(&self) {
        self.mine().errors.fetch_add(1, Ordering::Relaxed);
    }

    /// Keeps a replaced rule set's counts so totals survive hot reloads.
    pub(crate) fn retire_rules(&self, counters: &RuleCounters) {
        let mut retired = self.retired_rules.lock().unwrap_or_else(PoisonError::into_inner);
        counters.add_to(&mut retired);
    }

    /// Keeps a replaced roster's assignment counts.
    pub(crate) fn retire_roster(&self, roster: &Roster) {
        let mut retired = self.retired_assignments.lock().unwrap_or_else(PoisonError::into_inner);
        let (groups, agents) = &mut *retired;
        add_assignments(roster, groups, agents);
    }

    pub(crate) fn snapshot(&self, rules: &Arc<RuleCounters>, roster: &Roster) -> StatsSnapshot {
        let mut rule_stats = self.retired_rules.lock().unwrap_or_else(PoisonError::into_inner).clone();
        rules.add_to(&mut rule_stats);
        let (mut groups, mut agents) =
            self.retired_assignments.lock().unwrap_or_else(PoisonError::into_inner).clone();
        add_assignments(roster, &mut groups, &mut agents);
        let histograms: Vec<&Histogram> = self.shards.iter().map(|s| &s.latency).collect();
        let p = Histogram::percentiles(&histograms, &[0.5, 0.9, 0.99]);
        StatsSnapshot {
            tickets_triaged: self.sum(|s| &s.triaged),
            errors: self.sum(|s| &s.errors),
            review_queue: self.sum(|s| &s.review),
            unassigned: self.sum(|s| &s.unassigned),
            rules: rule_stats,
            groups,
            agents,
            latency_us: LatencyStats { p50: p[0], p90: p[1], p99: p[2] },
        }
    }
}

fn add_assignments(roster: &Roster, groups: &mut BTreeMap<String, u64>, agents: &mut BTreeMap<String, u64>) {
    for (name, group) in roster.groups() {
        *groups.entry(name.clone()).or_default() += group.assigned_total();
    }
    for agent in roster.agents() {
        *agents.entry(agent.id.clone()).or_default() += agent.assigned_total();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn histogram_percentiles_track_the_data() {
        let h = Histogram::new();
        for _ in 0..90 {
            h.record(2_000);
        }
        for _ in 0..10 {
            h.record(100_000);
        }
        let p = Histogram::percentiles(&[&h], &[0.5, 0.99]);
        assert!(p[0] >= 2.0 && p[0] < 2.5, "p50 {}", p[0]);
        assert!(p[1] >= 100.0 && p[1] < 125.0, "p99 {}", p[1]);
    }
}
