"""/api/v1/reviews/<id>/assessment/information: the information section as data."""
from __future__ import annotations

from sfoflow.services.lifecycle import apply_action
from tests.support.core import make_review

STAFF = [{"role": "responsible_officers", "status": "interviewed"},
         {"role": "oversight_managers", "status": "interviewed"},
         {"role": "support_officers", "status": "not_involved"},
         {"role": "head_of_ldu", "status": "not_interviewed", "reason": "left the service in 2020"},
         {"role": "programme_staff", "status": "not_involved"}]


def started(session, inspector, **kw):
    review = make_review(session, state="allocated", inspector=inspector, **kw)
    apply_action(session, review, "start", inspector, version=review.version)
    session.commit()
    return review


def test_prefilled_then_saved_with_the_form_answers_in_step(api, session):
    client, inspector = api("inspector")
    review = started(session, inspector, is_high_profile=True, parallel=1)
    url = f"/api/v1/reviews/{review.id}/assessment/information"
    got = client.get(url).json
    assert (got["high_profile"], got["parallel_reviews"], got["high_profile_mismatch"]) == ("yes", "yes", False)
    assert got["designation"]["parallel_reviews"][0]["type_name"] == "Domestic homicide review"
    assert [r["code"] for r in got["roles"]] == [s["role"] for s in STAFF]
    assert len(got["gaps"]) == 9
    resp = client.put(url, json={"version": got["version"], "high_profile": "no", "parallel_reviews": "yes",
                                 "staff": STAFF, "period_start": "2019-06-03", "period_end": "2021-02-14",
                                 "diversity": {"status": "recorded"}, "share_with_victim": "not_known"})
    assert resp.status_code == 200, resp.json
    saved = resp.json
    assert saved["gaps"] == [] and saved["high_profile_mismatch"] is True
    assert saved["information"]["period_end"] == "2021-02-14"
    answers = client.get(f"/api/v1/reviews/{review.id}/assessment").json["answers"]
    assert answers["info.high_profile"]["answer"] == "no"
    assert answers["info.staff_interviewed"]["answer"] == "no"
    assert answers["info.staff_not_interviewed_reason"]["answer"] == "The head of the LDU: left the service in 2020"


def test_bad_input_is_a_clear_4xx_naming_the_field(api, session):
    client, inspector = api("inspector")
    review = started(session, inspector)
    url = f"/api/v1/reviews/{review.id}/assessment/information"
    version = client.get(url).json["version"]
    resp = client.put(url, json={"version": version, "period_start": "2021-02-14", "period_end": "2020-01-01"})
    assert resp.status_code == 422 and "period_end" in resp.json["error"]["fields"]
    resp = client.put(url, json={"version": version, "staff": [{"role": "chief_executive", "status": "interviewed"}]})
    assert resp.status_code == 422 and "staff.0.role" in resp.json["error"]["fields"]
    resp = client.put(url, json={"version": version + 5, "high_profile": "yes"})
    assert resp.status_code == 409
