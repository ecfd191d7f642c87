//! The native path gives the interpreter's results; the plan covers the common shapes.

use crate::native::ir::{Cond, NativePlan};
use crate::native::needles::{hit, NeedleSet};
use crate::RuleOptions;
use crate::{HeadView, ModelView, RuleSet, TicketView};

/// A fixed clock: no test reads the machine's.
const NOW: jiff::Timestamp = jiff::Timestamp::constant(1_763_467_200, 0);

/// Fast paths off: the same rules run fully in Rhai.
fn slow_options() -> RuleOptions {
    RuleOptions { native: false, ..RuleOptions::default() }
}

fn plan_of(rules: &RuleSet) -> std::sync::Arc<NativePlan> {
    crate::sandbox::with_engine(&rules.inner, |r| r.plan.clone()).unwrap()
}

const RULES: &str = r#"
const VIP = ["ceo@example.com", "Straße@example.com"];
rule "any text" when contains_any(ticket.text, ["password reset", "Straße", "İstanbul", "ΣΟΦΟΣ", "k", "", "x"]) { add_tag("a"); }
rule "any subject" when contains_any(ticket.subject, ["urgent", "ÉCOLE", "ǅ"]) { add_tag("b"); }
rule "any body" when contains_any(ticket.body, ["refund", "charged twice", "declined", "card was declined"]) { add_tag("c"); }
rule "all body" when contains_all(ticket.body, ["card", "DECLINED", ""]) { add_tag("d"); }
rule "all empty" when contains_all(ticket.text, [""]) { add_tag("e"); }
rule "any empty" when contains_any(ticket.text, []) { add_tag("f"); }
rule "requester" when contains_any(ticket.requester, ["EXAMPLE.org", "straße", "\u212A"]) { add_tag("g"); }
rule "channel all" when contains_all(ticket.channel, ["Chat", "at"]) { add_tag("h"); }
rule "end of text" when contains_any(ticket.text, ["thanks"]) || contains_any(ticket.text, ["z"]) { add_tag("i"); }
rule "vip" when ticket.requester in VIP { add_tag("vip"); }
rule "eq" when ticket.channel == "chat" && "email" != ticket.channel { add_tag("j"); }
rule "field" when ticket.fields["lang"] == "de" || ticket.fields["n"] != "1" { add_tag("k"); }
rule "model" when model.loaded && model.confidence > 0.6 && !(0.9 <= model.head("priority").confidence) { set_category(model.category); }
rule "head label" when model.head("priority").confidence >= 0.5 { set_priority(model.head("priority").label); }
rule "regex" when matches(ticket.body, "(?i)ord-\\d+") { add_tag("order"); }
rule "hours" when !within_hours(ticket.created_at, "Europe/Berlin", "Mon-Fri", "08:00", "18:00") { add_tag("after-hours"); needs_review(); }
rule "wrap" when within_hours(ticket.created_at, "Asia/Tokyo", "22:00", "06:00") { needs_review("night"); }
rule "stop" stop when contains_any(ticket.subject, ["STOP now"]) { set_group("x"); }
rule "last" { set_strategy("manual"); add_tag("last"); }
"#;

/// Test tickets; their ids and fields are leaked so the views can borrow them for the test.
fn tickets() -> Vec<TicketView<'static>> {
    let texts = [
        ("Password RESET please", "My card was DECLINED, refund?", "a@example.org", "chat"),
        ("Urgent: école", "Ich wohne in der STRASSE, straße, Straße", "Straße@example.com", "email"),
        ("İSTANBUL office", "ΣΟΦΟΣ σοφος. KELVIN \u{212A} sign", "ceo@example.com", "Chat"),
        ("ǆ ǅ Ǆ", "", "", ""),
        ("", "order ORD-123456; thanks", "x@EXAMPLE.ORG", "phone"),
        ("STOP now", "charged twice, declined card", "kelvin@\u{212A}.com", "chat"),
        ("z", "k", "k", "web"),
    ];
    let mut out = Vec::new();
    for (i, (subject, body, requester, channel)) in texts.iter().enumerate() {
        let mut fields = serde_json::Map::new();
        match i % 3 {
            0 => {
                fields.insert("lang".into(), "de".into());
                fields.insert("n".into(), 1.into());
            }
            1 => {
                fields.insert("n".into(), "1".into());
            }
            _ => {
                fields.insert("lang".into(), serde_json::Value::Null);
            }
        }
        let created = ["2026-11-18T10:15:00Z", "2026-11-21T10:15:00Z", "2026-11-18T19:30:00Z", "2026-11-18T14:00:00Z"];
        out.push(TicketView {
            id: Box::leak(format!("T-{i}").into_boxed_str()),
            subject: (*subject).into(),
            body: (*body).into(),
            requester: (*requester).into(),
            channel: (*channel).into(),
            created_at: created[i % created.len()].parse().ok(),
            fields: Box::leak(Box::new(fields)),
            ..TicketView::default()
        });
    }
    out
}

fn models() -> Vec<ModelView> {
    let head = |name: &str, label: &str, c: f64| HeadView { name: name.into(), label: label.into(), confidence: c, top: vec![] };
    vec![
        ModelView::default(),
        ModelView { loaded: true, version: "v".into(), heads: vec![head("category", "billing", 0.8), head("priority", "P2", 0.5)] },
        // Empty labels: the native body must defer to Rhai, which reports the error.
        ModelView { loaded: true, version: "v".into(), heads: vec![head("category", "", 0.7), head("priority", "urgent", 0.95)] },
    ]
}

#[test]
fn fast_paths_cover_the_rules() {
    let rules = RuleSet::compile(RULES, "fast.rhai", RuleOptions::default()).unwrap();
    let plan = plan_of(&rules);
    assert_eq!(plan.rules.len(), rules.rules().len());
    let slow: Vec<_> = plan.rules.iter().filter(|r| matches!(r.cond, Cond::Interpreted)).map(|r| r.name.to_string()).collect();
    assert!(slow.is_empty(), "conditions not compiled natively: {slow:?}");
    assert!(plan.rules.iter().all(|r| r.body.is_some()));
    assert!(plan_of(&RuleSet::compile(RULES, "slow.rhai", slow_options()).unwrap()).rules.is_empty());

    let bench = RuleSet::load(&std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../fixtures/rules/bench30.rhai"), RuleOptions::default()).unwrap();
    let plan = plan_of(&bench);
    let fast = plan.rules.iter().filter(|r| !matches!(r.cond, Cond::Interpreted)).count();
    assert_eq!(fast, 30, "every bench30 condition is native");
    assert!(plan.driver.is_some(), "bench30 runs on the native driver");
}

#[test]
fn native_driver_matches_rhai_for_stops_errors_and_strict_mode() {
    let src = r#"
const LIMIT = 0.5;
rule "a" { add_tag("a"); }
rule "boom" when contains_any(ticket.text, ["boom"]) { throw "boom"; }
rule "b" when model.confidence > 0.4 { set_category(model.category); }
rule "halt" stop when contains_any(ticket.subject, ["halt"]) { add_tag("halt"); }
rule "c" when model.confidence > LIMIT { add_tag("c"); print("c ran"); }
"#;
    let top = format!("{src}\nlet later = 1 + 2;\nrule \"d\" {{ add_tag(\"d\"); }}");
    let no_driver = RuleSet::compile(&top, "t.rhai", RuleOptions::default()).unwrap();
    assert!(plan_of(&no_driver).driver.is_none(), "top-level code other than literal constants");
    for strict in [false, true] {
        let opts = RuleOptions { strict, ..RuleOptions::default() };
        let fast = RuleSet::compile(src, "d.rhai", opts.clone()).unwrap();
        assert!(plan_of(&fast).driver.is_some());
        let slow = RuleSet::compile(src, "d.rhai", RuleOptions { strict, ..slow_options() }).unwrap();
        for subject in ["boom", "halt", "halt boom", "calm"] {
            let t = TicketView { subject: subject.into(), ..TicketView::default() };
            for m in models() {
                let a = fast.evaluate_at(&t, &m, NOW).map_err(|e| e.to_string());
                let b = slow.evaluate_at(&t, &m, NOW).map_err(|e| e.to_string());
                assert_eq!(a, b, "strict {strict} subject {subject} model {m:?}");
            }
        }
    }
}

#[test]
fn fast_paths_give_the_same_outcome_as_rhai() {
    let fast = RuleSet::compile(RULES, "r.rhai", RuleOptions::default()).unwrap();
    let slow = RuleSet::compile(RULES, "r.rhai", slow_options()).unwrap();
    let mut matched = 0;
    for t in tickets() {
        for m in models() {
            let a = fast.evaluate_at(&t, &m, NOW).unwrap();
            let b = slow.evaluate_at(&t, &m, NOW).unwrap();
            assert_eq!(a, b, "ticket {t:?} model {m:?}");
            matched += a.trace.iter().filter(|r| r.matched).count();
        }
    }
    assert!(matched > 40, "tickets exercise the rules ({matched} matches)");
}

#[test]
fn contains_words_match_unicode_lowercase_like_the_slow_path() {
    let fast = RuleSet::compile(RULES, "r.rhai", RuleOptions::default()).unwrap();
    let tags = |subject: &str, body: &str| {
        let t = TicketView { subject: subject.into(), body: body.into(), ..TicketView::default() };
        fast.evaluate_at(&t, &ModelView::default(), NOW).unwrap().tags
    };
    assert!(tags("", "STRASSE").iter().all(|t| t != "a"), "ß does not case-fold to ss");
    assert!(tags("", "STRAßE").contains(&"a".into()));
    assert!(tags("", "İstanbul").contains(&"a".into()));
    assert!(tags("ÉCOLE", "").contains(&"b".into()));
    assert!(tags("Ǆ", "").contains(&"b".into()), "ǅ lower-cases to ǆ like Ǆ");
    assert!(tags("", "Card was Declined").contains(&"d".into()));
    assert!(!tags("", "nothing").contains(&"e".into()), "only empty words never match");
}

#[test]
fn needle_set_finds_exactly_the_substrings() {
    let words = ["ab", "b", "abc", "bc", "c", "cab", "é", "éa", "ß", "aa", "abcd", "abcde", "abce", "bcab", "xxca", "aaa"];
    let mut set = NeedleSet::default();
    let ids: Vec<u32> = words.iter().map(|w| set.add(w)).collect();
    assert_eq!(set.add("abc"), ids[2], "duplicates share an id");
    for hay in ["", "a", "ab", "abc", "cab", "xxcabxx", "éa", "aé", "ßaa", "bcab", "aaa", "abcd", "xabcdex", "abcabce", "bcabcd"] {
        let mut bits = vec![0; set.words()];
        set.scan(hay.as_bytes(), &mut bits);
        for (w, id) in words.iter().zip(&ids) {
            assert_eq!(hit(&bits, *id), hay.contains(w), "{w:?} in {hay:?}");
        }
    }
}

#[test]
fn shadowing_or_overriding_disables_fast_paths() {
    let shadow = "let ticket = #{text: \"refund\"};\nrule \"r\" when contains_any(ticket.text, [\"refund\"]) { add_tag(\"x\"); }";
    let rules = RuleSet::compile(shadow, "s.rhai", RuleOptions::default()).unwrap();
    assert!(plan_of(&rules).rules.iter().all(|r| matches!(r.cond, Cond::Interpreted)));
    let out = rules.evaluate_at(&TicketView::default(), &ModelView::default(), NOW).unwrap();
    assert_eq!(out.tags, ["x"]);

    let own = "fn contains_any(t, w) { true }\nfn add_tag(t) { set_group(t) }\nrule \"r\" when contains_any(ticket.text, [\"refund\"]) { add_tag(\"x\"); }";
    let rules = RuleSet::compile(own, "o.rhai", RuleOptions::default()).unwrap();
    let plan = plan_of(&rules);
    assert!(matches!(plan.rules[0].cond, Cond::Interpreted) && plan.rules[0].body.is_none());
    let out = rules.evaluate_at(&TicketView::default(), &ModelView::default(), NOW).unwrap();
    assert_eq!(out.group.as_deref(), Some("x"));

    // A constant used before it is declared is an error, not a fast-path match.
    let early = "rule \"r\" when ticket.requester in VIP { add_tag(\"x\"); }\nconst VIP = [\"\"];";
    let rules = RuleSet::compile(early, "e.rhai", RuleOptions::default()).unwrap();
    let out = rules.evaluate_at(&TicketView::default(), &ModelView::default(), NOW).unwrap();
    assert!(out.trace[0].error.is_some());
}
