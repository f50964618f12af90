"""Users, passwords and API tokens. Passwords are scrypt-hashed; tokens are stored as SHA-256."""
from __future__ import annotations

import hashlib
import secrets
from datetime import UTC, datetime
from functools import lru_cache

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session
from werkzeug.security import check_password_hash, generate_password_hash

from ..models import ApiToken, User
from ..workflows.lifecycle import ROLES
from .errors import Conflict, ValidationFailed

TOKEN_PREFIX = "sfo_"


def hash_token(token: str) -> str:
    # Tokens are 256 random bits, so a fast hash is safe; passwords get scrypt.
    return hashlib.sha256(token.encode()).hexdigest()


def create_user(session: Session, *, email: str, role: str, name: str | None = None,
                password: str | None = None, is_senior: bool = False, capacity: int | None = None) -> User:
    email = email.strip().lower()
    if role not in ROLES:
        raise ValidationFailed("invalid role", fields={"role": [f"Choose a role: one of {', '.join(ROLES.values())}."]})
    if "@" not in email:
        raise ValidationFailed("invalid email", fields={"email": ["not a valid email address"]})
    if session.scalar(select(User.id).where(User.email == email)):
        raise Conflict("a user with that email exists", fields={"email": ["already in use"]})
    user = User(email=email, role=role, name=name or email.split("@")[0], is_senior=is_senior)
    if capacity is not None:
        user.capacity = capacity
    if password:
        set_password(user, password)
    session.add(user)
    session.flush()
    return user


def set_password(user: User, password: str) -> None:
    """A new password; any sessions signed in with the old one end."""
    if len(password) < 8:
        raise ValidationFailed("password too short", fields={"password": ["at least 8 characters"]})
    if user.password_hash:
        user.session_version = (user.session_version or 0) + 1
    user.password_hash = generate_password_hash(password, method="scrypt")


def end_sessions(session: Session, user: User) -> None:
    """Every signed-in session of ``user`` ends at its next request (sign-out does this)."""
    user.session_version = (user.session_version or 0) + 1
    session.flush()


def deactivate(session: Session, user: User) -> None:
    """The user can no longer sign in or use the API; their sessions and tokens end now."""
    user.is_active = False
    revoke_tokens(session, user)
    end_sessions(session, user)


@lru_cache(maxsize=1)
def _dummy_hash() -> str:
    return generate_password_hash(secrets.token_urlsafe(16), method="scrypt")


def check_password(session: Session, email: str, password: str) -> User | None:
    """The user with this email and password, or None. An unknown email takes as long to refuse
    as a wrong password (a throwaway scrypt hash is checked), so the time does not tell who has
    an account."""
    user = session.scalar(select(User).where(User.email == email.strip().lower()))
    if user is None or not user.is_active or not user.password_hash:
        check_password_hash(_dummy_hash(), password)
        return None
    return user if check_password_hash(user.password_hash, password) else None


def issue_token(session: Session, user: User) -> str:
    """Create a token and return it: the only time it exists outside the caller's hands."""
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    session.add(ApiToken(user=user, token_hash=hash_token(token), prefix=token[:10]))
    session.flush()
    return token


# Every API request runs this: built once, not per request (building the statement cost more than
# the database's answer), and only the user is loaded, not the token as well.
_USER_FOR_TOKEN = (select(User).join(ApiToken, ApiToken.user_id == User.id)
                   .where(ApiToken.token_hash == bindparam("token_hash"), ApiToken.revoked_at.is_(None),
                          User.is_active))


def user_for_token(session: Session, token: str) -> User | None:
    """The active user a live token belongs to; None for an unknown, revoked or deactivated one."""
    return session.scalar(_USER_FOR_TOKEN, {"token_hash": hash_token(token)})


def revoke_tokens(session: Session, user: User) -> int:
    now = datetime.now(UTC)
    count = 0
    for token in user.tokens:
        if token.revoked_at is None:
            token.revoked_at = now
            count += 1
    return count
