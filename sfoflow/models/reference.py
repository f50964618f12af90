from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, utcnow
from .user import User


class Setting(Base):
    """A run-time setting an admin can change; defaults come from config/settings.json."""

    __tablename__ = "settings"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[object] = mapped_column(JSON)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    updated_by_id: Mapped[int | None]


class SettingChange(Base):
    """The audit of run-time settings: who changed which setting, when, from what to what."""

    __tablename__ = "setting_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(64), index=True)
    old_value: Mapped[object] = mapped_column(JSON, nullable=True)
    new_value: Mapped[object] = mapped_column(JSON, nullable=True)
    changed_at: Mapped[datetime] = mapped_column(default=utcnow)
    changed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    reason: Mapped[str | None] = mapped_column(Text)

    changed_by: Mapped[User | None] = relationship()


class BankHoliday(Base):
    """The official GOV.UK list as last refreshed. Empty means: use config/bank-holidays.json."""

    __tablename__ = "bank_holidays"

    day: Mapped[date] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))


class HealthCheck(Base):
    """A round trip through the broker and a worker, asked for from the web and shown there."""

    __tablename__ = "health_checks"

    id: Mapped[int] = mapped_column(primary_key=True)
    requested_at: Mapped[datetime] = mapped_column(default=utcnow)
    requested_by_id: Mapped[int | None]
    completed_at: Mapped[datetime | None]
    worker: Mapped[str | None] = mapped_column(String(200))
