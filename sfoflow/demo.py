"""A realistic synthetic year of SFO reviews, for trying sfoflow out (``sfoflow demo``, ``sfoflow run``).

About 480 reviews over the 12 regions and the offence categories in roughly the proportions
of a real year, received over the past 12 months up to today (London), some high-profile, some
with parallel reviews; users for every role with a known demo password. Everything is drawn
from a seeded random generator, and reviews are registered through the intake service in
order of receipt, so the sampler and any other intake hook decide exactly as they would live.

Identity (reference, region, offence) does not depend on the day it is loaded: running it again,
today or next month, adds nothing that is already there. No real names: the people are
invented (trees and fruit), the addresses are on example.org.
"""
from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from . import reference
from .db import transaction
from .models import Review, User
from .services import lifecycle, reviews, users
from .services.calendar import get_calendar
from .services.errors import ServiceError
from .workflows import lifecycle as lc
from .working_days import WorkingCalendar, london_today

SEED = 20230427
REVIEWS_PER_YEAR = 480
DEMO_PASSWORD = "sfoflow-demo"
EMAIL_DOMAIN = "demo.example.org"

# (role, name, senior inspector?) — invented people; the first of each role is the one to sign in as.
PEOPLE = [
    (lc.CENTRAL_TEAM, "Cara Chestnut", False),
    (lc.CENTRAL_TEAM, "Colm Cherry", False),
    (lc.INSPECTOR, "Amber Ash", True),
    (lc.INSPECTOR, "Basil Birch", False),
    (lc.INSPECTOR, "Coral Cedar", True),
    (lc.INSPECTOR, "Dara Damson", False),
    (lc.INSPECTOR, "Ellis Elm", False),
    (lc.INSPECTOR, "Fern Fir", False),
    (lc.MANAGER, "Morgan Maple", False),
    (lc.MANAGER, "Milo Medlar", False),
    (lc.ADMIN, "Ada Alder", False),
]
INSPECTOR_CAPACITY = 12

# Rough shares of a year's SFO reviews: regions by caseload, offences as SFO statistics run
# (about half violent, a third sexual). Codes missing from config/ are ignored.
REGION_WEIGHTS = {
    "north_east": 6, "north_west": 10, "yorkshire_humber": 10, "greater_manchester": 8,
    "east_midlands": 8, "west_midlands": 10, "east_of_england": 8, "london": 13,
    "kent_surrey_sussex": 8, "south_west": 6, "south_central": 6, "wales": 7,
}
OFFENCE_WEIGHTS = {
    "homicide": 24, "attempted_murder": 8, "other_serious_violence": 16, "rape_serious_sexual": 24,
    "sexual_offences_children": 12, "arson_endangering_life": 5, "kidnapping_abduction": 4,
    "other_qualifying": 7,
}
# Which parallel reviews tend to run beside which offences.
PARALLEL_BY_OFFENCE = {
    "homicide": ["domestic_homicide_review", "mappa_serious_case_review", "internal_hr_investigation"],
    "attempted_murder": ["domestic_homicide_review", "mappa_serious_case_review"],
    "sexual_offences_children": ["child_safeguarding_practice_review", "mappa_serious_case_review"],
    "rape_serious_sexual": ["safeguarding_adults_review", "mappa_serious_case_review"],
}
WITHDRAWN_SHARE = 0.015


class DemoRefused(RuntimeError):
    pass


@dataclass(frozen=True)
class PlannedReview:
    reference: str
    region: str
    offence_category: str
    position: float  # 0 = a year ago, 1 = today
    weekend: bool  # arrives on a non-working day (the 15-day clock then starts the next one)
    is_high_profile: bool
    parallel_reviews: tuple[tuple[str, str], ...]
    fate: float  # drawn once, decides how far through the lifecycle the review has gone


@dataclass
class Summary:
    users_created: int = 0
    reviews_created: int = 0
    actions: dict[str, int] = field(default_factory=dict)
    skipped: dict[str, int] = field(default_factory=dict)  # "action: reason" -> count

    def lines(self) -> list[str]:
        out = [f"demo: {self.users_created} user(s) and {self.reviews_created} review(s) added"]
        out += [f"  {action}: {n}" for action, n in sorted(self.actions.items())]
        out += [f"  skipped {why} ({n})" for why, n in sorted(self.skipped.items())]
        return out


def email_for(name: str) -> str:
    return f"{name.lower().replace(' ', '.')}@{EMAIL_DOMAIN}"


def plan(seed: int = SEED, count: int = REVIEWS_PER_YEAR) -> list[PlannedReview]:
    """The year's reviews in order of arrival. Depends only on the seed, never on today."""
    rng = random.Random(seed)
    regions = [r for r in REGION_WEIGHTS if r in reference.regions()]
    offences = [o for o in OFFENCE_WEIGHTS if o in reference.offence_categories()]
    drawn = []
    for _ in range(count):
        region = rng.choices(regions, [REGION_WEIGHTS[r] for r in regions])[0]
        offence = rng.choices(offences, [OFFENCE_WEIGHTS[o] for o in offences])[0]
        position = rng.random()
        weekend = rng.random() < 0.03
        high_profile = rng.random() < (0.15 if offence == "homicide" else 0.04)
        parallel = []
        for kind in PARALLEL_BY_OFFENCE.get(offence, []):
            if rng.random() < (0.22 if kind != "mappa_serious_case_review" else 0.06):
                parallel.append((kind, rng.choice(["planned", "in_progress", "in_progress", "completed"])))
        if rng.random() < 0.03:
            parallel.append(("other", "in_progress"))
        drawn.append((position, region, offence, weekend, high_profile, tuple(parallel), rng.random()))
    drawn.sort(key=lambda d: d[0])
    numbers: dict[str, int] = {}
    planned = []
    for position, region, offence, weekend, high_profile, parallel, fate in drawn:
        numbers[region] = numbers.get(region, 0) + 1
        provider = reference.regions()[region]["provider_code"]
        planned.append(PlannedReview(f"DEMO/{provider}/{numbers[region]:03d}", region, offence, position,
                                     weekend, high_profile, parallel, fate))
    return planned


def received_on(item: PlannedReview, today: date, calendar: WorkingCalendar) -> date:
    """A day in the 12 months up to ``today``: a working day unless the review came in at a weekend."""
    start = today - timedelta(days=364)
    day = start + timedelta(days=round(item.position * 364))
    if item.weekend:
        while day.weekday() < 5 and day > start:
            day -= timedelta(days=1)
        return day
    while not calendar.is_working_day(day) and day > start:
        day -= timedelta(days=1)
    if not calendar.is_working_day(day):  # ran into the window's start: go forward instead
        day = calendar.next_working_day(day)
    return min(day, today)


def load(session: Session, *, production: bool, today: date | None = None, seed: int = SEED,
         count: int = REVIEWS_PER_YEAR) -> Summary:
    """Add whatever of the demo year is missing. Each review commits on its own."""
    if production:
        raise DemoRefused("demo data (users with a published password) is never loaded in production")
    today = today or london_today()
    calendar = get_calendar(session)
    summary = Summary()
    people = _ensure_users(session, summary)
    central = people[lc.CENTRAL_TEAM][0]
    created = []
    items = sorted(plan(seed, count), key=lambda i: (received_on(i, today, calendar), i.position))
    existing = set(session.scalars(select(Review.reference).where(Review.reference.like("DEMO/%"))))
    from .schemas.reviews import review_create_schema

    schema = review_create_schema(today)
    for item in items:
        if item.reference in existing:
            continue
        payload = schema.load({
            "reference": item.reference, "region": item.region, "offence_category": item.offence_category,
            "received_on": received_on(item, today, calendar).isoformat(),
            "is_high_profile": item.is_high_profile,
            "parallel_reviews": [{"type": t, "status": s} for t, s in item.parallel_reviews],
            "local_team_email": f"sfo.{item.region.replace('_', '.')}@{EMAIL_DOMAIN}",
        })
        with transaction(session):
            review = reviews.register(session, payload, central, calendar=calendar)
        created.append((review.id, item))
        summary.reviews_created += 1
    for review_id, item in created:
        _progress(session, session.get(Review, review_id), item, people, today, calendar, summary)
    return summary


def _ensure_users(session: Session, summary: Summary) -> dict[str, list[User]]:
    people: dict[str, list[User]] = {}
    for role, name, senior in PEOPLE:
        email = email_for(name)
        user = session.scalar(select(User).where(User.email == email))
        if user is None:
            with transaction(session):
                user = users.create_user(session, email=email, role=role, name=name, password=DEMO_PASSWORD,
                                         is_senior=senior,
                                         capacity=INSPECTOR_CAPACITY if role == lc.INSPECTOR else None)
            summary.users_created += 1
        people.setdefault(role, []).append(user)
    return people


def _progress(session, review: Review, item: PlannedReview, people, today: date, calendar: WorkingCalendar,
              summary: Summary) -> None:
    """Move a new review as far as a real one of its age would have gone (where the features exist)."""
    central, manager = people[lc.CENTRAL_TEAM][0], people[lc.MANAGER][0]
    age = calendar.working_days_between(review.received_on, today)  # working days since receipt
    if item.fate < WITHDRAWN_SHARE:
        _act(session, review, "withdraw", central, summary,
             reason="Withdrawn by the region: the review is being rewritten (demo data)")
        return
    if review.state != lc.SELECTED_FOR_HMIP or age < 1 or item.fate > 0.97:
        return  # not in the HMIP sample, too new to allocate, or waiting for an inspector
    inspector = _pick_inspector(session, people[lc.INSPECTOR], review)
    steps = [("allocate", central, {"inspector_id": inspector.id}, 1),
             ("start", inspector, {}, 3),
             ("submit", inspector, {}, 11),
             ("approve", manager, {}, 13)]
    for action, actor, data, min_age in steps:
        if age < min_age or not _act(session, review, action, actor, summary, **data):
            return


def _pick_inspector(session: Session, inspectors: list[User], review: Review) -> User:
    """The least-loaded inspector who may take it (a senior one for a high-profile case)."""
    eligible = [i for i in inspectors if i.is_senior or not review.is_high_profile] or inspectors
    load = dict(session.execute(
        select(Review.inspector_id, func.count()).where(Review.state.in_(lc.HMIP_OPEN_STATES),
                                                        Review.inspector_id.is_not(None))
        .group_by(Review.inspector_id)).all())
    return min(eligible, key=lambda i: (load.get(i.id, 0), i.id))


def _act(session: Session, review: Review, action: str, actor: User, summary: Summary, **data) -> bool:
    """Apply one action; a refusal (say, a feature that is not built yet) is counted and skipped."""
    try:
        with transaction(session):
            lifecycle.apply_action(session, review, action, actor, version=review.version, data=data)
    except ServiceError as exc:
        why = f"{action}: {exc.message[:100]}"  # the first reason is enough for a summary
        summary.skipped[why] = summary.skipped.get(why, 0) + 1
        session.refresh(review)
        return False
    summary.actions[action] = summary.actions.get(action, 0) + 1
    return True


def has_data(session: Session) -> bool:
    """Whether the database already holds reviews or users (then ``sfoflow run`` loads nothing)."""
    return bool(session.scalar(select(func.count()).select_from(Review))
                or session.scalar(select(func.count()).select_from(User)))


def logins(session: Session) -> list[tuple[str, str]]:
    """(role, email) of the first demo user of each role whose demo password still works."""
    out = []
    for role in lc.ROLES:
        name = next(n for r, n, _ in PEOPLE if r == role)
        if users.check_password(session, email_for(name), DEMO_PASSWORD) is not None:
            out.append((role, email_for(name)))
    return out
