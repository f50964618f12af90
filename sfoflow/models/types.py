"""Column types shared by the models."""
from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import DateTime
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator


class UtcDateTime(TypeDecorator):
    """An instant, stored in UTC and always read back as an aware UTC datetime.

    PostgreSQL keeps it as ``timestamp with time zone``. SQLite has no time zones and stores the
    text without an offset, which is why every value is converted to UTC before it is written
    and marked UTC when it is read: the same code then sees the same values on both databases.
    A naive datetime is refused rather than guessed at: whether it meant UTC or London time,
    the guess would be wrong for half the year.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if not isinstance(value, datetime):
            raise TypeError(f"a timestamp column takes a datetime, not {type(value).__name__}: {value!r}")
        if value.tzinfo is None or value.utcoffset() is None:
            raise ValueError(f"naive datetime {value.isoformat()} refused: a timestamp column needs a "
                             "time zone, e.g. datetime.now(timezone.utc)")
        value = value.astimezone(UTC)
        # SQLite would drop the offset and keep the wall-clock time; drop it ourselves, from UTC.
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:  # SQLite: written above as UTC without an offset
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)  # PostgreSQL answers in the session's time zone
