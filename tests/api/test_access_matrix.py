"""Every API route x every kind of caller -> the status written in tests/api/access_matrix_entries.py.

A route under /api/v1 without an entry fails here, whichever area it belongs to.
"""
from __future__ import annotations

import pytest

from sfoflow.models import Review, User
from tests.api.access_matrix_entries import CALLERS, ENTRIES
from tests.support.core import auth, make_person, make_review


def api_routes(app) -> set[tuple[str, str]]:
    return {(method, rule.rule) for rule in app.url_map.iter_rules() if rule.rule.startswith("/api/v1/")
            for method in rule.methods - {"HEAD", "OPTIONS"}}


def _listing(routes) -> str:
    return "\n".join(f"  {m} {r}" for m, r in sorted(routes, key=lambda x: (x[1], x[0])))


def test_every_api_route_has_a_matrix_entry(app):
    missing = api_routes(app) - set(ENTRIES)
    assert not missing, ("routes with no entry in tests/api/access_matrix_entries.py ENTRIES "
                         "(add the status each caller should get):\n" + _listing(missing))


def test_no_entry_for_a_route_that_does_not_exist(app):
    stale = set(ENTRIES) - api_routes(app)
    assert not stale, "entries for routes that do not exist (renamed or removed?):\n" + _listing(stale)


def build_world(session) -> dict:
    people = {role: make_person(session, role) for role in ("central_team", "inspector", "manager", "admin")}
    owner, _ = make_person(session, "inspector")
    world = {"tokens": {role: token for role, (_user, token) in people.items()}, "owner": owner.id}
    world.update({role: user.id for role, (user, _token) in people.items()})
    world["tokens"]["anonymous"] = None
    return world


@pytest.mark.parametrize("route", sorted(ENTRIES, key=lambda k: (k[1], k[0])), ids=lambda k: f"{k[0]} {k[1]}")
def test_route_answers_each_caller_as_declared(client, session, route):
    method, _rule = route
    entry = ENTRIES[route]
    world = build_world(session)
    wrong = []
    for caller in CALLERS:
        # a review of its own for each caller, so one caller's change cannot decide the next answer
        review = make_review(session, state="allocated", inspector=session.get(User, world["owner"]))
        world.update(review=review.id, version=review.version, caller=caller)
        if entry.setup is not None:
            world.update(entry.setup(session, world) or {})
        body = entry.json(world) if callable(entry.json) else entry.json
        resp = client.open(entry.url.format(**world), method=method, json=body, data=entry.data,
                           content_type=entry.content_type if entry.data is not None else None,
                           headers=auth(world["tokens"][caller]))
        if resp.status_code != entry.expect[caller]:
            wrong.append(f"{caller}: expected {entry.expect[caller]}, got {resp.status_code} "
                         f"{resp.get_data(as_text=True)[:300]}")
        elif resp.status_code >= 400 and resp.is_json:
            error = resp.json["error"]  # every refusal is a JSON error with a message
            if error["status"] != resp.status_code or not error["message"]:
                wrong.append(f"{caller}: error body {resp.json}")
    assert not wrong, f"{method} {entry.url}:\n" + "\n".join(wrong)


# --- what an inspector sees --------------------------------------------------------------------

def test_an_inspector_sees_only_reviews_allocated_to_them(client, session):
    me, token = make_person(session, "inspector")
    other, _ = make_person(session, "inspector")
    mine = [make_review(session, state=s, inspector=me) for s in ("allocated", "in_qa")]
    theirs = make_review(session, state="allocated", inspector=other)
    unallocated = make_review(session, state="selected_for_hmip")

    listed = client.get("/api/v1/reviews", headers=auth(token)).json
    assert sorted(i["id"] for i in listed["items"]) == sorted(r.id for r in mine)
    assert listed["total"] == 2
    # asking for another inspector's reviews by filter still shows only one's own (none)
    assert client.get(f"/api/v1/reviews?inspector_id={other.id}", headers=auth(token)).json["total"] == 0
    assert client.get(f"/api/v1/reviews/{mine[0].id}", headers=auth(token)).status_code == 200
    for hidden in (theirs, unallocated):
        assert client.get(f"/api/v1/reviews/{hidden.id}", headers=auth(token)).status_code == 404
    # the other roles see everything
    _central, central_token = make_person(session, "central_team")
    assert client.get("/api/v1/reviews", headers=auth(central_token)).json["total"] == 4


def test_a_hidden_review_and_a_missing_one_answer_alike(client, session):
    _me, token = make_person(session, "inspector")
    other, _ = make_person(session, "inspector")
    theirs = make_review(session, state="allocated", inspector=other)
    session.expire_all()
    missing_id = max(r.id for r in session.query(Review)) + 1
    hidden = client.get(f"/api/v1/reviews/{theirs.id}", headers=auth(token))
    missing = client.get(f"/api/v1/reviews/{missing_id}", headers=auth(token))
    assert hidden.status_code == missing.status_code == 404
    assert hidden.json["error"].keys() == missing.json["error"].keys()
    assert hidden.json["error"]["message"].replace(str(theirs.id), "N") == \
        missing.json["error"]["message"].replace(str(missing_id), "N")


def test_an_inspector_cannot_act_on_someone_elses_review(client, session):
    _me, token = make_person(session, "inspector")
    other, _ = make_person(session, "inspector")
    theirs = make_review(session, state="allocated", inspector=other)
    resp = client.post(f"/api/v1/reviews/{theirs.id}/actions/start", json={"version": theirs.version},
                       headers=auth(token))
    assert resp.status_code == 404
    session.expire_all()
    assert session.get(Review, theirs.id).state == "allocated"
