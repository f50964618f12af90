"""Which inspector should take a review: the one with the most spare capacity who may take it.

Rules, in the order they are applied:

* **Conflict** (hard): an inspector with a recorded conflict for the review's region or its
  provider never takes it, suggested or allocated by hand.
* **Seniority** (hard, when ``require_senior``): a high-profile review goes only to an
  inspector marked senior.
* **Absence** (suggestion only): an inspector absent on any *working* day from today to the
  due date (the days in which the QA has to be done) is not suggested. A manager may still
  allocate by hand, e.g. to someone away for one day of fifteen.
* **Capacity** (suggestion only): spare capacity is the inspector's capacity minus their open
  QAs; someone with none spare is not suggested, but may be allocated by hand.

Among the rest the most spare capacity wins; ties go to the fewer open QAs, then by name and
id, so the same facts always give the same suggestion.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Protocol

from ..reports.dates import long_date


class Calendar(Protocol):
    def is_working_day(self, d: date) -> bool: ...
    def working_days_between(self, a: date, b: date) -> int: ...


@dataclass(frozen=True)
class Candidate:
    id: int
    name: str
    capacity: int
    open_qas: int
    is_senior: bool = False
    absences: tuple[tuple[date, date], ...] = ()  # inclusive (from, to)
    conflicts: tuple[tuple[str | None, str | None], ...] = ()  # (region, provider)

    @property
    def spare(self) -> int:
        return self.capacity - self.open_qas


@dataclass(frozen=True)
class ReviewToAllocate:
    region: str
    provider: str
    is_high_profile: bool
    due_on: date


@dataclass(frozen=True)
class Suggestion:
    suggested: Candidate | None
    eligible: tuple[Candidate, ...]  # best first
    excluded: tuple[tuple[Candidate, tuple[str, ...]], ...]  # with the reasons, in input order
    window: tuple[date, date]  # the days that matter (from, to)
    notes: tuple[str, ...] = field(default=())


def window(review: ReviewToAllocate, today: date) -> tuple[date, date]:
    """The days that matter: today to the due date (just today when already overdue)."""
    return today, max(today, review.due_on)


def conflict_reasons(candidate: Candidate, review: ReviewToAllocate) -> list[str]:
    reasons = []
    for region, provider in candidate.conflicts:
        if region is not None and region == review.region:
            reasons.append(f"the inspector has a recorded conflict for the region {region}")
        if provider is not None and provider == review.provider:
            reasons.append(f"the inspector has a recorded conflict for the provider {provider}")
    return reasons


def hard_reasons(candidate: Candidate, review: ReviewToAllocate, *, require_senior: bool) -> list[str]:
    """Why this inspector may never take this review (empty: they may)."""
    reasons = conflict_reasons(candidate, review)
    if require_senior and review.is_high_profile and not candidate.is_senior:
        reasons.append("the review is high profile and the inspector is not senior")
    return reasons


def absent_days(candidate: Candidate, start: date, end: date, calendar: Calendar) -> int:
    """Working days in [start, end] on which the inspector is recorded as absent."""
    days = set()
    for a_from, a_to in candidate.absences:
        lo, hi = max(a_from, start), min(a_to, end)
        d = lo
        while d <= hi:
            if calendar.is_working_day(d):
                days.add(d)
            d += timedelta(days=1)
    return len(days)


def soft_reasons(candidate: Candidate, review: ReviewToAllocate, today: date, calendar: Calendar) -> list[str]:
    """Why this inspector is not suggested, though they could be allocated by hand."""
    reasons = []
    start, end = window(review, today)
    absent = absent_days(candidate, start, end, calendar)
    if absent:
        reasons.append(f"the inspector is absent on {absent} working day{'s' if absent != 1 else ''} "
                       f"between {long_date(start)} and {long_date(end)}")
    if candidate.spare <= 0:
        reasons.append(f"the inspector has no spare capacity ({candidate.open_qas} open of {candidate.capacity})")
    return reasons


def suggest_inspector(candidates: Iterable[Candidate], review: ReviewToAllocate, today: date,
                      calendar: Calendar, *, require_senior: bool = True) -> Suggestion:
    eligible, excluded = [], []
    for c in candidates:
        reasons = hard_reasons(c, review, require_senior=require_senior) + soft_reasons(c, review, today, calendar)
        if reasons:
            excluded.append((c, tuple(reasons)))
        else:
            eligible.append(c)
    eligible.sort(key=lambda c: (-c.spare, c.open_qas, c.name, c.id))
    notes = () if eligible else ("no inspector can be suggested: allocate by hand or record capacity",)
    return Suggestion(eligible[0] if eligible else None, tuple(eligible), tuple(excluded),
                      window(review, today), notes)
