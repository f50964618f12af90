from __future__ import annotations

from sqlalchemy.orm import Session

from ..models import AuditEvent, Review, User
from .context import now_of


def record(session: Session, *, review: Review | None, actor: User | None, action: str,
           from_state: str | None = None, to_state: str | None = None,
           reason: str | None = None, details: dict | None = None) -> AuditEvent:
    event = AuditEvent(
        review=review, actor=actor, actor_label=actor.email if actor else "system",
        action=action, from_state=from_state, to_state=to_state, reason=reason, details=details,
        created_at=now_of(session),
    )
    session.add(event)
    return event
