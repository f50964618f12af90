"""Record notifications (the sweep, and the allocation notice) and hand them to workers.

The sweep reads only reviews that can need something today: open HMIP QA due within the
rules' horizon or already overdue, plus selected reviews awaiting allocation (one indexed
query on ``(state, due_on)``), so its cost follows the work due, not the size of the table. It
computes what is due with the pure rules (``sfoflow.deadlines.rules``), skips keys already
recorded, and inserts the rest with ``ON CONFLICT (dedupe_key) DO NOTHING``: two sweeps at
once, or one run twice, record each notification exactly once.

Dedupe keys (unique in the database):

* ``reminder:<N>:r<review>:<key day>:u<recipient>`` (the key day follows the working due date,
  so an extension earns fresh reminders)
* ``overdue:r<review>:<day>:u<manager>``, ``unallocated:r<review>:<alert day>:u<member>``
* ``digest:<day>:u<manager>``
* ``allocated:r<review>:v<review version>:u<inspector>`` (each allocation is its own notice)
"""
from __future__ import annotations

import logging
from dataclasses import dataclass, field, replace
from datetime import date, datetime

from sqlalchemy import func, or_, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from .. import reference
from ..db import transaction
from ..deadlines import messages
from ..deadlines import rules as r
from ..deadlines.delivery import PENDING, STATUSES
from ..models import AuditEvent, Review, User
from ..models.allocation import Allocation
from ..models.base import utcnow
from ..models.notifications import Notification, OutboxMessage
from ..models.review import in_states
from ..notify import delivery
from ..notify.senders import Sender
from ..workflows import lifecycle as lc
from ..working_days import WorkingCalendar, london_today
from . import settings
from .calendar import get_calendar
from .context import dispatcher_of, now_of, settings_of
from .dispatch import Dispatcher, after_commit
from .wiring import sweep_hooks

log = logging.getLogger(__name__)
DELIVER_TASK = "sfoflow.notifications.deliver"
DELIVER_MANY_TASK = "sfoflow.notifications.deliver_many"
BATCH = 25  # notifications per message when the sweep hands over many: a few messages, not hundreds
STAFF_ROLES = (lc.INSPECTOR, lc.MANAGER, lc.CENTRAL_TEAM)
CHUNK = 200  # rows per INSERT / keys per IN (...): well inside SQLite's parameter limit


def rules_from(conf: dict) -> r.Rules:
    return r.Rules(reminder_working_days=tuple(conf["reminder_working_days"]),
                   unallocated_alert_working_days=int(conf["unallocated_alert_working_days"]),
                   digest_due_soon_working_days=int(conf["digest_due_soon_working_days"]))


def base_url(session: Session) -> str:
    """The public address for links in emails, from the settings the session carries."""
    settings = settings_of(session)
    if settings is not None:
        return settings.base_url.rstrip("/")
    from ..config import load_defaults

    return load_defaults()["base_url"].rstrip("/")


def review_link(base: str, review_id: int) -> str:
    return f"{base}/reviews/{review_id}"


def send_to_worker(dispatcher: Dispatcher, ids: int | list[int]) -> tuple[list[int], str | None]:
    """Hand notifications (one id or a list) to the workers, a batch a message, over one
    connection. Returns (ids handed over, error or None). A broker that is down fails at once,
    not after retries: the rows stay pending and the next sweep hands them over."""
    ids = [ids] if isinstance(ids, int) else list(ids)
    batches = [ids[start:start + BATCH] for start in range(0, len(ids), BATCH)]
    messages = [(DELIVER_TASK, (b[0],)) if len(b) == 1 else (DELIVER_MANY_TASK, (b,)) for b in batches]
    went, error = dispatcher.send(messages)
    return [i for b in batches[:went] for i in b], error


# --- the sweep ---------------------------------------------------------------------------------

@dataclass
class Recorded:
    id: int
    kind: str
    review_id: int | None
    reference: str | None
    key_day: date
    recipient: str


@dataclass
class SweepReport:
    day: date
    working_day: bool
    considered: int = 0
    recorded: list[Recorded] = field(default_factory=list)
    dispatched: list[int] = field(default_factory=list)
    dispatch_error: str | None = None
    delivered: list[delivery.Outcome] = field(default_factory=list)


@dataclass
class _Planned:
    key: str
    kind: str
    review_id: int | None
    key_day: date
    recipient: User
    render: object  # () -> (subject, body)


def _candidates(horizon: date):
    """Open HMIP QA due by ``horizon`` (or overdue), and every selected review awaiting allocation."""
    allocated_at = (select(func.max(Allocation.allocated_at)).where(Allocation.review_id == Review.id)
                    .correlate(Review).scalar_subquery())
    selected_at = (select(func.max(AuditEvent.created_at))
                   .where(AuditEvent.review_id == Review.id, AuditEvent.to_state == lc.SELECTED_FOR_HMIP)
                   .correlate(Review).scalar_subquery())
    return (select(Review.id, Review.reference, Review.region, Review.state, Review.due_on, Review.received_on,
                   Review.inspector_id, allocated_at.label("allocated_at"), selected_at.label("selected_at"))
            .where(in_states(sorted(lc.HMIP_OPEN_STATES)),
                   or_(Review.due_on <= horizon, Review.state == lc.SELECTED_FOR_HMIP))
            .order_by(Review.due_on, Review.id))


def _facts(row) -> r.ReviewFacts:
    # Without a recorded allocation (data older than this feature) the receipt date stands in.
    allocated_on = london_today(row.allocated_at) if row.allocated_at else row.received_on
    selected_on = london_today(row.selected_at) if row.selected_at else row.received_on
    return r.ReviewFacts(row.id, row.state, row.due_on, row.inspector_id,
                         allocated_on if row.inspector_id else None, selected_on)


def _line(row, staff: dict[int, User], calendar: WorkingCalendar, today: date, base: str, *,
          overdue: bool) -> messages.ReviewLine:
    inspector = staff.get(row.inspector_id)
    days = calendar.days_overdue(row.due_on, today) if overdue else calendar.working_days_remaining(row.due_on, today)
    return messages.ReviewLine(row.reference, reference.region_name(row.region), row.due_on,
                               lc.STATES[row.state].lower(), inspector.name if inspector else None, days,
                               review_link(base, row.id))


def _recipients(audience: str, facts: r.ReviewFacts, staff: dict[int, User]) -> list[User]:
    if audience == r.TO_INSPECTOR:
        user = staff.get(facts.inspector_id)
        return [user] if user is not None and user.is_active else []
    return [u for u in staff.values() if u.role == audience and u.is_active]


def _key(due: r.Due, review_id: int, user: User) -> str:
    if due.kind == r.REMINDER:
        return f"reminder:{due.working_days}:r{review_id}:{due.key_day.isoformat()}:u{user.id}"
    return f"{due.kind}:r{review_id}:{due.key_day.isoformat()}:u{user.id}"


def _plan(rows, facts, staff, today, calendar, rules, base: str) -> list[_Planned]:
    planned = []
    for row, f in zip(rows, facts, strict=True):
        for due in r.due_notifications(f, today, calendar, rules):
            for user in _recipients(due.audience, f, staff):
                planned.append(_Planned(_key(due, row.id, user), due.kind, row.id, due.key_day, user,
                                        _renderer(due, row, user, staff, calendar, today, base)))
    summary = r.digest(facts, today, calendar, rules)
    if summary is not None:
        by_id = {row.id: row for row in rows}
        overdue = [_line(by_id[f.review_id], staff, calendar, today, base, overdue=True) for f in summary.overdue]
        soon = [_line(by_id[f.review_id], staff, calendar, today, base, overdue=False) for f in summary.due_soon]
        for user in staff.values():
            if user.role == lc.MANAGER and user.is_active:
                planned.append(_Planned(
                    f"digest:{today.isoformat()}:u{user.id}", r.DIGEST, None, today, user,
                    lambda u=user: messages.digest(u.name, today, overdue, soon, rules.digest_due_soon_working_days,
                                                   f"{base}/open-qa")))
    return planned


def _renderer(due: r.Due, row, user: User, staff, calendar, today, base: str):
    def render():
        if due.kind == r.REMINDER:
            return messages.reminder(user.name, _line(row, staff, calendar, today, base, overdue=False))
        if due.kind == r.OVERDUE:
            return messages.overdue(user.name, _line(row, staff, calendar, today, base, overdue=True))
        selected = london_today(row.selected_at) if row.selected_at else row.received_on
        line = _line(row, staff, calendar, today, base, overdue=False)
        line = replace(line, link=f"{base}/allocate")
        return messages.unallocated(user.name, line, selected)
    return render


def _existing_keys(session: Session, keys: list[str]) -> set[str]:
    found: set[str] = set()
    for start in range(0, len(keys), CHUNK):
        found.update(session.scalars(select(Notification.dedupe_key)
                                     .where(Notification.dedupe_key.in_(keys[start:start + CHUNK]))))
    return found


def insert_new(session: Session, values: list[dict]) -> list[tuple[int, str]]:
    """INSERT ... ON CONFLICT (dedupe_key) DO NOTHING; returns (id, key) of the rows inserted."""
    insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    out = []
    for start in range(0, len(values), CHUNK):
        stmt = (insert(Notification.__table__).values(values[start:start + CHUNK])
                .on_conflict_do_nothing(index_elements=["dedupe_key"])
                .returning(Notification.__table__.c.id, Notification.__table__.c.dedupe_key))
        out.extend(tuple(row) for row in session.execute(stmt))
    return out


def record_due(session: Session, today: date, *, now: datetime | None = None) -> tuple[int, list[Recorded]]:
    """Record every notification due on ``today`` and not yet recorded. The caller commits.

    Returns (reviews considered, notifications newly recorded).
    """
    now = now or utcnow()
    calendar = get_calendar(session)
    if not calendar.is_working_day(today):
        return 0, []
    rules = rules_from(settings.all_settings(session))
    rows = session.execute(_candidates(calendar.add_working_days(today, rules.horizon))).all()
    staff = {u.id: u for u in session.scalars(select(User).where(User.role.in_(STAFF_ROLES)))}
    facts = [_facts(row) for row in rows]
    planned = _plan(rows, facts, staff, today, calendar, rules, base_url(session))
    from . import hmpps_qa  # the HMPPS QA's reminders and escalations, recorded by the same sweep

    planned += hmpps_qa.plan(session, today, calendar, rules, staff, base_url(session))
    existing = _existing_keys(session, [p.key for p in planned])
    values, by_key = [], {}
    for p in planned:
        if p.key in existing or p.key in by_key:
            continue
        subject, body = p.render()
        by_key[p.key] = p
        values.append(dict(dedupe_key=p.key, kind=p.kind, review_id=p.review_id, key_day=p.key_day,
                           recipient_id=p.recipient.id, recipient_email=p.recipient.email, subject=subject[:300],
                           body=body, status=PENDING, attempts=0, created_at=now))
    references = {row.id: row.reference for row in rows}
    recorded = [Recorded(nid, by_key[key].kind, by_key[key].review_id, references.get(by_key[key].review_id),
                         by_key[key].key_day, by_key[key].recipient.email)
                for nid, key in insert_new(session, values)]
    for hook in sweep_hooks():  # other features' reminders (services/wiring.py), same guarantees
        recorded.extend(hook(session, today, now))
    return len(rows), sorted(recorded, key=lambda x: x.id)


TO_WORKERS = "to the session's dispatcher"  # sweep()'s default: hand over through dispatcher_of(session)


def sweep(session: Session, today: date, *, now: datetime | None = None, dispatch=TO_WORKERS,
          deliver_with: Sender | None = None) -> SweepReport:
    """One sweep: record what is due, then hand every deliverable notification to a worker
    (``dispatch(ids) -> (ids handed over, error)``; None records only) or, with
    ``deliver_with``, deliver here.

    A sweep is a unit of work of its own, as a task is: it commits what it records before it
    hands anything over, so give it a session with no transaction of the caller's open."""
    now = now or utcnow()
    if dispatch is TO_WORKERS:
        dispatcher = dispatcher_of(session)

        def dispatch(ids):
            return send_to_worker(dispatcher, ids)
    with transaction(session):
        considered, recorded = record_due(session, today, now=now)
    report = SweepReport(today, get_calendar(session).is_working_day(today), considered, recorded)
    policy = delivery.policy_from(settings.all_settings(session))
    ids = delivery.dispatchable(session, policy, now)
    session.commit()
    if deliver_with is not None:
        report.delivered = [delivery.deliver(session, nid, deliver_with, policy) for nid in ids]
        return report
    if dispatch is None or not ids:
        return report
    report.dispatched, report.dispatch_error = dispatch(ids)
    if report.dispatch_error:
        log.warning("could not hand %s notification(s) to the broker (%s); they stay pending for the next sweep",
                    len(ids) - len(report.dispatched), report.dispatch_error)
    with transaction(session):
        delivery.mark_dispatched(session, report.dispatched, now)
    return report


# --- the allocation notice -------------------------------------------------------------------------

def notify_allocated_inspector(session: Session, review: Review, actor, data: dict, decision) -> None:
    """Recorded in the allocation's own transaction: if the allocation commits, so does the notice."""
    inspector = session.get(User, data["inspector_id"])
    if inspector is None or not inspector.is_active:
        return
    now = now_of(session)  # the wall clock, or the demo's replay of a past day
    today = london_today(now)
    remaining = get_calendar(session).working_days_remaining(review.due_on, today)
    line = messages.ReviewLine(review.reference, reference.region_name(review.region), review.due_on,
                               lc.STATES[lc.ALLOCATED].lower(), inspector.name, remaining,
                               review_link(base_url(session), review.id))
    parallel = [(reference.parallel_review_types().get(p.type, {}).get("name", p.type),
                 reference.parallel_review_statuses().get(p.status, {}).get("name", p.status).lower())
                for p in review.parallel_reviews]
    subject, body = messages.allocation(inspector.name, line, is_high_profile=review.is_high_profile,
                                        parallel=parallel)
    notification = Notification(
        dedupe_key=f"allocated:r{review.id}:v{review.version}:u{inspector.id}", kind=r.ALLOCATION,
        review_id=review.id, key_day=today, recipient_id=inspector.id, recipient_email=inspector.email,
        subject=subject[:300], body=body, status=PENDING, attempts=0, created_at=now,
        dispatched_at=None)  # marked handed over only once the broker has it (hand_over)
    session.add(notification)
    after_commit(session, hand_over, dispatcher_of(session), notification, session.get_bind())


def hand_over(dispatcher: Dispatcher, notification: Notification, bind=None) -> None:
    """After commit: give one recorded notification to a worker, then mark it in flight
    (``dispatched_at``) on ``bind`` (the session's engine; after commit the session itself
    cannot write). If the broker is down it stays unmarked, so the very next sweep sends it
    rather than waiting for a lease that was never taken to expire."""
    sent, error = send_to_worker(dispatcher, notification.id)
    if error:
        log.warning("notification %s recorded but not handed to a worker (%s); the sweep will send it",
                    notification.id, error)
    if sent and bind is not None:
        from sqlalchemy import update

        with bind.connect() as conn:
            conn.execute(update(Notification).where(Notification.id.in_(sent), Notification.dispatched_at.is_(None))
                         .values(dispatched_at=utcnow()))
            conn.commit()


# --- reading -------------------------------------------------------------------------------------

def notification_view(n: Notification) -> dict:
    return {"id": n.id, "kind": n.kind, "kind_label": r.KINDS.get(n.kind, n.kind), "review_id": n.review_id,
            "key_day": n.key_day, "recipient_id": n.recipient_id, "recipient_email": n.recipient_email,
            "subject": n.subject, "status": n.status, "attempts": n.attempts, "last_error": n.last_error,
            "created_at": n.created_at, "delivered_at": n.delivered_at, "next_attempt_at": n.next_attempt_at}


def page(session: Session, f: dict, *, per_page: int) -> tuple[list[Notification], int, dict]:
    """Newest first, filtered; also the count in each status (all notifications)."""
    query = select(Notification)
    for column in ("status", "kind", "review_id", "recipient_id", "key_day"):
        if f.get(column) is not None:
            query = query.where(getattr(Notification, column) == f[column])
    total = session.scalar(select(func.count()).select_from(query.subquery()))
    f["page"] = min(max(1, f.get("page") or 1), max(1, -(-total // per_page)))  # never past the last page
    items = session.scalars(query.order_by(Notification.id.desc()).limit(per_page)
                            .offset((f.get("page", 1) - 1) * per_page)).all()
    counts = dict.fromkeys(STATUSES, 0)
    counts.update(dict(session.execute(select(Notification.status, func.count()).group_by(Notification.status)).all()))
    return items, total, counts


def outbox_total(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(OutboxMessage))


def outbox_page(session: Session, *, page_no: int, per_page: int) -> tuple[list[OutboxMessage], int]:
    total = session.scalar(select(func.count()).select_from(OutboxMessage))
    page_no = min(max(1, page_no), max(1, -(-total // per_page)))  # never past the last page
    items = session.scalars(select(OutboxMessage).order_by(OutboxMessage.id.desc()).limit(per_page)
                            .offset((page_no - 1) * per_page)).all()
    return items, total
