"""Bearer-token authentication and role checks for the API."""
from __future__ import annotations

from functools import wraps

from flask import current_app, g, request
from werkzeug.exceptions import TooManyRequests

from .. import db_session
from ..http import throttle
from ..services import settings, users
from ..services.errors import ServiceError


class Unauthorised(ServiceError):
    status = 401


class Forbidden(ServiceError):
    status = 403


def current_user():
    if "user" in g:
        return g.user
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        g.user = None
        return None
    # Guessing tokens counts against the client's address, as guessing passwords does.
    db, guard = db_session(), current_app.extensions["sfoflow_throttle"]
    limits = throttle.limits_from(settings.all_settings(db).__getitem__)  # one query for the three
    wait = guard.blocked_for(limits, address=request.remote_addr)
    if wait:
        raise TooManyRequests(f"too many requests with an invalid token; try again in {throttle.minutes_text(wait)}",
                              retry_after=wait)
    g.user = users.user_for_token(db, token.strip())
    if g.user is None:
        guard.failed(limits, address=request.remote_addr)
    return g.user


def require(*roles: str):
    """Any signed-in user when no roles are given; otherwise one of ``roles``."""
    def decorate(view):
        @wraps(view)
        def wrapper(*args, **kwargs):
            user = current_user()
            if user is None:
                raise Unauthorised("a valid bearer token is required")
            if roles and user.role not in roles:
                raise Forbidden(f"the {user.role} role may not do this")
            return view(*args, **kwargs)
        wrapper.roles = roles or ("any",)
        return wrapper
    return decorate
