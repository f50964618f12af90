"""The sampler's stored state and its audit record of every decision."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, Double, ForeignKey, Index, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, utcnow
from .review import Review
from .user import User


class SamplerState(Base):
    """One row per region and sampling year, locked while a decision is made.

    ``k`` is the rate in force for the region: a changed setting takes effect at the region's
    next run boundary, from which runs are counted afresh (``run_start``).
    """

    __tablename__ = "sampler_states"

    id: Mapped[int] = mapped_column(primary_key=True)
    region: Mapped[str] = mapped_column(String(64))
    sampling_year: Mapped[int]
    k: Mapped[int]
    arrivals: Mapped[int] = mapped_column(default=0)
    run_has_selection: Mapped[bool] = mapped_column(default=False)
    # arrivals when the current rate ``k`` took effect (a rate change applies at a run boundary)
    run_start: Mapped[int] = mapped_column(default=0, server_default="0")
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    __table_args__ = (
        UniqueConstraint("region", "sampling_year"),
        CheckConstraint("k >= 1", name="k_positive"),
        CheckConstraint("arrivals >= 0", name="arrivals_not_negative"),
    )


class SampleDecision(Base):
    """Why a review is (or is not) in the HMIP sample.

    A random decision fills the design columns (arrival order .. algorithm version). A
    manager's purposive addition sets ``purposive`` on the same row (or on a row without
    design columns when the review never went through the draw); purposive additions are kept
    out of the random sample's statistics.
    """

    __tablename__ = "sample_decisions"

    id: Mapped[int] = mapped_column(primary_key=True)
    review_id: Mapped[int] = mapped_column(ForeignKey("reviews.id", ondelete="CASCADE"), unique=True)
    region: Mapped[str] = mapped_column(String(64))
    offence_category: Mapped[str] = mapped_column(String(64))
    sampling_year: Mapped[int]
    # the random draw (NULL only on a purposive-only row)
    k: Mapped[int | None]
    arrival_order: Mapped[int | None]
    run_number: Mapped[int | None]
    run_position: Mapped[int | None]
    uniform: Mapped[float | None] = mapped_column(Double)
    threshold: Mapped[float | None] = mapped_column(Double)
    selected: Mapped[bool | None]
    algorithm_version: Mapped[str | None] = mapped_column(String(64))
    decided_at: Mapped[datetime | None]
    # a manager's addition on purpose
    purposive: Mapped[bool] = mapped_column(default=False)
    purposive_reason: Mapped[str | None] = mapped_column(Text)
    purposive_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    purposive_at: Mapped[datetime | None]
    # who made the addition: 'offence_variation' (the design's rule, sampling/variation.py) or
    # 'manager' (by hand); NULL when not purposive
    purposive_rule: Mapped[str | None] = mapped_column(String(32))
    # the offence variation rule: arrival order within category and year, and the threshold applied
    category_order: Mapped[int | None]
    variation_threshold: Mapped[int | None]

    review: Mapped[Review] = relationship()
    purposive_by: Mapped[User | None] = relationship()

    @property
    def is_random(self) -> bool:
        return self.arrival_order is not None

    __table_args__ = (
        # one arrival order per place in a region's year: a duplicate would mean a lost lock
        UniqueConstraint("region", "sampling_year", "arrival_order"),
        Index("ix_sample_decisions_sampling_year_region", "sampling_year", "region"),
        # the balance lists a year's purposive additions: a few rows among tens of thousands
        Index("ix_sample_decisions_purposive_year", "sampling_year",
              postgresql_where=text("purposive"), sqlite_where=text("purposive")),
        CheckConstraint("arrival_order IS NOT NULL OR purposive", name="random_or_purposive"),
        CheckConstraint(
            "(arrival_order IS NULL) = (selected IS NULL) AND (arrival_order IS NULL) = (uniform IS NULL)",
            name="design_columns_together"),
    )


class OffenceSamplerState(Base):
    """One row per offence category and sampling year, locked while a decision is made: the
    category's intake so far and how many of it are in the HMIP sample by the design (random
    selections and offence variation additions)."""

    __tablename__ = "offence_sampler_states"

    id: Mapped[int] = mapped_column(primary_key=True)
    offence_category: Mapped[str] = mapped_column(String(64))
    sampling_year: Mapped[int]
    intake: Mapped[int] = mapped_column(default=0)
    in_sample: Mapped[int] = mapped_column(default=0)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    __table_args__ = (
        UniqueConstraint("offence_category", "sampling_year"),
        CheckConstraint("intake >= 0 AND in_sample >= 0 AND in_sample <= intake", name="counts_consistent"),
    )
