"""Issue 14 item 3: conflicts of interest that cannot be typed around. The provider is a code
from the reference data (regions.json: one provider per region) at intake, import and API; a
conflict recorded for N54 holds however the review spells it ("n54", "N54." or "N 54"), and
free text that names no provider is refused."""
from __future__ import annotations

import io

import pytest

from sfoflow import reference
from sfoflow.models import Review
from sfoflow.workflows import lifecycle as lc
from tests.support.core import auth, count_rows, make_person
from tests.support.reviews import review_payload, select_for_hmip


@pytest.fixture
def people(session):
    return {role: make_person(session, role) for role in (lc.CENTRAL_TEAM, lc.ADMIN, lc.INSPECTOR)}


@pytest.mark.parametrize("typed", ["N54", "n54", "N54.", "N 54", " n-54 "])
def test_a_conflict_for_n54_holds_however_the_provider_is_typed(client, session, people, typed):
    central, admin, (inspector, _) = people[lc.CENTRAL_TEAM][1], people[lc.ADMIN][1], people[lc.INSPECTOR]
    assert client.post(f"/api/v1/inspectors/{inspector.id}/conflicts", headers=auth(admin),
                       json={"provider": "N54", "reason": "brother works there"}).status_code == 201
    resp = client.post("/api/v1/reviews", headers=auth(central),
                       json=review_payload(reference="SFO/NE/1", region="north_east", provider=typed))
    assert resp.status_code == 201, resp.json
    assert resp.json["provider"] == "N54"
    review = select_for_hmip(session, session.get(Review, resp.json["id"]))
    refused = client.post(f"/api/v1/reviews/{review.id}/actions/allocate", headers=auth(central),
                          json={"version": review.version, "inspector_id": inspector.id})
    assert refused.status_code == 422 and "provider N54" in " ".join(refused.json["error"]["reasons"])


@pytest.mark.parametrize("typed,reason", [("Northumbria CRC", "unknown provider"), ("N99", "unknown provider"),
                                          ("N07", "N07 is the provider for London, not North East")])
def test_a_provider_that_is_not_the_regions_is_refused(client, session, people, typed, reason):
    resp = client.post("/api/v1/reviews", headers=auth(people[lc.CENTRAL_TEAM][1]),
                       json=review_payload(region="north_east", provider=typed))
    assert resp.status_code == 422 and reason in resp.json["error"]["fields"]["provider"][0], resp.json
    assert count_rows(session, Review) == 0


def test_import_reads_provider_codes_too(client, session, people):
    text = ("reference,region,offence_category,received_on,provider,local_team_email\n"
            "IMP-1,north_east,homicide,2023-04-27,n 54,a@example.org\n"
            "IMP-2,north_east,homicide,2023-04-27,Durham probation,a@example.org\n")
    resp = client.post("/api/v1/reviews/import", headers=auth(people[lc.CENTRAL_TEAM][1]),
                       data={"file": (io.BytesIO(text.encode()), "r.csv")}, content_type="multipart/form-data")
    assert resp.status_code == 422
    assert [(e["row"], e["field"]) for e in resp.json["error"]["errors"]] == [(3, "provider")]


def test_a_conflict_provider_is_read_as_its_code(client, people):
    inspector = people[lc.INSPECTOR][0]
    resp = client.post(f"/api/v1/inspectors/{inspector.id}/conflicts", headers=auth(people[lc.ADMIN][1]),
                       json={"provider": "n 54.", "reason": "worked there"})
    assert resp.status_code == 201 and resp.json["provider"] == "N54"


def test_the_providers_are_reference_data(client, people):
    # regions.json, read independently: twelve regions, each with its provider code
    import json

    from sfoflow.config_dir import CONFIG_DIR

    regions = json.loads((CONFIG_DIR / "regions.json").read_text())["regions"]
    expected = {r["provider_code"]: r["code"] for r in regions}
    body = client.get("/api/v1/reference", headers=auth(people[lc.CENTRAL_TEAM][1])).json
    assert {p["code"]: p["region"] for p in body["providers"]} == expected == \
        {code: p["region"] for code, p in reference.providers().items()}
    assert len(expected) == 12


def test_the_migration_maps_free_text_to_codes_and_lists_the_rest(session, database):
    import importlib.util

    from sfoflow.db import MIGRATIONS
    from sfoflow.services import providers
    from tests.support.core import make_review

    spec = importlib.util.spec_from_file_location("m0007", MIGRATIONS / "versions" / "0007_hardening.py")
    migration = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(migration)
    stored = {"OLD/1": ("north_east", "n54"), "OLD/2": ("north_east", "N 54."), "OLD/3": ("wales", "N03"),
              "OLD/4": ("north_east", "Durham CRC"), "OLD/5": ("london", "N54")}
    for ref, (region, provider) in stored.items():
        make_review(session, reference=ref, region=region, provider=provider)
    assert [r for r, _, _ in providers.unmapped(session)] == ["OLD/1", "OLD/2", "OLD/4", "OLD/5"]
    with database.engine.begin() as conn:
        left = migration.map_providers(conn)
    assert left == ["reviews OLD/4: provider 'Durham CRC'", "reviews OLD/5: provider 'N54'"]
    session.expire_all()
    from sqlalchemy import select

    assert dict(session.execute(select(Review.reference, Review.provider)).all()) == {
        "OLD/1": "N54", "OLD/2": "N54", "OLD/3": "N03", "OLD/4": "Durham CRC", "OLD/5": "N54"}
    assert providers.unmapped(session) == [("OLD/4", "Durham CRC", "'Durham CRC' names no provider"),
                                           ("OLD/5", "N54", "N54 is the provider for North East, not London")]
