"""Latency of the overdue list with 100,000 reviews in PostgreSQL, against /healthz on the same server.

Loads the reviews with COPY (due dates from the working calendar, computed once per receipt
date), starts the app under gunicorn on 127.0.0.1, sends REQUESTS sequential requests to
each URL over one keep-alive connection, prints the medians and their ratio, and stops the
server. Traffic goes to the loopback address only. The database is emptied first.

    .venv/bin/python benchmarks/api_latency.py [--database-url URL] [--reviews N] [--requests N]

Default database: postgresql+psycopg://postgres@127.0.0.1:5432/sfoflow_bench (create it first).
"""
from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from sqlalchemy import text  # noqa: E402

from sfoflow import db, reference  # noqa: E402
from sfoflow.services import users  # noqa: E402
from sfoflow.working_days import WorkingCalendar, default_official_list, london_today  # noqa: E402

DEFAULT_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/sfoflow_bench"
HMIP_OPEN = ("selected_for_hmip", "allocated", "in_qa", "awaiting_sign_off")
COLUMNS = ("reference", "region", "offence_category", "provider", "received_on", "original_due_on", "due_on",
           "is_high_profile", "local_team_email", "state", "route", "inspector_id", "version", "created_at",
           "updated_at")


def reset_and_migrate(url: str) -> db.Database:
    database = db.Database(url)
    if database.dialect != "postgresql":
        sys.exit("this benchmark is for PostgreSQL")
    with database.engine.begin() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
    db.upgrade(url)
    return database


def make_rows(n: int, inspector_ids: list[int], today: date, rng: random.Random):
    """A year's-worth-and-more mix: most reviews closed, about 1 in 20 an open HMIP QA (many overdue)."""
    calendar = WorkingCalendar(default_official_list())
    regions = [(code, r["provider_code"]) for code, r in reference.regions().items()]
    offences = list(reference.offence_categories())
    due_for: dict[date, date] = {}
    now = datetime.now(UTC)
    for i in range(n):
        received = today - timedelta(days=rng.randrange(0, 730))
        due = due_for.get(received) or due_for.setdefault(received, calendar.due_on(received))
        roll = rng.random()
        if roll < 0.05:
            state, route = rng.choice(HMIP_OPEN), "hmip"
        elif roll < 0.20:
            state, route = "feedback_sent", "hmip"
        elif roll < 0.21:
            state, route = "withdrawn", "hmpps"
        else:
            state, route = "routed_to_hmpps", "hmpps"
        inspector = rng.choice(inspector_ids) if state not in ("selected_for_hmip", "routed_to_hmpps",
                                                               "withdrawn") else None
        region, provider = regions[i % len(regions)]
        yield (f"BENCH/{i:06d}", region, offences[i % len(offences)], provider, received, due, due,
               rng.random() < 0.01, f"sfo.{region}@example.org", state, route, inspector, 1, now, now)


def load(database: db.Database, n: int, rng: random.Random) -> tuple[str, float]:
    started = time.perf_counter()
    with database.session() as session:
        inspectors = [users.create_user(session, email=f"inspector{k}@example.org", role="inspector")
                      for k in range(20)]
        manager = users.create_user(session, email="manager@example.org", role="manager")
        token = users.issue_token(session, manager)
        session.commit()
        inspector_ids = [u.id for u in inspectors]
    raw = database.engine.raw_connection()
    try:
        with raw.driver_connection.cursor() as cur:
            with cur.copy(f"COPY reviews ({', '.join(COLUMNS)}) FROM STDIN") as copy:
                for row in make_rows(n, inspector_ids, london_today(), rng):
                    copy.write_row(row)
            # one parallel review on every fifth review, as the list loads them too
            with cur.copy("COPY parallel_reviews (review_id, type, status) FROM STDIN") as copy:
                for review_id in range(1, n + 1, 5):
                    copy.write_row((review_id, "domestic_homicide_review", "in_progress"))
        raw.driver_connection.commit()
    finally:
        raw.close()
    # What autovacuum does after a bulk load: statistics, and the visibility map that lets the
    # list's count be an index-only scan on (state, due_on).
    with database.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text("VACUUM ANALYZE"))
    return token, time.perf_counter() - started


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(url: str, port: int, instance: str) -> subprocess.Popen:
    env = {**os.environ, "SFOFLOW_DATABASE_URL": url, "SFOFLOW_INSTANCE_DIR": instance, "SFOFLOW_LOG_LEVEL": "WARNING"}
    gunicorn = Path(sys.executable).with_name("gunicorn")
    server = subprocess.Popen([str(gunicorn), "--bind", f"127.0.0.1:{port}", "--workers", "2", "--log-level",
                               "warning", "sfoflow:create_app()"], env=env, cwd=ROOT,
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            sys.exit(f"gunicorn exited: {server.stderr.read().decode()[-2000:]}")
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/healthz")
            if conn.getresponse().status == 200:
                conn.close()
                return server
        except OSError:
            time.sleep(0.2)
    server.terminate()
    sys.exit("gunicorn did not answer /healthz within 60 s")


def median_ms(port: int, path: str, token: str | None, requests: int) -> tuple[float, dict]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    timings, body = [], None
    for i in range(requests + 5):  # the first five warm the workers' caches and are not counted
        started = time.perf_counter()
        conn.request("GET", path, headers=headers)
        resp = conn.getresponse()
        data = resp.read()
        elapsed = time.perf_counter() - started
        if resp.status != 200:
            sys.exit(f"GET {path} answered {resp.status}: {data[:500]!r}")
        if i >= 5:
            timings.append(elapsed * 1000)
        body = data
    conn.close()
    return statistics.median(timings), json.loads(body)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=os.environ.get("SFOFLOW_BENCH_DATABASE_URL", DEFAULT_URL))
    parser.add_argument("--reviews", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=200)
    args = parser.parse_args()

    database = reset_and_migrate(args.database_url)
    token, seconds = load(database, args.reviews, random.Random(20230427))
    with database.engine.connect() as conn:
        overdue = conn.execute(text("SELECT count(*) FROM reviews WHERE state = ANY(:s) AND due_on < :t"),
                               {"s": list(HMIP_OPEN), "t": london_today()}).scalar_one()
    database.engine.dispose()
    print(f"loaded {args.reviews:,} reviews in {seconds:.1f} s ({overdue:,} overdue)")

    port = free_port()
    with tempfile.TemporaryDirectory(prefix="sfoflow-bench-") as instance:
        server = start_server(args.database_url, port, instance)
        try:
            overdue_ms, page = median_ms(port, "/api/v1/reviews?overdue=true", token, args.requests)
            health_ms, _ = median_ms(port, "/healthz", None, args.requests)
        finally:
            server.terminate()
            try:
                server.wait(15)
            except subprocess.TimeoutExpired:
                server.kill()
    assert page["total"] == overdue, (page["total"], overdue)
    print(f"GET /api/v1/reviews?overdue=true  median {overdue_ms:.2f} ms over {args.requests} requests "
          f"({len(page['items'])} items of {page['total']:,})")
    print(f"GET /healthz                      median {health_ms:.2f} ms over {args.requests} requests")
    print(f"ratio overdue list / healthz: {overdue_ms / health_ms:.1f}")


if __name__ == "__main__":
    main()
