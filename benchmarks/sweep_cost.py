"""What one deadline sweep costs, and that it does not grow with the finished reviews.

    .venv/bin/python benchmarks/sweep_cost.py [--url postgresql+psycopg://postgres@127.0.0.1:5432/sfoflow_bench]

Loads 1,000 open HMIP reviews (due from 40 working days ago to 40 ahead, most allocated) and
10,000 finished ones, times a sweep (recording everything due) and a repeat sweep (nothing
new), counting SQL statements; then adds finished reviews up to 100,000 and does it again. The
database named by --url is wiped first: never point it at one you need.
"""
from __future__ import annotations

import argparse
import random
import time
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import delete, event, insert, select, text

from sfoflow import db
from sfoflow.models import AuditEvent, Review, User
from sfoflow.models.allocation import Allocation
from sfoflow.models.notifications import Notification, OutboxMessage
from sfoflow.services import notifications
from sfoflow.working_days import default_calendar

DAY = date(2025, 11, 12)  # a Wednesday: the sweep decides for this day
REGIONS = ["north_east", "north_west", "yorkshire_humber", "greater_manchester", "east_midlands", "west_midlands",
           "east_of_england", "london", "kent_surrey_sussex", "south_west", "south_central", "wales"]
OPEN_STATES = ["selected_for_hmip", "allocated", "in_qa", "in_qa", "awaiting_sign_off"]


class Counter:
    def __init__(self, engine):
        self.n = 0
        event.listen(engine, "before_cursor_execute", self._tick)

    def _tick(self, *args):
        self.n += 1


def ensure_database(url: str) -> None:
    """Create the PostgreSQL database named in ``url`` if it is missing."""
    from sqlalchemy import create_engine
    from sqlalchemy.engine import make_url

    target = make_url(url)
    if target.get_backend_name() != "postgresql":
        return
    admin = create_engine(target.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        if not conn.scalar(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": target.database}):
            conn.execute(text(f'CREATE DATABASE "{target.database}"'))
    admin.dispose()


def reset(database: db.Database, url: str) -> None:
    if database.dialect == "postgresql":
        with database.engine.begin() as conn:
            conn.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
    db.upgrade(url)


def people(session) -> dict[str, list[int]]:
    out = {}
    for role, n in (("inspector", 8), ("manager", 2), ("central_team", 2)):
        out[role] = []
        for i in range(n):
            user = User(email=f"{role}{i}@bench.example.org", name=f"{role} {i}", role=role, is_active=True,
                        is_senior=i == 0, capacity=200)
            session.add(user)
            session.flush()
            out[role].append(user.id)
    session.commit()
    return out


def add_reviews(session, start: int, count: int, *, open_: bool, staff, rng: random.Random) -> None:
    calendar = default_calendar()
    now = datetime.now(UTC)
    for first in range(start, start + count, 5000):
        rows, audits, allocations = [], [], []
        for i in range(first, min(first + 5000, start + count)):
            if open_:
                due = calendar.add_working_days(DAY, rng.randint(-40, 40)) if rng.random() < 0.98 else DAY
                state = rng.choice(OPEN_STATES)
            else:
                due = DAY - timedelta(days=rng.randint(30, 3650))
                due = calendar.next_working_day(due)
                state = "feedback_sent" if rng.random() < 0.97 else "withdrawn"
            received = calendar.add_working_days(due, -15)
            inspector = None if state == "selected_for_hmip" else rng.choice(staff["inspector"])
            rows.append(dict(id=i, reference=f"BENCH/{i:07d}", region=rng.choice(REGIONS),
                             offence_category="homicide", provider="N07", received_on=received,
                             original_due_on=due, due_on=due, is_high_profile=False,
                             local_team_email="sfo@bench.example.org", state=state, route="hmip",
                             inspector_id=inspector, version=3, created_at=now, updated_at=now,
                             sent_at=now if state == "feedback_sent" else None))
            at = datetime.combine(received, datetime.min.time(), tzinfo=UTC) + timedelta(hours=10)
            audits.append(dict(review_id=i, actor_label="system", action="sample", from_state="received",
                               to_state="selected_for_hmip", created_at=at))
            if inspector is not None:
                allocations.append(dict(review_id=i, inspector_id=inspector, action="allocate",
                                        allocated_at=at + timedelta(days=1)))
        session.execute(insert(Review), rows)
        session.execute(insert(AuditEvent), audits)
        if allocations:
            session.execute(insert(Allocation), allocations)
        session.commit()


def measure(database: db.Database, label: str) -> tuple[float, int, int]:
    with database.session() as session:
        session.execute(delete(OutboxMessage))
        session.execute(delete(Notification))
        session.commit()
        notifications.sweep(session, DAY - timedelta(days=7), dispatch=None)  # warm the calendar cache
        session.execute(delete(Notification))
        session.commit()
        counter = Counter(database.engine)
        results = []
        for run in ("first", "repeat"):
            counter.n = 0
            t0 = time.perf_counter()
            report = notifications.sweep(session, DAY, dispatch=None)
            elapsed = time.perf_counter() - t0
            results.append((elapsed, counter.n, len(report.recorded), report.considered))
            print(f"  {label:>16} {run:>6} sweep: {elapsed * 1000:8.1f} ms, {counter.n:3d} SQL statements, "
                  f"{report.considered} reviews considered, {len(report.recorded)} notifications recorded")
        event.remove(database.engine, "before_cursor_execute", counter._tick)
    return results[0][0], results[0][1], results[1][1]


def explain(database: db.Database) -> None:
    if database.dialect != "postgresql":
        return
    sql = str(notifications._candidates(default_calendar().add_working_days(DAY, 5))
              .compile(database.engine, compile_kwargs={"literal_binds": True}))
    with database.engine.connect() as conn:
        plan = [r[0] for r in conn.execute(text("EXPLAIN (ANALYZE, BUFFERS OFF, TIMING OFF) " + sql))]
    print("  candidate query plan (top lines):")
    for line in plan[:8]:
        print("    " + line)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default="postgresql+psycopg://postgres@127.0.0.1:5432/sfoflow_bench")
    parser.add_argument("--open", type=int, default=1000)
    parser.add_argument("--small", type=int, default=10_000)
    parser.add_argument("--large", type=int, default=100_000)
    args = parser.parse_args()
    ensure_database(args.url)
    database = db.Database(args.url)
    reset(database, args.url)
    rng = random.Random(2025)
    with database.session() as session:
        staff = people(session)
        add_reviews(session, 1, args.open, open_=True, staff=staff, rng=rng)
        add_reviews(session, 1_000_000, args.small, open_=False, staff=staff, rng=rng)
    with database.engine.begin() as conn:
        if database.dialect == "postgresql":
            conn.execute(text("ANALYZE"))
    print(f"sweep for {DAY.isoformat()} on {database.dialect}, {args.open} open reviews")
    small = measure(database, f"{args.small:,} finished")
    with database.session() as session:
        add_reviews(session, 1_000_000 + args.small, args.large - args.small, open_=False, staff=staff, rng=rng)
    with database.engine.begin() as conn:
        if database.dialect == "postgresql":
            conn.execute(text("ANALYZE"))
    large = measure(database, f"{args.large:,} finished")
    explain(database)
    print(f"time ratio ({args.large:,} / {args.small:,} finished): {large[0] / small[0]:.2f}; "
          f"SQL statements: {small[1]} -> {large[1]} (first), {small[2]} -> {large[2]} (repeat)")
    with database.session() as session:
        total = session.scalar(select(text("count(*)")).select_from(Review))
    print(f"reviews in the table: {total:,}")
    database.engine.dispose()


if __name__ == "__main__":
    main()
