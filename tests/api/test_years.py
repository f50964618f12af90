"""The year's summary and the learning on a QA through the API."""
from __future__ import annotations

from sfoflow.db import transaction
from sfoflow.services import lifecycle
from tests.support.reviews import allocate, register
from tests.support.year import build_year


def test_summary_json_has_the_sections_and_a_bad_period_is_a_clear_4xx(api, session):
    build_year(session)
    client, _ = api("manager")
    body = client.get("/api/v1/years/2023/summary").json
    assert [s["key"] for s in body["sections"]] == ["intake", "timeliness", "ratings", "key_questions", "themes",
                                                    "learning", "bodies", "panels"]
    assert body["period"]["label"] == "April 2023 to March 2024"
    resp = client.get("/api/v1/years/2023/summary?from=2023-13-01")
    assert resp.status_code == 422 and "from" in resp.get_data(as_text=True)
    resp = client.get("/api/v1/years/2023/summary?from=2023-09-01&to=2023-05-01")
    assert resp.status_code == 422


def test_inspector_saves_learning_retired_theme_refused_outcome_recorded(api, session, make_user):
    inspector_api, inspector = api("inspector")
    central_api, central = api("central_team")
    admin_api, _ = api("admin")
    review = register(session, central, reference="SFO/2024/0101")
    allocate(session, review, central, inspector)
    with transaction(session):
        lifecycle.apply_action(session, review, "start", inspector, version=review.version)
    url = f"/api/v1/reviews/{review.id}/learning"
    resp = inspector_api.put(url, json={"themes": ["risk_assessment"], "learning_points": [
        {"text": "Check MAPPA levels", "level": "national", "in_action_plan": False}],
        "amendments": [{"text": "Correct the chronology"}]})
    assert resp.status_code == 200, resp.json
    assert [t["key"] for t in resp.json["themes"]] == ["risk_assessment"]
    bad = inspector_api.put(url, json={"learning_points": [{"text": "x", "level": "galactic", "in_action_plan": True}]})
    assert bad.status_code == 422 and "learning_points" in bad.get_data(as_text=True)
    assert admin_api.post("/api/v1/themes/diversity/retire").json["retired"] is True
    refused = inspector_api.put(url, json={"themes": ["diversity"]})
    assert refused.status_code == 422 and "retired" in refused.get_data(as_text=True)
    amendment = resp.json["amendments"][0]["id"]
    out = central_api.post(f"/api/v1/amendments/{amendment}/outcome",
                           json={"outcome": "reissued", "outcome_on": "2024-01-05"})
    assert out.status_code == 200 and out.json["outcome_label"] == "Reissued"
    # the learning point survives a save that sends it back with its id
    again = inspector_api.put(url, json={"themes": ["risk_assessment"], "amendments": [
        {"id": amendment, "text": "Correct the chronology"}]}).json
    assert again["amendments"][0]["outcome"] == "reissued" and again["learning_points"] == []
