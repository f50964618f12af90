"""Working-day calendar for England and Wales, and the SFO review deadline rule.

The rule
--------
A review is due on the **15th working day after the date of receipt**. A working day
is Monday to Friday and not an England and Wales bank holiday. The day of receipt is
day 0; if the review arrives on a non-working day (a weekend or a bank holiday), the
next working day is treated as the date of receipt. So::

    received Thu 27 Apr 2023 -> due Mon 22 May 2023   (1 May and 8 May 2023 skipped)
    received Sat 29 Apr 2023 -> treated as Tue 2 May -> due Wed 24 May 2023

Where the bank holidays come from, and why the official list wins
-----------------------------------------------------------------
Bank holidays are not a pure function of the calendar. Special ones are proclaimed
at short notice (VE day moved to 8 May 2020, the Platinum Jubilee on 3 June 2022, the
State Funeral on 19 September 2022, the coronation on 8 May 2023), so an algorithmic
calendar such as ``workalendar`` is only ever a guess at the future and is sometimes
wrong about the past: ``workalendar`` 17 does not know 8 May 2023, for example.

The authoritative source is GOV.UK's published list for England and Wales
(https://www.gov.uk/bank-holidays.json). A copy of its ``england-and-wales`` division
is kept as configuration in ``config/bank-holidays.json``. For **every year that list
covers** (any year with at least one event in it) the official list is used *entirely*
and ``workalendar`` is not consulted at all - no merging, so a date the official list
does not name is not a bank holiday, and a date it does name is one. Only for years
the list does not cover (in practice: years beyond its end, currently 2029 onwards)
do we fall back to ``workalendar.europe.UnitedKingdom``, keeping only the weekday
dates it returns (it also lists Easter Sunday and weekend Christmas/Boxing days, which
are not days off; the substitute Mondays/Tuesdays it lists are).

When GOV.UK publishes a new list, ``sfoflow calendar refresh`` stores it and the service
(``sfoflow.services.calendar.refresh``) uses :func:`diff_lists` and this calendar to
recompute the due dates of open reviews, recording each change in the audit trail.

This module is plain Python: no Flask, SQLAlchemy or Celery.
"""

from __future__ import annotations

import json
import threading
from bisect import bisect_left, bisect_right
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from functools import cache
from pathlib import Path
from types import MappingProxyType
from typing import Any
from zoneinfo import ZoneInfo

from .config_dir import CONFIG_DIR

__all__ = [
    "DIVISION",
    "DEFAULT_WORKING_DAYS",
    "LONDON",
    "CONFIG_DIR",
    "DEFAULT_LIST_PATH",
    "ListDiff",
    "WorkingCalendar",
    "parse_official_list",
    "load_official_list",
    "default_official_list",
    "default_calendar",
    "london_today",
    "diff_lists",
]

DIVISION = "england-and-wales"
DEFAULT_WORKING_DAYS = 15
LONDON = ZoneInfo("Europe/London")
DEFAULT_LIST_PATH = CONFIG_DIR / "bank-holidays.json"

# workalendar's names -> GOV.UK style names, for the fallback years.
_WORKALENDAR_NAMES = {
    "New year": "New Year’s Day",
    "New Year shift": "New Year’s Day (substitute day)",
    "Good Friday": "Good Friday",
    "Easter Monday": "Easter Monday",
    "Early May Bank Holiday": "Early May bank holiday",
    "Spring Bank Holiday": "Spring bank holiday",
    "Late Summer Bank Holiday": "Summer bank holiday",
    "Christmas Day": "Christmas Day",
    "Christmas Shift": "Christmas Day (substitute day)",
    "Boxing Day": "Boxing Day",
    "Boxing Day Shift": "Boxing Day (substitute day)",
}


# --------------------------------------------------------------------------- parsing


def _as_date(value: Any, what: str = "date") -> date:
    """Accept a ``date`` (not a ``datetime``: convert those with london_today first)."""
    if isinstance(value, datetime):
        raise TypeError(
            f"{what} must be a date, not a datetime ({value!r}); "
            "convert to the London calendar date first (see london_today)"
        )
    if not isinstance(value, date):
        raise TypeError(f"{what} must be a date, got {type(value).__name__}")
    return value


def _key_to_date(key: Any) -> date:
    if isinstance(key, str):
        return date.fromisoformat(key)
    return _as_date(key, "bank holiday key")


def _event_name(event: Mapping[str, Any]) -> str:
    title = str(event.get("title") or "").strip() or "Bank holiday"
    notes = str(event.get("notes") or "").strip()
    return f"{title} ({notes.lower()})" if notes else title


def parse_official_list(data: Mapping[str, Any]) -> dict[date, str]:
    """Parse a GOV.UK bank-holidays document into ``{date: name}``, sorted by date.

    ``data`` may be the whole GOV.UK file (with ``"england-and-wales"``,
    ``"scotland"``, ... keys) or a single division
    (``{"division": "england-and-wales", "events": [...]}``). A division other than
    England and Wales is rejected. The name is the event title, with its notes
    appended in brackets when there are any, e.g. ``"Christmas Day (substitute day)"``.
    """
    if not isinstance(data, Mapping):
        raise ValueError("bank holiday data must be a JSON object")
    if DIVISION in data:
        data = data[DIVISION]
    elif "events" not in data:
        raise ValueError(f"no {DIVISION!r} division and no 'events' in bank holiday data")
    division = data.get("division", DIVISION)
    if division != DIVISION:
        raise ValueError(f"expected the {DIVISION!r} division, got {division!r}")
    events = data.get("events")
    if not isinstance(events, list):
        raise ValueError("'events' must be a list")
    out: dict[date, str] = {}
    for event in events:
        try:
            day = date.fromisoformat(event["date"])
        except (KeyError, TypeError, ValueError) as exc:
            raise ValueError(f"bad bank holiday event {event!r}") from exc
        if day in out:
            raise ValueError(f"duplicate bank holiday date {day.isoformat()}")
        out[day] = _event_name(event)
    return dict(sorted(out.items()))


def load_official_list(path: str | Path) -> dict[date, str]:
    """Read and parse a GOV.UK bank-holidays JSON file (see :func:`parse_official_list`)."""
    with open(path, encoding="utf-8") as fh:
        return parse_official_list(json.load(fh))


def default_official_list(path: str | Path | None = None) -> dict[date, str]:
    """The official list from ``config/bank-holidays.json`` (or ``path`` if given)."""
    return load_official_list(DEFAULT_LIST_PATH if path is None else path)


# --------------------------------------------------------------------------- calendar


class WorkingCalendar:
    """An immutable England and Wales working-day calendar.

    ``official`` maps dates (``date`` or ISO strings) to names; every year that has at
    least one entry is "covered" and uses those entries only. Other years fall back to
    ``workalendar``'s United Kingdom calendar (weekday dates only).

    All methods take and return ``datetime.date`` (a ``datetime`` is refused, to avoid
    UTC/London off-by-one-day mistakes: use :func:`london_today`).
    """

    __slots__ = ("_official", "_covered", "_year_cache", "_wd_cache", "_lock")

    def __init__(self, official: Mapping[Any, str]):
        parsed = {_key_to_date(k): str(v) for k, v in official.items()}
        object.__setattr__(self, "_official", MappingProxyType(dict(sorted(parsed.items()))))
        object.__setattr__(self, "_covered", frozenset(d.year for d in parsed))
        # year -> read-only {date: name} of weekday bank holidays
        object.__setattr__(self, "_year_cache", {})
        # year -> sorted tuple of the ordinals of that year's working days
        object.__setattr__(self, "_wd_cache", {})
        object.__setattr__(self, "_lock", threading.RLock())

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError("WorkingCalendar is immutable")

    def __delattr__(self, name: str) -> None:
        raise AttributeError("WorkingCalendar is immutable")

    def __repr__(self) -> str:
        years = sorted(self._covered)
        span = f"{years[0]}-{years[-1]}" if years else "none"
        return f"<WorkingCalendar official years {span}, {len(self._official)} holidays>"

    # -- holiday data -------------------------------------------------------------

    @property
    def official(self) -> Mapping[date, str]:
        """The official list this calendar was built from (read-only)."""
        return self._official

    @property
    def covered_years(self) -> frozenset[int]:
        """Years for which the official list is used (and workalendar is not)."""
        return self._covered

    def _holidays(self, year: int) -> Mapping[date, str]:
        cached = self._year_cache.get(year)
        if cached is not None:
            return cached
        with self._lock:
            cached = self._year_cache.get(year)
            if cached is None:
                if year in self._covered:
                    days = {d: n for d, n in self._official.items() if d.year == year}
                else:
                    days = _workalendar_holidays(year)
                cached = MappingProxyType(days)
                self._year_cache[year] = cached
            return cached

    def holidays_in(self, year: int) -> dict[date, str]:
        """Bank holidays in ``year`` as ``{date: name}``, sorted by date."""
        return dict(self._holidays(int(year)))

    def is_bank_holiday(self, d: date) -> bool:
        d = _as_date(d)
        return d in self._holidays(d.year)

    def holiday_name(self, d: date) -> str | None:
        """The bank holiday's name, or ``None`` if ``d`` is not a bank holiday."""
        d = _as_date(d)
        return self._holidays(d.year).get(d)

    def is_working_day(self, d: date) -> bool:
        """Monday to Friday and not an England and Wales bank holiday."""
        d = _as_date(d)
        return d.weekday() < 5 and d not in self._holidays(d.year)

    # -- working-day index -----------------------------------------------------------

    def _working_ordinals(self, year: int) -> tuple[int, ...]:
        """Sorted ``date.toordinal()`` values of every working day in ``year``."""
        cached = self._wd_cache.get(year)
        if cached is not None:
            return cached
        if not date.min.year <= year <= date.max.year:
            raise OverflowError("working day out of range")
        hols = self._holidays(year)
        first = date(year, 1, 1).toordinal()
        last = date(year, 12, 31).toordinal()
        # date.fromordinal(o).weekday() == (o + 6) % 7
        ords = tuple(
            o for o in range(first, last + 1) if (o + 6) % 7 < 5 and date.fromordinal(o) not in hols
        )
        self._wd_cache[year] = ords  # idempotent, so a race just computes it twice
        return ords

    # -- arithmetic ------------------------------------------------------------------

    def next_working_day(self, d: date) -> date:
        """``d`` itself if it is a working day, otherwise the next working day."""
        d = _as_date(d)
        while not self.is_working_day(d):
            d += timedelta(days=1)
        return d

    def add_working_days(self, d: date, n: int) -> date:
        """The ``n``-th working day strictly after ``d`` (``n`` > 0), or strictly before
        ``d`` (``n`` < 0). ``n == 0`` returns ``d`` unchanged, working day or not.

        ``d`` itself is never counted, so from a Saturday ``add_working_days(sat, 1)``
        is the Monday (if that is not a bank holiday).
        """
        d = _as_date(d)
        n = int(n)
        if n == 0:
            return d
        o = d.toordinal()
        year = d.year
        wy = self._working_ordinals(year)
        if n > 0:
            i = bisect_right(wy, o)  # first working day after d
            while i + n > len(wy):  # not in this year: move on a year
                n -= len(wy) - i
                year += 1
                wy = self._working_ordinals(year)
                i = 0
            return date.fromordinal(wy[i + n - 1])
        k = -n
        i = bisect_left(wy, o)  # number of working days before d in its year
        while k > i:
            k -= i
            year -= 1
            wy = self._working_ordinals(year)
            i = len(wy)
        return date.fromordinal(wy[i - k])

    def due_on(self, received: date, working_days: int = DEFAULT_WORKING_DAYS) -> date:
        """The due date of a review received on ``received``.

        The day of receipt is day 0; a receipt on a non-working day counts as received
        on the next working day; the review is due on the ``working_days``-th
        (default 15th) working day after that.
        """
        received = _as_date(received, "received")
        working_days = int(working_days)
        if working_days < 0:
            raise ValueError("working_days must not be negative")
        start = self.next_working_day(received)
        return self.add_working_days(start, working_days)

    def working_days_between(self, a: date, b: date) -> int:
        """Working days after ``a`` up to and including ``b``; negative if ``b < a``
        (then minus the working days after ``b`` up to and including ``a``)."""
        a = _as_date(a)
        b = _as_date(b)
        if b < a:
            return -self.working_days_between(b, a)
        wa = self._working_ordinals(a.year)
        if a.year == b.year:
            return bisect_right(wa, b.toordinal()) - bisect_right(wa, a.toordinal())
        count = len(wa) - bisect_right(wa, a.toordinal())
        for year in range(a.year + 1, b.year):
            count += len(self._working_ordinals(year))
        return count + bisect_right(self._working_ordinals(b.year), b.toordinal())

    def working_days_remaining(self, due: date, today: date) -> int:
        """Working days after ``today`` up to and including ``due``.

        0 on the due date itself and whenever ``today`` is after ``due``.
        """
        return max(0, self.working_days_between(today, due))

    def days_overdue(self, due: date, today: date) -> int:
        """Working days after ``due`` up to and including ``today``.

        The first working day after the due date is 1 day overdue; 0 when not overdue
        (including a weekend or bank holiday straight after the due date, before the
        next working day has started).
        """
        return max(0, self.working_days_between(due, today))


def _workalendar_holidays(year: int) -> dict[date, str]:
    """Weekday England and Wales bank holidays for a year the official list lacks."""
    # workalendar is kept only behind the official GOV.UK list, for the years that list does not
    # cover (it runs a few years ahead). It computes the usual holidays but cannot know those
    # proclaimed at short notice, so it is wrong where they happen: for 2023 it lacks the
    # coronation bank holiday, 8 May 2023. Imported here, when such a year is first asked for.
    from workalendar.europe import UnitedKingdom

    out: dict[date, str] = {}
    for day, name in UnitedKingdom().holidays(year):
        if day.weekday() >= 5 or day in out:  # keep the first name for a date
            continue
        out[day] = _WORKALENDAR_NAMES.get(name, name)
    return dict(sorted(out.items()))


@cache
def _default_calendar(path: str) -> WorkingCalendar:
    return WorkingCalendar(load_official_list(path))


def default_calendar(path: str | Path | None = None) -> WorkingCalendar:
    """A shared :class:`WorkingCalendar` built from ``config/bank-holidays.json``
    (or ``path``), cached per resolved path for the life of the process."""
    p = DEFAULT_LIST_PATH if path is None else Path(path)
    return _default_calendar(str(p.resolve()))


# --------------------------------------------------------------------------- time


def london_today(now: datetime | None = None) -> date:
    """Today's calendar date in England and Wales (Europe/London, GMT/BST aware).

    ``now`` defaults to the current time. An aware ``now`` is converted to London
    time; a naive ``now`` is taken to be **UTC** (the convention for stored
    timestamps in this project).
    """
    if now is None:
        return datetime.now(LONDON).date()
    if not isinstance(now, datetime):
        raise TypeError(f"now must be a datetime, got {type(now).__name__}")
    if now.tzinfo is None or now.utcoffset() is None:
        now = now.replace(tzinfo=UTC)
    return now.astimezone(LONDON).date()


# --------------------------------------------------------------------------- refresh


@dataclass(frozen=True)
class ListDiff:
    """Differences between two bank holiday lists (see :func:`diff_lists`)."""

    added: dict[date, str] = field(default_factory=dict)
    removed: dict[date, str] = field(default_factory=dict)
    renamed: dict[date, tuple[str, str]] = field(default_factory=dict)  # date -> (old, new)

    def __bool__(self) -> bool:
        return bool(self.added or self.removed or self.renamed)

    @property
    def changed_dates(self) -> list[date]:
        """Dates added or removed (renames do not move any deadline)."""
        return sorted({*self.added, *self.removed})

    def summary(self) -> str:
        lines = [f"+ {d.isoformat()} {n}" for d, n in self.added.items()]
        lines += [f"- {d.isoformat()} {n}" for d, n in self.removed.items()]
        lines += [f"~ {d.isoformat()} {o} -> {n}" for d, (o, n) in self.renamed.items()]
        return "\n".join(lines) if lines else "no changes"


def _as_holiday_map(value: Mapping[Any, Any]) -> dict[date, str]:
    if isinstance(value, Mapping) and (DIVISION in value or "events" in value):
        return parse_official_list(value)
    return {_key_to_date(k): str(v) for k, v in value.items()}


def diff_lists(old: Mapping[Any, Any], new: Mapping[Any, Any]) -> ListDiff:
    """Compare two official lists: dates added, removed, and renamed.

    Each argument may be a parsed ``{date: name}`` map (``date`` or ISO string keys)
    or a raw GOV.UK document / division as accepted by :func:`parse_official_list`.
    """
    o = _as_holiday_map(old)
    n = _as_holiday_map(new)
    added = {d: n[d] for d in sorted(n.keys() - o.keys())}
    removed = {d: o[d] for d in sorted(o.keys() - n.keys())}
    renamed = {d: (o[d], n[d]) for d in sorted(o.keys() & n.keys()) if o[d] != n[d]}
    return ListDiff(added=added, removed=removed, renamed=renamed)
