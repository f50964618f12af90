"""Engine, sessions and migrations. The same code runs on SQLite and PostgreSQL."""
from __future__ import annotations

import functools
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import create_engine, event
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.orm import Session, sessionmaker

from .config import sqlite_file

if TYPE_CHECKING:
    from alembic.config import Config as AlembicConfig

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


def make_engine(url: str, **kw) -> Engine:
    # A failed statement's error (and so the log) never carries the values it was writing:
    # password hashes, names, case details.
    kw.setdefault("hide_parameters", True)
    if url.startswith("sqlite"):
        path = sqlite_file(url)
        if path is not None:
            path.parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"timeout": 30}, **kw)

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_conn, _record):
            # WAL lets the web, the worker and beat read while one writes.
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA busy_timeout=30000")
            cur.close()

        return engine
    return create_engine(url, pool_pre_ping=True, **kw)


class Database:
    """An engine and its sessions. ``info`` is what every session starts with in ``Session.info``:
    the settings and task dispatcher that services read (see ``services.context``)."""

    def __init__(self, url: str, info: dict | None = None):
        self.url = url
        self.engine = make_engine(url)
        self.Session = sessionmaker(self.engine, expire_on_commit=False, info=dict(info or {}))

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    @contextmanager
    def session(self):
        session: Session = self.Session()
        try:
            yield session
        finally:
            session.close()


@contextmanager
def transaction(session: Session):
    """Commit on success, roll back on any error: nothing is half-written."""
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise


# alembic is imported by the functions that use it: opening a session (e.g. `sfoflow due-date`)
# should not pay for loading it.
def alembic_config(url: str) -> AlembicConfig:
    from alembic.config import Config as AlembicConfig

    cfg = AlembicConfig()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return cfg


def upgrade(url: str, revision: str = "heads") -> None:
    from alembic import command

    command.upgrade(alembic_config(url), revision)


def downgrade(url: str, revision: str = "base") -> None:
    from alembic import command

    command.downgrade(alembic_config(url), revision)


@functools.cache
def _migration_script():
    """The migration files, read once per process (they do not change while it runs): /readyz
    asks on every call, and reading them costs twenty times the query it makes."""
    from alembic.script import ScriptDirectory

    script = ScriptDirectory.from_config(alembic_config("sqlite://"))
    return script, frozenset(script.get_heads())


@functools.lru_cache(maxsize=8)
def _reached(current: frozenset[str]) -> frozenset[str] | None:
    script, _heads = _migration_script()
    if not current:
        return frozenset()
    try:
        return frozenset(r.revision for r in script.iterate_revisions(tuple(current), "base"))
    except Exception:  # a revision this code does not know
        return None


def migration_status(bind: Engine | Connection) -> tuple[set[str], set[str]]:
    """(revisions applied, revisions at head); the two are equal when the schema is up to date.

    A head that another applied revision ``depends_on`` is not kept in alembic_version, so
    "applied" counts the heads reached through the recorded revisions and their dependencies.
    The migration files are read once per process; each call runs one query, on ``bind`` (a
    connection, or an engine to take one from).
    """
    if isinstance(bind, Engine):
        with bind.connect() as conn:
            return migration_status(conn)
    _script, heads = _migration_script()
    current = _applied(bind)
    reached = _reached(frozenset(current))
    if reached is None:  # report what the database says
        return current, set(heads)
    return (set(heads) & reached) | (current - heads), set(heads)


def _applied(conn: Connection) -> set[str]:
    """The revisions recorded in alembic_version; none when there is no such table yet. Read
    directly: alembic's MigrationContext inspects the schema and logs two lines on every call."""
    from sqlalchemy import text
    from sqlalchemy.exc import DBAPIError

    try:
        return {row[0] for row in conn.execute(text("SELECT version_num FROM alembic_version"))}
    except DBAPIError as exc:
        if exc.connection_invalidated:  # the database went away: not "no migrations"
            raise
        return set()  # no table: nothing applied
