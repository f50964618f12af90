"""The whole QA path in a real browser: the inspector completes the form (autosaved), submits;
a manager returns it once, then approves; a real Celery worker delivers the local team's email
with the PDF to the outbox; the review shows feedback sent and its timeliness; the PDF's text
carries the four standard ratings, the overall rating and the feedback."""
from __future__ import annotations

import io
import re
import urllib.request

import pypdf
import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait
from sqlalchemy import select

from sfoflow.assessment.framework import load_framework
from sfoflow.models import Review
from sfoflow.models.assessment import NotificationAttachment, QaReport
from sfoflow.models.notifications import OutboxMessage
from tests.support import clock
from tests.support.browser import click, find, go, submit
from tests.support.reviews import allocate, register
from tests.support.worker import wait_for

pytestmark = pytest.mark.browser

PASSWORD = "password-123"
FW = load_framework("v1")
# Standard -> (radio position on the form: 1 Outstanding, 2 Good, 3 Requires improvement,
# 4 Inadequate; its label). Scores 2 + 1 + 3 + 2 = 8: in 7-10, so Good overall.
CHOSEN = {"1": (2, "Good"), "2": (3, "Requires improvement"), "3": (1, "Outstanding"), "4": (2, "Good")}
OVERALL = "Good"
FEEDBACK = {
    "1": "Assessment and planning were analysed in depth; reviewing less so.",
    "2": "Judgements on the sufficiency of practice were not always reached.",
    "3": "The learning is specific and the actions are measurable.",
    "4": "Written with sensitivity and in plain language for the family.",
}
ADDED = " For example, the police referral in March is not judged."
SUMMARY = "A careful review with one gap in its overall judgements."


def type_into(browser, css, words):
    element = find(browser, css)
    browser.execute_script("arguments[0].scrollIntoView({block: 'center'})", element)
    element.send_keys(words)


def sign_in(browser, user):
    browser.delete_all_cookies()
    go(browser, "/sign-in")
    find(browser, "#email").send_keys(user.email)
    find(browser, "#password").send_keys(PASSWORD)
    submit(browser, find(browser, "#sign-in"))
    assert user.name in find(browser, "#whoami-name").text


def wait_saved(browser):
    """Autosave has caught up: the status line says when, with nothing left to send."""
    WebDriverWait(browser, 30).until(lambda b: find(b, "#save-status").get_attribute("data-state") == "saved")
    assert find(browser, "#save-status").text.startswith("Last saved")


def fid(item_id):
    return item_id.replace(".", "-")


def test_inspector_completes_manager_returns_then_approves_and_the_report_is_emailed(
        browser, session, make_user, celery_worker, database):
    central, _ = make_user("central_team", name="Cara Central")
    inspector, _ = make_user("inspector", name="Ivy Inspector")
    manager, _ = make_user("manager", name="Max Manager")
    today = clock.today()
    review = register(session, central, reference="SFO/2024/0777", received_on=today.isoformat(),
                      region="wales", local_team_email="sfo.wales@example.org")
    allocate(session, review, central, inspector, manager)

    # --- the inspector starts and completes the QA ------------------------------------------
    sign_in(browser, inspector)
    go(browser, f"/reviews/{review.id}")
    submit(browser, find(browser, "#qa-start-link"))
    submit(browser, find(browser, "#start-qa"))
    assert find(browser, "h1").text == "QA form"

    for item in FW.all_items():
        if item.is_yes_no:  # the first radio is Yes
            click(browser, find(browser, f"#answer-{fid(item.id)}"))
    type_into(browser, "#note-1-1-a", "OASys completed within five days of sentence.")
    for sid, (position, _label) in CHOSEN.items():
        click(browser, find(browser, f"#rating-{sid}" + ("" if position == 1 else f"-{position}")))
        type_into(browser, f"#feedback-{sid}", FEEDBACK[sid])
    type_into(browser, "#summary", SUMMARY)
    find(browser, "#summary").send_keys("\t")  # leave the field: saves at once
    wait_saved(browser)
    # the overall rating is computed as the inspector goes, from the four ratings
    WebDriverWait(browser, 10).until(lambda b: find(b, "#overall-rating").text.startswith(OVERALL))
    assert find(browser, "#overall-rating").text == f"{OVERALL} (8 of 12)"
    # all yes: anchored on Good, never Outstanding from a count (seed 004 4.18, seed 000)
    assert ("Suggested initial judgement: Good; consider Outstanding if the Outstanding characteristics are present"
            in find(browser, "#balance-std-2").text)
    assert "a suggestion" in find(browser, "#balance-std-2").text.lower()

    # nothing was saved by hand: a reload shows what autosave kept
    browser.refresh()
    assert find(browser, "#answer-chron-d").is_selected()
    assert find(browser, "#rating-2-3").is_selected()
    assert find(browser, "#note-1-1-a").get_attribute("value") == "OASys completed within five days of sentence."
    assert find(browser, "#summary").get_attribute("value") == SUMMARY
    submit(browser, find(browser, "#submit-qa"))  # to the check of the answers (issue 15)
    assert "Check your answers before submitting" in browser.page_source
    submit(browser, find(browser, "#confirm-submit"))
    assert "awaiting sign-off" in find(browser, "#flash-success").text

    # --- the manager returns it once ------------------------------------------------------------
    sign_in(browser, manager)
    go(browser, f"/reviews/{review.id}")
    submit(browser, find(browser, "#qa-sign-off-link"))
    assert not browser.find_elements(By.CSS_SELECTOR, "input[name='answer-1.1.a']")  # read-only
    submit(browser, find(browser, "#sign-off-return"))  # no comments yet: refused
    assert "Enter your comments for the inspector" in find(browser, ".govuk-error-summary").text
    type_into(browser, "#return-reason", "Standard 2: give an example of a judgement not reached.")
    submit(browser, find(browser, "#sign-off-return"))
    assert "Returned to the inspector" in find(browser, "#flash-success").text

    # --- the inspector sees the comments, every answer kept, and resubmits ------------------------
    sign_in(browser, inspector)
    go(browser, f"/reviews/{review.id}/qa")
    assert "give an example" in find(browser, "#return-comments").text
    assert find(browser, "#answer-1-1-a").is_selected() and find(browser, "#rating-3").is_selected()
    type_into(browser, "#feedback-2", ADDED)
    find(browser, "#feedback-2").send_keys("\t")
    wait_saved(browser)
    submit(browser, find(browser, "#submit-qa"))
    submit(browser, find(browser, "#confirm-submit"))

    # --- the manager approves: the report is sent ---------------------------------------------
    sign_in(browser, manager)
    go(browser, f"/reviews/{review.id}/qa")
    submit(browser, find(browser, "#sign-off-approve"))  # to the preview of the report (issue 15)
    assert find(browser, "#report-preview").is_displayed()
    submit(browser, find(browser, "#sign-off-approve"))
    assert "sent to the local SFO review team" in find(browser, "#flash-success").text
    assert find(browser, "#state").text == "Feedback sent"
    assert find(browser, "#qa-timeliness").text == "On time"  # received today: due in 15 working days

    # --- the real worker puts the local team's email, with the PDF, in the outbox -----------------
    def delivered():
        with database.session() as s:
            return s.scalar(select(OutboxMessage).where(OutboxMessage.recipient == "sfo.wales@example.org"))
    message = wait_for(delivered, 90)
    assert message is not None, celery_worker.log()[-3000:]
    assert "SFO/2024/0777" in message.subject and "Good" in message.subject
    with database.session() as s:
        attachments = s.scalars(select(NotificationAttachment)
                                .where(NotificationAttachment.notification_id == message.notification_id)).all()
        report = s.scalar(select(QaReport).where(QaReport.review_id == review.id))
        stored_review = s.get(Review, review.id)
        assert stored_review.state == "feedback_sent" and report.on_time is True
        assert stored_review.sent_at == report.sent_at
    assert [a.filename for a in attachments] == ["qa-report-SFO-2024-0777.pdf"]
    assert attachments[0].content == report.pdf

    # --- the PDF opens, from the report page, and says what the inspector decided ------------------
    go(browser, f"/reviews/{review.id}/qa/report")
    assert find(browser, "#report-timeliness").text == "On time"
    pdf_url = find(browser, "#report-pdf").get_attribute("href")
    cookie = "; ".join(f"{c['name']}={c['value']}" for c in browser.get_cookies())
    with urllib.request.urlopen(urllib.request.Request(pdf_url, headers={"Cookie": cookie}), timeout=20) as resp:
        assert resp.headers["Content-Type"] == "application/pdf"
        downloaded = resp.read()
    assert downloaded == attachments[0].content
    lines = [line for page in pypdf.PdfReader(io.BytesIO(downloaded)).pages for line in page.extract_text().splitlines()
             if not re.match(r"^QA report: SFO review \S+ - page \d+ of \d+$", line.strip())]
    text = "\n".join(lines)
    flat = re.sub(r"\s+", " ", text)
    for sid, (_position, label) in CHOSEN.items():
        title = FW.standard(sid).title
        assert f"{sid}. {title} {label}" in text, (sid, label)
    assert f"Overall rating {OVERALL} 8 of 12" in text
    for words in FEEDBACK.values():
        assert words in flat
    assert ADDED.strip() in flat
    assert "Ivy Inspector" in text and "Max Manager" in text
