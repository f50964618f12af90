"""Arranging data for the core tests: reviews in a given state, users without slow password hashes.

Reviews are inserted directly (not through intake) so that intake hooks added by other areas
(the sampler) cannot move the state a test arranged. Due dates here are written out by hand.
"""
from __future__ import annotations

import itertools
from datetime import date

from sqlalchemy import func, select

from sfoflow.models import AuditEvent, ParallelReview, Review
from sfoflow.services import users

_seq = itertools.count(1)

# Received Thursday 27 April 2023 -> due Monday 22 May 2023 (domain.md's worked example).
RECEIVED_ON = date(2023, 4, 27)
DUE_ON = date(2023, 5, 22)


def make_person(session, role: str, **kw):
    """(user, token) without a password: scrypt would make every test slower."""
    n = next(_seq)
    user = users.create_user(session, email=kw.pop("email", f"{role}.{n}@example.org"), role=role, **kw)
    token = users.issue_token(session, user)
    session.commit()
    return user, token


def make_review(session, *, state: str = "received", inspector=None, reference: str | None = None,
                received_on: date = RECEIVED_ON, due_on: date = DUE_ON, parallel: int = 0,
                audit_events: int = 0, commit: bool = True, **kw) -> Review:
    review = Review(
        reference=reference or f"SFO/T/{next(_seq):05d}", region=kw.pop("region", "london"),
        offence_category=kw.pop("offence_category", "homicide"), provider=kw.pop("provider", "N07"),
        received_on=received_on, original_due_on=kw.pop("original_due_on", due_on), due_on=due_on,
        local_team_email="sfo.london@example.org", state=state,
        inspector_id=inspector.id if inspector is not None else None, **kw)
    review.parallel_reviews = [ParallelReview(type="domestic_homicide_review", status="in_progress")
                               for _ in range(parallel)]
    review.audit_events = [AuditEvent(actor_label="system", action="note") for _ in range(audit_events)]
    session.add(review)
    if commit:
        session.commit()
    return review


def snapshot(session, review_id: int) -> tuple:
    """(state, version, inspector_id, due_on, audit count) as committed in the database."""
    session.expire_all()
    row = session.execute(select(Review.state, Review.version, Review.inspector_id, Review.due_on)
                          .where(Review.id == review_id)).one()
    count = session.scalar(select(func.count()).select_from(AuditEvent).where(AuditEvent.review_id == review_id))
    return (*row, count)


def count_rows(session, model) -> int:
    session.expire_all()
    return session.scalar(select(func.count()).select_from(model))


def auth(token: str | None) -> dict:
    return {"Authorization": f"Bearer {token}"} if token else {}
