"""Signed-in sessions that can be ended from the server.

The session cookie is signed, not stored, so on its own a copy of it would work until it
expired. Each session therefore carries the user's ``session_version`` when it began (checked on
every request: sign-out, a new password or deactivation raise it, ending every session of that
user, copies included), when it began (ended after ``session_max_hours`` whatever happens) and
when it was last used (ended after ``session_idle_minutes`` without a request). Signing in starts
a new session from nothing.
"""
from __future__ import annotations

import time

from flask import session

from ..models import User

VERSION, STARTED, SEEN = "_sv", "_started", "_seen"
TOUCH_EVERY = 60  # seconds: the last-used time is rewritten at most once a minute


def begin(user: User, now: float | None = None) -> None:
    """A fresh session for ``user`` (call at sign-in, before flask-login's login_user)."""
    now = time.time() if now is None else now
    session.clear()  # nothing from before sign-in carries over
    session.permanent = True  # the cookie itself expires too (PERMANENT_SESSION_LIFETIME)
    session.update({VERSION: user.session_version, STARTED: now, SEEN: now})


def still_valid(user: User, *, idle_minutes: float, max_hours: float, now: float | None = None) -> bool:
    """Whether this request's session may go on as ``user``; touches its last-used time if so."""
    now = time.time() if now is None else now
    version, started, seen = session.get(VERSION), session.get(STARTED), session.get(SEEN)
    if version != user.session_version or not isinstance(started, (int, float)) or not isinstance(seen, (int, float)):
        return False
    if now - started > max_hours * 3600 or now - seen > idle_minutes * 60:
        return False
    if now - seen >= TOUCH_EVERY:
        session[SEEN] = now
    return True
