"""Issue 25: the landing pages, the dashboard, the year so far and the sweep say the right thing
when opened on a weekend or a bank holiday. Each test pins the clock to its day; every expected
date and count below was worked out by hand from the calendar, never by sfoflow's code:

    November/December 2026        Mo Tu We Th Fr Sa Su
                                  16 17 18 19 20 21 22
                                  23 24 25 26 27 28 29
                                  30  1  2  3  4  5  6
                                   7  8  9 10 11 12 13
                                  14 15 16 17 18 19 20
                                  21 22 23 24 25 26 27   (25: Christmas Day; 26: Boxing Day, a Saturday)
                                  28 29 30 31            (28: the substitute bank holiday for Boxing Day)

* LATE: received Friday 13 November, due Friday 4 December (its 15th working day): overdue from
  Saturday 5 December, but 0 working days overdue until Monday 7 December, when it is 1.
* MONDAY: received Monday 16 November, due Monday 7 December: on Saturday 5 December, 1 working
  day remains, so it is due within 5 working days (Saturday + 5 working days = Friday 11 December).
* XMAS: due Thursday 24 December: 14 working days after Saturday 5 December (7-11, 14-18, 21-24).
* FREE: selected, nobody allocated, due Tuesday 22 December.
"""
from __future__ import annotations

import subprocess
from datetime import date

import time_machine
from sqlalchemy import select

from sfoflow.models.notifications import Notification
from sfoflow.services import notifications
from tests.support import clock
from tests.support.cli import sfoflow
from tests.support.core import auth, make_person, make_review
from tests.support.deadlines import at
from tests.support.web import PASSWORD, sign_in, text
from tests.support.year import add_qa

SATURDAY = date(2026, 12, 5)
MONDAY = date(2026, 12, 7)
CHRISTMAS_DAY = date(2026, 12, 25)
BOXING_DAY_SUBSTITUTE = date(2026, 12, 28)


def on(day: date, hour: int = 10):
    return time_machine.travel(at(day, hour), tick=True)


def person(session, role: str, name: str):
    """Someone who can sign in through the form (password tests/support/web.py's PASSWORD)."""
    return make_person(session, role, name=name, password=PASSWORD)


def world(session) -> dict:
    ina, _ = person(session, "inspector", "Ina Inspector")
    reviews = {
        "LATE": make_review(session, state="in_qa", inspector=ina, reference="ANY/LATE",
                            received_on=date(2026, 11, 13), due_on=date(2026, 12, 4)),
        "MONDAY": make_review(session, state="allocated", inspector=ina, reference="ANY/MONDAY",
                              received_on=date(2026, 11, 16), due_on=date(2026, 12, 7)),
        "XMAS": make_review(session, state="in_qa", inspector=ina, reference="ANY/XMAS",
                            received_on=date(2026, 12, 2), due_on=date(2026, 12, 24)),
        "FREE": make_review(session, state="selected_for_hmip", route="hmip", reference="ANY/FREE",
                            received_on=date(2026, 11, 30), due_on=date(2026, 12, 22)),
    }
    return {"ina": ina, **reviews}


def signed_in_as(app, user):
    client = app.test_client()
    assert sign_in(client, user).status_code == 302
    return client


def row(page, reference: str) -> str:
    """The words of the table row of one review."""
    html = page.get_data(as_text=True)
    start = html.index(f'data-reference="{reference}"')
    return " ".join(text_of(html[start:html.index("</tr>", start)]).split())


def text_of(html: str) -> str:
    import re

    return re.sub(r"<[^>]+>", " ", html)


def test_the_inspectors_tasks_on_a_saturday(app, session):
    with on(SATURDAY):
        w = world(session)
        page = signed_in_as(app, w["ina"]).get("/my-tasks")
        assert page.status_code == 200
        words = text(page)
        assert "You have 3 open reviews, 1 overdue. Soonest due first; today is 5 December 2026." in words
        assert "4 December 2026" in row(page, "ANY/LATE") and "Overdue" in row(page, "ANY/LATE")
        assert "working day" not in row(page, "ANY/LATE")  # 0 working days overdue: no count yet
        assert "1 working day remaining" in row(page, "ANY/MONDAY")
        assert "14 working days remaining" in row(page, "ANY/XMAS")


def test_the_inspectors_tasks_on_the_next_working_day(app, session):
    with on(MONDAY):
        w = world(session)
        page = signed_in_as(app, w["ina"]).get("/my-tasks")
        assert "today is 7 December 2026" in text(page)
        assert "1 working day overdue" in row(page, "ANY/LATE")
        assert "0 working days remaining" in row(page, "ANY/MONDAY")  # due today
        assert "13 working days remaining" in row(page, "ANY/XMAS")


def opened(app, session, url: str, role: str, name: str):
    """The page at ``url`` as a new person of ``role`` sees it, with the world's reviews: (page, token)."""
    world(session)
    user, token = person(session, role, name)
    page = signed_in_as(app, user).get(url)
    assert page.status_code == 200
    return page, token


def test_the_managers_dashboard_on_a_saturday(app, session):
    with on(SATURDAY):
        page, token = opened(app, session, "/dashboard", "manager", "Mona Manager")
        words = text(page)
        assert ("Today is 5 December 2026. 4 open QAs: 1 overdue, 1 due within 5 working days, "
                "1 not yet allocated.") in words
        html = page.get_data(as_text=True)
        for section, references in (("overdue", {"ANY/LATE"}), ("due-soon", {"ANY/MONDAY"}),
                                     ("unallocated", {"ANY/FREE"})):
            table = html.split(f'id="{section}"')[1].split("</table>")[0]
            assert {ref for ref in ("ANY/LATE", "ANY/MONDAY", "ANY/XMAS", "ANY/FREE") if ref in table} == references
        assert "From 1 April 2026 to 5 December 2026." in words  # the sampling year so far
        counts = app.test_client().get("/api/v1/open-qa", headers=auth(token)).get_json()["counts"]
        assert (counts["open"], counts["overdue"], counts["due_soon"], counts["unallocated"]) == (4, 1, 1, 1)


def test_the_central_teams_intake_on_a_bank_holiday(app, session):
    with on(BOXING_DAY_SUBSTITUTE):
        page, _ = opened(app, session, "/intake", "central_team", "Cen Central")
        assert "ANY/FREE" in text(page)
        # due Tuesday 22 December; of the days after it up to Monday 28 December only the 23rd and
        # the 24th are working days (the 25th and the 28th are bank holidays, the 26th and 27th a
        # weekend), so it is 2 working days overdue
        assert "2 working days overdue" in row(page, "ANY/FREE")


def test_the_year_so_far_on_christmas_day(app, session):
    with on(CHRISTMAS_DAY):
        received = [date(2026, 3, 31), date(2026, 4, 1), date(2026, 4, 6), date(2026, 9, 14), date(2026, 11, 30),
                    date(2026, 12, 21), date(2026, 12, 24)]
        for n, day in enumerate(received):
            add_qa(session, 900 + n, received_on=day, region="wales", rating="good", on_time=True)
        session.commit()
        manager, _ = person(session, "manager", "Mona Manager")
        client = signed_in_as(app, manager)
        words = text(client.get("/years/to-date"))
        # 31 March 2026 belongs to the year before; the other six to 2026 to 2027 so far
        assert "Year to date: 1 April 2026 to 25 December 2026" in words
        assert "Reviews quality assured by HMIP (n) 6" in words
        assert "From 1 April 2026 to 25 December 2026." in text(client.get("/dashboard"))


def test_the_sweep_records_nothing_on_a_weekend_or_bank_holiday_and_escalates_on_the_next_working_day(
        session):
    world(session)
    make_person(session, "manager", name="Mona Manager")
    for day in (SATURDAY, date(2026, 12, 6), CHRISTMAS_DAY, BOXING_DAY_SUBSTITUTE):
        with on(day):
            report = notifications.sweep(session, clock.today(), dispatch=None)
        assert (report.working_day, report.recorded) == (False, []), day
    assert session.scalars(select(Notification)).all() == []
    with on(MONDAY):
        report = notifications.sweep(session, clock.today(), dispatch=None)
    overdue = {(n.kind, n.key_day) for n in report.recorded if n.kind == "overdue"}
    assert report.working_day and overdue == {("overdue", MONDAY)}


def test_the_sweep_command_run_on_a_saturday_says_so(session, test_env):
    """The sfoflow command, started as beat's schedule would, on the tests' pinned clock."""
    world(session)
    make_person(session, "manager", name="Mona Manager")
    env = {**test_env, clock.ENV_AT: "2026-12-05 10:00", clock.ENV_SINCE: repr(clock.real_time()),
           "PYTHONPATH": str(clock.CHILD_PATH)}
    out = subprocess.run(sfoflow("sweep"), env=env, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.startswith("sweep for 2026-12-05 (not a working day): 0 review(s) considered, "
                                  "0 notification(s) recorded"), out.stdout
