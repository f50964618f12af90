"""Tests for sfoflow.working_days.

Expected values never come from the code under test: they are either hand-worked
(with the working shown in comments) or computed here by a deliberately naive loop
over the official GOV.UK list as shipped inside the ``govuk-bank-holidays`` package
(not our config copy), plus a hand-written 2029 list.
"""

from __future__ import annotations

import json
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import govuk_bank_holidays
import pytest

from sfoflow import working_days as wd
from sfoflow.working_days import (
    WorkingCalendar,
    default_calendar,
    default_official_list,
    diff_lists,
    load_official_list,
    london_today,
    parse_official_list,
)

REPO = Path(__file__).resolve().parent.parent
CONFIG_LIST = REPO / "config" / "bank-holidays.json"
PACKAGE_LIST = Path(govuk_bank_holidays.__file__).resolve().parent / "bank-holidays.json"

D = date


def package_document() -> dict:
    return json.loads(PACKAGE_LIST.read_text(encoding="utf-8"))


def package_ew_dates() -> set[date]:
    events = package_document()["england-and-wales"]["events"]
    return {date.fromisoformat(e["date"]) for e in events}


# England and Wales bank holidays 2029, written out by hand (checked below).
HAND_2029 = {
    D(2029, 1, 1),  # New Year's Day, Monday
    D(2029, 3, 30),  # Good Friday (Easter Sunday is 1 April 2029)
    D(2029, 4, 2),  # Easter Monday
    D(2029, 5, 7),  # Early May: first Monday in May (1 May 2029 is a Tuesday)
    D(2029, 5, 28),  # Spring: last Monday in May (31 May 2029 is a Thursday)
    D(2029, 8, 27),  # Summer: last Monday in August (31 Aug 2029 is a Friday)
    D(2029, 12, 25),  # Christmas Day, Tuesday
    D(2029, 12, 26),  # Boxing Day, Wednesday
}


@pytest.fixture(scope="module")
def cal() -> WorkingCalendar:
    return WorkingCalendar(default_official_list())


@pytest.fixture(scope="module")
def reference_holidays() -> frozenset[date]:
    return frozenset(package_ew_dates() | HAND_2029)


# --------------------------------------------------------------------- independent oracle


def naive_due(received: date, holidays: frozenset[date], n: int = 15) -> date:
    def working(d: date) -> bool:
        return d.weekday() < 5 and d not in holidays

    d = received
    while not working(d):
        d += timedelta(days=1)
    count = 0
    while count < n:
        d += timedelta(days=1)
        if working(d):
            count += 1
    return d


def naive_between(a: date, b: date, holidays: frozenset[date]) -> int:
    """Working days in (a, b], for a <= b."""
    n = 0
    d = a + timedelta(days=1)
    while d <= b:
        if d.weekday() < 5 and d not in holidays:
            n += 1
        d += timedelta(days=1)
    return n


def easter_sunday(year: int) -> date:
    """Anonymous Gregorian algorithm (Meeus/Jones/Butcher)."""
    a = year % 19
    b, c = divmod(year, 100)
    d, e = divmod(b, 4)
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    L = (32 + 2 * e + 2 * i - h - k) % 7  # L as in the published algorithm
    m = (a + 11 * h + 22 * L) // 451
    month, day = divmod(h + L - 7 * m + 114, 31)
    return date(year, month, day + 1)


def test_hand_written_2029_list_follows_the_rules():
    easter = easter_sunday(2029)
    assert easter == D(2029, 4, 1)
    first_may_monday = next(D(2029, 5, x) for x in range(1, 8) if D(2029, 5, x).weekday() == 0)
    last_may_monday = next(D(2029, 5, x) for x in range(31, 24, -1) if D(2029, 5, x).weekday() == 0)
    last_aug_monday = next(D(2029, 8, x) for x in range(31, 24, -1) if D(2029, 8, x).weekday() == 0)
    expected = {
        D(2029, 1, 1),  # a Monday, so no substitute
        easter - timedelta(days=2),
        easter + timedelta(days=1),
        first_may_monday,
        last_may_monday,
        last_aug_monday,
        D(2029, 12, 25),
        D(2029, 12, 26),
    }
    assert D(2029, 1, 1).weekday() == 0
    assert D(2029, 12, 25).weekday() == 1 and D(2029, 12, 26).weekday() == 2
    assert HAND_2029 == expected


def test_easter_algorithm_agrees_with_official_list():
    official = package_ew_dates()
    for year in range(2012, 2029):
        easter = easter_sunday(year)
        assert easter - timedelta(days=2) in official, year  # Good Friday
        assert easter + timedelta(days=1) in official, year  # Easter Monday


# --------------------------------------------------------------------- the big sweep


def test_due_on_every_receipt_date_2012_to_2028(cal, reference_holidays):
    start, end = D(2012, 1, 1), D(2028, 12, 31)
    receipts = [start + timedelta(days=i) for i in range((end - start).days + 1)]
    expected = [naive_due(r, reference_holidays) for r in receipts]

    t0 = time.perf_counter()
    actual = [cal.due_on(r) for r in receipts]
    elapsed = time.perf_counter() - t0
    print(f"\n2012-2028 sweep: {len(receipts)} due_on calls in {elapsed:.3f}s")

    mismatches = [(r, a, e) for r, a, e in zip(receipts, actual, expected, strict=True) if a != e]
    assert not mismatches, mismatches[:10]
    assert max(expected) > D(2029, 1, 1)  # the sweep does reach into 2029


def test_working_days_between_matches_naive_count(cal, reference_holidays):
    # a spread of pairs across the covered years and into 2029
    a = D(2012, 1, 1)
    while a < D(2029, 1, 1):
        for span in (0, 1, 3, 7, 20, 45, 400):
            b = a + timedelta(days=span)
            if b.year > 2029:  # the reference list stops at the end of 2029
                continue
            assert cal.working_days_between(a, b) == naive_between(a, b, reference_holidays), (a, b)
            assert cal.working_days_between(b, a) == -naive_between(a, b, reference_holidays)
        a += timedelta(days=37)


def naive_add(d: date, n: int, holidays: frozenset[date]) -> date:
    step = timedelta(days=1 if n > 0 else -1)
    left = abs(n)
    while left:
        d += step
        if d.weekday() < 5 and d not in holidays:
            left -= 1
    return d


@pytest.mark.parametrize("n", [1, 2, 15, 100, 253, 254, 255, 500, 1000, 2500, 4000])
def test_long_add_working_days_matches_naive(cal, reference_holidays, n):
    # the reference list covers 2012-2029 only, so stay inside it
    for start in (D(2012, 1, 1), D(2012, 12, 31), D(2013, 6, 15), D(2014, 12, 24)):
        expected = naive_add(start, n, reference_holidays)
        if expected.year <= 2029:
            assert cal.add_working_days(start, n) == expected
    for start in (D(2029, 12, 31), D(2028, 1, 1), D(2027, 12, 24), D(2026, 3, 31)):
        expected = naive_add(start, -n, reference_holidays)
        if expected.year >= 2012:
            assert cal.add_working_days(start, -n) == expected


def test_bulk_speed(cal):
    receipts = [D(2015, 1, 1) + timedelta(days=i % 4000) for i in range(100_000)]
    t0 = time.perf_counter()
    for r in receipts:
        cal.due_on(r)
    elapsed = time.perf_counter() - t0
    print(f"\n100,000 due_on calls: {elapsed:.3f}s")
    assert elapsed < 10


# --------------------------------------------------------------------- domain examples


def test_domain_examples(cal):
    # Thu 27 Apr 2023: 1 May and the coronation (8 May) skipped
    assert cal.due_on(D(2023, 4, 27)) == D(2023, 5, 22)
    # Sat 29 Apr 2023 -> treated as received Tue 2 May (Mon 1 May is a bank holiday)
    assert cal.due_on(D(2023, 4, 29)) == D(2023, 5, 24)


@pytest.mark.parametrize(
    "received, due",
    [
        # VE day Fri 8 May 2020. Thu 7 May: 11-15 May (5), 18-22 (10), 25 May spring
        # bank holiday, 26-29 (14), Mon 1 Jun (15)
        (D(2020, 5, 7), D(2020, 6, 1)),
        # Platinum Jubilee Fri 3 Jun 2022 (and spring bank holiday Thu 2 Jun).
        # Wed 1 Jun: 6-10 Jun (5), 13-17 (10), 20-24 (15)
        (D(2022, 6, 1), D(2022, 6, 24)),
        # State Funeral Mon 19 Sep 2022. Fri 16 Sep: 20-23 (4), 26-30 (9), 3-7 Oct (14),
        # Mon 10 Oct (15)
        (D(2022, 9, 16), D(2022, 10, 10)),
        # Coronation Mon 8 May 2023. Fri 5 May: 9-12 (4), 15-19 (9), 22-26 (14),
        # 29 May spring bank holiday, Tue 30 May (15)
        (D(2023, 5, 5), D(2023, 5, 30)),
        # received on the coronation itself -> treated as Tue 9 May: 10-12 (3),
        # 15-19 (8), 22-26 (13), 29 May holiday, 30, 31 (15)
        (D(2023, 5, 8), D(2023, 5, 31)),
        # received on the State Funeral -> treated as Tue 20 Sep: 21-23 (3), 26-30 (8),
        # 3-7 Oct (13), 10, 11 Oct (15)
        (D(2022, 9, 19), D(2022, 10, 11)),
    ],
)
def test_special_bank_holidays_skipped(cal, received, due):
    assert cal.due_on(received) == due


@pytest.mark.parametrize("special", [D(2020, 5, 8), D(2022, 6, 3), D(2022, 9, 19), D(2023, 5, 8)])
def test_special_bank_holidays_known(cal, special):
    assert special.weekday() < 5
    assert cal.is_bank_holiday(special)
    assert not cal.is_working_day(special)
    assert cal.holiday_name(special)
    assert cal.next_working_day(special) == special + timedelta(days=1 if special.weekday() < 4 else 3)


def test_moved_holidays_are_not_holidays(cal):
    # 2020: early May bank holiday moved from Mon 4 May to Fri 8 May
    assert cal.is_working_day(D(2020, 5, 4))
    # 2022: spring bank holiday moved from Mon 30 May to Thu 2 Jun
    assert cal.is_working_day(D(2022, 5, 30))
    assert cal.is_bank_holiday(D(2022, 6, 2))


def test_names_and_substitutes(cal):
    assert cal.holiday_name(D(2023, 5, 8)) == "Bank holiday for the coronation of King Charles III"
    assert cal.holiday_name(D(2022, 12, 27)) == "Christmas Day (substitute day)"
    assert cal.holiday_name(D(2022, 12, 25)) is None  # a Sunday: the substitute is the holiday
    assert cal.holiday_name(D(2023, 5, 9)) is None
    assert not cal.is_working_day(D(2023, 5, 6))  # Saturday
    assert not cal.is_bank_holiday(D(2023, 5, 6))


def test_next_working_day(cal):
    assert cal.next_working_day(D(2023, 5, 3)) == D(2023, 5, 3)
    assert cal.next_working_day(D(2023, 4, 29)) == D(2023, 5, 2)  # Sat -> Tue (Mon holiday)
    assert cal.next_working_day(D(2022, 12, 24)) == D(2022, 12, 28)  # Sat; 26, 27 holidays
    assert cal.next_working_day(D(2028, 12, 30)) == D(2029, 1, 2)  # Sat; 1 Jan 2029 holiday


def test_add_working_days(cal):
    assert cal.add_working_days(D(2023, 4, 29), 0) == D(2023, 4, 29)
    assert cal.add_working_days(D(2023, 4, 29), 1) == D(2023, 5, 2)  # Sat + 1
    assert cal.add_working_days(D(2023, 5, 5), 1) == D(2023, 5, 9)  # over Sat, Sun, coronation
    assert cal.add_working_days(D(2023, 5, 9), -1) == D(2023, 5, 5)
    assert cal.add_working_days(D(2023, 5, 22), -15) == D(2023, 4, 27)
    assert cal.add_working_days(D(2023, 5, 6), -1) == D(2023, 5, 5)  # Sat - 1
    # a long jump: 2024 has 262 weekdays, 8 of them bank holidays -> 254 working days;
    # Sun 31 Dec 2023 + 254 -> the last working day of 2024, Tue 31 Dec 2024
    assert cal.add_working_days(D(2023, 12, 31), 254) == D(2024, 12, 31)
    # and back: Wed 1 Jan 2025 (a holiday, not counted) - 254 -> Tue 2 Jan 2024, the
    # first working day of 2024 (Mon 1 Jan 2024 is a holiday)
    assert cal.add_working_days(D(2025, 1, 1), -254) == D(2024, 1, 2)


def test_due_on_custom_length_and_bad_input(cal):
    assert cal.due_on(D(2023, 4, 29), 0) == D(2023, 5, 2)
    assert cal.due_on(D(2023, 4, 27), 1) == D(2023, 4, 28)
    with pytest.raises(ValueError):
        cal.due_on(D(2023, 4, 27), -1)
    with pytest.raises(TypeError):
        cal.due_on(datetime(2023, 4, 27, 12, 0))
    with pytest.raises(TypeError):
        cal.due_on("2023-04-27")


def test_due_across_into_fallback_years(cal):
    # Mon 24 Dec 2029: 25, 26 holidays; 27 (1), 28 (2), 31 (3), 1 Jan 2030 holiday,
    # 2-4 Jan (6), 7-11 (11), 14-17 (15)
    assert cal.due_on(D(2029, 12, 24)) == D(2030, 1, 17)
    # Fri 22 Dec 2028: 25, 26 Dec 2028 holidays; 27-29 (3), 1 Jan 2029 holiday,
    # 2-5 Jan (7), 8-12 (12), 15-17 (15)
    assert cal.due_on(D(2028, 12, 22)) == D(2029, 1, 17)


# --------------------------------------------------------------------- remaining / overdue


def test_working_days_remaining(cal):
    due = D(2023, 5, 22)
    assert cal.working_days_remaining(due, D(2023, 4, 27)) == 15
    # after Fri 5 May: 8 May holiday; 9-12 (4), 15-19 (9), 22 (10)
    assert cal.working_days_remaining(due, D(2023, 5, 5)) == 10
    assert cal.working_days_remaining(due, D(2023, 5, 6)) == 10  # Saturday
    assert cal.working_days_remaining(due, D(2023, 5, 8)) == 10  # the coronation holiday
    assert cal.working_days_remaining(due, D(2023, 5, 19)) == 1
    assert cal.working_days_remaining(due, D(2023, 5, 20)) == 1  # Saturday before
    assert cal.working_days_remaining(due, due) == 0
    assert cal.working_days_remaining(due, D(2023, 5, 23)) == 0
    # across Christmas: Fri 22 Dec 2023 -> Tue 2 Jan 2024: 27, 28, 29, 2 Jan
    assert cal.working_days_remaining(D(2024, 1, 2), D(2023, 12, 22)) == 4


def test_days_overdue(cal):
    due = D(2023, 5, 22)
    assert cal.days_overdue(due, D(2023, 5, 1)) == 0
    assert cal.days_overdue(due, due) == 0
    assert cal.days_overdue(due, D(2023, 5, 23)) == 1
    assert cal.days_overdue(due, D(2023, 5, 27)) == 4  # Sat: 23, 24, 25, 26
    assert cal.days_overdue(due, D(2023, 5, 29)) == 4  # spring bank holiday
    assert cal.days_overdue(due, D(2023, 5, 30)) == 5
    # due Fri 26 May 2023: Mon 29 is a holiday, so Tue 30 is the first day overdue
    assert cal.days_overdue(D(2023, 5, 26), D(2023, 5, 29)) == 0
    assert cal.days_overdue(D(2023, 5, 26), D(2023, 5, 30)) == 1
    # due Fri 22 Dec 2023: 25, 26 Dec holidays; Wed 27 is 1 day overdue;
    # Tue 2 Jan 2024 (1 Jan holiday) is 4: 27, 28, 29, 2
    assert cal.days_overdue(D(2023, 12, 22), D(2023, 12, 26)) == 0
    assert cal.days_overdue(D(2023, 12, 22), D(2023, 12, 27)) == 1
    assert cal.days_overdue(D(2023, 12, 22), D(2024, 1, 2)) == 4


def test_working_days_between(cal):
    assert cal.working_days_between(D(2023, 4, 27), D(2023, 5, 22)) == 15
    assert cal.working_days_between(D(2023, 5, 22), D(2023, 4, 27)) == -15
    assert cal.working_days_between(D(2023, 5, 6), D(2023, 5, 8)) == 0  # Sat -> holiday Mon
    assert cal.working_days_between(D(2023, 5, 6), D(2023, 5, 6)) == 0


# --------------------------------------------------------------------- official list / config


def test_config_equals_package_england_and_wales_division():
    config = json.loads(CONFIG_LIST.read_text(encoding="utf-8"))
    assert config == package_document()["england-and-wales"]
    assert config["division"] == "england-and-wales"
    years = {e["date"][:4] for e in config["events"]}
    assert years == {str(y) for y in range(2012, 2029)}
    for special in ("2020-05-08", "2022-06-03", "2022-09-19", "2023-05-08"):
        assert special in {e["date"] for e in config["events"]}


def test_parse_accepts_full_document_or_division():
    doc = package_document()
    full = parse_official_list(doc)
    division = parse_official_list(doc["england-and-wales"])
    assert full == division
    assert set(full) == package_ew_dates()
    assert list(full) == sorted(full)
    with pytest.raises(ValueError):
        parse_official_list(doc["scotland"])
    with pytest.raises(ValueError):
        parse_official_list({"nothing": []})


def test_load_and_default_with_override(tmp_path):
    assert load_official_list(PACKAGE_LIST) == default_official_list()
    custom = tmp_path / "bh.json"
    custom.write_text(
        json.dumps(
            {
                "division": "england-and-wales",
                "events": [{"title": "Test day", "date": "2031-03-05", "notes": "", "bunting": False}],
            }
        ),
        encoding="utf-8",
    )
    assert default_official_list(custom) == {D(2031, 3, 5): "Test day"}
    assert default_calendar(custom).is_bank_holiday(D(2031, 3, 5))
    assert default_calendar() is default_calendar(CONFIG_LIST)


def test_covered_years(cal):
    assert cal.covered_years == frozenset(range(2012, 2029))
    assert 2029 not in cal.covered_years


def test_official_list_wins_entirely_for_covered_years():
    # A one-entry list for 2030 covers 2030: workalendar's 2030 holidays are ignored.
    only = WorkingCalendar({D(2030, 3, 5): "Test day"})
    assert only.covered_years == frozenset({2030})
    assert only.is_bank_holiday(D(2030, 3, 5))
    assert only.is_working_day(D(2030, 12, 25))  # Christmas not in "the official list"
    assert only.is_working_day(D(2030, 4, 22))  # nor Easter Monday
    assert only.holidays_in(2030) == {D(2030, 3, 5): "Test day"}
    # 2031 is not covered, so Christmas 2031 (Thursday) comes from the fallback
    assert only.is_bank_holiday(D(2031, 12, 25))


def test_coronation_from_official_list_even_though_workalendar_lacks_it(cal):
    assert cal.is_bank_holiday(D(2023, 5, 8))
    # 2023 comes from the official list only: nothing else is a holiday in 2023
    assert set(cal.holidays_in(2023)) == {d for d in package_ew_dates() if d.year == 2023}


def test_holidays_in_covered_year_is_exactly_official(cal):
    official = package_ew_dates()
    for year in range(2012, 2029):
        assert set(cal.holidays_in(year)) == {d for d in official if d.year == year}, year


# --------------------------------------------------------------------- workalendar fallback


def test_fallback_2029_matches_hand_list(cal):
    assert set(cal.holidays_in(2029)) == HAND_2029


def test_fallback_2030(cal):
    # Easter Sunday 21 April 2030
    assert easter_sunday(2030) == D(2030, 4, 21)
    assert cal.is_bank_holiday(D(2030, 4, 19))  # Good Friday
    assert cal.is_bank_holiday(D(2030, 4, 22))  # Easter Monday
    assert not cal.is_bank_holiday(D(2030, 4, 21))  # Easter Sunday is not a bank holiday
    # 25 Dec 2030 is a Wednesday: no substitution needed
    assert cal.is_bank_holiday(D(2030, 12, 25)) and cal.is_bank_holiday(D(2030, 12, 26))
    assert cal.is_working_day(D(2030, 12, 27))
    assert set(cal.holidays_in(2030)) == {
        D(2030, 1, 1),
        D(2030, 4, 19),
        D(2030, 4, 22),
        D(2030, 5, 6),  # first Monday in May
        D(2030, 5, 27),  # last Monday in May
        D(2030, 8, 26),  # last Monday in August
        D(2030, 12, 25),
        D(2030, 12, 26),
    }
    assert all(d.weekday() < 5 for d in cal.holidays_in(2030))


def test_fallback_christmas_substitution(cal):
    # 2032: Christmas Saturday, Boxing Day Sunday -> Mon 27 and Tue 28 are holidays
    assert D(2032, 12, 25).weekday() == 5
    assert cal.is_bank_holiday(D(2032, 12, 27)) and cal.is_bank_holiday(D(2032, 12, 28))
    assert not cal.is_bank_holiday(D(2032, 12, 25))  # weekend dates are not listed
    assert cal.is_working_day(D(2032, 12, 29))
    # 2033: Christmas Sunday -> Mon 26 (Boxing Day) and Tue 27 (substitute)
    assert D(2033, 12, 25).weekday() == 6
    assert cal.is_bank_holiday(D(2033, 12, 26)) and cal.is_bank_holiday(D(2033, 12, 27))
    assert cal.is_working_day(D(2033, 12, 28))
    # 2033: New Year's Day Saturday -> Mon 3 Jan
    assert cal.is_bank_holiday(D(2033, 1, 3))
    # Fri 24 Dec 2032: 27, 28 holidays; 29-31 (3), 3 Jan 2033 holiday, 4-7 (7),
    # 10-14 (12), 17-19 (15)
    assert cal.due_on(D(2032, 12, 24)) == D(2033, 1, 19)


def test_before_the_official_list_falls_back(cal):
    # Royal wedding, Fri 29 April 2011 (not in the 2012-2028 official list)
    assert 2011 not in cal.covered_years
    assert cal.is_bank_holiday(D(2011, 4, 29))


# --------------------------------------------------------------------- immutability


def test_calendar_is_immutable(cal):
    with pytest.raises(AttributeError):
        cal.foo = 1
    with pytest.raises(AttributeError):
        cal._official = {}
    with pytest.raises(TypeError):
        cal.official[D(2030, 1, 2)] = "x"
    holidays = cal.holidays_in(2023)
    holidays[D(2023, 5, 9)] = "x"  # a copy: the calendar is unaffected
    assert not cal.is_bank_holiday(D(2023, 5, 9))


def test_calendar_copies_its_input():
    source = {D(2030, 3, 5): "Test day"}
    c = WorkingCalendar(source)
    source[D(2030, 3, 6)] = "Later"
    assert not c.is_bank_holiday(D(2030, 3, 6))


# --------------------------------------------------------------------- london_today

UTC = UTC


@pytest.mark.parametrize(
    "now, expected",
    [
        # summer (BST, UTC+1): 23:30 UTC is 00:30 the next day in London
        (datetime(2023, 6, 15, 23, 30, tzinfo=UTC), D(2023, 6, 16)),
        (datetime(2023, 6, 15, 22, 59, tzinfo=UTC), D(2023, 6, 15)),
        # winter (GMT): 23:30 UTC is 23:30 the same day
        (datetime(2023, 12, 15, 23, 30, tzinfo=UTC), D(2023, 12, 15)),
        # clocks go forward 01:00 UTC Sun 26 March 2023
        (datetime(2023, 3, 25, 23, 30, tzinfo=UTC), D(2023, 3, 25)),  # still GMT
        (datetime(2023, 3, 26, 0, 59, tzinfo=UTC), D(2023, 3, 26)),
        (datetime(2023, 3, 26, 22, 59, tzinfo=UTC), D(2023, 3, 26)),
        (datetime(2023, 3, 26, 23, 30, tzinfo=UTC), D(2023, 3, 27)),  # now BST
        # clocks go back 01:00 UTC Sun 29 October 2023
        (datetime(2023, 10, 28, 23, 30, tzinfo=UTC), D(2023, 10, 29)),  # still BST
        (datetime(2023, 10, 29, 23, 30, tzinfo=UTC), D(2023, 10, 29)),  # now GMT
        # 2024: forward Sun 31 March, back Sun 27 October
        (datetime(2024, 3, 30, 23, 30, tzinfo=UTC), D(2024, 3, 30)),
        (datetime(2024, 3, 31, 23, 30, tzinfo=UTC), D(2024, 4, 1)),
        (datetime(2024, 10, 26, 23, 30, tzinfo=UTC), D(2024, 10, 27)),
        (datetime(2024, 10, 27, 23, 30, tzinfo=UTC), D(2024, 10, 27)),
        # naive datetimes are UTC
        (datetime(2023, 6, 15, 23, 30), D(2023, 6, 16)),
        (datetime(2023, 12, 15, 23, 30), D(2023, 12, 15)),
        # other zones are converted: 19:30 EDT = 23:30 UTC = 00:30 BST next day
        (datetime(2023, 6, 15, 19, 30, tzinfo=ZoneInfo("America/New_York")), D(2023, 6, 16)),
        # London local times pass through
        (datetime(2023, 10, 29, 1, 30, fold=1, tzinfo=ZoneInfo("Europe/London")), D(2023, 10, 29)),
    ],
)
def test_london_today(now, expected):
    assert london_today(now) == expected


def test_london_today_now():
    today = london_today()
    utc_today = datetime.now(UTC).date()
    assert type(today) is date
    assert utc_today - timedelta(days=1) <= today <= utc_today + timedelta(days=1)
    with pytest.raises(TypeError):
        london_today(date(2023, 1, 1))


# --------------------------------------------------------------------- diff_lists


def test_diff_lists():
    doc = package_document()["england-and-wales"]
    old_events = [e for e in doc["events"] if e["date"] != "2023-05-08"]
    old_events = [
        dict(e, title="Xmas") if e["date"] == "2024-12-25" else e for e in old_events
    ] + [{"title": "Phantom", "date": "2024-07-01", "notes": "", "bunting": False}]
    old = {"division": "england-and-wales", "events": old_events}

    diff = diff_lists(old, doc)
    assert diff.added == {D(2023, 5, 8): "Bank holiday for the coronation of King Charles III"}
    assert diff.removed == {D(2024, 7, 1): "Phantom"}
    assert diff.renamed == {D(2024, 12, 25): ("Xmas", "Christmas Day")}
    assert diff.changed_dates == [D(2023, 5, 8), D(2024, 7, 1)]
    assert bool(diff)
    assert "2023-05-08" in diff.summary()

    # parsed maps, with date or ISO-string keys, work too
    parsed = parse_official_list(doc)
    assert not diff_lists(parsed, doc)
    assert not diff_lists({k.isoformat(): v for k, v in parsed.items()}, parsed)
    assert diff_lists({}, {"2030-01-01": "x"}).added == {D(2030, 1, 1): "x"}
    assert diff_lists({}, {}).summary() == "no changes"


def test_module_is_plain_python():
    source = Path(wd.__file__).read_text(encoding="utf-8")
    for framework in ("flask", "sqlalchemy", "celery"):
        assert f"import {framework}" not in source.lower()
        assert f"from {framework}" not in source.lower()
    assert wd.__doc__ and "official list" in wd.__doc__
