"""Apply a lifecycle action: the one way a review changes state.

It checks source state, role, ownership and data with the pure core, runs the action's
effects, writes the new state and an audit event in one transaction, and refuses a stale
update. The named checks and the effects live with their feature (the rule for "the assessment
is complete" lives with the assessment) and are listed in one place: ``wiring.lifecycle_hooks``.
"""
from __future__ import annotations

from sqlalchemy import inspect as sa_inspect
from sqlalchemy.orm import MANYTOONE, Session
from sqlalchemy.orm.exc import StaleDataError

from ..models import Review, User
from ..workflows import lifecycle as lc
from . import audit, settings
from .errors import Conflict, Forbidden, NotFound, Refusal, ValidationFailed
from .wiring import lifecycle_hooks


def role_of(actor: User | None) -> str:
    return actor.role if actor is not None else lc.SYSTEM


def is_owner(review: Review, actor: User | None) -> bool:
    return actor is not None and review.inspector_id == actor.id


def allowed_actions(review: Review, actor: User | None) -> list[str]:
    return list(lc.actions_for(review.state, role_of(actor), is_owner=is_owner(review, actor)))


def apply_action(session: Session, review: Review, action: str, actor: User | None, *,
                 version: int | None, data: dict | None = None) -> Review:
    """Apply ``action``; the caller commits. Raises a ServiceError and changes nothing if refused."""
    data = dict(data or {})
    if version is not None and version != review.version:
        raise Conflict(STALE_MESSAGE, reasons=[STALE_MESSAGE],
                       allowed_actions=allowed_actions(review, actor), code="stale", refusals=[STALE])
    hooks = lifecycle_hooks()
    definition = lc.ACTIONS.get(action)
    problems = {}
    if definition is not None and review.state in definition.sources:
        problems = {name: hooks.checks[name](session, review, {**data, "action": action})
                    for name in definition.checks}
    decision = lc.decide(
        review.state, action, role_of(actor), data,
        is_owner=is_owner(review, actor),
        sign_off_required=bool(settings.get(session, "sign_off_required")),
        problems=problems,
    )
    if not decision.allowed:
        raise _refusal(decision)
    from_state = review.state
    for fn in hooks.effects.get(action, ()):
        fn(session, review, actor, data, decision)
    review.state = decision.to_state
    details = {k: v for k, v in data.items() if k not in ("reason", "version") and v is not None} or None
    audit.record(session, review=review, actor=actor, action=action, from_state=from_state,
                 to_state=decision.to_state, reason=data.get("reason"), details=details)
    flush_or_conflict(session)
    # Effects set foreign keys (allocation sets inspector_id) and sessions keep loaded objects
    # after commit: reload the review's many-to-one relationships on next use, or the response
    # shows the previous inspector.
    session.expire(review, [rel.key for rel in sa_inspect(Review).relationships if rel.direction is MANYTOONE])
    return review


STALE_MESSAGE = "Someone else changed this review while you were working. Check the latest details and try again."
STALE = Refusal(None, "stale", STALE_MESSAGE)


def flush_or_conflict(session: Session,
                      message: str = STALE_MESSAGE,
                      refusal: Refusal = STALE) -> None:
    """Flush, or refuse as stale when another transaction updated the same row first."""
    try:
        session.flush()
    except StaleDataError:  # the caller's transaction is rolled back where it was opened
        raise Conflict(message, code="stale", refusals=[refusal]) from None


_REFUSAL = {"unknown": NotFound, "state": Conflict, "role": Forbidden, "owner": Forbidden,
            "data": ValidationFailed}


def _refusal(decision: lc.Decision):
    return _REFUSAL[decision.refused_for](
        f"cannot {decision.action}: {decision.message}",
        reasons=list(decision.reasons), allowed_actions=list(decision.allowed_now), refusals=decision.refusals)
