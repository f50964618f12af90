"""The HMPPS SFO central team's QA of a review routed to it, beside the review's one Assessment.

The QA itself (answers, ratings, feedback) is the review's ``Assessment``, on the same
framework and form as HMIP's; the report is its ``QaReport``. This row holds what is HMPPS's
own: the officer, the HMPPS due date (its own target, fixed at allocation from the date of
receipt) and when the QA was allocated, started and completed.
"""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import ForeignKey
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, utcnow
from .review import Review
from .user import User


class HmppsQa(Base):
    __tablename__ = "hmpps_qas"

    id: Mapped[int] = mapped_column(primary_key=True)
    review_id: Mapped[int] = mapped_column(ForeignKey("reviews.id", ondelete="CASCADE"), unique=True)
    officer_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    due_on: Mapped[date] = mapped_column(index=True)  # the HMPPS target from receipt; timeliness against it
    target_working_days: Mapped[int]
    allocated_at: Mapped[datetime] = mapped_column(default=utcnow)
    allocated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    started_at: Mapped[datetime | None]
    completed_at: Mapped[datetime | None]
    on_time: Mapped[bool | None]

    review: Mapped[Review] = relationship()
    officer: Mapped[User] = relationship(foreign_keys=[officer_id])
