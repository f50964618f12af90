"""Learning panel pages, and the agency contact's personal link (no sign-in): it opens its own
form and nothing else; an expired, withdrawn, altered or unknown link gets a plain page that
reveals nothing about any case, panel or person."""
from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
import time_machine

from sfoflow.db import transaction
from sfoflow.models import PanelInvite
from sfoflow.services import panels, settings
from tests.support.panels import scenario
from tests.support.web import post_form, text

FUTURE = date(2030, 6, 12)  # a Wednesday


@pytest.fixture
def world(session):
    w = scenario(session)
    c = w["contacts"]
    with transaction(session):
        panel = panels.create(session, w["manager"], {"held_on": FUTURE, "chair": "Chief Inspector",
                                                      "venue": "Room 4, Clive House",
                                                      "review_ids": [r.id for r in w["cases"]]})
        one, two = panel.cases
        one.summary = "Supervised on licence in North London, 2021-2022"
        for case, contact in ((one, c["police"]), (one, c["health"]), (two, c["housing"])):
            panels.invite(session, panel, w["manager"], {"case_id": case.id, "contact_id": contact.id})
        panels.confirm(session, panel, w["manager"], panel.version)
    w["panel"] = panel.id
    w["links"] = {i.contact.name: panels.token_for(session, i) for i in panels.get(session, panel.id).invites}
    w["invites"] = {i.contact.name: i.id for i in panels.get(session, panel.id).invites}
    return w


# Things no refused page may show: case references, the panel's date and venue, any contact.
def assert_reveals_nothing(page: str) -> None:
    for secret in ("SFO/P/", "12 June 2030", "Clive House", "Pat Police", "Helen Health", "Harry Housing",
                   "Chief Inspector", "London", "Police"):
        assert secret not in page, secret


def test_a_contact_answers_through_their_link_without_signing_in(app, world, session):
    client = app.test_client()
    url = f"/respond/{world['links']['Pat Police']}"
    page = client.get(url)
    assert page.status_code == 200
    body = text(page)
    assert "SFO/P/0001" in body and "Supervised on licence in North London" in body
    assert "Arrested him twice in 2022" in body  # the role recorded for the police only
    assert "SFO/P/0002" not in body and "Community mental health" not in body  # others' cases and roles
    assert world["cases"][0].local_team_email not in page.get_data(as_text=True)
    assert page.headers["Cache-Control"] == "no-store" and page.headers["Referrer-Policy"] == "no-referrer"
    done = post_form(client, url, url, {"involvement": "confirmed", "findings": "Two arrests in 2022",
                                        "learning": "Tell probation about call-outs", "attendees": "DS Pat Police"})
    assert done.status_code == 200 and "Thank you" in text(done)
    session.expire_all()
    row = session.get(PanelInvite, world["invites"]["Pat Police"])
    assert (row.involvement, row.attendees) == ("confirmed", "DS Pat Police")
    others = [session.get(PanelInvite, world["invites"][n]) for n in ("Helen Health", "Harry Housing")]
    assert all(o.responded_at is None for o in others)  # one link answers for its own invite only


def test_an_answer_without_the_involvement_question_is_refused_plainly(app, world):
    client = app.test_client()
    url = f"/respond/{world['links']['Pat Police']}"
    resp = post_form(client, url, url, {"findings": "x"})
    assert resp.status_code == 422
    assert "Select whether your agency was involved in this case" in text(resp)


@pytest.mark.parametrize("how", ["altered", "truncated", "unknown", "other_secret"])
def test_an_altered_or_unknown_link_is_refused_and_reveals_nothing(app, world, how):
    token = world["links"]["Pat Police"]
    bad = {"altered": token[:-3] + ("xyz" if not token.endswith("xyz") else "abc"),
           "truncated": token[: len(token) // 2],
           "unknown": "eyJpIjo5OTk5LCJuIjoiYWJjIn0.c2lnbmF0dXJl",
           "other_secret": _signed_elsewhere(world)}[how]
    resp = app.test_client().get(f"/respond/{bad}")
    assert resp.status_code == 404
    page = resp.get_data(as_text=True)
    assert "This link is not valid" in text(resp)
    assert_reveals_nothing(page)


def _signed_elsewhere(world):
    from itsdangerous import URLSafeSerializer

    # the right invite id and a made-up nonce, signed with another key: still refused
    return URLSafeSerializer("not-our-secret", salt="panel-response").dumps(
        {"i": world["invites"]["Pat Police"], "n": "guess"})


def test_a_withdrawn_link_is_refused_and_reveals_nothing(app, world, session):
    with transaction(session):
        panels.revoke(session, panels.get(session, world["panel"]), world["manager"], world["invites"]["Pat Police"])
    resp = app.test_client().get(f"/respond/{world['links']['Pat Police']}")
    assert resp.status_code == 410 and "This link has been withdrawn" in text(resp)
    assert_reveals_nothing(resp.get_data(as_text=True))
    assert app.test_client().get(f"/respond/{world['links']['Harry Housing']}").status_code == 200


def test_a_link_expires_at_the_end_of_the_panels_day(app, world):
    url = f"/respond/{world['links']['Pat Police']}"
    with time_machine.travel(datetime(2030, 6, 12, 22, 30, tzinfo=UTC)):  # 23:30 in London (BST)
        assert app.test_client().get(url).status_code == 200
    with time_machine.travel(datetime(2030, 6, 12, 23, 0, 1, tzinfo=UTC)):  # just after midnight in London
        resp = app.test_client().get(url)
    assert resp.status_code == 410 and "This link has expired" in text(resp)
    assert_reveals_nothing(resp.get_data(as_text=True))


def test_a_link_opens_nothing_else(app, world):
    client = app.test_client()
    assert client.get(f"/respond/{world['links']['Pat Police']}").status_code == 200
    for path in (f"/panels/{world['panel']}", "/panels", f"/reviews/{world['cases'][0].id}", "/admin/outbox",
                 f"/reviews/{world['cases'][0].id}/agencies", "/admin/agency-contacts"):
        resp = client.get(path)
        assert resp.status_code == 302 and "/sign-in" in resp.headers["Location"], path
    assert client.get(f"/api/v1/panels/{world['panel']}").status_code == 401
    # the token is not a bearer token either
    assert client.get("/api/v1/panels", headers={"Authorization": f"Bearer {world['links']['Pat Police']}"}
                      ).status_code == 401


def test_a_link_is_rate_limited(app, world, session):
    settings.set_value(session, "panel_link_requests_per_hour", 2)
    session.commit()
    client = app.test_client()
    url = f"/respond/{world['links']['Pat Police']}"
    assert [client.get(url).status_code for _ in range(3)] == [200, 200, 429]
    assert "too many times" in text(client.get(url))


# --- the manager's and admin's pages ------------------------------------------------------------------

def test_the_manager_sees_who_has_answered(app, world, signed_in, session):
    with transaction(session):
        row = panels.open_link(session, world["links"]["Harry Housing"], count=False)
        panels.respond(session, row, {"involvement": "not_confirmed", "findings": "", "learning": "",
                                      "attendees": ""})
    client, _ = signed_in("manager")
    page = client.get(f"/panels/{world['panel']}")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert f'id="invite-{world["invites"]["Harry Housing"]}" data-answered="yes"' in html
    assert f'id="invite-{world["invites"]["Pat Police"]}" data-answered="no"' in html
    assert "1 of 3" in text(page)


def test_pages_are_for_their_roles(app, world, signed_in):
    inspector, _ = signed_in("inspector")
    for path in ("/panels", "/panels/candidates", f"/panels/{world['panel']}", "/admin/agency-contacts"):
        assert inspector.get(path).status_code == 403, path
    manager, _ = signed_in("manager")
    for path in ("/panels", "/panels/candidates", f"/panels/{world['panel']}", f"/panels/{world['panel']}/record",
                 f"/panels/{world['panel']}/report"):
        assert manager.get(path).status_code == 200, path
    pdf = manager.get(f"/panels/{world['panel']}/report.pdf")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")


def test_an_admin_adds_and_changes_a_contact_and_sees_its_history(app, signed_in, session):
    client, admin = signed_in("admin")
    resp = post_form(client, "/admin/agency-contacts", "/admin/agency-contacts", {
        "agency": "prison", "organisation": "HMP Pentonville", "area": "Islington", "name": "Priya Prison",
        "email": "priya@prison.example.org", "regions": ["london"]})
    assert resp.status_code == 302
    page = client.get("/admin/agency-contacts")
    assert "Priya Prison" in text(page) and "HMP Pentonville, Islington" in text(page)
    from sfoflow.models.panels import AgencyContact

    contact_id = session.query(AgencyContact.id).scalar()
    url = f"/admin/agency-contacts/{contact_id}"
    post_form(client, url, url, {"agency": "prison", "organisation": "HMP Pentonville", "area": "Islington",
                                 "name": "Priya Prison", "email": "priya.p@prison.example.org",
                                 "regions": ["london", "south_central"], "is_active": "yes"})
    history = text(client.get(url))
    assert "Added by" in history and "Changed by" in history
    assert "priya@prison.example.org” to “priya.p@prison.example.org" in history
    refused = post_form(client, "/admin/agency-contacts", "/admin/agency-contacts", {"agency": "prison"})
    assert "Enter organisation" in text(client.get(refused.headers["Location"]))


def test_the_central_team_records_agencies_on_a_review(app, signed_in, session):
    from tests.support.core import make_review

    review = make_review(session, state="selected_for_hmip")
    client, _ = signed_in("central_team")
    assert 'id="agencies-link"' in client.get(f"/reviews/{review.id}").get_data(as_text=True)
    url = f"/reviews/{review.id}/agencies"
    post_form(client, url, url, {"agency": ["police", "housing"], "role-police": "Arrests",
                                 "role-housing": "Hostel place"})
    page = client.get(url).get_data(as_text=True)
    assert 'value="police" checked' in page and 'value="housing" checked' in page and "Hostel place" in page


def test_the_link_token_is_not_written_to_the_request_log(app, world, caplog):
    import logging

    token = world["links"]["Pat Police"]
    with caplog.at_level(logging.INFO, logger="sfoflow.request"):
        app.test_client().get(f"/respond/{token}")
    paths = [getattr(r, "path", "") for r in caplog.records if r.name == "sfoflow.request"]
    assert paths == ["/respond/<token>"]
    assert token not in caplog.text


def test_a_panel_without_a_chair_or_date_is_refused_with_each_error_linked_to_its_input(app, world, signed_in):
    client, _ = signed_in("manager")
    resp = post_form(client, "/panels/candidates", "/panels", {"venue": "Room 4",
                                                                "review_id": [str(world["cases"][0].id)]})
    assert resp.status_code == 422
    html = resp.get_data(as_text=True)
    assert 'href="#held_on-day">Enter the date of the panel' in html
    assert 'href="#chair">Enter the name of the chair' in html
    assert f'value="{world["cases"][0].id}" checked' in html and 'value="Room 4"' in html  # nothing typed is lost


def test_a_record_without_findings_is_refused_with_the_error_linked(app, world, signed_in, session):
    url = f"/panels/{world['panel']}/record"
    with time_machine.travel(datetime(2030, 6, 12, 15, tzinfo=UTC)):
        client, _ = signed_in("manager")
        resp = post_form(client, url, url, {"learning": "Share call-outs",
                                            "version": str(panels.get(session, world["panel"]).version)})
    assert resp.status_code == 422
    html = resp.get_data(as_text=True)
    assert 'href="#findings">Enter the panel' in html and "Share call-outs" in html
