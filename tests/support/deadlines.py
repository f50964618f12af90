"""Arranging deadline scenarios: people, selected reviews, allocations on a chosen day, and an
independent working-day calendar built from the govuk-bank-holidays package's own list (not
sfoflow.working_days and not config/)."""
from __future__ import annotations

import json
from datetime import date, datetime, time, timedelta
from functools import cache
from pathlib import Path
from zoneinfo import ZoneInfo

import govuk_bank_holidays
import time_machine
from sqlalchemy import select

from sfoflow.models import AuditEvent, User
from sfoflow.models.notifications import Notification
from sfoflow.services import lifecycle
from tests.support.core import make_person, make_review

LONDON = ZoneInfo("Europe/London")


def at(day: date, hour: int = 10, minute: int = 0) -> datetime:
    """An aware instant: ``hour`` o'clock London time on ``day``."""
    return datetime.combine(day, time(hour, minute), tzinfo=LONDON)


def clock(day: date, hour: int = 10):
    """Move the clock to ``hour`` o'clock London time on ``day`` (time keeps ticking)."""
    return time_machine.travel(at(day, hour), tick=True)


def staff(session, inspectors: int = 2, managers: int = 2, central: int = 1) -> dict:
    return {"inspectors": [make_person(session, "inspector", name=f"Inspector {i}")[0] for i in range(inspectors)],
            "managers": [make_person(session, "manager", name=f"Manager {i}")[0] for i in range(managers)],
            "central": [make_person(session, "central_team", name=f"Central {i}")[0] for i in range(central)]}


def selected_review(session, *, due_on: date, received_on: date | None = None, selected_on: date | None = None,
                    **kw):
    """A review selected for HMIP on ``selected_on`` (default: receipt), as the sampler leaves it."""
    received_on = received_on or due_on - timedelta(days=21)
    review = make_review(session, state="selected_for_hmip", route="hmip", received_on=received_on,
                         due_on=due_on, **kw)
    session.add(AuditEvent(review_id=review.id, actor_label="system", action="sample", from_state="received",
                           to_state="selected_for_hmip", created_at=at(selected_on or received_on)))
    session.commit()
    return review


def allocate(session, review, inspector, actor, on: date, action: str = "allocate", reason: str | None = None):
    with clock(on):
        lifecycle.apply_action(session, review, action, actor, version=review.version,
                               data={"inspector_id": inspector.id, "reason": reason})
        session.commit()
    return review


def recorded(session, kind: str | None = None) -> list[Notification]:
    session.expire_all()
    query = select(Notification).order_by(Notification.id)
    if kind:
        query = query.where(Notification.kind == kind)
    return list(session.scalars(query))


def keyset(session, kind: str | None = None) -> set[tuple]:
    return {(n.kind, n.review_id, n.key_day, n.recipient_id) for n in recorded(session, kind)}


def user_ids(users: list[User]) -> list[int]:
    return [u.id for u in users]


# --- an independent calendar -----------------------------------------------------------------------

@cache
def official_holidays() -> frozenset[date]:
    path = Path(govuk_bank_holidays.__file__).resolve().parent / "bank-holidays.json"
    events = json.loads(path.read_text(encoding="utf-8"))["england-and-wales"]["events"]
    return frozenset(date.fromisoformat(e["date"]) for e in events)


def is_working(d: date) -> bool:
    return d.weekday() < 5 and d not in official_holidays()


def working_after(d: date, n: int) -> date:
    """The n-th working day after d, stepping one calendar day at a time."""
    while n > 0:
        d += timedelta(days=1)
        if is_working(d):
            n -= 1
    return d


def working_before(d: date, n: int) -> date:
    while n > 0:
        d -= timedelta(days=1)
        if is_working(d):
            n -= 1
    return d


def remaining(due: date, today: date) -> int:
    """Working days after today up to and including due (0 once due or past)."""
    count, d = 0, today
    while d < due:
        d += timedelta(days=1)
        count += is_working(d)
    return count


def next_working(d: date) -> date:
    while not is_working(d):
        d += timedelta(days=1)
    return d


def days(first: date, last: date):
    d = first
    while d <= last:
        yield d
        d += timedelta(days=1)
