"""The shared bad-input table (fixtures/bad/cases.json, documented in fixtures/bad/README.md)
run through the Python binding. The Rust (core/tests/bad_inputs.rs) and Node
(bindings-node/test/bad_inputs.test.js) suites run the same table.

Each case must raise its documented typed error (or give its documented safe result), the
interpreter must stay up, and good tickets triaged in the same batch must come out exactly as
they do on their own."""

import json
import shutil
import struct
import zlib

import pytest

import triagekit
from tk_data import AGENTS, FIXED_NOW, FIXTURES, RULES, strip_timing, training_rows

BAD = FIXTURES / "bad"
TABLE = json.loads((BAD / "cases.json").read_text(encoding="utf-8"))
CASES = TABLE["cases"]
GOOD = TABLE["good_tickets"]
RAN = set()
# The error fields (all but the message) each case produced first; written by the last test to
# target/bad-inputs/python.json for scripts/compare-error-fields.py.
OBSERVED = {}
FIELDS = ("code", "file", "line", "column", "rule", "field", "agent", "path", "row")

ERROR_CLASSES = {
    "INVALID_TICKET": triagekit.InvalidTicketError,
    "RULE_COMPILE": triagekit.RuleCompileError,
    "RULE_RUNTIME": triagekit.RuleRuntimeError,
    "MODEL_FORMAT": triagekit.ModelFormatError,
    "INVALID_ROSTER": triagekit.RosterError,
}


def expectation(case):
    return case.get("expect_python", case["expect"])


def materialise(value):
    """A case value as the Python object a caller would pass (markers become real values)."""
    if isinstance(value, dict):
        if "$special" in value:
            kind = value["$special"]
            if kind == "nan":
                return float("nan")
            if kind == "inf":
                return float("inf")
            if kind == "bigint":
                return int(value["digits"])
            if kind == "lone_surrogate":
                return value.get("before", "") + "\ud800" + value.get("after", "")
            if kind == "bytes":
                return bytes.fromhex(value["hex"])
            raise AssertionError(f"unknown $special {kind}")
        if "$repeat" in value:
            unit, size = value["$repeat"], value["bytes"]
            return (unit * (size // len(unit) + 1))[:size]
        if "$nest" in value:
            leaf = 1
            for _ in range(value["$nest"]):
                leaf = {"x": leaf}
            return leaf
        return {key: materialise(item) for key, item in value.items()}
    if isinstance(value, list):
        return [materialise(item) for item in value]
    return value


def comparable(decision):
    return strip_timing(decision)


def without_trace(decision):
    return {k: v for k, v in decision.items() if k != "trace"}


def check_error(case, error, expect):
    """`error` is a raised exception or a batch slot's {"code", "message", ...} dict."""
    name = case["name"]
    if isinstance(error, BaseException):
        assert isinstance(error, triagekit.TriageError), f"{name}: {type(error)} {error}"
        expected_class = ERROR_CLASSES.get(expect["error"])
        if expected_class:
            assert isinstance(error, expected_class), f"{name}: {type(error).__name__} {error}"
        code, message, field = error.code, str(error), getattr(error, "field", None)
        fields = {k: getattr(error, k, None) for k in FIELDS}
    else:
        code, message, field = error["code"], error["message"], error.get("field")
        fields = {k: error.get(k) for k in FIELDS}
    OBSERVED.setdefault(name, {k: v for k, v in fields.items() if v is not None})
    assert code == expect["error"], f"{name}: {code} {message}"
    if "field" in expect:
        assert field == expect["field"], f"{name}: field {field!r} ({message})"
    if "message_contains" in expect:
        assert expect["message_contains"].lower() in message.lower(), f"{name}: {message!r}"


def check_ok(case, decision, expect):
    name = case["name"]
    assert "error" not in decision, f"{name}: {decision.get('error')}"
    assert expect.get("ok") is True, f"{name}: expected an error, got a decision"
    for key in ("ticket_id", "group", "priority", "category"):
        if key in expect:
            assert decision[key] == expect[key], f"{name}: {key}"


@pytest.fixture(scope="module")
def model_bytes():
    texts, cats, prios = training_rows()
    labels = {"category": cats}
    if prios:
        labels["priority"] = prios
    return triagekit.Model.fit(texts, labels, seed=42).to_bytes()


@pytest.fixture(scope="module")
def live(model_bytes):
    """One engine shared by every case: it must keep working after each bad input."""
    model = triagekit.Model.from_bytes(model_bytes)
    engine = triagekit.Engine(rules=str(RULES), model=model, agents=str(AGENTS), options={"commit": False, "now": FIXED_NOW})
    baseline = [comparable(engine.triage(t)) for t in GOOD]
    return engine, model, baseline


def check_live(live):
    engine, _, baseline = live
    assert [comparable(engine.triage(t)) for t in GOOD] == baseline


def by_kind(kind):
    return [pytest.param(c, id=c["name"]) for c in CASES if c["kind"] == kind]


# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("case", by_kind("ticket"))
def test_ticket(case, live):
    engine, _, baseline = live
    expect = expectation(case)
    ticket = materialise(case["input"])
    # In a batch between good tickets: only this slot may fail, the others are unchanged.
    batch = [GOOD[0], ticket, GOOD[1], GOOD[2]]
    results = engine.triage_batch(batch)
    assert len(results) == 4
    assert [comparable(results[i]) for i in (0, 2, 3)] == baseline, case["name"]
    slot = results[1]
    if "error" in expect:
        assert set(slot) == {"error"}, f"{case['name']}: {str(slot)[:300]}"
        check_error(case, slot["error"], expect)
        with pytest.raises(triagekit.TriageError) as raised:
            engine.triage(ticket)
        check_error(case, raised.value, expect)
        with pytest.raises(triagekit.TriageError):
            engine.triage_batch(batch, errors="raise")
    else:
        check_ok(case, slot, expect)
        single = engine.triage(ticket)
        assert without_trace(single) == without_trace(slot), case["name"]
    check_live(live)
    RAN.add(case["name"])


def rule_dir(tmp_path, case):
    """00-helpdesk.rhai plus the case's rules as 99-bad.rhai, so positions are its own."""
    folder = tmp_path / "rules"
    folder.mkdir()
    shutil.copy(RULES, folder / "00-helpdesk.rhai")
    if "file" in case:
        source = (BAD / case["file"]).read_text(encoding="utf-8")
    elif isinstance(case["input"], str):
        source = case["input"]
    else:
        depth = case["input"]["$rule_nested_expression"]
        source = 'rule "Deep expression" { let x = ' + "(" * depth + "1" + ")" * depth + "; }\n"
    (folder / "99-bad.rhai").write_text(source, encoding="utf-8")
    return folder


@pytest.mark.parametrize("case", by_kind("rules"))
def test_rules(case, live, tmp_path):
    engine, model, baseline = live
    expect = expectation(case)
    folder = rule_dir(tmp_path, case)
    if "error" in expect:
        with pytest.raises(triagekit.TriageError) as raised:
            triagekit.Engine(rules=str(folder), model=model, agents=str(AGENTS))
        check_error(case, raised.value, expect)
        error = raised.value
        assert error.file.endswith("99-bad.rhai"), error.file
        if "line" in expect:
            assert error.line == expect["line"], str(error)
        if "column" in expect:
            assert error.column == expect["column"], str(error)
        # Hot reload refuses the broken set and the live engine keeps its rules.
        version = engine.rules_version
        with pytest.raises(triagekit.RuleCompileError):
            engine.reload_rules(str(folder))
        assert engine.rules_version == version
        check_live(live)
        RAN.add(case["name"])
        return
    bad = triagekit.Engine(rules=str(folder), model=model, agents=str(AGENTS), options={"commit": False, "now": FIXED_NOW})
    results = bad.triage_batch(GOOD)
    assert len(results) == len(GOOD)
    if "every_ticket_error" in expect:
        for slot in results:
            check_error(case, slot["error"], {"error": expect["every_ticket_error"], **expect})
    else:
        for slot, base in zip(results, baseline):
            assert "error" not in slot, f"{case['name']}: {slot}"
            assert without_trace(slot) == without_trace(base), f"{case['name']}: the failing rule changed the decision"
            traces = [r for r in slot["trace"]["rules"] if r["rule"] == expect["rule"]]
            assert len(traces) == 1, f"{case['name']}: {expect['rule']} not run"
            assert traces[0]["error"] and expect["trace_error_contains"] in traces[0]["error"], traces[0]
        strict = triagekit.Engine(rules=str(folder), model=model, agents=str(AGENTS),
                                  options={"commit": False, "strict_rules": True, "now": FIXED_NOW})
        with pytest.raises(triagekit.RuleRuntimeError) as raised:
            strict.triage(GOOD[0])
        assert raised.value.code == expect["strict_error"]
        assert expect["rule"] in str(raised.value)
        # The failed slots of a strict batch are errors; the interpreter and batch survive.
        slots = strict.triage_batch(GOOD)
        assert [s["error"]["code"] for s in slots] == [expect["strict_error"]] * len(GOOD)
    check_live(live)
    RAN.add(case["name"])


def crc32(data):
    return zlib.crc32(data) & 0xFFFFFFFF


def mutate(good, case):
    """A case's bad model bytes (header: magic 8, version u32, length u64, crc32 u32; LE)."""
    if "file" in case:
        return (BAD / case["file"]).read_bytes()
    data = bytearray(good)
    kind = case["mutate"]
    if kind == "empty":
        return b""
    if kind == "truncate":
        return bytes(data[: case["keep"]]) if "keep" in case else bytes(data[: len(data) - case["drop_tail"]])
    if kind == "flip_payload_byte":
        at = 24 + (len(data) - 24) // 2
        data[at] ^= 0xFF
    elif kind == "set_version":
        data[8:12] = struct.pack("<I", case["version"])
    elif kind == "append":
        data += bytes(case["bytes"])
    elif kind == "set_length":
        data[12:20] = struct.pack("<Q", int(case["length"]))
    elif kind == "garbage_payload":
        data[24:] = b"\xff" * (len(data) - 24)
        data[20:24] = struct.pack("<I", crc32(bytes(data[24:])))
    else:
        raise AssertionError(f"unknown mutation {kind}")
    return bytes(data)


@pytest.mark.parametrize("case", by_kind("model"))
def test_model(case, live, model_bytes, tmp_path):
    engine, _, _ = live
    expect = expectation(case)
    data = mutate(model_bytes, case)
    path = tmp_path / "bad.tkm"
    path.write_bytes(data)
    for attempt in (lambda: triagekit.Model.load(str(path)),
                    lambda: triagekit.Model.from_bytes(data),
                    lambda: triagekit.Engine(rules=str(RULES), model=str(path))):
        with pytest.raises(triagekit.ModelFormatError) as raised:
            attempt()
        check_error(case, raised.value, expect)
    # A live engine refuses the swap and keeps its model.
    version = engine.model_version
    with pytest.raises(triagekit.ModelFormatError):
        engine.set_model(str(path))
    assert engine.model_version == version
    check_live(live)
    RAN.add(case["name"])


@pytest.mark.parametrize("case", by_kind("roster"))
def test_roster(case, live, tmp_path):
    engine, _, _ = live
    expect = expectation(case)
    path = tmp_path / "agents.json"
    path.write_text(json.dumps(case["input"]), encoding="utf-8")
    for agents in (case["input"], str(path)):
        with pytest.raises(triagekit.RosterError) as raised:
            triagekit.Engine(rules=str(RULES), agents=agents)
        check_error(case, raised.value, expect)
    # A live engine refuses the new roster and keeps the old one, loads included.
    version, roster = engine.roster_version, engine.roster()
    with pytest.raises(triagekit.RosterError):
        engine.replace_roster(case["input"])
    assert engine.roster_version == version
    assert engine.roster() == roster
    check_live(live)
    RAN.add(case["name"])


def test_zz_every_case_ran(capsys):
    """Runs last (pytest keeps file order): prints the count and checks nothing was skipped."""
    missing = [c["name"] for c in CASES if c["name"] not in RAN]
    out = FIXTURES.parent / "target" / "bad-inputs"
    out.mkdir(parents=True, exist_ok=True)
    (out / "python.json").write_text(json.dumps(OBSERVED, indent=2, sort_keys=True), encoding="utf-8")
    with capsys.disabled():
        print(f"\nbad-input cases: {len(RAN)} (python)")
    assert not missing, f"cases that did not run: {missing}"
