"""Notifications recorded by the sweep and by allocations, and the embedded outbox."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, utcnow


class Notification(Base):
    """One email to one person, recorded once.

    ``dedupe_key`` (kind, review, key day, recipient; see services.notifications) is unique in
    the database: a second sweep, or two at once, cannot record it again. A digest has no
    review, and NULLs never collide in a unique constraint, which is why the key is one
    non-null string rather than a constraint over nullable columns.
    """

    __tablename__ = "notifications"

    id: Mapped[int] = mapped_column(primary_key=True)
    dedupe_key: Mapped[str] = mapped_column(String(200), unique=True)
    kind: Mapped[str] = mapped_column(String(32), index=True)
    review_id: Mapped[int | None] = mapped_column(ForeignKey("reviews.id", ondelete="CASCADE"), index=True)
    key_day: Mapped[date] = mapped_column(index=True)
    recipient_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    recipient_email: Mapped[str] = mapped_column(String(254))
    subject: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16), index=True, default="pending")
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    dispatched_at: Mapped[datetime | None]  # last handed to the broker
    next_attempt_at: Mapped[datetime | None]  # not before (after a failed try)
    lease_until: Mapped[datetime | None]  # a worker is sending it until then
    delivered_at: Mapped[datetime | None]


class OutboxMessage(Base):
    """The embedded delivery target: the email as it would have been sent.

    ``notification_id`` is unique, so a notification reaches the outbox at most once.
    """

    __tablename__ = "outbox"

    id: Mapped[int] = mapped_column(primary_key=True)
    notification_id: Mapped[int] = mapped_column(ForeignKey("notifications.id", ondelete="CASCADE"), unique=True)
    recipient: Mapped[str] = mapped_column(String(254))
    subject: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text)
    sent_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
