"""Model.evaluate(..., report=path): the core HTML report, written from Python."""

import csv
import json
import re

import pytest

import triagekit
from tk_data import RULES, training_rows


def report_data(html):
    """The JSON data block the page embeds."""
    m = re.search(r'<script type="application/json" id="report-data">(.*?)</script>', html, re.S)
    assert m, "no report-data block"
    return json.loads(m.group(1))


def test_report_matches_evaluate_and_writes_companions(model, tmp_path):
    texts, cats, _ = training_rows()
    path = tmp_path / "r.html"
    result = model.evaluate(texts, cats, report=path, target_precision=0.95, label_next=5)
    assert result == model.evaluate(texts, cats), "report= must not change the returned figures"
    data = report_data(path.read_text(encoding="utf-8"))
    assert data["eval"] == result
    assert data["target_precision"] == 0.95

    with open(tmp_path / "r.to-label.csv", newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    assert len(rows) == 5
    conf = [float(r["confidence"]) for r in rows]
    assert conf == sorted(conf)
    assert all(r["text"] == texts[int(r["row"])] for r in rows)

    thresholds = json.loads((tmp_path / "r.thresholds.json").read_text())
    assert set(thresholds) == {"class_thresholds"}
    assert thresholds == data["suggested"]
    # The fragment is accepted as engine options.
    triagekit.Engine(rules=str(RULES), model=model, options=thresholds)


def test_report_with_rules_counts_rule_hits(model, tmp_path):
    texts, cats, _ = training_rows()
    path = tmp_path / "rules.html"
    model.evaluate(texts, cats, report=str(path), rules=str(RULES))
    rules = report_data(path.read_text(encoding="utf-8"))["rules"]
    assert rules["tickets"] == len(texts)
    fired = {r["name"]: r["fired"] for r in rules["rules"]}
    assert fired["Default routing"] == len(texts)
    assert set(rules["never_fired"]) == {n for n, c in fired.items() if c == 0}


def test_bad_target_precision_is_a_config_error(model, tmp_path):
    texts, cats, _ = training_rows()
    with pytest.raises(triagekit.ConfigError):
        model.evaluate(texts, cats, report=tmp_path / "x.html", target_precision=1.5)
