"""Emails about high-profile queries, through the notification pipeline.

A query raised by an inspector is not left waiting in a queue: every active member of the HMPPS
SFO central team is told (they have the final say, seed 001), and so is the senior policy
adviser named in the settings, if one is. When the central team decides, the inspector who raised
it is told. Each email is recorded once (a unique key per query and recipient) in the caller's
transaction and handed to a worker after commit, like every other notification.
"""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from .. import reference
from ..deadlines import messages
from ..deadlines.delivery import PENDING
from ..models import Notification, Review, User
from ..models.assessment import HighProfileQuery
from ..models.base import utcnow
from ..workflows import lifecycle as lc
from ..working_days import london_today
from . import settings
from .context import dispatcher_of
from .dispatch import after_commit
from .notifications import base_url, hand_over, review_link

QUERY = "high_profile_query"
DECIDED = "high_profile_decided"


def _record(session: Session, key: str, kind: str, review: Review, to: User | None, email: str,
            subject: str, body: str) -> Notification:
    notification = Notification(dedupe_key=key, kind=kind, review_id=review.id, key_day=london_today(),
                                recipient_id=to.id if to else None, recipient_email=email,
                                subject=subject[:300], body=body, status=PENDING, attempts=0,
                                dispatched_at=utcnow())
    session.add(notification)
    after_commit(session, hand_over, dispatcher_of(session), notification)
    return notification


def query_raised(session: Session, review: Review, query: HighProfileQuery, raised_by: User) -> list[Notification]:
    """Tell the central team (and the senior policy adviser, if set) of a new query."""
    base = base_url(session)
    link = f"{base}/high-profile-queries"
    region = reference.region_name(review.region)
    out = []
    team = session.scalars(select(User).where(User.role == lc.CENTRAL_TEAM, User.is_active).order_by(User.id))
    for person in team:
        subject, body = messages.high_profile_query(person.name, review.reference, region, query.proposed_value,
                                                    raised_by.name, link)
        out.append(_record(session, f"{QUERY}:q{query.id}:u{person.id}", QUERY, review, person, person.email,
                           subject, body))
    adviser = (settings.get(session, "senior_policy_adviser_email") or "").strip()
    if adviser and adviser.lower() not in {n.recipient_email.lower() for n in out}:
        subject, body = messages.high_profile_query("senior policy adviser", review.reference, region,
                                                    query.proposed_value, raised_by.name,
                                                    review_link(base, review.id))
        out.append(_record(session, f"{QUERY}:q{query.id}:adviser", QUERY, review, None, adviser, subject, body))
    session.flush()
    return out


def query_decided(session: Session, review: Review, query: HighProfileQuery) -> Notification | None:
    """Tell the inspector who raised the query what the central team decided."""
    inspector = session.get(User, query.raised_by_id)
    if inspector is None or not inspector.is_active:
        return None
    subject, body = messages.high_profile_decided(inspector.name, review.reference,
                                                  reference.region_name(review.region), query.status == "accepted",
                                                  review.is_high_profile, review_link(base_url(session), review.id))
    notification = _record(session, f"{DECIDED}:q{query.id}:u{inspector.id}", DECIDED, review, inspector,
                           inspector.email, subject, body)
    session.flush()
    return notification
