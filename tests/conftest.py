"""Test fixtures: a real database (SQLite by default, PostgreSQL when SFOFLOW_DATABASE_URL says so),
migrated by Alembic once per run and emptied after every test.

With CI=true a configured service that is not reachable fails the run; it is never skipped.
"""
from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest
from sqlalchemy import text

from sfoflow import create_app, db
from sfoflow.config import from_env
from sfoflow.models import Base
from tests.support import clock, web
from tests.support.worker import broker_problem, purge, start_worker

CI = os.environ.get("CI", "").lower() == "true"
_TMP = Path(tempfile.mkdtemp(prefix="sfoflow-test-"))


def test_settings():
    env = dict(os.environ)
    env.setdefault("SFOFLOW_INSTANCE_DIR", str(_TMP))
    env["SFOFLOW_ENV"] = "test"
    env.setdefault("SFOFLOW_DATABASE_URL", f"sqlite:///{_TMP}/test.sqlite")
    env.setdefault("SFOFLOW_BROKER_URL", f"sqla+sqlite:///{_TMP}/broker.sqlite")
    env.setdefault("SFOFLOW_RESULT_BACKEND", f"db+sqlite:///{_TMP}/results.sqlite")
    return env, from_env(env)


def pytest_addoption(parser):
    parser.addoption("--at", metavar="WHEN", default=os.environ.get(clock.ENV_AT),
                     help="pin the clock of the tests and of every process they start to WHEN "
                          "(YYYY-MM-DD, 10:00 London time, or 'YYYY-MM-DD HH:MM' London time, or with Z or "
                          f"an offset) and let it tick from there; default ${clock.ENV_AT}, else the real clock")


def pytest_configure(config):
    when = config.getoption("--at")
    if when:
        try:
            config._sfoflow_clock = clock.pin(when)
        except clock.BadMoment as exc:
            raise pytest.UsageError(f"--at: {exc}") from None


def pytest_collection_modifyitems(config, items):
    root = Path(config.rootpath)
    for item in items:
        module = Path(str(item.path)).relative_to(root).as_posix()
        if clock.is_dated(module, item.fixturenames, item.get_closest_marker("dated") is not None):
            item.add_marker(pytest.mark.dated)


def pytest_unconfigure(config):
    traveller = getattr(config, "_sfoflow_clock", None)
    if traveller is not None:
        traveller.stop()


def pytest_report_header(config):
    _env, s = test_settings()
    from sqlalchemy.engine import make_url

    moment = clock.pinned_moment()
    return [f"sfoflow database: {make_url(s.database_url).render_as_string(hide_password=True)}",
            f"sfoflow broker: {s.broker_url.split('@')[-1]}",
            f"sfoflow clock: pinned to {clock.describe(moment)}" if moment else "sfoflow clock: real"]


@pytest.fixture
def today():
    """Today in London by the tests' clock (pinned with --at, else real). A test that needs a
    particular kind of day pins its own with time_machine instead."""
    return clock.today()


@pytest.fixture(scope="session")
def settings():
    return test_settings()[1]


@pytest.fixture(scope="session")
def test_env():
    return test_settings()[0]


@pytest.fixture(scope="session")
def database(settings):
    database = db.Database(settings.database_url)
    try:
        with database.engine.connect() as conn:
            conn.execute(text("SELECT 1"))
    except Exception as exc:  # noqa: BLE001
        message = f"database {settings.database_url} is not reachable: {exc}"
        if CI:
            pytest.exit(message, returncode=3)
        raise
    if database.dialect == "postgresql":
        with database.engine.begin() as conn:
            conn.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
    db.upgrade(settings.database_url)
    yield database
    database.engine.dispose()


@pytest.fixture(scope="session")
def app(settings, database):
    app = create_app(settings)
    app.config.update(TESTING=True)
    # The tests' own sessions carry what the application's do: its settings and task dispatcher.
    database.Session.configure(info=app.extensions["sfoflow_db"].Session.kw["info"])
    return app


def truncate(database) -> None:
    tables = [t.name for t in reversed(Base.metadata.sorted_tables)]
    # DELETE, children first: on tables this small it takes milliseconds where PostgreSQL's
    # TRUNCATE of every table takes about half a second (it swaps each table's files).
    with database.engine.begin() as conn:
        for t in tables:
            conn.execute(text(f'DELETE FROM "{t}"'))
        if database.dialect == "postgresql":  # ids start again at 1, as TRUNCATE ... RESTART IDENTITY did
            conn.execute(text("SELECT setval(format('%I.%I', schemaname, sequencename)::regclass, 1, false) "
                              "FROM pg_sequences WHERE schemaname = current_schema()"))


@pytest.fixture(autouse=True)
def _clean(request):
    yield
    if "database" in request.fixturenames:
        truncate(request.getfixturevalue("database"))
    if "app" in request.fixturenames:  # failed sign-ins and token guesses counted by this test
        request.getfixturevalue("app").extensions["sfoflow_throttle"].reset()


@pytest.fixture
def session(app, database):
    with database.session() as s:
        yield s


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def make_user(session):
    """make_user(role, **kw) -> (user, token); passwords are 'password-123'."""
    from sfoflow.services import users

    counter = {"n": 0}

    def make(role: str, email: str | None = None, **kw):
        counter["n"] += 1
        email = email or f"{role}{counter['n']}@example.org"
        user = users.create_user(session, email=email, role=role, password="password-123", **kw)
        token = users.issue_token(session, user)
        session.commit()
        return user, token

    return make


class Api:
    """A thin JSON client that carries a bearer token."""

    def __init__(self, client, token: str | None):
        self.client, self.token = client, token

    def _headers(self):
        return {"Authorization": f"Bearer {self.token}"} if self.token else {}

    def get(self, url, **kw):
        return self.client.get(url, headers=self._headers(), **kw)

    def post(self, url, json=None, **kw):
        return self.client.post(url, json=json, headers=self._headers(), **kw)

    def put(self, url, json=None, **kw):
        return self.client.put(url, json=json, headers=self._headers(), **kw)


@pytest.fixture
def api(client, make_user):
    """api(role) -> (Api, user): a client signed in with a new user of that role."""
    def make(role: str, **kw):
        user, token = make_user(role, **kw)
        return Api(client, token), user
    return make


@pytest.fixture
def celery_worker(test_env, settings, database):
    """A running worker on the configured broker, for one test.

    One per test, not per session: a worker left running would take the tasks other tests send
    and expect to find waiting (or deliver themselves), and a message left over from an earlier
    test could act on a row that now has the same id.
    """
    problem = broker_problem(settings.broker_url)
    if problem:
        message = f"broker {settings.broker_url} is not reachable: {problem}"
        if CI:
            pytest.fail(message)  # in CI a configured service must be there
        pytest.skip(message)
    purge(settings.broker_url)
    worker = start_worker(dict(test_env), Path(tempfile.mkdtemp(prefix="sfoflow-worker-")))
    yield worker
    worker.stop()


@pytest.fixture
def signed_in(app, make_user):
    """signed_in(role, **kw) -> (client, user): a fresh client signed in through the form."""
    def make(role, **kw):
        user, _ = make_user(role, **kw)
        client = app.test_client()
        resp = web.sign_in(client, user)
        assert resp.status_code == 302, web.text(resp)
        return client, user
    return make
