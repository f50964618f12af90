"""The year's panel figures through the API: a year beyond any the service holds is a clear 4xx
(found by the fuzzing step: 2147483646 once gave a server error)."""
from __future__ import annotations


def test_a_year_out_of_range_is_refused_naming_the_year(api):
    client, _ = api("manager")
    for year in (1999, 2101, 2147483646):
        resp = client.get(f"/api/v1/panel-figures/{year}")
        assert resp.status_code == 422, (year, resp.json)
        assert "year" in resp.json["error"]["fields"]
    assert client.get("/api/v1/panel-figures/2023").json["panels_held"] == 0
