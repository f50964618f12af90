"""Reliability with a real Celery worker and a real Redis broker (Redis database 11).

* Two sweeps at once, as two separate processes: one notification per key, each delivered once.
* A worker killed with SIGKILL in the middle of a delivery: after a restart every due
  notification is delivered exactly once.
* With the broker stopped, intake, allocation and QA carry on; when it returns, what fell due
  is sent, once.

Without Redis these are skipped (with CI=true they fail: a configured service must be there).
"""
from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from sfoflow import create_app
from sfoflow.config import from_env
from sfoflow.models import HealthCheck
from sfoflow.models.notifications import Notification, OutboxMessage
from sfoflow.services import notifications, settings
from tests import support
from tests.support.cli import sfoflow
from tests.support.core import auth, make_person
from tests.support.deadlines import allocate, selected_review, staff
from tests.support.worker import READY_TIMEOUT, WorkerProcess, wait_for

pytestmark = pytest.mark.worker
ROOT = support.REPO
CI = os.environ.get("CI", "").lower() == "true"
REDIS_DB_URL = os.environ.get("DEADLINES_TEST_REDIS", "redis://127.0.0.1:6379/11")
LEASE = 3  # seconds: a killed worker's claim expires quickly in these tests


def _redis_or_skip(url: str):
    import redis

    try:
        client = redis.Redis.from_url(url, socket_timeout=3)
        client.ping()
        return client
    except Exception as exc:  # noqa: BLE001
        if CI:
            pytest.fail(f"Redis {url} is not reachable: {exc}")
        pytest.skip(f"Redis {url} is not reachable: {exc}")


@pytest.fixture
def redis_env(test_env, app):
    client = _redis_or_skip(REDIS_DB_URL)
    client.flushdb()  # no messages left over from another test
    yield {**test_env, "SFOFLOW_BROKER_URL": REDIS_DB_URL}
    client.flushdb()


@pytest.fixture
def make_app(app):
    """make_app(env) -> a Flask app on that broker; the session's app is put back afterwards."""
    def make(env):
        return create_app(from_env(env))
    yield make
    app.extensions["celery"].set_current()
    app.extensions["celery"].set_default()


@pytest.fixture
def short_lease(session):
    settings.set_value(session, "delivery_lease_seconds", LEASE)
    session.commit()


@pytest.fixture
def workers():
    started: list[WorkerProcess] = []

    def start(env: dict, module: str = "sfoflow.worker", extra_env: dict | None = None) -> WorkerProcess:
        log_path = Path(tempfile.mkdtemp(prefix="sfoflow-deadlines-worker-")) / "worker.log"
        with open(log_path, "wb") as log:
            proc = subprocess.Popen(
                [sys.executable, "-m", "celery", "-A", module, "worker", "--loglevel", "INFO", "--concurrency", "1",
                 "--hostname", f"deadlines-{len(started)}-{os.getpid()}@%h", "--without-gossip", "--without-mingle"],
                env={**env, **(extra_env or {})}, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT,
                start_new_session=True)
        worker = WorkerProcess(proc, log_path, module)
        started.append(worker)
        if not wait_for(lambda: proc.poll() is not None or "ready." in worker.log(), READY_TIMEOUT, 0.2) \
                or proc.poll() is not None:
            pytest.fail(f"worker did not start:\n{worker.log()[-3000:]}")
        return worker

    yield start
    for worker in started:
        worker.stop()


def kill9(worker: WorkerProcess) -> None:
    os.killpg(worker.proc.pid, signal.SIGKILL)  # the worker and its pool process, no goodbye
    worker.proc.wait(timeout=10)


def statuses(database) -> dict[int, str]:
    with database.session() as s:
        return dict(s.execute(select(Notification.id, Notification.status)).all())


def outbox_ids(database) -> list[int]:
    with database.session() as s:
        return sorted(s.scalars(select(OutboxMessage.notification_id)))


def all_delivered(database):
    current = statuses(database)
    return bool(current) and all(v == "delivered" for v in current.values())


def worker_caught_up(app, database, timeout: float = 60) -> bool:
    """Send a marker task now and wait until the worker has run it. There is one worker, with one
    process taking one message at a time in the order sent, so once the marker has run every
    message sent before it has been handled: what the worker did by then is all it will do."""
    with database.session() as s:
        marker = HealthCheck()
        s.add(marker)
        s.commit()
        marker_id = marker.id
    app.extensions["celery"].send_task("sfoflow.health.ping", args=[marker_id])

    def ran() -> bool:
        with database.session() as s:
            return s.get(HealthCheck, marker_id).completed_at is not None

    return bool(wait_for(ran, timeout))


def arrange_due_work(session) -> dict:
    """Reviews with reminders, escalations and an unallocated alert due on Thu 25 May 2023."""
    people = staff(session, inspectors=2, managers=2, central=1)
    for i in range(4):
        review = selected_review(session, due_on=date(2023, 5, 22) + timedelta(days=i), reference=f"SFO/W/{i}")
        if i:
            allocate(session, review, people["inspectors"][i % 2], people["central"][0], on=date(2023, 5, 2))
    return people


# --- two sweeps at once ----------------------------------------------------------------------------------

def test_two_sweep_processes_at_once_record_and_deliver_each_notification_once(database, session, redis_env,
                                                                               workers, short_lease):
    arrange_due_work(session)
    workers(redis_env)
    commands = [subprocess.Popen(sfoflow("sweep", "--today", "2023-05-25"), cwd=ROOT,
                                 env=redis_env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
                for _ in range(2)]
    outputs = [c.communicate(timeout=120)[0] for c in commands]
    assert all(c.returncode == 0 for c in commands), outputs
    assert wait_for(lambda: all_delivered(database), 60), statuses(database)
    with database.session() as s:
        rows = s.scalars(select(Notification).where(Notification.kind != "allocated")).all()
    kinds = {n.kind for n in rows}
    assert {"reminder", "overdue", "unallocated", "digest"} <= kinds
    recorded_lines = sum(o.count("  recorded #") for o in outputs)
    assert recorded_lines == len(rows)  # between them the two sweeps recorded each row once
    ids = outbox_ids(database)
    assert ids == sorted(statuses(database)) and len(ids) == len(set(ids))


# --- a worker killed mid-delivery ------------------------------------------------------------------------------

def test_a_worker_killed_mid_delivery_loses_nothing_and_delivers_each_once(database, session, redis_env, make_app,
                                                                           workers, short_lease, tmp_path):
    arrange_due_work(session)
    notifications.sweep(session, date(2023, 5, 25), dispatch=None)  # recorded, nothing sent yet
    expected = sorted(statuses(database))
    assert len(expected) >= 10 and set(statuses(database).values()) == {"pending"}
    marker = tmp_path / "deliveries-begun"
    slow = workers(redis_env, "tests.support.deadlines_slow_worker",
                   {"DEADLINES_TEST_MARKER": str(marker), "DEADLINES_TEST_STALL": "120"})
    redis_app = make_app(redis_env)
    with redis_app.extensions["sfoflow_db"].session() as redis_session:  # hands over through Redis
        report = notifications.sweep(redis_session, date(2023, 5, 25))
    with database.session() as s:
        probe = s.execute(select(Notification.id, Notification.status, Notification.dispatched_at,
                                 Notification.attempts)).all()
    assert sorted(report.dispatched) == expected and report.dispatch_error is None, (probe, marker.exists())
    assert wait_for(lambda: marker.exists() and marker.read_text().strip(), 30), slow.log()[-2000:]
    victim = int(marker.read_text().split()[0])
    assert statuses(database)[victim] == "sending"
    kill9(slow)
    assert outbox_ids(database) == []  # it died before anything was delivered

    workers(redis_env)  # the restart
    time.sleep(LEASE + 1)  # the dead worker's lease runs out
    with redis_app.extensions["sfoflow_db"].session() as redis_session:
        again = notifications.sweep(redis_session, date(2023, 5, 25))
    assert victim in again.dispatched
    assert wait_for(lambda: all_delivered(database), 60), statuses(database)
    assert outbox_ids(database) == expected  # every one, once
    with database.session() as s:
        assert s.get(Notification, victim).attempts == 2  # the killed try, then the good one
    # later sweeps find nothing more to send, and nothing is sent twice
    with redis_app.extensions["sfoflow_db"].session() as redis_session:
        assert notifications.sweep(redis_session, date(2023, 5, 25)).dispatched == []
    assert worker_caught_up(redis_app, database), "the marker task never ran"
    assert outbox_ids(database) == expected


# --- the broker stopped -------------------------------------------------------------------------------------------

def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def stopped_broker(redis_env):
    """A Redis URL on a port where nothing listens yet; start() brings the broker up there."""
    port = free_port()
    state = {"proc": None, "url": f"redis://127.0.0.1:{port}/0"}

    def start():
        state["proc"] = subprocess.Popen(["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "",
                                          "--appendonly", "no"], stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
        import redis

        client = redis.Redis(port=port)
        assert wait_for(lambda: _pings(client), 10), "redis-server did not start"

    state["start"] = start
    yield state
    if state["proc"] is not None:
        state["proc"].terminate()
        state["proc"].wait(timeout=10)


def _pings(client) -> bool:
    try:
        return client.ping()
    except Exception:  # noqa: BLE001
        return False


def test_with_the_broker_stopped_work_carries_on_and_what_fell_due_is_sent_once_it_returns(
        database, session, redis_env, make_app, workers, short_lease, stopped_broker, today):
    down_env = {**redis_env, "SFOFLOW_BROKER_URL": stopped_broker["url"]}
    down_app = make_app(down_env)
    client = down_app.test_client()
    _central, central_token = make_person(session, "central_team")
    manager, manager_token = make_person(session, "manager")
    inspector, inspector_token = make_person(session, "inspector")

    started = time.monotonic()
    resp = client.post("/api/v1/reviews", headers=auth(central_token), json={
        "reference": "SFO/BROKER/1", "region": "london", "offence_category": "homicide",
        "received_on": today.isoformat(), "local_team_email": "sfo.london@example.org"})
    assert resp.status_code == 201, resp.json
    review = resp.json
    if review["state"] != "selected_for_hmip":  # the sampler sent it to HMPPS: a manager adds it
        review = client.post(f"/api/v1/reviews/{review['id']}/actions/add_to_sample", headers=auth(manager_token),
                             json={"version": review["version"], "reason": "thematic interest"}).json
    allocated = client.post("/api/v1/allocations", headers=auth(central_token), json={"allocations": [
        {"review_id": review["id"], "inspector_id": inspector.id, "version": review["version"]}]})
    assert allocated.status_code == 200, allocated.json
    started_qa = client.post(f"/api/v1/reviews/{review['id']}/actions/start", headers=auth(inspector_token),
                             json={"version": allocated.json["allocated"][0]["version"]})
    assert started_qa.status_code == 200 and started_qa.json["state"] == "in_qa"
    assert time.monotonic() - started < 30  # no long hangs waiting for the broker

    # a reminder falls due while the broker is down: recorded, not sent
    from sfoflow.services.calendar import get_calendar

    reminder_day = get_calendar(session).add_working_days(date.fromisoformat(review["due_on"]), -2)
    with down_app.extensions["sfoflow_db"].session() as down_session:
        report = notifications.sweep(down_session, reminder_day)
    assert report.dispatch_error and report.dispatched == []
    assert {(n, s) for n, s in statuses(database).items()} and set(statuses(database).values()) == {"pending"}
    kinds = sorted(session.scalars(select(Notification.kind)))
    assert kinds == ["allocated", "digest", "reminder"]  # the inspector's notice and reminder, the manager's digest

    # the broker returns; a worker runs; the next sweep sends what fell due
    stopped_broker["start"]()
    workers(down_env)
    time.sleep(LEASE + 1)  # the allocation notice's hand-over (lost with the broker) is then retried
    with down_app.extensions["sfoflow_db"].session() as down_session:
        back = notifications.sweep(down_session, reminder_day)
    assert back.dispatch_error is None and len(back.dispatched) == 3
    assert wait_for(lambda: all_delivered(database), 60), statuses(database)
    assert outbox_ids(database) == sorted(statuses(database))
    with down_app.extensions["sfoflow_db"].session() as down_session:
        assert notifications.sweep(down_session, reminder_day).dispatched == []
    assert worker_caught_up(down_app, database), "the marker task never ran"
    with database.session() as s:
        assert s.scalar(select(func.count()).select_from(OutboxMessage)) == 3
