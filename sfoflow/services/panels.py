"""Multi-agency learning panels (seed 002, 2.9-2.10): candidates, the panel, the notices and
requests sent to agency contacts, their answers through a personal link, the panel's record,
its actions and report, and the year's figures.

Every change to a panel is recorded in ``partnership_events`` (who, when, what changed).
Emails go through the notification pipeline: each is recorded once under a unique key in the
caller's transaction, handed to a worker after commit, and delivered with retries
(``notify.delivery``); the sweep records reminders (``record_due``, listed in
``services/wiring.sweep_hooks``) and resends anything a lost message left pending.

Agency contacts have no account. Each invite has a **personal link**: the invite id and a
random nonce, signed with the application's secret (itsdangerous, salt ``panel-response``).
It works only for that invite, until the end of the panel's day (Europe/London), and stops
working when revoked (the nonce is replaced, so even a copy of the old link is refused).
"""
from __future__ import annotations

import secrets
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import extract, func, select
from sqlalchemy.orm import Session, selectinload

from .. import reference
from ..deadlines import panels as rules
from ..deadlines.delivery import PENDING
from ..models import Assessment, Notification, Panel, PanelAction, PanelCase, PanelInvite, Review, User
from ..models.assessment import NotificationAttachment
from ..models.base import utcnow
from ..models.panels import AgencyContact, ReviewAgency
from ..reports import panel as panel_report
from ..workflows import lifecycle as lc
from . import agencies, notifications, settings
from .calendar import get_calendar
from .context import dispatcher_of, settings_of
from .dispatch import after_commit
from .errors import Conflict, NotFound, Refusal, ValidationFailed

LONDON = ZoneInfo("Europe/London")
DRAFT, CONFIRMED, HELD = "draft", "confirmed", "held"
STATUSES = {DRAFT: "Draft", CONFIRMED: "Confirmed: agencies notified", HELD: "Held"}
PANEL = "panel"
SALT = "panel-response"
# The QA prompts on partnership and multi-agency working (seed 001 / config/qa_framework/v1.json):
# a "no" on any of them makes a reviewed case a panel candidate.
PARTNERSHIP_PROMPTS = ("1.1.e", "1.2.e", "1.3.e", "1.4.e", "2.i", "3.1.e", "3.2.f")
QA_DONE_STATES = (lc.AWAITING_SIGN_OFF, lc.FEEDBACK_SENT)
INVOLVEMENT = {"confirmed": "Involvement confirmed", "not_confirmed": "Involvement not confirmed"}


def themes_for_reviews(session: Session, review_ids: list[int]) -> dict[int, list[str]]:
    """The themes the QA recorded on each candidate (the year in review's learning themes)."""
    from . import learning
    return learning.themes_for_reviews(session, review_ids)


# --- reading ---------------------------------------------------------------------------------------

def get(session: Session, panel_id: int) -> Panel:
    panel = session.scalar(select(Panel).where(Panel.id == panel_id).options(
        selectinload(Panel.cases).selectinload(PanelCase.review),
        selectinload(Panel.invites).selectinload(PanelInvite.contact), selectinload(Panel.actions)))
    if panel is None:
        raise NotFound("there is no such panel", refusals=[Refusal(None, "not_found", "There is no such panel")])
    return panel


def listing(session: Session) -> list[Panel]:
    return list(session.scalars(select(Panel).order_by(Panel.held_on.desc(), Panel.id.desc())))


def _check_version(panel: Panel, version: int | None) -> None:
    if version is not None and version != panel.version:
        raise Conflict("someone else changed this panel while you were working; check the latest details "
                       "and try again",
                       refusals=[Refusal("version", "stale", "Someone else changed this panel while you were "
                                         "working. Check the latest details and try again.")])


def _refuse(field: str | None, code: str, message: str, cls=Conflict):
    raise cls(message, refusals=[Refusal(field, code, message)])


def _event(session: Session, panel: Panel, actor: User | None, action: str, details: dict | None = None) -> None:
    agencies.record_event(session, PANEL, panel.id, actor, action, details)


def history(session: Session, panel: Panel):
    return agencies.history(session, PANEL, panel.id)


# --- candidates ---------------------------------------------------------------------------------

def candidates(session: Session, *, region: str | None = None, year: int | None = None,
               theme: str | None = None) -> list[dict]:
    """QA'd reviews worth a panel: two or more agencies recorded, or a partnership prompt
    answered "no". ``year`` is the calendar year the review was received."""
    query = (select(Review, Assessment.answers).join(Assessment, Assessment.review_id == Review.id)
             .where(Review.state.in_(QA_DONE_STATES), Assessment.submitted_at.is_not(None)))
    if region:
        query = query.where(Review.region == region)
    if year:
        query = query.where(extract("year", Review.received_on) == year)
    rows = session.execute(query.order_by(Review.received_on.desc(), Review.id)).all()
    ids = [review.id for review, _ in rows]
    recorded: dict[int, list[ReviewAgency]] = {}
    for start in range(0, len(ids), 500):
        for ra in session.scalars(select(ReviewAgency).where(ReviewAgency.review_id.in_(ids[start:start + 500]))
                                  .order_by(ReviewAgency.id)):
            recorded.setdefault(ra.review_id, []).append(ra)
    themes = themes_for_reviews(session, ids) if ids else {}
    out = []
    for review, answers in rows:
        found = recorded.get(review.id, [])
        noes = [p for p in PARTNERSHIP_PROMPTS if (answers or {}).get(p, {}).get("answer") == "no"]
        if len(found) < 2 and not noes:
            continue
        if theme and theme not in themes.get(review.id, []):
            continue
        reasons = []
        if len(found) >= 2:
            reasons.append(f"{len(found)} agencies involved")
        if noes:
            reasons.append(("Partnership prompt" if len(noes) == 1 else "Partnership prompts") + " answered no: "
                           + ", ".join(noes))
        out.append({"review_id": review.id, "reference": review.reference, "region": review.region,
                    "region_name": reference.region_name(review.region),
                    "offence_name": reference.offence_name(review.offence_category),
                    "received_on": review.received_on,
                    "agencies": [agencies.review_agency_view(a) for a in found],
                    "partnership_no": noes, "themes": themes.get(review.id, []), "reasons": reasons})
    return out


# --- the panel ------------------------------------------------------------------------------------

def _must_be(panel: Panel, *statuses: str, what: str) -> None:
    if panel.status not in statuses:
        _refuse(None, "wrong_state", f"You cannot {what} when the panel is {STATUSES[panel.status].lower()}")


def create(session: Session, actor: User, data: dict) -> Panel:
    panel = Panel(held_on=data["held_on"], chair=data["chair"], venue=data["venue"], status=DRAFT,
                  created_by_id=actor.id)
    session.add(panel)
    session.flush()
    _event(session, panel, actor, "created", {"held_on": panel.held_on.isoformat(), "chair": panel.chair,
                                              "venue": panel.venue})
    for review_id in data.get("review_ids") or []:
        add_case(session, panel, actor, {"review_id": review_id})
    return panel


def update(session: Session, panel: Panel, actor: User, data: dict) -> Panel:
    _check_version(panel, data.get("version"))
    _must_be(panel, DRAFT, CONFIRMED, what="change its details")
    changes = {}
    for f in ("held_on", "chair", "venue"):
        if f in data and data[f] != getattr(panel, f):
            old = getattr(panel, f)
            changes[f] = {"before": old.isoformat() if isinstance(old, date) else old,
                          "after": data[f].isoformat() if isinstance(data[f], date) else data[f]}
            setattr(panel, f, data[f])
    if "held_on" in changes:
        for invite in panel.invites:
            invite.expires_at = link_expiry(panel.held_on)
            if panel.status == CONFIRMED and invite.revoked_at is None:  # tell them the new date
                _send_notice(session, panel, invite, again=True)
    if changes:
        _event(session, panel, actor, "changed", {"changes": changes})
    session.flush()
    return panel


def add_case(session: Session, panel: Panel, actor: User, data: dict) -> PanelCase:
    _must_be(panel, DRAFT, CONFIRMED, what="add a case")
    review = session.get(Review, data["review_id"])
    if review is None:
        _refuse("review_id", "not_found", "There is no such review", NotFound)
    if any(c.review_id == review.id for c in panel.cases):
        _refuse("review_id", "duplicate", f"Case {review.reference} is already on this panel", ValidationFailed)
    case = PanelCase(review=review, summary=data.get("summary") or "")
    panel.cases.append(case)
    session.flush()
    _event(session, panel, actor, "case_added", {"review": review.reference})
    return case


def remove_case(session: Session, panel: Panel, actor: User, case_id: int) -> None:
    _must_be(panel, DRAFT, what="remove a case")
    case = _case(panel, case_id)
    for invite in [i for i in panel.invites if i.case_id == case.id]:
        panel.invites.remove(invite)
    panel.cases.remove(case)
    _event(session, panel, actor, "case_removed", {"review": case.review.reference})
    session.flush()


def _case(panel: Panel, case_id: int) -> PanelCase:
    case = next((c for c in panel.cases if c.id == case_id), None)
    if case is None:
        _refuse("case_id", "not_found", "That case is not on this panel", NotFound)
    return case


def suggestions(session: Session, panel: Panel) -> dict[int, list[dict]]:
    """For each case: the agencies recorded on the review, each with the active contacts of
    that agency serving the case's region, and whether each is already invited."""
    invited = {(i.case_id, i.contact_id) for i in panel.invites}
    out = {}
    for case in panel.cases:
        rows = []
        for ra in agencies.for_review(session, case.review_id):
            contacts = agencies.suggested_contacts(session, ra.agency, case.review.region)
            rows.append({"agency": ra.agency, "agency_name": agencies.agency_name(ra.agency), "role": ra.role,
                         "contacts": [{**agencies.contact_view(c), "invited": (case.id, c.id) in invited}
                                      for c in contacts]})
        out[case.id] = rows
    return out


def link_expiry(held_on: date) -> datetime:
    """The end of the panel's day in London: the link works until then."""
    return datetime.combine(held_on + timedelta(days=1), time(0), tzinfo=LONDON)


def invite(session: Session, panel: Panel, actor: User, data: dict) -> PanelInvite:
    """Invite one contact about one case; on a confirmed panel the notice goes at once."""
    _must_be(panel, DRAFT, CONFIRMED, what="invite an agency")
    case = _case(panel, data["case_id"])
    contact = session.get(AgencyContact, data["contact_id"])
    if contact is None or not contact.is_active:
        _refuse("contact_id", "not_found", "There is no such agency contact", NotFound)
    if any(i.case_id == case.id and i.contact_id == contact.id for i in panel.invites):
        _refuse("contact_id", "duplicate", f"{contact.name} is already invited about this case", ValidationFailed)
    details = data.get("details")
    if not details:
        role = next((ra.role for ra in agencies.for_review(session, case.review_id) if ra.agency == contact.agency), "")
        details = "\n".join(x for x in (case.summary, f"Your agency's recorded role: {role}" if role else "") if x)
    row = PanelInvite(case=case, contact=contact, agency=contact.agency, details=details,
                      nonce=secrets.token_urlsafe(24), expires_at=link_expiry(panel.held_on))
    panel.invites.append(row)
    session.flush()
    _event(session, panel, actor, "invited", {"case": case.review.reference, "contact": contact.email,
                                              "agency": contact.agency})
    if panel.status == CONFIRMED:
        _send_notice(session, panel, row)
    return row


def revoke(session: Session, panel: Panel, actor: User, invite_id: int) -> PanelInvite:
    row = _invite(panel, invite_id)
    if row.revoked_at is None:
        row.revoked_at = utcnow()
        row.nonce = secrets.token_urlsafe(24)  # the old link can never match again
        _event(session, panel, actor, "link_revoked", {"contact": row.contact.email})
    session.flush()
    return row


def _invite(panel: Panel, invite_id: int) -> PanelInvite:
    row = next((i for i in panel.invites if i.id == invite_id), None)
    if row is None:
        _refuse("invite_id", "not_found", "That invitation is not on this panel", NotFound)
    return row


def confirm(session: Session, panel: Panel, actor: User, version: int | None = None) -> Panel:
    _check_version(panel, version)
    _must_be(panel, DRAFT, what="confirm it")
    if not panel.cases:
        _refuse("cases", "required", "Add at least one case before confirming the panel", ValidationFailed)
    if not panel.invites:
        _refuse("invites", "required", "Invite at least one agency before confirming the panel", ValidationFailed)
    panel.status, panel.confirmed_at = CONFIRMED, utcnow()
    _event(session, panel, actor, "confirmed", {"invites": len(panel.invites)})
    for row in panel.invites:
        if row.revoked_at is None:
            _send_notice(session, panel, row)
    session.flush()
    return panel


# --- the personal link -------------------------------------------------------------------------

def _serializer(session: Session):
    from itsdangerous import URLSafeSerializer

    s = settings_of(session)
    if s is None:
        from ..config import from_env

        s = from_env()
    return URLSafeSerializer(s.secret_key, salt=SALT)


def token_for(session: Session, row: PanelInvite) -> str:
    return _serializer(session).dumps({"i": row.id, "n": row.nonce})


def link_for(session: Session, row: PanelInvite) -> str:
    return f"{notifications.base_url(session)}/respond/{token_for(session, row)}"


class LinkRefused(Exception):
    """Why a link does not open (the page says it plainly and shows nothing of the case)."""

    MESSAGES = {
        "invalid": "This link is not valid. Check you copied the whole link from the email.",
        "revoked": "This link has been withdrawn. Contact HM Inspectorate of Probation if you need a new one.",
        "expired": "This link has expired. Contact HM Inspectorate of Probation if you still need to answer.",
        "too_many": "This link has been used too many times in the last hour. Try again later.",
    }

    def __init__(self, code: str):
        super().__init__(code)
        self.code = code
        self.message = self.MESSAGES[code]


def open_link(session: Session, token: str, now: datetime | None = None, *, count: bool = True) -> PanelInvite:
    """The invite a link opens, or LinkRefused. Counts the request against the link's hourly
    limit (the setting ``panel_link_requests_per_hour``); the caller commits."""
    from itsdangerous import BadSignature

    now = now or utcnow()
    try:
        payload = _serializer(session).loads(token)
        invite_id, nonce = int(payload["i"]), str(payload["n"])
    except (BadSignature, KeyError, TypeError, ValueError):
        raise LinkRefused("invalid") from None
    row = session.get(PanelInvite, invite_id)
    if row is None:
        raise LinkRefused("invalid")
    if row.revoked_at is not None:
        raise LinkRefused("revoked")
    if not secrets.compare_digest(row.nonce, nonce):
        raise LinkRefused("invalid")
    if now >= row.expires_at:
        raise LinkRefused("expired")
    if row.panel.status not in (CONFIRMED, HELD):
        raise LinkRefused("invalid")
    if count:
        limit = int(settings.get(session, "panel_link_requests_per_hour"))
        if row.window_started_at is None or now - row.window_started_at >= timedelta(hours=1):
            row.window_started_at, row.window_count = now, 0
        if row.window_count >= limit:
            raise LinkRefused("too_many")
        row.window_count += 1
    return row


def link_view(row: PanelInvite) -> dict:
    """What the agency sees: the minimum chosen for them, never the review's people."""
    case = row.case
    return {"agency_name": agencies.agency_name(row.agency), "contact_name": row.contact.name,
            "organisation": row.contact.organisation, "held_on": row.panel.held_on, "venue": row.panel.venue,
            "reference": case.review.reference, "region": reference.region_name(case.review.region),
            "offence": reference.offence_name(case.review.offence_category), "details": row.details,
            "expires_on": (row.expires_at.astimezone(LONDON) - timedelta(seconds=1)).date(),
            "answered": row.responded_at is not None, "involvement": row.involvement, "findings": row.findings,
            "learning": row.learning, "attendees": row.attendees}


def respond(session: Session, row: PanelInvite, data: dict) -> PanelInvite:
    if row.panel.status == HELD:
        _refuse(None, "closed", "The panel has been held, so answers can no longer be changed")
    first = row.responded_at is None
    row.involvement, row.findings = data["involvement"], data.get("findings") or ""
    row.learning, row.attendees = data.get("learning") or "", data.get("attendees") or ""
    row.responded_at = utcnow()
    agencies.record_event(session, PANEL, row.panel_id, None, "answered" if first else "answer_changed",
                          {"contact": row.contact.email, "case": row.case.review.reference,
                           "involvement": row.involvement})
    session.flush()
    return row


# --- notices and reminders ----------------------------------------------------------------------

def _notification(key: str, kind: str, review_id: int | None, key_day: date, email: str, subject: str,
                  body: str, now: datetime) -> dict:
    return dict(dedupe_key=key, kind=kind, review_id=review_id, key_day=key_day, recipient_id=None,
                recipient_email=email, subject=subject[:300], body=body, status=PENDING, attempts=0,
                created_at=now)


def _send_notice(session: Session, panel: Panel, row: PanelInvite, *, again: bool = False) -> None:
    """Recorded once (``panel_notice:i<invite>``, or ``...:d<new date>`` when the date moves)
    in the caller's transaction; handed to a worker after commit, or by the next sweep."""
    now = utcnow()
    expires = (row.expires_at.astimezone(LONDON) - timedelta(seconds=1)).date()
    subject, body = rules.notice(row.contact.name, agencies.agency_name(row.agency), panel.held_on, panel.venue,
                                 row.case.review.reference, link_for(session, row), expires)
    key = f"{rules.PANEL_NOTICE}:i{row.id}" + (f":d{panel.held_on.isoformat()}" if again else "")
    if again:
        subject = f"Date changed: {subject}"
    values = _notification(key, rules.PANEL_NOTICE, row.case.review_id,
                           now.astimezone(LONDON).date(), row.contact.email, subject, body, now)
    for nid, _key in notifications.insert_new(session, [values]):
        after_commit(session, notifications.send_to_worker, dispatcher_of(session), nid)


def record_due(session: Session, today: date, now: datetime) -> list[notifications.Recorded]:
    """The sweep hook: reminders to contacts who have not answered, and action reminders.
    INSERT ... ON CONFLICT DO NOTHING under unique keys, so two sweeps record each once."""
    calendar = get_calendar(session)
    if not calendar.is_working_day(today):
        return []
    conf = settings.all_settings(session)
    before = int(conf["panel_reminder_working_days"])
    action_days = int(conf["panel_action_reminder_working_days"])
    values = []
    # invites of confirmed panels still to come, unanswered and not revoked
    invites = session.scalars(
        select(PanelInvite).join(Panel, Panel.id == PanelInvite.panel_id)
        .where(Panel.status == CONFIRMED, Panel.held_on > today, PanelInvite.responded_at.is_(None),
               PanelInvite.revoked_at.is_(None))
        .options(selectinload(PanelInvite.panel), selectinload(PanelInvite.contact),
                 selectinload(PanelInvite.case).selectinload(PanelCase.review))).all()
    for row in invites:
        key_day = rules.invite_reminder(rules.InviteFacts(row.id, row.panel.held_on, True, False, False),
                                        today, calendar, before)
        if key_day is None:
            continue
        left = calendar.working_days_remaining(row.panel.held_on, today)
        subject, body = rules.reminder(row.contact.name, row.panel.held_on, row.case.review.reference,
                                       link_for(session, row), left)
        values.append(_notification(f"{rules.PANEL_REMINDER}:i{row.id}:{key_day.isoformat()}", rules.PANEL_REMINDER,
                                    row.case.review_id, key_day, row.contact.email, subject, body, now))
    horizon = calendar.add_working_days(today, action_days) if action_days else today
    actions = session.scalars(
        select(PanelAction).where(PanelAction.status == "open", PanelAction.due_on <= horizon)
        .options(selectinload(PanelAction.panel), selectinload(PanelAction.owner_contact))).all()
    managers = {}
    for action in actions:
        for kind, key_day in rules.action_reminders(rules.ActionFacts(action.id, action.due_on, True), today,
                                                    calendar, action_days):
            name, email = _action_owner_address(session, action, managers)
            if email is None:
                continue
            subject, body = rules.action_message(kind, name, action.description, action.due_on, action.panel.held_on)
            values.append(_notification(f"{kind}:a{action.id}:{key_day.isoformat()}", kind, None, key_day, email,
                                        subject, body, now))
    if not values:
        return []
    existing = set(session.scalars(select(Notification.dedupe_key)
                                   .where(Notification.dedupe_key.in_([v["dedupe_key"] for v in values]))))
    values = [v for v in values if v["dedupe_key"] not in existing]
    by_key = {v["dedupe_key"]: v for v in values}
    return [notifications.Recorded(nid, by_key[key]["kind"], by_key[key]["review_id"], None, by_key[key]["key_day"],
                                   by_key[key]["recipient_email"])
            for nid, key in notifications.insert_new(session, values)]


def _action_owner_address(session: Session, action: PanelAction, managers: dict) -> tuple[str, str | None]:
    if action.owner_contact is not None:
        return action.owner_contact.name, action.owner_contact.email
    manager_id = action.panel.created_by_id
    if manager_id not in managers:
        managers[manager_id] = session.get(User, manager_id) if manager_id else None
    user = managers[manager_id]
    return (user.name, user.email) if user is not None and user.is_active else ("", None)


# --- the panel's record, actions, report ------------------------------------------------------

def record(session: Session, panel: Panel, actor: User, data: dict) -> Panel:
    """Attendance (the invites that attended), the panel's findings and the learning agreed."""
    _check_version(panel, data.get("version"))
    _must_be(panel, CONFIRMED, HELD, what="record what happened")
    if panel.held_on > _today():
        _refuse("held_on", "too_early", "You can record the panel on or after the day it is held")
    attended = set(data.get("attended") or [])
    unknown = attended - {i.id for i in panel.invites}
    if unknown:
        _refuse("attended", "not_found", "Attendance names someone who was not invited", ValidationFailed)
    for row in panel.invites:
        row.attended = row.id in attended
    panel.findings, panel.learning = data["findings"], data["learning"]
    first = panel.status != HELD
    panel.status, panel.recorded_at = HELD, utcnow()
    _event(session, panel, actor, "recorded" if first else "record_changed",
           {"attended": sorted(attended)})
    session.flush()
    return panel


def _today() -> date:
    from ..working_days import london_today

    return london_today()


def add_action(session: Session, panel: Panel, actor: User, data: dict) -> PanelAction:
    _must_be(panel, HELD, what="add an action")
    contact = None
    if data.get("owner_contact_id"):
        contact = session.get(AgencyContact, data["owner_contact_id"])
        if contact is None:
            _refuse("owner_contact_id", "not_found", "There is no such agency contact", NotFound)
        label = f"{contact.name}, {contact.organisation} ({agencies.agency_name(contact.agency)})"
    else:
        label = "HM Inspectorate of Probation"
    action = PanelAction(description=data["description"], owner_contact=contact, owner_label=label,
                         due_on=data["due_on"], status="open")
    panel.actions.append(action)
    session.flush()
    _event(session, panel, actor, "action_added", {"action": action.id, "owner": label,
                                                   "due_on": action.due_on.isoformat()})
    return action


def close_action(session: Session, panel: Panel, actor: User, action_id: int, outcome: str) -> PanelAction:
    action = next((a for a in panel.actions if a.id == action_id), None)
    if action is None:
        _refuse("action_id", "not_found", "That action is not on this panel", NotFound)
    if action.status == "closed":
        _refuse(None, "already_closed", "This action is already closed")
    action.status, action.outcome, action.closed_at, action.closed_by_id = "closed", outcome, utcnow(), actor.id
    _event(session, panel, actor, "action_closed", {"action": action.id, "outcome": outcome})
    session.flush()
    return action


def report_content(panel: Panel) -> dict:
    """The report as data: references, regions and offence types; no victim, offender or staff."""
    return {
        "held_on": panel.held_on.isoformat(), "chair": panel.chair, "venue": panel.venue,
        "cases": [{"reference": c.review.reference, "region": reference.region_name(c.review.region),
                   "offence": reference.offence_name(c.review.offence_category)} for c in panel.cases],
        "attendance": [{"agency": agencies.agency_name(i.agency), "organisation": i.contact.organisation,
                        "reference": i.case.review.reference, "attended": bool(i.attended),
                        "attendees": i.attendees or "",
                        "involvement": INVOLVEMENT.get(i.involvement or "", "No answer received"),
                        "findings": i.findings or "", "learning": i.learning or ""}
                       for i in panel.invites if i.revoked_at is None],
        "findings": panel.findings or "", "learning": panel.learning or "",
        "actions": [{"description": a.description, "owner": a.owner_label, "due_on": a.due_on.isoformat(),
                     "status": "Closed" if a.status == "closed" else "Open", "outcome": a.outcome or ""}
                    for a in panel.actions],
    }


def report_html(panel: Panel) -> str:
    return panel_report.render_html(report_content(panel))


def report_pdf(panel: Panel) -> bytes:
    return panel_report.render_pdf(report_content(panel))


def report_filename(panel: Panel) -> str:
    return f"learning-panel-{panel.held_on.isoformat()}.pdf"


def send_report(session: Session, panel: Panel, actor: User) -> list[int]:
    """Email the report (PDF attached) to each contact who attended, once each."""
    _must_be(panel, HELD, what="send the report")
    if panel.report_sent_at is not None:
        _refuse(None, "already_sent", "The panel's report has already been sent")
    attendees = {}
    for row in panel.invites:
        if row.attended and row.revoked_at is None:
            attendees.setdefault(row.contact.email.lower(), row.contact)
    if not attendees:
        _refuse("attended", "required", "Record who attended before sending the report", ValidationFailed)
    pdf, now = report_pdf(panel), utcnow()
    ids = []
    for contact in attendees.values():
        subject, body = rules.report_message(contact.name, panel.held_on)
        values = _notification(f"{rules.PANEL_REPORT}:p{panel.id}:c{contact.id}", rules.PANEL_REPORT, None,
                               now.astimezone(LONDON).date(), contact.email, subject, body, now)
        for nid, _key in notifications.insert_new(session, [values]):
            session.add(NotificationAttachment(notification_id=nid, filename=report_filename(panel),
                                               content_type="application/pdf", content=pdf))
            ids.append(nid)
    panel.report_sent_at = now
    _event(session, panel, actor, "report_sent", {"to": sorted(attendees)})
    session.flush()
    if ids:
        after_commit(session, notifications.send_to_worker, dispatcher_of(session), ids)
    return ids


# --- views ---------------------------------------------------------------------------------------

def invite_view(row: PanelInvite) -> dict:
    return {"id": row.id, "case_id": row.case_id, "reference": row.case.review.reference,
            "contact": agencies.contact_view(row.contact), "agency": row.agency,
            "agency_name": agencies.agency_name(row.agency), "details": row.details,
            "expires_at": row.expires_at, "revoked": row.revoked_at is not None,
            "answered": row.responded_at is not None, "responded_at": row.responded_at,
            "involvement": row.involvement, "findings": row.findings, "learning": row.learning,
            "attendees": row.attendees, "attended": row.attended}


def view(panel: Panel) -> dict:
    return {"id": panel.id, "version": panel.version, "held_on": panel.held_on, "chair": panel.chair,
            "venue": panel.venue, "status": panel.status, "status_label": STATUSES[panel.status],
            "confirmed_at": panel.confirmed_at, "recorded_at": panel.recorded_at,
            "report_sent_at": panel.report_sent_at, "findings": panel.findings, "learning": panel.learning,
            "cases": [{"id": c.id, "review_id": c.review_id, "reference": c.review.reference,
                       "region": c.review.region, "region_name": reference.region_name(c.review.region),
                       "summary": c.summary} for c in panel.cases],
            "invites": [invite_view(i) for i in panel.invites],
            "answered": sum(1 for i in panel.invites if i.responded_at and not i.revoked_at),
            "invited": sum(1 for i in panel.invites if not i.revoked_at),
            "actions": [action_view(a) for a in panel.actions]}


def action_view(a: PanelAction) -> dict:
    return {"id": a.id, "description": a.description, "owner": a.owner_label,
            "owner_contact_id": a.owner_contact_id, "due_on": a.due_on, "status": a.status,
            "outcome": a.outcome, "closed_at": a.closed_at}


# --- the year's figures (for the annual summary) -----------------------------------------------

def year_figures(session: Session, year: int) -> dict:
    """Plain data for the calendar ``year`` (by the panel's date): see ``figures_between``."""
    if not 2000 <= year <= 2100:
        raise ValidationFailed("year must be between 2000 and 2100", fields={"year": ["must be between 2000 and 2100"]})
    return dict(figures_between(session, date(year, 1, 1), date(year, 12, 31)), year=year)


def figures_between(session: Session, first: date, last: date) -> dict:
    """Plain data for the annual summary: panels held from ``first`` to ``last`` (by the panel's
    date), the agencies invited to and attending them, and their actions open and closed."""
    held = list(session.scalars(select(Panel).where(Panel.status == HELD, Panel.held_on >= first,
                                                    Panel.held_on <= last)
                                .options(selectinload(Panel.invites), selectinload(Panel.actions),
                                         selectinload(Panel.cases))))
    invited: dict[str, int] = {}
    attended: dict[str, int] = {}
    for panel in held:
        for code in {i.agency for i in panel.invites if i.revoked_at is None}:
            invited[code] = invited.get(code, 0) + 1
        for code in {i.agency for i in panel.invites if i.attended}:
            attended[code] = attended.get(code, 0) + 1
    actions = [a for p in held for a in p.actions]
    return {
        "panels_held": len(held),
        "cases_discussed": sum(len(p.cases) for p in held),
        "agencies": [{"agency": code, "name": agencies.agency_name(code), "panels_invited": invited.get(code, 0),
                      "panels_attended": attended.get(code, 0)}
                     for code in reference.agencies() if code in invited],
        "actions_open": sum(1 for a in actions if a.status == "open"),
        "actions_closed": sum(1 for a in actions if a.status == "closed"),
        "actions_total": len(actions),
    }


def open_actions_count(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(PanelAction).where(PanelAction.status == "open"))
