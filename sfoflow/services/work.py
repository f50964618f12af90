"""Who has what to do: an inspector's task list, the managers' open QA list with counts,
workload per inspector, and timeliness against the original due date."""
from __future__ import annotations

from collections import defaultdict
from datetime import date
from typing import NamedTuple

from sqlalchemy import Date, and_, bindparam, func, literal_column, select, text
from sqlalchemy.orm import Session

from .. import reference
from ..models import ParallelReview, Review, User
from ..models.allocation import Absence
from ..models.review import in_states
from ..workflows import lifecycle as lc
from ..working_days import WorkingCalendar, london_today
from . import settings
from .allocation import HELD_STATES
from .calendar import get_calendar
from .lifecycle import allowed_actions
from .reviews import visible
from .views import deadline

OPEN_QA = tuple(sorted(lc.HMIP_OPEN_STATES))
_IS_OPEN_QA = in_states(OPEN_QA)
# The day and the end of "due soon", as parameters of statements built once (below): the lists are
# asked for all day, and building a statement cost as much as the database's answer.
_TODAY, _SOON = bindparam("today", type_=Date), bindparam("soon", type_=Date)


def _row(review, calendar: WorkingCalendar, today: date, deadlines: dict | None = None) -> dict:
    """One work item. ``review`` is a Review, or a row with the same attributes whose
    ``parallel_reviews`` is already a count and ``inspector`` an object with id and name, or None.
    ``deadlines``, when given, keeps each (state, due date)'s deadline: a long list of open QA
    shares a few hundred due dates, and counting working days is the costly part of a row."""
    due = deadline(review, calendar, today) if deadlines is None else _deadline_once(
        deadlines, review.state, review.due_on, calendar, today)
    return {
        "id": review.id,
        "reference": review.reference,
        "region": {"code": review.region, "name": reference.region_name(review.region)},
        "offence_category": {"code": review.offence_category, "name": reference.offence_name(review.offence_category)},
        "state": review.state,
        "state_label": lc.STATES[review.state],
        "inspector": ({"id": review.inspector.id, "name": review.inspector.name} if review.inspector else None),
        "received_on": review.received_on,
        "due_on": review.due_on,
        "original_due_on": review.original_due_on,
        "extended": review.due_on != review.original_due_on,
        "is_high_profile": review.is_high_profile,
        "parallel_reviews": (review.parallel_reviews if isinstance(review.parallel_reviews, int)
                             else len(review.parallel_reviews)),
        "version": review.version,
        **due,
    }


review_row = _row  # one review as the work lists show it (the landing pages use it too)


class _Due(NamedTuple):
    state: str
    due_on: date


def _deadline_once(deadlines: dict, state: str, due_on: date, calendar: WorkingCalendar, today: date) -> dict:
    """The deadline of a review in ``state`` due on ``due_on``, worked out once per list."""
    key = (state, due_on)
    if key not in deadlines:
        deadlines[key] = deadline(_Due(state, due_on), calendar, today)
    return deadlines[key]


# --- the inspector's task list ------------------------------------------------------------------

def tasks_query(inspector: User):
    """An inspector's open QA, soonest due first (served by the partial index on open QA)."""
    where = [_IS_OPEN_QA]
    mine = visible(inspector).whereclause  # an inspector's own reviews; everyone's for other roles
    if mine is not None:
        where.append(mine)
    return _rows_query(where).order_by(Review.due_on, Review.id)


def task_list(session: Session, inspector: User, today: date | None = None) -> list[dict]:
    """The inspector's open reviews, soonest due first, with what they can do now: read as plain
    columns (parallel reviews counted in SQL), as the open QA list is."""
    today = today or london_today()
    calendar = get_calendar(session)
    rows = [_Row(r) for r in session.execute(tasks_query(inspector))]
    deadlines: dict = {}
    actions: dict = {}  # what the inspector may do depends on the state and whether it is theirs alone

    def may(r) -> list[str]:
        key = (r.state, r.inspector_id == inspector.id)
        if key not in actions:
            actions[key] = allowed_actions(r, inspector)
        return list(actions[key])

    return [{**_row(r, calendar, today, deadlines), "allowed_actions": may(r)} for r in rows]


# --- open QA -------------------------------------------------------------------------------------

def _conditions(f: dict, today: date, calendar: WorkingCalendar) -> list:
    where = [_IS_OPEN_QA]
    if f.get("overdue") is True:
        where.append(Review.due_on < today)
    elif f.get("overdue") is False:
        where.append(Review.due_on >= today)
    if f.get("due_within") is not None:  # not overdue, and at most N working days left
        where += [Review.due_on >= today, Review.due_on <= calendar.add_working_days(today, f["due_within"])]
    for column in ("region", "inspector_id"):
        if f.get(column) is not None:
            where.append(getattr(Review, column) == f[column])
    if f.get("unallocated") is True:
        where.append(Review.inspector_id.is_(None))
    elif f.get("unallocated") is False:
        where.append(Review.inspector_id.is_not(None))
    return where


class _Row:
    """A list row read as plain columns (no ORM objects, no collections loaded to be counted)."""

    __slots__ = ("id", "reference", "region", "offence_category", "state", "inspector", "inspector_id",
                 "received_on", "due_on", "original_due_on", "is_high_profile", "parallel_reviews", "version")

    def __init__(self, row):
        (self.id, self.reference, self.region, self.offence_category, self.state, self.received_on, self.due_on,
         self.original_due_on, self.is_high_profile, self.version, self.inspector_id, inspector_name,
         self.parallel_reviews) = row  # in _rows_query's order
        self.inspector = _Inspector(self.inspector_id, inspector_name) if self.inspector_id else None


class _Inspector:
    __slots__ = ("id", "name")

    def __init__(self, id_: int, name: str):
        self.id, self.name = id_, name


_PARALLEL = (select(func.count(ParallelReview.id)).where(ParallelReview.review_id == Review.id)
             .correlate(Review).scalar_subquery())
# The columns every work list shows, built once (each list adds its conditions): the inspector's
# name by a join, and parallel reviews counted in SQL.
_ROWS = (select(Review.id, Review.reference, Review.region, Review.offence_category, Review.state,
                Review.received_on, Review.due_on, Review.original_due_on, Review.is_high_profile,
                Review.version, Review.inspector_id, User.name.label("inspector_name"),
                _PARALLEL.label("parallel_reviews"))
         .outerjoin(User, User.id == Review.inspector_id))


def _rows_query(where: list):
    """The open QA rows' columns, the inspector's name by a join and parallel reviews counted in SQL."""
    return _ROWS.where(*where)


def page_bounds(page: int, total: int, per_page: int) -> tuple[int, int]:
    """(page, pages): a page beyond the last is the last, so a list never shows "501 to 489 of 489"."""
    pages = max(1, -(-total // per_page))
    return min(max(page, 1), pages), pages


_COUNTS = select(
    func.count(),
    func.count().filter(Review.due_on < _TODAY),
    func.count().filter(and_(Review.due_on >= _TODAY, Review.due_on <= _SOON)),
    func.count().filter(Review.inspector_id.is_(None)),
).where(_IS_OPEN_QA)


def counts(session: Session, today: date, calendar: WorkingCalendar, due_soon_days: int) -> dict:
    """Counts over every open QA (not the filtered list), in one query."""
    soon = calendar.add_working_days(today, due_soon_days)
    row = session.execute(_COUNTS, {"today": today, "soon": soon}).one()
    return {"open": row[0], "overdue": row[1], "due_soon": row[2], "unallocated": row[3],
            "due_soon_working_days": due_soon_days}


def open_qa(session: Session, f: dict, today: date | None = None, *, per_page: int | None = None) -> dict:
    """One page of the open QA matching ``f`` (``f["page"]``, default 1), overdue (earliest due)
    first, ordered by (due date, id); the counts at the top. A fixed number of queries."""
    today = today or london_today()
    calendar = get_calendar(session)
    per_page = per_page or int(settings.get(session, "page_size_default"))
    where = _conditions(f, today, calendar)
    due_soon_days = int(settings.get(session, "digest_due_soon_working_days"))
    every = counts(session, today, calendar, due_soon_days)
    # Unfiltered, the list is every open QA: its total is the count at the top, not another query.
    total = every["open"] if len(where) == 1 else session.scalar(
        select(func.count()).select_from(Review).where(*where))
    page, pages = page_bounds(int(f.get("page") or 1), total, per_page)
    rows = session.execute(_rows_query(where).order_by(Review.due_on, Review.id)
                           .limit(per_page).offset((page - 1) * per_page)).all()
    deadlines: dict = {}  # a page of open QA shares a few due dates
    return {"today": today, "counts": every,
            "total": total, "page": page, "per_page": per_page, "pages": pages,
            "items": [_row(_Row(r), calendar, today, deadlines) for r in rows]}


CSV_COLUMNS = ("reference", "region", "inspector", "state", "received_on", "due_on", "original_due_on",
               "working_days_remaining", "days_overdue", "high_profile")


def open_qa_csv_name(today: date) -> str:
    return f"open-qa-{today.isoformat()}.csv"


def open_qa_csv(session: Session, f: dict, today: date | None = None, batch: int = 1000):
    """The CSV rows, the header first, of every open QA matching ``f`` in (due date, id) order, for
    the download (streamed): one query of just the columns the file holds, read ``batch`` rows at
    a time through a server-side cursor, so memory stays flat however many there are. csv_safe
    writes every cell, so a formula typed into a field is never run."""
    today = today or london_today()
    calendar = get_calendar(session)
    if session.get_bind().dialect.name == "postgresql":
        # A server-side cursor is planned for its first 10% of rows (cursor_tuple_fraction), which
        # picks walking the due date index through every review, 7x slower than reading the open
        # ones and sorting them; the file is read to its end, so plan for all of it.
        session.execute(text("SET LOCAL cursor_tuple_fraction = 1.0"))
    result = session.execute(
        select(Review.reference, Review.region, User.name, Review.state, Review.received_on, Review.due_on,
               Review.original_due_on, Review.is_high_profile)
        .outerjoin(User, User.id == Review.inspector_id)
        .where(*_conditions(f, today, calendar))
        .order_by(Review.due_on, Review.id)
        .execution_options(stream_results=True, yield_per=batch))
    yield CSV_COLUMNS
    deadlines: dict = {}
    for ref, region, inspector, state, received_on, due_on, original_due_on, high_profile in result:
        due = _deadline_once(deadlines, state, due_on, calendar, today)
        yield (ref, reference.region_name(region), inspector or "", lc.STATES[state], received_on.isoformat(),
               due_on.isoformat(), original_due_on.isoformat(), due["working_days_remaining"], due["days_overdue"],
               "yes" if high_profile else "no")


# --- workload ---------------------------------------------------------------------------------------

# One query: each active inspector, whether they are away today, and what they hold by state,
# counted in SQL from the partial index on open QA.
_HELD = (select(Review.inspector_id, Review.state, func.count().label("n"),
                func.count().filter(Review.due_on < _TODAY).label("overdue"),
                func.count().filter(Review.due_on.between(_TODAY, _SOON)).label("due_soon"))
         .where(in_states(HELD_STATES), Review.inspector_id.is_not(None))
         .group_by(Review.inspector_id, Review.state).subquery("held"))
_AWAY_TODAY = (select(Absence.id).where(Absence.inspector_id == User.id, Absence.from_date <= _TODAY,
                                        Absence.to_date >= _TODAY).exists())
_WORKLOAD = (select(User.id, User.name, User.email, User.is_senior, User.capacity, _AWAY_TODAY,
                    _HELD.c.state, _HELD.c.n, _HELD.c.overdue, _HELD.c.due_soon)
             .outerjoin(_HELD, _HELD.c.inspector_id == User.id)
             .where(User.role == lc.INSPECTOR, User.is_active)
             .order_by(User.name, User.id))


def workload(session: Session, today: date | None = None) -> list[dict]:
    """Per active inspector: what they hold, by state; overdue and due soon; capacity; absence today."""
    today = today or london_today()
    calendar = get_calendar(session)
    soon = calendar.add_working_days(today, int(settings.get(session, "digest_due_soon_working_days")))
    out: dict[int, dict] = {}  # by inspector, in the query's order (by name)
    for uid, name, email, senior, capacity, absent, state, n, overdue, due_soon in session.execute(
            _WORKLOAD, {"today": today, "soon": soon}):
        row = out.get(uid)
        if row is None:
            row = out[uid] = {"inspector": {"id": uid, "name": name, "email": email}, "is_senior": senior,
                              "capacity": capacity, "open": 0, "spare": capacity,
                              "by_state": dict.fromkeys(HELD_STATES, 0), "overdue": 0, "due_soon": 0,
                              "absent_today": absent}
        if state is not None:  # an inspector holding nothing has one row, with no state
            row["by_state"][state] += n
            row["open"] += n
            row["spare"] -= n
            row["overdue"] += overdue
            row["due_soon"] += due_soon
    return list(out.values())


# --- timeliness -------------------------------------------------------------------------------------

def _cutoffs(first: date, last: date):
    """Each day from ``first`` to ``last`` with its month and the instant (UTC) its London day
    ends: a report sent before that instant was sent on or before that day."""
    from datetime import UTC, datetime, time, timedelta

    from sqlalchemy import Date, String, column, values

    from ..models.types import UtcDateTime
    from ..working_days import LONDON

    days = [first + timedelta(days=n) for n in range((last - first).days + 1)]
    return values(column("day", Date), column("month", String), column("cutoff", UtcDateTime()),
                  name="due_days").data(
        [(d, d.strftime("%Y-%m"), datetime.combine(d + timedelta(days=1), time(0), tzinfo=LONDON).astimezone(UTC))
         for d in days]).cte("due_days")


def timeliness(session: Session, first: date, last: date, today: date | None = None) -> dict:
    """Of the QA reports due (by the *original* date) between ``first`` and ``last``: how many
    were sent on or before that date, sent late, or are still open past it; by month of the
    original due date and by region. Reports still open and not yet due are listed, not scored.
    An extension never makes a late report on time.

    Counted in SQL (GROUP BY region and month): one query whatever the number of reviews.
    """
    today = today or london_today()
    empty = lambda: {"on_time": 0, "late": 0, "open_late": 0, "not_yet_due": 0}  # noqa: E731
    by_month, by_region, overall = defaultdict(empty), defaultdict(empty), empty()
    if first <= last:
        if session.get_bind().dialect.name == "postgresql":  # month and cutoff from the row itself
            month = func.to_char(Review.original_due_on, "YYYY-MM")
            cutoff = literal_column("timezone('Europe/London', (reviews.original_due_on + 1)::timestamp)")
            query = select(Review.region, month)
        else:  # SQLite has no time zones: a table of the range's days, each with its cutoff
            days = _cutoffs(first, last)
            month, cutoff = days.c.month, days.c.cutoff
            query = select(Review.region, month).join(days, days.c.day == Review.original_due_on)
        sent = and_(Review.state == lc.FEEDBACK_SENT, Review.sent_at.is_not(None))
        rows = session.execute(
            query.add_columns(
                func.count().filter(and_(sent, Review.sent_at < cutoff)),
                func.count().filter(and_(sent, Review.sent_at >= cutoff)),
                func.count().filter(and_(~sent, Review.original_due_on < today)),
                func.count().filter(and_(~sent, Review.original_due_on >= today)))
            .where(Review.state.in_(OPEN_QA + (lc.FEEDBACK_SENT,)),
                   Review.original_due_on >= first, Review.original_due_on <= last)
            .group_by(Review.region, month)).all()
        for region, month, *numbers in rows:
            for bucket in (by_month[month], by_region[region], overall):
                for outcome, n in zip(("on_time", "late", "open_late", "not_yet_due"), numbers, strict=True):
                    bucket[outcome] += n

    def scored(bucket: dict) -> dict:
        scored_total = bucket["on_time"] + bucket["late"] + bucket["open_late"]
        return {**bucket, "due": scored_total,
                "share_on_time": round(bucket["on_time"] / scored_total, 4) if scored_total else None}

    return {
        "from": first, "to": last, "today": today,
        "overall": scored(overall),
        "by_month": [{"month": m, **scored(b)} for m, b in sorted(by_month.items())],
        "by_region": [{"region": {"code": code, "name": reference.region_name(code)}, **scored(by_region[code])}
                      for code in reference.regions() if code in by_region],
    }
