"""The HMPPS QA and benchmarking pages through Flask's test client: a central-team officer is
allocated a routed review on the HMPPS QA page, fills the same QA form as HMIP's, and sends
the HMPPS QA report; a rater's benchmarking form; a manager's exercise pages."""
from __future__ import annotations

import re

from sqlalchemy import select

from sfoflow.assessment.framework import load_framework
from sfoflow.models import Review
from sfoflow.models.assessment import QaReport
from tests.support.assessment import FEEDBACK, RATINGS, SUMMARY, complete_answers
from tests.support.core import make_review
from tests.support.web import text, token


def qa_form_data(framework) -> dict:
    data = {"summary": SUMMARY}
    for item_id, entry in complete_answers(framework).items():
        data[f"answer-{item_id}"] = entry["answer"]
        if entry.get("note"):
            data[f"note-{item_id}"] = entry["note"]
    data.update({f"rating-{k}": v for k, v in RATINGS.items()})
    data.update({f"feedback-{k}": v for k, v in FEEDBACK.items()})
    return data


def test_an_hmpps_officer_qas_a_routed_review_through_the_pages(signed_in, session, database):
    clerk, _ = signed_in("central_team")
    officer_client, officer = signed_in("central_team", name="Olive Officer")
    officer.hmpps_qa = True
    session.commit()
    review = make_review(session, state="routed_to_hmpps", route="hmpps", reference="ROUTED/1")

    queue = clerk.get("/hmpps-qa")
    assert queue.status_code == 200 and "ROUTED/1" in text(queue) and "Olive Officer" in text(queue)
    resp = clerk.post(f"/hmpps-qa/{review.id}/allocate", data={"csrf_token": token(queue), "officer_id": officer.id,
                                                              "version": review.version})
    assert resp.status_code == 302
    assert "allocated for HMPPS QA" in text(clerk.get("/hmpps-qa"))

    start_page = officer_client.get(f"/reviews/{review.id}/qa")
    assert "Start the QA" in text(start_page)
    resp = officer_client.post(f"/reviews/{review.id}/qa/start",
                               data={"csrf_token": token(start_page), "version": "2"})
    assert resp.status_code == 302, text(officer_client.get(resp.location))
    page = officer_client.get(f"/reviews/{review.id}/qa")
    version = re.search(r'name="version" value="(\d+)" id="qa-version"', page.get_data(as_text=True)).group(1)
    resp = officer_client.post(f"/reviews/{review.id}/qa", data={
        "csrf_token": token(page), "version": version, "intent": "submit", **qa_form_data(load_framework("v1"))})
    assert resp.status_code == 302, text(resp)
    assert "HMPPS QA report for review ROUTED/1 has been sent" in text(officer_client.get(resp.location))
    with database.session() as s:
        assert s.get(Review, review.id).state == "hmpps_qa_completed"
        report = s.scalar(select(QaReport).where(QaReport.review_id == review.id))
        assert "HMPPS QA report: SFO review ROUTED/1" in report.html and "HMPPS QA officer" in report.html


def test_a_manager_creates_an_exercise_and_a_rater_rates_blind(signed_in, session, database):
    manager, _ = signed_in("manager")
    rater_client, rater = signed_in("inspector", name="Rita Rater")
    _other_client, other = signed_in("inspector", name="Otis Other")
    done = make_review(session, state="feedback_sent", route="hmip", reference="DONE/1")

    new = manager.get("/benchmarking/new")
    assert "DONE/1" in text(new) and "Rita Rater (HMIP)" in text(new)
    refused = manager.post("/benchmarking/new", data={"csrf_token": token(new), "title": "Autumn",
                                                      "review_ids": [done.id], "rater_ids": [rater.id]})
    assert refused.status_code == 422 and "Choose at least two raters" in text(refused)
    resp = manager.post("/benchmarking/new", data={"csrf_token": token(new), "title": "Autumn",
                                                   "review_ids": [done.id], "rater_ids": [rater.id, other.id]})
    assert resp.status_code == 302
    exercise_url = resp.location
    form_url = f"{exercise_url}/reviews/{done.id}"
    form = rater_client.get(form_url)
    assert form.status_code == 200 and "Work on your own" in text(form)
    missing = rater_client.post(form_url, data={"csrf_token": token(form), "intent": "submit", "rating-1": "good"})
    assert missing.status_code == 422 and "Answer key question 1.1" in text(missing)
    data = {f"answer-{k}": "yes" for k in ("1.1", "1.2", "1.3", "1.4", "3.1", "3.2")}
    data.update({f"rating-{s}": "good" for s in "1234"})
    resp = rater_client.post(form_url, data={"csrf_token": token(form), "intent": "submit", **data})
    assert resp.status_code == 302
    page = text(manager.get(exercise_url))
    assert "1 of 2 ratings handed in" in page and "Raters work blind" in page
    assert manager.get(exercise_url).get_data(as_text=True).count('id="agreement-table"') == 0
    close_page = manager.get(exercise_url)
    resp = manager.post(exercise_url + "/close", data={"csrf_token": token(close_page)})
    assert resp.status_code == 302
    revealed = manager.get(exercise_url).get_data(as_text=True)
    assert 'id="agreement-table"' in revealed and "closed by a manager" in revealed
    assert manager.get("/benchmarking/trend").status_code == 200


def test_the_review_page_allocates_for_hmpps_qa_and_names_a_missing_officer(signed_in, session, database):
    clerk, _ = signed_in("central_team")
    _officer_client, officer = signed_in("central_team", name="Owen Officer")
    officer.hmpps_qa = True
    session.commit()
    review = make_review(session, state="routed_to_hmpps", route="hmpps")
    page = clerk.get(f"/reviews/{review.id}")
    assert 'id="officer_id-hmpps_allocate"' in page.get_data(as_text=True) and "Owen Officer" in text(page)
    refused = clerk.post(f"/reviews/{review.id}/actions/hmpps_allocate",
                         data={"csrf_token": token(page), "version": review.version, "officer_id": ""})
    assert refused.status_code == 422 and "Select an HMPPS QA officer" in text(refused)
    done = clerk.post(f"/reviews/{review.id}/actions/hmpps_allocate",
                      data={"csrf_token": token(page), "version": review.version, "officer_id": officer.id})
    assert done.status_code == 302
    assert "allocated for hmpps qa" in text(clerk.get(done.location)).lower()


def test_an_admin_marks_hmpps_qa_staff(signed_in, session, database):
    admin, _ = signed_in("admin")
    _c, member = signed_in("central_team", name="Cora Central")
    page = admin.get("/hmpps-qa/staff")
    assert "Cora Central" in text(page)
    resp = admin.post(f"/hmpps-qa/staff/{member.id}", data={"csrf_token": token(page), "hmpps_qa": "yes"})
    assert resp.status_code == 302
    with database.session() as s:
        from sfoflow.models import User
        stored = s.get(User, member.id)
        assert (stored.hmpps_qa, stored.hmpps_qa_manager) == (True, False)


def test_the_year_page_shows_each_bodys_ratings_with_small_counts_suppressed(signed_in, session):
    manager, _ = signed_in("manager")
    page = manager.get("/benchmarking/year?year=2023")
    assert page.status_code == 200
    words = text(page)
    assert "Ratings given by HMIP" in words and "Ratings given by HMPPS" in words
    assert "Standard 1: Analysis of practice" in words and "0 HMIP QA reports" in words
    assert manager.get("/benchmarking/year?year=nonsense").status_code == 200  # falls back to this year
