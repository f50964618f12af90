"""Bearer-token authentication and role checks for the API."""
from __future__ import annotations

from functools import wraps

from flask import g, request

from .. import db_session
from ..services import users
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
    g.user = users.user_for_token(db_session(), token.strip()) if scheme.lower() == "bearer" and token else None
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
