"""The system running for real: a Celery worker, tasks sent after commit, /healthz and /readyz,
JSON logs, and ``sfoflow run`` as a user starts and stops it."""
from __future__ import annotations

import json
import logging
import os
import re
import signal
import socket
import subprocess
import time
import urllib.request
import uuid
from pathlib import Path

import pytest
from flask import g
from sqlalchemy import func, select, text

from sfoflow import create_app
from sfoflow.config import from_env
from sfoflow.models import HealthCheck
from sfoflow.services.dispatch import after_commit, pending
from sfoflow.services.health import request_check
from tests.support.cli import sfoflow
from tests.support.worker import wait_for

ROOT = Path(__file__).resolve().parent.parent


def completed(database, check_id: int):
    with database.session() as s:
        check = s.get(HealthCheck, check_id)
        return check if check is not None and check.completed_at is not None else None


# --- a real worker --------------------------------------------------------------------------------

@pytest.mark.worker
def test_worker_runs_the_health_task_sent_after_commit(session, database, celery_worker):
    check = request_check(session, None)
    assert pending(session) == 1  # queued, not sent: nothing leaves before the commit
    session.commit()
    assert pending(session) == 0
    done = wait_for(lambda: completed(database, check.id), timeout=30)
    assert done is not None, f"the worker did not run the health task:\n{celery_worker.log()[-2000:]}"
    assert socket.gethostname() in done.worker


@pytest.mark.worker
def test_worker_logs_json_with_the_task_and_the_requests_id(app, database, celery_worker):
    request_id = uuid.uuid4().hex
    with app.test_request_context("/"), database.session() as s:
        g.request_id = request_id  # as logs.init_app sets it for a real request
        check = request_check(s, None)
        s.commit()
    assert wait_for(lambda: completed(database, check.id), timeout=30)
    line = wait_for(lambda: [e for e in celery_worker.json_lines()
                             if e.get("request_id") == request_id and "succeeded" in e["msg"]], timeout=10)
    assert line, celery_worker.log()[-2000:]
    assert line[0]["task"] == "sfoflow.health.ping" and line[0]["task_id"]
    # The worker's whole log is JSON, apart from Celery's start-up banner and its warnings.
    assert any(e["msg"].endswith("ready.") for e in celery_worker.json_lines())


# --- after commit, never after rollback -----------------------------------------------------------

def _queue_size(app, queue: str) -> int:
    celery = app.extensions["celery"]
    with celery.connection_for_write() as conn:
        return conn.default_channel.queue_declare(queue=queue, passive=False).message_count


def _purge(app, queue: str) -> None:
    with app.extensions["celery"].connection_for_write() as conn:
        conn.default_channel.queue_purge(queue)


def test_a_task_is_not_sent_when_the_transaction_rolls_back(app, session):
    """On the real broker, to a queue no worker reads: a rollback sends nothing; a commit sends one."""
    from sfoflow.tasks.health import ping

    queue = f"sfoflow-test-{uuid.uuid4().hex[:8]}"
    try:
        assert _queue_size(app, queue) == 0
        check = HealthCheck()
        session.add(check)
        session.flush()
        after_commit(session, ping.apply_async, args=(check.id,), queue=queue)
        session.rollback()
        assert session.scalar(select(func.count()).select_from(HealthCheck)) == 0
        assert _queue_size(app, queue) == 0
        session.commit()  # a later commit must not send what the rollback discarded
        assert _queue_size(app, queue) == 0

        # The same, committed: the message is there, so the zero above was no accident.
        check = HealthCheck()
        session.add(check)
        session.flush()
        after_commit(session, ping.apply_async, args=(check.id,), queue=queue)
        session.commit()
        assert _queue_size(app, queue) == 1
    finally:
        _purge(app, queue)


def test_a_rolled_back_savepoint_drops_only_its_own_hooks(session):
    calls = []
    session.execute(text("SELECT 1"))
    after_commit(session, calls.append, "outer")
    savepoint = session.begin_nested()
    after_commit(session, calls.append, "inside a rolled-back savepoint")
    savepoint.rollback()
    savepoint = session.begin_nested()
    after_commit(session, calls.append, "inside a released savepoint")
    savepoint.commit()
    assert calls == []  # releasing a savepoint is not the commit
    session.commit()
    assert calls == ["outer", "inside a released savepoint"]


def test_a_failing_hook_does_not_undo_the_commit(session, database, caplog):
    def broken():
        raise ConnectionError("broker down")

    check = HealthCheck()
    session.add(check)
    session.flush()
    after_commit(session, broken)
    with caplog.at_level(logging.ERROR, logger="sfoflow.services.dispatch"):
        session.commit()
    with database.session() as s:
        assert s.get(HealthCheck, check.id) is not None
    assert "the sweep will catch up" in caplog.text


# --- health endpoints and logs --------------------------------------------------------------------

def test_healthz_and_readyz_report_database_migrations_and_broker(client):
    assert client.get("/healthz").json == {"status": "ok"}
    resp = client.get("/readyz")
    assert resp.status_code == 200, resp.json
    assert resp.json["checks"] == {"database": "ok", "migrations": "ok", "broker": "ok"}


def test_readyz_is_503_when_the_schema_is_behind_and_the_broker_is_down(app, test_env, tmp_path):
    with socket.socket() as s:  # a port nothing listens on
        s.bind(("127.0.0.1", 0))
        dead_port = s.getsockname()[1]
    other = create_app(from_env(test_env, database_url=f"sqlite:///{tmp_path}/empty.sqlite",
                                broker_url=f"redis://127.0.0.1:{dead_port}/0"))
    try:
        resp = other.test_client().get("/readyz")
    finally:
        app.extensions["celery"].set_current()  # creating an app made its Celery current
        app.extensions["celery"].set_default()
    assert resp.status_code == 503
    checks = resp.json["checks"]
    assert checks["database"] == "ok"
    assert checks["migrations"].startswith("not at head")
    assert checks["broker"].startswith("error")


def test_readyz_asks_the_broker_each_time_so_a_broker_that_stops_is_noticed_and_one_that_returns_is_too(
        app, test_env):
    """/readyz keeps its broker connection between calls (a load balancer asks every few seconds);
    a kept connection must not make a stopped broker look alive."""
    import shutil

    if shutil.which("redis-server") is None:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail("redis-server is needed to stop and start a broker")
        pytest.skip("redis-server is not installed")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]

    def listening() -> bool:
        with socket.socket() as probe:
            return probe.connect_ex(("127.0.0.1", port)) == 0

    def start():
        proc = subprocess.Popen(["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "",
                                 "--appendonly", "no"], stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
        assert wait_for(listening, 10), "redis-server did not start"
        return proc

    other = create_app(from_env(test_env, broker_url=f"redis://127.0.0.1:{port}/0"))
    proc = start()
    try:
        client = other.test_client()
        assert client.get("/readyz").json["checks"]["broker"] == "ok"
        proc.terminate()
        proc.wait(timeout=10)
        resp = client.get("/readyz")
        assert resp.status_code == 503 and resp.json["checks"]["broker"].startswith("error")
        proc = start()
        assert wait_for(lambda: client.get("/readyz").status_code == 200, 10)
    finally:
        proc.terminate()
        proc.wait(timeout=10)
        app.extensions["celery"].set_current()  # creating an app made its Celery current
        app.extensions["celery"].set_default()


def test_each_request_logs_one_json_line_with_its_request_id(client, caplog):
    from sfoflow.logs import JsonFormatter

    with caplog.at_level(logging.INFO, logger="sfoflow.request"):
        resp = client.get("/healthz", headers={"X-Request-Id": "req-from-proxy-1"})
    assert resp.headers["X-Request-Id"] == "req-from-proxy-1"
    mine = [json.loads(JsonFormatter().format(r)) for r in caplog.records
            if getattr(r, "request_id", None) == "req-from-proxy-1"]
    assert [(e["logger"], e["method"], e["path"], e["status"]) for e in mine] == [
        ("sfoflow.request", "GET", "/healthz", 200)]


# --- sfoflow run, as a person starts and stops it -------------------------------------------------

def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _embedded_env(instance: Path, port: int) -> dict:
    """A fresh machine's defaults (SQLite and the SQLite broker) in a temporary instance folder."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("SFOFLOW_")}
    env.update(SFOFLOW_INSTANCE_DIR=str(instance), SFOFLOW_BIND=f"127.0.0.1:{port}", PYTHONUNBUFFERED="1")
    return env


class Run:
    """``sfoflow run`` in a subprocess, its output collected line by line."""

    def __init__(self, env: dict, *args: str):
        self.proc = subprocess.Popen(sfoflow("run", *args), env=env, cwd=ROOT,
                                     stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        self.lines: list[str] = []

    def read_until(self, marker: str, timeout: float) -> bool:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            line = self.proc.stdout.readline()
            if not line:
                return False
            self.lines.append(line)
            if marker in line:
                return True
        return False

    @property
    def output(self) -> str:
        return "".join(self.lines)

    def children(self) -> dict[str, int]:
        return {m[0]: int(m[1]) for m in re.findall(r"^started (\w+) \(pid (\d+)\)", self.output, re.M)}

    def finish(self, timeout: float = 40) -> int:
        try:
            rest, _ = self.proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            rest, _ = self.proc.communicate()
        self.lines.append(rest)
        return self.proc.returncode


def _group_alive(pgid: int) -> bool:
    """Whether any process of this group still runs (a zombie waiting for init to reap it does not)."""
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:  # it ended while we looked
            continue
        state, pgrp = fields[0], int(fields[2])
        if pgrp == pgid and state not in ("Z", "X"):
            return True
    return False


def _get(url: str) -> tuple[int, str]:
    with urllib.request.urlopen(url, timeout=10) as resp:  # noqa: S310 (local test server)
        return resp.status, resp.read().decode()


@pytest.mark.worker
def test_sfoflow_run_serves_runs_tasks_and_stops_cleanly_on_ctrl_c(tmp_path):
    port = _free_port()
    env = _embedded_env(tmp_path / "instance", port)
    run = Run(env)
    try:
        assert run.read_until("Press Ctrl-C to stop.", timeout=120), run.output
        assert f"sfoflow is running at http://127.0.0.1:{port}/" in run.output
        assert set(run.children()) == {"web", "worker", "beat"}
        # the demo year was loaded into the empty database, and a sign-in is printed for each role
        assert "480 review(s) added" in run.output
        for email in ("cara.chestnut@", "amber.ash@", "morgan.maple@", "ada.alder@"):
            assert email in run.output
        assert _get(f"http://127.0.0.1:{port}/healthz") == (200, '{"status":"ok"}\n')
        status, body = _get(f"http://127.0.0.1:{port}/readyz")
        assert status == 200 and json.loads(body)["checks"]["broker"] == "ok"
        # a message goes database -> embedded broker -> the run's own worker -> database (behind
        # the demo's allocation emails, which the worker delivers first)
        health = subprocess.run(sfoflow("health", "--worker", "--timeout", "60"),
                                env=env, cwd=ROOT, capture_output=True, text=True, timeout=120)
    finally:
        run.proc.send_signal(signal.SIGINT)
        code = run.finish()
    assert health.returncode == 0 and "worker: ok" in health.stdout, (
        health.stdout + health.stderr[-1000:] + run.output[-4000:])
    assert code == 0, run.output[-3000:]
    assert "stopped" in run.output
    for name, pid in run.children().items():
        assert not _group_alive(pid), f"{name} (pid {pid}) or one of its processes is still running"


@pytest.mark.worker
def test_sfoflow_run_stops_everything_and_fails_when_a_child_dies(tmp_path):
    env = _embedded_env(tmp_path / "instance", _free_port())
    run = Run(env, "--no-demo")
    try:
        assert run.read_until("Press Ctrl-C to stop.", timeout=120), run.output
        assert "480 review(s) added" not in run.output
        os.killpg(run.children()["worker"], signal.SIGKILL)
        code = run.finish()
    finally:
        if run.proc.poll() is None:
            run.proc.send_signal(signal.SIGINT)
            run.finish()
    assert code == 1, run.output[-3000:]
    assert "worker stopped unexpectedly" in run.output
    for name, pid in run.children().items():
        assert not _group_alive(pid), f"{name} (pid {pid}) is still running"
