"""Issue 14 item 9: outages answer as outages. With the database out of reach every request
gets 503 with Retry-After and a plain message (a page, or JSON under /api/), the outage is
logged once without a traceback, and the process serves again by itself when it comes back."""
from __future__ import annotations

import io
import json
import logging

import pytest
from kombu.exceptions import OperationalError as BrokerError
from sqlalchemy.exc import IntegrityError, OperationalError

from sfoflow import create_app
from sfoflow.config import from_env
from sfoflow.http import outages

# Nothing listens on port 9 (discard) here: connecting is refused at once, as with PostgreSQL stopped.
DOWN = "postgresql+psycopg://postgres@127.0.0.1:9/sfoflow?connect_timeout=2"


@pytest.fixture
def capture():
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logging.Formatter("%(levelname)s|%(name)s|%(message)s|%(exc_info)s"))
    logging.getLogger().addHandler(handler)
    yield stream
    logging.getLogger().removeHandler(handler)


def test_a_lost_database_answers_503_and_is_logged_once(test_env, capture):
    app = create_app(from_env({**test_env, "SFOFLOW_DATABASE_URL": DOWN}))
    client = app.test_client()
    api = [client.get("/api/v1/reviews", headers={"Authorization": "Bearer sfo_whatever"}) for _ in range(3)]
    page = client.post("/sign-in", data={"email": "a@example.org", "password": "x"})  # CSRF first: 400
    for resp in api:
        assert resp.status_code == 503 and resp.headers["Retry-After"] == "30"
        assert resp.json["error"]["message"].startswith("The service is unavailable because its database")
    assert page.status_code == 400
    lines = [line for line in capture.getvalue().splitlines() if line.startswith(("ERROR", "CRITICAL"))]
    assert len(lines) == 1 and "outage: the database is not answering" in lines[0], lines
    assert lines[0].endswith("|None")  # no traceback
    assert "Traceback" not in capture.getvalue()


def test_the_outage_page_is_drawn_without_the_database(test_env, capture):
    app = create_app(from_env({**test_env, "SFOFLOW_DATABASE_URL": DOWN}))
    client = app.test_client()
    with client.session_transaction() as s:  # someone who was signed in: loading them needs the database
        s["_user_id"] = "1"
    resp = client.get("/reviews")
    assert resp.status_code == 503 and resp.headers["Retry-After"] == "30"
    assert "Sorry, the service is unavailable" in resp.get_data(as_text=True)
    assert resp.headers["Cache-Control"] == "no-store" and "Content-Security-Policy" in resp.headers


def test_it_serves_again_when_the_database_is_back(app, client, capture):
    outage_log = app.extensions["sfoflow_outages"]
    outage_log.started("database", OperationalError("SELECT 1", {}, ConnectionRefusedError()))
    assert client.get("/healthz").status_code == 200
    assert outage_log.down == set()
    assert "outage over: the database answers again" in capture.getvalue()


@pytest.mark.parametrize("exc,kind", [
    (OperationalError("SELECT 1", {}, ConnectionRefusedError("refused")), "database"),
    (BrokerError("[Errno 111] Connection refused"), "broker"),
    (OperationalError("SELECT x", {}, Exception("no such table: x")), None),  # a bug, not an outage
    (IntegrityError("INSERT", {}, Exception("UNIQUE constraint failed")), None),
    (ValueError("x"), None),
])
def test_what_counts_as_an_outage(exc, kind):
    assert outages.kind_of(exc) == kind


def test_healthz_is_unaffected(test_env):
    app = create_app(from_env({**test_env, "SFOFLOW_DATABASE_URL": DOWN}))
    assert app.test_client().get("/healthz").status_code == 200
    assert json.loads(app.test_client().get("/readyz").get_data())  # readyz answers (503) with its checks
