"""A CSV import run in the background: its file, progress and result."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, utcnow


class ImportJob(Base):
    """One uploaded file. ``status``: queued -> checking -> writing -> done, or refused (bad rows:
    nothing was written) or failed. Progress is written in the same transaction as the rows.

    ``rows_done`` is how far through the checked rows the writing has got: each row is written or
    skipped (its reference registered by someone else after the check; listed in ``skipped``). A
    task delivered again starts there, and a batch is written only by the task that moves it on."""

    __tablename__ = "import_jobs"

    id: Mapped[int] = mapped_column(primary_key=True)
    status: Mapped[str] = mapped_column(String(16), default="queued")
    filename: Mapped[str] = mapped_column(String(255), default="")
    content: Mapped[str] = mapped_column(Text)
    total_rows: Mapped[int] = mapped_column(default=0)  # data lines in the file (an estimate until checked)
    rows_checked: Mapped[int] = mapped_column(default=0)
    rows_written: Mapped[int] = mapped_column(default=0)
    rows_done: Mapped[int] = mapped_column(default=0)
    skipped: Mapped[list | None]  # [{"row", "reference", "reason"}], in file order
    errors: Mapped[list | None]
    message: Mapped[str | None] = mapped_column(Text)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    finished_at: Mapped[datetime | None]
