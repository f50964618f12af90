"""A QA started against framework v1 stays on v1 after v2 arrives (sfoflow/assessment/framework.py:
a QA pins the version it was started with). v1 lets 2.f be answered 'not applicable'; v2 does
not. A v1 draft with 2.f = not applicable still opens, saves, submits, is approved and gives
its report page and PDF; the v2 extras (seed 000's whole text beside each rating) are not shown
for it."""
from __future__ import annotations

import json
import re

from sqlalchemy import select

from sfoflow.models import Review
from sfoflow.models.assessment import Assessment
from tests import support
from tests.support.assessment import FEEDBACK, RATINGS, SUMMARY
from tests.support.core import make_review
from tests.support.web import text, token

V1 = json.loads((support.REPO / "config" / "qa_framework" / "v1.json").read_text(encoding="utf-8"))


def v1_items():
    for section in V1["sections"]:
        yield from section["items"]
    for standard in V1["standards"]:
        for kq in standard["key_questions"]:
            yield kq
            yield from kq["prompts"]
        yield from standard["prompts"]


def open_form(client, review_id):
    page = client.get(f"/reviews/{review_id}/qa")
    assert page.status_code == 200, text(page)
    version = re.search(r'name="version" value="(\d+)" id="qa-version"', page.get_data(as_text=True)).group(1)
    return page, version


def started_on_v1(client, session, database, inspector) -> Review:
    """Start the QA through the page, then pin it to v1 as a QA started before v2 was."""
    review = make_review(session, state="allocated", inspector=inspector)
    start_page = client.get(f"/reviews/{review.id}/qa")
    assert client.post(f"/reviews/{review.id}/qa/start", data={
        "csrf_token": token(start_page), "version": str(review.version)}).status_code == 302
    with database.session() as s:
        assessment = s.scalar(select(Assessment).where(Assessment.review_id == review.id))
        assert assessment.framework_version == "v2"  # a new QA takes the latest version
        assessment.framework_version = "v1"
        s.commit()
    return review


def form_data() -> dict:
    data = {}
    for it in v1_items():
        if it["answer_type"] == "text":
            data[f"answer-{it['id']}"] = f"Text for {it['id']}"
        else:
            data[f"answer-{it['id']}"] = "yes"
    data["answer-2.f"] = "na"  # "Does the SFO review sufficiently link to other reviews ...?"
    data.update({f"rating-{k}": v for k, v in RATINGS.items()})
    data.update({f"feedback-{k}": v for k, v in FEEDBACK.items()})
    data["summary"] = SUMMARY
    return data


def test_a_v1_draft_with_2f_not_applicable_loads_renders_submits_and_reports(signed_in, session, database):
    client, inspector = signed_in("inspector", name="Ina Inspector")
    manager_client, _ = signed_in("manager")
    review = started_on_v1(client, session, database, inspector)

    page, version = open_form(client, review.id)
    body = page.get_data(as_text=True)
    assert 'name="answer-2.f" type="radio" value="na"' in body  # v1 offers it
    # v1's short guidance beside the prompt; none of v2's whole text beside the ratings
    guidance = body[body.index('id="guidance-1-1-a"'):]
    first = next(it for it in v1_items() if it["id"] == "1.1.a")["guidance"]
    assert first.split(".")[0] in guidance[:guidance.index("</details>")]
    assert 'id="characteristics-1"' not in body and "They are not a checklist" not in text(page)

    saved = client.post(f"/reviews/{review.id}/qa", data={
        "csrf_token": token(page), "version": version, "intent": "save", "answer-2.f": "na", "summary": ""})
    assert saved.status_code == 302
    page, version = open_form(client, review.id)
    assert re.search(r'name="answer-2\.f" type="radio" value="na" checked', page.get_data(as_text=True))

    submitted = client.post(f"/reviews/{review.id}/qa", data={
        "csrf_token": token(page), "version": version, "intent": "submit", **form_data()})
    assert submitted.status_code == 302, text(submitted)

    sign_page, _ = open_form(manager_client, review.id)
    sign_body = sign_page.get_data(as_text=True)
    form = sign_body[sign_body.index("/qa/sign-off/approve"):]
    approved = manager_client.post(f"/reviews/{review.id}/qa/sign-off/approve", data={
        "csrf_token": token(sign_page), "version": re.search(r'name="version" value="(\d+)"', form).group(1)})
    assert approved.status_code == 302

    report = client.get(f"/reviews/{review.id}/qa/report")
    assert report.status_code == 200
    assert "Overall rating Good" in text(report)  # 2 + 1 + 3 + 2 = 8, in 7-10 (seed 000)
    pdf = client.get(f"/reviews/{review.id}/qa/report.pdf")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
    with database.session() as s:
        assert s.get(Review, review.id).state == "feedback_sent"
        stored = s.scalar(select(Assessment).where(Assessment.review_id == review.id))
        assert stored.framework_version == "v1" and stored.answers["2.f"]["answer"] == "na"


def test_the_api_reads_a_v1_draft_with_2f_not_applicable(signed_in, api, session, database):
    client, inspector = signed_in("inspector")
    review = started_on_v1(client, session, database, inspector)
    page, version = open_form(client, review.id)
    assert client.post(f"/reviews/{review.id}/qa", data={
        "csrf_token": token(page), "version": version, "intent": "save", "answer-2.f": "na",
        "summary": ""}).status_code == 302
    reader, _ = api("central_team")
    got = reader.get(f"/api/v1/reviews/{review.id}/assessment")
    assert got.status_code == 200, got.json
    assert got.json["framework_version"] == "v1"
    assert got.json["answers"]["2.f"]["answer"] == "na"
