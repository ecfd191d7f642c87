//! Hot reloads under load: 8 threads triage while rules, model and roster are swapped 1,000
//! times in total. Every decision must come from exactly one (rules, model, roster) snapshot:
//! its trace names one version of each, and every field agrees with exactly those versions.

use std::collections::{BTreeSet, HashMap};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::json;
use triagekit::assign::Roster;
use triagekit::model::{Model, TrainConfig};
use triagekit::rules::{RuleOptions, RuleSet};
use triagekit::{Decision, Engine, EngineOptions, Ticket};

const THREADS: usize = 8;
const SWAPS: usize = 1_000;

/// What one rule set does; the rules also copy the model's category into a tag, so a decision
/// mixing one snapshot's model view with another's prediction would show.
struct RulesSpec {
    set: RuleSet,
    rule: &'static str,
    priority: &'static str,
    tag: &'static str,
}

fn rules_spec(rule: &'static str, priority: &'static str, tag: &'static str) -> RulesSpec {
    let source = format!(
        r#"rule "{rule}" {{ set_priority("{priority}"); set_group("desk"); add_tag("{tag}"); add_tag("cat:" + model.category); }}"#
    );
    RulesSpec { set: RuleSet::compile(&source, "test.rhai", RuleOptions::default()).unwrap(), rule, priority, tag }
}

struct ModelSpec {
    model: Arc<Model>,
    heads: Vec<String>,
    labels: BTreeSet<String>,
}

/// Tiny model; `prefix` makes its labels its own, `extra_head` gives it a second head.
fn model_spec(prefix: &str, extra_head: bool) -> ModelSpec {
    let rows = [
        ("vpn is down cannot connect to network", "net"),
        ("wifi keeps dropping in the office network", "net"),
        ("charged twice on my invoice refund please", "bill"),
        ("invoice amount wrong need refund", "bill"),
        ("forgot my password please reset it", "access"),
        ("account locked out after password attempts", "access"),
    ];
    let texts: Vec<String> = rows.iter().map(|r| r.0.to_string()).collect();
    let mut heads = vec![("category".to_string(), rows.iter().map(|r| Some(format!("{prefix}-{}", r.1))).collect())];
    if extra_head {
        heads.push(("urgency".to_string(), rows.iter().map(|r| Some(format!("{prefix}-u-{}", r.1))).collect()));
    }
    let config = TrainConfig { hash_bits: 10, created: Some("2026-01-01T00:00:00Z".into()), ..TrainConfig::default() };
    let model = Arc::new(Model::fit(&texts, &heads, &config).unwrap());
    let labels = heads.iter().flat_map(|(_, l)| l.iter().flatten().cloned()).collect();
    ModelSpec { model, heads: heads.into_iter().map(|(n, _)| n).collect(), labels }
}

struct RosterSpec {
    version: String,
    json: serde_json::Value,
    agents: BTreeSet<String>,
}

fn roster_spec(version: &str, agents: [&str; 2]) -> RosterSpec {
    let list: Vec<_> = agents.iter().map(|a| json!({"id": a, "groups": ["desk"], "capacity": 1_000_000})).collect();
    let json = json!({"version": version, "groups": {"desk": {"strategy": "round-robin"}}, "agents": list});
    RosterSpec { version: version.to_string(), json, agents: agents.iter().map(|a| a.to_string()).collect() }
}

fn tickets() -> Vec<Ticket> {
    ["vpn is down", "invoice refund", "password reset", "network wifi", "charged twice", "locked out"]
        .iter()
        .enumerate()
        .map(|(i, s)| {
            Ticket::from_value(json!({"id": i.to_string(), "subject": s, "channel": "email",
                "created_at": "2026-11-23T10:30:00Z"}))
            .unwrap()
        })
        .collect()
}

struct Specs {
    rules: HashMap<String, RulesSpec>,
    models: HashMap<String, ModelSpec>,
    rosters: HashMap<String, RosterSpec>,
}

/// Every field of `d` must agree with the versions its trace names.
fn check(specs: &Specs, d: &Decision) -> Result<(), String> {
    let t = &d.trace;
    let rules = specs.rules.get(t.rules_version.as_str()).ok_or_else(|| format!("unknown rules version {}", t.rules_version))?;
    let mv = t.model_version.as_ref().ok_or("no model version")?;
    let model = specs.models.get(mv.as_str()).ok_or_else(|| format!("unknown model version {mv}"))?;
    let roster = specs.rosters.get(t.roster_version.as_str()).ok_or_else(|| format!("unknown roster {}", t.roster_version))?;

    let ran: Vec<&str> = t.rules.iter().map(|r| r.rule.as_str()).collect();
    if ran != [rules.rule] {
        return Err(format!("rules {} ran {ran:?}", rules.rule));
    }
    if t.rules.iter().any(|r| r.error.is_some()) {
        return Err(format!("rule error: {:?}", t.rules));
    }
    if d.priority.as_deref() != Some(rules.priority) {
        return Err(format!("priority {:?} under rules {}", d.priority, rules.rule));
    }
    let category = d.category.as_deref().ok_or("no category")?;
    if !model.labels.contains(category) {
        return Err(format!("category {category} is not a label of model {mv}"));
    }
    let expected_tags = vec![rules.tag.to_string(), format!("cat:{category}")];
    if d.tags != expected_tags {
        return Err(format!("tags {:?}, expected {expected_tags:?}", d.tags));
    }
    let heads: Vec<&str> = t.model.iter().map(|h| h.head.as_str()).collect();
    if heads != model.heads.iter().map(String::as_str).collect::<Vec<_>>() {
        return Err(format!("model heads {heads:?} are not those of model {mv}"));
    }
    if let Some(bad) = t.model.iter().flat_map(|h| h.top.iter().map(|(l, _)| l)).find(|l| !model.labels.contains(l.as_str())) {
        return Err(format!("top label {bad} is not a label of model {mv}"));
    }
    let agent = d.agent.as_deref().ok_or("no agent")?;
    if !roster.agents.contains(agent) {
        return Err(format!("agent {agent} is not in roster {}", t.roster_version));
    }
    if let Some(c) = t.assignment.candidates.iter().find(|c| !roster.agents.contains(c.agent.as_str())) {
        return Err(format!("candidate {} is not in roster {}", c.agent, t.roster_version));
    }
    Ok(())
}

#[test]
fn hot_reloads_under_load_never_tear_a_decision() {
    let rule_specs = [rules_spec("Set A", "P1", "set-a"), rules_spec("Set B", "P4", "set-b")];
    let model_specs = [model_spec("alpha", false), model_spec("beta", true)];
    let roster_specs = [roster_spec("roster-1", ["ann", "amy"]), roster_spec("roster-2", ["bob", "ben"])];
    let rule_sets: Vec<RuleSet> = rule_specs.iter().map(|s| s.set.clone()).collect();
    let models: Vec<Arc<Model>> = model_specs.iter().map(|s| s.model.clone()).collect();
    let rosters: Vec<serde_json::Value> = roster_specs.iter().map(|s| s.json.clone()).collect();
    let roster = |i: usize| Roster::from_value(rosters[i].clone()).unwrap();
    assert_ne!(rule_sets[0].version(), rule_sets[1].version());
    assert_ne!(models[0].version(), models[1].version());
    let specs = Arc::new(Specs {
        rules: rule_specs.into_iter().map(|s| (s.set.version().to_string(), s)).collect(),
        models: model_specs.into_iter().map(|s| (s.model.version().to_string(), s)).collect(),
        rosters: roster_specs.into_iter().map(|s| (s.version.clone(), s)).collect(),
    });

    let engine = Arc::new(
        Engine::new(rule_sets[0].clone(), Some(models[0].clone()), Some(roster(0)), EngineOptions::default())
            .unwrap(),
    );
    let done = Arc::new(AtomicBool::new(false));
    let decided = Arc::new(AtomicU64::new(0));
    let failures = Arc::new(Mutex::new(Vec::<String>::new()));
    let seen = Arc::new(Mutex::new(BTreeSet::<(String, String, String)>::new()));
    let tickets = Arc::new(tickets());

    let workers: Vec<_> = (0..THREADS)
        .map(|w| {
            let (engine, done, decided, failures, seen, specs, tickets) =
                (engine.clone(), done.clone(), decided.clone(), failures.clone(), seen.clone(), specs.clone(), tickets.clone());
            std::thread::spawn(move || {
                let mut local = BTreeSet::new();
                let mut i = w;
                while !done.load(Ordering::Acquire) {
                    // Thread 0 triages batches: one snapshot for the whole batch.
                    let results = if w == 0 {
                        engine.triage_batch(&tickets)
                    } else {
                        i += 1;
                        vec![engine.triage(&tickets[i % tickets.len()])]
                    };
                    let mut batch_versions = BTreeSet::new();
                    for r in results {
                        match r {
                            Ok(d) => {
                                if let Err(e) = check(&specs, &d) {
                                    failures.lock().unwrap().push(format!("{e}\n{d:?}"));
                                }
                                let t = d.trace;
                                let key = (t.rules_version.to_string(), t.model_version.unwrap_or_default().to_string(), t.roster_version.to_string());
                                batch_versions.insert(key.clone());
                                local.insert(key);
                            }
                            Err(e) => failures.lock().unwrap().push(format!("triage failed: {e}")),
                        }
                        decided.fetch_add(1, Ordering::Relaxed);
                    }
                    if batch_versions.len() > 1 {
                        failures.lock().unwrap().push(format!("one batch saw several snapshots: {batch_versions:?}"));
                    }
                }
                seen.lock().unwrap().extend(local);
            })
        })
        .collect();

    let started = Instant::now();
    for swap in 0..SWAPS {
        // Let some tickets through between swaps so reloads really interleave with triage.
        let before = decided.load(Ordering::Relaxed);
        let wait_until = Instant::now() + Duration::from_millis(5);
        while decided.load(Ordering::Relaxed) < before + 2 && Instant::now() < wait_until {
            std::thread::yield_now();
        }
        let pick = (swap / 3) % 2;
        match swap % 3 {
            0 => engine.reload_rules(rule_sets[1 - pick].clone()),
            1 => engine.set_model(Some(models[1 - pick].clone())),
            _ => engine.replace_roster(roster(1 - pick)),
        }
    }
    // A last stretch of triage on the final snapshot.
    let before = decided.load(Ordering::Relaxed);
    while decided.load(Ordering::Relaxed) < before + 100 && started.elapsed() < Duration::from_secs(60) {
        std::thread::yield_now();
    }
    done.store(true, Ordering::Release);
    for w in workers {
        w.join().unwrap();
    }

    let failures = failures.lock().unwrap();
    assert!(failures.is_empty(), "{} bad decisions, first: {}", failures.len(), failures[0]);
    let seen = seen.lock().unwrap();
    let distinct = |f: fn(&(String, String, String)) -> &String| seen.iter().map(f).collect::<BTreeSet<_>>().len();
    // Both versions of each part were triaged with, in several combinations.
    assert_eq!(distinct(|k| &k.0), 2, "rule sets seen: {seen:?}");
    assert_eq!(distinct(|k| &k.1), 2, "models seen: {seen:?}");
    assert_eq!(distinct(|k| &k.2), 2, "rosters seen: {seen:?}");
    assert!(seen.len() >= 4, "only {} snapshot combinations seen", seen.len());
    assert!(decided.load(Ordering::Relaxed) >= SWAPS as u64, "too few decisions to interleave with the swaps");
}
