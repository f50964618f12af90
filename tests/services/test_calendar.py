"""A new official bank holiday list recomputes the due dates of open reviews only, keeps a
manager's extension, and audits each change. `sfoflow due-date` prints the domain's examples.

Due dates below are counted by hand from a Thursday 27 April 2023 receipt:
    official list                      -> due
    as published (1 and 8 May off)     -> Mon 22 May 2023
    + a bank holiday on Wed 10 May     -> Tue 23 May
    + Wed 10 and Thu 11 May            -> Wed 24 May
    without the coronation (8 May)     -> Fri 19 May
"""
from __future__ import annotations

import json
import subprocess
from datetime import date

from click.testing import CliRunner
from sqlalchemy import select

from sfoflow.cli import cli
from sfoflow.models import AuditEvent, Review
from sfoflow.services import calendar as svc
from sfoflow.working_days import default_official_list
from tests.support.cli import sfoflow
from tests.support.core import DUE_ON, make_person, make_review

MAY = lambda d: date(2023, 5, d)  # noqa: E731
OPEN = ["received", "selected_for_hmip", "routed_to_hmpps", "allocated", "in_qa", "awaiting_sign_off"]
CLOSED = ["feedback_sent", "withdrawn"]


def with_days(*days, without=()):
    official = {d: t for d, t in default_official_list().items() if d not in without}
    official.update({d: "Hypothetical bank holiday" for d in days})
    return official


def dates(session, review_id):
    session.expire_all()
    r = session.get(Review, review_id)
    return r.original_due_on, r.due_on


def recomputed_events(session):
    session.expire_all()
    return session.scalars(select(AuditEvent).where(AuditEvent.action == "due_date_recomputed")
                           .order_by(AuditEvent.review_id)).all()


def test_open_reviews_move_closed_ones_do_not(session):
    admin, _ = make_person(session, "admin")
    reviews = {state: make_review(session, state=state) for state in OPEN + CLOSED}
    # received Mon 22 May, after the new day: due Tue 13 June (29 May is a bank holiday), unaffected
    later = make_review(session, state="selected_for_hmip", received_on=MAY(22), due_on=date(2023, 6, 13))
    summary = svc.refresh(session, with_days(MAY(10)), actor=admin, source="test list")
    session.commit()
    assert summary["changed"] is True and summary["reviews_recomputed"] == len(OPEN)
    assert summary["changes"]["added"] == [["2023-05-10", "Hypothetical bank holiday"]]
    for state in OPEN:
        assert dates(session, reviews[state].id) == (MAY(23), MAY(23)), state
    for state in CLOSED:
        assert dates(session, reviews[state].id) == (DUE_ON, DUE_ON), state
    assert dates(session, later.id) == (date(2023, 6, 13), date(2023, 6, 13))
    events = recomputed_events(session)
    assert sorted(e.review_id for e in events) == sorted(reviews[s].id for s in OPEN)
    for event in events:
        assert event.actor_id == admin.id and event.reason == "official bank holiday list changed"
        assert event.details["original_due_on"] == ["2023-05-22", "2023-05-23"]
        assert event.details["due_on"] == ["2023-05-22", "2023-05-23"]
        assert event.details["source"] == "test list"
        assert event.from_state == event.to_state == session.get(Review, event.review_id).state
    # the calendar in force is the new one
    assert svc.get_calendar(session).due_on(date(2023, 4, 27)) == MAY(23)


def test_an_extension_stands_unless_the_new_date_overtakes_it(session):
    extended = make_review(session, state="in_qa", original_due_on=DUE_ON, due_on=MAY(30))
    overtaken = make_review(session, state="in_qa", original_due_on=DUE_ON, due_on=MAY(23))  # by one day
    svc.refresh(session, with_days(MAY(10), MAY(11)))
    session.commit()
    assert dates(session, extended.id) == (MAY(24), MAY(30))
    # an extension must never make a review due sooner than the computed date
    assert dates(session, overtaken.id) == (MAY(24), MAY(24))
    events = {e.review_id: e.details for e in recomputed_events(session)}
    assert "due_on" not in events[extended.id]
    assert events[overtaken.id]["due_on"] == ["2023-05-23", "2023-05-24"]


def test_a_removed_holiday_brings_due_dates_forward(session):
    review = make_review(session, state="allocated")
    summary = svc.refresh(session, with_days(without=[MAY(8)]))
    session.commit()
    assert dates(session, review.id) == (MAY(19), MAY(19))
    assert [d for d, _t in summary["changes"]["removed"]] == ["2023-05-08"]


def test_the_same_list_twice_changes_nothing_the_second_time(session):
    review = make_review(session, state="allocated")
    svc.refresh(session, with_days(MAY(10)))
    session.commit()
    version = session.get(Review, review.id).version
    again = svc.refresh(session, with_days(MAY(10)))
    session.commit()
    assert again["changed"] is False and again["reviews_recomputed"] == 0
    assert len(recomputed_events(session)) == 1
    session.expire_all()
    assert session.get(Review, review.id).version == version


def test_calendar_refresh_command_from_a_file(session, test_env, tmp_path):
    review = make_review(session, state="allocated")
    events = [{"title": t, "date": d.isoformat(), "notes": "", "bunting": True}
              for d, t in sorted(with_days(MAY(10)).items())]
    path = tmp_path / "bank-holidays.json"
    path.write_text(json.dumps({"england-and-wales": {"division": "england-and-wales", "events": events}}))
    result = CliRunner(env=test_env).invoke(cli, ["calendar", "refresh", "--file", str(path)],
                                            catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert "added 1, removed 0, renamed 0; open reviews recomputed: 1" in result.stdout
    assert dates(session, review.id) == (MAY(23), MAY(23))


def test_due_date_command(test_env):
    """The installed `sfoflow` script, run as a person would: both of the domain's examples."""
    runs = {received: subprocess.Popen(sfoflow("due-date", received), env=test_env, text=True,
                                       stdout=subprocess.PIPE, stderr=subprocess.PIPE)
            for received in ("2023-04-27", "2023-04-29")}  # side by side: each starts the app
    printed = {}
    for received, run in runs.items():
        out, err = run.communicate(timeout=60)
        assert run.returncode == 0, err
        printed[received] = out.strip()
    assert printed == {"2023-04-27": "2023-05-22", "2023-04-29": "2023-05-24"}
