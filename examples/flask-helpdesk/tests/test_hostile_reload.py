"""A hostile rule set hot-loaded through /admin/reload: the server keeps serving, and triage
returns decisions with the rule's error in the trace."""

import pytest

from helpdesk_data import TOKEN

AUTH = {"Authorization": f"Bearer {TOKEN}"}

# (rule source, rule name, words of the error recorded for it). One line per hostile case.
HOSTILE = [
    pytest.param('rule "Spin" { loop {} }', "Spin", "operations", id="endless-loop"),
    pytest.param('rule "Pin" { set_agent("nobody"); }', "Pin", 'no agent "nobody" on the roster', id="unlisted-agent"),
    pytest.param('rule "Cache" { let s = "x"; for i in 0..19 { s += s; } let m = #{}; let i = 0; loop { m["k" + i] = s + i; i += 1; } }',
                 "Cache", "memory budget", id="map-bomb"),
    pytest.param('rule "Padding" { loop { let s = ""; s.pad(1000000, "x"); } }', "Padding", "time budget", id="pad-loop"),
]


@pytest.mark.parametrize("source, rule, error", HOSTILE)
def test_server_keeps_serving_after_a_hostile_reload(app, client, source, rule, error):
    before = client.post("/tickets", json={"id": "before", "subject": "printer"})
    assert before.status_code == 201
    with open(app.config["RULES"], "a") as f:
        f.write("\n" + source + "\n")
    reloaded = client.post("/admin/reload", headers=AUTH)
    assert reloaded.status_code == 200, reloaded.get_json()

    for i in range(3):
        r = client.post("/tickets", json={"id": f"after-{i}", "subject": "printer", "channel": "email"})
        assert r.status_code == 201, r.get_json()
        body = r.get_json()
        # The other rules still route; the hostile one is recorded with its error.
        assert body["group"] == "service-desk"
        traced = {t["rule"]: t for t in body["trace"]["rules"]}
        assert error in (traced[rule]["error"] or ""), traced[rule]
        assert body["agent"] in {"ana", "ben"}, "assigned by the group, never to an unlisted agent"
    # Other endpoints answer as before.
    assert client.get(f"/tickets/{before.get_json()['id']}").status_code == 200
    assert client.get("/queues/service-desk").get_json()["open"] == 4
    assert "triagekit_tickets_triaged_total 4" in client.get("/metrics").get_data(as_text=True)
