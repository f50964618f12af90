"""Issue 14 item 1: sign-out ends the session. A copy of the session cookie taken before
sign-out, a password change or deactivation is refused afterwards; sessions end after the idle
and absolute limits; signing in starts a new session."""
from __future__ import annotations

import time

import pytest
import time_machine

from sfoflow.db import transaction
from sfoflow.models import User
from sfoflow.services import settings as settings_svc
from sfoflow.services import users
from sfoflow.workflows import lifecycle as lc
from tests.support.web import sign_in, token

PROTECTED = "/reviews"


def _copy(app, client):
    """A second browser holding a copy of ``client``'s session cookie."""
    cookie = client.get_cookie("session")
    assert cookie is not None
    thief = app.test_client()
    thief.set_cookie("session", cookie.value)
    return thief


def _signed_in(resp) -> bool:
    return resp.status_code == 200


def _refused(resp) -> bool:
    return resp.status_code == 302 and resp.headers["Location"].startswith("/sign-in")


def test_a_copied_cookie_stops_working_at_sign_out(app, signed_in):
    client, _ = signed_in(lc.CENTRAL_TEAM)
    thief = _copy(app, client)
    assert _signed_in(thief.get(PROTECTED))
    page = client.get(PROTECTED)
    assert client.post("/sign-out", data={"csrf_token": token(page)}).status_code == 302
    assert _refused(thief.get(PROTECTED))
    assert _refused(client.get(PROTECTED))


def test_a_password_change_ends_every_session(app, signed_in, session):
    client, user = signed_in(lc.CENTRAL_TEAM)
    thief = _copy(app, client)
    with transaction(session):
        users.set_password(session.get(User, user.id), "a-new-password-456")
    assert _refused(thief.get(PROTECTED)) and _refused(client.get(PROTECTED))
    fresh = app.test_client()
    assert sign_in(fresh, user, password="a-new-password-456").status_code == 302
    assert _signed_in(fresh.get(PROTECTED))


def test_deactivation_ends_every_session_and_token(app, signed_in, session, make_user):
    client, user = signed_in(lc.CENTRAL_TEAM)
    thief = _copy(app, client)
    with transaction(session):
        users.deactivate(session, session.get(User, user.id))
    assert _refused(thief.get(PROTECTED)) and _refused(client.get(PROTECTED))
    assert sign_in(app.test_client(), user).status_code == 400


def test_signing_in_again_starts_a_new_session(app, signed_in):
    client, user = signed_in(lc.CENTRAL_TEAM)
    before = client.get_cookie("session").value
    client.post("/sign-out", data={"csrf_token": token(client.get(PROTECTED))})
    sign_in(client, user)
    assert client.get_cookie("session").value != before
    assert _signed_in(client.get(PROTECTED))


@pytest.mark.parametrize("idle_minutes,max_hours,wait_hours,ok", [
    (480, 24, 7.9, True), (480, 24, 8.1, False), (60, 24, 1.1, False),
])
def test_an_idle_session_ends(signed_in, session, idle_minutes, max_hours, wait_hours, ok):
    settings_svc.set_value(session, "session_idle_minutes", idle_minutes)
    settings_svc.set_value(session, "session_max_hours", max_hours)
    session.commit()
    client, _ = signed_in(lc.CENTRAL_TEAM)
    with time_machine.travel(time.time() + wait_hours * 3600, tick=False):
        resp = client.get(PROTECTED)
    assert _signed_in(resp) if ok else _refused(resp)


def test_a_session_in_use_ends_at_its_absolute_limit(signed_in, session):
    settings_svc.set_value(session, "session_max_hours", 2)
    session.commit()
    client, _ = signed_in(lc.CENTRAL_TEAM)
    start = time.time()
    for hours in (0.5, 1.0, 1.5, 1.9):  # used every half hour: never idle
        with time_machine.travel(start + hours * 3600, tick=False):
            assert _signed_in(client.get(PROTECTED))
    with time_machine.travel(start + 2.1 * 3600, tick=False):
        assert _refused(client.get(PROTECTED))
