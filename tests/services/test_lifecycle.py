"""apply_action against the database: every (state, action, role) again, now through the service
and the API. Legal actions land in the state the table says, with an audit event recording who,
when, from, to and why; refusals raise the right error and leave the database as it was.
"""
from __future__ import annotations

import dataclasses
from datetime import UTC, timedelta

import pytest
from sqlalchemy import select

from sfoflow.models import AuditEvent
from sfoflow.services import lifecycle, settings, wiring
from sfoflow.services.errors import Conflict, Forbidden, NotFound, ValidationFailed
from tests.support import clock
from tests.support.core import auth, make_person, make_review, snapshot
from tests.support.lifecycle_table import ACTIONS, ACTORS, LEGAL, STATES, expected_allowed_now, permitted

INSPECTED = {"allocated", "in_qa", "awaiting_sign_off", "feedback_sent"}  # states that have an inspector
HMPPS_HELD = {"hmpps_allocated", "hmpps_in_qa", "hmpps_qa_completed"}  # held by the HMPPS QA officer
# Legal in the table, refused by a named check in the service: add_to_sample once HMPPS has
# started its QA (services.hmpps_qa.not_started), with the reason.
REFUSED_BY_CHECK = {("hmpps_in_qa", "add_to_sample"): "hmpps_qa_started"}


def holder(state: str, people):
    if state in INSPECTED:
        return people["owner"]
    return people["hmpps_officer"] if state in HMPPS_HELD else None


@pytest.fixture
def complete_assessments(monkeypatch):
    """The assessment area owns the "assessment_complete" check and what submit and approve do
    to an assessment (its own tests cover them, with real answers); here the lifecycle is under
    test, so the check passes (a test below shows its problems do refuse) and those two effects,
    which need a filled-in form, stand aside. Every other area's effects run as usual."""
    effects = wiring.lifecycle_hooks().effects
    replace_hooks(monkeypatch, checks={"assessment_complete": lambda session, review, data: []},
                  effects={action: tuple(fn for fn in effects.get(action, ())
                                         if fn.__module__ not in ("sfoflow.services.assessment",
                                                                  "sfoflow.services.hmpps_qa"))
                           for action in ("submit", "approve", "hmpps_complete")})


def replace_hooks(monkeypatch, checks=None, effects=None) -> None:
    """apply_action with some of the listed checks or effects swapped for this test only."""
    real = wiring.lifecycle_hooks()
    hooks = dataclasses.replace(real, checks={**real.checks, **(checks or {})},
                                effects={**real.effects, **(effects or {})})
    monkeypatch.setattr(lifecycle, "lifecycle_hooks", lambda: hooks)


@pytest.fixture
def people(session):
    out = {name: (None if role == "system" else make_person(session, role)[0])
           for name, (role, _owner) in ACTORS.items()}
    out["hmpps_officer"].hmpps_qa = True
    out["other_officer"] = make_person(session, "central_team")[0]
    out["other_officer"].hmpps_qa = True
    session.commit()
    return out


def _data(action: str, people) -> dict:
    # reallocate must name an inspector other than the current one
    return {"route": "selected_for_hmip", "reason": f"why {action}",
            "inspector_id": people["other_inspector"].id, "officer_id": people["other_officer"].id}


@pytest.mark.parametrize("state", STATES)
def test_every_action_and_role_from_each_state(session, people, complete_assessments, state):
    review = make_review(session, state=state, inspector=holder(state, people))
    before = snapshot(session, review.id)
    for action in ACTIONS + ["delete"]:
        for actor_name in ACTORS:
            actor = people[actor_name]
            label = f"{state} {action} by {actor_name}"
            if permitted(state, action, actor_name) and (state, action) in REFUSED_BY_CHECK:
                with pytest.raises(ValidationFailed) as refused:
                    lifecycle.apply_action(session, review, action, actor, version=review.version,
                                           data=_data(action, people))
                assert [r.code for r in refused.value.refusals] == [REFUSED_BY_CHECK[(state, action)]], label
                session.rollback()
            elif permitted(state, action, actor_name):
                started = clock.now()
                lifecycle.apply_action(session, review, action, actor, version=review.version,
                                       data=_data(action, people))
                assert review.state == LEGAL[(state, action)][1].replace("by route", "selected_for_hmip"), label
                event = session.scalars(select(AuditEvent).where(AuditEvent.review_id == review.id)
                                        .order_by(AuditEvent.id.desc())).first()
                assert (event.action, event.from_state, event.to_state) == (action, state, review.state), label
                assert event.actor_id == (actor.id if actor else None)
                assert event.actor_label == (actor.email if actor else "system")
                at = event.created_at  # SQLite hands back naive UTC
                assert abs(at.replace(tzinfo=at.tzinfo or UTC) - started) < timedelta(seconds=5), label
                if action in ("add_to_sample", "reallocate", "return", "withdraw"):
                    assert event.reason == f"why {action}", label
                session.rollback()
            else:
                with pytest.raises((Conflict, Forbidden, NotFound)) as refused:
                    lifecycle.apply_action(session, review, action, actor, version=review.version,
                                           data=_data(action, people))
                error = refused.value
                if action == "delete":
                    assert isinstance(error, NotFound)
                elif (state, action) not in LEGAL:
                    assert isinstance(error, Conflict), label
                else:
                    assert isinstance(error, Forbidden), label
                assert error.extra["reasons"], label
                assert set(error.extra["allowed_actions"]) == expected_allowed_now(state, actor_name), label
                session.commit()  # a refusal leaves nothing pending: committing now changes nothing
                assert snapshot(session, review.id) == before, label


@pytest.mark.parametrize("state,action,missing", [
    ("awaiting_sign_off", "return", "reason"), ("allocated", "reallocate", "reason"),
    ("allocated", "reallocate", "inspector_id"), ("selected_for_hmip", "allocate", "inspector_id"),
    ("received", "add_to_sample", "reason"), ("in_qa", "withdraw", "reason"),
])
def test_required_data_is_refused_and_nothing_changes(session, people, state, action, missing):
    review = make_review(session, state=state, inspector=people["owner"] if state in INSPECTED else None)
    before = snapshot(session, review.id)
    data = {**_data(action, people), missing: "  " if missing == "reason" else None}
    with pytest.raises(ValidationFailed) as refused:
        lifecycle.apply_action(session, review, action, people["manager"], version=review.version, data=data)
    assert f"{missing} is required" in refused.value.extra["reasons"]
    session.commit()
    assert snapshot(session, review.id) == before


def test_allocate_to_someone_who_is_not_an_inspector_is_refused(session, people):
    review = make_review(session, state="selected_for_hmip")
    before = snapshot(session, review.id)
    with pytest.raises(ValidationFailed) as refused:
        lifecycle.apply_action(session, review, "allocate", people["manager"], version=review.version,
                               data={"inspector_id": people["admin"].id})
    assert refused.value.extra["reasons"] == [f"user {people['admin'].id} is not an active inspector"]
    session.commit()
    assert snapshot(session, review.id) == before


def test_an_incomplete_assessment_refuses_submit(session, people, monkeypatch):
    replace_hooks(monkeypatch, checks={
        "assessment_complete": lambda s, r, d: ["standard 4 (victims and their families) has no rating"]})
    review = make_review(session, state="in_qa", inspector=people["owner"])
    before = snapshot(session, review.id)
    with pytest.raises(ValidationFailed) as refused:
        lifecycle.apply_action(session, review, "submit", people["owner"], version=review.version)
    assert refused.value.extra["reasons"] == ["standard 4 (victims and their families) has no rating"]
    session.commit()
    assert snapshot(session, review.id) == before


@pytest.mark.parametrize("sign_off,expected", [(True, "awaiting_sign_off"), (False, "feedback_sent")])
def test_submit_follows_the_sign_off_setting(session, people, complete_assessments, sign_off, expected):
    settings.set_value(session, "sign_off_required", sign_off)
    session.commit()
    review = make_review(session, state="in_qa", inspector=people["owner"])
    lifecycle.apply_action(session, review, "submit", people["owner"], version=review.version)
    session.commit()
    assert snapshot(session, review.id)[0] == expected


def test_stale_version_is_refused_and_changes_nothing(session, people):
    review = make_review(session, state="selected_for_hmip")
    before = snapshot(session, review.id)
    with pytest.raises(Conflict) as refused:
        lifecycle.apply_action(session, review, "withdraw", people["manager"], version=review.version - 1,
                               data={"reason": "duplicate"})
    assert refused.value.extra["code"] == "stale"
    session.commit()
    assert snapshot(session, review.id) == before


# --- through the API ------------------------------------------------------------------------

def test_api_refusal_says_why_lists_allowed_actions_and_writes_nothing(client, session):
    _manager, token = make_person(session, "manager")
    review = make_review(session, state="allocated", inspector=make_person(session, "inspector")[0])
    before = snapshot(session, review.id)
    resp = client.post(f"/api/v1/reviews/{review.id}/actions/approve", json={"version": review.version},
                       headers=auth(token))
    assert resp.status_code == 409
    error = resp.json["error"]
    assert "not possible from state 'Allocated'" in error["message"]
    assert sorted(error["allowed_actions"]) == ["reallocate", "withdraw"]
    resp = client.post(f"/api/v1/reviews/{review.id}/actions/withdraw", json={"version": review.version},
                       headers=auth(token))
    assert resp.status_code == 422 and resp.json["error"]["reasons"] == ["reason is required"]
    # the same refusal as data: the field it is about, a code to branch on, words for a person
    assert resp.json["error"]["refusals"] == [{"field": "reason", "code": "required", "message": "Enter the reason"}]
    _admin, admin_token = make_person(session, "admin")
    resp = client.post(f"/api/v1/reviews/{review.id}/actions/withdraw",
                       json={"version": review.version, "reason": "x"}, headers=auth(admin_token))
    assert resp.status_code == 403 and resp.json["error"]["allowed_actions"] == []
    assert [(r["field"], r["code"]) for r in resp.json["error"]["refusals"]] == [(None, "not_allowed")]
    assert snapshot(session, review.id) == before


def test_api_walks_the_whole_happy_path_with_an_audit_trail(client, session, complete_assessments):
    central, central_token = make_person(session, "central_team")
    manager, manager_token = make_person(session, "manager")
    inspector, inspector_token = make_person(session, "inspector")
    review = make_review(session, state="selected_for_hmip")
    steps = [
        (central_token, "allocate", {"inspector_id": inspector.id}, "allocated"),
        (inspector_token, "start", {}, "in_qa"),
        (inspector_token, "submit", {}, "awaiting_sign_off"),
        (manager_token, "return", {"reason": "standard 2 needs more evidence"}, "in_qa"),
        (inspector_token, "submit", {}, "awaiting_sign_off"),
        (manager_token, "approve", {}, "feedback_sent"),
    ]
    version = review.version
    for token, action, data, state in steps:
        resp = client.post(f"/api/v1/reviews/{review.id}/actions/{action}", json={"version": version, **data},
                           headers=auth(token))
        assert resp.status_code == 200, (action, resp.json)
        assert resp.json["state"] == state
        # an effect's query may flush the review before the new state is written: then the
        # version moves by two within the one action. Either way it moves, and the client
        # carries on with the version it was given.
        assert resp.json["version"] > version
        version = resp.json["version"]
    body = resp.json
    assert body["inspector"]["id"] == inspector.id
    trail = [(e["action"], e["from_state"], e["to_state"], e["actor"]) for e in body["audit"]]
    assert trail == [
        ("allocate", "selected_for_hmip", "allocated", central.email),
        ("start", "allocated", "in_qa", inspector.email),
        ("submit", "in_qa", "awaiting_sign_off", inspector.email),
        ("return", "awaiting_sign_off", "in_qa", manager.email),
        ("submit", "in_qa", "awaiting_sign_off", inspector.email),
        ("approve", "awaiting_sign_off", "feedback_sent", manager.email),
    ]
    assert body["audit"][3]["reason"] == "standard 2 needs more evidence"
    assert body["allowed_actions"] == []


def test_api_allocation_response_shows_the_new_inspector(client, session):
    _central, token = make_person(session, "central_team")
    first, second = make_person(session, "inspector")[0], make_person(session, "inspector")[0]
    review = make_review(session, state="selected_for_hmip")
    resp = client.post(f"/api/v1/reviews/{review.id}/actions/allocate",
                       json={"version": review.version, "inspector_id": first.id}, headers=auth(token))
    assert resp.json["inspector"]["id"] == first.id
    resp = client.post(f"/api/v1/reviews/{review.id}/actions/reallocate",
                       json={"version": resp.json["version"], "inspector_id": second.id, "reason": "leave"},
                       headers=auth(token))
    assert resp.status_code == 200 and resp.json["inspector"]["id"] == second.id
    assert resp.json["audit"][-1]["details"]["previous_inspector_id"] == first.id
    assert snapshot(session, review.id)[2] == second.id
