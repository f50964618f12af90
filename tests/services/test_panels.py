"""Learning panels through the services: candidates, the panel, notices, the personal link,
answers, the record, actions and report; and the sweep, day by day, exactly once.

Expected days are worked by hand from the 2023 England and Wales calendar (bank holidays
Monday 1 May, Monday 8 May (the coronation), Monday 29 May):
* a panel on Wednesday 10 May 2023 with reminders 3 working days before -> Thursday 4 May
  (Tuesday 9, Friday 5, Thursday 4: the weekend and 8 May are skipped);
* an action due Wednesday 31 May 2023 with reminders 2 working days before -> Friday 26 May
  (Tuesday 30, then Friday 26: 29 May is skipped); overdue the next working day, Thursday 1 June.
"""
from __future__ import annotations

import threading
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select

from sfoflow.db import transaction
from sfoflow.models import AuditEvent, PartnershipEvent
from sfoflow.models.notifications import Notification
from sfoflow.services import agencies, notifications, panels
from sfoflow.services.errors import ServiceError
from tests.support.core import make_person, make_review
from tests.support.deadlines import days
from tests.support.panels import scenario

D = date
HELD_ON = D(2023, 5, 10)
REMINDER_DAY = D(2023, 5, 4)
ACTION_DUE = D(2023, 5, 31)
ACTION_SOON_DAY = D(2023, 5, 26)
ACTION_OVERDUE_DAY = D(2023, 6, 1)


@pytest.fixture
def world(session):
    return scenario(session)


def confirmed_panel(session, world, held_on=HELD_ON):
    """Panel with the two cases and three agencies (police and health on case 1, housing on 2)."""
    c = world["contacts"]
    with transaction(session):
        panel = panels.create(session, world["manager"], {
            "held_on": held_on, "chair": "Chief Inspector", "venue": "https://meet.example.org/panel",
            "review_ids": [r.id for r in world["cases"]]})
        one, two = panel.cases
        one.summary = "Man in his 30s, supervised on licence in North London, 2021-2022"
        for case, contact in ((one, c["police"]), (one, c["health"]), (two, c["housing"])):
            panels.invite(session, panel, world["manager"], {"case_id": case.id, "contact_id": contact.id})
        panels.confirm(session, panel, world["manager"], panel.version)
    return panel


def notices(session, kind):
    session.expire_all()
    return list(session.scalars(select(Notification).where(Notification.kind == kind).order_by(Notification.id)))


# --- agencies and contacts --------------------------------------------------------------------------

def test_the_central_team_or_the_allocated_inspector_records_agencies_and_it_is_audited(session):
    central, _ = make_person(session, "central_team")
    mine, _ = make_person(session, "inspector")
    other, _ = make_person(session, "inspector")
    review = make_review(session, state="in_qa", inspector=mine)
    with transaction(session):
        agencies.set_for_review(session, review, central, [{"agency": "police", "role": "Arrest"}])
    with transaction(session):
        agencies.set_for_review(session, review, mine, [{"agency": "police", "role": "Arrest"},
                                                        {"agency": "housing", "role": "Hostel"}])
    with pytest.raises(ServiceError) as refused:
        with transaction(session):
            agencies.set_for_review(session, review, other, [])
    assert refused.value.status == 403
    assert [a.agency for a in agencies.for_review(session, review.id)] == ["police", "housing"]
    trail = session.scalars(select(AuditEvent).where(AuditEvent.review_id == review.id,
                                                     AuditEvent.action == "agencies").order_by(AuditEvent.id)).all()
    assert [e.actor_id for e in trail] == [central.id, mine.id]
    assert trail[1].details == {"before": {"police": "Arrest"}, "after": {"police": "Arrest", "housing": "Hostel"}}


def test_a_contact_change_is_kept_in_its_history(session):
    admin, _ = make_person(session, "admin")
    with transaction(session):
        c = agencies.create_contact(session, admin, {"agency": "police", "organisation": "Kent Police",
                                                     "area": "Medway", "regions": ["kent_surrey_sussex"],
                                                     "name": "Kim", "email": "kim@kent.example.org"})
    with transaction(session):
        agencies.update_contact(session, c, admin, {"email": "kim.new@kent.example.org", "name": "Kim"})
    events = agencies.history(session, agencies.CONTACT, c.id)
    assert [e.action for e in events] == ["created", "changed"]
    assert events[1].details == {"changes": {"email": {"before": "kim@kent.example.org",
                                                       "after": "kim.new@kent.example.org"}}}


# --- candidates ---------------------------------------------------------------------------------------

def test_candidates_are_qad_reviews_with_several_agencies_or_a_partnership_no(session, world):
    make_review(session, state="in_qa", reference="SFO/P/OPEN")  # QA not done: never a candidate
    found = panels.candidates(session)
    assert sorted(c["reference"] for c in found) == ["SFO/P/0001", "SFO/P/0002"]
    by_ref = {c["reference"]: c for c in found}
    assert by_ref["SFO/P/0001"]["reasons"] == ["2 agencies involved"]
    assert by_ref["SFO/P/0002"]["partnership_no"] == ["1.1.e"]
    assert panels.candidates(session, region="wales") == []
    assert len(panels.candidates(session, year=2023)) == 2
    assert panels.candidates(session, year=2022) == []


def test_candidates_show_and_filter_on_the_themes_their_qa_recorded(session, world):
    from sqlalchemy import select

    from sfoflow.models import Assessment, AssessmentTheme, Theme
    from sfoflow.services import learning

    learning.ensure_themes(session)
    mappa = session.scalar(select(Theme).where(Theme.key == "mappa"))
    assessment = session.scalar(select(Assessment).where(Assessment.review_id == world["cases"][0].id))
    session.add(AssessmentTheme(assessment_id=assessment.id, theme_id=mappa.id))
    session.flush()
    by_ref = {c["reference"]: c for c in panels.candidates(session)}
    assert by_ref["SFO/P/0001"]["themes"] == [mappa.label] and by_ref["SFO/P/0002"]["themes"] == []
    assert [c["reference"] for c in panels.candidates(session, theme=mappa.label)] == ["SFO/P/0001"]


def test_contacts_are_suggested_from_the_agencies_recorded_and_the_region(session, world):
    with transaction(session):
        panel = panels.create(session, world["manager"], {"held_on": HELD_ON, "chair": "C", "venue": "V",
                                                          "review_ids": [world["cases"][0].id]})
    suggested = panels.suggestions(session, panel)[panel.cases[0].id]
    assert [(s["agency"], [c["name"] for c in s["contacts"]]) for s in suggested] == [
        ("police", ["Pat Police"]), ("mental_health_services", ["Helen Health"])]  # not Wendy in Wales


# --- confirming, notices, the link ------------------------------------------------------------------

def test_confirming_records_one_notice_per_invite_once(session, world):
    panel = confirmed_panel(session, world)
    sent = notices(session, "panel_notice")
    assert sorted(n.recipient_email for n in sent) == sorted(
        c.email for k, c in world["contacts"].items() if k != "wales")
    assert all("/respond/" in n.body and "Wednesday 10 May 2023" in n.body for n in sent)
    with pytest.raises(ServiceError):
        with transaction(session):
            panels.confirm(session, panels.get(session, panel.id), world["manager"])
    assert len(notices(session, "panel_notice")) == 3
    actions = [e.action for e in session.scalars(select(PartnershipEvent).order_by(PartnershipEvent.id))]
    assert actions == ["created", "case_added", "case_added", "invited", "invited", "invited", "confirmed"]


def _token(session, panel, contact):
    invite = next(i for i in panels.get(session, panel.id).invites if i.contact_id == contact.id)
    return invite, panels.token_for(session, invite)


def test_a_link_opens_only_its_own_invite_until_it_expires_or_is_revoked(session, world):
    panel = confirmed_panel(session, world, held_on=D(2030, 6, 12))
    police, token = _token(session, panel, world["contacts"]["police"])
    housing, _ = _token(session, panel, world["contacts"]["housing"])
    assert panels.open_link(session, token).id == police.id
    for altered in (token[:-2] + ("AA" if token[-2:] != "AA" else "BB"), token.replace(".", "x", 1), "nonsense"):
        with pytest.raises(panels.LinkRefused) as refused:
            panels.open_link(session, altered)
        assert refused.value.code == "invalid"
    # the end of the panel's day in London (BST: 23:00 UTC)
    with pytest.raises(panels.LinkRefused, match="expired"):
        panels.open_link(session, token, now=datetime(2030, 6, 12, 23, 0, tzinfo=UTC))
    assert panels.open_link(session, token, now=datetime(2030, 6, 12, 22, 59, tzinfo=UTC)).id == police.id
    with transaction(session):
        panels.revoke(session, panels.get(session, panel.id), world["manager"], police.id)
    with pytest.raises(panels.LinkRefused, match="revoked"):
        panels.open_link(session, token)
    assert housing.revoked_at is None


def test_a_link_is_rate_limited(session, world):
    from sfoflow.services import settings

    settings.set_value(session, "panel_link_requests_per_hour", 3)
    session.commit()
    panel = confirmed_panel(session, world, held_on=D(2030, 6, 12))
    _invite, token = _token(session, panel, world["contacts"]["police"])
    now = datetime(2030, 1, 1, 9, tzinfo=UTC)
    for _ in range(3):
        panels.open_link(session, token, now)
    with pytest.raises(panels.LinkRefused, match="too_many"):
        panels.open_link(session, token, now + timedelta(minutes=59))
    assert panels.open_link(session, token, now + timedelta(hours=1))


# --- the whole cycle, day by day, two sweeps at once ------------------------------------------------

def sweep_twice_at_once(database, day):
    barrier = threading.Barrier(2)
    results, errors = [], []

    def run():
        try:
            with database.session() as s:
                barrier.wait(timeout=10)
                results.append(notifications.sweep(s, day, dispatch=None))
        except Exception as exc:  # noqa: BLE001 - reported by the caller
            errors.append(exc)

    threads = [threading.Thread(target=run) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert not errors, errors
    return [r for res in results for r in res.recorded]


PANEL_KINDS = ("panel_reminder", "action_due", "action_overdue")


def test_day_by_day_each_reminder_is_recorded_once_on_its_day_even_with_two_sweeps_at_once(database, session,
                                                                                          world):
    panel = confirmed_panel(session, world)
    c = world["contacts"]
    police, _ = _token(session, panel, c["police"])
    with transaction(session):  # the police answer before the reminder day
        panels.respond(session, session.get(type(police), police.id),
                       {"involvement": "confirmed", "findings": "Two arrests", "learning": "Share",
                        "attendees": "DS Pat"})
    first_seen: dict[str, date] = {}
    claimed = []
    for day in days(D(2023, 5, 2), D(2023, 6, 9)):
        if day == HELD_ON:
            with transaction(session):
                p = panels.get(session, panel.id)
                panels.record(session, p, world["manager"], {"findings": "F", "learning": "L",
                                                             "attended": [i.id for i in p.invites]})
                panels.add_action(session, p, world["manager"], {"description": "Joint protocol",
                                                                 "owner_contact_id": c["housing"].id,
                                                                 "due_on": ACTION_DUE})
        claimed += sweep_twice_at_once(database, day)
        for n in notices_all(session):
            if n.kind in PANEL_KINDS:
                first_seen.setdefault(n.dedupe_key, day)
    rows = [n for n in notices_all(session) if n.kind in PANEL_KINDS]
    got = sorted((n.kind, n.recipient_email, first_seen[n.dedupe_key]) for n in rows)
    assert got == sorted([
        ("panel_reminder", c["health"].email, REMINDER_DAY),   # not the police: they answered
        ("panel_reminder", c["housing"].email, REMINDER_DAY),
        ("action_due", c["housing"].email, ACTION_SOON_DAY),
        ("action_overdue", c["housing"].email, ACTION_OVERDUE_DAY),
    ])
    assert sorted(r.id for r in claimed if r.kind in PANEL_KINDS) == sorted(n.id for n in rows)  # each once
    reminder = next(n for n in rows if n.kind == "panel_reminder")
    assert "Wednesday 10 May 2023" in reminder.body and "/respond/" in reminder.body


def notices_all(session):
    session.expire_all()
    return list(session.scalars(select(Notification).order_by(Notification.id)))


def test_a_closed_action_is_not_reminded(session, world):
    panel = confirmed_panel(session, world)
    with transaction(session):
        p = panels.get(session, panel.id)
        panels.record(session, p, world["manager"], {"findings": "F", "learning": "L", "attended": []})
        action = panels.add_action(session, p, world["manager"], {"description": "HMIP to write to HMPPS",
                                                                  "owner_contact_id": None, "due_on": ACTION_DUE})
        panels.close_action(session, p, world["manager"], action.id, "Letter sent 20 May 2023")
    for day in days(D(2023, 5, 22), D(2023, 6, 5)):
        notifications.sweep(session, day, dispatch=None)
    assert [n for n in notices_all(session) if n.kind.startswith("action")] == []


# --- record, report, figures ---------------------------------------------------------------------

def test_the_report_names_no_one_from_the_case_and_goes_to_the_attendees(session, world):
    panel = confirmed_panel(session, world)
    c = world["contacts"]
    with transaction(session):
        p = panels.get(session, panel.id)
        attended = [i.id for i in p.invites if i.contact_id != c["health"].id]
        panels.record(session, p, world["manager"], {"findings": "Information was not shared",
                                                     "learning": "A joint referral route", "attended": attended})
        panels.add_action(session, p, world["manager"], {"description": "Agree a protocol",
                                                         "owner_contact_id": c["police"].id, "due_on": ACTION_DUE})
        panels.send_report(session, p, world["manager"])
    p = panels.get(session, panel.id)
    html = panels.report_html(p)
    assert "SFO/P/0001" in html and "Agree a protocol" in html and "A joint referral route" in html
    review = world["cases"][0]
    for private in (review.local_team_email, review.provider):
        assert private not in html
    assert panels.report_pdf(p).startswith(b"%PDF")
    sent = notices(session, "panel_report")
    assert sorted(n.recipient_email for n in sent) == sorted([c["police"].email, c["housing"].email])
    with pytest.raises(ServiceError):
        with transaction(session):
            panels.send_report(session, panels.get(session, panel.id), world["manager"])


def test_year_figures(session, world):
    panel = confirmed_panel(session, world)
    with transaction(session):
        p = panels.get(session, panel.id)
        panels.record(session, p, world["manager"], {"findings": "F", "learning": "L",
                                                     "attended": [p.invites[0].id]})
        one = panels.add_action(session, p, world["manager"], {"description": "A", "due_on": ACTION_DUE})
        panels.add_action(session, p, world["manager"], {"description": "B", "due_on": ACTION_DUE})
        panels.close_action(session, p, world["manager"], one.id, "Done")
    figures = panels.year_figures(session, 2023)
    assert figures["panels_held"] == 1 and figures["cases_discussed"] == 2
    assert (figures["actions_open"], figures["actions_closed"]) == (1, 1)
    assert [(a["agency"], a["panels_invited"], a["panels_attended"]) for a in figures["agencies"]] == [
        ("police", 1, 1), ("mental_health_services", 1, 0), ("housing", 1, 0)]
    assert panels.year_figures(session, 2024)["panels_held"] == 0


def test_moving_a_confirmed_panel_tells_each_contact_the_new_date_once(session, world):
    panel = confirmed_panel(session, world)
    for _ in range(2):  # the same new date twice: one notice each
        with transaction(session):
            p = panels.get(session, panel.id)
            panels.update(session, p, world["manager"], {"held_on": D(2023, 5, 17), "version": p.version})
    moved = [n for n in notices(session, "panel_notice") if n.subject.startswith("Date changed")]
    assert len(moved) == 3 and all("Wednesday 17 May 2023" in n.body for n in moved)
    events = [e.action for e in panels.history(session, panels.get(session, panel.id))]
    assert events.count("changed") == 1  # the second save changed nothing


def test_a_case_can_be_taken_off_a_draft_panel_with_its_invitations(session, world):
    with transaction(session):
        panel = panels.create(session, world["manager"], {"held_on": HELD_ON, "chair": "C", "venue": "V",
                                                          "review_ids": [r.id for r in world["cases"]]})
        panels.invite(session, panel, world["manager"], {"case_id": panel.cases[1].id,
                                                         "contact_id": world["contacts"]["housing"].id})
    with transaction(session):
        panels.remove_case(session, panels.get(session, panel.id), world["manager"], panel.cases[1].id)
    p = panels.get(session, panel.id)
    assert [c.review.reference for c in p.cases] == ["SFO/P/0001"] and p.invites == []
