"""The assessment API: drafts with the form's validation, submit/return/approve, the report,
the framework, high-profile queries, and the OpenAPI document."""
from __future__ import annotations

import io

import pypdf
import pytest

from sfoflow.assessment.framework import load_framework
from tests.support.assessment import EXPECTED_OVERALL, EXPECTED_SCORE, RATINGS, complete_payload
from tests.support.core import auth, make_person, make_review

FW = load_framework("v1")


@pytest.fixture
def people(session):
    return {role: make_person(session, role, name=f"{role.title()} Person")
            for role in ("inspector", "manager", "central_team", "admin")}


def call(client, method, url, token, json=None):
    return client.open(url, method=method, json=json, headers=auth(token))


def act(client, token, review_id, action, **body):
    version = call(client, "GET", f"/api/v1/reviews/{review_id}", token).json["version"]
    return call(client, "POST", f"/api/v1/reviews/{review_id}/actions/{action}", token,
                {"version": version, **body})


def test_draft_submit_return_approve_and_report_through_the_api(client, session, people):
    inspector, itok = people["inspector"]
    _, mtok = people["manager"]
    review = make_review(session, state="allocated", inspector=inspector, reference="SFO/2023/0500")
    url = f"/api/v1/reviews/{review.id}/assessment"

    assert call(client, "GET", url, itok).status_code == 404  # not started yet
    assert call(client, "PATCH", url, itok, {"version": 1}).status_code == 409
    assert act(client, itok, review.id, "start").status_code == 200

    got = call(client, "GET", url, itok)
    assert got.status_code == 200
    assert got.json["framework_version"] == "v2" and got.json["editable"] is True  # the newest file
    version = got.json["version"]

    saved = call(client, "PATCH", url, itok, {"version": version, "answers": {
        "1.1.a": {"answer": "yes", "note": "Timely OASys"}, "1.1.b": {"answer": "no"}}})
    assert saved.status_code == 200, saved.json
    assert saved.json["answers"]["1.1.a"] == {"answer": "yes", "note": "Timely OASys"}
    kq = saved.json["balances"]["key_questions"]["1.1"]
    assert (kq["yes"], kq["no"], kq["suggested"]) == (1, 1, None)  # a tie suggests nothing
    assert call(client, "GET", url, itok).json["answers"]["1.1.b"] == {"answer": "no"}

    bad = call(client, "PATCH", url, itok, {"version": saved.json["version"],
                                            "answers": {"4.b": {"answer": "na"}}, "ratings": {"9": "good"}})
    assert bad.status_code == 422
    assert set(bad.json["error"]["fields"]) == {"answers.4.b.answer", "ratings.9"}
    assert "not applicable" in bad.json["error"]["fields"]["answers.4.b.answer"][0]

    stale = call(client, "PATCH", url, itok, {"version": version, "summary": "old tab"})
    assert stale.status_code == 409 and stale.json["error"]["code"] == "stale"

    refused = act(client, itok, review.id, "submit")
    assert refused.status_code == 422
    assert "Standard 1 (Analysis of practice): no rating" in refused.json["error"]["reasons"]

    full = call(client, "PATCH", url, itok, complete_payload(FW, saved.json["version"]))
    assert full.status_code == 200 and full.json["missing"] == []
    assert (full.json["overall_score"], full.json["overall_rating"]) == (EXPECTED_SCORE, EXPECTED_OVERALL)
    assert act(client, itok, review.id, "submit").json["state"] == "awaiting_sign_off"
    assert call(client, "GET", url, itok).json["editable"] is False
    read_only = call(client, "PATCH", url, itok, {"version": full.json["version"], "summary": "late edit"})
    assert read_only.status_code == 409

    # the manager reads it, returns it once, then approves
    assert call(client, "GET", url, mtok).json["ratings"] == RATINGS
    assert act(client, mtok, review.id, "return", reason="Add an example to standard 2").status_code == 200
    back = call(client, "GET", url, itok).json
    assert back["latest_return"]["reason"] == "Add an example to standard 2"
    assert back["answers"] == full.json["answers"]  # every answer kept
    assert act(client, itok, review.id, "submit").status_code == 200
    assert act(client, mtok, review.id, "approve").json["state"] == "feedback_sent"

    report = call(client, "GET", f"/api/v1/reviews/{review.id}/report", itok)
    assert report.status_code == 200
    body = report.json
    assert body["ratings"] == RATINGS and body["overall_rating"] == EXPECTED_OVERALL
    assert body["on_time"] is False  # due 22 May 2023, sent today
    assert body["sent_to"] == "sfo.london@example.org"
    assert "SFO/2023/0500" in body["html"]
    pdf = call(client, "GET", body["pdf_url"], mtok)
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    text = "".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(pdf.data)).pages)
    assert "Overall rating Good 8 of 12" in text


def test_who_may_read_and_write(client, session, people):
    inspector, itok = people["inspector"]
    _, other_tok = make_person(session, "inspector")
    review = make_review(session, state="allocated", inspector=inspector)
    act(client, itok, review.id, "start")
    url = f"/api/v1/reviews/{review.id}/assessment"
    assert call(client, "GET", url, other_tok).status_code == 404  # not theirs: not even its existence
    assert call(client, "PATCH", url, other_tok, {"version": 1}).status_code == 404
    assert call(client, "GET", url, people["admin"][1]).status_code == 403
    assert call(client, "GET", url, people["central_team"][1]).status_code == 200
    assert call(client, "PATCH", url, people["manager"][1], {"version": 1}).status_code == 403
    assert call(client, "GET", url, None).status_code == 401
    assert call(client, "GET", f"/api/v1/reviews/{review.id}/report", itok).status_code == 404  # not sent


def test_framework_document(client, people):
    token = people["admin"][1]
    body = call(client, "GET", "/api/v1/framework", token).json
    assert body["key"] == "v2"  # the newest: config/qa_framework/v2.json
    assert [s["id"] for s in body["standards"]] == ["1", "2", "3", "4"]
    kq = body["standards"][0]["key_questions"][0]
    assert kq["id"] == "1.1" and [p["id"] for p in kq["prompts"]] == [f"1.1.{x}" for x in "abcde"]
    assert body["standards"][1]["judged_by"] == [f"2.{x}" for x in "abcdefghi"]
    v1 = call(client, "GET", "/api/v1/framework?version=v1", token).json
    assert v1["version"] == "2021-03"
    # v1 as first recorded: 2.f may be 'not applicable', and none of v2's whole text
    f = next(p for p in v1["standards"][1]["prompts"] if p["id"] == "2.f")
    assert f["allows_na"] is True and f["guidance_full"] == []
    assert v1["not_applicable"] == {} and v1["standards"][0]["characteristics_text"] == {}
    assert next(p for p in body["standards"][1]["prompts"] if p["id"] == "2.f")["allows_na"] is False
    assert call(client, "GET", "/api/v1/framework?version=v9", token).status_code == 404


def test_high_profile_query_through_the_api(client, session, people):
    inspector, itok = people["inspector"]
    _, ctok = people["central_team"]
    review = make_review(session, state="allocated", inspector=inspector)
    url = f"/api/v1/reviews/{review.id}/high-profile-queries"
    assert call(client, "POST", url, itok, {}).status_code == 422  # a reason is required
    raised = call(client, "POST", url, itok, {"reason": "Victim's family has spoken to the press"})
    assert raised.status_code == 201, raised.json
    assert raised.json["proposed_high_profile"] is True and raised.json["status"] == "open"
    assert call(client, "GET", "/api/v1/high-profile-queries", itok).status_code == 403
    queue = call(client, "GET", "/api/v1/high-profile-queries", ctok).json["items"]
    assert [q["id"] for q in queue] == [raised.json["id"]]
    bad = call(client, "POST", f"/api/v1/high-profile-queries/{raised.json['id']}/decision", ctok,
               {"decision": "maybe", "reason": "x"})
    assert bad.status_code == 422
    decided = call(client, "POST", f"/api/v1/high-profile-queries/{raised.json['id']}/decision", ctok,
                   {"decision": "accept", "reason": "National coverage confirmed"})
    assert decided.status_code == 200
    assert decided.json["status"] == "accepted" and decided.json["decided_by"] == "Central_Team Person"
    assert call(client, "GET", f"/api/v1/reviews/{review.id}", ctok).json["is_high_profile"] is True
    assert call(client, "GET", "/api/v1/high-profile-queries", ctok).json["items"] == []
    history = call(client, "GET", url, itok).json["items"]
    assert [(q["status"], q["decision_reason"]) for q in history] == [("accepted", "National coverage confirmed")]


def test_openapi_documents_the_assessment_routes(client):
    spec = client.get("/api/v1/openapi.json").json
    paths = spec["paths"]
    assert {"get", "patch"} <= set(paths["/api/v1/reviews/{review_id}/assessment"])
    assert paths["/api/v1/reviews/{review_id}/assessment"]["patch"]["requestBody"]["content"][
        "application/json"]["schema"]["$ref"].endswith("/AssessmentDraftIn")
    for path in ("/api/v1/reviews/{review_id}/report", "/api/v1/reviews/{review_id}/report.pdf",
                 "/api/v1/framework", "/api/v1/high-profile-queries",
                 "/api/v1/high-profile-queries/{query_id}/decision",
                 "/api/v1/reviews/{review_id}/high-profile-queries"):
        assert path in paths, path
    assert "AssessmentOut" in spec["components"]["schemas"]


def test_the_outbox_lists_the_report_pdf_and_serves_it(client, session, people, database):
    from sfoflow.models.assessment import QaReport
    from sfoflow.notify import delivery
    from sfoflow.notify.senders import OutboxSender
    from sfoflow.services import settings

    inspector, itok = people["inspector"]
    _, atok = people["admin"]
    settings.set_value(session, "sign_off_required", False)
    session.commit()
    review = make_review(session, state="allocated", inspector=inspector, reference="SFO/2023/0600")
    act(client, itok, review.id, "start")
    url = f"/api/v1/reviews/{review.id}/assessment"
    version = call(client, "GET", url, itok).json["version"]
    assert call(client, "PATCH", url, itok, complete_payload(FW, version)).status_code == 200
    assert act(client, itok, review.id, "submit").json["state"] == "feedback_sent"  # sign-off off: sent

    with database.session() as s:
        report = s.query(QaReport).filter_by(review_id=review.id).one()
        policy = delivery.policy_from(settings.all_settings(s))
        s.commit()
        assert delivery.deliver(s, report.notification_id, OutboxSender(), policy).result == "delivered"

    outbox = call(client, "GET", "/api/v1/outbox", atok).json["items"]
    mine = [m for m in outbox if m["recipient"] == "sfo.london@example.org"]
    assert len(mine) == 1
    (attachment,) = mine[0]["attachments"]
    assert attachment["filename"] == "qa-report-SFO-2023-0600.pdf" and attachment["size"] == len(report.pdf)
    got = call(client, "GET", attachment["url"], atok)
    assert got.status_code == 200 and got.mimetype == "application/pdf" and got.data == report.pdf
    assert call(client, "GET", attachment["url"], itok).status_code == 403
