"""Issue 14 item 2: sign-in resists guessing. Thirty wrong passwords meet the throttle (per
account and per client address), with a clear message, a 429 and an audit event; the right
password is refused too until the window ends; invalid API tokens meet the same limit; an unknown
email costs the same scrypt check as a known one."""
from __future__ import annotations

import statistics
import time

import time_machine
from limits.storage import RedisStorage
from sqlalchemy import select

from sfoflow.models import AuditEvent
from sfoflow.services import users
from sfoflow.workflows import lifecycle as lc
from tests.support.web import PASSWORD, text, token

ATTACKER = {"REMOTE_ADDR": "203.0.113.7"}  # TEST-NET-3: a documentation address


def _attacker(app):
    client = app.test_client()
    client.environ_base.update(ATTACKER)
    return client


def _try(client, email, password):
    page = client.get("/sign-in")
    return client.post("/sign-in", data={"email": email, "password": password, "csrf_token": token(page)})


def test_thirty_wrong_passwords_meet_the_throttle(app, make_user, session):
    user, _ = make_user(lc.CENTRAL_TEAM)
    client = _attacker(app)
    answers = [_try(client, user.email, f"guess-{i}").status_code for i in range(30)]
    assert answers[:10] == [400] * 10  # the account's limit (settings.json: 10 in 15 minutes)
    assert set(answers[10:]) == {429}
    refused = _try(client, user.email, PASSWORD)  # even the right password, until the window ends
    assert refused.status_code == 429 and int(refused.headers["Retry-After"]) > 0
    assert "There have been too many attempts to sign in. Wait 15 minutes and try again" in text(refused)
    events = session.scalars(select(AuditEvent).where(AuditEvent.action == "sign_in_throttled")).all()
    assert len(events) == 1 and events[0].details["email"] == user.email
    if not isinstance(app.extensions["sfoflow_throttle"].storage, RedisStorage):  # Redis keeps its own clock
        with time_machine.travel(time.time() + 16 * 60, tick=False):
            assert _try(client, user.email, PASSWORD).status_code == 302


def test_the_address_limit_holds_across_accounts(app, make_user):
    client = _attacker(app)
    answers = [_try(client, f"nobody{i}@example.org", "guess").status_code for i in range(31)]
    assert answers[:30] == [400] * 30 and answers[30] == 429
    user, _ = make_user(lc.CENTRAL_TEAM)
    assert _try(client, user.email, PASSWORD).status_code == 429  # from this address, nobody
    assert _try(app.test_client(), user.email, PASSWORD).status_code == 302  # elsewhere, fine


def test_a_good_sign_in_clears_the_accounts_failures(app, make_user):
    user, _ = make_user(lc.CENTRAL_TEAM)
    client = _attacker(app)
    for _ in range(2):
        assert [_try(client, user.email, "wrong").status_code for _ in range(9)] == [400] * 9
        assert _try(client, user.email, PASSWORD).status_code == 302
        client.delete_cookie("session")


def test_invalid_api_tokens_meet_the_same_limit(app, make_user):
    _, good = make_user(lc.CENTRAL_TEAM)
    client = _attacker(app)
    answers = [client.get("/api/v1/me", headers={"Authorization": f"Bearer sfo_guess{i}"}).status_code
               for i in range(31)]
    assert answers[:30] == [401] * 30 and answers[30] == 429
    blocked = client.get("/api/v1/me", headers={"Authorization": f"Bearer {good}"})
    assert blocked.status_code == 429 and int(blocked.headers["Retry-After"]) > 0
    assert "too many" in blocked.json["error"]["message"]
    assert app.test_client().get("/api/v1/me", headers={"Authorization": f"Bearer {good}"}).status_code == 200


def test_an_unknown_email_costs_a_scrypt_check(session, monkeypatch):
    checked = []
    real = users.check_password_hash
    monkeypatch.setattr(users, "check_password_hash", lambda h, p: checked.append(h.split("$")[0]) or real(h, p))
    assert users.check_password(session, "nobody@example.org", "guess") is None
    assert checked and checked[0].startswith("scrypt")


def test_known_and_unknown_emails_take_the_same_time(session, make_user):
    """20 tries each, alternating; the medians within 20% (benchmarks/sign_in_timing.py prints them)."""
    user, _ = make_user(lc.CENTRAL_TEAM)
    users.check_password(session, "warm-up@example.org", "x")
    known, unknown = [], []
    for n in range(20):
        for email, into in ((user.email, known), (f"nobody{n}@example.org", unknown)):
            start = time.perf_counter()
            assert users.check_password(session, email, "wrong-password") is None
            into.append(time.perf_counter() - start)
    ratio = statistics.median(unknown) / statistics.median(known)
    assert 0.8 <= ratio <= 1.2, (statistics.median(known), statistics.median(unknown))


def test_with_its_redis_out_of_reach_the_throttle_lets_people_in(caplog):
    from sfoflow.http.throttle import Limits, Throttle

    guard, limits = Throttle("redis://127.0.0.1:9/0"), Limits(per_account=1, per_address=1, window_minutes=1)
    assert guard.blocked_for(limits, account="a@example.org", address="203.0.113.7") == 0
    assert guard.failed(limits, account="a@example.org", address="203.0.113.7") is False
    assert guard.blocked_for(limits, account="a@example.org", address="203.0.113.7") == 0
    assert [r.getMessage() for r in caplog.records if "throttling is off" in r.getMessage()] == \
        ["sign-in throttling is off: its counters cannot be reached (ConnectionError)"]  # once


def test_without_redis_the_counters_are_in_the_database(app, settings, database):
    from sfoflow.http.throttle import DatabaseStorage, Limits, Throttle
    from sfoflow.models import ThrottleCounter
    from tests.support.core import count_rows

    if settings.broker_url.startswith("redis"):
        assert not isinstance(app.extensions["sfoflow_throttle"].storage, DatabaseStorage)
        return
    assert isinstance(app.extensions["sfoflow_throttle"].storage, DatabaseStorage)
    # two web processes on one database see the same counts
    one, other = (Throttle("database", namespace="shared", engine=database.engine) for _ in range(2))
    limits = Limits(per_account=3, per_address=100, window_minutes=15)
    assert [one.failed(limits, account="a@example.org") for _ in range(2)] == [False, False]
    assert other.failed(limits, account="a@example.org") is True  # the third, counted by the other
    assert one.blocked_for(limits, account="A@example.org ") > 0
    with database.Session() as s:
        assert count_rows(s, ThrottleCounter) == 1
    other.forget_account(limits, "a@example.org")
    assert one.blocked_for(limits, account="a@example.org") == 0
