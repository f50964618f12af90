from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import ForeignKey, Index, String, Text, bindparam, func, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, utcnow
from .user import User

# The states in which HMIP owes a QA report (workflows/lifecycle.py HMIP_OPEN_STATES), as SQL.
OPEN_QA_STATES = "state IN ('allocated', 'awaiting_sign_off', 'in_qa', 'selected_for_hmip')"


def in_states(states):
    """``state IN (...)`` with the states written into the SQL rather than sent as parameters.

    PostgreSQL prepares a statement run often and then plans it once for any parameters: with the
    states as parameters that plan cannot use the partial index on open QA (below), whose
    condition names them, and reads every allocated review instead (20 ms rather than 2 at
    100,000 reviews). Written in, the plan knows them. The states are the code's own constants."""
    return Review.state.in_(bindparam("states", tuple(states), expanding=True, literal_execute=True, unique=True))


class Review(Base):
    __tablename__ = "reviews"

    id: Mapped[int] = mapped_column(primary_key=True)
    reference: Mapped[str] = mapped_column(String(64), unique=True)
    region: Mapped[str] = mapped_column(String(64), index=True)
    offence_category: Mapped[str] = mapped_column(String(64), index=True)
    provider: Mapped[str] = mapped_column(String(64))
    received_on: Mapped[date] = mapped_column(index=True)
    original_due_on: Mapped[date] = mapped_column(index=True)  # fixed at intake; timeliness is measured against it
    due_on: Mapped[date] = mapped_column(index=True)  # moves only by a recorded extension
    is_high_profile: Mapped[bool] = mapped_column(default=False, index=True)
    local_team_email: Mapped[str] = mapped_column(String(254))
    state: Mapped[str] = mapped_column(String(32), index=True)
    route: Mapped[str | None] = mapped_column(String(16), index=True)  # hmip | hmpps, set by sampling
    inspector_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    sent_at: Mapped[datetime | None]
    version: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    inspector: Mapped[User | None] = relationship(foreign_keys=[inspector_id])
    parallel_reviews: Mapped[list[ParallelReview]] = relationship(
        back_populates="review", cascade="all, delete-orphan", order_by="ParallelReview.id")
    audit_events: Mapped[list[AuditEvent]] = relationship(
        back_populates="review", order_by="AuditEvent.id")

    # SQLAlchemy adds "AND version = :old" to every UPDATE and raises StaleDataError when a
    # concurrent writer got there first: the database, not the application, decides the race.
    __mapper_args__ = {"version_id_col": version}
    __table_args__ = (
        Index("ix_reviews_state_due_on", "state", "due_on"),
        # The open QA each inspector holds (My tasks, workload): a few thousand entries however many
        # reviews the years hold, read without touching the closed ones.
        Index("ix_reviews_open_qa_inspector", "state", "inspector_id", "due_on",
              postgresql_where=text(OPEN_QA_STATES), sqlite_where=text(OPEN_QA_STATES)),
        # The list's reference search (?q=, "contains") on PostgreSQL; a plain index elsewhere.
        Index("ix_reviews_reference_trgm", "reference", postgresql_using="gin",
              postgresql_ops={"reference": "gin_trgm_ops"}),
    )


# One review whatever the case (UX/2023/0001 and ux/2023/0001 are the same reference): the
# database refuses the second, whichever way it arrives (one registration, an import, both at once).
Index("uq_reviews_reference_lower", func.lower(Review.reference), unique=True)


class ParallelReview(Base):
    __tablename__ = "parallel_reviews"

    id: Mapped[int] = mapped_column(primary_key=True)
    review_id: Mapped[int] = mapped_column(ForeignKey("reviews.id", ondelete="CASCADE"), index=True)
    type: Mapped[str] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(32))
    notes: Mapped[str | None] = mapped_column(Text)

    review: Mapped[Review] = relationship(back_populates="parallel_reviews")


class Extension(Base):
    __tablename__ = "extensions"

    id: Mapped[int] = mapped_column(primary_key=True)
    review_id: Mapped[int] = mapped_column(ForeignKey("reviews.id", ondelete="CASCADE"), index=True)
    previous_due_on: Mapped[date]
    new_due_on: Mapped[date]
    reason: Mapped[str] = mapped_column(Text)
    granted_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    granted_at: Mapped[datetime] = mapped_column(default=utcnow)


class AuditEvent(Base):
    """Who did what to which review, when, from which state to which, and why."""

    __tablename__ = "audit_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    review_id: Mapped[int | None] = mapped_column(ForeignKey("reviews.id", ondelete="CASCADE"), index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    actor_label: Mapped[str] = mapped_column(String(254))  # email or "system", kept if a user goes
    action: Mapped[str] = mapped_column(String(64), index=True)
    from_state: Mapped[str | None] = mapped_column(String(32))
    to_state: Mapped[str | None] = mapped_column(String(32))
    reason: Mapped[str | None] = mapped_column(Text)
    details: Mapped[dict | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)

    review: Mapped[Review | None] = relationship(back_populates="audit_events")
    actor: Mapped[User | None] = relationship()
