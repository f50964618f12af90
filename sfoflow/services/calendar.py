"""The working calendar in force, and refreshing the official bank holiday list.

The official list lives in ``bank_holidays`` once refreshed; until then the copy in
``config/bank-holidays.json`` is used. A process keeps the calendar it built and rebuilds it
only when the list's fingerprint in the settings table changes (read with the
other settings, once per transaction: services/stored_settings.py).
"""
from __future__ import annotations

import hashlib
import json
from datetime import date

from sqlalchemy import Date, String, column, delete, select, table
from sqlalchemy.orm import Session

from .. import working_days
from . import stored_settings

FINGERPRINT_KEY = "bank_holidays_fingerprint"
_cache: dict[str, working_days.WorkingCalendar] = {}


def fingerprint(official: dict[date, str]) -> str:
    text = json.dumps(sorted((d.isoformat(), t) for d, t in official.items()))
    return hashlib.sha256(text.encode()).hexdigest()[:16]


# The two reads below name the two tables and columns they read, not the mapped classes: a quick
# question such as `sfoflow due-date` then never imports the application's models (every table of
# every feature, most of its start-up cost) nor configures their mappers. Only `refresh`, a rare
# write, imports them.
_HOLIDAYS = table("bank_holidays", column("day", Date), column("title", String))


def _stored_fingerprint(session: Session) -> str:
    value = stored_settings.rows(session).get(FINGERPRINT_KEY)  # the settings, read once a transaction
    return value if value is not None else "config"


def official_list(session: Session) -> dict[date, str]:
    rows = session.execute(select(_HOLIDAYS.c.day, _HOLIDAYS.c.title)).all()
    return {d: t for d, t in rows} if rows else working_days.default_official_list()


def get_calendar(session: Session) -> working_days.WorkingCalendar:
    key = _stored_fingerprint(session)
    cal = _cache.get(key)
    if cal is None:
        cal = working_days.WorkingCalendar(official_list(session))
        _cache.clear()
        _cache[key] = cal
    return cal


def refresh(session: Session, new_list: dict[date, str], actor=None, source: str = "") -> dict:
    """Store a new official list; recompute the due dates of open reviews; audit each change.

    Call inside a transaction. Returns a summary: what the list gained and lost, and how many
    reviews moved.
    """
    from ..models import BankHoliday, Review, Setting
    from ..workflows.lifecycle import OPEN_STATES
    from . import audit

    old = official_list(session)
    diff = working_days.diff_lists(old, new_list)
    # Plain lists, so the summary can be printed, logged or returned as JSON.
    changes = {"added": [[d.isoformat(), t] for d, t in diff.added.items()],
               "removed": [[d.isoformat(), t] for d, t in diff.removed.items()],
               "renamed": [[d.isoformat(), o, n] for d, (o, n) in diff.renamed.items()]}
    if old == new_list and session.get(Setting, FINGERPRINT_KEY):
        return {"changed": False, "changes": changes, "reviews_recomputed": 0}
    session.execute(delete(BankHoliday))
    session.add_all(BankHoliday(day=d, title=t) for d, t in sorted(new_list.items()))
    fp = fingerprint(new_list)
    row = session.get(Setting, FINGERPRINT_KEY)
    if row is None:
        session.add(Setting(key=FINGERPRINT_KEY, value=fp))
    else:
        row.value = fp
    stored_settings.remember(session, FINGERPRINT_KEY, fp)
    session.flush()
    _cache.clear()
    new_cal = working_days.WorkingCalendar(new_list)
    moved = 0
    for review in session.scalars(select(Review).where(Review.state.in_(OPEN_STATES))):
        new_due = new_cal.due_on(review.received_on)
        if new_due == review.original_due_on:
            continue
        details = {"original_due_on": [review.original_due_on.isoformat(), new_due.isoformat()],
                   "source": source}
        # An extension granted by a manager stands; only the computed date moves. An extension
        # the new date overtakes is void: it must never make a review due sooner.
        if review.due_on == review.original_due_on or review.due_on < new_due:
            details["due_on"] = [review.due_on.isoformat(), new_due.isoformat()]
            review.due_on = new_due
        review.original_due_on = new_due
        audit.record(session, review=review, actor=actor, action="due_date_recomputed",
                     from_state=review.state, to_state=review.state,
                     reason="official bank holiday list changed", details=details)
        moved += 1
    return {"changed": True, "changes": changes, "reviews_recomputed": moved}
