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
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from . import reference
from .db import transaction
from .models import Review, User
from .services import lifecycle, reviews, users
from .services.calendar import get_calendar
from .services.context import CLOCK, DISPATCHER
from .services.dispatch import NoDispatcher
from .services.errors import ServiceError
from .workflows import lifecycle as lc
from .working_days import LONDON, WorkingCalendar, london_today

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
# Open QAs each inspector can hold (part-timers fewer); anyone not listed has the default.
INSPECTOR_CAPACITY = {"Amber Ash": 6, "Basil Birch": 5, "Coral Cedar": 6, "Dara Damson": 3, "Ellis Elm": 5,
                      "Fern Fir": 4}

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


def load(session: Session, *, production: bool, today: date | None = None, now: datetime | None = None,
         seed: int = SEED, count: int = REVIEWS_PER_YEAR) -> Summary:
    """Add whatever of the demo year is missing. Each review commits on its own.

    The year is laid around ``today`` (default: the London date of ``now``), and nothing is
    recorded later than ``now`` (default: the clock, or the end of ``today`` when that is another
    day), so the demo can be laid around any day: a weekend, a bank holiday, a day in the past."""
    if production:
        raise DemoRefused("demo data (users with a published password) is never loaded in production")
    # The replayed past sends no task to a worker (its emails are recorded as sent); today's
    # notices stay pending and the next sweep hands them over.
    dispatcher = session.info.get(DISPATCHER)
    session.info[DISPATCHER] = NoDispatcher()
    try:
        return _load(session, *_today_and_now(today, now), seed, count)
    finally:
        if dispatcher is None:
            session.info.pop(DISPATCHER, None)
        else:
            session.info[DISPATCHER] = dispatcher


def _today_and_now(today: date | None, now: datetime | None) -> tuple[date, datetime]:
    clock = now or datetime.now(UTC)
    if today is None:
        return london_today(clock), clock
    if now is None and london_today(clock) != today:
        clock = datetime.combine(today, time(23, 59), tzinfo=LONDON).astimezone(UTC)
    return today, clock


def _load(session: Session, today: date, now: datetime, seed: int, count: int) -> Summary:
    calendar = get_calendar(session)
    summary = Summary()
    people = _ensure_users(session, summary)
    _ensure_absences_and_conflicts(session, people, today, calendar, summary)
    central = people[lc.CENTRAL_TEAM][0]
    created = []
    items = sorted(plan(seed, count), key=lambda i: (received_on(i, today, calendar), i.position))
    existing = set(session.scalars(select(Review.reference).where(Review.reference.like("DEMO/%"))))
    from .schemas.reviews import review_create_schema

    schema = review_create_schema(today)
    for item in items:
        if item.reference in existing:
            continue
        received = received_on(item, today, calendar)
        payload = schema.load({
            "reference": item.reference, "region": item.region, "offence_category": item.offence_category,
            "received_on": received.isoformat(),
            "is_high_profile": item.is_high_profile,
            "parallel_reviews": [{"type": t, "status": s} for t, s in item.parallel_reviews],
            "local_team_email": f"sfo.{item.region.replace('_', '.')}@{EMAIL_DOMAIN}",
        })
        with _clock(session, _moment(received, 9, today, now)), transaction(session):
            review = reviews.register(session, payload, central, calendar=calendar)
        created.append((review.id, item))
        summary.reviews_created += 1
    journeys = _journeys(session, created, today, calendar, seed)
    for review_id, item in created:
        _progress(session, session.get(Review, review_id), item, journeys.get(review_id), people, today, now,
                  calendar, summary)
    _past_emails_were_sent(session, today, summary)
    return summary


def _past_emails_were_sent(session: Session, today: date, summary: Summary) -> None:
    """The emails of the replayed past (allocation notices, reports, ...) went out on their day:
    recorded as delivered, so the first sweep sends only what is due now. Today's stay pending."""
    from sqlalchemy import update

    from .deadlines.delivery import DELIVERED, PENDING
    from .models.notifications import Notification

    with transaction(session):
        done = session.execute(update(Notification).where(Notification.status == PENDING,
                                                          Notification.key_day < today)
                               .values(status=DELIVERED, delivered_at=Notification.created_at)).rowcount
    if done:
        summary.actions["past emails recorded as sent"] = done


# --- the people's year: absences, conflicts ------------------------------------------------------

# (inspector, first working day counted from the last working day on or before today, working
# days) - some away now (over a weekend or bank holiday too), some soon, one back.
ABSENCES = [("Basil Birch", 3, 5, "Annual leave (demo data)"),
            ("Dara Damson", 0, 2, "Training course (demo data)"),
            ("Fern Fir", -15, 10, "Annual leave (demo data)")]
# (inspector, region): a recorded conflict of interest.
CONFLICTS = [("Ellis Elm", "london", "Previously worked in the London probation region (demo data)")]


def _ensure_absences_and_conflicts(session: Session, people, today: date, calendar: WorkingCalendar,
                                   summary: Summary) -> None:
    from .models.allocation import Absence, ConflictOfInterest
    from .services import allocation

    admin = people[lc.ADMIN][0]
    by_name = {u.name: u for u in people[lc.INSPECTOR]}
    for name, offset, days, reason in ABSENCES:
        user = by_name.get(name)
        if user is None or session.scalar(select(func.count()).select_from(Absence)
                                          .where(Absence.inspector_id == user.id)):
            continue
        anchor = today if calendar.is_working_day(today) else calendar.add_working_days(today, -1)
        first = calendar.add_working_days(anchor, offset)
        last = calendar.add_working_days(first, days - 1)
        with transaction(session):
            allocation.add_absence(session, user.id, {"from_date": first, "to_date": last, "reason": reason}, admin)
        summary.actions["record absence"] = summary.actions.get("record absence", 0) + 1
    for name, region, reason in CONFLICTS:
        user = by_name.get(name)
        if user is None or session.scalar(select(func.count()).select_from(ConflictOfInterest)
                                          .where(ConflictOfInterest.inspector_id == user.id)):
            continue
        with transaction(session):
            allocation.add_conflict(session, user.id, {"region": region, "reason": reason}, admin)
        summary.actions["record conflict"] = summary.actions.get("record conflict", 0) + 1


# --- the clock: what happened on a past day is recorded on that day ------------------------------

def _moment(day: date, hour: int, today: date, now: datetime) -> datetime:
    """``hour`` o'clock London time on ``day`` (never later than ``now``), as aware UTC."""
    moment = datetime.combine(day, time(hour, 0), tzinfo=LONDON).astimezone(UTC)
    return min(moment, now) if day >= today else moment


@contextmanager
def _clock(session: Session, moment: datetime):
    session.info[CLOCK] = lambda: moment
    try:
        yield
    finally:
        session.info.pop(CLOCK, None)


def _ensure_users(session: Session, summary: Summary) -> dict[str, list[User]]:
    people: dict[str, list[User]] = {}
    for role, name, senior in PEOPLE:
        email = email_for(name)
        user = session.scalar(select(User).where(User.email == email))
        if user is None:
            with transaction(session):
                user = users.create_user(session, email=email, role=role, name=name, password=DEMO_PASSWORD,
                                         is_senior=senior,
                                         capacity=INSPECTOR_CAPACITY.get(name, 6) if role == lc.INSPECTOR else None)
            summary.users_created += 1
        people.setdefault(role, []).append(user)
    return people


# --- each sampled review's journey through the QA ----------------------------------------------

@dataclass
class Journey:
    """The steps a sampled review takes: (action, working days after receipt), in order; only
    the steps whose day has come are taken."""

    start: date  # the working day the 15-day clock starts from
    steps: list[tuple[str, int]]
    rng_seed: str
    tone: str | None = None  # EXEMPLARY or POOR: a review written unusually well or badly

    def day(self, calendar: WorkingCalendar, n: int) -> date:
        return calendar.add_working_days(self.start, n) if n > 0 else self.start

    def done(self, calendar: WorkingCalendar, today: date) -> list[tuple[str, int]]:
        return [(a, n) for a, n in self.steps if self.day(calendar, n) <= today]

    def state(self, calendar: WorkingCalendar, today: date) -> str:
        done = [a for a, _ in self.done(calendar, today) if a in _STATE_AFTER]
        return _STATE_AFTER[done[-1]] if done else lc.SELECTED_FOR_HMIP

    def truncate(self, last_action: str | None, age: int) -> None:
        """Stop after the first ``last_action`` (None: before any step), every step by today."""
        kept = []
        for action, n in self.steps:
            if last_action is None:
                break
            kept.append((action, min(n, age)))
            if action == last_action:
                break
        self.steps = kept

    def finish_by(self, age: int) -> None:
        """Every step taken by today (a late QA sent today rather than left overdue)."""
        self.steps = [(a, min(n, age)) for a, n in self.steps]


_STATE_AFTER = {"allocate": lc.ALLOCATED, "start": lc.IN_QA, "submit": lc.AWAITING_SIGN_OFF,
                "return": lc.IN_QA, "approve": lc.FEEDBACK_SENT}
LATE_SHARE = 0.15  # QAs whose inspector submits after the deadline
RETURNED_SHARE = 0.12  # QAs a manager returns once before approving
# One QA sent in TONE_EVERY finds an exemplary review, and one a poor one, whatever day the year is
# laid around: a real year's ratings run from Inadequate to Outstanding, not Good and RI alone.
EXEMPLARY, POOR, TONE_EVERY = "exemplary", "poor", 20


def _journey(review: Review, calendar: WorkingCalendar, seed: int) -> Journey:
    rng = random.Random(f"{seed}:{review.reference}")
    allocate = rng.choice([1, 1, 1, 2])
    start = allocate + rng.choice([1, 1, 2])
    late = rng.random() < LATE_SHARE
    submit = rng.randint(14, 18) if late else rng.randint(7, 11)
    steps = [("allocate", allocate), ("start", start), ("draft", (start + submit) // 2), ("complete", submit),
             ("submit", submit)]
    if rng.random() < RETURNED_SHARE:
        steps += [("return", submit + 1), ("complete", submit + 2), ("submit", submit + 2)]
        submit += 2
    steps.append(("approve", submit + rng.choice([1, 1, 2])))
    return Journey(calendar.next_working_day(review.received_on), steps, f"{seed}:{review.reference}")


def _journeys(session: Session, created, today: date, calendar: WorkingCalendar, seed: int) -> dict[int, Journey]:
    """A journey for each newly sampled review, adjusted so that the year looks like a real one:
    fewer than one open QA in ten overdue, and at least one open QA at each stage."""
    out: dict[int, tuple[Review, Journey, int]] = {}
    for review_id, item in created:
        review = session.get(Review, review_id)
        if review.state != lc.SELECTED_FOR_HMIP or item.fate < WITHDRAWN_SHARE:
            continue
        journey = _journey(review, calendar, seed)
        age = max(0, calendar.working_days_between(journey.start, today))
        out[review_id] = (review, journey, age)

    def is_open(j: Journey) -> bool:
        return j.state(calendar, today) != lc.FEEDBACK_SENT

    # Overdue: strictly fewer than one open QA in ten; the others were sent late, today.
    open_ids = sorted((rid for rid, (_, j, _) in out.items() if is_open(j)), key=lambda rid: out[rid][0].reference)
    overdue = [rid for rid in open_ids if out[rid][0].due_on < today]
    for rid in overdue[(len(open_ids) - 1) // 10 if open_ids else 0:]:
        out[rid][1].finish_by(out[rid][2])

    # At least one open QA at each stage, chosen among the newest (none of them overdue).
    newest = sorted((rid for rid, (r, _, _) in out.items() if r.due_on >= today), key=lambda rid: (out[rid][2], rid))
    forced: set[int] = set()
    for state, last_action, min_age in ((lc.SELECTED_FOR_HMIP, None, 0), (lc.ALLOCATED, "allocate", 0),
                                        (lc.AWAITING_SIGN_OFF, "submit", 6), (lc.IN_QA, "start", 2)):
        holders = [rid for rid in newest if out[rid][1].state(calendar, today) == state]
        if any(j.state(calendar, today) == state for _, j, _ in out.values()):
            forced.update(holders[:1])  # keep it there
            continue
        pool = [rid for rid in newest if rid not in forced and out[rid][2] >= min_age]
        if state == lc.AWAITING_SIGN_OFF:
            pool.reverse()  # the oldest still in time has had time to be written
        if pool:
            forced.add(pool[0])
            out[pool[0]][1].truncate(last_action, out[pool[0]][2])
    sent = sorted((rid for rid, (_, j, _) in out.items() if not is_open(j)), key=lambda rid: out[rid][0].reference)
    for n, rid in enumerate(sent):
        out[rid][1].tone = {3: EXEMPLARY, TONE_EVERY // 2 + 3: POOR}.get(n % TONE_EVERY)
    return {rid: j for rid, (_, j, _) in out.items()}


def _progress(session, review: Review, item: PlannedReview, journey: Journey | None, people, today: date,
              now: datetime, calendar: WorkingCalendar, summary: Summary) -> None:
    """Move a new review as far as a real one of its age would have gone, each step on its own day."""
    central, manager = people[lc.CENTRAL_TEAM][0], people[lc.MANAGER][0]
    if item.fate < WITHDRAWN_SHARE:
        day = calendar.add_working_days(calendar.next_working_day(review.received_on), 2)
        with _clock(session, _moment(min(day, today), 11, today, now)):
            _act(session, review, "withdraw", central, summary,
                 reason="Withdrawn by the region: the review is being rewritten (demo data)")
        return
    if journey is None:
        return  # not in the HMIP sample
    rng = random.Random(journey.rng_seed + ":answers")
    quality = rng.betavariate(5, 2)
    for n, (action, working_day) in enumerate(journey.done(calendar, today)):
        day = journey.day(calendar, working_day)
        with _clock(session, _moment(day, 10 + min(n, 7), today, now)):
            if action == "allocate":
                inspector = _pick_inspector(session, review, day, rng)
                ok = _act(session, review, action, central, summary, inspector_id=inspector.id)
            elif action in ("start", "submit"):
                ok = _act(session, review, action, session.get(User, review.inspector_id), summary)
            elif action in ("draft", "complete"):
                ok = _fill(session, review, rng, quality, complete=action == "complete", summary=summary,
                           tone=journey.tone)
            elif action == "return":
                ok = _act(session, review, action, manager, summary, reason=rng.choice(RETURN_REASONS))
            else:  # approve, when sign-off is on (otherwise submit has sent the report)
                ok = review.state != lc.AWAITING_SIGN_OFF or _act(session, review, action, manager, summary)
        if not ok:
            return


RETURN_REASONS = [
    "Please say more about why the reviewing manager's judgement on risk of serious harm was accepted.",
    "The feedback on standard 4 does not yet explain the rating: please add the evidence you relied on.",
    "Please check the answer to 1.2: the plan did address the victim's safety.",
]
FEEDBACK = {
    "outstanding": "The review is exceptionally clear and insightful; its judgements are evidenced throughout "
                   "and the learning is specific and measurable.",
    "good": "The review analyses practice well and reaches clear judgements; one or two points could have been "
            "explored further.",
    "requires_improvement": "The review describes what happened but does not analyse it enough: several "
                            "judgements are not supported by the evidence presented.",
    "inadequate": "The review does not answer the key questions: its analysis is thin and the learning is not "
                  "identified.",
}
SUMMARIES = [
    "A thorough review with clear learning for the region.",
    "A sound review; the chronology is detailed but the analysis of planning is brief.",
    "The review identifies the main learning but needs more analysis of how risk was reviewed.",
    "A review written with care for the victim's family, with a measurable action plan.",
]


def _fill(session: Session, review: Review, rng: random.Random, quality: float, *, complete: bool,
          summary: Summary, tone: str | None = None) -> bool:
    """Answer the QA form as an inspector would: some of it (a draft) or all of it."""
    from .assessment.framework import TEXT
    from .services import assessment

    record = assessment.get(session, review)
    if record is None or review.state != lc.IN_QA:
        return True  # nothing to fill (already sent, or the QA was not started)
    framework = assessment.framework_for(record)
    answers, ratings, feedback = {}, {}, {}
    items = framework.all_items()
    for item in items if complete else items[: len(items) // 2]:
        if item.answer_type == TEXT:
            answers[item.id] = {"answer": "Recorded in the review's chronology (demo data)."}
        else:
            yes = rng.random() < {EXEMPLARY: 0.97, POOR: 0.15}.get(tone, 0.35 + 0.6 * quality)
            answers[item.id] = {"answer": "yes" if yes else "no",
                                **({} if yes else {"note": "Not evidenced in the review (demo data)."})}
    if complete:
        for standard in framework.standards:
            judged = [i.id for i in standard.judgement_items()]
            share = sum(answers.get(i, {}).get("answer") == "yes" for i in judged) / max(1, len(judged))
            # Outstanding needs seed 000's characteristics, which an exemplary review shows
            outstanding = share >= 0.8 if tone == EXEMPLARY else share >= 0.95 and rng.random() < 0.3
            rating = ("outstanding" if outstanding else "good" if share >= 0.7
                      else "requires_improvement" if share >= 0.4 else "inadequate")
            ratings[standard.id] = rating
            feedback[standard.id] = FEEDBACK[rating]
    payload = {"version": record.version, "answers": answers, "ratings": ratings, "feedback": feedback}
    if complete:
        payload["summary"] = rng.choice(SUMMARIES)
    try:
        with transaction(session):
            assessment.save_draft(session, review, session.get(User, review.inspector_id), payload)
    except (ServiceError, ValueError) as exc:
        why = f"save QA: {str(exc)[:100]}"
        summary.skipped[why] = summary.skipped.get(why, 0) + 1
        return False
    summary.actions["save QA"] = summary.actions.get("save QA", 0) + 1
    return True


def _pick_inspector(session: Session, review: Review, day: date, rng: random.Random) -> User:
    """One of those the allocation page would have suggested that day (more likely the more
    spare capacity they have: managers share the work out); otherwise the least-loaded
    inspector who may take it (no conflict, senior for a high-profile case)."""
    from .deadlines import allocation as rules
    from .services import allocation

    suggestion = allocation.suggest(session, review, today=day)
    if suggestion.eligible:
        chosen = rng.choices(suggestion.eligible, [c.spare for c in suggestion.eligible])[0]
        return session.get(User, chosen.id)
    facts = allocation.review_facts(review)
    everyone = allocation.candidates(session)
    people = [c for c in everyone if not rules.hard_reasons(c, facts, require_senior=True)] or everyone
    best = min(people, key=lambda c: (c.open_qas - c.capacity, c.open_qas, c.id))
    return session.get(User, best.id)


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
