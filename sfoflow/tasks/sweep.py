"""The deadline sweep, run by beat every few minutes. Safe to run any number of times."""
from __future__ import annotations

from celery import shared_task

from ..deadlines.rules import effective_day
from ..models.base import utcnow
from ..services import notifications, settings
from . import session_scope


@shared_task(name="sfoflow.deadlines.sweep")
def sweep() -> dict:
    now = utcnow()
    with session_scope() as session:
        # The day is decided from London local time at run time, never from when the task was
        # queued: a sweep delayed past midnight (or across a clock change) decides for the day it runs.
        day = effective_day(now, int(settings.get(session, "notifications_day_starts_hour")))
        report = notifications.sweep(session, day, now=now)
    return {"day": day.isoformat(), "considered": report.considered, "recorded": len(report.recorded),
            "dispatched": len(report.dispatched), "dispatch_error": report.dispatch_error}
