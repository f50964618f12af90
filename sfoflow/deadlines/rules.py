"""Which notifications are due for a review on a day: a pure function of the facts.

Nothing is scheduled ahead. Each sweep asks, for every open review near or past its due date,
"what should have been sent by today?", and records each answer under a unique key. A lost
message, a restarted worker, a second beat or a sweep run twice cannot lose or repeat one.

Decisions are made on working days only (nobody is reminded on a Saturday); a sweep on a
weekend or bank holiday records nothing new.

The kinds, their key day, and whether a missed one is caught up later:

=============  =================================================  ==================================
kind           sent                                                key day / catch-up
=============  =================================================  ==================================
reminder       to the inspector when N working days remain, for    the working day on which exactly N
               N in ``reminder_working_days`` (5, 2, 0 = the due    remain. Caught up while the review
               day); only in states allocated and in QA, and only   is still in that window (until the
               to an inspector allocated *before* that day (the     next smaller threshold's day), so
               allocation notice already gives the due date)        a missed sweep still reminds once
overdue        to each manager on every working day a review is     that day. Not caught up: today's
               past due, in any open HMIP state                     escalation supersedes a missed one
unallocated    to the central team, once, when a selected review    the Nth working day after selection.
               is still unallocated ``unallocated_alert_working_    Caught up for as long as it stays
               days`` after the (working) day it was selected       unallocated
digest         to each manager on each working day there is         that day. Not caught up
               anything overdue or due within N working days
allocated      to the inspector, recorded by the allocation         the allocation's own transaction,
               itself (not by the sweep)                            so it cannot be missed
=============  =================================================  ==================================
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Protocol
from zoneinfo import ZoneInfo

from ..workflows.lifecycle import ALLOCATED, HMIP_OPEN_STATES, IN_QA, SELECTED_FOR_HMIP

LONDON = ZoneInfo("Europe/London")

ALLOCATION = "allocated"
REMINDER = "reminder"
OVERDUE = "overdue"
UNALLOCATED = "unallocated"
DIGEST = "digest"
KINDS = {
    ALLOCATION: "Allocation notice",
    REMINDER: "Reminder",
    OVERDUE: "Overdue escalation",
    UNALLOCATED: "Unallocated alert",
    DIGEST: "Daily digest",
    "qa_report": "QA report to the local SFO review team",  # recorded by services.qa_reports
    "hmpps_qa_report": "HMPPS QA report to the local SFO review team",  # services.hmpps_qa
    "hmpps_reminder": "HMPPS QA reminder",  # deadlines.hmpps
    "hmpps_overdue": "HMPPS QA overdue escalation",  # deadlines.hmpps
    "high_profile_query": "High-profile query",  # recorded by services.high_profile_notices
    "high_profile_decided": "High-profile query decided",  # recorded by services.high_profile_notices
    "panel_notice": "Learning panel notice to an agency",  # recorded by services.panels
    "panel_reminder": "Learning panel reminder to an agency",
    "action_due": "Panel action coming due",
    "action_overdue": "Panel action overdue",
    "panel_report": "Learning panel report",
}

# Who a notification is for: the review's inspector, or everyone active in a role.
TO_INSPECTOR = "inspector"
TO_MANAGERS = "manager"
TO_CENTRAL_TEAM = "central_team"

REMINDED_STATES = frozenset({ALLOCATED, IN_QA})  # the inspector holds the work
ESCALATED_STATES = HMIP_OPEN_STATES


class Calendar(Protocol):
    def is_working_day(self, d: date) -> bool: ...
    def add_working_days(self, d: date, n: int) -> date: ...
    def next_working_day(self, d: date) -> date: ...
    def working_days_remaining(self, due: date, today: date) -> int: ...
    def days_overdue(self, due: date, today: date) -> int: ...


@dataclass(frozen=True)
class Rules:
    reminder_working_days: tuple[int, ...] = (5, 2, 0)
    unallocated_alert_working_days: int = 1
    digest_due_soon_working_days: int = 5

    def __post_init__(self):
        thresholds = tuple(sorted({int(t) for t in self.reminder_working_days}, reverse=True))
        if any(t < 0 for t in thresholds):
            raise ValueError("reminder_working_days must not be negative")
        if self.unallocated_alert_working_days < 0 or self.digest_due_soon_working_days < 0:
            raise ValueError("working-day settings must not be negative")
        object.__setattr__(self, "reminder_working_days", thresholds)

    @property
    def horizon(self) -> int:
        """How many working days ahead any rule looks: reviews due later need nothing today."""
        return max((*self.reminder_working_days, self.digest_due_soon_working_days, 0))


@dataclass(frozen=True)
class ReviewFacts:
    review_id: int
    state: str
    due_on: date  # the working due date (moves with an extension)
    inspector_id: int | None = None
    allocated_on: date | None = None  # London date of the current allocation
    selected_on: date | None = None  # London date it was selected for HMIP


@dataclass(frozen=True)
class Due:
    kind: str
    key_day: date
    audience: str
    working_days: int = 0  # the reminder threshold, or the working days overdue


def reminder_window(remaining: int, thresholds: tuple[int, ...]) -> int | None:
    """The threshold whose window ``remaining`` falls in: the smallest one >= remaining."""
    eligible = [t for t in thresholds if t >= remaining]
    return min(eligible) if eligible else None


def due_notifications(facts: ReviewFacts, today: date, calendar: Calendar, rules: Rules) -> list[Due]:
    if not calendar.is_working_day(today):
        return []
    out: list[Due] = []
    if (facts.state in REMINDED_STATES and facts.inspector_id is not None
            and facts.allocated_on is not None and today <= facts.due_on):
        window = reminder_window(calendar.working_days_remaining(facts.due_on, today), rules.reminder_working_days)
        if window is not None:
            key_day = calendar.add_working_days(facts.due_on, -window) if window else facts.due_on
            if facts.allocated_on < key_day:
                out.append(Due(REMINDER, key_day, TO_INSPECTOR, window))
    if facts.state in ESCALATED_STATES and today > facts.due_on:
        out.append(Due(OVERDUE, today, TO_MANAGERS, calendar.days_overdue(facts.due_on, today)))
    if facts.state == SELECTED_FOR_HMIP and facts.selected_on is not None:
        alert_day = calendar.add_working_days(calendar.next_working_day(facts.selected_on),
                                              rules.unallocated_alert_working_days)
        if today >= alert_day:
            out.append(Due(UNALLOCATED, alert_day, TO_CENTRAL_TEAM))
    return out


@dataclass(frozen=True)
class Digest:
    day: date
    overdue: tuple[ReviewFacts, ...]  # most overdue first
    due_soon: tuple[ReviewFacts, ...]  # soonest first


def digest(facts: Iterable[ReviewFacts], today: date, calendar: Calendar, rules: Rules) -> Digest | None:
    """The managers' digest for ``today``, or None (not a working day, or nothing to say)."""
    if not calendar.is_working_day(today):
        return None
    open_qa = sorted((f for f in facts if f.state in ESCALATED_STATES), key=lambda f: (f.due_on, f.review_id))
    overdue = tuple(f for f in open_qa if f.due_on < today)
    due_soon = tuple(f for f in open_qa if f.due_on >= today and
                     calendar.working_days_remaining(f.due_on, today) <= rules.digest_due_soon_working_days)
    if not overdue and not due_soon:
        return None
    return Digest(today, overdue, due_soon)


def effective_day(now: datetime, day_starts_hour: int = 0) -> date:
    """The working day a sweep at ``now`` decides for: the London calendar date, except that
    before ``day_starts_hour`` (local time) it is still the previous day, so that reminders go
    out in the morning rather than just after midnight. Naive ``now`` is taken as UTC.

    Computed in Europe/London local time, so the clock changes (last Sunday of March and
    October) cannot move a reminder to the wrong day.
    """
    if now.tzinfo is None:
        now = now.replace(tzinfo=UTC)
    local = now.astimezone(LONDON)
    day = local.date()
    return day - timedelta(days=1) if local.hour < day_starts_hour else day
