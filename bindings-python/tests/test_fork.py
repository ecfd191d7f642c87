"""A process that forks after using triagekit gets a working triagekit in the child.

rayon's global pool has no threads in a forked child, so a parallel call there used to wait
forever; triagekit now builds a pool per process. Every wait below has a timeout, so a
regression fails the test instead of hanging the run.
"""

import multiprocessing
from concurrent.futures import ProcessPoolExecutor

import pytest

import triagekit
from tk_data import AGENTS, RULES, training_rows

TIMEOUT = 60
FIXED_NOW = "2026-11-23T10:00:00Z"

# What the parent built before forking; children inherit it, as gunicorn --preload workers do.
_PARENT = {}


def _texts(n=200):
    texts, _, _ = training_rows()
    return [texts[i % len(texts)] for i in range(n)]


def _engine(model):
    return triagekit.Engine(rules=str(RULES), model=model, agents=str(AGENTS),
                            options={"now": FIXED_NOW, "commit": False})


def _work_in_child(i):
    """Parallel calls in the child: predict 200 texts, triage a batch, and fit a model."""
    model, engine = _PARENT["model"], _PARENT["engine"]
    labels = model.predict(_texts())
    decisions = engine.triage_batch([{"id": f"{i}-{j}", "subject": t} for j, t in enumerate(_texts())])
    texts, cats, _ = training_rows()
    refit = triagekit.Model.fit(texts, cats, seed=i)
    return len(labels), sum("error" not in d for d in decisions), len(refit.predict(texts[:150]))


@pytest.fixture(scope="module")
def used_in_parent():
    """Fit, a 200-text predict and a batch triage in this process, before any fork."""
    texts, cats, _ = training_rows()
    model = triagekit.Model.fit(texts, cats, seed=7)
    assert len(model.predict(_texts())) == 200
    engine = _engine(model)
    assert len(engine.triage_batch([{"id": str(j), "subject": t} for j, t in enumerate(_texts())])) == 200
    _PARENT.update(model=model, engine=engine)
    yield
    _PARENT.clear()


def _expected():
    texts, _, _ = training_rows()
    return (200, 200, min(150, len(texts)))


def test_fork_pool_after_fit_predict_and_batch(used_in_parent):
    with multiprocessing.get_context("fork").Pool(2) as pool:
        results = pool.map_async(_work_in_child, range(4)).get(timeout=TIMEOUT)
    assert results == [_expected()] * 4


def test_process_pool_executor_with_fork(used_in_parent):
    executor = ProcessPoolExecutor(max_workers=2, mp_context=multiprocessing.get_context("fork"))
    try:
        futures = [executor.submit(_work_in_child, i) for i in range(3)]
        assert [f.result(timeout=TIMEOUT) for f in futures] == [_expected()] * 3
    finally:
        # On a timeout the children are stuck: kill them rather than wait.
        for process in list(getattr(executor, "_processes", {}).values()):
            process.kill()
        executor.shutdown(wait=False, cancel_futures=True)


def test_parent_still_works_after_children_ran(used_in_parent):
    with multiprocessing.get_context("fork").Pool(1) as pool:
        pool.map_async(_work_in_child, [0]).get(timeout=TIMEOUT)
    assert len(_PARENT["model"].predict(_texts())) == 200
