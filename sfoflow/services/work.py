"""Who has what to do: an inspector's task list, the managers' open QA list with counts,
workload per inspector, and timeliness against the original due date."""
from __future__ import annotations

from collections import defaultdict
from datetime import date

from sqlalchemy import and_, func, select
from sqlalchemy.orm import Session, selectinload

from .. import reference
from ..models import Review, User
from ..models.allocation import Absence
from ..workflows import lifecycle as lc
from ..working_days import WorkingCalendar, london_today
from . import settings
from .allocation import HELD_STATES
from .calendar import get_calendar
from .lifecycle import allowed_actions
from .reviews import visible
from .views import deadline

OPEN_QA = tuple(sorted(lc.HMIP_OPEN_STATES))


def _row(review: Review, calendar: WorkingCalendar, today: date) -> dict:
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
        "parallel_reviews": len(review.parallel_reviews),
        "version": review.version,
        **deadline(review, calendar, today),
    }


review_row = _row  # one review as the work lists show it (the landing pages use it too)


# --- the inspector's task list ------------------------------------------------------------------

def task_list(session: Session, inspector: User, today: date | None = None) -> list[dict]:
    """The inspector's open reviews, soonest due first, with what they can do now."""
    today = today or london_today()
    calendar = get_calendar(session)
    reviews = session.scalars(
        visible(inspector).where(Review.state.in_(OPEN_QA))
        .options(selectinload(Review.parallel_reviews), selectinload(Review.inspector))
        .order_by(Review.due_on, Review.id)).all()
    return [{**_row(r, calendar, today), "allowed_actions": allowed_actions(r, inspector)} for r in reviews]


# --- open QA -------------------------------------------------------------------------------------

def _filtered(f: dict, today: date, calendar: WorkingCalendar):
    query = select(Review).where(Review.state.in_(OPEN_QA))
    if f.get("overdue") is True:
        query = query.where(Review.due_on < today)
    elif f.get("overdue") is False:
        query = query.where(Review.due_on >= today)
    if f.get("due_within") is not None:  # not overdue, and at most N working days left
        query = query.where(Review.due_on >= today, Review.due_on <= calendar.add_working_days(today, f["due_within"]))
    for column in ("region", "inspector_id"):
        if f.get(column) is not None:
            query = query.where(getattr(Review, column) == f[column])
    if f.get("unallocated") is True:
        query = query.where(Review.inspector_id.is_(None))
    elif f.get("unallocated") is False:
        query = query.where(Review.inspector_id.is_not(None))
    return query


def counts(session: Session, today: date, calendar: WorkingCalendar, due_soon_days: int) -> dict:
    """Counts over every open QA (not the filtered list), in one query."""
    soon = calendar.add_working_days(today, due_soon_days)
    row = session.execute(select(
        func.count(),
        func.count().filter(Review.due_on < today),
        func.count().filter(and_(Review.due_on >= today, Review.due_on <= soon)),
        func.count().filter(Review.inspector_id.is_(None)),
    ).where(Review.state.in_(OPEN_QA))).one()
    return {"open": row[0], "overdue": row[1], "due_soon": row[2], "unallocated": row[3],
            "due_soon_working_days": due_soon_days}


def open_qa(session: Session, f: dict, today: date | None = None) -> dict:
    """Every open QA matching ``f``, overdue (earliest due) first, and the counts at the top."""
    today = today or london_today()
    calendar = get_calendar(session)
    reviews = session.scalars(
        _filtered(f, today, calendar)
        .options(selectinload(Review.parallel_reviews), selectinload(Review.inspector))
        .order_by(Review.due_on, Review.id)).all()
    due_soon_days = int(settings.get(session, "digest_due_soon_working_days"))
    return {"today": today, "counts": counts(session, today, calendar, due_soon_days),
            "total": len(reviews), "items": [_row(r, calendar, today) for r in reviews]}


CSV_COLUMNS = ("reference", "region", "inspector", "state", "received_on", "due_on", "original_due_on",
               "working_days_remaining", "days_overdue", "high_profile")


def _cell(value) -> str:
    text = "" if value is None else str(value)
    # Spreadsheet formula injection: a cell starting with = + - @ would be run as a formula.
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def open_qa_csv_name(result: dict) -> str:
    return f"open-qa-{result['today'].isoformat()}.csv"


def open_qa_csv_rows(result: dict):
    yield CSV_COLUMNS
    for item in result["items"]:
        yield tuple(_cell(v) for v in (
            item["reference"], item["region"]["name"], item["inspector"]["name"] if item["inspector"] else "",
            item["state_label"], item["received_on"].isoformat(), item["due_on"].isoformat(),
            item["original_due_on"].isoformat(), item["working_days_remaining"], item["days_overdue"],
            "yes" if item["is_high_profile"] else "no"))


# --- workload ---------------------------------------------------------------------------------------

def workload(session: Session, today: date | None = None) -> list[dict]:
    """Per active inspector: what they hold, by state; overdue and due soon; capacity; absence today."""
    today = today or london_today()
    calendar = get_calendar(session)
    soon = calendar.add_working_days(today, int(settings.get(session, "digest_due_soon_working_days")))
    people = session.scalars(select(User).where(User.role == lc.INSPECTOR, User.is_active)
                             .order_by(User.name, User.id)).all()
    held = defaultdict(lambda: defaultdict(int))
    for inspector_id, state, due_on, n in session.execute(
            select(Review.inspector_id, Review.state, Review.due_on, func.count())
            .where(Review.state.in_(HELD_STATES), Review.inspector_id.is_not(None))
            .group_by(Review.inspector_id, Review.state, Review.due_on)):
        held[inspector_id][state] += n
        held[inspector_id]["overdue"] += n if due_on < today else 0
        held[inspector_id]["due_soon"] += n if today <= due_on <= soon else 0
    away = set(session.scalars(select(Absence.inspector_id).where(Absence.from_date <= today,
                                                                  Absence.to_date >= today)))
    out = []
    for u in people:
        h = held[u.id]
        open_ = sum(h[s] for s in HELD_STATES)
        out.append({"inspector": {"id": u.id, "name": u.name, "email": u.email}, "is_senior": u.is_senior,
                    "capacity": u.capacity, "open": open_, "spare": u.capacity - open_,
                    "by_state": {s: h[s] for s in HELD_STATES}, "overdue": h["overdue"], "due_soon": h["due_soon"],
                    "absent_today": u.id in away})
    return out


# --- timeliness -------------------------------------------------------------------------------------

def timeliness(session: Session, first: date, last: date, today: date | None = None) -> dict:
    """Of the QA reports due (by the *original* date) between ``first`` and ``last``: how many
    were sent on or before that date, sent late, or are still open past it; by month of the
    original due date and by region. Reports still open and not yet due are listed, not scored.
    An extension never makes a late report on time.
    """
    today = today or london_today()
    rows = session.execute(
        select(Review.region, Review.original_due_on, Review.state, Review.sent_at)
        .where(Review.state.in_(OPEN_QA + (lc.FEEDBACK_SENT,)),
               Review.original_due_on >= first, Review.original_due_on <= last)).all()
    empty = lambda: {"on_time": 0, "late": 0, "open_late": 0, "not_yet_due": 0}  # noqa: E731
    by_month, by_region, overall = defaultdict(empty), defaultdict(empty), empty()
    for region, original_due_on, state, sent_at in rows:
        if state == lc.FEEDBACK_SENT and sent_at is not None:
            outcome = "on_time" if london_today(sent_at) <= original_due_on else "late"
        elif original_due_on < today:
            outcome = "open_late"
        else:
            outcome = "not_yet_due"
        for bucket in (by_month[original_due_on.strftime("%Y-%m")], by_region[region], overall):
            bucket[outcome] += 1

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
