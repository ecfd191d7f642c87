mod common;

use common::*;
use triagekit_rules::{ModelView, TicketView};

/// What the full test ticket's view borrows.
struct FullTicket {
    tags: Vec<String>,
    fields: serde_json::Map<String, serde_json::Value>,
}

impl FullTicket {
    fn new() -> FullTicket {
        let mut fields = serde_json::Map::new();
        fields.insert("plan".into(), "enterprise".into());
        fields.insert("seats".into(), 250.into());
        fields.insert("ratio".into(), 0.5.into());
        fields.insert("flags".into(), serde_json::json!(["a", "b"]));
        fields.insert("owner".into(), serde_json::json!({"name": "Ann"}));
        fields.insert("none".into(), serde_json::Value::Null);
        FullTicket { tags: vec!["VIP".into(), "web".into()], fields }
    }

    fn view(&self) -> TicketView<'_> {
        TicketView {
            id: "T-9",
            subject: "Hello",
            body: "World",
            requester: "bob@example.com",
            channel: "chat",
            created_at: Some("2026-11-18T08:30:00Z".parse().unwrap()),
            impact: Some(1),
            urgency: Some(3),
            tags: &self.tags,
            fields: &self.fields,
        }
    }
}

#[test]
fn ticket_properties_are_visible() {
    let src = r#"rule "props" {
        print(ticket.id); print(ticket.subject); print(ticket.body); print(ticket.text);
        print(ticket.requester); print(ticket.channel); print(ticket.impact); print(ticket.urgency);
        print(ticket.tags.len()); print("web" in ticket.tags); print(ticket.has_tag("vip"));
        print(ticket.created_at.to_string());
    }"#;
    let o = eval(src, &FullTicket::new().view());
    assert_eq!(
        trace(&o, "props").output,
        ["T-9", "Hello", "World", "Hello\nWorld", "bob@example.com", "chat", "1", "3", "2", "true", "true", "2026-11-18T08:30:00Z"]
    );
}

#[test]
fn missing_optional_ticket_values_are_unit() {
    let src = r#"rule "unit" { print(ticket.impact == ()); print(ticket.urgency == ()); print(ticket.created_at == ()); print(ticket.text); }"#;
    let o = eval(src, &ticket("only subject", ""));
    assert_eq!(trace(&o, "unit").output, ["true", "true", "true", "only subject"]);
}

#[test]
fn json_fields_become_rhai_values() {
    let src = r#"rule "f" {
        print(ticket.fields["plan"]); print(ticket.fields["seats"] + 1); print(ticket.fields["ratio"] * 2.0);
        print(ticket.fields["flags"][1]); print(ticket.fields["owner"].name); print(ticket.fields["none"] == ());
        print(ticket.fields["missing"] == ()); print("plan" in ticket.fields); print("zzz" in ticket.fields);
        print(ticket.fields.plan);
    }"#;
    let o = eval(src, &FullTicket::new().view());
    assert_eq!(trace(&o, "f").output, ["enterprise", "251", "1.0", "b", "Ann", "true", "true", "true", "false", "enterprise"]);
}

#[test]
fn model_view_with_a_model() {
    let src = r#"rule "m" {
        print(model.loaded); print(model.category); print(model.confidence); print(model.version);
        let top = model.top(5); print(top.len()); print(top[0].label); print(top[0].score);
        print(model.top(1).len()); print(model.top(0).len());
        let p = model.head("priority"); print(p.label); print(p.confidence); print(p.top(3)[0].label);
        let none = model.head("nope"); print(none.label == ""); print(none.confidence); print(none.top(3).len());
    }"#;
    let o = eval_m(src, &ticket("s", "b"), &model("billing", 0.75));
    assert_eq!(
        trace(&o, "m").output,
        ["true", "billing", "0.75", "m-1", "2", "billing", "0.75", "1", "0", "P2", "0.9", "P2", "true", "0.0", "0"]
    );
}

#[test]
fn model_view_without_a_model() {
    let src = r#"rule "m" { print(model.loaded); print(model.category == ""); print(model.confidence); print(model.top(3).len()); }
                 rule "uses model" when model.loaded && model.confidence > 0.6 { set_category(model.category); }"#;
    let o = eval_m(src, &ticket("s", "b"), &ModelView::default());
    assert_eq!(trace(&o, "m").output, ["false", "true", "0.0", "0"]);
    assert_eq!(o.category, None);
}

#[test]
fn model_confidence_drives_category_and_review() {
    let src = r#"rule "confident" when model.loaded && model.confidence > 0.6 { set_category(model.category); }
                 rule "unsure" when model.loaded && model.confidence < 0.4 { needs_review("low model confidence"); }"#;
    let hi = eval_m(src, &ticket("s", "b"), &model("billing", 0.9));
    assert_eq!((hi.category.as_deref(), hi.needs_review), (Some("billing"), false));
    let lo = eval_m(src, &ticket("s", "b"), &model("billing", 0.2));
    assert_eq!((lo.category, lo.needs_review), (None, true));
}

#[test]
fn outcome_serialises_to_json_and_back() {
    let o = eval(r#"rule "r" { set_group("billing"); add_tag("x"); print("p"); }"#, &ticket("s", "b"));
    let json = serde_json::to_string(&o).unwrap();
    let back: triagekit_rules::RulesOutcome = serde_json::from_str(&json).unwrap();
    assert_eq!(back, o);
    assert!(json.contains("\"group\":\"billing\""));
}
