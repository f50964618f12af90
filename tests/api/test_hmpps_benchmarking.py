"""The API for HMPPS QA and benchmarking: refusals with reasons, and who sees which rater's answers."""
from __future__ import annotations

from tests.support.core import make_review

KQS = ("1.1", "1.2", "1.3", "1.4", "3.1", "3.2")
HANDED_IN = {"answers": dict.fromkeys(KQS, "yes"), "ratings": dict.fromkeys("1234", "good"), "submit": True}


def test_add_to_sample_is_refused_with_the_reason_once_hmpps_has_started(api, session):
    clerk, _ = api("central_team")
    officer_api, officer = api("central_team")
    officer.hmpps_qa = True
    session.commit()
    manager, _ = api("manager")
    review = make_review(session, state="routed_to_hmpps", route="hmpps")
    resp = clerk.post(f"/api/v1/reviews/{review.id}/actions/hmpps_allocate",
                      json={"version": review.version, "officer_id": officer.id})
    assert resp.status_code == 200 and resp.json["state"] == "hmpps_allocated"
    resp = officer_api.post(f"/api/v1/reviews/{review.id}/actions/hmpps_start", json={"version": resp.json["version"]})
    assert resp.status_code == 200 and resp.json["state"] == "hmpps_in_qa"
    refused = manager.post(f"/api/v1/reviews/{review.id}/actions/add_to_sample",
                           json={"version": resp.json["version"], "reason": "press interest"})
    assert refused.status_code == 422
    assert "HMPPS started its QA of this review" in refused.get_data(as_text=True)
    queue = clerk.get("/api/v1/hmpps-qa").json["items"]
    assert [(i["review_id"], i["officer"]["id"], i["hmpps_due_on"]) for i in queue] == [
        (review.id, officer.id, "2023-05-30")]  # the 20th working day after Thursday 27 April 2023


def test_a_rater_sees_only_their_own_answers_until_the_reveal(api, session):
    manager, _ = api("manager")
    ada_api, ada = api("inspector")
    ben_api, ben = api("inspector")
    done = make_review(session, state="feedback_sent", route="hmip")
    created = manager.post("/api/v1/benchmarking/exercises",
                           json={"title": "Spring", "review_ids": [done.id], "rater_ids": [ada.id, ben.id]})
    assert created.status_code == 201, created.json
    url = f"/api/v1/benchmarking/exercises/{created.json['id']}"
    assert ada_api.put(f"{url}/reviews/{done.id}/rating", json=HANDED_IN).status_code == 200
    assert [r["rater_id"] for r in ada_api.get(url).json["ratings"]] == [ada.id]
    assert ben_api.get(url).json["ratings"] == [] and "agreement" not in ben_api.get(url).json
    assert manager.get(url).json["ratings"] == []
    resp = ben_api.put(f"{url}/reviews/{done.id}/rating", json=HANDED_IN)
    assert resp.json["status"] == "revealed" and len(resp.json["ratings"]) == 2
    assert manager.get(url).json["agreement"]["all_standards"]["exact_agreement"] == 1.0


def test_bad_input_is_a_clear_4xx(api, session):
    manager, _ = api("manager")
    assert manager.get("/api/v1/benchmarking/year").status_code == 422
    resp = manager.post("/api/v1/benchmarking/exercises", json={"title": "", "rater_ids": []})
    assert resp.status_code == 422 and "title" in resp.get_data(as_text=True)


def test_the_hmpps_officer_completes_the_qa_through_the_api_and_the_report_is_marked(api, session):
    from sfoflow.assessment.framework import load_framework
    from tests.support.assessment import EXPECTED_OVERALL, complete_payload

    clerk, _ = api("central_team")
    officer_api, officer = api("central_team")
    officer.hmpps_qa = True
    session.commit()
    review = make_review(session, state="routed_to_hmpps", route="hmpps")
    v = clerk.post(f"/api/v1/reviews/{review.id}/actions/hmpps_allocate",
                   json={"version": review.version, "officer_id": officer.id}).json["version"]
    v = officer_api.post(f"/api/v1/reviews/{review.id}/actions/hmpps_start", json={"version": v}).json["version"]
    draft = officer_api.client.patch(f"/api/v1/reviews/{review.id}/assessment",
                                     json=complete_payload(load_framework("v1"), 1), headers=officer_api._headers())
    assert draft.status_code == 200, draft.json
    done = officer_api.post(f"/api/v1/reviews/{review.id}/actions/hmpps_complete", json={"version": v})
    assert done.status_code == 200 and done.json["state"] == "hmpps_qa_completed"
    report = officer_api.get(f"/api/v1/reviews/{review.id}/report").json
    assert report["overall_rating"] == EXPECTED_OVERALL and "HMPPS QA report" in report["html"]
    assert "against the HMPPS target" in report["timeliness"]
