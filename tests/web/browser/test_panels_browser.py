"""Issue 11's "How we will know", in a real browser: candidates -> a panel with two cases and
three agencies -> notices in the outbox -> one agency answers through its link (no sign-in)
-> a reminder goes to the others on the right working day -> the panel is recorded with an
action -> the action's reminder fires -> the action is closed.

The clock is moved with time_machine (the live server runs in this process). Days worked by
hand from the 2023 England and Wales calendar: panel Wednesday 10 May 2023; reminder 3 working
days before = Thursday 4 May (8 May, the coronation bank holiday, and the weekend skipped);
action due Wednesday 31 May, reminded 2 working days before = Friday 26 May (29 May bank holiday).
"""
from __future__ import annotations

import re
from datetime import date

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select
from sqlalchemy import select

from sfoflow.models.notifications import Notification, OutboxMessage
from sfoflow.notify.senders import OutboxSender
from sfoflow.services import notifications
from tests.support.browser import go, sign_in, submit
from tests.support.deadlines import clock, days
from tests.support.panels import scenario

pytestmark = pytest.mark.browser
PASSWORD = "password-123"  # tests/conftest.py make_user
D = date


def tick(browser, input_id: str) -> None:
    box = browser.find_element(By.ID, input_id)
    if not box.is_selected():
        browser.find_element(By.CSS_SELECTOR, f"label[for='{input_id}']").click()


def type_into(browser, input_id: str, value: str) -> None:
    field = browser.find_element(By.ID, input_id)
    field.clear()
    field.send_keys(value)


def main_text(browser) -> str:
    return browser.find_element(By.TAG_NAME, "main").text


def outbox(session) -> list[tuple[str, str, str]]:
    """(kind, recipient, subject) of every message in the outbox, in order."""
    session.expire_all()
    rows = session.execute(select(Notification.kind, OutboxMessage.recipient, OutboxMessage.subject, OutboxMessage.body)
                           .join(Notification, Notification.id == OutboxMessage.notification_id)
                           .order_by(OutboxMessage.id)).all()
    return rows


def sweep_days(database, first: date, last: date) -> dict[date, list[tuple[str, str]]]:
    """The daily sweep, delivering to the outbox; what each day's sweep recorded."""
    out = {}
    for day in days(first, last):
        with clock(day, 9), database.session() as s:
            report = notifications.sweep(s, day, dispatch=None, deliver_with=OutboxSender())
            out[day] = sorted((r.kind, r.recipient) for r in report.recorded)
    return out


def test_a_learning_panel_end_to_end(browser, database, session, make_user):
    manager, _ = make_user("manager", name="Mina Manager")
    world = scenario(session, manager)
    c = world["contacts"]

    # 1. candidates -> a panel with two cases and three agencies (Tuesday 2 May 2023)
    with clock(D(2023, 5, 2)):
        sign_in(browser, manager)
        go(browser, "/panels/candidates")
        rows = [r.get_attribute("data-reference")
                for r in browser.find_elements(By.CSS_SELECTOR, "#candidates tbody tr")]
        assert sorted(rows) == ["SFO/P/0001", "SFO/P/0002"]  # not SFO/P/0003: one agency, all prompts yes
        for review in world["cases"]:
            tick(browser, f"choose-{review.id}")
        for box, value in (("held_on-day", "10"), ("held_on-month", "5"), ("held_on-year", "2023"),
                           ("chair", "Chief Inspector"), ("venue", "https://meet.example.org/panel-10-may")):
            type_into(browser, box, value)
        submit(browser, browser.find_element(By.ID, "create-panel-button"))
        assert "Panel created as a draft" in main_text(browser)
        panel_url = browser.current_url
        # the suggested contacts (from the agencies recorded and the case's London region) are ticked
        suggested = [b.get_attribute("value") for b in
                     browser.find_elements(By.CSS_SELECTOR, "#invite-form input[type=checkbox]") if b.is_selected()]
        assert len(suggested) == 3
        assert "Wendy Wales" not in browser.find_element(By.ID, "invite-form").text.split("Or invite")[0]
        submit(browser, browser.find_element(By.ID, "invite-button"))
        assert "3 invitations added" in main_text(browser)
        submit(browser, browser.find_element(By.ID, "confirm-panel"))
        assert browser.find_element(By.ID, "panel-status").text == "Confirmed: agencies notified"

    # 2. the notices reach the outbox, once each
    sweep_days(database, D(2023, 5, 2), D(2023, 5, 3))
    sent = outbox(session)
    assert sorted(r.recipient for r in sent if r.kind == "panel_notice") == sorted(
        [c["police"].email, c["health"].email, c["housing"].email])
    police_notice = next(r for r in sent if r.recipient == c["police"].email)
    assert "Wednesday 10 May 2023" in police_notice.body
    link = re.search(r"https?://\S+/respond/(\S+)", police_notice.body).group(1)

    # 3. the police answer through their link, signed out (Wednesday 3 May)
    with clock(D(2023, 5, 3)):
        browser.delete_all_cookies()
        go(browser, f"/respond/{link}")
        assert "SFO/P/0001" in main_text(browser) and "Sign out" not in browser.page_source
        browser.find_element(By.CSS_SELECTOR, "label[for='involvement']").click()
        type_into(browser, "findings", "Two arrests for assault in 2022; no referral to probation")
        type_into(browser, "learning", "Share call-outs with the probation practitioner")
        type_into(browser, "attendees", "DS Pat Police")
        submit(browser, browser.find_element(By.ID, "send-answer"))
        assert "Thank you" in main_text(browser)

    # 4. the reminder goes to the two who have not answered, on Thursday 4 May only
    recorded = sweep_days(database, D(2023, 5, 4), D(2023, 5, 9))
    reminders = {day: [r for r in got if r[0] == "panel_reminder"] for day, got in recorded.items()}
    assert reminders[D(2023, 5, 4)] == sorted([("panel_reminder", c["health"].email),
                                                ("panel_reminder", c["housing"].email)])
    assert all(not v for d, v in reminders.items() if d != D(2023, 5, 4))
    assert sum(r.kind == "panel_reminder" for r in outbox(session)) == 2

    # 5. the manager sees who answered, then records the panel with an action (Wednesday 10 May)
    with clock(D(2023, 5, 10), 16):
        sign_in(browser, manager)
        browser.get(panel_url)
        answered = {r.get_attribute("id"): r.get_attribute("data-answered")
                    for r in browser.find_elements(By.CSS_SELECTOR, "#invite-table tbody tr")}
        assert sorted(answered.values()) == ["no", "no", "yes"]
        submit(browser, browser.find_element(By.ID, "to-record"))
        for box in browser.find_elements(By.CSS_SELECTOR, "#record-form input[name=attended]"):
            tick(browser, box.get_attribute("id"))
        type_into(browser, "findings", "Police call-outs were not shared with probation")
        type_into(browser, "learning", "A named police contact for each high-risk case")
        submit(browser, browser.find_element(By.ID, "save-record"))
        assert browser.find_element(By.ID, "panel-status").text == "Held"
        type_into(browser, "description", "Agree an information-sharing protocol with housing providers")
        Select(browser.find_element(By.ID, "owner_contact_id")).select_by_value(str(c["housing"].id))
        for box, value in (("due_on-day", "31"), ("due_on-month", "5"), ("due_on-year", "2023")):
            type_into(browser, box, value)
        submit(browser, browser.find_element(By.ID, "add-action-button"))
        assert "Action added" in main_text(browser)

    # 6. the action's reminder fires on Friday 26 May, to its owner, once
    recorded = sweep_days(database, D(2023, 5, 11), D(2023, 5, 30))
    fired = {day: got for day, got in recorded.items() if got}
    assert fired == {D(2023, 5, 26): [("action_due", c["housing"].email)]}
    assert [r.subject for r in outbox(session) if r.kind == "action_due"] == [
        "Coming due: learning panel action due Wednesday 31 May 2023"]

    # 7. the action is closed with its outcome (Tuesday 30 May); no overdue reminder follows
    with clock(D(2023, 5, 30)):
        sign_in(browser, manager)
        browser.get(panel_url)
        action = browser.find_element(By.CSS_SELECTOR, "#action-table tbody tr")
        action_id = action.get_attribute("id").split("-")[1]
        type_into(browser, f"outcome-{action_id}", "Protocol signed by both agencies on 25 May 2023")
        submit(browser, browser.find_element(By.ID, f"close-{action_id}"))
        closed = browser.find_element(By.ID, f"action-{action_id}")
        assert closed.get_attribute("data-status") == "closed" and "Protocol signed" in closed.text
    assert not any(sweep_days(database, D(2023, 5, 31), D(2023, 6, 2)).values())

    # 8. the report (HTML, with its PDF) is emailed to the attendees through the outbox
    with clock(D(2023, 6, 5)):
        sign_in(browser, manager)  # days later: the session of 30 May has expired (24 hours at most)
        browser.get(panel_url.split("#")[0] + "/report")
        report = browser.find_element(By.ID, "panel-report").text
        assert "SFO/P/0001" in report and "A named police contact for each high-risk case" in report
        submit(browser, browser.find_element(By.ID, "send-report"))
        assert "sent to the contacts who attended" in main_text(browser)
    sweep_days(database, D(2023, 6, 5), D(2023, 6, 5))
    assert sorted(r.recipient for r in outbox(session) if r.kind == "panel_report") == sorted(
        [c["police"].email, c["health"].email, c["housing"].email])


def test_the_answer_form_and_the_panel_page_fit_a_320px_screen(browser, session, make_user):
    from sfoflow.db import transaction
    from sfoflow.services import panels

    manager, _ = make_user("manager", name="Mina Manager")
    world = scenario(session, manager)
    with transaction(session):
        panel = panels.create(session, manager, {"held_on": D(2030, 6, 12), "chair": "Chief Inspector",
                                                 "venue": "https://meet.example.org/a-rather-long-meeting-link-0123456789",
                                                 "review_ids": [r.id for r in world["cases"]]})
        panels.invite(session, panel, manager, {"case_id": panel.cases[0].id,
                                                "contact_id": world["contacts"]["police"].id})
        panels.confirm(session, panel, manager, panel.version)
    link = panels.token_for(session, panel.invites[0])
    browser.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                            {"width": 320, "height": 800, "deviceScaleFactor": 1, "mobile": True})
    try:
        def fits() -> bool:
            return browser.execute_script("return document.documentElement.scrollWidth <= window.innerWidth")

        go(browser, f"/respond/{link}")
        assert "SFO/P/0001" in main_text(browser) and fits()
        sign_in(browser, manager)
        go(browser, f"/panels/{panel.id}")
        assert browser.find_element(By.ID, "panel-status").text == "Confirmed: agencies notified" and fits()
        go(browser, "/panels/candidates")
        assert fits()
    finally:
        browser.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
