"""A real Celery worker for a test: a subprocess started with the tests' own environment.

It uses the broker the tests are configured with: kombu's SQLAlchemy transport on a temporary
SQLite file by default, Redis when SFOFLOW_BROKER_URL says redis://. With CI=true an
unreachable broker fails the run; it is never skipped.

The ``celery_worker`` fixture in tests/conftest.py starts one for a test.
"""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

READY_TIMEOUT = 60


def wait_for(predicate, timeout: float, interval: float = 0.1):
    """Poll ``predicate`` until it returns something truthy; return it, or None after ``timeout``."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    return None


def broker_problem(broker_url: str) -> str | None:
    from kombu import Connection

    try:
        with Connection(broker_url, transport_options=_transport_options(broker_url)) as conn:
            conn.ensure_connection(max_retries=1, timeout=3)
    except Exception as exc:  # noqa: BLE001 - any failure means "unreachable"
        return f"{type(exc).__name__}: {exc}"
    return None


def _transport_options(broker_url: str) -> dict:
    from sfoflow.tasks import transport_options

    return transport_options(broker_url)


class WorkerProcess:
    def __init__(self, proc: subprocess.Popen, log_path: Path, name: str):
        self.proc, self.log_path, self.name = proc, log_path, name

    def log(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace")

    def json_lines(self) -> list[dict]:
        return [json.loads(line) for line in self.log().splitlines() if line.startswith("{")]

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)  # warm shutdown
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                pass
        try:
            os.killpg(self.proc.pid, signal.SIGKILL)  # pool processes, if any are left
        except ProcessLookupError:
            pass
        self.proc.wait()


def start_worker(env: dict, log_dir: Path) -> WorkerProcess:
    name = f"sfoflow-test-{uuid.uuid4().hex[:8]}@%h"
    log_path = log_dir / "celery-worker.log"
    with open(log_path, "wb") as log:
        proc = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "sfoflow.worker", "worker", "--loglevel", "INFO",
             "--concurrency", "1", "--hostname", name, "--without-gossip", "--without-mingle"],
            env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    worker = WorkerProcess(proc, log_path, name)
    ready = wait_for(lambda: proc.poll() is not None or "ready." in worker.log(), READY_TIMEOUT, 0.2)
    if not ready or proc.poll() is not None:
        worker.stop()
        pytest.fail(f"the Celery worker did not start within {READY_TIMEOUT}s:\n{worker.log()[-3000:]}")
    return worker


def purge(broker_url: str, queue: str = "celery") -> None:
    """Drop messages earlier tests left for a worker that was not running then."""
    from kombu import Connection

    with Connection(broker_url, transport_options=_transport_options(broker_url)) as conn:
        conn.default_channel.queue_purge(queue)
