"""Benchmarking exercises: several raters QA the same completed reviews blind, then compare.

An exercise has reviews and raters (HMIP inspectors and HMPPS QA staff). Each rater's answers
for one review are a ``BenchmarkRating``; nobody sees another's until the exercise is revealed
(every rating in, or a manager closes it). After the reveal the manager records the moderation
note and the agreed benchmark ratings for each review.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, utcnow
from .review import Review
from .user import User

OPEN = "open"
REVEALED = "revealed"


class BenchmarkExercise(Base):
    __tablename__ = "benchmark_exercises"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    framework_version: Mapped[str] = mapped_column(String(16))
    status: Mapped[str] = mapped_column(String(16), default=OPEN, index=True)  # open | revealed
    how_chosen: Mapped[str] = mapped_column(String(16))  # chosen | drawn
    draw: Mapped[dict | None]  # the keyed draw's inputs, so anyone can re-derive it
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    revealed_at: Mapped[datetime | None]
    reveal_reason: Mapped[str | None] = mapped_column(String(32))  # all_in | closed
    moderation_note: Mapped[str | None] = mapped_column(Text)

    items: Mapped[list[BenchmarkReview]] = relationship(back_populates="exercise", order_by="BenchmarkReview.id",
                                                        cascade="all, delete-orphan")
    raters: Mapped[list[BenchmarkRater]] = relationship(back_populates="exercise", order_by="BenchmarkRater.id",
                                                        cascade="all, delete-orphan")


class BenchmarkReview(Base):
    __tablename__ = "benchmark_reviews"
    __table_args__ = (UniqueConstraint("exercise_id", "review_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    exercise_id: Mapped[int] = mapped_column(ForeignKey("benchmark_exercises.id", ondelete="CASCADE"), index=True)
    review_id: Mapped[int] = mapped_column(ForeignKey("reviews.id", ondelete="CASCADE"), index=True)
    agreed_ratings: Mapped[dict | None]  # standard id -> rating key: the agreed benchmark
    moderation_note: Mapped[str | None] = mapped_column(Text)

    exercise: Mapped[BenchmarkExercise] = relationship(back_populates="items")
    review: Mapped[Review] = relationship()


class BenchmarkRater(Base):
    __tablename__ = "benchmark_raters"
    __table_args__ = (UniqueConstraint("exercise_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    exercise_id: Mapped[int] = mapped_column(ForeignKey("benchmark_exercises.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    body: Mapped[str] = mapped_column(String(8))  # hmip | hmpps

    exercise: Mapped[BenchmarkExercise] = relationship(back_populates="raters")
    user: Mapped[User] = relationship()


class BenchmarkRating(Base):
    """One rater's QA of one review in an exercise: key-question and prompt answers (yes/no/na),
    standard ratings; the overall rating follows from the four, never typed."""

    __tablename__ = "benchmark_ratings"
    __table_args__ = (UniqueConstraint("exercise_id", "review_id", "rater_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    exercise_id: Mapped[int] = mapped_column(ForeignKey("benchmark_exercises.id", ondelete="CASCADE"), index=True)
    review_id: Mapped[int] = mapped_column(ForeignKey("reviews.id", ondelete="CASCADE"), index=True)
    rater_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    answers: Mapped[dict] = mapped_column(default=dict)
    ratings: Mapped[dict] = mapped_column(default=dict)
    overall_rating: Mapped[str | None] = mapped_column(String(32))
    submitted_at: Mapped[datetime | None]
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
