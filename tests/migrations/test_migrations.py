"""Migrations go up, down and up again on a fresh scratch database (never the test fixture's), and
the schema they build is the one the models describe."""
from __future__ import annotations

import uuid

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.engine import make_url

from sfoflow import db
from sfoflow.models import Base


def _tables(url: str) -> set[str]:
    engine = db.make_engine(url)
    try:
        return set(inspect(engine).get_table_names())
    finally:
        engine.dispose()


def _differences(url: str) -> list:
    engine = db.make_engine(url)
    try:
        with engine.connect() as conn:
            return compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}), Base.metadata)
    finally:
        engine.dispose()


def up_down_up(url: str) -> None:
    db.upgrade(url, "heads")
    assert _tables(url) >= set(Base.metadata.tables)
    db.downgrade(url, "base")
    assert _tables(url) <= {"alembic_version"}, "downgrade to base left tables behind"
    db.upgrade(url, "heads")
    differences = _differences(url)
    assert differences == [], "the migrated schema differs from the models:\n" + "\n".join(map(str, differences))
    engine = db.make_engine(url)
    try:
        current, heads = db.migration_status(engine)
    finally:
        engine.dispose()
    assert current == heads


def test_history_is_one_numbered_chain_from_base_to_head():
    """No branches, no merges, no cross-branch dependencies: each revision follows the one before,
    and their numbers count up from 0001 in that order."""
    script = ScriptDirectory.from_config(db.alembic_config("sqlite://"))
    revisions = list(script.walk_revisions())  # head first
    assert len(script.get_heads()) == 1, script.get_heads()
    assert len(script.get_bases()) == 1, script.get_bases()
    for revision in revisions:
        assert not revision.is_merge_point, f"{revision.revision} merges {revision.down_revision}"
        assert not revision.is_branch_point, f"{revision.revision} has several children: {revision.nextrev}"
        assert not revision.dependencies, f"{revision.revision} depends on {revision.dependencies}"
    chain = [r.revision for r in reversed(revisions)]  # base first
    assert [r.down_revision for r in reversed(revisions)] == [None] + chain[:-1]
    assert [int(name.split("_", 1)[0]) for name in chain] == list(range(1, len(chain) + 1)), chain


def test_sqlite_up_down_up_matches_models(tmp_path):
    up_down_up(f"sqlite:///{tmp_path}/scratch.sqlite")


@pytest.fixture
def scratch_postgres(settings):
    if not settings.database_url.startswith("postgresql"):
        pytest.skip("PostgreSQL runs only when SFOFLOW_DATABASE_URL names a PostgreSQL database")
    server = make_url(settings.database_url)
    name = f"{server.database}_scratch_{uuid.uuid4().hex[:8]}"
    admin = create_engine(server.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield server.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def test_postgres_up_down_up_matches_models(scratch_postgres):
    up_down_up(scratch_postgres)


def _two_reviews_differing_in_case(url: str) -> None:
    engine = db.make_engine(url)
    try:
        with engine.begin() as conn:
            for ref in ("SFO/2023/0001", "sfo/2023/0001", "SFO/2023/0002"):
                conn.execute(text(
                    "INSERT INTO reviews (reference, region, offence_category, provider, received_on, original_due_on, "
                    "due_on, is_high_profile, local_team_email, state, version, created_at, updated_at) VALUES "
                    "(:ref, 'london', 'homicide', 'N07', '2023-05-02', '2023-05-30', '2023-05-30', false, "
                    "'a@example.org', 'received', 1, '2023-05-02 09:00:00', '2023-05-02 09:00:00')"), {"ref": ref})
    finally:
        engine.dispose()


def test_one_review_whatever_the_case_refuses_to_migrate_a_database_holding_both(tmp_path):
    """0013 puts a unique index on lower(reference); a database that already holds a pair is left
    as it was, and the message names the reference to put right."""
    url = f"sqlite:///{tmp_path}/scratch.sqlite"
    db.upgrade(url, "0012_list_indexes")
    _two_reviews_differing_in_case(url)
    with pytest.raises(RuntimeError, match=r"^1 reference\(s\) are registered more than once in different case "
                                           r"\(SFO/2023/0001\)\. Rename or remove"):
        db.upgrade(url, "heads")
    engine = db.make_engine(url)
    try:
        assert db.migration_status(engine)[0] == {"0012_list_indexes"}
    finally:
        engine.dispose()
