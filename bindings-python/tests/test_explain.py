"""Model.explain and the engine's explain option: plain dicts, the deciding word on top, sums."""

import json

import pytest

import triagekit

FILLER = ["my", "the", "is", "broken", "again", "please", "help", "today", "urgent", "since", "friday"]
WORDS = {"printer": ("hardware", "desk"), "invoice": ("billing", "finance"), "password": ("access", "accounts")}


@pytest.fixture(scope="module")
def one_word_model():
    """Two heads where one word decides each class."""
    texts, cats, groups = [], [], []
    for i in range(30):
        for word, (cat, group) in WORDS.items():
            texts.append(f"{FILLER[i % len(FILLER)]} {word} {FILLER[(i * 7 + 3) % len(FILLER)]}")
            cats.append(cat)
            groups.append(group)
    return triagekit.Model.fit(texts, {"category": cats, "group": groups}, seed=1)


def test_the_deciding_word_tops_every_head(one_word_model):
    e = one_word_model.explain("the printer is broken again", k=2)
    assert list(e) == ["category", "group"]
    assert (e["category"]["label"], e["group"]["label"]) == ("hardware", "desk")
    for head in e.values():
        top = head["supporting"][0]
        assert (top["ngram"], top["kind"]) == ("printer", "word")
        assert len(head["supporting"]) <= 2 and len(head["opposing"]) <= 2
        assert all(c["contribution"] < 0 for c in head["opposing"])
    json.dumps(e)  # plain dicts, lists, str and float only


def test_contributions_plus_bias_are_the_decision_value(one_word_model):
    text = "please reset my password today"
    e = one_word_model.explain(text, k=100)["category"]
    listed = sum(c["contribution"] for c in e["supporting"] + e["opposing"])
    assert abs(e["rest"]) < 1e-6
    assert e["bias"] + listed == pytest.approx(e["score"], abs=1e-4)
    assert e["confidence"] == pytest.approx(max(one_word_model.predict_proba([text], head="category")[0]), abs=1e-6)


def test_empty_text_and_bad_arguments(one_word_model):
    e = one_word_model.explain("", k=3)["category"]
    assert e["supporting"] == [] and e["opposing"] == [] and e["score"] == e["bias"]
    assert one_word_model.explain("printer", k=0)["category"]["supporting"] == []
    with pytest.raises(triagekit.TriageError):
        one_word_model.explain("printer", k=-1)
    with pytest.raises(triagekit.TriageError):
        one_word_model.explain(["printer"])
    with pytest.raises(triagekit.TriageError):
        one_word_model.explain("lone \ud800 surrogate")


def test_engine_trace_explains_when_asked(one_word_model):
    ticket = {"id": "1", "subject": "my invoice is wrong", "created_at": "2026-11-23T10:00:00Z"}
    off = triagekit.Engine(rules_source="", model=one_word_model)
    assert "model_explanation" not in off.triage(ticket)["trace"]
    asked = off.triage(ticket, explain=1)["trace"]["model_explanation"]
    assert [(h["head"], h["supporting"][0]["ngram"]) for h in asked] == [("category", "invoice"), ("group", "invoice")]
    on = triagekit.Engine(rules_source="", model=one_word_model, options={"explain": 2})
    assert "model_explanation" in on.triage(ticket)["trace"]
    assert "model_explanation" not in on.triage(ticket, explain=0)["trace"]
    batch = off.triage_batch([ticket, {"subject": "printer jammed"}], explain=1)
    assert [d["trace"]["model_explanation"][0]["label"] for d in batch] == ["billing", "hardware"]
    with pytest.raises(triagekit.TriageError):
        off.triage(ticket, explain=-2)
