"""Error mapping: every core error arrives as a TriageError subclass with useful attributes."""

import pytest

import triagekit


def test_compile_error_has_line_and_column():
    source = 'rule "ok" { set_group("a"); }\nrule "broken" {\n    set_group("b" ;\n}\n'
    with pytest.raises(triagekit.RuleCompileError) as info:
        triagekit.Engine(rules=source)
    err = info.value
    assert err.code == "RULE_COMPILE"
    assert err.file == "<string>"
    assert err.line == 3
    assert isinstance(err.column, int) and err.column > 0
    assert isinstance(err, triagekit.TriageError)


def test_compile_error_in_file_names_the_file(tmp_path):
    path = tmp_path / "bad.rhai"
    path.write_text('rule "x" {\n  set_group(\n}\n')
    with pytest.raises(triagekit.RuleCompileError) as info:
        triagekit.Engine(rules=str(path))
    assert info.value.file.endswith("bad.rhai")
    assert info.value.line is not None


def test_reload_with_bad_rules_keeps_old_rules(engine):
    before = engine.rules_version
    with pytest.raises(triagekit.RuleCompileError):
        engine.reload_rules('rule "x" { nope( }')
    assert engine.rules_version == before


def test_runtime_error_in_strict_mode():
    engine = triagekit.Engine(rules='rule "boom" { throw "kaput"; }', options={"strict_rules": True})
    with pytest.raises(triagekit.RuleRuntimeError) as info:
        engine.triage({"id": "1", "subject": "x"})
    assert info.value.rule == "boom"
    assert info.value.code == "RULE_RUNTIME"


def test_runtime_error_recorded_when_not_strict():
    engine = triagekit.Engine(rules='rule "boom" { throw "kaput"; }')
    decision = engine.triage({"id": "1", "subject": "x"})
    assert decision["trace"]["rules"][0]["error"]


@pytest.mark.parametrize(
    "ticket, field",
    [
        ({"id": "1", "subject": 42}, "subject"),
        ({"id": "1", "tags": [1, 2]}, "tags"),
        ({"id": "1", "impact": 7}, "impact"),
        ({"id": "1", "created_at": "yesterday"}, "created_at"),
        ({"id": [1]}, "id"),
        ({"id": "1", "fields": "x"}, "fields"),
        ({"id": "1", "subject": "\ud800 lone surrogate"}, "subject"),
        ({"id": "1", "fields": {"note": "ok \udfff"}}, "fields"),
        ({1: "non-string key"}, "<ticket>"),
        ({"id": "1", "fields": {"x": object()}}, "fields"),
        ({"id": "1", "fields": {"big": 2**80}}, "fields"),
    ],
)
def test_invalid_tickets(engine, ticket, field):
    with pytest.raises(triagekit.InvalidTicketError) as info:
        engine.triage(ticket)
    assert info.value.field == field
    assert info.value.code == "INVALID_TICKET"


def test_non_dict_ticket(engine):
    with pytest.raises(triagekit.InvalidTicketError):
        engine.triage(["not", "a", "dict"])
    with pytest.raises(triagekit.InvalidTicketError):
        engine.triage(None)


def test_self_referencing_ticket_does_not_crash(engine):
    ticket = {"id": "1", "fields": {}}
    ticket["fields"]["me"] = ticket
    with pytest.raises(triagekit.InvalidTicketError):
        engine.triage(ticket)


def test_nan_and_numpy_like_values_are_accepted(engine):
    decision = engine.triage({"id": 7, "subject": None, "body": "printer jammed", "fields": {"score": float("nan")}})
    assert decision["ticket_id"] == "7"


def test_bad_options_and_paths(tmp_path):
    with pytest.raises(triagekit.ConfigError):
        triagekit.Engine(rules='rule "a" { }', options={"review_threshold": 3})
    with pytest.raises(triagekit.ConfigError):
        triagekit.Engine(rules='rule "a" { }', options={"no_such_option": 1})
    with pytest.raises(triagekit.TriageError) as info:
        triagekit.Engine(rules='rule "a" { }', agents=str(tmp_path / "missing.json"))
    assert info.value.code == "IO"


def test_model_format_error(tmp_path):
    path = tmp_path / "junk.tkm"
    path.write_bytes(b"definitely not a model")
    with pytest.raises(triagekit.ModelFormatError) as info:
        triagekit.Model.load(str(path))
    assert info.value.code == "MODEL_FORMAT"
    with pytest.raises(triagekit.ModelFormatError):
        triagekit.Model.from_bytes(b"")
    with pytest.raises(triagekit.ModelFormatError):
        triagekit.Engine(rules='rule "a" { }', model=str(path))


def test_errors_pickle():
    import pickle

    try:
        triagekit.Engine(rules='rule "x" { nope( }')
    except triagekit.RuleCompileError as err:
        again = pickle.loads(pickle.dumps(err))
        assert type(again) is triagekit.RuleCompileError
        assert again.line == err.line


def test_a_rules_path_with_a_typo_is_an_io_error_naming_it(tmp_path, engine):
    missing = str(tmp_path / "rules" / "nope.rhai")
    with pytest.raises(triagekit.TriageError) as info:
        triagekit.Engine(rules=missing)
    assert (info.value.code, info.value.path, info.value.file) == ("IO", missing, None)
    before = engine.rules_version
    with pytest.raises(triagekit.TriageError) as info:
        engine.reload_rules("rules/helpdesk.rhai")
    assert info.value.code == "IO"
    assert engine.rules_version == before


def test_rules_source_is_never_read_as_a_path(tmp_path):
    engine = triagekit.Engine(rules_source='rule "a" { add_tag("x"); }')
    assert engine.rule_names == ["a"]
    with pytest.raises(TypeError):
        triagekit.Engine()
    with pytest.raises(TypeError):
        triagekit.Engine(rules="a.rhai", rules_source='rule "a" { }')
    engine.reload_rules(rules_source='rule "b" { }')
    assert engine.rule_names == ["b"]


def test_every_exception_carries_every_field_and_the_code_list_is_exported():
    assert "INTERNAL" in triagekit.ERROR_CODES and "RULE_COMPILE" in triagekit.ERROR_CODES
    with pytest.raises(triagekit.InvalidTicketError) as info:
        triagekit.Engine(rules_source='rule "a" { }').triage({"subject": 3})
    err = info.value
    assert (err.code, err.field, err.rule, err.row, err.path) == ("INVALID_TICKET", "subject", None, None, None)
