"""The in-flight limiter: off by default; when on, the request over the limit gets 429 +
Retry-After at once and the ones in flight complete normally."""

import threading

from app import InFlightLimiter


def _block_one_request(app):
    """Adds a route that holds its request until released; returns (entered, release)."""
    entered, release = threading.Event(), threading.Event()

    def hold():
        entered.set()
        assert release.wait(10)
        return "done"

    app.add_url_rule("/test-hold", "test_hold", hold)
    return entered, release


def test_no_limit_by_default(make_app, monkeypatch):
    monkeypatch.delenv("TRIAGEKIT_MAX_IN_FLIGHT", raising=False)
    app = make_app()
    assert not isinstance(app.wsgi_app, InFlightLimiter)


def test_request_over_the_limit_gets_429_with_retry_after(make_app):
    app = make_app(MAX_IN_FLIGHT=1, RETRY_AFTER=3)
    entered, release = _block_one_request(app)
    held = {}
    worker = threading.Thread(target=lambda: held.update(resp=app.test_client().get("/test-hold")))
    worker.start()
    try:
        assert entered.wait(10)
        client = app.test_client()
        resp = client.post("/tickets", json={"id": "L-1", "subject": "printer jammed"})
        assert resp.status_code == 429
        assert resp.headers["Retry-After"] == "3"
        assert resp.get_json()["error"]["code"] == "TOO_MANY_REQUESTS"
        assert app.wsgi_app.rejected == 1
    finally:
        release.set()
        worker.join(10)
    assert held["resp"].status_code == 200
    # The slot is free again: the same ticket now goes through, and only once.
    resp = app.test_client().post("/tickets", json={"id": "L-1", "subject": "printer jammed"})
    assert resp.status_code == 201
    assert app.test_client().get(f"/tickets/{resp.get_json()['id']}").status_code == 200


def test_limit_from_the_environment(make_app, monkeypatch):
    monkeypatch.setenv("TRIAGEKIT_MAX_IN_FLIGHT", "5")
    app = make_app()
    assert isinstance(app.wsgi_app, InFlightLimiter)
    assert app.wsgi_app.limit == 5
