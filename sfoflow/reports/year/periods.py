"""The sampling year (April to March) and a picked period."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from ..dates import long_date


@dataclass(frozen=True)
class Period:
    year: int  # the year the sampling year starts in: 2023 = April 2023 to March 2024
    start: date
    end: date  # inclusive
    whole_year: bool = True

    @property
    def label(self) -> str:
        if self.whole_year:
            return f"April {self.year} to March {self.year + 1}"
        return f"{long_date(self.start)} to {long_date(self.end)}"

    @property
    def short_label(self) -> str:
        return f"{self.year} to {self.year + 1}"


def year_period(year: int, start_month: int = 4) -> Period:
    start = date(year, start_month, 1)
    end_year, end_month = (year + 1, start_month - 1) if start_month > 1 else (year, 12)
    end = _last_day(end_year, end_month)
    return Period(year, start, end)


def year_of(day: date, start_month: int = 4) -> int:
    """The sampling year a day falls in (1 March 2024 -> 2023)."""
    return day.year if day.month >= start_month else day.year - 1


def picked_period(year: int, start: date | None, end: date | None, start_month: int = 4) -> Period:
    """Part of a year (or the whole year when neither end is given), clipped to the year."""
    whole = year_period(year, start_month)
    if start is None and end is None:
        return whole
    s = max(start or whole.start, whole.start)
    e = min(end or whole.end, whole.end)
    if e < s:
        raise ValueError("the period ends before it starts")
    return Period(year, s, e, whole_year=(s, e) == (whole.start, whole.end))


def months(period: Period) -> list[tuple[int, int]]:
    """(year, month) for every month the period touches, in order."""
    out, y, m = [], period.start.year, period.start.month
    while (y, m) <= (period.end.year, period.end.month):
        out.append((y, m))
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out


def _last_day(year: int, month: int) -> date:
    nxt = date(year + 1, 1, 1) if month == 12 else date(year, month + 1, 1)
    return date.fromordinal(nxt.toordinal() - 1)
