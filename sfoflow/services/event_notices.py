"""Notices of things that happen to a review, to the people who must act: a QA awaiting
sign-off (the managers), a QA returned (its inspector), an extension granted (its inspector),
a review reallocated away (the inspector who had it), a new high-profile query (the central
team, sent by ``services.high_profile_notices``). Each is an email, recorded once in
``notifications`` (a unique key per event and person) in the transaction of the event and
handed to a worker after commit; the same rows are each person's in-app list (``inbox``), with counts by kind.

The allocation notice to the new inspector is ``notifications.notify_allocated_inspector``.
"""
from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from .. import reference
from ..deadlines import rules as r
from ..deadlines.delivery import PENDING
from ..models import Review, User
from ..models.notifications import Notification
from ..reports.dates import long_date
from ..workflows import lifecycle as lc
from ..working_days import london_today
from .context import dispatcher_of, now_of
from .dispatch import after_commit
from .notifications import base_url, hand_over, review_link

AWAITING_SIGN_OFF = "awaiting_sign_off"
RETURNED = "returned"
EXTENSION_GRANTED = "extension_granted"
REALLOCATED = "reallocated"
HIGH_PROFILE_QUERY = "high_profile_query"

# Every kind a person finds in their list, in the order the counts show them.
INBOX_KINDS: dict[str, str] = {
    AWAITING_SIGN_OFF: "Awaiting your sign-off",
    RETURNED: "Returned to you",
    EXTENSION_GRANTED: "Extension granted",
    r.ALLOCATION: "Allocated to you",
    REALLOCATED: "Reallocated",
    HIGH_PROFILE_QUERY: "New high-profile query",  # recorded by services.high_profile_notices
    "high_profile_decided": "High-profile query decided",
}
INBOX_KINDS.update({k: v for k, v in r.KINDS.items() if k not in INBOX_KINDS})  # the sweep's kinds after
FOOTER = "This email was sent by sfoflow. Do not reply to it: sign in to sfoflow to see the review."


def _record(session: Session, kind: str, key: str, review: Review | None, person: User, subject: str,
            paragraphs: list[str]) -> None:
    if not person.is_active:
        return
    if session.scalar(select(Notification.id).where(Notification.dedupe_key == key)) is not None:
        return  # already recorded: the same event never notifies twice
    body = "\n\n".join([f"Dear {person.name},", *paragraphs, FOOTER]) + "\n"
    now = now_of(session)
    notification = Notification(dedupe_key=key[:200], kind=kind, review_id=review.id if review else None,
                                key_day=london_today(now), created_at=now, recipient_id=person.id,
                                recipient_email=person.email,
                                subject=subject[:300], body=body, status=PENDING, attempts=0, dispatched_at=now)
    session.add(notification)
    after_commit(session, hand_over, dispatcher_of(session), notification)


def _about(review: Review) -> str:
    return f"SFO review {review.reference} ({reference.region_name(review.region)})"


def _link(session: Session, review: Review) -> str:
    return f"Open the review: {review_link(base_url(session), review.id)}"


def _active(session: Session, role: str) -> list[User]:
    return list(session.scalars(select(User).where(User.role == role, User.is_active).order_by(User.id)))


# --- lifecycle effects (listed in services/wiring.py) -------------------------------------------------

def awaiting_sign_off(session: Session, review: Review, actor, data: dict, decision: lc.Decision) -> None:
    """After submit: every manager may sign it off."""
    if decision.to_state != lc.AWAITING_SIGN_OFF:
        return
    who = actor.name if actor else "The inspector"
    for manager in _active(session, lc.MANAGER):
        _record(session, AWAITING_SIGN_OFF, f"{AWAITING_SIGN_OFF}:r{review.id}:v{review.version}:u{manager.id}",
                review, manager, f"Awaiting your sign-off: {_about(review)}",
                [f"{who} has submitted the QA of {_about(review)} for sign-off. It is due on "
                 f"{long_date(review.due_on)}.", "Read it, then approve and send the report, or return it "
                                                 "to the inspector with your reasons.", _link(session, review)])


def returned(session: Session, review: Review, actor, data: dict, decision: lc.Decision) -> None:
    """After return: the inspector reads why."""
    inspector = session.get(User, review.inspector_id) if review.inspector_id else None
    if inspector is None:
        return
    who = actor.name if actor else "A manager"
    _record(session, RETURNED, f"{RETURNED}:r{review.id}:v{review.version}:u{inspector.id}", review, inspector,
            f"QA returned to you: {_about(review)}",
            [f"{who} has returned your QA of {_about(review)} with these comments:", data.get("reason") or "",
             f"It is due on {long_date(review.due_on)}.", _link(session, review)])


def reallocated_away(session: Session, review: Review, actor, data: dict, decision: lc.Decision) -> None:
    """After reallocate: the inspector who had the review knows it is no longer theirs."""
    previous = data.get("previous_inspector_id")
    person = session.get(User, previous) if previous else None
    if person is None or decision.action != "reallocate":
        return
    new = session.get(User, data["inspector_id"])
    _record(session, REALLOCATED, f"{REALLOCATED}:r{review.id}:v{review.version}:u{person.id}", review, person,
            f"Reallocated: {_about(review)}",
            [f"{_about(review)} has been reallocated from you to {new.name if new else 'another inspector'}.",
             f"Reason: {data.get('reason') or 'not given'}", "You do not need to do anything more on it."])


# --- hooks called by other services ---------------------------------------------------------------

def extension_granted(session: Session, review: Review, previous_due_on, reason: str, actor: User) -> None:
    inspector = session.get(User, review.inspector_id) if review.inspector_id else None
    if inspector is None:
        return
    _record(session, EXTENSION_GRANTED,
            f"{EXTENSION_GRANTED}:r{review.id}:{review.due_on.isoformat()}:u{inspector.id}", review, inspector,
            f"Extension granted: {_about(review)}",
            [f"{actor.name} has extended the due date of {_about(review)} from {long_date(previous_due_on)} "
             f"to {long_date(review.due_on)}.", f"Reason: {reason}",
             "Timeliness is still measured against the original due date.", _link(session, review)])


# --- each person's list ----------------------------------------------------------------------------

def inbox(session: Session, person: User, *, kind: str | None = None, page_no: int = 1,
          per_page: int = 50) -> dict:
    """The notifications sent to ``person``, newest first, with counts by kind (over all of them)."""
    mine = select(Notification).where(Notification.recipient_id == person.id)
    counts = dict(session.execute(select(Notification.kind, func.count()).where(Notification.recipient_id == person.id)
                                  .group_by(Notification.kind)).all())
    if kind:
        mine = mine.where(Notification.kind == kind)
    total = session.scalar(select(func.count()).select_from(mine.subquery()))
    pages = max(1, -(-total // per_page))
    page_no = min(max(1, page_no), pages)
    items = session.scalars(mine.order_by(Notification.created_at.desc(), Notification.id.desc())
                            .offset((page_no - 1) * per_page).limit(per_page)).all()
    refs = dict(session.execute(select(Review.id, Review.reference)
                                .where(Review.id.in_({n.review_id for n in items if n.review_id}))).all())
    return {"items": [{"notification": n, "kind_label": INBOX_KINDS.get(n.kind, n.kind.replace("_", " ").capitalize()),
                       "reference": refs.get(n.review_id)} for n in items],
            "counts": [{"kind": k, "label": label, "count": counts[k]} for k, label in INBOX_KINDS.items()
                       if counts.get(k)],
            "total": total, "all": sum(counts.values()), "page": page_no, "pages": pages, "kind": kind}
