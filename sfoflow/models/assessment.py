"""The QA assessment (the inspector's form), its report, and high-profile queries."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, utcnow
from .review import Review
from .user import User


class Assessment(Base):
    """One QA per review, pinned to the framework version it was started with.

    ``answers``: item id -> {"answer": "yes"|"no"|"na" (or text for text items), "note": str};
    ``ratings``: standard id -> rating key; ``feedback``: standard id -> written feedback.
    The overall rating is computed at submit and approval, never typed.
    """

    __tablename__ = "assessments"

    id: Mapped[int] = mapped_column(primary_key=True)
    review_id: Mapped[int] = mapped_column(ForeignKey("reviews.id", ondelete="CASCADE"), unique=True)
    framework_version: Mapped[str] = mapped_column(String(16))
    answers: Mapped[dict] = mapped_column(default=dict)
    ratings: Mapped[dict] = mapped_column(default=dict)
    feedback: Mapped[dict] = mapped_column(default=dict)
    summary: Mapped[str | None] = mapped_column(Text)
    overall_score: Mapped[int | None]
    overall_rating: Mapped[str | None] = mapped_column(String(32))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    submitted_at: Mapped[datetime | None]
    submitted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    version: Mapped[int] = mapped_column(default=1)
    # the information section as data (assessment/information.py): staff by role, period, diversity, sharing
    information: Mapped[dict | None] = mapped_column(nullable=True)

    review: Mapped[Review] = relationship()
    updated_by: Mapped[User | None] = relationship(foreign_keys=[updated_by_id])

    # A draft saved from two tabs: the second save with a stale version is refused, not merged.
    __mapper_args__ = {"version_id_col": version}


class QaReport(Base):
    """The feedback report sent to the local SFO review team (one per review)."""

    __tablename__ = "qa_reports"

    id: Mapped[int] = mapped_column(primary_key=True)
    review_id: Mapped[int] = mapped_column(ForeignKey("reviews.id", ondelete="CASCADE"), unique=True)
    assessment_id: Mapped[int] = mapped_column(ForeignKey("assessments.id", ondelete="CASCADE"), index=True)
    framework_version: Mapped[str] = mapped_column(String(16))
    content: Mapped[dict]  # what the report says, as data (reference, dates, ratings, feedback...)
    html: Mapped[str] = mapped_column(Text)
    pdf: Mapped[bytes] = mapped_column(LargeBinary)
    pdf_filename: Mapped[str] = mapped_column(String(200))
    overall_score: Mapped[int]
    overall_rating: Mapped[str] = mapped_column(String(32))
    inspector_name: Mapped[str] = mapped_column(String(200))
    approved_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    generated_at: Mapped[datetime] = mapped_column(default=utcnow)
    sent_at: Mapped[datetime]
    sent_to: Mapped[str] = mapped_column(String(254))
    on_time: Mapped[bool]  # sent on or before the ORIGINAL due date (extensions do not count)
    notification_id: Mapped[int | None] = mapped_column(Integer)  # the queued email, when known

    review: Mapped[Review] = relationship()


class HighProfileQuery(Base):
    """An inspector's query about a case's high-profile status; the central team decides."""

    __tablename__ = "high_profile_queries"

    id: Mapped[int] = mapped_column(primary_key=True)
    review_id: Mapped[int] = mapped_column(ForeignKey("reviews.id", ondelete="CASCADE"), index=True)
    proposed_value: Mapped[bool]  # what the inspector thinks the flag should be
    reason: Mapped[str] = mapped_column(Text)
    raised_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    raised_at: Mapped[datetime] = mapped_column(default=utcnow)
    status: Mapped[str] = mapped_column(String(16), default="open", index=True)  # open|accepted|rejected
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decided_at: Mapped[datetime | None]
    decision_reason: Mapped[str | None] = mapped_column(Text)

    review: Mapped[Review] = relationship()
    raised_by: Mapped[User] = relationship(foreign_keys=[raised_by_id])
    decided_by: Mapped[User | None] = relationship(foreign_keys=[decided_by_id])


class NotificationAttachment(Base):
    """A file sent with a notification (the QA report PDF). Kept beside the notifications
    table rather than in it, so delivery code that knows nothing of attachments is unchanged;
    the SMTP sender attaches these, and the outbox lists them."""

    __tablename__ = "notification_attachments"

    id: Mapped[int] = mapped_column(primary_key=True)
    notification_id: Mapped[int] = mapped_column(ForeignKey("notifications.id", ondelete="CASCADE"), index=True)
    filename: Mapped[str] = mapped_column(String(200))
    content_type: Mapped[str] = mapped_column(String(100))
    content: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
