"""The admins' user pages: everyone with their role, status and load; creating a user; changing
role, status, seniority and capacity. Every change is recorded in the audit trail.

Absences and conflicts of interest are recorded through ``services.allocation`` (the
suggestion reads them). The caller commits.
"""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..models import User
from ..workflows import lifecycle as lc
from . import audit, users
from .allocation import open_qa_counts
from .errors import Conflict, NotFound, Refusal

EDITABLE = ("name", "role", "is_active", "is_senior", "capacity")


def everyone(session: Session) -> list[dict]:
    """Every user, active first, by role then name, with the open QAs each inspector holds."""
    people = session.scalars(select(User).order_by(User.is_active.desc(), User.role, User.name, User.id)).all()
    held = open_qa_counts(session)
    return [{"user": u, "role_label": lc.ROLES.get(u.role, u.role), "open_qas": held.get(u.id, 0)} for u in people]


def get_user(session: Session, user_id: int) -> User:
    user = session.get(User, user_id)
    if user is None:
        raise NotFound("there is no such user", refusals=[Refusal(None, "not_found", "There is no such user")])
    return user


def create(session: Session, data: dict, actor: User) -> User:
    user = users.create_user(session, email=data["email"], role=data["role"], name=data["name"],
                             password=data["password"], is_senior=bool(data.get("is_senior")),
                             capacity=data.get("capacity"))
    audit.record(session, review=None, actor=actor, action="create_user",
                 details={"user": user.email, "role": user.role})
    return user


def update(session: Session, user: User, data: dict, actor: User) -> dict:
    """Change what the admin changed; returns {field: (before, after)}."""
    if user.id == actor.id and (not data["is_active"] or data["role"] != user.role):
        raise Conflict("you cannot deactivate yourself or change your own role", refusals=[
            Refusal("is_active" if not data["is_active"] else "role", "own_account",
                    "You cannot deactivate yourself or change your own role: ask another admin")])
    held = open_qa_counts(session, [user.id]).get(user.id, 0)
    leaving = user.role == lc.INSPECTOR and (not data["is_active"] or data["role"] != lc.INSPECTOR)
    if leaving and held:
        raise Conflict("the inspector holds open QAs", refusals=[
            Refusal("is_active" if not data["is_active"] else "role", "holds_open_qa",
                    f"{user.name} holds {held} open QA{'s' if held != 1 else ''}: reallocate "
                    f"{'them' if held != 1 else 'it'} first")])
    changes = {k: (getattr(user, k), data[k]) for k in EDITABLE if k in data and getattr(user, k) != data[k]}
    for key, (_before, after) in changes.items():
        setattr(user, key, after)
    if "is_active" in changes and not user.is_active:
        users.revoke_tokens(session, user)
    if changes:
        audit.record(session, review=None, actor=actor, action="update_user",
                     details={"user": user.email, **{k: {"from": b, "to": a} for k, (b, a) in changes.items()}})
    session.flush()
    return changes
