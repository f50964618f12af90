"""The HMPPS SFO central team's QA of the reviews routed to it (the other 80%).

Same framework version and form as HMIP's: the QA is the review's one ``Assessment``, held by a
central-team QA officer (a user with ``hmpps_qa``) in ``review.inspector_id``, so the form,
autosave and completeness check are HMIP's own. What differs is here: who may hold it, its own
target (``hmpps_working_days_to_report`` working days from receipt, 20 by default) recorded in
``HmppsQa``, its reminders and escalations (``deadlines/hmpps.py``, recorded by the same sweep),
and its report, marked as the HMPPS QA, emailed to the local SFO review team and timed against
the HMPPS due date. Nothing of HMIP's path changes.
"""
from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from .. import reference
from ..assessment.ratings import Rating
from ..deadlines import hmpps as rules
from ..deadlines import messages
from ..deadlines.delivery import PENDING
from ..deadlines.rules import ReviewFacts
from ..models import Review, User
from ..models.assessment import NotificationAttachment, QaReport
from ..models.base import utcnow
from ..models.hmpps_qa import HmppsQa
from ..models.notifications import Notification
from ..reports import html as report_html
from ..reports import pdf as report_pdf
from ..reports.dates import long_date
from ..workflows import lifecycle as lc
from ..working_days import london_today
from . import assessment, notifications, qa_reports, settings
from .calendar import get_calendar
from .context import dispatcher_of
from .dispatch import after_commit
from .errors import Conflict, Refusal

HMPPS_QA_REPORT = "hmpps_qa_report"  # the notification kind
# The lifecycle action each QA step is, by who holds the QA (the form's buttons ask this).
_ACTIONS = {"start": {lc.ALLOCATED: "start", lc.HMPPS_ALLOCATED: "hmpps_start"},
            "submit": {lc.IN_QA: "submit", lc.HMPPS_IN_QA: "hmpps_complete"}}


def qa_action(review: Review, step: str) -> str:
    """"start" or "submit" as the lifecycle action for this review: HMIP's, or HMPPS's."""
    return _ACTIONS[step].get(review.state, step)


def is_hmpps(review: Review) -> bool:
    return review.state in (lc.HMPPS_ALLOCATED, lc.HMPPS_IN_QA, lc.HMPPS_QA_COMPLETED)


def get(session: Session, review: Review) -> HmppsQa | None:
    return session.scalar(select(HmppsQa).where(HmppsQa.review_id == review.id))


def officers(session: Session) -> list[User]:
    """Active central-team HMPPS QA staff, by name."""
    return list(session.scalars(select(User).where(User.role == lc.CENTRAL_TEAM, User.hmpps_qa, User.is_active)
                                .order_by(User.name, User.id)))


def hmpps_due_on(session: Session, review: Review) -> date:
    days = int(settings.get(session, "hmpps_working_days_to_report"))
    return get_calendar(session).due_on(review.received_on, days)


# --- lifecycle: checks and effects ------------------------------------------------------------

def officer_eligible(session: Session, review: Review, data: dict) -> list[Refusal]:
    officer_id = data.get("officer_id")
    if officer_id is None:
        return []  # "officer_id is required" is already reported
    user = session.get(User, officer_id)
    if user is None or not user.is_active or user.role != lc.CENTRAL_TEAM or not user.hmpps_qa:
        return [Refusal("officer_id", "not_an_officer", "That person is not an active HMPPS QA officer",
                        detail=f"user {officer_id} is not an active HMPPS QA officer")]
    if review.state == lc.HMPPS_ALLOCATED and review.inspector_id == user.id:
        return [Refusal("officer_id", "already_allocated", "The review is already allocated to that officer",
                        detail="the review is already allocated to that officer")]
    return []


def not_started(session: Session, review: Review, data: dict) -> list[Refusal]:
    """add_to_sample: a review QA'd by HMPPS is never QA'd by HMIP as routine work."""
    if review.state != lc.HMPPS_IN_QA:
        return []
    record = get(session, review)
    when = f" on {long_date(qa_reports.london_date(record.started_at))}" if record and record.started_at else ""
    reason = (f"HMPPS started its QA of this review{when}. A review is quality assured by one body only; "
              "a second QA happens only in a benchmarking exercise")
    return [Refusal(None, "hmpps_qa_started", reason, detail="the HMPPS QA of this review has started")]


def allocate(session: Session, review: Review, actor, data: dict, decision) -> None:
    """hmpps_allocate: the officer holds the QA; the HMPPS due date is fixed the first time."""
    data["previous_officer_id"] = review.inspector_id
    record = get(session, review)
    if record is None:
        days = int(settings.get(session, "hmpps_working_days_to_report"))
        record = HmppsQa(review_id=review.id, officer_id=data["officer_id"], target_working_days=days,
                         due_on=get_calendar(session).due_on(review.received_on, days),
                         allocated_by_id=actor.id if actor else None)
        session.add(record)
    else:
        record.officer_id = data["officer_id"]
        record.allocated_at = utcnow()
        record.allocated_by_id = actor.id if actor else None
    review.inspector_id = data["officer_id"]
    data["hmpps_due_on"] = record.due_on.isoformat()


def release(session: Session, review: Review, actor, data: dict, decision) -> None:
    """add_to_sample from hmpps_allocated: the officer no longer holds it (the QA had not started)."""
    if review.state == lc.HMPPS_ALLOCATED:
        record = get(session, review)
        if record is not None:
            session.delete(record)
        review.inspector_id = None


def start(session: Session, review: Review, actor, data: dict, decision) -> None:
    assessment.get_or_create(session, review, actor)
    record = get(session, review)
    if record is not None:
        record.started_at = utcnow()


def complete(session: Session, review: Review, actor, data: dict, decision) -> None:
    """Fix the overall rating, produce the HMPPS QA report and queue its email."""
    a = assessment.get(session, review)
    framework = assessment.framework_for(a)
    score, rating = assessment.computed_overall(framework, a.ratings)
    a.overall_score, a.overall_rating = score, rating.key
    a.submitted_at, a.submitted_by_id = utcnow(), actor.id if actor else None
    data["overall_rating"] = rating.key
    record = get(session, review)
    report = issue(session, review, a, framework, record)
    if record is not None:
        record.completed_at, record.on_time = report.sent_at, report.on_time
    session.flush()


# --- the report --------------------------------------------------------------------------------

def issue(session: Session, review: Review, a, framework, record: HmppsQa | None) -> QaReport:
    if qa_reports.get(session, review) is not None:
        raise Conflict("a QA report has already been sent for this review",
                       refusals=[Refusal(None, "already_sent", "A QA report has already been sent for this review")])
    sent_at = utcnow()
    officer = session.get(User, review.inspector_id) if review.inspector_id else None
    name = officer.name if officer else "Not recorded"
    content = qa_reports.build_content(review, a, framework, sent_at=sent_at, inspector_name=name, signed_off_by=None)
    due = record.due_on if record is not None else hmpps_due_on(session, review)
    sent_on = qa_reports.london_date(sent_at)
    on_time = sent_on <= due
    content.update(qa_body="hmpps", report_title="HMPPS QA report", qa_by_label="HMPPS QA officer",
                   author="HMPPS SFO central team", due_on=due.isoformat(), extended_due_on=None, on_time=on_time,
                   timeliness=qa_reports.timeliness_text(on_time, sent_on, due) + " against the HMPPS target")
    report = QaReport(
        review_id=review.id, assessment_id=a.id, framework_version=framework.key, content=content,
        html=report_html.render(content), pdf=report_pdf.render(content),
        pdf_filename="hmpps-" + qa_reports.pdf_filename(review), overall_score=a.overall_score,
        overall_rating=a.overall_rating, inspector_name=name, approved_by_id=None, generated_at=sent_at,
        sent_at=sent_at, sent_to=review.local_team_email, on_time=on_time)
    session.add(report)
    session.flush()
    review.sent_at = sent_at
    report.notification_id = _send(session, review, report, due)
    return report


def _send(session: Session, review: Review, report: QaReport, due: date) -> int:
    region = reference.region_name(review.region)
    rating = Rating.parse(report.overall_rating).label
    subject = f"HMPPS QA report: SFO review {review.reference} ({region}) - overall rating {rating}"
    body = "\n\n".join([
        "Dear SFO review team,",
        f"The HMPPS SFO central team has completed its quality assurance of SFO review {review.reference} "
        f"({region}) against the same standards HM Inspectorate of Probation uses. The HMPPS QA report is "
        f"attached ({report.pdf_filename}).",
        f"Overall rating: {rating}. The report gives the rating for each standard and the written "
        "feedback explaining the judgements.",
        f"Received {long_date(review.received_on)}; due {long_date(due)} (the HMPPS target); "
        f"sent {long_date(qa_reports.london_date(report.sent_at))}.",
        messages.FOOTER,
    ]) + "\n"
    notification = Notification(
        dedupe_key=f"hmpps_qa_report:r{review.id}", kind=HMPPS_QA_REPORT, review_id=review.id,
        key_day=qa_reports.london_date(report.sent_at), recipient_id=None, recipient_email=review.local_team_email,
        subject=subject[:300], body=body, status=PENDING, attempts=0, dispatched_at=utcnow())
    session.add(notification)
    session.flush()
    session.add(NotificationAttachment(notification_id=notification.id, filename=report.pdf_filename,
                                       content_type="application/pdf", content=report.pdf))
    after_commit(session, notifications.hand_over, dispatcher_of(session), notification)
    return notification.id


# --- the sweep: reminders and escalations ----------------------------------------------------------

def plan(session: Session, today: date, calendar, sweep_rules, staff: dict[int, User], base: str) -> list:
    """What the sweep should record today for HMPPS QA (``notifications._Planned`` rows)."""
    horizon = calendar.add_working_days(today, sweep_rules.horizon)
    rows = session.execute(
        select(Review.id, Review.reference, Review.region, Review.state, Review.inspector_id, HmppsQa.due_on,
               HmppsQa.allocated_at)
        .join(HmppsQa, HmppsQa.review_id == Review.id)
        .where(Review.state.in_(lc.HMPPS_HELD_STATES), HmppsQa.due_on <= horizon)
        .order_by(HmppsQa.due_on, Review.id)).all()
    planned = []
    for row in rows:
        facts = ReviewFacts(row.id, row.state, row.due_on, row.inspector_id, london_today(row.allocated_at))
        for due in rules.due_notifications(facts, today, calendar, sweep_rules):
            if due.audience == rules.TO_OFFICER:
                officer = staff.get(row.inspector_id)
                people = [officer] if officer is not None and officer.is_active else []
            else:
                people = [u for u in staff.values()
                          if u.role == lc.CENTRAL_TEAM and u.hmpps_qa_manager and u.is_active]
            for user in people:
                day = due.key_day.isoformat()
                key = (f"{due.kind}:{due.working_days}:r{row.id}:{day}:u{user.id}"
                       if due.kind == rules.HMPPS_REMINDER else f"{due.kind}:r{row.id}:{day}:u{user.id}")
                planned.append(notifications._Planned(key, due.kind, row.id, due.key_day, user,
                                                      _renderer(due, row, user, staff, calendar, today, base)))
    return planned


def _renderer(due, row, user: User, staff, calendar, today: date, base: str):
    def render():
        officer = staff.get(row.inspector_id)
        overdue = due.kind == rules.HMPPS_OVERDUE
        days = (calendar.days_overdue(row.due_on, today) if overdue
                else calendar.working_days_remaining(row.due_on, today))
        line = messages.ReviewLine(row.reference, reference.region_name(row.region), row.due_on,
                                   lc.STATES[row.state].lower(), officer.name if officer else None, days,
                                   notifications.review_link(base, row.id))
        subject, body = messages.overdue(user.name, line) if overdue else messages.reminder(user.name, line)
        return "HMPPS QA " + subject[:1].lower() + subject[1:], body.replace("The QA report", "The HMPPS QA report")
    return render


# --- reading -----------------------------------------------------------------------------------

def queue(session: Session) -> list[tuple[Review, HmppsQa | None]]:
    """Reviews routed to HMPPS awaiting or in HMPPS QA, soonest HMPPS due date first."""
    reviews = session.scalars(select(Review).where(
        Review.state.in_([lc.ROUTED_TO_HMPPS, *lc.HMPPS_HELD_STATES])).order_by(Review.received_on, Review.id)).all()
    records = {r.review_id: r for r in session.scalars(select(HmppsQa).where(
        HmppsQa.review_id.in_([r.id for r in reviews])))} if reviews else {}
    return [(r, records.get(r.id)) for r in reviews]


def view(session: Session, review: Review, record: HmppsQa | None) -> dict:
    officer = session.get(User, review.inspector_id) if record is not None and review.inspector_id else None
    return {"review_id": review.id, "reference": review.reference, "region": review.region, "state": review.state,
            "version": review.version, "received_on": review.received_on,
            "hmpps_due_on": record.due_on if record else hmpps_due_on(session, review),
            "officer": {"id": officer.id, "name": officer.name} if officer else None,
            "allocated_at": record.allocated_at if record else None,
            "started_at": record.started_at if record else None,
            "completed_at": record.completed_at if record else None,
            "on_time": record.on_time if record else None}


def officer_view(user: User) -> dict:
    return {"id": user.id, "name": user.name, "email": user.email, "hmpps_qa": user.hmpps_qa,
            "hmpps_qa_manager": user.hmpps_qa_manager}


def set_flags(session: Session, user_id: int, data: dict, actor: User) -> User:
    """An admin marks a central-team user as HMPPS QA staff and/or a central-team manager."""
    from . import audit
    from .errors import NotFound, ValidationFailed

    user = session.get(User, user_id)
    if user is None:
        raise NotFound("there is no such user", refusals=[Refusal(None, "not_found", "There is no such user")])
    if user.role != lc.CENTRAL_TEAM:
        raise ValidationFailed("only central-team users can be HMPPS QA staff", refusals=[
            Refusal("user_id", "not_central_team", "Only members of the central team can be HMPPS QA staff")])
    for key in ("hmpps_qa", "hmpps_qa_manager"):
        if data.get(key) is not None:
            setattr(user, key, bool(data[key]))
    audit.record(session, review=None, actor=actor, action="set_hmpps_qa_flags",
                 details={"user_id": user.id, "hmpps_qa": user.hmpps_qa, "hmpps_qa_manager": user.hmpps_qa_manager})
    session.flush()
    return user
