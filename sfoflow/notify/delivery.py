"""Deliver one recorded notification: claim it, send it, mark it delivered.

1. **Claim** (own transaction, committed): ``pending`` (and due for a try) or ``sending`` with
   an expired lease becomes ``sending`` with a new lease, and ``attempts`` goes up by one. The
   new ``attempts`` is a fencing token: whoever claimed last owns the row.
2. **Send and mark** (one transaction): the sender sends, then ``delivered`` is written only if
   the row is still ``sending`` with our token. For the outbox the send is itself a write in
   this transaction, and ``outbox.notification_id`` is unique, so the message is delivered
   **exactly once** whatever crashes when. For SMTP the email leaves before the commit: a worker
   killed in between leaves the row ``sending``; once the lease runs out it is claimed and sent
   again, so SMTP is **at least once** (the fixed Message-ID lets mail systems spot the copy).
   Exactly once over SMTP would need the mail server to deduplicate, which SMTP cannot promise.
3. **Failure**: the row goes back to ``pending`` with a later ``next_attempt_at`` (exponential
   backoff), or to ``failed`` after ``delivery_max_attempts`` tries, logged at ERROR and listed
   for admins. No retry is scheduled with a countdown: the periodic sweep sends every pending
   notification whose time has come, so a lost message or a restarted worker loses nothing.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import and_, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ..deadlines.delivery import DELIVERED, FAILED, PENDING, SENDING, Policy
from ..models.base import utcnow
from ..models.notifications import Notification
from .senders import Message, Sender

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Outcome:
    notification_id: int
    result: str  # delivered | retry | failed | skipped
    detail: str = ""


def policy_from(conf: dict) -> Policy:
    return Policy(max_attempts=int(conf["delivery_max_attempts"]),
                  backoff_seconds=int(conf["delivery_backoff_seconds"]),
                  lease_seconds=int(conf["delivery_lease_seconds"]))


def claimable(now: datetime):
    """SQL condition: this notification may be claimed for delivery now."""
    return or_(
        and_(Notification.status == PENDING,
             or_(Notification.next_attempt_at.is_(None), Notification.next_attempt_at <= now)),
        and_(Notification.status == SENDING, Notification.lease_until < now),
    )


def claim(session: Session, notification_id: int, policy: Policy, now: datetime) -> int | None:
    """Claim the notification; return the fencing token (the attempt number) or None."""
    result = session.execute(
        update(Notification)
        .where(Notification.id == notification_id, claimable(now))
        .values(status=SENDING, lease_until=now + timedelta(seconds=policy.lease_seconds),
                attempts=Notification.attempts + 1)
        .execution_options(synchronize_session=False)
    )
    session.commit()
    if result.rowcount != 1:
        return None
    return session.scalar(select(Notification.attempts).where(Notification.id == notification_id))


def deliver(session: Session, notification_id: int, sender: Sender, policy: Policy,
            now: datetime | None = None) -> Outcome:
    now = now or utcnow()
    token = claim(session, notification_id, policy, now)
    if token is None:  # delivered, failed, someone else's lease, or not yet due
        return Outcome(notification_id, "skipped")
    row = session.execute(
        select(Notification.dedupe_key, Notification.recipient_email, Notification.subject, Notification.body)
        .where(Notification.id == notification_id)).one()
    message = Message(notification_id, row.dedupe_key, row.recipient_email, row.subject, row.body)
    try:
        sender.send(session, message)
        marked = session.execute(
            update(Notification)
            .where(Notification.id == notification_id, Notification.status == SENDING,
                   Notification.attempts == token)
            .values(status=DELIVERED, delivered_at=utcnow(), lease_until=None, last_error=None)
            .execution_options(synchronize_session=False)
        ).rowcount
        if marked != 1:  # our lease ran out and another worker took over: its delivery stands
            session.rollback()
            return Outcome(notification_id, "skipped", "lease lost to another worker")
        session.commit()
    except IntegrityError:
        session.rollback()  # the outbox already holds it: delivered by whoever took over
        return Outcome(notification_id, "skipped", "already in the outbox")
    except Exception as exc:  # noqa: BLE001 - any sending failure is recorded and retried
        session.rollback()
        return _failed(session, notification_id, token, policy, exc, now)
    return Outcome(notification_id, "delivered", sender.name)


def _failed(session: Session, notification_id: int, token: int, policy: Policy, exc: Exception,
            now: datetime) -> Outcome:
    status, next_at = policy.after_failure(token, now)
    error = f"{type(exc).__name__}: {exc}"[:2000]
    session.execute(
        update(Notification)
        .where(Notification.id == notification_id, Notification.status == SENDING,
               Notification.attempts == token)
        # dispatched_at cleared: nothing is in flight, so the sweep sends it when next_attempt_at comes
        .values(status=status, next_attempt_at=next_at, lease_until=None, last_error=error, dispatched_at=None)
        .execution_options(synchronize_session=False)
    )
    session.commit()
    if status == FAILED:
        log.error("notification %s failed after %s attempts, giving up: %s", notification_id, token, error)
        return Outcome(notification_id, "failed", error)
    log.warning("notification %s attempt %s failed, next try at %s: %s", notification_id, token,
                next_at.isoformat(), error)
    return Outcome(notification_id, "retry", error)


def dispatchable(session: Session, policy: Policy, now: datetime, limit: int = 1000) -> list[int]:
    """Notifications to hand to a worker now: due pending ones not already in flight, and
    claimed ones whose worker died (expired lease)."""
    stale = now - timedelta(seconds=policy.lease_seconds)
    return list(session.scalars(
        select(Notification.id)
        .where(Notification.status.in_((PENDING, SENDING)), claimable(now),
               or_(Notification.status == SENDING, Notification.dispatched_at.is_(None),
                   Notification.dispatched_at <= stale))
        .order_by(Notification.id).limit(limit)))


def mark_dispatched(session: Session, ids: list[int], now: datetime) -> None:
    for start in range(0, len(ids), 500):
        session.execute(update(Notification).where(Notification.id.in_(ids[start:start + 500]))
                        .values(dispatched_at=now).execution_options(synchronize_session=False))


def retry_failed(session: Session, notification_id: int) -> bool:
    """An admin's "try again": a failed notification gets one more try. ``attempts`` keeps
    counting (it is the fencing token, so it never goes back)."""
    return session.execute(
        update(Notification).where(Notification.id == notification_id, Notification.status == FAILED)
        .values(status=PENDING, next_attempt_at=None, dispatched_at=None)
        .execution_options(synchronize_session=False)).rowcount == 1
