"""Issue 14 item 6: logs hold no secrets or case data. A write that fails in the database is
logged without the values it was writing (SQLAlchemy's hide_parameters, and PostgreSQL's DETAIL
line that quotes the row); the log of the failing request is grepped for each value."""
from __future__ import annotations

import io
import logging

from sfoflow.logs import JsonFormatter
from sfoflow.models import User
from sfoflow.services import users
from sfoflow.workflows import lifecycle as lc
from tests.support.core import auth, count_rows, make_person

SECRET_HASH = "scrypt:32768:8:1$probeSALT$" + "ab12" * 16
CASE_DETAIL = "Probe Person of 14 Acacia Avenue"


def test_a_failed_write_is_logged_without_its_values(app, client, session, monkeypatch):
    _, token = make_person(session, lc.ADMIN)
    before = count_rows(session, User)

    def failing_create(db, **_body):  # a write the database refuses: name is NOT NULL
        db.add(User(email="probe.person@example.org", role="inspector", name=None, password_hash=SECRET_HASH,
                    is_senior=False))
        db.flush()

    monkeypatch.setattr(users, "create_user", failing_create)
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    logging.getLogger().addHandler(handler)
    try:
        resp = client.post("/api/v1/users", headers=auth(token),
                           json={"email": "probe.person@example.org", "role": "inspector", "name": CASE_DETAIL})
    finally:
        logging.getLogger().removeHandler(handler)
    assert resp.status_code == 500
    log = stream.getvalue()
    assert "IntegrityError" in log  # the failure itself is logged ...
    for value in (SECRET_HASH, "probeSALT", "probe.person@example.org"):
        assert value not in log, value  # ... but not what it was writing
    assert count_rows(session, User) == before


def test_the_engine_hides_bound_values(database):
    assert database.engine.hide_parameters
