"""Model: fit/predict/predict_proba/classes_/evaluate/save/load, multi-head, pandas input."""

import math

import pytest

import triagekit
from tk_data import training_rows


def test_fit_predict_single_head(model):
    texts, cats, _ = training_rows()
    assert model.heads_ == ["category"]
    assert sorted(model.classes_) == sorted(set(c for c in cats if c))
    predicted = model.predict(texts)
    assert len(predicted) == len(texts)
    accuracy = sum(p == c for p, c in zip(predicted, cats)) / len(cats)
    assert accuracy > 0.6


def test_predict_proba_rows_sum_to_one(model):
    texts, _, _ = training_rows()
    proba = model.predict_proba(texts[:10])
    assert len(proba) == 10
    for row in proba:
        assert len(row) == len(model.classes_)
        assert math.isclose(sum(row), 1.0, rel_tol=1e-3)
    best = [model.classes_[max(range(len(r)), key=r.__getitem__)] for r in proba]
    assert best == model.predict(texts[:10])


def test_multi_head_dict_labels():
    texts, cats, prios = training_rows()
    if prios is None:
        pytest.skip("no priority column")
    model = triagekit.Model.fit(texts, {"category": cats, "priority": prios}, algorithm="naive-bayes")
    assert model.heads_ == ["category", "priority"]
    assert set(model.classes_) == {"category", "priority"}
    out = model.predict(texts[:5])
    assert set(out) == {"category", "priority"} and len(out["priority"]) == 5
    assert model.predict(texts[:5], head="priority") == out["priority"]
    proba = model.predict_proba(texts[:5])
    assert len(proba["priority"][0]) == len(model.classes_["priority"])
    with pytest.raises(triagekit.ModelError):
        model.predict(texts[:1], head="nope")


def test_missing_labels_are_skipped():
    texts, cats, _ = training_rows()
    cats = list(cats)
    cats[0], cats[1], cats[2] = None, float("nan"), ""
    model = triagekit.Model.fit(texts, cats)
    assert None not in model.classes_ and "" not in model.classes_
    assert model.metadata["heads"][0]["skipped"] == 3


def test_evaluate(model):
    texts, cats, _ = training_rows()
    report = model.evaluate(texts, cats)
    head = report["heads"]["category"]
    assert 0.6 < head["accuracy"] <= 1.0
    assert set(head["per_class"]) >= set(model.classes_)
    assert len(head["confusion"]["matrix"]) == len(head["confusion"]["labels"])


def test_save_and_load(model, tmp_path):
    path = tmp_path / "m.tkm"
    model.save(path)
    again = triagekit.Model.load(str(path))
    assert again.version == model.version
    assert again.to_bytes() == model.to_bytes()
    texts, _, _ = training_rows()
    assert again.predict(texts) == model.predict(texts)


def test_bad_params_and_inputs():
    texts, cats, _ = training_rows()
    with pytest.raises(triagekit.ModelError) as unknown:
        triagekit.Model.fit(texts, cats, learning_rate=3)
    assert (unknown.value.code, unknown.value.field) == ("MODEL", "learning_rate")
    with pytest.raises(triagekit.ModelError):
        triagekit.Model.fit(texts, cats, algorithm="forest")
    with pytest.raises(triagekit.ModelError):
        triagekit.Model.fit(texts, cats[:-1])
    with pytest.raises(triagekit.ModelError):
        triagekit.Model.fit([], [])
    with pytest.raises(TypeError):
        triagekit.Model.fit("one text", cats)


# bindings-node/test/model.test.js checks the same options give the same code and field in Node.
@pytest.mark.parametrize(
    "params, field",
    [
        ({"c": -1}, "c"),
        ({"c": float("nan")}, "c"),
        ({"c": "big"}, "c"),
        ({"C": 0}, "C"),
        ({"max_iter": 0}, "max_iter"),
        ({"seed": -1}, "seed"),
        ({"hash_bits": 40}, "hash_bits"),
    ],
)
def test_bad_training_option_is_model_error_naming_it(params, field):
    texts, cats, _ = training_rows()
    with pytest.raises(triagekit.ModelError) as err:
        triagekit.Model.fit(texts, cats, **params)
    assert err.value.code == "MODEL"
    # Values are checked by the model crate under their canonical name, types under the given one.
    assert err.value.field in (field, field.lower())
    assert "invalid training option" in str(err.value)


def test_plain_labels_evaluate_the_primary_head():
    texts, cats, _ = training_rows()
    # "category" is not the first head, but a plain list still means it.
    model = triagekit.Model.fit(texts, {"other": cats, "category": cats}, seed=1)
    assert model.primary_head_ == "category"
    report = model.evaluate(texts, cats)
    assert list(report["heads"]) == ["category"]
    no_category = triagekit.Model.fit(texts, {"other": cats, "second": cats}, seed=1)
    assert no_category.primary_head_ == "other"
    assert list(no_category.evaluate(texts, cats)["heads"]) == ["other"]


def test_pandas_series_and_dataframe():
    pd = pytest.importorskip("pandas")
    texts, cats, prios = training_rows()
    frame = pd.DataFrame({"text": texts, "category": cats})
    frame.loc[0, "category"] = None
    single = triagekit.Model.fit(frame["text"], frame["category"])
    assert single.predict(frame["text"].head(3)) == single.predict(list(frame["text"].head(3)))
    if prios is not None:
        frame["priority"] = prios
        multi = triagekit.Model.fit(frame["text"], frame[["category", "priority"]])
        assert multi.heads_ == ["category", "priority"]
        report = multi.evaluate(frame["text"], frame[["category", "priority"]])
        assert set(report["heads"]) == {"category", "priority"}


def test_fit_tune_records_the_cv_table_and_a_zero_budget_keeps_the_default():
    texts, cats, _ = training_rows()
    model = triagekit.Model.fit(texts, cats, seed=7, tune=True, budget_s=0, folds=3)
    tuning = model.metadata["tuning"]
    assert tuning["chosen"] == "default"
    assert tuning["folds"] == 3 and tuning["metric"] == "accuracy"
    evaluated = [c for c in tuning["candidates"] if not c["skipped"]]
    assert [c["label"] for c in evaluated] == ["default"]
    assert 0 < evaluated[0]["mean"] <= 1
    assert any(c["skipped"] for c in tuning["candidates"])
    # The default chosen means the plain fit's predictions.
    plain = triagekit.Model.fit(texts, cats, seed=7)
    assert plain.metadata["tuning"] is None
    assert model.predict(texts[:20]) == plain.predict(texts[:20])


@pytest.mark.parametrize(
    "params, field",
    [
        ({"budget_s": 5}, "budget_s"),
        ({"tune": True, "folds": 1}, "folds"),
        ({"tune": True, "budget_s": -1}, "budget_s"),
        ({"tune": True, "tune_metric": "auc"}, "tune_metric"),
    ],
)
def test_bad_tuning_option_is_model_error_naming_it(params, field):
    texts, cats, _ = training_rows()
    with pytest.raises(triagekit.ModelError) as err:
        triagekit.Model.fit(texts, cats, **params)
    assert err.value.field == field
