"""Counting the SQL statements an engine runs (query-count tests and the scale benchmark)."""
from __future__ import annotations

from contextlib import contextmanager

from sqlalchemy import event


@contextmanager
def counting(engine):
    """Yield a list that collects every statement ``engine`` executes inside the block."""
    statements: list[str] = []

    def count(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", count)
