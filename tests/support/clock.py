"""The tests' clock: the real one, unless a run is pinned to a chosen moment.

    python3 dev.py test --at 2026-12-25              # Christmas Day, 10:00 London time
    python3 dev.py test --at "2027-03-28 01:30"      # London time (a time the clocks skip moves on)
    python3 dev.py test --at 2026-10-25T00:30+00:00  # an offset (or Z) picks the instant exactly
    SFOFLOW_TEST_AT=2026-12-28 python3 dev.py test   # the same, from the environment

A pinned run moves the whole clock (``time.time``, ``datetime.now``, ``date.today``) of the test
process, with time-machine, and of every Python process the tests start (the Celery worker, the
``sfoflow`` command: ``pinned_clock/sitecustomize.py``, put on their PYTHONPATH), and lets it tick
from there. Every process works out the same offset from the real moment the run was pinned, so
they agree to the millisecond. Monotonic clocks are left alone (timeouts stay real).

Chromium is not a Python process and keeps the real date, so the browser tests are not part of
the pinned runs in .ci/run; they run at the real date in both passes.
"""
from __future__ import annotations

import os
import re
import time
from datetime import UTC, date, datetime
from datetime import time as clock_time
from pathlib import Path
from zoneinfo import ZoneInfo

LONDON = ZoneInfo("Europe/London")
ENV_AT = "SFOFLOW_TEST_AT"  # the moment asked for, as written
ENV_SINCE = "SFOFLOW_TEST_AT_SINCE"  # the real time (epoch seconds) at which the run was pinned
CHILD_PATH = Path(__file__).resolve().with_name("pinned_clock")
DEFAULT_HOUR = clock_time(10, 0)  # a date alone means mid-morning in London, when people work
_FORM = re.compile(r"^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2})?)?(Z|[+-]\d{2}:\d{2})?$")


class BadMoment(ValueError):
    pass


def parse_moment(text: str) -> datetime:
    """An aware instant from ``YYYY-MM-DD[ HH:MM[:SS]][Z|+HH:MM]``; no offset means London time."""
    text = text.strip()
    if not _FORM.match(text):
        raise BadMoment(f"{text!r} is not a date (YYYY-MM-DD) or a date and time (YYYY-MM-DD HH:MM), "
                        "optionally followed by Z or an offset such as +01:00")
    if text.endswith("Z"):
        text = text[:-1] + "+00:00"
    try:
        moment = datetime.fromisoformat(text) if len(text) > 10 else datetime.combine(
            date.fromisoformat(text), DEFAULT_HOUR)
    except ValueError as exc:
        raise BadMoment(f"{text!r} is not a real date or time: {exc}") from None
    if moment.tzinfo is None:
        # A London time the clocks skip (01:30 on the last Sunday of March) is read with fold=0,
        # as zoneinfo does: the instant an hour later in summer time, 02:30 BST.
        moment = moment.replace(tzinfo=LONDON)
    return moment.astimezone(UTC)


def describe(moment: datetime) -> str:
    """'Friday 25 December 2026, 10:00 GMT (10:00 UTC)': how a pinned run names its moment."""
    local = moment.astimezone(LONDON)
    return (f"{local:%A} {local.day} {local:%B %Y}, {local:%H:%M %Z} "
            f"({moment.astimezone(UTC):%H:%M} UTC)")


def pinned_moment() -> datetime | None:
    """The moment this run is pinned to (as it was at the start), or None when the clock is real."""
    text = os.environ.get(ENV_AT)
    return parse_moment(text) if text else None


def pin(text: str):
    """Pin this process's clock to ``text`` and record it for the processes it starts.

    Returns the started time-machine traveller; the clock keeps ticking from the moment asked for."""
    import time_machine

    moment = parse_moment(text)
    os.environ[ENV_AT] = text
    os.environ[ENV_SINCE] = repr(time.time())
    path = os.environ.get("PYTHONPATH")
    os.environ["PYTHONPATH"] = os.pathsep.join([str(CHILD_PATH), *([path] if path else [])])
    traveller = time_machine.travel(moment, tick=True)
    traveller.start()
    return traveller


def pin_child() -> None:
    """In a process the pinned tests started: move its clock to where the tests' clock is now."""
    text, since = os.environ.get(ENV_AT), os.environ.get(ENV_SINCE)
    if not text or not since:
        return
    import time_machine

    elapsed = time.time() - float(since)  # the real time that passed since the run was pinned
    time_machine.travel(parse_moment(text).timestamp() + elapsed, tick=True).start()


def now() -> datetime:
    """The tests' now, aware UTC: the pinned clock in a pinned run, else the real one. Every test
    that needs the current time reads it here (tests/test_clock_seam.py holds them to it)."""
    return datetime.now(UTC)


def today() -> date:
    """The tests' today: the London date of :func:`now` (not the machine's date, which is UTC's).

    Worked out here rather than by sfoflow.working_days.london_today: the tests' clock is an
    oracle for the code under test, and this module loads in every pinned child process with
    nothing but the standard library and time-machine."""
    return now().astimezone(LONDON).date()


def real_time() -> float:
    """The real time (epoch seconds), even in a pinned run: for the tests of the pinning itself."""
    moment = pinned_moment()
    if moment is None:
        return time.time()
    return time.time() + float(os.environ[ENV_SINCE]) - moment.timestamp()


# --- which tests depend on the day -----------------------------------------------------------------
# .ci/run runs these again with the clock pinned to each awkward moment of the year (a weekend,
# Christmas, the clock changes, ...: ``pytest -m dated --at WHEN``). A test is dated when it asks
# for the ``today`` fixture, when it is marked ``@pytest.mark.dated``, or when its module is listed
# here: modules whose tests (or whose pages, figures and sweeps) read today from the clock.
DATED_MODULES = frozenset({
    # deadlines and the working-day calendar
    "tests/deadlines/test_rules.py", "tests/test_working_days.py", "tests/services/test_calendar.py",
    # reminders, escalations, event notices, delivery and the sweep
    "tests/services/test_notifications.py", "tests/services/test_notifications_year.py",
    "tests/services/test_event_notices.py", "tests/services/test_high_profile_notices.py",
    "tests/notify/test_delivery.py",
    # allocation, open QA, workload, timeliness, the QA and its report, HMPPS QA
    "tests/services/test_allocation.py", "tests/services/test_work.py", "tests/services/test_open_qa_paging.py",
    "tests/services/test_timeliness_sql.py", "tests/services/test_assessment.py", "tests/services/test_hmpps_qa.py",
    "tests/services/test_lifecycle.py", "tests/web/test_allocation_capacity.py", "tests/api/test_reviews.py",
    "tests/api/test_query_counts_scale.py",
    # the landing pages and dashboards
    "tests/web/test_landing.py", "tests/web/test_pages.py",
    # the year in review and the sample's year
    "tests/services/test_year.py", "tests/web/test_year_pages.py", "tests/api/test_years.py",
    "tests/reports/test_year_partners.py", "tests/services/test_sampling_sql.py",
    # learning panels
    "tests/services/test_panels.py", "tests/web/test_panels.py", "tests/api/test_panel_figures.py",
})


def is_dated(module: str, fixtures, marked: bool) -> bool:
    """Whether a test (``module`` relative to the repository, with its fixtures) depends on the day."""
    return marked or "today" in fixtures or module in DATED_MODULES
