"""Engine: triage, batch, reload, roster operations, stats."""

import json

import pytest

import triagekit
from tk_data import AGENTS, FIXED_NOW, RULES, strip_timing


def test_triage_fixture_tickets(engine, tickets):
    assert tickets, "fixture tickets missing"
    for ticket in tickets:
        decision = engine.triage(ticket)
        assert decision["ticket_id"] == str(ticket.get("id", ""))
        assert decision["group"], decision
        trace = decision["trace"]
        assert trace["rules_version"] == engine.rules_version
        assert trace["model_version"] == engine.model_version
        assert isinstance(trace["rules"], list) and trace["rules"]
        json.dumps(decision)  # plain Python types only


def test_trace_false_omits_trace(engine, tickets):
    decision = engine.triage(tickets[0], commit=False, trace=False)
    assert "trace" not in decision
    assert decision["ticket_id"] == tickets[0]["id"]


def test_batch_equals_single_without_commit(model, tickets):
    engine = triagekit.Engine(rules=str(RULES), model=model, agents=str(AGENTS), options={"commit": False, "now": FIXED_NOW})
    many = tickets * 20
    single = [strip_timing(engine.triage(t, commit=False)) for t in many]
    batch = [strip_timing(d) for d in engine.triage_batch(many)]
    assert batch == single


def test_batch_commit_flag_overrides_engine_option(engine, tickets):
    before = engine.roster()
    dry = engine.triage_batch(tickets, commit=False, trace=False)
    assert engine.roster() == before
    engine.triage_batch(tickets, trace=False)  # engine default: commit
    assigned = [d for d in dry if d.get("agent")]
    assert assigned and engine.roster() != before


def test_batch_keeps_going_after_bad_tickets(engine, tickets):
    batch = [tickets[0], {"id": "bad", "subject": 42}, "not a dict", tickets[1], {"id": "x", "impact": 9}]
    out = engine.triage_batch(batch)
    assert len(out) == 5
    assert out[0]["ticket_id"] == tickets[0]["id"]
    assert out[1]["error"]["code"] == "INVALID_TICKET" and out[1]["error"]["field"] == "subject"
    assert out[2]["error"]["code"] == "INVALID_TICKET"
    assert out[3]["ticket_id"] == tickets[1]["id"]
    assert out[4]["error"]["field"] == "impact"
    with pytest.raises(triagekit.InvalidTicketError) as info:
        engine.triage_batch(batch, errors="raise")
    assert info.value.field == "subject"
    with pytest.raises(ValueError):
        engine.triage_batch(batch, errors="ignore")


def test_batch_accepts_any_iterable(engine, tickets):
    out = engine.triage_batch(t for t in tickets[:3])
    assert [d["ticket_id"] for d in out] == [t["id"] for t in tickets[:3]]
    assert engine.triage_batch([]) == []


def test_reload_rules_from_source_and_path(engine, tickets):
    before = engine.rules_version
    engine.reload_rules('rule "Everything to billing" { set_group("billing"); }')
    assert engine.rules_version != before
    assert engine.triage(tickets[0], commit=False)["group"] == "billing"
    engine.reload_rules(str(RULES))
    assert engine.rules_version == before


def test_set_model_and_versions(engine, model):
    assert engine.model_version == model.version
    engine.set_model(None)
    assert engine.model_version is None
    engine.set_model(model)
    assert engine.model_version == model.version


def test_roster_operations(engine):
    roster = json.loads(AGENTS.read_text())
    engine.set_load("ben", 0)
    engine.set_presence("ben", "away")
    engine.ticket_closed("ben")
    engine.ticket_closed("ana", channel="chat")
    with pytest.raises(ValueError):
        engine.set_presence("ben", "sleeping")
    with pytest.raises(triagekit.RosterError) as info:
        engine.set_load("nobody", 1)
    assert info.value.code == "UNKNOWN_AGENT" and info.value.agent == "nobody"
    engine.replace_roster(roster)
    assert engine.roster_version == roster["version"]
    with pytest.raises(triagekit.RosterError):
        engine.replace_roster({"agents": [{"id": "a"}]})


def test_engine_without_model_or_roster(tickets):
    engine = triagekit.Engine(rules=str(RULES), options={"now": FIXED_NOW})
    decision = engine.triage(tickets[0])
    assert decision["agent"] is None
    assert engine.model_version is None


def test_stats_and_prometheus(engine, tickets):
    for t in tickets:
        engine.triage(t)
    stats = engine.stats()
    assert stats["tickets_triaged"] == len(tickets)
    assert stats["latency_us"]["p50"] > 0
    text = engine.stats_prometheus()
    assert f"triagekit_tickets_triaged_total {len(tickets)}" in text
    assert "# TYPE triagekit_triage_latency_seconds summary" in text


def test_options_round_trip(model):
    engine = triagekit.Engine(rules=str(RULES), model=model, options={"review_threshold": 0.5, "top_k": 2, "now": FIXED_NOW})
    assert engine.options["review_threshold"] == 0.5
    engine.set_options({"review_threshold": 0.1})
    assert engine.options["review_threshold"] == 0.1
