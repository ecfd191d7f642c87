"""Model.fit(..., warm_start=old): retraining from agents' corrections."""

import pytest

import triagekit
from tk_data import training_rows


def test_warm_start_follows_corrections_and_learns_a_new_class():
    texts, cats, _ = training_rows()
    old = triagekit.Model.fit(texts, cats, seed=7)
    # Agents re-route mailbox tickets to a new "messaging" queue.
    moved = [i for i, (t, c) in enumerate(zip(texts, cats)) if c == "email" and "mailbox" in t.lower()]
    assert len(moved) >= 3
    assert all(p == "email" for p in old.predict([texts[i] for i in moved]))
    corrected = ["messaging" if i in moved else c for i, c in enumerate(cats)]
    warm = triagekit.Model.fit(texts, corrected, seed=7, warm_start=old)
    assert "messaging" in warm.classes_
    assert warm.predict([texts[i] for i in moved]) == ["messaging"] * len(moved)
    others = [texts[i] for i, c in enumerate(cats) if c == "email" and i not in moved]
    assert sum(p == "email" for p in warm.predict(others)) >= 0.9 * len(others)


def test_warm_start_on_the_same_data_predicts_like_the_cold_fit():
    texts, cats, _ = training_rows()
    cold = triagekit.Model.fit(texts, cats, seed=7)
    warm = triagekit.Model.fit(texts, cats, seed=7, warm_start=cold)
    same = sum(a == b for a, b in zip(warm.predict(texts), cold.predict(texts)))
    assert same >= 0.98 * len(texts)


def test_warm_start_none_is_a_cold_fit_and_a_bad_value_names_the_option():
    texts, cats, _ = training_rows()
    cold = triagekit.Model.fit(texts, cats, seed=7)
    assert triagekit.Model.fit(texts, cats, seed=7, warm_start=None).predict(texts) == cold.predict(texts)
    with pytest.raises(triagekit.ModelError) as bad:
        triagekit.Model.fit(texts, cats, warm_start="old.tkm")
    assert (bad.value.code, bad.value.field) == ("MODEL", "warm_start")


def test_warm_start_from_another_pipeline_is_a_model_error():
    texts, cats, _ = training_rows()
    old = triagekit.Model.fit(texts, cats, hash_bits=16)
    with pytest.raises(triagekit.ModelError) as mismatch:
        triagekit.Model.fit(texts, cats, hash_bits=18, warm_start=old)
    assert mismatch.value.field == "hash_bits"
    assert "old model was trained with 16" in str(mismatch.value)
    assert triagekit.Model.fit(texts, cats, warm_start=old).predict(texts[:3]) == old.predict(texts[:3])
