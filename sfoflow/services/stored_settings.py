"""The rows of the ``settings`` table, read once per transaction and shared by whoever asks first.

The first read in a transaction loads every row into ``session.info``; later reads (a setting,
the bank holiday list's fingerprint) use that copy, which is dropped when the transaction
commits or rolls back, so the next transaction sees any change. It names the table and its two
columns rather than the mapped class, so a quick question such as ``sfoflow due-date`` reads the
fingerprint without importing the application's models.
"""
from __future__ import annotations

from sqlalchemy import JSON, String, column, event, select, table
from sqlalchemy.orm import Session

_SETTINGS = table("settings", column("key", String), column("value", JSON))
_READ = select(_SETTINGS.c.key, _SETTINGS.c.value)  # built once: every request reads it
_ROWS = "sfoflow.settings_rows"
_LISTENING = "sfoflow.settings_rows_listening"


def _drop(session: Session, *_args) -> None:
    session.info.pop(_ROWS, None)


def rows(session: Session) -> dict:
    """Every stored setting, key to value, as this transaction first read them (plus its own writes
    made through ``remember``)."""
    cache = session.info.get(_ROWS)
    if cache is None:
        if not session.info.get(_LISTENING):
            for name in ("after_commit", "after_rollback", "after_soft_rollback"):
                event.listen(session, name, _drop)
            session.info[_LISTENING] = True
        cache = dict(session.execute(_READ).all())
        session.info[_ROWS] = cache
    return cache


def remember(session: Session, key: str, value) -> None:
    """A value this transaction has just stored: later reads in it see the new one."""
    cache = session.info.get(_ROWS)
    if cache is not None:
        cache[key] = value
