"""Allocation history, inspectors' absences and recorded conflicts of interest."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import CheckConstraint, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, utcnow
from .user import User


class Allocation(Base):
    """Each allocation or reallocation of a review: when, to whom, by whom, and why.

    The sweep reads the latest one's time: a reminder goes only to an inspector who already
    held the review on the reminder's day.
    """

    __tablename__ = "allocations"

    id: Mapped[int] = mapped_column(primary_key=True)
    review_id: Mapped[int] = mapped_column(ForeignKey("reviews.id", ondelete="CASCADE"), index=True)
    inspector_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    previous_inspector_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    action: Mapped[str] = mapped_column(String(16))  # allocate | reallocate
    reason: Mapped[str | None] = mapped_column(Text)
    allocated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    allocated_at: Mapped[datetime] = mapped_column(default=utcnow)

    inspector: Mapped[User] = relationship(foreign_keys=[inspector_id])


class Absence(Base):
    """An inspector is away from ``from_date`` to ``to_date`` inclusive."""

    __tablename__ = "absences"

    id: Mapped[int] = mapped_column(primary_key=True)
    inspector_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    from_date: Mapped[date]
    to_date: Mapped[date]
    reason: Mapped[str | None] = mapped_column(Text)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    __table_args__ = (CheckConstraint("to_date >= from_date", name="dates_in_order"),)


class ConflictOfInterest(Base):
    """An inspector must not QA reviews from this region, or from this provider."""

    __tablename__ = "conflicts"

    id: Mapped[int] = mapped_column(primary_key=True)
    inspector_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    region: Mapped[str | None] = mapped_column(String(64))
    provider: Mapped[str | None] = mapped_column(String(64))
    reason: Mapped[str] = mapped_column(Text)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    __table_args__ = (CheckConstraint("region IS NOT NULL OR provider IS NOT NULL", name="region_or_provider"),)
