"""Learning recorded on each QA (themes, learning points, good practice, policy issues,
amendments) and the year's published summary (narratives with history, chosen sections,
frozen numbered publications)."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import ForeignKey, Index, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, utcnow


class Theme(Base):
    """A learning theme admins manage; seeded from config/learning_themes.json. Retired, never
    deleted: past QAs keep the themes they recorded."""

    __tablename__ = "learning_themes"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(64), unique=True)
    label: Mapped[str] = mapped_column(String(200))
    position: Mapped[int] = mapped_column(default=0)
    retired_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class AssessmentTheme(Base):
    """A theme recorded on a QA (one row per theme per assessment: counted with GROUP BY)."""

    __tablename__ = "assessment_themes"

    assessment_id: Mapped[int] = mapped_column(ForeignKey("assessments.id", ondelete="CASCADE"), primary_key=True)
    theme_id: Mapped[int] = mapped_column(ForeignKey("learning_themes.id"), primary_key=True, index=True)


class LearningEntry(Base):
    """One learning point, good practice, national policy issue or suggested amendment on a QA.

    ``kind``: learning_point | good_practice | policy_issue | amendment. Learning points carry a
    ``level`` and ``in_action_plan``; amendments a later ``outcome`` recorded by the central team.
    """

    __tablename__ = "learning_entries"

    id: Mapped[int] = mapped_column(primary_key=True)
    assessment_id: Mapped[int] = mapped_column(ForeignKey("assessments.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(32))
    text: Mapped[str] = mapped_column(Text)
    position: Mapped[int] = mapped_column(default=0)
    level: Mapped[str | None] = mapped_column(String(32))
    in_action_plan: Mapped[bool | None]
    outcome: Mapped[str | None] = mapped_column(String(32))
    outcome_on: Mapped[date | None]
    outcome_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    outcome_note: Mapped[str | None] = mapped_column(Text)

    __table_args__ = (Index("ix_learning_entries_kind_level", "kind", "level"),)


class YearSectionChoice(Base):
    """The sections a manager has chosen for the year's published summary (the draft's choice)."""

    __tablename__ = "year_section_choices"

    year: Mapped[int] = mapped_column(primary_key=True)
    sections: Mapped[list]
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))


class YearNarrative(Base):
    """One saved version of a section's narrative; the newest per (year, section) is current,
    the older rows are its history."""

    __tablename__ = "year_narratives"

    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int] = mapped_column(index=True)
    section: Mapped[str] = mapped_column(String(64))
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    author_label: Mapped[str] = mapped_column(String(254))


class YearPublication(Base):
    """A published summary, frozen: its content, HTML, PDF and CSV never change."""

    __tablename__ = "year_publications"

    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int] = mapped_column(index=True)
    number: Mapped[int]
    published_at: Mapped[datetime] = mapped_column(default=utcnow)
    published_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    publisher_label: Mapped[str] = mapped_column(String(254))
    sections: Mapped[list]
    content: Mapped[dict]
    html: Mapped[str] = mapped_column(Text)
    pdf: Mapped[bytes] = mapped_column(LargeBinary)
    csv: Mapped[str] = mapped_column(Text)

    __table_args__ = (UniqueConstraint("year", "number"),)
