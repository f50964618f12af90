"""The central team's edits (high profile, parallel reviews) and a manager's extensions: each is
audited with its reason and moves the version; a refused one writes nothing."""
from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from sfoflow.models import AuditEvent, Extension, ParallelReview
from tests.support.core import DUE_ON, auth, count_rows, make_person, make_review, snapshot


@pytest.fixture
def central(session):
    return make_person(session, "central_team")


@pytest.fixture
def manager(session):
    return make_person(session, "manager")


def last_event(session, review_id):
    session.expire_all()
    return session.scalars(select(AuditEvent).where(AuditEvent.review_id == review_id)
                           .order_by(AuditEvent.id.desc())).first()


# --- high profile --------------------------------------------------------------------------

def test_high_profile_change_is_audited_and_moves_the_version(client, session, central):
    user, token = central
    review = make_review(session, state="allocated", inspector=make_person(session, "inspector")[0])
    resp = client.put(f"/api/v1/reviews/{review.id}/high-profile", headers=auth(token),
                      json={"is_high_profile": True, "reason": "national press interest", "version": review.version})
    assert resp.status_code == 200, resp.json
    assert resp.json["is_high_profile"] is True
    assert resp.json["version"] == review.version + 1
    assert resp.json["state"] == "allocated"
    event = last_event(session, review.id)
    assert (event.action, event.actor_id, event.reason) == ("set_high_profile", user.id, "national press interest")
    assert event.details == {"is_high_profile": [False, True]}
    assert (event.from_state, event.to_state) == ("allocated", "allocated")


@pytest.mark.parametrize("body,field", [
    ({"is_high_profile": True, "reason": "  "}, "reason"),
    ({"is_high_profile": True}, "reason"),
    ({"is_high_profile": "perhaps", "reason": "x"}, "is_high_profile"),
    ({"reason": "x"}, "is_high_profile"),
    ({"is_high_profile": True, "reason": "x", "note": "y"}, "note"),
])
def test_high_profile_needs_a_flag_and_a_reason(client, session, central, body, field):
    _user, token = central
    review = make_review(session)
    before = snapshot(session, review.id)
    resp = client.put(f"/api/v1/reviews/{review.id}/high-profile", headers=auth(token),
                      json={"version": review.version, **body})
    assert resp.status_code == 422
    assert field in resp.json["error"]["fields"]
    assert snapshot(session, review.id) == before


def test_edit_from_a_stale_version_is_refused(client, session, central):
    _user, token = central
    review = make_review(session)
    url = f"/api/v1/reviews/{review.id}/high-profile"
    first = client.put(url, headers=auth(token), json={"is_high_profile": True, "reason": "a", "version": 1})
    assert first.status_code == 200
    after_first = snapshot(session, review.id)
    second = client.put(url, headers=auth(token), json={"is_high_profile": False, "reason": "b", "version": 1})
    assert second.status_code == 409 and second.json["error"]["code"] == "stale"
    assert snapshot(session, review.id) == after_first


@pytest.mark.parametrize("state", ["feedback_sent", "withdrawn"])
def test_a_closed_review_cannot_be_edited(client, session, central, state):
    _user, token = central
    review = make_review(session, state=state)
    before = snapshot(session, review.id)
    resp = client.put(f"/api/v1/reviews/{review.id}/high-profile", headers=auth(token),
                      json={"is_high_profile": True, "reason": "late news", "version": review.version})
    assert resp.status_code == 409
    resp = client.put(f"/api/v1/reviews/{review.id}/parallel-reviews", headers=auth(token),
                      json={"parallel_reviews": [], "reason": "late news", "version": review.version})
    assert resp.status_code == 409
    assert snapshot(session, review.id) == before


# --- parallel reviews ----------------------------------------------------------------------

def test_parallel_reviews_replaced_audited_and_versioned(client, session, central):
    user, token = central
    review = make_review(session, parallel=1)
    new = [{"type": "safeguarding_adults_review", "status": "planned", "notes": "commissioned by the SAB"},
           {"type": "domestic_homicide_review", "status": "completed"}]
    resp = client.put(f"/api/v1/reviews/{review.id}/parallel-reviews", headers=auth(token),
                      json={"parallel_reviews": new, "reason": "update from the local team", "version": review.version})
    assert resp.status_code == 200, resp.json
    assert [(p["type"], p["status"], p["notes"]) for p in resp.json["parallel_reviews"]] == [
        ("safeguarding_adults_review", "planned", "commissioned by the SAB"),
        ("domestic_homicide_review", "completed", None)]
    assert resp.json["version"] == review.version + 1
    assert count_rows(session, ParallelReview) == 2  # the old one is gone, not orphaned
    event = last_event(session, review.id)
    assert (event.action, event.actor_id, event.reason) == ("set_parallel_reviews", user.id,
                                                            "update from the local team")
    assert event.details["before"] == [{"type": "domestic_homicide_review", "status": "in_progress", "notes": None}]
    assert [p["type"] for p in event.details["after"]] == ["safeguarding_adults_review", "domestic_homicide_review"]


def test_bad_parallel_reviews_write_nothing(client, session, central):
    _user, token = central
    review = make_review(session, parallel=1)
    before = snapshot(session, review.id)
    resp = client.put(f"/api/v1/reviews/{review.id}/parallel-reviews", headers=auth(token),
                      json={"parallel_reviews": [{"type": "other", "status": "done"}], "reason": "x",
                            "version": review.version})
    assert resp.status_code == 422
    assert list(resp.json["error"]["fields"]) == ["parallel_reviews.0.status"]
    assert snapshot(session, review.id) == before and count_rows(session, ParallelReview) == 1


# --- extensions ----------------------------------------------------------------------------

def extend(client, token, review_id, new_due_on, version, reason="inspector on sick leave"):
    return client.post(f"/api/v1/reviews/{review_id}/extensions", headers=auth(token),
                       json={"new_due_on": new_due_on, "reason": reason, "version": version})


def test_extension_moves_due_on_and_keeps_original(client, session, manager):
    user, token = manager
    review = make_review(session, state="in_qa", inspector=make_person(session, "inspector")[0])
    # due Mon 22 May 2023; Tue 30 May is a working day (Mon 29 May was the spring bank holiday)
    resp = extend(client, token, review.id, "2023-05-30", review.version)
    assert resp.status_code == 201, resp.json
    body = resp.json
    assert (body["due_on"], body["original_due_on"], body["extended"]) == ("2023-05-30", "2023-05-22", True)
    assert body["version"] == review.version + 1
    event = last_event(session, review.id)
    assert (event.action, event.actor_id, event.reason) == ("grant_extension", user.id, "inspector on sick leave")
    assert event.details == {"due_on": ["2023-05-22", "2023-05-30"]}
    # a second extension moves it again; the original date still stands
    resp = extend(client, token, review.id, "2023-06-05", body["version"], "waiting for the case file")
    assert (resp.json["due_on"], resp.json["original_due_on"]) == ("2023-06-05", "2023-05-22")
    session.expire_all()
    granted = [(e.previous_due_on, e.new_due_on, e.granted_by_id) for e in
               session.scalars(select(Extension).order_by(Extension.id))]
    assert granted == [(DUE_ON, date(2023, 5, 30), user.id), (date(2023, 5, 30), date(2023, 6, 5), user.id)]


@pytest.mark.parametrize("new_due_on,problems", [
    ("2023-05-29", ["must be a working day"]),  # spring bank holiday
    ("2023-05-27", ["must be a working day"]),  # Saturday
    ("2023-05-22", ["must be after the current due date, 22 May 2023"]),
    ("2023-05-19", ["must be after the current due date, 22 May 2023"]),
    ("2023-05-21", ["must be after the current due date, 22 May 2023", "must be a working day"]),
])
def test_extension_to_a_bad_date_is_refused(client, session, manager, new_due_on, problems):
    _user, token = manager
    review = make_review(session, state="allocated", inspector=make_person(session, "inspector")[0])
    before = snapshot(session, review.id)
    resp = extend(client, token, review.id, new_due_on, review.version)
    assert resp.status_code == 422
    assert resp.json["error"]["fields"] == {"new_due_on": problems}
    assert snapshot(session, review.id) == before and count_rows(session, Extension) == 0


@pytest.mark.parametrize("state", ["feedback_sent", "withdrawn", "received", "routed_to_hmpps"])
def test_extension_only_for_an_open_hmip_qa(client, session, manager, state):
    _user, token = manager
    review = make_review(session, state=state)
    before = snapshot(session, review.id)
    resp = extend(client, token, review.id, "2023-05-30", review.version)
    assert resp.status_code == 409
    assert "extension applies only to an open HMIP QA" in resp.json["error"]["message"]
    assert snapshot(session, review.id) == before and count_rows(session, Extension) == 0


def test_extension_needs_a_reason_and_a_current_version(client, session, manager):
    _user, token = manager
    review = make_review(session, state="allocated", inspector=make_person(session, "inspector")[0])
    before = snapshot(session, review.id)
    resp = extend(client, token, review.id, "2023-05-30", review.version, reason=" ")
    assert resp.status_code == 422 and "reason" in resp.json["error"]["fields"]
    resp = extend(client, token, review.id, "2023-05-30", review.version + 1)
    assert resp.status_code == 409 and resp.json["error"]["code"] == "stale"
    assert snapshot(session, review.id) == before and count_rows(session, Extension) == 0
