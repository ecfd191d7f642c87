"""Re-assignments: POST /tickets/<id>/reassign records training rows; a warm-start retrain
on the exported CSV learns them."""

import csv
import io

import triagekit
from app import ROOT
from helpdesk_data import TOKEN

ADMIN = {"Authorization": f"Bearer {TOKEN}"}
MAILBOX = [f"Shared mailbox {name} missing from Outlook" for name in ("sales", "hr", "legal", "ops")]


def training_csv(client):
    r = client.get("/admin/training-rows.csv", headers=ADMIN)
    assert r.status_code == 200 and r.content_type.startswith("text/csv")
    return list(csv.DictReader(io.StringIO(r.get_data(as_text=True))))


def test_reassign_moves_the_ticket_and_records_a_training_row(client):
    t = client.post("/tickets", json={"id": "R-1", "subject": "refund please", "body": "charged twice"}).get_json()
    assert t["group"] == "billing" and t["agent"]
    r = client.post(f"/tickets/{t['id']}/reassign", json={"group": "service-desk", "category": "hardware"})
    assert r.status_code == 200, r.get_json()
    moved = r.get_json()
    assert (moved["group"], moved["agent"], moved["decision"]["category"]) == ("service-desk", None, "hardware")
    assert [x["id"] for x in client.get("/queues/service-desk").get_json()["tickets"]] == [t["id"]]
    assert client.get("/queues/billing").get_json()["open"] == 0
    assert training_csv(client) == [{"text": "refund please\ncharged twice", "category": "hardware", "group": "service-desk"}]
    # A second correction of the same ticket replaces the first in the export; a category-only
    # correction keeps the group.
    assert client.post(f"/tickets/{t['id']}/reassign", json={"category": "billing"}).status_code == 200
    assert training_csv(client) == [{"text": "refund please\ncharged twice", "category": "billing", "group": "service-desk"}]


def test_moving_a_ticket_frees_its_agent(client):
    ids = [client.post("/tickets", json={"id": f"B-{i}", "subject": "refund please"}).get_json() for i in range(8)]
    assert client.post("/tickets", json={"id": "B-full", "subject": "refund"}).get_json()["agent"] is None
    client.post(f"/tickets/{ids[0]['id']}/reassign", json={"group": "service-desk"})
    assert client.post("/tickets", json={"id": "B-next", "subject": "refund"}).get_json()["agent"] == ids[0]["agent"]


def test_bad_reassign_requests(client):
    t = client.post("/tickets", json={"id": "X-1", "subject": "printer jammed"}).get_json()
    url = f"/tickets/{t['id']}/reassign"
    assert client.post(url, data="nope", content_type="application/json").status_code == 400
    assert client.post(url, json={}).status_code == 400
    assert client.post(url, json={"group": ""}).status_code == 400
    assert client.post(url, json={"category": 7}).status_code == 400
    assert client.post("/tickets/999/reassign", json={"group": "billing"}).status_code == 404
    assert client.get("/admin/training-rows.csv").status_code == 401
    assert training_csv(client) == []


def test_warm_start_retrain_on_the_exported_rows_learns_the_corrections(client):
    with open(ROOT / "fixtures" / "train" / "tickets.csv", encoding="utf-8", newline="") as f:
        rows = [{"text": "\n".join(p for p in (r["subject"], r["body"]) if p), "category": r["category"], "group": r["group"]}
                for r in csv.DictReader(f)]
    texts = [r["text"] for r in rows]
    old = triagekit.Model.fit(texts, {"category": [r["category"] for r in rows], "group": [r["group"] for r in rows]})
    assert all(p != "mail-team" for p in old.predict(MAILBOX, head="group"))
    for i, subject in enumerate(MAILBOX):
        t = client.post("/tickets", json={"id": f"M-{i}", "subject": subject}).get_json()
        assert client.post(f"/tickets/{t['id']}/reassign", json={"group": "mail-team"}).status_code == 200
    all_rows = rows + training_csv(client)
    labels = {h: [r[h] for r in all_rows] for h in ("category", "group")}
    new = triagekit.Model.fit([r["text"] for r in all_rows], labels, warm_start=old)
    assert new.predict(MAILBOX, head="group") == ["mail-team"] * len(MAILBOX)
