"""The QA pages through Flask's test client (no JavaScript): start, save a draft, a refused
submit with its error summary, the autosave endpoint, sign-off, the report page and the
high-profile query queue. CSRF stays on."""
from __future__ import annotations

import html
import re

import pytest
from sqlalchemy import select

from sfoflow.assessment.framework import load_framework
from sfoflow.models import Review
from sfoflow.models.assessment import Assessment, QaReport
from tests.support.assessment import FEEDBACK, RATINGS, SUMMARY, complete_answers
from tests.support.core import make_review

FW = load_framework("v1")
TOKEN_RE = re.compile(r'name="csrf_token" value="([^"]+)"')


def token(page) -> str:
    return TOKEN_RE.search(page.get_data(as_text=True)).group(1)


def text(resp) -> str:
    body = re.sub(r"<script.*?</script>", " ", resp.get_data(as_text=True), flags=re.S)
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", body)))


@pytest.fixture
def signed_in(app, make_user):
    def make(role, **kw):
        user, _ = make_user(role, **kw)
        client = app.test_client()
        page = client.get("/sign-in")
        resp = client.post("/sign-in", data={"email": user.email, "password": "password-123",
                                             "csrf_token": token(page)})
        assert resp.status_code == 302
        return client, user
    return make


def form_data(answers=None, ratings=None, feedback=None, summary=""):
    data = {}
    for item_id, entry in (answers or {}).items():
        data[f"answer-{item_id}"] = entry.get("answer") or ""
        if entry.get("note"):
            data[f"note-{item_id}"] = entry["note"]
    for sid, key in (ratings or {}).items():
        data[f"rating-{sid}"] = key
    for sid, words in (feedback or {}).items():
        data[f"feedback-{sid}"] = words
    data["summary"] = summary
    return data


def open_form(client, review_id):
    page = client.get(f"/reviews/{review_id}/qa")
    assert page.status_code == 200, text(page)
    version = re.search(r'name="version" value="(\d+)" id="qa-version"', page.get_data(as_text=True)).group(1)
    return page, version


def sign_off_version(page) -> str:
    body = page.get_data(as_text=True)
    form = body[body.index("/qa/sign-off/"):]
    return re.search(r'name="version" value="(\d+)"', form).group(1)


def started(client, session, inspector):
    review = make_review(session, state="allocated", inspector=inspector)
    start_page = client.get(f"/reviews/{review.id}/qa")
    assert "Start the QA" in text(start_page)
    resp = client.post(f"/reviews/{review.id}/qa/start",
                       data={"csrf_token": token(start_page), "version": str(review.version)})
    assert resp.status_code == 302 and resp.location.endswith(f"/reviews/{review.id}/qa")
    return review


def test_start_save_draft_and_reload(signed_in, session, database):
    client, inspector = signed_in("inspector")
    review = started(client, session, inspector)
    page, version = open_form(client, review.id)
    body = page.get_data(as_text=True)
    assert 'name="answer-1.1.a"' in body and 'id="note-1-1-a"' in body and 'name="rating-4"' in body
    assert "Suggestion" in body and 'id="save-status"' in body

    data = form_data({"1.1.a": {"answer": "yes", "note": "Risk assessed"}, "2.d": {"answer": "na"}},
                     {"3": "good"}, {"3": "Learning is clear"}, "Half done")
    resp = client.post(f"/reviews/{review.id}/qa", data={"csrf_token": token(page), "version": version,
                                                         "intent": "save", **data})
    assert resp.status_code == 302
    page, _ = open_form(client, review.id)
    body = page.get_data(as_text=True)
    assert "Draft saved at" in text(page)
    assert re.search(r'name="answer-1\.1\.a" type="radio" value="yes" checked', body)
    assert re.search(r'name="answer-2\.d" type="radio" value="na" checked', body)
    assert "Risk assessed" in body and "Learning is clear" in body and "Half done" in body
    with database.session() as s:
        stored = s.scalar(select(Assessment).where(Assessment.review_id == review.id))
        assert stored.answers["1.1.a"] == {"answer": "yes", "note": "Risk assessed"}
        assert stored.ratings == {"3": "good"} and stored.summary == "Half done"


def test_refused_submit_lists_what_is_missing_linked_to_each_field(signed_in, session, database):
    client, inspector = signed_in("inspector")
    review = started(client, session, inspector)
    page, version = open_form(client, review.id)
    answers = complete_answers(FW)
    del answers["1.2.c"]
    data = form_data(answers, {k: v for k, v in RATINGS.items() if k != "2"}, FEEDBACK, SUMMARY)
    resp = client.post(f"/reviews/{review.id}/qa", data={"csrf_token": token(page), "version": version,
                                                         "intent": "submit", **data})
    assert resp.status_code == 422
    body = resp.get_data(as_text=True)
    summary = body[body.index('id="error-summary"'):body.index("</ul>", body.index('id="error-summary"'))]
    links = re.findall(r'href="#([^"]+)"', summary)
    assert links == ["answer-1-2-c", "rating-2"], links
    assert "Standard 2 (Overall judgements): no rating" in html.unescape(summary)
    with database.session() as s:
        assert s.get(Review, review.id).state == "in_qa"
        # what was typed is saved even though submission was refused
        assert s.scalar(select(Assessment).where(Assessment.review_id == review.id)).summary == SUMMARY


def test_invalid_post_names_the_field(signed_in, session):
    client, inspector = signed_in("inspector")
    review = started(client, session, inspector)
    page, version = open_form(client, review.id)
    resp = client.post(f"/reviews/{review.id}/qa", data={"csrf_token": token(page), "version": version,
                                                         "intent": "save", "answer-1.1.a": "na"})
    assert resp.status_code == 422
    assert 'href="#answer-1-1-a"' in resp.get_data(as_text=True)
    assert "not applicable" in text(resp)


def test_autosave_endpoint(signed_in, session, database):
    client, inspector = signed_in("inspector")
    review = started(client, session, inspector)
    page, version = open_form(client, review.id)
    url = f"/reviews/{review.id}/qa/autosave"
    headers = {"X-CSRFToken": token(page)}
    ok = client.post(url, json={"version": int(version), "answers": {"4.a": {"answer": "no"}},
                                "ratings": {"1": "good", "2": "good", "3": "good", "4": "inadequate"}},
                     headers=headers)
    assert ok.status_code == 200, ok.get_data(as_text=True)
    assert re.fullmatch(r"\d\d:\d\d:\d\d", ok.json["saved_at"])
    assert ok.json["version"] == int(version) + 1
    # 2 + 2 + 2 + 0 = 6: Requires improvement
    assert (ok.json["overall_score"], ok.json["overall_rating_label"]) == (6, "Requires improvement")
    assert ok.json["balances"]["standards"]["4"]["no"] == 1
    stale = client.post(url, json={"version": int(version), "summary": "x"}, headers=headers)
    assert stale.status_code == 409 and "another tab" in stale.json["message"]
    bad = client.post(url, json={"version": ok.json["version"], "ratings": {"1": "brilliant"}}, headers=headers)
    assert bad.status_code == 422 and "ratings.1" in bad.json["fields"]
    assert client.post(url, json={"version": ok.json["version"]}).status_code == 400  # no CSRF token
    with database.session() as s:
        assert s.scalar(select(Assessment).where(Assessment.review_id == review.id)).answers == {
            "4.a": {"answer": "no"}}


def test_sign_off_return_then_approve_and_the_report_page(signed_in, session, database):
    client, inspector = signed_in("inspector", name="Ina Inspector")
    manager_client, _ = signed_in("manager")
    review = started(client, session, inspector)
    page, version = open_form(client, review.id)
    data = form_data(complete_answers(FW), RATINGS, FEEDBACK, SUMMARY)
    resp = client.post(f"/reviews/{review.id}/qa", data={"csrf_token": token(page), "version": version,
                                                         "intent": "submit", **data})
    assert resp.status_code == 302

    review_page = manager_client.get(f"/reviews/{review.id}")
    assert 'id="qa-sign-off-link"' in review_page.get_data(as_text=True)
    sign_page, _ = open_form(manager_client, review.id)
    assert 'name="answer-1.1.a"' not in sign_page.get_data(as_text=True)  # read-only for the manager
    assert "Preview the report, then approve" in text(sign_page)  # approval follows a preview (issue 15)
    no_comment = manager_client.post(f"/reviews/{review.id}/qa/sign-off/return",
                                     data={"csrf_token": token(sign_page), "version": sign_off_version(sign_page)})
    assert no_comment.status_code == 422 and "Enter your comments for the inspector" in text(no_comment)
    returned = manager_client.post(f"/reviews/{review.id}/qa/sign-off/return",
                                   data={"csrf_token": token(sign_page), "version": sign_off_version(sign_page),
                                         "reason": "Please give an example for standard 2"})
    assert returned.status_code == 302
    page, version = open_form(client, review.id)
    assert "Please give an example for standard 2" in text(page)
    assert re.search(r'name="answer-1\.1\.a" type="radio" value="yes" checked', page.get_data(as_text=True))
    resp = client.post(f"/reviews/{review.id}/qa", data={"csrf_token": token(page), "version": version,
                                                         "intent": "submit", **data})
    assert resp.status_code == 302
    sign_page = manager_client.get(f"/reviews/{review.id}/qa/preview")
    assert sign_page.status_code == 200
    assert "QA report: SFO review" in text(sign_page) and "Approve and send the report" in text(sign_page)
    approved = manager_client.post(f"/reviews/{review.id}/qa/sign-off/approve",
                                   data={"csrf_token": token(sign_page), "version": sign_off_version(sign_page)})
    assert approved.status_code == 302
    report = client.get(f"/reviews/{review.id}/qa/report")
    assert report.status_code == 200
    words = text(report)
    assert "Overall rating Good" in words and "Ina Inspector" in words and "Late" in words
    pdf = client.get(f"/reviews/{review.id}/qa/report.pdf")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
    with database.session() as s:
        assert s.get(Review, review.id).state == "feedback_sent"
        assert s.scalar(select(QaReport).where(QaReport.review_id == review.id)).on_time is False


def test_who_sees_the_form(signed_in, session):
    client, inspector = signed_in("inspector")
    review = started(client, session, inspector)
    other, _ = signed_in("inspector")
    admin, _ = signed_in("admin")
    central, _ = signed_in("central_team")
    assert other.get(f"/reviews/{review.id}/qa").status_code == 404
    assert admin.get(f"/reviews/{review.id}/qa").status_code == 403
    page = central.get(f"/reviews/{review.id}/qa")
    assert page.status_code == 200 and 'name="answer-1.1.a"' not in page.get_data(as_text=True)


def test_high_profile_query_from_the_form_to_the_central_queue(signed_in, session, database):
    client, inspector = signed_in("inspector")
    central, _ = signed_in("central_team")
    review = started(client, session, inspector)
    page, _ = open_form(client, review.id)
    empty = client.post(f"/reviews/{review.id}/qa/high-profile-query", data={"csrf_token": token(page)})
    assert empty.status_code == 422 and 'href="#hpq-reason"' in empty.get_data(as_text=True)
    sent = client.post(f"/reviews/{review.id}/qa/high-profile-query",
                       data={"csrf_token": token(page), "reason": "The victim is a local councillor"})
    assert sent.status_code == 302
    assert "Waiting for the central team" in text(client.get(f"/reviews/{review.id}/qa"))

    queue = central.get("/high-profile-queries")
    assert queue.status_code == 200 and "The victim is a local councillor" in text(queue)
    assert client.get("/high-profile-queries").status_code == 403
    query_id = re.search(r'id="query-(\d+)"', queue.get_data(as_text=True)).group(1)
    missing = central.post(f"/high-profile-queries/{query_id}/decision", data={"csrf_token": token(queue)})
    assert missing.status_code == 422
    assert 'href="#decision-' in missing.get_data(as_text=True) and 'href="#reason-' in missing.get_data(as_text=True)
    decided = central.post(f"/high-profile-queries/{query_id}/decision",
                           data={"csrf_token": token(queue), "decision": "accept", "reason": "Agreed"})
    assert decided.status_code == 302
    with database.session() as s:
        assert s.get(Review, review.id).is_high_profile is True
    assert "Accepted" in text(client.get(f"/reviews/{review.id}/qa"))


def test_the_qa_form_as_a_journey_progress_check_answers_then_submit(signed_in, session):
    """Issue 15: progress per section; "Continue" leads to a check of the answers, and only the
    confirmation there submits."""
    client, inspector = signed_in("inspector", name="Ina Inspector")
    review = started(client, session, inspector)
    page, version = open_form(client, review.id)
    assert "Progress: 0 of" in text(page)
    half = form_data({k: v for k, v in list(complete_answers(FW).items())[:5]}, {}, {}, "")
    resp = client.post(f"/reviews/{review.id}/qa", data={"csrf_token": token(page), "version": version,
                                                         "intent": "check", **half})
    assert resp.status_code == 302 and resp.headers["Location"].endswith(f"/reviews/{review.id}/qa/check")
    check = client.get(f"/reviews/{review.id}/qa/check")
    words = text(check)
    assert "Check your answers before submitting" in words
    assert "Information section Completed" in words and "Not started" in words
    assert "Still to do" in words and 'id="confirm-submit"' not in check.get_data(as_text=True)
    session.expire_all()
    assert session.get(type(review), review.id).state == "in_qa"  # nothing submitted yet

    page, version = open_form(client, review.id)
    data = form_data(complete_answers(FW), RATINGS, FEEDBACK, SUMMARY)
    client.post(f"/reviews/{review.id}/qa", data={"csrf_token": token(page), "version": version,
                                                  "intent": "check", **data})
    check = client.get(f"/reviews/{review.id}/qa/check")
    words = text(check)
    assert "Still to do" not in words and "Overall rating Good (8 of 12)" in words
    submitted = client.post(f"/reviews/{review.id}/qa/check", data={"csrf_token": token(check)})
    assert submitted.status_code == 302
    session.expire_all()
    assert session.get(type(review), review.id).state == "awaiting_sign_off"
