"""Allocation through the API: the suggestion, hard rules, bulk all-or-nothing, reallocation,
absences and conflicts."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from sfoflow.models import Review
from sfoflow.models.allocation import Allocation
from sfoflow.models.notifications import Notification
from sfoflow.services import settings
from tests.support import clock
from tests.support.core import auth, count_rows, make_person, make_review, snapshot


@pytest.fixture
def team(session):
    central = make_person(session, "central_team")
    manager = make_person(session, "manager")
    admin = make_person(session, "admin")
    return {"central": central, "manager": manager, "admin": admin}


def due_in(days: int):
    # Far enough ahead that "today" never passes the due date while a test runs.
    return clock.today() + timedelta(days=days)


def selected(session, **kw):
    kw.setdefault("due_on", due_in(21))
    return make_review(session, state="selected_for_hmip", route="hmip", **kw)


def holding(session, inspector, n):
    for _ in range(n):
        make_review(session, state="in_qa", inspector=inspector, due_on=due_in(10))


# --- the suggestion ----------------------------------------------------------------------------------

def test_the_suggestion_is_the_inspector_with_most_spare_capacity_who_may_take_it(client, session, team):
    busy, _ = make_person(session, "inspector", name="Busy", capacity=6)
    free, _ = make_person(session, "inspector", name="Free", capacity=6)
    away, _ = make_person(session, "inspector", name="Away", capacity=6)
    conflicted, _ = make_person(session, "inspector", name="Conflicted", capacity=6)
    holding(session, busy, 4)
    holding(session, free, 2)
    review = selected(session, region="london", provider="N07")
    central_token = team["central"][1]
    manager_token = team["manager"][1]
    # an absence on the next working days, and a conflict for the region
    start = clock.today() + timedelta(days=1)
    assert client.post(f"/api/v1/inspectors/{away.id}/absences", headers=auth(manager_token),
                       json={"from_date": start.isoformat(), "to_date": (start + timedelta(days=6)).isoformat(),
                             "reason": "annual leave"}).status_code == 201
    assert client.post(f"/api/v1/inspectors/{conflicted.id}/conflicts", headers=auth(manager_token),
                       json={"region": "london", "reason": "former London deputy head"}).status_code == 201

    body = client.get(f"/api/v1/reviews/{review.id}/suggestion", headers=auth(central_token)).json
    assert body["suggested"]["id"] == free.id and body["suggested"]["spare"] == 4
    assert [c["id"] for c in body["eligible"]] == [free.id, busy.id]
    reasons = {e["id"]: e["reasons"] for e in body["excluded"]}
    assert set(reasons) == {away.id, conflicted.id}
    assert "absent" in reasons[away.id][0] and "region london" in reasons[conflicted.id][0]
    assert body["version"] == review.version


def test_a_high_profile_review_is_suggested_and_allocated_only_to_a_senior(client, session, team):
    junior, _ = make_person(session, "inspector", name="Junior")
    senior, _ = make_person(session, "inspector", name="Senior", is_senior=True)
    holding(session, senior, 3)
    review = selected(session, is_high_profile=True)
    token = team["central"][1]
    suggestion = client.get(f"/api/v1/reviews/{review.id}/suggestion", headers=auth(token)).json
    assert suggestion["suggested"]["id"] == senior.id
    refused = client.post(f"/api/v1/reviews/{review.id}/actions/allocate", headers=auth(token),
                          json={"version": review.version, "inspector_id": junior.id})
    assert refused.status_code == 422
    assert "high profile and the inspector is not senior" in " ".join(refused.json["error"]["reasons"])
    assert snapshot(session, review.id)[0] == "selected_for_hmip"
    # with the setting off, anyone may take it
    settings.set_value(session, "high_profile_requires_senior", False)
    session.commit()
    ok = client.post(f"/api/v1/reviews/{review.id}/actions/allocate", headers=auth(token),
                     json={"version": review.version, "inspector_id": junior.id})
    assert ok.status_code == 200 and ok.json["inspector"]["id"] == junior.id


def test_a_conflict_refuses_allocation_by_hand(client, session, team):
    inspector, _ = make_person(session, "inspector")
    review = selected(session, region="wales", provider="N03")
    client.post(f"/api/v1/inspectors/{inspector.id}/conflicts", headers=auth(team["admin"][1]),
                json={"provider": "N03", "reason": "spouse works for the provider"})
    resp = client.post(f"/api/v1/reviews/{review.id}/actions/allocate", headers=auth(team["central"][1]),
                       json={"version": review.version, "inspector_id": inspector.id})
    assert resp.status_code == 422 and "provider N03" in " ".join(resp.json["error"]["reasons"])


# --- bulk allocation ------------------------------------------------------------------------------------

def test_bulk_allocation_is_all_or_nothing(client, session, team):
    a, _ = make_person(session, "inspector", name="A")
    b, _ = make_person(session, "inspector", name="B")
    client.post(f"/api/v1/inspectors/{b.id}/conflicts", headers=auth(team["admin"][1]),
                json={"region": "wales", "reason": "worked there"})
    reviews = [selected(session, region="london"), selected(session, region="wales"), selected(session)]
    before = [snapshot(session, r.id) for r in reviews]
    token = team["central"][1]
    bad = [{"review_id": reviews[0].id, "inspector_id": a.id, "version": reviews[0].version},
           {"review_id": reviews[1].id, "inspector_id": b.id, "version": reviews[1].version},  # conflict
           {"review_id": reviews[2].id, "inspector_id": a.id, "version": reviews[2].version + 1}]  # stale
    resp = client.post("/api/v1/allocations", headers=auth(token), json={"allocations": bad})
    assert resp.status_code == 422
    errors = resp.json["error"]["errors"]
    assert [e["index"] for e in errors] == [1, 2]
    assert "region wales" in " ".join(errors[0]["reasons"]) and errors[1]["status"] == 409
    assert [snapshot(session, r.id) for r in reviews] == before  # nothing written, not even the first
    assert count_rows(session, Allocation) == 0 and count_rows(session, Notification) == 0

    good = [{**bad[0]}, {**bad[1], "inspector_id": a.id}, {**bad[2], "version": reviews[2].version}]
    resp = client.post("/api/v1/allocations", headers=auth(token), json={"allocations": good})
    assert resp.status_code == 200, resp.json
    assert [r["state"] for r in resp.json["allocated"]] == ["allocated"] * 3
    assert count_rows(session, Allocation) == 3
    notices = session.scalars(select(Notification).where(Notification.kind == "allocated")).all()
    assert sorted(n.review_id for n in notices) == sorted(r.id for r in reviews)
    assert {n.recipient_id for n in notices} == {a.id}


def test_bulk_allocation_validates_its_input(client, session, team):
    a, _ = make_person(session, "inspector")
    review = selected(session)
    token = team["central"][1]
    twice = {"review_id": review.id, "inspector_id": a.id, "version": review.version}
    resp = client.post("/api/v1/allocations", headers=auth(token), json={"allocations": [twice, twice]})
    assert resp.status_code == 422 and resp.json["error"]["errors"][0]["message"] == "listed twice"
    assert snapshot(session, review.id)[0] == "selected_for_hmip"
    resp = client.post("/api/v1/allocations", headers=auth(token), json={"allocations": []})
    assert resp.status_code == 422 and "allocations" in resp.json["error"]["fields"]
    resp = client.post("/api/v1/allocations", headers=auth(token),
                       json={"allocations": [{"review_id": review.id, "inspector": a.id, "version": 1}]})
    assert resp.status_code == 422
    assert set(resp.json["error"]["fields"]) == {"allocations.0.inspector", "allocations.0.inspector_id"}


# --- reallocation -----------------------------------------------------------------------------------------

def test_reallocation_records_the_reason_and_tells_the_new_inspector(client, session, team):
    first, _ = make_person(session, "inspector", name="First")
    second, _ = make_person(session, "inspector", name="Second")
    review = selected(session)
    token = team["manager"][1]
    allocated = client.post(f"/api/v1/reviews/{review.id}/actions/allocate", headers=auth(token),
                            json={"version": review.version, "inspector_id": first.id}).json
    no_reason = client.post(f"/api/v1/reviews/{review.id}/actions/reallocate", headers=auth(token),
                            json={"version": allocated["version"], "inspector_id": second.id})
    assert no_reason.status_code == 422 and "reason is required" in no_reason.json["error"]["reasons"]
    moved = client.post(f"/api/v1/reviews/{review.id}/actions/reallocate", headers=auth(token),
                        json={"version": allocated["version"], "inspector_id": second.id,
                              "reason": "First is on long-term sick leave"})
    assert moved.status_code == 200 and moved.json["inspector"]["id"] == second.id
    rows = session.scalars(select(Allocation).where(Allocation.review_id == review.id).order_by(Allocation.id)).all()
    assert [(r.action, r.inspector_id, r.previous_inspector_id, r.reason) for r in rows] == [
        ("allocate", first.id, None, None), ("reallocate", second.id, first.id, "First is on long-term sick leave")]
    assert moved.json["audit"][-1]["reason"] == "First is on long-term sick leave"
    recipients = session.scalars(select(Notification.recipient_id).where(Notification.kind == "allocated")
                                 .order_by(Notification.id)).all()
    assert recipients == [first.id, second.id]


# --- absences and conflicts ---------------------------------------------------------------------------------

def test_absences_are_recorded_listed_and_removed(client, session, team):
    inspector, _ = make_person(session, "inspector")
    token = team["manager"][1]
    url = f"/api/v1/inspectors/{inspector.id}/absences"
    backwards = client.post(url, headers=auth(token), json={"from_date": "2023-05-10", "to_date": "2023-05-01"})
    assert backwards.status_code == 422 and "to_date" in backwards.json["error"]["fields"]
    created = client.post(url, headers=auth(token), json={"from_date": "2023-05-01", "to_date": "2023-05-10",
                                                          "reason": "leave"})
    assert created.status_code == 201
    assert client.get(url, headers=auth(token)).json["items"] == [created.json]
    assert client.delete(f"{url}/{created.json['id']}", headers=auth(token)).status_code == 204
    assert client.get(url, headers=auth(token)).json["items"] == []
    assert client.delete(f"{url}/{created.json['id']}", headers=auth(token)).status_code == 404
    manager = team["manager"][0]
    assert client.get(f"/api/v1/inspectors/{manager.id}/absences", headers=auth(token)).status_code == 404


@pytest.mark.parametrize("body, field", [
    ({"region": "wales", "provider": "N03", "reason": "x"}, "region"),
    ({"reason": "x"}, "region"),
    ({"provider": "N99", "reason": "x"}, "provider"),
    ({"region": "atlantis", "reason": "x"}, "region"),
    ({"region": "wales", "reason": "  "}, "reason"),
    ({"region": "wales", "reason": "x", "until": "2024-01-01"}, "until"),
])
def test_a_conflict_names_a_known_region_or_provider_and_a_reason(client, session, team, body, field):
    inspector, _ = make_person(session, "inspector")
    resp = client.post(f"/api/v1/inspectors/{inspector.id}/conflicts", headers=auth(team["admin"][1]), json=body)
    assert resp.status_code == 422 and field in resp.json["error"]["fields"], resp.json


def test_open_qa_counts_against_capacity_are_per_inspector(session, team):
    from sfoflow.services.allocation import candidates

    a, _ = make_person(session, "inspector", name="A", capacity=5)
    b, _ = make_person(session, "inspector", name="B", capacity=2)
    holding(session, a, 3)
    make_review(session, state="feedback_sent", inspector=a)  # finished work is not load
    make_review(session, state="awaiting_sign_off", inspector=b)
    got = {c.id: (c.open_qas, c.spare) for c in candidates(session)}
    assert got == {a.id: (3, 2), b.id: (1, 1)}
    assert session.scalar(select(func.count()).select_from(Review)) == 5


def test_bulk_allocation_beyond_capacity_needs_a_reason(client, session, team):
    a, _ = make_person(session, "inspector", name="A", capacity=1)
    reviews = [selected(session), selected(session)]
    items = [{"review_id": r.id, "inspector_id": a.id, "version": r.version} for r in reviews]
    resp = client.post("/api/v1/allocations", headers=auth(team["central"][1]), json={"allocations": items})
    assert resp.status_code == 422
    assert [r["code"] for r in resp.json["error"]["refusals"]] == ["over_capacity"]
    assert resp.json["error"]["over_capacity"] == [
        {"inspector_id": a.id, "name": "A", "capacity": 1, "open_qas": 0, "would_hold": 2}]
    assert count_rows(session, Allocation) == 0
    resp = client.post("/api/v1/allocations", headers=auth(team["central"][1]),
                       json={"allocations": items, "over_capacity_reason": "cover for leave"})
    assert resp.status_code == 200, resp.json
    assert count_rows(session, Allocation) == 2
