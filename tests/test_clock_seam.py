"""Issue 25: no test reads the real clock for a date it then assumes something about.

Every test that needs the current time or today's date reads ``tests.support.clock`` (``now()``,
``today()``, or the ``today`` fixture), which a run pinned with ``--at`` moves, together with the
clock of every Python process the tests start. A test that needs a particular kind of day pins
its own with time_machine. This file holds the tests to that (read from the source with ``ast``)
and checks the pinning itself, with instants written by hand.
"""
from __future__ import annotations

import ast
import os
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest

from tests.support import clock

TESTS = Path(__file__).resolve().parent
# (file, function) allowed to read the real clock: the seam itself, and the test of the default
# of london_today (what it checks is how it reads the real clock).
ALLOWED = {("support/clock.py", "now"), ("test_working_days.py", "test_london_today_now")}


def clock_reads(path: Path) -> list[tuple[str, int, str]]:
    """(function, line, call) for each read of the real clock in a file."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = []

    def visit(node, function: str) -> None:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            function = node.name
        if isinstance(node, ast.Call):
            f = node.func
            name = (f"{f.value.id}.{f.attr}" if isinstance(f, ast.Attribute) and isinstance(f.value, ast.Name)
                    else f.id if isinstance(f, ast.Name) else None)
            if name in {"date.today", "datetime.today", "datetime.now", "datetime.utcnow", "utcnow"} or (
                    name in {"london_today", "working_days.london_today"} and not node.args and not node.keywords):
                found.append((function, node.lineno, f"{name}()"))
        for child in ast.iter_child_nodes(node):
            visit(child, function)

    visit(tree, "<module>")
    return found


def test_no_test_reads_the_real_clock_but_through_the_seam():
    offenders = []
    for path in sorted(TESTS.rglob("*.py")):
        relative = path.relative_to(TESTS).as_posix()
        offenders += [f"tests/{relative}:{line} {call} in {function}"
                      for function, line, call in clock_reads(path) if (relative, function) not in ALLOWED]
    assert offenders == []


def test_the_scan_sees_each_way_of_reading_the_clock(tmp_path):
    sample = tmp_path / "sample.py"
    sample.write_text("from datetime import date, datetime\n"
                      "def a():\n    return date.today()\n"
                      "def b():\n    return datetime.now(UTC)\n"
                      "def c():\n    return london_today()\n"
                      "def d():\n    return london_today(moment)\n"  # a conversion, not a clock read
                      "def e():\n    return utcnow()\n")
    assert [(f, call) for f, _line, call in clock_reads(sample)] == [
        ("a", "date.today()"), ("b", "datetime.now()"), ("c", "london_today()"), ("e", "utcnow()")]


@pytest.mark.parametrize("written, instant", [
    ("2026-12-25", datetime(2026, 12, 25, 10, 0, tzinfo=UTC)),  # a date alone: 10:00 in London (GMT)
    ("2026-07-01", datetime(2026, 7, 1, 9, 0, tzinfo=UTC)),  # 10:00 BST
    ("2026-10-25 00:30", datetime(2026, 10, 24, 23, 30, tzinfo=UTC)),  # still BST: the day before in UTC
    ("2026-10-25 01:30", datetime(2026, 10, 25, 0, 30, tzinfo=UTC)),  # the first 01:30 (BST)
    ("2026-10-25T01:30+00:00", datetime(2026, 10, 25, 1, 30, tzinfo=UTC)),  # the second, by its offset
    ("2027-03-28 00:30", datetime(2027, 3, 28, 0, 30, tzinfo=UTC)),  # GMT, before the clocks go forward
    ("2027-03-28 01:30", datetime(2027, 3, 28, 1, 30, tzinfo=UTC)),  # skipped in London: read as 02:30 BST
    ("2028-02-29T23:00Z", datetime(2028, 2, 29, 23, 0, tzinfo=UTC)),
])
def test_a_moment_is_read_as_london_time_unless_it_says_otherwise(written, instant):
    assert clock.parse_moment(written) == instant


@pytest.mark.parametrize("written", ["25/12/2026", "2026-02-30", "2026-12-25 25:00", "tomorrow", ""])
def test_a_moment_that_is_not_one_is_refused(written):
    with pytest.raises(clock.BadMoment):
        clock.parse_moment(written)


def test_a_pinned_run_pins_the_processes_it_starts_to_the_same_clock(tmp_path):
    """What the Celery worker and the sfoflow command see: a Python process started with the
    pinned environment reads the pinned clock, moved on by the real time since pinning."""
    since = clock.real_time() - 90  # pinned a minute and a half ago
    env = {**os.environ, clock.ENV_AT: "2026-12-25 10:00", clock.ENV_SINCE: repr(since),
           "PYTHONPATH": os.pathsep.join([str(clock.CHILD_PATH), os.environ.get("PYTHONPATH", "")])}
    out = subprocess.run([sys.executable, "-c", "import datetime; print(datetime.datetime.now(datetime.UTC)"
                                                ".isoformat())"], env=env, capture_output=True, text=True,
                         timeout=60, check=True).stdout
    seen = datetime.fromisoformat(out.strip())
    expected = datetime(2026, 12, 25, 10, 1, 30, tzinfo=UTC)
    assert expected <= seen <= expected.replace(second=59)  # 90 s on, plus the child's start-up


def test_without_a_pin_the_processes_started_keep_the_real_clock():
    env = {k: v for k, v in os.environ.items() if k not in (clock.ENV_AT, clock.ENV_SINCE)}
    env["PYTHONPATH"] = str(clock.CHILD_PATH)
    out = subprocess.run([sys.executable, "-c", "import time; print(time.time())"], env=env,
                         capture_output=True, text=True, timeout=60, check=True).stdout
    assert abs(float(out) - clock.real_time()) < 60
