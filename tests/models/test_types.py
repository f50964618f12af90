"""UtcDateTime: aware UTC datetimes in and out, on the test database (SQLite or PostgreSQL) and on
a scratch SQLite file; naive datetimes refused."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import DateTime, exc, select, text
from sqlalchemy.orm import Session

from sfoflow import db
from sfoflow.models import Base, HealthCheck
from sfoflow.models.types import UtcDateTime

LONDON = ZoneInfo("Europe/London")
# 14:30:15.123456 in London on 1 July 2026 is British Summer Time (UTC+1): 13:30:15.123456 UTC.
SUMMER_LONDON = datetime(2026, 7, 1, 14, 30, 15, 123456, tzinfo=LONDON)
SUMMER_UTC = datetime(2026, 7, 1, 13, 30, 15, 123456, tzinfo=UTC)


def _read_back(database, check_id: int, session_time_zone: str | None = None) -> datetime:
    """requested_at as a new session reads it (nothing cached from the write)."""
    with database.engine.connect() as conn:
        if session_time_zone and database.dialect == "postgresql":
            conn.execute(text(f"SET TIME ZONE '{session_time_zone}'"))
        with Session(conn) as session:
            return session.scalars(select(HealthCheck.requested_at).where(HealthCheck.id == check_id)).one()


def _store(database, at: datetime) -> int:
    with database.session() as session, db.transaction(session):
        check = HealthCheck(requested_at=at)
        session.add(check)
        session.flush()
        return check.id


def test_every_timestamp_column_is_utc():
    timestamps = [f"{c.table.name}.{c.name}" for t in Base.metadata.tables.values() for c in t.columns
                  if isinstance(c.type, DateTime) or isinstance(getattr(c.type, "impl", None), DateTime)]
    assert len(timestamps) >= 30  # users, reviews, audit, notifications ... all have some
    not_utc = [name for name in timestamps
               if not isinstance(Base.metadata.tables[name.split(".")[0]].c[name.split(".")[1]].type, UtcDateTime)]
    assert not_utc == []


def test_an_aware_value_comes_back_as_the_same_instant_in_utc(database):
    check_id = _store(database, SUMMER_LONDON)

    back = _read_back(database, check_id)
    assert back == SUMMER_UTC
    assert back.utcoffset() == timedelta(0)
    assert (back.hour, back.minute, back.microsecond) == (13, 30, 123456)


def test_values_are_utc_whatever_the_postgresql_session_time_zone(database):
    check_id = _store(database, SUMMER_UTC)

    back = _read_back(database, check_id, session_time_zone="Europe/London")
    assert back.utcoffset() == timedelta(0)
    assert back.hour == 13


def test_a_naive_value_is_refused_with_a_clear_error(database):
    with database.session() as session:
        session.add(HealthCheck(requested_at=datetime(2026, 7, 1, 13, 30)))
        with pytest.raises(exc.StatementError, match="naive datetime 2026-07-01T13:30:00 refused"):
            session.flush()
        session.rollback()


def test_a_naive_value_is_refused_in_a_query_too(database):
    with database.session() as session:
        with pytest.raises(exc.StatementError, match="naive datetime"):
            session.scalars(select(HealthCheck).where(HealthCheck.requested_at < datetime(2026, 7, 1))).all()


def test_comparisons_in_the_database_use_the_instant_not_the_wall_clock(database):
    # 13:00 in London (BST) is 12:00 UTC: earlier than 12:30 UTC, though its wall clock is later.
    later = _store(database, datetime(2026, 7, 1, 12, 30, tzinfo=UTC))
    earlier = _store(database, datetime(2026, 7, 1, 13, 0, tzinfo=LONDON))
    with database.session() as session:
        ordered = session.scalars(select(HealthCheck.id).order_by(HealthCheck.requested_at)).all()
        before_quarter_past = session.scalars(select(HealthCheck.id).where(
            HealthCheck.requested_at < datetime(2026, 7, 1, 12, 15, tzinfo=UTC))).all()
    assert ordered == [earlier, later]
    assert before_quarter_past == [earlier]


@pytest.fixture
def scratch_sqlite(tmp_path):
    """A SQLite database whatever the test database is, for what only SQLite does."""
    database = db.Database(f"sqlite:///{tmp_path}/types.sqlite")
    HealthCheck.__table__.create(database.engine)
    yield database
    database.engine.dispose()


def test_sqlite_stores_utc_and_reads_back_aware(scratch_sqlite):
    check_id = _store(scratch_sqlite, SUMMER_LONDON)

    with scratch_sqlite.engine.connect() as conn:
        stored = conn.execute(text("SELECT requested_at FROM health_checks WHERE id = :id"), {"id": check_id}).scalar()
    assert stored == "2026-07-01 13:30:15.123456"  # UTC wall clock, not London's 14:30

    back = _read_back(scratch_sqlite, check_id)
    assert back.tzinfo is not None
    assert back == SUMMER_UTC and back.utcoffset() == timedelta(0)


def test_sqlite_refuses_a_naive_value(scratch_sqlite):
    with scratch_sqlite.session() as session:
        session.add(HealthCheck(requested_at=datetime(2026, 1, 15, 9, 0)))
        with pytest.raises(exc.StatementError, match="naive datetime"):
            session.flush()
