//! Ticket JSON: typed errors naming the field, nothing dropped on a round trip.

use serde_json::json;
use triagekit::{Ticket, TriageError};

#[test]
fn unknown_keys_are_kept_in_fields_and_survive_a_round_trip() {
    let ticket = Ticket::from_value(json!({
        "id": 17, "subject": "s", "body": "b", "channel": "email",
        "fields": {"asset": "PC-1"}, "source_system": "zendesk", "sla": {"tier": "gold"}
    }))
    .unwrap();
    assert_eq!(ticket.id, "17");
    assert_eq!(ticket.fields["asset"], "PC-1");
    assert_eq!(ticket.fields["source_system"], "zendesk");
    assert_eq!(ticket.fields["sla"]["tier"], "gold");
    let again = Ticket::from_json(&serde_json::to_string(&ticket).unwrap()).unwrap();
    assert_eq!(again, ticket);
}

#[test]
fn levels_accept_numbers_digits_and_words() {
    let t = Ticket::from_value(json!({"impact": "High", "urgency": "3"})).unwrap();
    assert_eq!((t.impact, t.urgency), (Some(1), Some(3)));
    let t = Ticket::from_value(json!({"impact": 2})).unwrap();
    assert_eq!((t.impact, t.urgency), (Some(2), None));
}

fn field_of(result: Result<Ticket, TriageError>) -> String {
    match result {
        Err(TriageError::InvalidTicket { field, .. }) => field,
        other => panic!("expected InvalidTicket, got {other:?}"),
    }
}

#[test]
fn wrong_types_name_the_field() {
    assert_eq!(field_of(Ticket::from_value(json!({"subject": 42}))), "subject");
    assert_eq!(field_of(Ticket::from_value(json!({"tags": [1, 2]}))), "tags");
    assert_eq!(field_of(Ticket::from_value(json!({"fields": "x"}))), "fields");
    assert_eq!(field_of(Ticket::from_value(json!({"impact": 7}))), "impact");
    assert_eq!(field_of(Ticket::from_value(json!({"created_at": "yesterday"}))), "created_at");
    assert_eq!(field_of(Ticket::from_value(json!([1, 2]))), "<ticket>");
    assert_eq!(field_of(Ticket::from_json("{not json")), "<ticket>");
}

#[test]
fn empty_ticket_is_valid_and_created_at_parses() {
    let t = Ticket::from_json("{}").unwrap();
    assert_eq!(t, Ticket::default());
    let t = Ticket::from_value(json!({"created_at": "2026-11-23T10:30:00+01:00"})).unwrap();
    assert_eq!(t.created_at.unwrap().to_string(), "2026-11-23T09:30:00Z");
}

#[test]
fn text_joins_subject_and_body() {
    let t = Ticket::from_value(json!({"subject": "VPN down", "body": "since 9"})).unwrap();
    assert_eq!(t.text(), "VPN down\nsince 9");
    let t = Ticket::from_value(json!({"body": "only body"})).unwrap();
    assert_eq!(t.text(), "only body");
}

#[test]
fn huge_bodies_are_read_only_up_to_the_cap_on_a_char_boundary() {
    let body = "é".repeat(triagekit::MAX_TRIAGE_TEXT); // two bytes each: twice the cap
    let t = Ticket::from_value(json!({"subject": "s", "body": body})).unwrap();
    assert_eq!(t.body.len(), 2 * triagekit::MAX_TRIAGE_TEXT, "the ticket itself keeps everything");
    let text = t.text();
    assert!(text.len() <= triagekit::MAX_TRIAGE_TEXT + 2);
    assert!(text.ends_with('é'));
}
