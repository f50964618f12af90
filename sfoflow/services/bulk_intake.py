"""Register many validated reviews at once: the same rows, decisions and audit trail as
``reviews.register`` one at a time, written with a handful of bulk statements per batch.

What one registration does, done for a batch:

* the due date from the working calendar (built once, each receipt day computed once);
* the review, its parallel reviews, and the "register" audit event;
* the sample decision at intake (``sampling.decide_at_intake``): the batch's region-year sampler
  states are locked in one fixed order (so two batches can never deadlock), every row is
  decided in file order against those states, and the decision records, the "sample" audit
  events and the new states are written;
* the lifecycle action "sample" (``lifecycle.apply_action``): checked once per route against
  the pure core, then written as the review's state, route and audit event.

The settings are read once per batch, not once a row. The caller holds the transaction; a
batch's locks last only until the caller commits it, so intake by others waits at most one batch.

The references are looked up (in any case) after the locks are taken, in the batch's own
transaction: ``register_many`` refuses the batch if one is taken, ``register_available`` leaves
that row out and says which. ``turns`` paces a long import so that others can write between
its batches, on SQLite too (one writer at a time, and no queue for the write lock).
"""
from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from typing import NamedTuple

from sqlalchemy import JSON, func, insert, select, text
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.orm import Session

from .. import reference
from ..models import AuditEvent, ParallelReview, Review, User
from ..models.base import utcnow
from ..models.sampling import SampleDecision
from ..sampling.design import sampling_year_of
from ..workflows import lifecycle as lc
from ..working_days import WorkingCalendar
from . import sampling, settings
from .calendar import get_calendar
from .errors import Conflict
from .lifecycle import _refusal
from .wiring import lifecycle_hooks


class Registered(NamedTuple):
    id: int
    reference: str


# Rows written per batch (and per lock): about a tenth of a second on PostgreSQL.
BATCH = 500
# SQLite has one writer, and a registration waiting to write is not queued: its busy handler
# sleeps and tries again (after 0, 1, 3, 8, 18, 33, 53, 78, 103, 128, 178, 228 ms, then every
# 100 ms: sqliteDefaultBusyCallback), while an import that starts its next batch the moment it
# commits takes the lock back nearly every time (measured: a registration waited 1.4 s, about
# the whole import of 10,000 rows). So on SQLite a batch holds the lock for about 50 ms (250
# rows), and before the next the import pauses for longer than the waiter's tries are apart at
# that point (at most 50 ms until 178 ms): a registration waits about one batch, not the import.
SQLITE_BATCH = 250
SQLITE_PAUSE = 0.06  # seconds
# A test seam in ``Session.info``: called with a batch's rows after their references were looked
# up and before they are written (tests make "someone registers it meanwhile" happen there).
AFTER_CHECK = "sfoflow.bulk_intake.after_check"


@dataclass
class IntakeContext:
    """What every row of an import needs and is the same for all: read once."""

    calendar: WorkingCalendar
    start_month: int
    key: bytes
    sign_off_required: bool

    @classmethod
    def read(cls, session: Session) -> IntakeContext:
        return cls(get_calendar(session), sampling.start_month(session), sampling.sampling_key(session),
                   bool(settings.get(session, "sign_off_required")))


def bulk_supported() -> bool:
    """True while the only intake hook is the sample draw: the bulk path writes what it does.
    A new hook makes ``register_many`` register one row at a time rather than skip the hook."""
    return lifecycle_hooks().intake == (sampling.draw_at_intake,)


def turns(session: Session, total: int, start: int = 0, *,
          pause: Callable[[float], None] = time.sleep) -> Iterator[tuple[int, int]]:
    """(first, end) of each batch of rows ``start``..``total`` to write, one transaction each.

    PostgreSQL locks only what a batch uses: ``BATCH`` rows, one after another. SQLite locks the
    whole database for each batch: ``SQLITE_BATCH`` rows, and before each next one (after the
    caller has committed the last) a pause of ``SQLITE_PAUSE`` for anyone waiting to write."""
    sqlite = session.get_bind().dialect.name == "sqlite"
    size = SQLITE_BATCH if sqlite else BATCH
    for first in range(start, total, size):
        if sqlite and first > start:
            pause(SQLITE_PAUSE)
        yield first, min(first + size, total)


def _sample_to_state(route_state: str, ctx: IntakeContext) -> str:
    decision = lc.decide(lc.RECEIVED, "sample", lc.SYSTEM, {"route": route_state},
                         sign_off_required=ctx.sign_off_required)
    if not decision.allowed:
        raise _refusal(decision)
    return decision.to_state


def _insert_many(session: Session, model, rows: list[dict], *, with_ids: bool = False) -> list[int] | None:
    """Insert ``rows`` (all with the same keys) in the caller's transaction; their new ids, in
    order, if ``with_ids``. PostgreSQL: COPY (ids drawn from the table's sequence first), which
    costs a fraction of multi-row INSERTs; elsewhere Core INSERTs, several rows a statement."""
    table = model.__table__
    if not rows:
        return [] if with_ids else None
    if session.get_bind().dialect.name != "postgresql":
        if with_ids:
            return [r.id for r in session.execute(insert(table).returning(table.c.id, sort_by_parameter_order=True),
                                                  rows)]
        session.execute(insert(table), rows)
        return None
    ids = None
    if with_ids:
        ids = list(session.execute(text(f"SELECT nextval(pg_get_serial_sequence('{table.name}', 'id')) "
                                        "FROM generate_series(1, :n) ORDER BY 1"), {"n": len(rows)}).scalars())
        rows = [{**row, "id": rid} for row, rid in zip(rows, ids, strict=True)]
    columns = list(rows[0])
    json_columns = {c.name for c in table.columns if isinstance(c.type, JSON)}
    driver = session.connection().connection.driver_connection
    with driver.cursor() as cur, cur.copy(
            f'COPY "{table.name}" ({", ".join(columns)}) FROM STDIN') as copy:
        for row in rows:
            copy.write_row([json.dumps(row[c]) if c in json_columns and row[c] is not None else row[c]
                            for c in columns])
    return ids


def taken_references(session: Session, references: list[str]) -> set[str]:
    """Those of ``references`` already registered, compared in any case (lower-cased)."""
    lowered = [ref.lower() for ref in references]
    found: set[str] = set()
    for first in range(0, len(lowered), 1000):  # a bounded IN list, whatever the file's size
        found.update(session.scalars(select(func.lower(Review.reference)).where(
            func.lower(Review.reference).in_(lowered[first:first + 1000]))))
    return found


def register_many(session: Session, rows: list[dict], actor: User | None,
                  ctx: IntakeContext | None = None) -> list[Registered]:
    """Register validated rows (``schemas.reviews.ReviewCreate``) in order; returns (id, reference)
    for each. The caller commits. Refuses, writing nothing, if a reference is already registered."""
    return _register(session, rows, actor, ctx, skip_taken=False)[0]


def register_available(session: Session, rows: list[dict], actor: User | None,
                       ctx: IntakeContext | None = None) -> tuple[list[Registered], set[str]]:
    """As ``register_many``, but a row whose reference is already registered (in any case) is
    left out, drawing nothing from the sample: (what was registered, the references left out,
    lower-cased). The caller commits."""
    return _register(session, rows, actor, ctx, skip_taken=True)


def _register(session: Session, rows: list[dict], actor: User | None, ctx: IntakeContext | None, *,
              skip_taken: bool) -> tuple[list[Registered], set[str]]:
    if not rows:
        return [], set()
    ctx = ctx or IntakeContext.read(session)
    if not bulk_supported():
        from .reviews import register

        taken = taken_references(session, [r["reference"] for r in rows]) if skip_taken else set()
        _after_check(session, rows)
        out = []
        for data in rows:
            if data["reference"].lower() not in taken:
                review = register(session, data, actor, ctx.calendar)
                out.append(Registered(review.id, review.reference))
        return out, taken
    years = [sampling_year_of(r["received_on"], ctx.start_month) for r in rows]

    # The sample: lock this batch's region-years, then its offence category-years, each in one
    # fixed order (as one registration does: region first), then decide in file order.
    # (a day inside each sampling year stands for all of that year's rows: a few lookups, not one a row)
    # On SQLite the first lock is the batch's first write, so from here on nobody else writes.
    sampling.lock_for_intake(session, sorted({(r["region"], date(y, ctx.start_month, 1))
                                              for r, y in zip(rows, years, strict=True)}))
    sampling.lock_categories_for_intake(session, sorted({(r["offence_category"], date(y, ctx.start_month, 1))
                                                         for r, y in zip(rows, years, strict=True)}))
    # Looked up inside the batch's transaction, after the locks: what someone registered after
    # the file was checked is seen here. (A registration still uncommitted now is stopped by the
    # unique index on lower(reference) at the insert; the caller may then try the batch again.)
    taken = taken_references(session, [r["reference"] for r in rows])
    if taken and not skip_taken:
        raise Conflict("a review with this reference already exists",
                       fields={"reference": [f"{r['reference']!r} is already registered" for r in rows
                                             if r["reference"].lower() in taken]})
    _after_check(session, rows)
    if taken:
        kept = [i for i, r in enumerate(rows) if r["reference"].lower() not in taken]
        rows, years = [rows[i] for i in kept], [years[i] for i in kept]
        if not rows:
            return [], taken
    now = utcnow()
    due: dict = {}
    states = {(s.region, s.sampling_year): s for s in session.scalars(
        select(sampling.SamplerState).where(
            sampling.SamplerState.region.in_({r["region"] for r in rows}),
            sampling.SamplerState.sampling_year.in_(set(years))))}
    categories = {(c.offence_category, c.sampling_year): c for c in session.scalars(
        select(sampling.OffenceSamplerState).where(
            sampling.OffenceSamplerState.offence_category.in_({r["offence_category"] for r in rows}),
            sampling.OffenceSamplerState.sampling_year.in_(set(years))))}
    rate, threshold = sampling.rate_k(session), sampling.variation_threshold(session)
    to_state = {route: _sample_to_state(route, ctx) for route in (lc.SELECTED_FOR_HMIP, lc.ROUTED_TO_HMPPS)}
    decisions, ks = [], []
    for data, year in zip(rows, years, strict=True):
        state = states[(data["region"], year)]
        decisions.append(sampling.decide_one(state, categories[(data["offence_category"], year)], data["reference"],
                                             year, key=ctx.key, rate=rate, threshold=threshold))
        ks.append(state.k)  # the rate this review was drawn at (an admin's change starts at a run boundary)

    review_rows = []
    for data, (decision, added) in zip(rows, decisions, strict=True):
        received = data["received_on"]
        if received not in due:
            due[received] = ctx.calendar.due_on(received)
        route_state = lc.SELECTED_FOR_HMIP if (decision.selected or added.added) else lc.ROUTED_TO_HMPPS
        review_rows.append({
            "reference": data["reference"], "region": data["region"], "offence_category": data["offence_category"],
            "provider": data.get("provider") or reference.regions()[data["region"]]["provider_code"],
            "received_on": received, "original_due_on": due[received], "due_on": due[received],
            "is_high_profile": bool(data.get("is_high_profile")), "local_team_email": data["local_team_email"],
            "state": to_state[route_state], "route": sampling.ROUTE_OF_STATE[to_state[route_state]],
            # a review registered alone is written, then sampled: two versions
            "version": 2, "created_at": now, "updated_at": now, "created_by_id": actor.id if actor else None,
        })
    ids = _insert_many(session, Review, review_rows, with_ids=True)

    parallel = [{"review_id": rid, "type": p["type"], "status": p["status"], "notes": p.get("notes")}
                for rid, data in zip(ids, rows, strict=True) for p in data.get("parallel_reviews") or []]
    if parallel:
        _insert_many(session, ParallelReview, parallel)
    label = actor.email if actor else "system"
    events, sample_rows = [], []
    for rid, data, year, (decision, added), k, row in zip(ids, rows, years, decisions, ks, review_rows, strict=True):
        events.append({"review_id": rid, "actor_id": actor.id if actor else None, "actor_label": label,
                       "action": "register", "from_state": None, "to_state": lc.RECEIVED, "reason": None,
                       "details": {"due_on": row["due_on"].isoformat(),
                                   "received_on": data["received_on"].isoformat()}, "created_at": now})
        # As apply_action records it: by the system, nothing that reveals the run position.
        route = lc.SELECTED_FOR_HMIP if (decision.selected or added.added) else lc.ROUTED_TO_HMPPS
        events.append({"review_id": rid, "actor_id": None, "actor_label": "system", "action": "sample",
                       "from_state": lc.RECEIVED, "to_state": row["state"], "reason": None,
                       "details": sampling.sample_event_data(route, year, k, decision, added), "created_at": now})
        sample_rows.append({"review_id": rid, "region": data["region"], "offence_category": data["offence_category"],
                            "sampling_year": year, **sampling.decision_fields(k, decision, added, now)})
    _insert_many(session, AuditEvent, events)
    _insert_many(session, SampleDecision, sample_rows)
    session.flush()  # the region and category states, advanced row by row by sampling.decide_one
    return [Registered(rid, r["reference"]) for rid, r in zip(ids, rows, strict=True)], taken


# unique_violation, deadlock_detected
_RACE_STATES = {"23505", "40P01"}


def lost_race(exc: BaseException) -> bool:
    """True when a batch failed only because a registration of one of its references met it
    (PostgreSQL): the unique index refused the second of the two, or the two waited for each
    other (a registration writes its review, then takes its region's lock; a batch takes the
    locks, then writes its reviews) and the database stopped one. Tried again, the batch sees
    the reference as taken and leaves its row out. (COPY raises the driver's own error.)"""
    if isinstance(exc, IntegrityError):
        return True
    driver_error = exc.orig if isinstance(exc, DBAPIError) else exc
    return getattr(driver_error, "sqlstate", None) in _RACE_STATES


def _after_check(session: Session, rows: list[dict]) -> None:
    hook = session.info.get(AFTER_CHECK)
    if hook is not None:
        hook(rows)
