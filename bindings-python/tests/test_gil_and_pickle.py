"""The GIL is released during batch triage, and pickled engines/models decide identically."""

import pickle
import threading
import time

import triagekit
from tk_data import AGENTS, FIXED_NOW, RULES, strip_timing


def test_python_thread_progresses_during_batch(model, tickets):
    engine = triagekit.Engine(rules=str(RULES), model=model, agents=str(AGENTS), options={"commit": False, "now": FIXED_NOW})
    batch = tickets * 4000
    started = time.perf_counter()
    engine.triage_batch(batch, trace=False)
    alone = time.perf_counter() - started

    ticks = 0
    done = threading.Event()

    def spin():
        nonlocal ticks
        while not done.is_set():
            ticks += 1

    # The counting thread only runs while the main thread does not hold the GIL, so counting
    # during the native part of the batch proves the GIL was released.
    spinner = threading.Thread(target=spin)
    spinner.start()
    time.sleep(0.01)
    before = ticks
    native_started = time.perf_counter()
    engine.triage_batch(batch, trace=False)
    elapsed = time.perf_counter() - native_started
    during = ticks - before
    done.set()
    spinner.join()
    assert alone > 0.01, "batch too small to measure"
    assert during > 1000, f"spinner counted {during} in {elapsed:.3f}s"


def test_engine_pickle_round_trip(engine, tickets):
    engine.set_load("ben", 3)
    clone = pickle.loads(pickle.dumps(engine))
    assert clone.rules_version == engine.rules_version
    assert clone.model_version == engine.model_version
    assert clone.roster_version == engine.roster_version
    assert clone.options == engine.options
    for t in tickets:
        assert strip_timing(clone.triage(t, commit=False)) == strip_timing(engine.triage(t, commit=False))


def test_engine_from_source_pickles(tickets):
    engine = triagekit.Engine(rules='rule "all" { set_group("billing"); }')
    clone = pickle.loads(pickle.dumps(engine))
    assert clone.triage(tickets[0])["group"] == "billing"


def test_model_pickle_round_trip(model, tickets):
    clone = pickle.loads(pickle.dumps(model))
    texts = [t.get("subject", "") + "\n" + t.get("body", "") for t in tickets]
    assert clone.version == model.version
    assert clone.predict(texts) == model.predict(texts)
    assert clone.predict_proba(texts) == model.predict_proba(texts)
