"""Test tasks: a person asks for one in the web, a worker marks it done, the page shows who did it."""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..models import HealthCheck, User
from .context import dispatcher_of
from .dispatch import after_commit

PING_TASK = "sfoflow.health.ping"


def request_check(session: Session, actor: User | None) -> HealthCheck:
    """Record a check and send ``sfoflow.health.ping`` for it once this transaction commits."""
    check = HealthCheck(requested_by_id=actor.id if actor else None)
    session.add(check)
    session.flush()
    after_commit(session, dispatcher_of(session).send, [(PING_TASK, (check.id,))])
    return check


def recent_checks(session: Session, limit: int = 10) -> list[dict]:
    """The latest checks, newest first, each with who asked for it."""
    checks = session.scalars(select(HealthCheck).order_by(HealthCheck.id.desc()).limit(limit)).all()
    ids = {c.requested_by_id for c in checks if c.requested_by_id}
    names = dict(session.execute(select(User.id, User.name).where(User.id.in_(ids))).all()) if ids else {}
    return [{"id": c.id, "requested_at": c.requested_at, "requested_by": names.get(c.requested_by_id),
             "completed_at": c.completed_at, "worker": c.worker} for c in checks]
