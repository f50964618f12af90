"""Fast at any size: list endpoints and pages against an in-process ceiling, and the bulk import.

``lists``: loads N reviews into PostgreSQL (COPY, as benchmarks/api_latency.py does, plus a
sample decision for each), then, in process through Flask's test client, times every list
endpoint and page: median and p95, SQL statements per request, and the ratio of the median to
a *ceiling*: one hand-written SQL query for what the response shows (a paged list's rows and its
total) through psycopg plus ``json.dumps``; for paged lists also the ratio to the rows alone; and
"less floor": the median less that of a signed-in request doing nothing (``GET /api/v1/me``: the
token, the settings, the throttle), against the ceiling, which is what the endpoint itself costs.

``lists --bare`` is a diagnostic, not a way to run sfoflow: it takes the signed-in floor away from
the running app (each token's user looked up once and kept, settings read once per process, no
throttle check, no pool ping) to show what the lists would cost if signing in were free. A list
still over 3x of its ceiling then is over it because of Flask, the session and its transaction,
not because of anything sfoflow does per request.

After the table, ``lists`` builds the workload's answer up a layer at a time (its statement through
psycopg, then in a transaction, then through the application's engine and session, then the whole
service) and prints each layer's median beside the whole request: where the time between the
ceiling and the answer goes.

``import``: imports a file of ROWS reviews as the background job does (check, then batches),
while REGISTRARS other processes (1 unless told) each register one review at a time through the
ordinary service, as web workers would; prints rows/s, the median and longest wait of a single
registration, and each region's selections against n/5. The goals (issue 16): 10,000 rows in
under 10 s on PostgreSQL; a single registration never waits a second, on either database.

    .venv/bin/python benchmarks/scale.py lists --reviews 1000 [--database-url URL] [--requests 30] [--bare]
    .venv/bin/python benchmarks/scale.py import --rows 10000 [--database-url URL] [--registrars N]
    .venv/bin/python benchmarks/scale.py import --rows 10000 --database-url sqlite:////tmp/bench.sqlite

Default database: postgresql+psycopg://postgres@127.0.0.1:5432/sfoflow_bench (emptied first).
"""
from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import random
import statistics
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from sqlalchemy import text  # noqa: E402

from sfoflow import db  # noqa: E402
from tests.support.queries import counting  # noqa: E402

DEFAULT_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/sfoflow_bench"
OPEN = "('selected_for_hmip', 'allocated', 'in_qa', 'awaiting_sign_off')"

# (label, url, who, the ceiling: one query returning what the response shows, [the page's rows alone])
#
# A paged list's answer is its page *and* its total ("Showing 1 to 50 of 100,000"), and the open QA
# list also shows its four counts; its ceiling is one hand-written query returning all of that (the
# totals as scalar subqueries). Counting 100,000 rows exactly costs more than reading 50 of them, so
# the ratio to the page's rows alone is printed too ("rows only"), to show how much the total costs.
_PARALLEL = "(SELECT count(*) FROM parallel_reviews p WHERE p.review_id = r.id)"
_REVIEW_ROWS = f"SELECT r.*, u.name, {_PARALLEL} AS parallel{{extra}} FROM reviews r " \
               "LEFT JOIN users u ON u.id = r.inspector_id ORDER BY r.due_on, r.id LIMIT 50"
_OPEN_ROWS = (f"SELECT r.id, r.reference, r.region, r.state, r.due_on, r.original_due_on, r.received_on, u.name, "
              f"{_PARALLEL}{{extra}} FROM reviews r LEFT JOIN users u ON u.id = r.inspector_id "
              f"WHERE r.state IN {OPEN} ORDER BY r.due_on, r.id LIMIT 50")
_OPEN_COUNTS = (f", (SELECT row(count(*), count(*) FILTER (WHERE due_on < current_date), "
                f"count(*) FILTER (WHERE due_on BETWEEN current_date AND current_date + 7), "
                f"count(*) FILTER (WHERE inspector_id IS NULL)) FROM reviews WHERE state IN {OPEN})::text AS counts")
LISTS = [
    ("readyz", "/readyz", None, "SELECT 1"),
    # what any signed-in request costs before its own work (token, settings, throttle): the floor
    (FLOOR := "me (signed in)", "/api/v1/me", "manager", None),
    ("reviews", "/api/v1/reviews", "manager",
     _REVIEW_ROWS.format(extra=", (SELECT count(*) FROM reviews) AS total"), _REVIEW_ROWS.format(extra="")),
    ("open-qa", "/api/v1/open-qa", "manager", _OPEN_ROWS.format(extra=_OPEN_COUNTS), _OPEN_ROWS.format(extra="")),
    ("open-qa.csv", "/api/v1/open-qa?format=csv", "manager",
     f"SELECT r.reference, r.region, u.name, r.state, r.received_on, r.due_on, r.original_due_on FROM reviews r "
     f"LEFT JOIN users u ON u.id = r.inspector_id WHERE r.state IN {OPEN} ORDER BY r.due_on, r.id"),
    ("tasks", "/api/v1/tasks", "inspector",  # each task shows its inspector and parallel reviews, as open QA does
     f"SELECT r.*, u.name, {_PARALLEL} AS parallel FROM reviews r LEFT JOIN users u ON u.id = r.inspector_id "
     f"WHERE r.inspector_id = %(inspector)s AND r.state IN {OPEN} ORDER BY r.due_on, r.id"),
    ("workload", "/api/v1/workload", "manager",  # and whether each inspector is away today
     f"SELECT u.id, u.name, u.capacity, EXISTS (SELECT 1 FROM absences a WHERE a.inspector_id = u.id AND "
     f"current_date BETWEEN a.from_date AND a.to_date), w.state, w.n, w.overdue, w.soon FROM users u LEFT JOIN ("
     f"SELECT inspector_id, state, count(*) AS n, count(*) FILTER (WHERE due_on < current_date) AS overdue, "
     f"count(*) FILTER (WHERE due_on BETWEEN current_date AND current_date + 7) AS soon FROM reviews "
     f"WHERE state IN {OPEN} AND inspector_id IS NOT NULL GROUP BY inspector_id, state) w ON w.inspector_id = u.id "
     f"WHERE u.role = 'inspector'"),
    ("timeliness", "/api/v1/timeliness", "manager",
     f"SELECT region, to_char(original_due_on, 'YYYY-MM'), count(*) FILTER (WHERE state = 'feedback_sent') "
     f"FROM reviews WHERE state IN {OPEN[:-1]}, 'feedback_sent') AND original_due_on >= now() - interval '1 year' "
     f"GROUP BY 1, 2"),
    ("balance", "/api/v1/sample/balance", "manager",
     "SELECT region, offence_category, k, count(*), count(*) FILTER (WHERE selected) FROM sample_decisions "
     "WHERE sampling_year = %(year)s GROUP BY 1, 2, 3"),
    ("page /reviews", "/reviews", "page", None),
    ("page /open-qa", "/open-qa", "page", None),
    ("page /workload", "/workload", "page", None),
    ("page /timeliness", "/timeliness", "page", None),
    ("page /sample/balance", "/sample/balance", "page", None),
]


def _app(url: str):
    from sfoflow import create_app
    from sfoflow.config import from_env

    env = dict(os.environ, SFOFLOW_DATABASE_URL=url, SFOFLOW_ENV="test",
               SFOFLOW_INSTANCE_DIR=tempfile.mkdtemp(prefix="sfoflow-bench-"))
    env.setdefault("SFOFLOW_BROKER_URL", f"sqla+sqlite:///{env['SFOFLOW_INSTANCE_DIR']}/broker.sqlite")
    app = create_app(from_env(env))
    app.config.update(TESTING=True)
    return app


def _answer(conn, sql: str, params=None) -> None:
    """A ceiling: one query through psycopg, its rows read and turned into JSON."""
    with conn.cursor() as cur:
        cur.execute(sql, params)
        json.dumps(cur.fetchall(), default=str)


def _take_the_floor_away(app) -> None:
    """--bare: what a signed-in request costs before its own work, taken away (see the docstring)."""
    from flask import g, request

    from sfoflow.api import auth
    from sfoflow.services import settings, stored_settings

    app.extensions["sfoflow_db"].engine.pool._pre_ping = False
    read_settings, settings_once = stored_settings.rows, {}

    def rows_once(session):  # the first transaction reads them; every later one shares that copy
        if "rows" not in settings_once:
            settings_once["rows"] = read_settings(session)
        return settings_once["rows"]

    stored_settings.rows = settings._stored = rows_once  # settings imports it by name
    look_up, users_by_header = auth.current_user, {}

    def current_user():  # the first request with a token looks it up (and is throttled) as usual
        header = request.headers.get("Authorization", "")
        if header not in users_by_header:
            users_by_header[header] = look_up()
        g.user = users_by_header[header]
        return g.user

    auth.current_user = current_user  # require() calls it by its module-level name


def _workload_layers(app, dsn: str, ceiling_sql: str, rounds: int, whole_request_ms: float) -> None:
    """The workload's answer built up a layer at a time, each timed in the same rounds: where the
    time between its ceiling and the whole request goes."""
    import psycopg
    from sqlalchemy import event

    from sfoflow.services import work
    from sfoflow.working_days import london_today

    today, database = london_today(), app.extensions["sfoflow_db"]
    sent = []  # the workload's own statement and its parameters, as the application sends them
    keep = lambda _conn, _cursor, statement, parameters, *_: sent.append((statement, parameters))  # noqa: E731
    event.listen(database.engine, "before_cursor_execute", keep)
    with database.session() as session:
        work.workload(session, today)
    event.remove(database.engine, "before_cursor_execute", keep)
    sql, params = next((statement, values) for statement, values in sent if "held" in statement)
    autocommit, in_transaction = psycopg.connect(dsn, autocommit=True), psycopg.connect(dsn)

    def in_a_transaction():
        _answer(in_transaction, sql, params)
        in_transaction.rollback()

    def through_the_session(run):
        with database.session() as session:
            run(session)

    layers = [
        ("the ceiling (hand-written, psycopg)", lambda: _answer(autocommit, ceiling_sql)),
        ("sfoflow's statement, psycopg", lambda: _answer(autocommit, sql, params)),
        ("  in a transaction (BEGIN, ROLLBACK)", in_a_transaction),
        ("  through the app's engine and session", lambda: through_the_session(lambda s: s.execute(
            work._WORKLOAD, {"today": params["today"], "soon": params["soon"]}).all())),
        ("  the service (settings, calendar, rows)", lambda: through_the_session(lambda s: work.workload(
            s, today))),
    ]
    times = {label: [] for label, _run in layers}
    for _ in range(max(rounds, 20) * 5):  # interleaved, as the lists are
        for label, run in layers:
            started = time.perf_counter()
            run()
            times[label].append(time.perf_counter() - started)
    print("\nworkload, a layer at a time (median ms):")
    for label, _run in layers:
        print(f"  {label:<44}{_stats(times[label])[0]:>6.2f}")
    print(f"  {'the whole request (from the table above)':<44}{whole_request_ms:>6.2f}")
    autocommit.close()
    in_transaction.close()


def _stats(times: list[float]) -> tuple[float, float]:
    times = sorted(times)
    return statistics.median(times) * 1000, times[min(len(times) - 1, int(round(0.95 * (len(times) - 1))))] * 1000


def lists(args) -> None:
    import psycopg

    from benchmarks.api_latency import load, reset_and_migrate
    from sfoflow.services import users
    from sfoflow.services.sampling import current_year

    rng = random.Random(16)
    database = reset_and_migrate(args.database_url)
    token, seconds = load(database, args.reviews, rng)
    with database.engine.begin() as conn:  # a sample decision for every review, as intake writes
        conn.execute(text(
            "INSERT INTO sample_decisions (review_id, region, offence_category, sampling_year, k, arrival_order, "
            "run_number, run_position, uniform, threshold, selected, algorithm_version, decided_at, purposive) "
            "SELECT id, region, offence_category, extract(year FROM received_on - interval '3 months')::int, 5, "
            "row_number() OVER w, (row_number() OVER w - 1) / 5 + 1, (row_number() OVER w - 1) % 5, 0.5, 0.2, "
            "route = 'hmip', 'cell-hmac-sha256-v1', now(), false FROM reviews "
            "WINDOW w AS (PARTITION BY region, extract(year FROM received_on - interval '3 months') ORDER BY id)"))
    with database.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text("VACUUM ANALYZE"))
    print(f"loaded {args.reviews:,} reviews in {seconds + 0:.1f} s")
    app = _app(args.database_url)
    if args.bare:
        _take_the_floor_away(app)
        print("bare: each token's user kept, settings read once, no throttle check, no pool ping")
    engine = app.extensions["sfoflow_db"].engine
    with app.extensions["sfoflow_db"].session() as session:
        inspector_id = session.execute(text(
            f"SELECT inspector_id FROM reviews WHERE state IN {OPEN} AND inspector_id IS NOT NULL "
            "GROUP BY 1 ORDER BY count(*) DESC LIMIT 1")).scalar()
        inspector = session.get(users.User, inspector_id)
        inspector_token = users.issue_token(session, inspector)
        users.create_user(session, email="pages@example.org", role="manager", password="password-123")
        session.commit()
        year = current_year(session)
    tokens = {"manager": token, "inspector": inspector_token}
    client = app.test_client()
    page = app.test_client()
    from tests.support.web import token as csrf

    signin = page.get("/sign-in")
    page.post("/sign-in", data={"email": "pages@example.org", "password": "password-123",
                                "csrf_token": csrf(signin)})
    dsn = args.database_url.replace("postgresql+psycopg://", "postgresql://")
    raw = psycopg.connect(dsn)
    print(f"{'list':<22}{'median ms':>10}{'p95 ms':>9}{'ceiling ms':>11}{'ratio':>7}{'rows only':>10}"
          f"{'less floor':>11}{'SQL':>5}{'bytes':>10}")

    def request(label, url, who) -> int:
        target = page if who == "page" else client
        headers = {"Authorization": f"Bearer {tokens[who]}"} if who in tokens else {}
        resp = target.get(url, headers=headers)
        assert resp.status_code == 200, (url, resp.status_code)
        size = len(resp.get_data())  # a streamed body runs its queries as it is read
        resp.close()
        return size

    counts, sizes = {}, {}
    for label, url, who, *_sql in LISTS:
        request(label, url, who)  # warm
        with counting(engine) as statements:
            sizes[label] = request(label, url, who)
        counts[label] = len(statements)
    # Rounds, each asking every list once and then its ceiling once: the machine's drift (other
    # work on it) hits every endpoint and its ceiling alike.
    times = {label: [] for label, *_ in LISTS}
    ceilings = {label: [] for label, *_ in LISTS}
    rows_only = {label: [] for label, *_ in LISTS}
    for _ in range(args.requests):
        for label, url, who, sql, *rows_sql in LISTS:
            started = time.perf_counter()
            request(label, url, who)
            times[label].append(time.perf_counter() - started)
            for query, into in ((sql, ceilings), (rows_sql[0] if rows_sql else None, rows_only)):
                if query:
                    started = time.perf_counter()
                    _answer(raw, query, {"inspector": inspector_id, "year": year})
                    into[label].append(time.perf_counter() - started)
    floor = _stats(times[FLOOR])[0]
    for label, _url, who, *_rest in LISTS:
        median, p95 = _stats(times[label])
        ratio, ceil_ms, rows_ratio, less_floor = "", "", "", ""
        if ceilings[label]:
            cmed = _stats(ceilings[label])[0]
            ceil_ms, ratio = f"{cmed:.1f}", f"{median / cmed:.1f}x"
            if who in tokens:  # what the endpoint adds to any signed-in request, against its ceiling
                less_floor = f"{(median - floor) / cmed:.1f}x"
        if rows_only[label]:
            rows_ratio = f"{median / _stats(rows_only[label])[0]:.1f}x"
        print(f"{label:<22}{median:>10.1f}{p95:>9.1f}{ceil_ms:>11}{ratio:>7}{rows_ratio:>10}{less_floor:>11}"
              f"{counts[label]:>5}{sizes[label]:>10,}")
    raw.close()
    _workload_layers(app, dsn, next(sql for label, _url, _who, sql, *_ in LISTS if label == "workload"),
                     args.requests, _stats(times["workload"])[0])


def _register_singly(url, actor_id, regions, day, done, results, index=0) -> None:
    from sfoflow.db import transaction
    from sfoflow.services import reviews, users

    database = _app(url).extensions["sfoflow_db"]
    waits, n = [], 0
    with database.session() as s:
        who = s.get(users.User, actor_id)

        def one() -> float:
            nonlocal n
            n += 1
            began = time.perf_counter()
            with transaction(s):
                reviews.register(s, {"reference": f"ONE/{index}/{n:05d}", "region": regions[(n + index) % len(regions)],
                                     "offence_category": "homicide", "received_on": day,
                                     "local_team_email": "a@example.org", "parallel_reviews": []}, who)
            return time.perf_counter() - began

        one()  # the process's first registration pays for loading: not counted
        results.put("ready")
        while not done.is_set():
            waits.append(one())
            time.sleep(0.05)
    results.put(waits)


def import_(args) -> None:
    from sfoflow.db import transaction
    from sfoflow.models import SampleDecision
    from sfoflow.services import import_jobs, users
    from sfoflow.tasks.imports import run_job

    url = args.database_url
    database = db.Database(url)
    if database.dialect == "postgresql":
        with database.engine.begin() as conn:
            conn.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
    else:
        database.engine.dispose()
        Path(url.removeprefix("sqlite:///")).unlink(missing_ok=True)
        database = db.Database(url)
    db.upgrade(url)
    app = _app(url)
    database = app.extensions["sfoflow_db"]
    regions = ["london", "wales", "north_west", "south_west", "east_midlands", "kent_surrey_sussex"]
    start = date(2025, 4, 1)
    text_ = "reference,region,offence_category,received_on,local_team_email\n" + "".join(
        f"IMP/{i:06d},{regions[i % len(regions)]},homicide,{start + timedelta(days=i % 200)},a@example.org\n"
        for i in range(args.rows))
    with database.session() as session:
        actor = users.create_user(session, email="central@example.org", role="central_team")
        session.commit()
        with transaction(session):
            job = import_jobs.create(session, text_, "bench.csv", actor)
        job_id, actor_id = job.id, actor.id
    # Someone else registering one review at a time, in another process (as another web worker
    # would be), from just before the import starts until it ends.
    ctx = multiprocessing.get_context("spawn")
    done, results = ctx.Event(), ctx.Queue()
    others = []
    if args.registrars:
        others = [ctx.Process(target=_register_singly, args=(url, actor_id, regions, start, done, results, i))
                  for i in range(args.registrars)]
        for other in others:
            other.start()
        for _other in others:
            results.get(timeout=120)  # each is ready
    started = time.perf_counter()
    with database.session() as session:
        status = run_job(session, job_id)
    elapsed = time.perf_counter() - started
    done.set()
    waits = [w for _other in others for w in results.get(timeout=120)]
    for other in others:
        other.join()
    print(f"{database.dialect}: {args.rows:,} rows {status} in {elapsed:.2f} s = {args.rows / elapsed:,.0f} rows/s")
    if waits:
        print(f"concurrent single registrations ({len(others)} at a time): {len(waits)}, "
              f"median {statistics.median(waits) * 1000:.0f} ms, longest {max(waits) * 1000:.0f} ms")
    with database.session() as session:
        rows = session.execute(text(
            "SELECT region, count(*), count(*) FILTER (WHERE selected) FROM sample_decisions GROUP BY region")).all()
        assert session.query(SampleDecision).count() == args.rows + len(waits) + len(others)
    worst = max(abs(sel - n / 5) for _r, n, sel in rows)
    print("selected by region (n, selected, n/5): " + "; ".join(f"{r} {n} {s} {n / 5:.1f}" for r, n, s in rows)
          + f"; largest difference {worst:.2f} (must be < 1)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("what", choices=["lists", "import"])
    parser.add_argument("--database-url", default=DEFAULT_URL)
    parser.add_argument("--reviews", type=int, default=1000)
    parser.add_argument("--requests", type=int, default=30)
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--bare", action="store_true",
                        help="lists: take the signed-in floor away, to see what Flask and the session cost alone")
    parser.add_argument("--concurrent", action="store_true", help="(the default on every database now)")
    parser.add_argument("--registrars", type=int, default=1,
                        help="processes registering one review at a time during the import (as web workers would)")
    args = parser.parse_args()
    lists(args) if args.what == "lists" else import_(args)


if __name__ == "__main__":
    main()
