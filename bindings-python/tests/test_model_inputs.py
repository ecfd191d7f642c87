"""Issue 20's Python findings, one test each: inputs and outputs the way pandas and numpy users
expect (one-column frames, Series names, label types, text columns, surrogates, parameter
errors, empty evaluation, report folders and index rows, version, float64 probabilities)."""

import csv
import pickle

import pytest

import triagekit
from tk_data import training_rows

pd = pytest.importorskip("pandas")
np = pytest.importorskip("numpy")


@pytest.fixture(scope="module")
def frame():
    texts, cats, prios = training_rows()
    return pd.DataFrame({"text": texts, "category": cats, "priority": prios})


def test_a_one_column_dataframe_is_its_column(model, frame):
    one = frame[["text"]]
    assert model.predict(one) == model.predict(frame["text"])
    fitted = triagekit.Model.fit(one, frame["category"], seed=1)
    assert len(fitted.predict(one)) == len(frame)
    with pytest.raises(triagekit.ModelError) as err:
        model.predict(frame[["text", "category"]])
    assert err.value.field == "text"


def test_a_series_name_names_its_head(frame):
    m = triagekit.Model.fit(frame.text, frame.priority, seed=1)
    assert m.heads_ == ["priority"]
    both = triagekit.Model.fit(frame.text, frame[["category", "priority"]], seed=1)
    report = both.evaluate(frame.text, frame["priority"])
    assert list(report["heads"]) == ["priority"]
    assert report["heads"]["priority"]["accuracy"] > 0.5
    # A one-head model scores its head whatever the Series is called; a plain list the primary head.
    assert list(m.evaluate(frame.text, frame["priority"].rename("label"))["heads"]) == ["priority"]
    with pytest.raises(triagekit.ModelError):
        both.evaluate(frame.text, frame["priority"].rename("nope"))


def test_labels_keep_their_python_type(frame):
    ints = (frame.category.astype("category").cat.codes % 3).astype("int64")
    m = triagekit.Model.fit(frame.text, ints, seed=1)
    assert m.classes_ == [0, 1, 2] and all(isinstance(c, (int, np.integer)) for c in m.classes_)
    predicted = m.predict(frame.text)
    assert set(predicted) <= {0, 1, 2} and not any(isinstance(p, str) for p in predicted)
    from sklearn.metrics import accuracy_score  # "Mix of label input types" before

    assert accuracy_score(ints, predicted) > 0.3
    flags = triagekit.Model.fit(frame.text, frame.category == "network", seed=1)
    assert sorted(flags.classes_) == [False, True] and all(isinstance(p, (bool, np.bool_)) for p in flags.predict(frame.text[:5]))
    # Ints with a missing value arrive as floats: 1.0 stays 1.0 (and is stored as "1", not "1.0").
    gappy = ints.astype("float64")
    gappy.iloc[0] = np.nan
    g = triagekit.Model.fit(frame.text, gappy, seed=1)
    assert g.classes_ == [0.0, 1.0, 2.0] and g.metadata["heads"][0]["skipped"] == 1
    assert g.predict_proba(frame.text[:3]).shape == (3, 3)
    # The label table travels with pickle.
    again = pickle.loads(pickle.dumps(m))
    assert again.classes_ == m.classes_ and again.predict(frame.text[:5]) == m.predict(frame.text[:5])
    assert again.version == m.version


def test_model_constructs_and_fits_in_place(frame):
    m = triagekit.Model(seed=3)
    assert "unfitted" in repr(m)
    with pytest.raises(triagekit.ModelError, match="not fitted"):
        m.predict(["vpn"])
    assert m.fit(frame.text, frame.category) is m
    assert m.heads_ == ["category"] and m.metadata["seed"] == 3
    # The class-level call still returns a new model and leaves nothing else changed.
    other = triagekit.Model.fit(frame.text, frame.category, seed=3)
    assert other is not m and other.version == m.version
    # fit's options override the constructor's.
    assert m.fit(frame.text, frame.category, seed=4).metadata["seed"] == 4
    with pytest.raises(triagekit.ModelError) as err:
        triagekit.Model(learning_rate=1)
    assert err.value.field == "learning_rate"
    assert pickle.loads(pickle.dumps(triagekit.Model(seed=5))).fit(frame.text, frame.category).metadata["seed"] == 5
    # An engine takes the model as fitted when it is given; an unfitted one is refused.
    with pytest.raises(triagekit.ModelError, match="not fitted"):
        triagekit.Engine(rules_source='rule "a" { }', model=triagekit.Model())


def test_text_columns_are_joined_with_newlines():
    tickets = pd.DataFrame(
        {
            "subject": ["VPN down", "Invoice wrong", None, "Printer"] * 10,
            "body": ["since 9am", "", "card declined at checkout", "jammed  "] * 10,
            "category": ["network", "billing", "cards", "hardware"] * 10,
        }
    )
    m = triagekit.Model.fit(tickets, tickets.category, text=["subject", "body"], seed=1)
    joined = ["VPN down\nsince 9am", "Invoice wrong", "card declined at checkout", "Printer\njammed"] * 10
    assert m.predict(tickets, text=["subject", "body"]) == m.predict(joined)
    np.testing.assert_array_equal(m.predict_proba(tickets, text=["subject", "body"]), m.predict_proba(joined))
    assert m.version == triagekit.Model.fit(joined, tickets.category, seed=1).version
    with pytest.raises(triagekit.ModelError) as err:
        m.predict(tickets, text=["subject", "nope"])
    assert err.value.field == "nope"


def test_a_lone_surrogate_is_a_triage_error_with_its_row_in_fit_and_replaced_in_predict(model):
    texts, cats, _ = training_rows()
    bad = list(texts)
    bad[5] = "vpn \udc00 down"
    with pytest.raises(triagekit.ModelError) as err:
        triagekit.Model.fit(bad, cats)
    assert (err.value.code, err.value.row) == ("MODEL", 5)
    with pytest.raises(triagekit.ModelError):
        model.evaluate(bad, cats)
    predicted = model.predict(bad)
    assert len(predicted) == len(bad) and predicted[:5] == model.predict(texts[:5])
    assert predicted[5] == model.predict(["vpn \ufffd down"])[0]
    assert model.predict_proba(bad).shape == (len(bad), len(model.classes_))


@pytest.mark.parametrize(
    "params, field",
    [({"seed": -1}, "seed"), ({"max_iter": 0}, "max_iter"), ({"max_text_chars": 0}, "max_text_chars"), ({"eps": -1}, "eps"), ({"eps": 0}, "eps")],
)
def test_parameter_errors_are_triage_errors(params, field):
    texts, cats, _ = training_rows()
    for build in (lambda: triagekit.Model.fit(texts, cats, **params), lambda: triagekit.Model(**params)):
        with pytest.raises(triagekit.TriageError) as err:
            build()
        assert (err.value.code, err.value.field) == ("MODEL", field)


def test_a_single_class_head_is_refused():
    texts, _, _ = training_rows()
    with pytest.raises(triagekit.ModelError, match="at least 2 classes"):
        triagekit.Model.fit(texts, ["only"] * len(texts))


def test_evaluating_nothing_raises(model):
    with pytest.raises(triagekit.ModelError) as err:
        model.evaluate([], [])
    assert err.value.code == "MODEL"


def test_report_creates_its_folder_and_names_rows_by_the_index(model, frame, tmp_path):
    indexed = frame.set_axis([f"T-{i}" for i in range(100, 100 + len(frame))])
    path = tmp_path / "deep" / "er" / "eval.html"
    model.evaluate(indexed.text, indexed.category, report=path, label_next=7)
    assert path.is_file()
    with (tmp_path / "deep" / "er" / "eval.to-label.csv").open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    assert len(rows) == 7 and all(r["row"].startswith("T-") for r in rows)
    assert all(r["text"] == indexed.text[r["row"]] for r in rows)


def test_version_is_the_same_for_the_same_data_options_and_seed(frame, monkeypatch):
    first = triagekit.Model.fit(frame.text, frame.category, seed=9)
    # A different creation time (what a refit a second later records) keeps the version.
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    second = triagekit.Model.fit(frame.text, frame.category, seed=9)
    assert first.metadata["created"] != second.metadata["created"]
    assert first.version == second.version
    assert triagekit.Model.fit(frame.text, frame.category, seed=10).version != first.version
    assert triagekit.Model.fit(frame.text[1:], frame.category[1:], seed=9).version != first.version


def test_predict_proba_is_a_float64_array_matching_predict(model):
    texts, _, _ = training_rows()
    proba = model.predict_proba(texts)
    assert isinstance(proba, np.ndarray) and proba.dtype == np.float64 and proba.shape == (len(texts), len(model.classes_))
    np.testing.assert_allclose(proba.sum(axis=1), 1.0, atol=1e-12)
    best = [model.classes_[i] for i in proba.argmax(axis=1)]
    assert best == model.predict(texts)
    scores = model.decision_function(texts[:4])
    assert scores.shape == (4, len(model.classes_)) and (scores.argmax(axis=1) == proba[:4].argmax(axis=1)).all()
    from sklearn.metrics import log_loss

    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("error")  # "y_pred values do not sum to one" was a warning
        log_loss(model.predict(texts), proba, labels=model.classes_)
