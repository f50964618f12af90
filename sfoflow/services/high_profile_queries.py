"""High-profile queries: the allocated inspector questions a case's high-profile status with a
reason; the HMPPS SFO central team decides, as the guidance says the final say rests with them.
Raising and deciding are both audited; an accepted query changes the flag through
``reviews.set_high_profile``, so the change itself is audited like any other."""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from ..models import Review, User
from ..models.assessment import HighProfileQuery
from ..models.base import utcnow
from . import audit, high_profile_notices, reviews
from .errors import Conflict, Forbidden, NotFound, Refusal, ValidationFailed
from .permissions import permissions

OPEN, ACCEPTED, REJECTED = "open", "accepted", "rejected"


def _yes_no(value: bool) -> str:
    return "high profile" if value else "not high profile"


def open_query(session: Session, review: Review) -> HighProfileQuery | None:
    return session.scalar(select(HighProfileQuery).where(HighProfileQuery.review_id == review.id,
                                                         HighProfileQuery.status == OPEN))


def for_review(session: Session, review: Review) -> list[HighProfileQuery]:
    return list(session.scalars(select(HighProfileQuery).where(HighProfileQuery.review_id == review.id)
                                .order_by(HighProfileQuery.id)))


def raise_query(session: Session, review: Review, actor: User, reason: str,
                proposed: bool | None = None) -> HighProfileQuery:
    """The caller commits."""
    if not permissions(review, actor).raise_high_profile_query:
        raise Forbidden("only the allocated inspector may query the high-profile status of an open review",
                        refusals=[Refusal(None, "not_allowed", "Only the allocated inspector may query the "
                                                               "high-profile status of an open review")])
    if proposed is None:
        proposed = not review.is_high_profile
    if proposed == review.is_high_profile:
        raise ValidationFailed("the case is already " + _yes_no(proposed),
                               fields={"proposed_high_profile": [f"the case is already {_yes_no(proposed)}"]},
                               refusals=[Refusal("proposed_high_profile", "unchanged",
                                                 f"The case is already {_yes_no(proposed)}")])
    if open_query(session, review) is not None:
        raise Conflict("there is already an open high-profile query on this review; the central team "
                       "has not decided it yet",
                       refusals=[Refusal(None, "already_open", "There is already an open high-profile query on "
                                                               "this review; the central team has not decided it yet")])
    query = HighProfileQuery(review_id=review.id, proposed_value=proposed, reason=reason,
                             raised_by_id=actor.id, status=OPEN)
    session.add(query)
    session.flush()
    audit.record(session, review=review, actor=actor, action="high_profile_query", from_state=review.state,
                 to_state=review.state, reason=reason,
                 details={"query_id": query.id, "proposed_high_profile": proposed})
    session.flush()
    high_profile_notices.query_raised(session, review, query, actor)
    return query


def get(session: Session, query_id: int) -> HighProfileQuery:
    query = session.scalar(select(HighProfileQuery).where(HighProfileQuery.id == query_id)
                           .options(selectinload(HighProfileQuery.review)))
    if query is None:
        raise NotFound("there is no such high-profile query",
                       refusals=[Refusal(None, "not_found", "There is no such high-profile query")])
    return query


def decide(session: Session, query: HighProfileQuery, actor: User, decision: str, reason: str) -> HighProfileQuery:
    """Accept (the flag becomes what the inspector proposed) or reject. The caller commits."""
    if not permissions(query.review, actor).decide_high_profile_query:
        raise Forbidden("only the HMPPS SFO central team decides a case's high-profile status",
                        refusals=[Refusal(None, "not_allowed",
                                          "Only the HMPPS SFO central team decides a case's high-profile status")])
    if query.status != OPEN:
        raise Conflict(f"this query was already {query.status}",
                       refusals=[Refusal(None, "already_decided", f"This query was already {query.status}")])
    if decision not in ("accept", "reject"):
        raise ValidationFailed("unknown decision", fields={"decision": ["must be accept or reject"]}, refusals=[
            Refusal("decision", "invalid", "Select whether to accept or reject the query")])
    review = session.get(Review, query.review_id, with_for_update=True)
    if decision == "accept" and review.is_high_profile != query.proposed_value:
        reviews.set_high_profile(session, review, query.proposed_value,
                                 f"High-profile query accepted: {reason}", actor, review.version)
    query.status = ACCEPTED if decision == "accept" else REJECTED
    query.decided_by_id = actor.id
    query.decided_at = utcnow()
    query.decision_reason = reason
    audit.record(session, review=review, actor=actor, action="high_profile_query_decided",
                 from_state=review.state, to_state=review.state, reason=reason,
                 details={"query_id": query.id, "decision": query.status,
                          "proposed_high_profile": query.proposed_value})
    session.flush()
    high_profile_notices.query_decided(session, review, query)
    return query


def listing(session: Session, status: str = OPEN) -> list[HighProfileQuery]:
    q = (select(HighProfileQuery)
         .options(selectinload(HighProfileQuery.review), selectinload(HighProfileQuery.raised_by),
                  selectinload(HighProfileQuery.decided_by))
         .order_by(HighProfileQuery.raised_at, HighProfileQuery.id))
    if status != "all":
        q = q.where(HighProfileQuery.status == status)
    return list(session.scalars(q))


def view(query: HighProfileQuery) -> dict:
    return {
        "id": query.id,
        "review_id": query.review_id,
        "reference": query.review.reference,
        "proposed_high_profile": query.proposed_value,
        "is_high_profile": query.review.is_high_profile,
        "reason": query.reason,
        "raised_by": query.raised_by.name,
        "raised_at": query.raised_at,
        "status": query.status,
        "decided_by": query.decided_by.name if query.decided_by else None,
        "decided_at": query.decided_at,
        "decision_reason": query.decision_reason,
    }
