"""A year of the demo's reviews with the clock moved day by day: the notifications recorded are
exactly the ones the rules call for, computed independently here.

The year's reviews come from the demo plan (sfoflow.demo), registered through intake on their
day of receipt so that the real sampler decides which go to HMIP. Each selected review then
follows a seeded life (allocation after 0-3 working days, sometimes much later; some
reallocated, extended, withdrawn, sent late). Every day: that day's events at 10:00 London
time, then one sweep. The expected set is computed from the same life with this file's own
working-day arithmetic over the govuk-bank-holidays package's official list.
"""
from __future__ import annotations

import random
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import select

from sfoflow import demo
from sfoflow.models import Review
from sfoflow.models.notifications import Notification
from sfoflow.services import lifecycle, notifications, reviews
from sfoflow.services.calendar import get_calendar
from sfoflow.working_days import london_today
from tests.support import clock as tests_clock
from tests.support.core import make_person
from tests.support.deadlines import at, clock, days, is_working, next_working, remaining, working_after, working_before

YEAR_START, YEAR_END = date(2023, 4, 1), date(2024, 3, 31)
THRESHOLDS = (5, 2, 0)
HELD = {"allocated", "in_qa"}
OPEN = {"selected_for_hmip", "allocated", "in_qa", "awaiting_sign_off"}
DUE_SOON = 5


@dataclass
class Life:
    """One selected review's events, as (day, what, detail), and its day of selection."""
    review_id: int
    reference: str
    selected_on: date
    due_on: date
    high_profile: bool
    events: list = field(default_factory=list)


def plan_life(rng: random.Random, review: Review, selected_on: date, inspectors, seniors, *,
              withdraw: bool = False) -> Life:
    life = Life(review.id, review.reference, selected_on, review.due_on, review.is_high_profile)
    pool = seniors if review.is_high_profile else inspectors
    delay = rng.choices([0, 1, 2, 3, 18], [30, 35, 15, 12, 8])[0]  # 18: allocated only once overdue
    day = working_after(next_working(selected_on), delay) if delay else next_working(selected_on)
    inspector = rng.choice(pool)
    life.events.append((day, "allocate", inspector))
    if rng.random() < 0.1:
        day = working_after(day, 2)
        inspector = rng.choice([p for p in pool if p is not inspector] or pool)
        life.events.append((day, "reallocate", inspector))
    day = working_after(day, 1)
    life.events.append((day, "start", inspector))
    if withdraw:
        life.events.append((working_after(day, 2), "withdraw", None))
        return life
    due = review.due_on
    if rng.random() < 0.1 and working_before(due, 3) > day:
        day = working_before(due, 3)
        due = working_after(due, 5)
        life.events.append((day, "extend", due))
    sent = working_after(due, rng.randint(-8, 6)) if rng.random() < 0.9 else working_after(due, 12)
    sent = max(sent, working_after(day, 2))
    if rng.random() < 0.5:
        life.events.append((working_before(sent, 1), "await_sign_off", None))
    life.events.append((sent, "send", None))
    return life


def apply(session, review: Review, what: str, detail, people) -> None:
    central, manager = people["central"][0], people["managers"][0]
    if what in ("allocate", "reallocate"):
        lifecycle.apply_action(session, review, what, central if what == "allocate" else manager,
                               version=review.version,
                               data={"inspector_id": detail.id, "reason": "workload" if what == "reallocate" else None})
    elif what == "start":
        lifecycle.apply_action(session, review, "start", session.get(type(detail), review.inspector_id),
                               version=review.version)
    elif what == "withdraw":
        lifecycle.apply_action(session, review, "withdraw", central, version=review.version,
                               data={"reason": "withdrawn by the region"})
    elif what == "extend":
        reviews.grant_extension(session, review, detail, "parallel DHR evidence awaited", manager, review.version)
    elif what == "await_sign_off":  # the QA form itself is another area's; its outcome is the state
        review.state = "awaiting_sign_off"
    elif what == "send":
        review.state = "feedback_sent"
        review.sent_at = at(tests_clock.today(), 10)
    session.commit()


# --- the expected notifications, from the lives alone --------------------------------------------

def states_by_day(life: Life, last: date):
    """(day, state, due, inspector id, allocation day) at the end of each day from selection."""
    events = defaultdict(list)
    for day, what, detail in life.events:
        events[day].append((what, detail))
    state, due, inspector, allocated_on = "selected_for_hmip", life.due_on, None, None
    for d in days(life.selected_on, last):
        for what, detail in events.get(d, []):
            if what in ("allocate", "reallocate"):
                state, inspector, allocated_on = "allocated", detail.id, d
            elif what == "start":
                state = "in_qa"
            elif what == "withdraw":
                state = "withdrawn"
            elif what == "extend":
                due = detail
            elif what == "await_sign_off":
                state = "awaiting_sign_off"
            elif what == "send":
                state = "feedback_sent"
        yield d, state, due, inspector, allocated_on
        if state in ("withdrawn", "feedback_sent"):
            return


def expected_keys(lives: list[Life], last: date, managers, central) -> set[tuple]:
    expected, digest_days = set(), set()
    for life in lives:
        alert_day = working_after(next_working(life.selected_on), 1)
        for day, what, detail in life.events:
            if what in ("allocate", "reallocate"):
                expected.add(("allocated", life.review_id, day, detail.id))
        for d, state, due, inspector, allocated_on in states_by_day(life, last):
            if not is_working(d):
                continue
            if state in HELD and d <= due:
                left = remaining(due, d)
                window = min((t for t in THRESHOLDS if t >= left), default=None)
                if window is not None:
                    key_day = working_before(due, window)
                    if allocated_on < key_day:
                        expected.add(("reminder", life.review_id, key_day, inspector))
            if state in OPEN and d > due:
                expected.update(("overdue", life.review_id, d, m.id) for m in managers)
            if state == "selected_for_hmip" and d >= alert_day:
                expected.update(("unallocated", life.review_id, alert_day, c.id) for c in central)
            if state in OPEN and (due < d or remaining(due, d) <= DUE_SOON):
                digest_days.add(d)
    expected.update(("digest", None, d, m.id) for d in digest_days for m in managers)
    return expected


def test_a_year_day_by_day_records_exactly_the_expected_notifications(session):
    people = {"inspectors": [make_person(session, "inspector", name=f"Inspector {i}", is_senior=i < 2)[0]
                             for i in range(6)],
              "managers": [make_person(session, "manager", name=f"Manager {i}")[0] for i in range(2)],
              "central": [make_person(session, "central_team", name=f"Central {i}")[0] for i in range(2)]}
    seniors = people["inspectors"][:2]
    calendar = get_calendar(session)
    arrivals = defaultdict(list)
    for item in demo.plan():
        arrivals[demo.received_on(item, YEAR_END, calendar)].append(item)
    rng = random.Random(20230401)
    lives: dict[int, Life] = {}
    todo = defaultdict(list)  # day -> [(review id, what, detail)]
    last = YEAR_END
    d = min(arrivals)
    while d <= last:
        with clock(d, 10):
            for item in arrivals.get(d, []):
                review = reviews.register(session, {
                    "reference": item.reference, "region": item.region, "offence_category": item.offence_category,
                    "received_on": d, "provider": None, "is_high_profile": item.is_high_profile,
                    "parallel_reviews": [], "local_team_email": "sfo@example.org"}, people["central"][0])
                session.commit()
                if review.state == "selected_for_hmip":
                    life = plan_life(rng, review, d, people["inspectors"], seniors,
                                     withdraw=len(lives) % 30 == 7)  # a few are withdrawn
                    lives[review.id] = life
                    for day, what, detail in life.events:
                        todo[day].append((review.id, what, detail))
                        last = max(last, day + timedelta(days=3))
            for review_id, what, detail in todo.pop(d, []):
                apply(session, session.get(Review, review_id), what, detail, people)
        with clock(d, 18):
            notifications.sweep(session, d, now=at(d, 18), dispatch=None)
        d += timedelta(days=1)

    assert 70 <= len(lives) <= 130, len(lives)  # about a fifth of the year's 480 reviews
    session.expire_all()
    # The sweep's notices and the allocation notice; the event notices (reallocated, extension
    # granted, ...) are tested in tests/services/test_event_notices.py.
    rows = session.scalars(select(Notification).where(Notification.kind.in_(
        ["allocated", "reminder", "overdue", "unallocated", "digest"]))).all()
    got = {(n.kind, n.review_id, n.key_day, n.recipient_id) for n in rows}
    expected = expected_keys(list(lives.values()), last, people["managers"], people["central"])
    assert got == expected, (f"missing {sorted(expected - got, key=str)[:10]}; "
                             f"unexpected {sorted(got - expected, key=str)[:10]}")
    assert len(rows) == len(got)  # exactly once each
    # and each on its own day: a sweep every day sends nothing late
    late = [(n.kind, n.key_day, london_today(n.created_at)) for n in rows if london_today(n.created_at) != n.key_day]
    assert late == []
    assert sum(1 for life in lives.values() for _d, what, _x in life.events if what == "withdraw") >= 2
    kinds = {k for k, *_ in got}
    assert kinds == {"allocated", "reminder", "overdue", "unallocated", "digest"}
