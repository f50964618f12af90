
from tests.support.reviews import review_payload


def test_intake_sets_due_date_and_audits(api):
    central, _ = api("central_team")
    resp = central.post("/api/v1/reviews", json=review_payload())
    assert resp.status_code == 201, resp.json
    body = resp.json
    assert body["due_on"] == "2023-05-22"  # the domain's worked example
    assert body["state"] in ("selected_for_hmip", "routed_to_hmpps")  # sampled at intake
    assert [e["action"] for e in body["audit"]][0] == "register"
    assert body["parallel_reviews"][0]["type"] == "domestic_homicide_review"


def test_openapi_document(client):
    spec = client.get("/api/v1/openapi.json").json
    assert "/api/v1/reviews" in spec["paths"]
    assert "ReviewCreate" in spec["components"]["schemas"]
