"""Two updates from the same version: one wins, the other is refused (409, code "stale") and
changes nothing; never a 500, never both.

Sequentially through the API and with two interleaved sessions (any database), and truly in
parallel on PostgreSQL: SELECT ... FOR UPDATE makes the second writer wait for the first to
commit, then the version check refuses it.
"""
from __future__ import annotations

import threading
import time

import pytest
from sqlalchemy import text

from sfoflow.db import transaction
from sfoflow.models import User
from sfoflow.services import lifecycle, reviews
from sfoflow.services.errors import Conflict
from tests.support.core import auth, make_person, make_review, snapshot


@pytest.fixture
def postgres_only(database):
    if database.dialect != "postgresql":
        pytest.skip("truly parallel writers need PostgreSQL (SQLite ignores FOR UPDATE and serialises "
                    "writers); run with SFOFLOW_DATABASE_URL=postgresql+psycopg://...")


@pytest.mark.parametrize("first,second", [
    (("POST", "actions/withdraw", {"reason": "registered twice"}),
     ("POST", "actions/reallocate", {"reason": "leave", "inspector_id": "other"})),
    (("PUT", "high-profile", {"is_high_profile": True, "reason": "press"}),
     ("POST", "actions/withdraw", {"reason": "registered twice"})),
    (("PUT", "parallel-reviews", {"parallel_reviews": [], "reason": "the DHR was stood down"}),
     ("PUT", "high-profile", {"is_high_profile": True, "reason": "press"})),
])
def test_second_update_from_the_same_version_is_refused(client, session, first, second):
    _central, central_token = make_person(session, "central_team")
    owner, other = make_person(session, "inspector")[0], make_person(session, "inspector")[0]
    review = make_review(session, state="allocated", inspector=owner, parallel=1)
    version = review.version

    def send(method, path, body):
        body = {k: (other.id if v == "other" else v) for k, v in body.items()}
        return client.open(f"/api/v1/reviews/{review.id}/{path}", method=method, json={"version": version, **body},
                           headers=auth(central_token))

    assert send(*first).status_code == 200
    after_first = snapshot(session, review.id)
    resp = send(*second)
    assert resp.status_code == 409
    assert resp.json["error"]["code"] == "stale"
    assert resp.json["error"]["reasons"] == [
        "Someone else changed this review while you were working. Check the latest details and try again."]
    assert snapshot(session, review.id) == after_first


def test_interleaved_sessions_the_version_column_refuses_the_later_write(database, session):
    """Both sessions read version 1 before either writes (no lock): the later UPDATE matches no
    row at that version, and the service turns that into a clean refusal."""
    manager, _ = make_person(session, "manager")
    review = make_review(session, state="selected_for_hmip")
    with database.session() as a, database.session() as b:
        review_a = reviews.get_visible(a, review.id, a.get(User, manager.id))
        review_b = reviews.get_visible(b, review.id, b.get(User, manager.id))
        assert review_a.version == review_b.version == 1
        lifecycle.apply_action(a, review_a, "withdraw", a.get(User, manager.id), version=1, data={"reason": "a"})
        a.commit()
        with pytest.raises(Conflict) as refused:
            lifecycle.apply_action(b, review_b, "withdraw", b.get(User, manager.id), version=1,
                                   data={"reason": "b"})  # in memory it still looks like version 1
        assert refused.value.extra["code"] == "stale"
    state, version, _inspector, _due, events = snapshot(session, review.id)
    assert (state, version, events) == ("withdrawn", 2, 1)


def _wait_for_lock_waiter(database, timeout=10.0) -> bool:
    deadline = time.monotonic() + timeout
    with database.engine.connect() as conn:
        while time.monotonic() < deadline:
            waiting = conn.execute(text(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                "AND wait_event_type = 'Lock' AND query ILIKE '%FOR UPDATE%'")).scalar_one()
            conn.rollback()
            if waiting:
                return True
            time.sleep(0.02)
    return False


def test_for_update_makes_the_second_writer_wait_then_refuses_it(database, session, postgres_only):
    manager, _ = make_person(session, "manager")
    central, _ = make_person(session, "central_team")
    review = make_review(session, state="selected_for_hmip")
    a_has_lock, release_a = threading.Event(), threading.Event()
    results: dict[str, object] = {}

    def writer(name, actor_id, action, hold):
        try:
            with database.session() as s, transaction(s):
                actor = s.get(User, actor_id)
                locked = reviews.get_visible(s, review.id, actor, for_update=True)
                lifecycle.apply_action(s, locked, action, actor, version=1, data={"reason": name})
                if hold:
                    a_has_lock.set()
                    assert release_a.wait(10)
            results[name] = "committed"
        except Exception as exc:  # noqa: BLE001 - the test inspects what the loser got
            results[name] = exc

    a = threading.Thread(target=writer, args=("a", manager.id, "withdraw", True))
    a.start()
    assert a_has_lock.wait(10)
    b = threading.Thread(target=writer, args=("b", central.id, "withdraw", False))
    b.start()
    assert _wait_for_lock_waiter(database), "the second writer did not wait for the row lock"
    release_a.set()
    a.join(10), b.join(10)
    assert results["a"] == "committed"
    assert isinstance(results["b"], Conflict) and results["b"].extra["code"] == "stale", results["b"]
    state, version, _inspector, _due, events = snapshot(session, review.id)
    assert (state, version, events) == ("withdrawn", 2, 1)


def test_parallel_api_requests_one_wins_one_is_refused(app, session, postgres_only):
    _central, central_token = make_person(session, "central_team")
    _manager, manager_token = make_person(session, "manager")
    owner, other = make_person(session, "inspector")[0], make_person(session, "inspector")[0]
    for _round in range(8):
        review = make_review(session, state="allocated", inspector=owner)
        review_id, version = review.id, review.version
        barrier = threading.Barrier(2)
        statuses: dict[str, object] = {}

        def call(name, token, path, body, review_id=review_id, version=version, barrier=barrier,
                 statuses=statuses):
            client = app.test_client()
            barrier.wait(5)
            resp = client.open(f"/api/v1/reviews/{review_id}/{path}", method="PUT" if path == "high-profile"
                               else "POST", json={"version": version, **body}, headers=auth(token))
            statuses[name] = (resp.status_code, resp.json)

        threads = [
            threading.Thread(target=call, args=("central", central_token, "high-profile",
                                                {"is_high_profile": True, "reason": "press interest"})),
            threading.Thread(target=call, args=("manager", manager_token, "actions/reallocate",
                                                {"inspector_id": other.id, "reason": "leave"})),
        ]
        for t in threads:
            t.start()
        for t in threads:
            t.join(15)
        codes = sorted(status for status, _body in statuses.values())
        assert codes == [200, 409], statuses
        loser = next(body for status, body in statuses.values() if status == 409)
        assert loser["error"]["code"] == "stale"
        _state, new_version, inspector_id, _due, events = snapshot(session, review_id)
        assert new_version == version + 1
        winner = next(name for name, (status, _b) in statuses.items() if status == 200)
        assert inspector_id == (other.id if winner == "manager" else owner.id)
        assert events == 1
