"""``sfoflow demo``: a realistic synthetic year, loaded through the intake service, never twice."""
from __future__ import annotations

import json
import os
import subprocess
from collections import Counter
from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from sfoflow import demo
from sfoflow.models import AuditEvent, ParallelReview, Review, User
from sfoflow.models.assessment import QaReport
from sfoflow.services import users as user_service
from tests.support import clock
from tests.support.cli import sfoflow

ROOT = Path(__file__).resolve().parent.parent
TODAY = date(2024, 6, 14)  # a Friday; the year shown runs from mid-June 2023


def _config(name: str, key: str) -> set[str]:
    return {item["code"] for item in json.loads((ROOT / "config" / name).read_text())[key]}


def _counts(session) -> dict[str, int]:
    return {model.__name__: session.scalar(select(func.count()).select_from(model))
            for model in (Review, User, AuditEvent, ParallelReview)}


def test_the_demo_year(session):
    """One load (it takes seconds), then each property in turn."""
    loaded = demo.load(session, production=False, today=TODAY)
    check_a_realistic_year_over_every_region_and_offence(session, loaded)
    check_registered_through_intake_in_order_of_receipt_by_the_central_team(session)
    check_users_for_every_role_sign_in_with_the_demo_password(session)
    check_hmip_sample_is_allocated_and_on_the_way(session)
    check_running_it_twice_or_a_month_later_adds_nothing(session)


def check_a_realistic_year_over_every_region_and_offence(session, loaded):
    items = session.scalars(select(Review)).all()
    assert loaded.reviews_created == len(items) == 480
    assert all(r.reference.startswith("DEMO/") for r in items)
    regions = Counter(r.region for r in items)
    assert set(regions) == _config("regions.json", "regions")
    assert min(regions.values()) >= 15  # every region has a real share (480 / 12 = 40 on average)
    assert regions["london"] > regions["north_east"]  # the biggest region outnumbers the smallest
    assert set(r.offence_category for r in items) == _config("offence_categories.json", "offence_categories")

    start = TODAY - timedelta(days=364)
    assert all(start <= r.received_on <= TODAY for r in items)
    months = Counter((r.received_on.year, r.received_on.month) for r in items)
    assert len(months) >= 12 and min(n for (y, m), n in months.items() if (y, m) not in {
        (start.year, start.month), (TODAY.year, TODAY.month)}) >= 20
    weekend = sum(r.received_on.weekday() >= 5 for r in items)
    assert 0 < weekend < 0.06 * len(items)  # mostly working days, the odd one at a weekend

    high_profile = sum(r.is_high_profile for r in items)
    with_parallel = sum(bool(r.parallel_reviews) for r in items)
    assert 0.02 * len(items) < high_profile < 0.15 * len(items)
    assert 0.05 * len(items) < with_parallel < 0.40 * len(items)


def check_registered_through_intake_in_order_of_receipt_by_the_central_team(session):
    central = session.scalar(select(User).where(User.email == demo.email_for("Cara Chestnut")))
    events = session.execute(
        select(AuditEvent.actor_id, Review.received_on).join(Review, AuditEvent.review_id == Review.id)
        .where(AuditEvent.action == "register").order_by(AuditEvent.id)).all()
    assert len(events) == 480
    assert {actor for actor, _ in events} == {central.id}
    received = [day for _, day in events]
    assert received == sorted(received)


def check_users_for_every_role_sign_in_with_the_demo_password(session):
    roles = {u.role for u in session.scalars(select(User))}
    assert roles == {"central_team", "inspector", "manager", "admin"}
    logins = demo.logins(session)
    assert [role for role, _ in logins] == ["central_team", "inspector", "manager", "admin"]
    for _role, email in logins:
        assert email.endswith("@demo.example.org")
        assert user_service.check_password(session, email, demo.DEMO_PASSWORD) is not None


def check_hmip_sample_is_allocated_and_on_the_way(session):
    hmip = session.scalars(select(Review).where(Review.route == "hmip")).all()
    assert 0.15 * 480 < len(hmip) < 0.25 * 480  # about 20%, as the sampler draws
    # Reviews received today are too new to allocate; older ones mostly have an inspector.
    older = [r for r in hmip if r.received_on < TODAY and r.state != "withdrawn"]
    allocated = [r for r in older if r.inspector_id is not None]
    assert len(allocated) >= 0.8 * len(older)
    inspectors = {u.id: u for u in session.scalars(select(User).where(User.role == "inspector"))}
    assert {r.inspector_id for r in allocated} <= set(inspectors)
    assert len({r.inspector_id for r in allocated}) == len(inspectors)  # the work is shared out
    assert all(inspectors[r.inspector_id].is_senior for r in allocated if r.is_high_profile)
    assert any(r.state == "in_qa" for r in allocated)  # inspectors have started some


def check_running_it_twice_or_a_month_later_adds_nothing(session):
    before = _counts(session)
    again = demo.load(session, production=False, today=TODAY)
    later = demo.load(session, production=False, today=TODAY + timedelta(days=45))
    assert (again.users_created, again.reviews_created) == (0, 0)
    assert (later.users_created, later.reviews_created) == (0, 0)
    assert _counts(session) == before


def test_the_plan_does_not_depend_on_the_day():
    assert demo.plan() == demo.plan()
    assert len({p.reference for p in demo.plan()}) == 480


def test_refused_in_production(session):
    with pytest.raises(demo.DemoRefused):
        demo.load(session, production=True, today=TODAY)
    assert _counts(session)["User"] == 0


def test_the_demo_command_refuses_in_production(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("SFOFLOW_")}
    env.update(SFOFLOW_ENV="production", SFOFLOW_SECRET_KEY="hQ7vN2xL9pR4tW8zK3mB6cF1yD5gJ0sA",
               SFOFLOW_SAMPLING_KEY="Ub4Ze9Xo2Pi7Ky1Lt6Rw3Qn8Vc5Hm0Ja", SFOFLOW_INSTANCE_DIR=str(tmp_path))
    result = subprocess.run(sfoflow("demo"), env=env, cwd=ROOT,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode != 0
    assert "never loaded in production" in result.stderr


def test_the_demo_command_lays_the_year_around_the_day_it_is_given(session, test_env):
    """``sfoflow demo --today``: the substitute Boxing Day holiday, Monday 28 December 2026. The
    year's newest review is received by then, and someone is away on it (an absence that spans a
    bank holiday counts on it)."""
    from sfoflow.models.allocation import Absence

    result = subprocess.run(sfoflow("demo", "--today", "2026-12-28"), env=test_env, cwd=ROOT,
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    newest = session.scalar(select(func.max(Review.received_on)))
    assert date(2026, 12, 14) <= newest <= date(2026, 12, 28)
    away = session.scalars(select(Absence).where(Absence.from_date <= date(2026, 12, 28),
                                                 Absence.to_date >= date(2026, 12, 28))).all()
    assert len(away) == 1


# Days the demo must look right on, laid around each and opened on each (the clock pinned there),
# and the tests' own today (real, or pinned by --at in .ci/run's run over awkward days).
AWKWARD_DAYS = [
    date(2026, 12, 6),  # a Sunday
    date(2026, 12, 28),  # the substitute bank holiday for Boxing Day, which fell on a Saturday
    date(2027, 3, 29),  # Easter Monday
    pytest.param(None, id="today", marks=pytest.mark.dated),  # the tests' clock
]


@pytest.mark.parametrize("day", AWKWARD_DAYS, ids=lambda d: d.isoformat())
def test_after_the_demo_the_years_figures_look_like_a_real_year(session, client, day):
    """Issue 15: after ``sfoflow demo`` the API's year figures show timeliness between 60% and
    95%, fewer than 10% of open QAs overdue, a review in every state a review rests in, and
    inspectors with spare capacity and absences. (``received`` is left at intake by the sampler,
    so no review rests there.) Issue 25: on whatever day it is laid around, a weekend or a bank
    holiday included."""
    import time_machine

    from tests.support.deadlines import at

    if day is None:
        today = clock.today()
        demo.load(session, production=False, today=today)
        check_the_figures_look_like_a_real_year(session, client, today)
        return
    with time_machine.travel(at(day, 12), tick=True):
        demo.load(session, production=False, today=day)
        check_the_figures_look_like_a_real_year(session, client, day)


def check_the_figures_look_like_a_real_year(session, client, today):
    from sfoflow.models.allocation import Absence
    from tests.support.core import auth, make_person

    _manager, token = make_person(session, "manager")

    answer = client.get("/api/v1/timeliness", headers=auth(token))
    assert answer.status_code == 200, answer.get_json()
    year = answer.get_json()["overall"]
    assert year["due"] >= 60  # a year of HMIP QAs (about 20% of 480) has fallen due
    assert 0.60 <= year["share_on_time"] <= 0.95
    assert year["late"] > 0  # some were late

    open_qa = client.get("/api/v1/open-qa", headers=auth(token)).get_json()
    assert open_qa["counts"]["open"] >= 4
    assert open_qa["counts"]["overdue"] < 0.10 * open_qa["counts"]["open"]

    states = {r.state for r in session.scalars(select(Review))}
    assert states == {"selected_for_hmip", "routed_to_hmpps", "allocated", "in_qa", "awaiting_sign_off",
                      "feedback_sent", "withdrawn"}

    workload = client.get("/api/v1/workload", headers=auth(token)).get_json()["items"]
    assert all(person["spare"] > 0 for person in workload)
    assert any(person["absent_today"] for person in workload)
    assert session.scalar(select(func.count()).select_from(Absence)) >= 2

    ratings = Counter(r.overall_rating for r in session.scalars(select(QaReport)))
    assert len(ratings) >= 3  # varied judgements, not one rating for every review

    # the replayed past's emails went out on their day: the first sweep sends only today's
    from sfoflow.models.notifications import Notification
    pending = session.scalars(select(Notification).where(Notification.status == "pending")).all()
    assert all(n.key_day >= today for n in pending)
    assert session.scalar(select(func.count()).select_from(Notification)) > 100  # they were recorded
